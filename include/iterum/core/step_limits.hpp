#pragma once

/// @file step_limits.hpp
/// @brief `StepLimits`: the oracle-call and time budgets a long step polls from inside.
///
/// The driver (`solve`, `solve_with_options`) judges its stop rule between steps. A method
/// whose single step can run long — an inner loop of M_k = c n ln(k + 2) iterations, a Newton
/// step's inner linear solve — keeps a `StepLimits` in its state (set by the facade from the
/// options' control fields and its entry clock), polls `reached` inside the loop, and ends the
/// step early by returning the status, so `max_oracle_calls` and `time_limit_seconds` hold to
/// within one inner iteration instead of one outer step.

#include <cstdint>
#include <limits>
#include <optional>

#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"

namespace iterum {

/// Budgets checked inside a step. Default: no limit.
struct StepLimits {
  std::optional<std::int64_t> max_oracle_calls{};  ///< `BudgetExhausted` at this many calls
  double time_limit_seconds = std::numeric_limits<double>::infinity();  ///< `TimeLimit`
  Stopwatch clock{};  ///< the facade's, started at its entry

  /// The status that ends the step after `oracle_calls` calls, if a budget is spent. Reading
  /// the clock costs tens of nanoseconds: poll it every few inner iterations when they are
  /// cheaper than that (`check_time = false` on the others).
  [[nodiscard]] std::optional<Status> reached(std::int64_t oracle_calls,
                                              bool check_time = true) const noexcept {
    if (max_oracle_calls && oracle_calls >= *max_oracle_calls) return Status::BudgetExhausted;
    if (check_time && clock.seconds() >= time_limit_seconds) return Status::TimeLimit;
    return std::nullopt;
  }
};

/// The `StepLimits` of a facade's options (the fields it has: `max_oracle_calls`,
/// `time_limit_seconds`), timed by the facade's entry `clock`.
template <class Options>
[[nodiscard]] StepLimits step_limits(const Options& options, const Stopwatch& clock) {
  StepLimits limits;
  limits.clock = clock;
  if constexpr (requires { options.max_oracle_calls; }) {
    if (options.max_oracle_calls) {
      limits.max_oracle_calls = static_cast<std::int64_t>(*options.max_oracle_calls);
    }
  }
  if constexpr (requires { options.time_limit_seconds; }) {
    limits.time_limit_seconds = options.time_limit_seconds;
  }
  return limits;
}

}  // namespace iterum
