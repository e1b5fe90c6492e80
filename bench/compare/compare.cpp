// bench/compare: the solver tour. Runs every registered case on its embedded default data and
// prints a side-by-side table: family, case, method, iterations, certificate, median seconds
// and the ratio to the case's baseline (its first method). Times are medians of interleaved
// repetitions in one run, so the ratios are comparable on a noisy machine.
//
//   iterum_compare [--repeat N] [--family NAME] [--csv] [--list]

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tour.hpp"

namespace {

void usage() {
  std::puts(
      "usage: iterum_compare [--repeat N] [--family NAME] [--csv] [--list]\n"
      "  --repeat N     timed rounds per case (default 5; medians are reported)\n"
      "  --family NAME  only the cases of one family (e.g. linalg)\n"
      "  --csv          comma-separated output\n"
      "  --list         list the cases and exit");
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 5;
  std::string family;
  bool csv = false;
  bool list = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeats = std::atoi(argv[++i]);
      if (repeats < 1) {
        std::fprintf(stderr, "iterum_compare: --repeat must be at least 1\n");
        return 2;
      }
    } else if (arg == "--family" && i + 1 < argc) {
      family = argv[++i];
    } else if (arg == "--csv") {
      csv = true;
    } else if (arg == "--list") {
      list = true;
    } else {
      usage();
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }

  if (list) {
    for (const auto& c : tour::registry())
      std::printf("%-10s %s\n", c.family.c_str(), c.name.c_str());
    return 0;
  }

  if (csv) {
    std::puts("family,case,method,iterations,certificate,converged,median_seconds,ratio");
  } else {
    std::printf("iterum solver tour: medians of %d interleaved runs; ratio = time / baseline\n\n",
                repeats);
    std::printf("%-11s %-26s %-34s %10s %12s %11s %7s\n", "family", "case", "method", "iterations",
                "certificate", "seconds", "ratio");
  }
  bool all_converged = true;
  int cases = 0;
  for (const auto& c : tour::registry()) {
    if (!family.empty() && c.family != family) continue;
    ++cases;
    std::vector<tour::Row> rows;
    try {
      rows = tour::run_case(c, repeats);
    } catch (const tour::Skipped& skipped) {
      std::printf("%-11s %-26s skipped: %s\n", c.family.c_str(), c.name.c_str(), skipped.what());
      continue;
    }
    for (const auto& row : rows) {
      all_converged = all_converged && (row.outcome.converged || !row.must_converge);
      if (csv) {
        std::printf("%s,%s,%s,%ld,%.6e,%d,%.6e,%.4f\n", row.family.c_str(), row.case_name.c_str(),
                    row.method.c_str(), row.outcome.iterations, row.outcome.certificate,
                    row.outcome.converged ? 1 : 0, row.median_seconds, row.ratio);
      } else {
        std::printf("%-11s %-26s %-34s %10ld %12.3e %11.6f %7.3f%s\n", row.family.c_str(),
                    row.case_name.c_str(), row.method.c_str(), row.outcome.iterations,
                    row.outcome.certificate, row.median_seconds, row.ratio,
                    row.outcome.converged ? ""
                    : row.must_converge   ? "  (not converged)"
                                          : "  (not converged: fixed budget, expected)");
      }
    }
  }
  if (cases == 0) {
    std::fprintf(stderr, "iterum_compare: no case matches family '%s'\n", family.c_str());
    return 2;
  }
  if (!csv) {
    std::puts("\nThe first method of each case is its baseline (ratio 1). Iterations are each");
    std::puts("method's own count (Eigen's CG reports one fewer than the products it made).");
  }
  return all_converged ? 0 : 1;
}
