#pragma once

/// @file stop.hpp
/// @brief Stop rules and their combinators. A stop rule is called by the driver exactly once
/// per iteration (iteration 0 is the initial point) and returns the status to stop with, or
/// `std::nullopt`. See the `StopRule` concept.

#include <cstdint>
#include <limits>
#include <optional>
#include <tuple>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/status.hpp"

namespace iterum::stop {

/// Stops with `Status::MaxIterations` once `limit` iterations have been completed.
struct MaxIterations {
  Index limit = 0;
  [[nodiscard]] std::optional<Status> operator()(const IterationInfo& info) const noexcept {
    if (info.iteration >= limit) return Status::MaxIterations;
    return std::nullopt;
  }
};

/// Stops with `Status::Converged` once the certificate is at most `tolerance`.
struct ResidualBelow {
  double tolerance = 0.0;
  [[nodiscard]] std::optional<Status> operator()(const IterationInfo& info) const noexcept {
    if (info.residual <= tolerance) return Status::Converged;
    return std::nullopt;
  }
};

/// Stops with `Status::TimeLimit` once `seconds` of wall-clock time have passed.
struct TimeLimit {
  double seconds = std::numeric_limits<double>::infinity();
  [[nodiscard]] std::optional<Status> operator()(const IterationInfo& info) const noexcept {
    if (info.seconds >= seconds) return Status::TimeLimit;
    return std::nullopt;
  }
};

/// Stops with `Status::BudgetExhausted` once `limit` oracle calls (`counters.oracle_calls`)
/// have been made; no limit when unset.
struct OracleCalls {
  std::optional<std::int64_t> limit;
  [[nodiscard]] std::optional<Status> operator()(const IterationInfo& info) const noexcept {
    if (limit && info.counters.oracle_calls >= *limit) return Status::BudgetExhausted;
    return std::nullopt;
  }
};

/// Stops with `Status::Stalled` when the best certificate seen has not dropped by at least the
/// fraction `min_relative_decrease` during the last `window` iterations.
struct Stall {
  Index window = 50;
  double min_relative_decrease = 1e-3;
  double best = std::numeric_limits<double>::infinity();
  Index best_iteration = 0;

  [[nodiscard]] std::optional<Status> operator()(const IterationInfo& info) noexcept {
    if (info.residual < best * (1.0 - min_relative_decrease) || info.iteration == 0) {
      if (info.residual < best) best = info.residual;
      best_iteration = info.iteration;
      return std::nullopt;
    }
    if (info.iteration - best_iteration >= window) return Status::Stalled;
    return std::nullopt;
  }
};

/// Fires when any of its rules fires, with the status of the first (in argument order) that
/// fired. Every rule is evaluated every iteration, so stateful rules see every iteration.
template <class... Rules>
struct AnyOf {
  std::tuple<Rules...> rules;

  template <class I>
  [[nodiscard]] std::optional<Status> operator()(const I& info) {
    std::optional<Status> verdict;
    std::apply(
        [&](auto&... rule) {
          (
              [&] {
                std::optional<Status> s = rule(info);
                if (!verdict && s) verdict = s;
              }(),
              ...);
        },
        rules);
    return verdict;
  }
};

/// Fires when all of its rules fire in the same iteration, with the status of the first rule.
template <class... Rules>
struct AllOf {
  std::tuple<Rules...> rules;

  template <class I>
  [[nodiscard]] std::optional<Status> operator()(const I& info) {
    std::optional<Status> first;
    bool all = true;
    bool is_first = true;
    std::apply(
        [&](auto&... rule) {
          (
              [&] {
                std::optional<Status> s = rule(info);
                if (is_first) first = s;
                is_first = false;
                all = all && s.has_value();
              }(),
              ...);
        },
        rules);
    if (all) return first;
    return std::nullopt;
  }
};

/// `MaxIterations{limit}`; `limit` must be >= 0.
[[nodiscard]] inline MaxIterations max_iterations(Index limit) {
  check::nonnegative("iterum::stop::max_iterations", "limit", static_cast<double>(limit));
  return {limit};
}

/// `ResidualBelow{tolerance}`; `tolerance` must be >= 0.
[[nodiscard]] inline ResidualBelow residual_below(double tolerance) {
  check::nonnegative("iterum::stop::residual_below", "tolerance", tolerance);
  return {tolerance};
}

/// `TimeLimit{seconds}`; `seconds` must be > 0 (infinity means no limit).
[[nodiscard]] inline TimeLimit time_limit(double seconds) {
  check::positive("iterum::stop::time_limit", "seconds", seconds);
  return {seconds};
}

/// `Stall{window, min_relative_decrease}`; `window` >= 1, decrease in [0, 1).
[[nodiscard]] inline Stall stall(Index window, double min_relative_decrease = 1e-3) {
  check::positive("iterum::stop::stall", "window", static_cast<double>(window));
  check::in_range("iterum::stop::stall", "min_relative_decrease", min_relative_decrease, 0.0, 1.0,
                  check::Bound::Closed, check::Bound::Open);
  return {window, min_relative_decrease};
}

/// A rule that fires when any of `rules` fires.
template <class... Rules>
[[nodiscard]] AnyOf<Rules...> any_of(Rules... rules) {
  static_assert(sizeof...(Rules) > 0, "iterum::stop::any_of: give at least one rule");
  return {std::tuple<Rules...>(std::move(rules)...)};
}

/// A rule that fires when all of `rules` fire together.
template <class... Rules>
[[nodiscard]] AllOf<Rules...> all_of(Rules... rules) {
  static_assert(sizeof...(Rules) > 0, "iterum::stop::all_of: give at least one rule");
  return {std::tuple<Rules...>(std::move(rules)...)};
}

/// Converged at `tolerance`, or out of iterations, or out of time (`from_options` with no
/// oracle budget).
[[nodiscard]] inline AnyOf<ResidualBelow, MaxIterations, TimeLimit> standard(
    double tolerance, Index max_iterations, double time_limit_seconds) {
  return any_of(ResidualBelow{tolerance}, MaxIterations{max_iterations},
                TimeLimit{time_limit_seconds});
}

/// The rule every facade builds from its options' control fields (core/options.hpp):
/// converged at `tolerance`, out of iterations (`max_iterations`, or `default_max_iterations`
/// when unset), out of oracle calls (`max_oracle_calls`, when the options have it and it is
/// set), or out of time (`time_limit_seconds`). Fields the options lack do not stop.
template <class Options>
[[nodiscard]] AnyOf<ResidualBelow, MaxIterations, OracleCalls, TimeLimit> from_options(
    const Options& options, Index default_max_iterations) {
  ResidualBelow converged{};
  if constexpr (requires { options.tolerance; }) {
    converged.tolerance = static_cast<double>(options.tolerance);
  }
  MaxIterations budget{default_max_iterations};
  if constexpr (requires { options.max_iterations; }) {
    if (options.max_iterations) budget.limit = *options.max_iterations;
  }
  OracleCalls oracle{};
  if constexpr (requires { options.max_oracle_calls; }) {
    if (options.max_oracle_calls)
      oracle.limit = static_cast<std::int64_t>(*options.max_oracle_calls);
  }
  TimeLimit clock{};
  if constexpr (requires { options.time_limit_seconds; })
    clock.seconds = options.time_limit_seconds;
  return any_of(converged, budget, oracle, clock);
}

}  // namespace iterum::stop
