#pragma once

// The solver tour's small framework: every family registers cases; a case runs each of its
// methods the same number of times, interleaved (so a noisy machine slows all of them alike),
// and the tour prints medians and each method's time ratio to the case's baseline.

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tour {

/// What one run of a method reports.
struct Outcome {
  long iterations = 0;
  double certificate = 0;  // the method's own certificate (relative residual, marginal error...)
  bool converged = false;
};

/// A method of a case: its name and a function that solves the case once.
struct Method {
  std::string name;
  std::function<Outcome()> run;
  /// Whether the method must converge on the case. Methods shown at a fixed budget to
  /// contrast with others (plain Halpern on a sharp problem) set false: their "not
  /// converged" is reported but does not fail the tour.
  bool must_converge = true;
};

/// Thrown by a case's `prepare` when its data is not on this machine (a dataset package that is
/// not installed): the tour prints the message and goes on.
struct Skipped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A case: family, name, and its methods; the first method is the baseline.
struct Case {
  std::string family;
  std::string name;
  std::function<std::vector<Method>()> prepare;  // builds the data (not timed) and the methods
  int max_repeats = 1000;  // heavy cases cap their timed rounds (and skip the warm-up round)
};

/// The cases every translation unit of the tour registered.
inline std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

/// Registers a case at static-initialization time: `static tour::Register r{{...}};`.
struct Register {
  explicit Register(Case c) { registry().push_back(std::move(c)); }
};

/// One row of the table.
struct Row {
  std::string family, case_name, method;
  Outcome outcome;
  bool must_converge = true;
  double median_seconds = 0;
  double ratio = 1;  // median seconds / the baseline's median seconds
};

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Runs `c` with `repeats` interleaved rounds (plus one untimed warm-up round), or with the
/// case's own cap on rounds and no warm-up for heavy cases.
inline std::vector<Row> run_case(const Case& c, int repeats) {
  std::vector<Method> methods = c.prepare();
  const bool heavy = repeats > c.max_repeats;
  repeats = std::min(repeats, c.max_repeats);
  std::vector<std::vector<double>> times(methods.size());
  std::vector<Outcome> outcomes(methods.size());
  for (int round = heavy ? 0 : -1; round < repeats; ++round) {
    for (std::size_t m = 0; m < methods.size(); ++m) {
      const auto start = std::chrono::steady_clock::now();
      outcomes[m] = methods[m].run();
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (round >= 0) times[m].push_back(s);
    }
  }
  std::vector<Row> rows;
  const double baseline = median(times.front());
  for (std::size_t m = 0; m < methods.size(); ++m) {
    const double t = median(times[m]);
    rows.push_back({c.family, c.name, methods[m].name, outcomes[m], methods[m].must_converge, t,
                    t / baseline});
  }
  return rows;
}

}  // namespace tour
