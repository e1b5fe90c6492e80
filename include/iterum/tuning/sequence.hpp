#pragma once

/// @file sequence.hpp
/// @brief Running a method over a sequence of instances with a tuner (`run_sequence`), and
/// replaying a precomputed cost table (`CostTable`), the way Khodak et al. evaluate their
/// learners (arXiv 2310.02246, Sec. 6: every arm's cost on every instance is computed once, then
/// any learner replays it under bandit feedback).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <concepts>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"
#include "iterum/tuning/tuner.hpp"

namespace iterum::tuning {

/// What `run_sequence` reports: for every instance t, the value used, its cost and the
/// cumulative cost up to and including t.
struct SequenceReport {
  std::vector<double> values;
  std::vector<double> costs;
  std::vector<double> cumulative;

  /// The cumulative cost of the whole sequence (what users compare).
  [[nodiscard]] double total() const noexcept {
    return cumulative.empty() ? 0.0 : cumulative.back();
  }
  /// The mean cost per instance.
  [[nodiscard]] double mean() const noexcept {
    return costs.empty() ? 0.0 : total() / static_cast<double>(costs.size());
  }
};

/// Cost selectors for `run_sequence`: what one solve of the sequence costs. Each maps a result
/// derived from `Summary` to a number (lower is better); any callable doing so is a selector.
namespace cost {
/// The solve's iterations (the default).
struct Iterations {
  [[nodiscard]] double operator()(const Summary& r) const noexcept {
    return static_cast<double>(r.iterations);
  }
};
/// The solve's oracle calls (finite sums, fixed-point maps: the work the papers count).
struct OracleCalls {
  [[nodiscard]] double operator()(const Summary& r) const noexcept {
    return static_cast<double>(r.counters.oracle_calls);
  }
};
/// The solve's operator products.
struct Matvecs {
  [[nodiscard]] double operator()(const Summary& r) const noexcept {
    return static_cast<double>(r.counters.matvecs);
  }
};
/// The solve's wall-clock seconds.
struct Seconds {
  [[nodiscard]] double operator()(const Summary& r) const noexcept { return r.seconds; }
};
inline constexpr Iterations iterations{};
inline constexpr OracleCalls oracle_calls{};
inline constexpr Matvecs matvecs{};
inline constexpr Seconds seconds{};
}  // namespace cost

namespace detail {

/// The cost of a solve: a number as it is, or `select(result)` for a result derived from
/// `Summary`.
template <class R, class Select>
[[nodiscard]] double cost_of(const R& r, const Select& select) {
  if constexpr (std::is_convertible_v<const R&, const Summary&>) {
    return static_cast<double>(select(static_cast<const Summary&>(r)));
  } else {
    static_assert(std::is_convertible_v<R, double>,
                  "iterum::tuning::run_sequence: the solve callable must return a cost "
                  "(convertible to double) or a result derived from iterum::Summary (whose cost "
                  "the selector reads: cost::iterations by default)");
    return static_cast<double>(r);
  }
}

inline void record(SequenceReport& report, double value, double cost) {
  report.values.push_back(value);
  report.costs.push_back(cost);
  report.cumulative.push_back(report.total() + cost);
}

}  // namespace detail

/// For t = 0 .. instances - 1: value = tuner.propose(); result = solve(t, value);
/// tuner.feedback(select(result)). `solve` returns the cost (a number, used as it is) or a
/// result derived from `Summary`, whose cost `select` reads (`cost::iterations` by default;
/// `cost::oracle_calls`, `cost::matvecs`, `cost::seconds` or any callable on `const Summary&`).
template <Tuner T, class Solve, class Select = cost::Iterations>
requires std::invocable<Solve&, Index, double>
[[nodiscard]] SequenceReport run_sequence(T& tuner, Index instances, Solve&& solve,
                                          Select select = {}) {
  check::nonnegative("iterum::tuning::run_sequence", "instances", static_cast<double>(instances));
  SequenceReport report;
  for (Index t = 0; t < instances; ++t) {
    const double value = tuner.propose();
    const double cost = detail::cost_of(solve(t, value), select);
    tuner.feedback(cost);
    detail::record(report, value, cost);
  }
  return report;
}

/// The contextual form: value = tuner.propose(context(t)) before each solve.
template <ContextualTuner T, class Context, class Solve, class Select = cost::Iterations>
requires std::invocable<Solve&, Index, double>
[[nodiscard]] SequenceReport run_sequence(T& tuner, Index instances, Context&& context,
                                          Solve&& solve, Select select = {}) {
  check::nonnegative("iterum::tuning::run_sequence", "instances", static_cast<double>(instances));
  SequenceReport report;
  for (Index t = 0; t < instances; ++t) {
    const double value = tuner.propose(static_cast<double>(context(t)));
    const double cost = detail::cost_of(solve(t, value), select);
    tuner.feedback(cost);
    detail::record(report, value, cost);
  }
  return report;
}

/// The cost of every arm of a grid on every instance of a sequence (instances x arms), for
/// deterministic, fast replays of any tuner and for the hindsight baselines.
class CostTable {
 public:
  CostTable(std::vector<double> grid, Index instances)
      : grid_(std::move(grid)), costs_(Matrix<double>::Zero(checked(instances), arms_of(grid_))) {}

