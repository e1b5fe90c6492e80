#pragma once

// Rows of the CSV traces the fixed-point *_trace programs write, shared by them: thinning a long
// trace, parsing "--n 2500,10000", writing the CSV.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

struct TraceRow {
  std::string problem, method;
  long iterations;
  long long oracle_calls;
  double epochs, residual, seconds;
};

/// Keeps about `points` rows of a long trace (always the first and the last).
inline void thin_into(std::vector<TraceRow>& out, const std::vector<TraceRow>& trace,
                      std::size_t points = 150) {
  const std::size_t stride = std::max<std::size_t>(1, trace.size() / points);
  for (std::size_t k = 0; k < trace.size(); k += stride) out.push_back(trace[k]);
  if (!trace.empty() && (trace.size() - 1) % stride != 0) out.push_back(trace.back());
}

/// "2500,10000" -> {2500, 10000}.
inline std::vector<Eigen::Index> parse_sizes(const char* text) {
  std::vector<Eigen::Index> sizes;
  std::string item;
  for (const char* c = text;; ++c) {
    if (*c == ',' || *c == '\0') {
      if (!item.empty()) sizes.push_back(std::atol(item.c_str()));
      item.clear();
      if (*c == '\0') break;
    } else {
      item += *c;
    }
  }
  return sizes;
}

/// Writes the rows as CSV (problem,method,iterations,oracle_calls,epochs,residual,seconds);
/// false when the file cannot be opened.
inline bool write_trace_csv(const std::string& path, const std::vector<TraceRow>& rows) {
  std::ofstream out(path);
  if (!out) return false;
  out << "problem,method,iterations,oracle_calls,epochs,residual,seconds\n";
  out.precision(10);
  for (const auto& r : rows) {
    out << '"' << r.problem << "\",\"" << r.method << "\"," << r.iterations << ',' << r.oracle_calls
        << ',' << r.epochs << ',' << r.residual << ',' << r.seconds << '\n';
  }
  return true;
}

}  // namespace bench
