#pragma once

/// @file observe.hpp
/// @brief Built-in observers: `History` records the certificate per iteration, `Progress`
/// prints a line every N iterations or every T seconds. Plain callables taking
/// `const Info<State>&` (returning `void`, or `bool` where `true` stops) are observers too.
/// This is the only core header that touches `<ostream>`.

#include <cmath>
#include <ios>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "iterum/core/info.hpp"
#include "iterum/core/status.hpp"

namespace iterum::observe {

/// Records, per iteration, the certificate and the elapsed seconds.
struct History {
  std::vector<double> residuals;
  std::vector<double> seconds;

  void operator()(const IterationInfo& info) {
    residuals.push_back(info.residual);
    seconds.push_back(info.seconds);
  }
};

/// When `Progress` prints.
struct ProgressOptions {
  Index every_iterations = 0;  ///< print every this many iterations (0: not by count)
  double every_seconds = 1.0;  ///< print when this many seconds passed since the last line
                               ///< (0: not by time)
  std::string label{};         ///< printed in the header and the final line, e.g. the solver
};

/// Prints a header, a line per reporting interval (iteration, certificate, seconds, matvecs,
/// oracle calls), and a final line with the status. What a user watching a long solve wants.
class Progress {
 public:
  explicit Progress(std::ostream& out, ProgressOptions options = {})
      : out_(&out), options_(std::move(options)) {}

  void operator()(const IterationInfo& info) {
    if (info.iteration == 0 || !printed_header_) {
      print_header();
      print_line(info);
      return;
    }
    const bool by_count =
        options_.every_iterations > 0 && info.iteration % options_.every_iterations == 0;
    const bool by_time =
        options_.every_seconds > 0 && info.seconds - last_seconds_ >= options_.every_seconds;
    if (by_count || by_time) print_line(info);
  }

  void on_finish(const IterationInfo& info, Status status) {
    if (last_iteration_ != info.iteration) print_line(info);
    std::ostream& o = *out_;
    const auto flags = o.flags();
    const auto precision = o.precision();
    o << (options_.label.empty() ? std::string("solve") : options_.label) << ": "
      << to_string(status) << " after " << info.iteration << " iterations, residual ";
    o << std::scientific;
    o.precision(3);
    o << info.residual << ", ";
    o << std::fixed;
    o << info.seconds << " s\n";
    o.flags(flags);
    o.precision(precision);
  }

 private:
  void print_header() {
    printed_header_ = true;
    std::ostream& o = *out_;
    if (!options_.label.empty()) o << options_.label << '\n';
    o << "      iter        residual     seconds     matvecs      oracle\n";
  }

  void print_line(const IterationInfo& info) {
    std::ostream& o = *out_;
    const auto flags = o.flags();
    const auto precision = o.precision();
    o.width(10);
    o << info.iteration;
    o << "  ";
    o.width(14);
    o << std::scientific;
    o.precision(6);
    o << info.residual << "  ";
    o.width(10);
    o << std::fixed;
    o.precision(3);
    o << info.seconds << "  ";
    o.width(10);
    o << info.counters.matvecs << "  ";
    o.width(10);
    o << info.counters.oracle_calls << '\n';
    o.flags(flags);
    o.precision(precision);
    last_seconds_ = info.seconds;
    last_iteration_ = info.iteration;
  }

  std::ostream* out_;
  ProgressOptions options_;
  bool printed_header_ = false;
  double last_seconds_ = 0.0;
  Index last_iteration_ = -1;
};

}  // namespace iterum::observe