  [[nodiscard]] Index instances() const noexcept { return costs_.rows(); }
  [[nodiscard]] Index arms() const noexcept { return costs_.cols(); }
  [[nodiscard]] const std::vector<double>& grid() const noexcept { return grid_; }
  /// The cost of `arm` on `instance`; throws unless both indices are in range.
  [[nodiscard]] double& at(Index instance, Index arm) {
    check_index(instance, arm);
    return costs_(instance, arm);
  }
  [[nodiscard]] double at(Index instance, Index arm) const {
    check_index(instance, arm);
    return costs_(instance, arm);
  }
  [[nodiscard]] const Matrix<double>& costs() const noexcept { return costs_; }

  /// The arm whose value is exactly `value` (tuners propose grid values); throws otherwise.
  [[nodiscard]] Index arm_of(double value) const {
    const auto it = std::find(grid_.begin(), grid_.end(), value);
    if (it == grid_.end()) {
      check::fail("iterum::tuning::CostTable::arm_of", "value", "is not a value of the grid",
                  check::text(value));
    }
    return static_cast<Index>(it - grid_.begin());
  }

  /// The cost of instance t when solved with `value` (a grid value).
  [[nodiscard]] double cost(Index instance, double value) const {
    return costs_(instance, arm_of(value));
  }

  /// The cost of every fixed arm over the first `horizon` instances (all when negative).
  [[nodiscard]] Vector<double> fixed_totals(Index horizon = -1) const {
    return costs_.topRows(rows(horizon)).colwise().sum().transpose();
  }
  /// The best fixed arm in hindsight over the first `horizon` instances.
  [[nodiscard]] Index best_fixed_arm(Index horizon = -1) const {
    Index arm = 0;
    fixed_totals(horizon).minCoeff(&arm);
    return arm;
  }
  /// Its total cost.
  [[nodiscard]] double best_fixed_total(Index horizon = -1) const {
    return fixed_totals(horizon).minCoeff();
  }
  /// The total cost of the per-instance optimum (the best arm of every instance).
  [[nodiscard]] double oracle_total(Index horizon = -1) const {
    return costs_.topRows(rows(horizon)).rowwise().minCoeff().sum();
  }

  /// Replays `tuner` over the table (bandit feedback: it sees only the cost of its choice).
  template <Tuner T>
  [[nodiscard]] SequenceReport replay(T& tuner) const {
    return run_sequence(tuner, instances(), [this](Index t, double v) { return cost(t, v); });
  }
  /// Replays a contextual tuner with the contexts `context(t)`.
  template <ContextualTuner T, class Context>
  [[nodiscard]] SequenceReport replay(T& tuner, Context&& context) const {
    return run_sequence(tuner, instances(), std::forward<Context>(context),
                        [this](Index t, double v) { return cost(t, v); });
  }

 private:
  void check_index(Index instance, Index arm) const {
    constexpr std::string_view function = "iterum::tuning::CostTable::at";
    check::in_range(function, "instance", static_cast<double>(instance), 0.0,
                    static_cast<double>(costs_.rows()), check::Bound::Closed, check::Bound::Open);
    check::in_range(function, "arm", static_cast<double>(arm), 0.0,
                    static_cast<double>(costs_.cols()), check::Bound::Closed, check::Bound::Open);
  }

  // Both checks run in the member initializer, before the table is sized (issue 11, D12).
  static Index checked(Index instances) {
    check::nonnegative("iterum::tuning::CostTable", "instances", static_cast<double>(instances));
    return instances;
  }
  static Index arms_of(const std::vector<double>& grid) {
    tuning::detail::check_grid("iterum::tuning::CostTable", grid);
    return static_cast<Index>(grid.size());
  }

  [[nodiscard]] Index rows(Index horizon) const {
    return horizon < 0 ? costs_.rows() : std::min(horizon, costs_.rows());
  }

  std::vector<double> grid_;
  Matrix<double> costs_;
};

}  // namespace iterum::tuning
