#pragma once

/// @file halpern.hpp
/// @brief Halpern's anchored iteration for fixed points of nonexpansive maps: the method
/// (`HalpernMethod`) and the facade `iterum::fixed_point::halpern(T, x0, options)`.
///
/// Algorithm: B. Halpern, "Fixed points of nonexpanding maps", Bull. AMS 73 (1967) 957-961:
///
///   x_{k+1} = beta_k x_0 + (1 - beta_k) T x_k,   beta_k = 1 / (k + 2),             (H)
///
/// for T nonexpansive (||Tx - Ty|| <= ||x - y||) with a fixed point x*. With this schedule the
/// fixed-point residual obeys the tight bound
///
///   ||x_k - T x_k|| <= 2 ||x_0 - x*|| / (k + 1)   for every k >= 1 and every fixed point x*
///
/// (F. Lieder, "On the convergence rate of the Halpern-iteration", Optim. Lett. 15 (2021)
/// 405-418; Sabach & Shtern, SIAM J. Optim. 27 (2017) give the O(1/k) rate with a
/// larger constant), and no deterministic method whose iterates lie in the span of x_0 and the
/// residuals seen does better (Park & Ryu, ICML 2022). T = -I attains the bound at every even
/// k, which the tests check.
///
/// Reflection (`reflect = true`): when T is firmly nonexpansive (a resolvent, a projection,
/// a Douglas-Rachford or PDHG operator), R = 2T - I is nonexpansive with the same fixed points
/// and (H) is run on R. Since x - Rx = 2 (x - Tx), the bound above on R reads
/// ||x_k - T x_k|| <= ||x_0 - x*|| / (k + 1): a factor 2 (the reflection gain of r2HPDHG and
/// cuPDLPx; Lu & Yang, "Restarted Halpern PDHG for linear programming", arXiv 2407.16144).
///
/// Adaptive restarts (`restart = HalpernRestart::Adaptive`): the anchor x_0 in (H) is replaced
/// by the current iterate x_k, and the schedule starts again at beta = 1/2, as soon as
/// ||x_k - T x_k|| <= restart_decay * ||a - T a||, where a is the current anchor (the
/// "sufficient decay" rule of restarted Halpern PDHG, arXiv 2407.16144, there with
/// factor 0.2; the restarted E-Halpern of Cai, Song, Guzman & Diakonikolas, arXiv 2203.09436,
/// re-anchors when the residual halves). Between restarts the bound of (H) holds with the
/// anchor in place of x_0; on sharp problems (LASSO, LP) restarts give linear convergence.
///
/// Cost: one evaluation of T per iteration, plus one at the start. The certificate
/// ||x_k - T x_k|| comes from the evaluation the next step needs anyway, so it is free.

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// The anchoring schedule beta_k of (H).
enum class HalpernAnchoring {
  /// beta_k = 1 / (k + 2), Halpern (1967) with Lieder's tight constant 2 ||x_0 - x*|| / (k+1).
  Classic,
};

/// When the anchor is moved.
enum class HalpernRestart {
  None,      ///< plain Halpern: the anchor stays x_0
  Adaptive,  ///< re-anchor at x_k once its residual fell by `restart_decay` since the anchor's
};

/// Options of `halpern`.
struct HalpernOptions {
  /// Stop when ||x_k - T x_k|| <= tolerance (absolute; of the user's T even when reflecting).
  double tolerance = 1e-8;
  /// Iteration budget (`MaxIterations` when exhausted).
  Index max_iterations = 100000;
  /// Budget on evaluations of T, the initial one included (`BudgetExhausted` when reached);
  /// each iteration costs one. Unset: no budget beyond the iterations.
  std::optional<std::int64_t> max_oracle_calls{};
  /// The schedule beta_k.
  HalpernAnchoring anchoring = HalpernAnchoring::Classic;
  /// Restart policy.
  HalpernRestart restart = HalpernRestart::None;
  /// With `Adaptive` restarts: re-anchor when the residual is at most this fraction of the
  /// anchor's residual; in (0, 1).
  double restart_decay = 0.2;
  /// Run (H) on 2T - I instead of T; requires T firmly nonexpansive (see the file comment).
  bool reflect = false;
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, residual history, user callback.
  Monitor monitor{};

  /// Throws `iterum::invalid_argument` for a negative or non-finite tolerance, a negative
  /// iteration budget, an oracle budget below 1, a restart decay outside (0, 1) or a
  /// non-positive time limit.
  void validate(std::string_view function = "iterum::fixed_point::HalpernOptions::validate") const {
    check::nonnegative(function, "options.tolerance", tolerance);
    check::finite(function, "options.tolerance", tolerance);
    check::nonnegative(function, "options.max_iterations", static_cast<double>(max_iterations));
    if (max_oracle_calls) {
      check::positive(function, "options.max_oracle_calls", static_cast<double>(*max_oracle_calls));
    }
    check::in_range(function, "options.restart_decay", restart_decay, 0.0, 1.0, check::Bound::Open,
                    check::Bound::Open);
    check::positive(function, "options.time_limit_seconds", time_limit_seconds);
    monitor.validate(function);
  }
};

/// The iterate of `HalpernMethod`.
template <class Scalar>
struct HalpernState {
  Vector<Scalar> x;              ///< x_k
  Vector<Scalar> tx;             ///< T x_k
  Vector<Scalar> anchor;         ///< x_0, or the iterate of the last restart
  Index since_anchor = 0;        ///< k in (H): steps taken since the anchor was set
  double residual_norm = 0.0;    ///< ||x_k - T x_k||
  double anchor_residual = 0.0;  ///< ||a - T a|| of the anchor a
  Index restarts = 0;            ///< how many times the anchor moved
  Counters counters{};           ///< `oracle_calls`: evaluations of T
};

/// Halpern's iteration (H) as an `iterum::Method` whose problem is a `FixedPointMap`.
template <class Scalar>
class HalpernMethod {
 public:
  using State = HalpernState<Scalar>;

  HalpernMethod() = default;
  /// Takes the schedule, restart policy and reflection from `options` (validated).
  explicit HalpernMethod(const HalpernOptions& options)
      : anchoring_(options.anchoring),
        restart_(options.restart),
        restart_decay_(options.restart_decay),
        reflect_(options.reflect) {
    options.validate("iterum::fixed_point::HalpernMethod");
  }

  /// Starts from x_0 = 0.
  template <FixedPointMap T>
  [[nodiscard]] State init(const T& t) const {
    return init(t, Vector<Scalar>::Zero(t.dim()));
  }

  /// Starts from `x0`, anchoring there; evaluates T x_0 (one oracle call).
  template <FixedPointMap T>
  [[nodiscard]] State init(const T& t, const Vector<Scalar>& x0) const {
    constexpr std::string_view function = "iterum::fixed_point::HalpernMethod::init";
    check::size(function, "x0", x0.size(), static_cast<Index>(t.dim()),
                "must have as many entries as T has dimensions");
    check::all_finite(function, "x0", x0);
    State s;
    s.x = x0;
    s.anchor = x0;
    s.tx.resize(x0.size());
    t.apply(s.x, s.tx);
    s.counters.oracle_calls = 1;
    s.residual_norm = static_cast<double>((s.x - s.tx).norm());
    s.anchor_residual = s.residual_norm;
    return s;
  }

  /// One step of (H) (with the restart test first); one evaluation of T, no allocation.
  template <FixedPointMap T>
  void step(const T& t, State& s) const {
    if (restart_ == HalpernRestart::Adaptive &&
        s.residual_norm <= restart_decay_ * s.anchor_residual) {
      s.anchor = s.x;
      s.anchor_residual = s.residual_norm;
      s.since_anchor = 0;
      ++s.restarts;
    }
    const Scalar beta = anchor_weight(s.since_anchor);
    if (reflect_) {
      // R x_k = 2 T x_k - x_k.
      s.x = beta * s.anchor + (Scalar(1) - beta) * (Scalar(2) * s.tx - s.x);
    } else {
      s.x = beta * s.anchor + (Scalar(1) - beta) * s.tx;
    }
    t.apply(s.x, s.tx);
    ++s.counters.oracle_calls;
    ++s.since_anchor;
    s.residual_norm = static_cast<double>((s.x - s.tx).norm());
  }

  /// ||x_k - T x_k|| (of the user's T, also when reflecting).
  template <FixedPointMap T>
  [[nodiscard]] double residual(const T& /*t*/, const State& s) const {
    return s.residual_norm;
  }

  /// O(1): a non-finite entry in x or T x makes ||x - T x|| non-finite.
  template <FixedPointMap T>
  [[nodiscard]] bool is_finite(const T& /*t*/, const State& s) const {
    return std::isfinite(s.residual_norm);
  }

  /// beta_k of the schedule.
  [[nodiscard]] Scalar anchor_weight(Index k) const noexcept {
    switch (anchoring_) {
      case HalpernAnchoring::Classic:
        break;
    }
    return Scalar(1) / static_cast<Scalar>(k + 2);
  }

 private:
  HalpernAnchoring anchoring_ = HalpernAnchoring::Classic;
  HalpernRestart restart_ = HalpernRestart::None;
  double restart_decay_ = 0.2;
  bool reflect_ = false;
};

/// What `halpern` returns.
template <class Scalar>
struct HalpernResult : Summary {
  Vector<Scalar> x;             ///< the last iterate x_k (its residual is `residual`)
  Index restarts = 0;           ///< anchor moves (adaptive restarts)
  std::vector<double> history;  ///< ||x_k - T x_k|| per iteration, if `record_history`
};

namespace detail {

/// Stops with `Status::BudgetExhausted` once `limit` oracle calls have been made.
struct OracleBudget {
  std::optional<std::int64_t> limit;
  [[nodiscard]] std::optional<Status> operator()(const IterationInfo& info) const noexcept {
    if (limit && info.counters.oracle_calls >= *limit) return Status::BudgetExhausted;
    return std::nullopt;
  }
};

template <class T>
constexpr bool check_fixed_point_map() {
  static_assert(FixedPointMap<T>,
                "iterum::fixed_point: T must model iterum::FixedPointMap (Scalar, dim(), "
                "apply(x, tx)); see docs/concepts.md#fixedpointmap");
  return FixedPointMap<T>;
}

}  // namespace detail

/// Finds a fixed point of the nonexpansive map `t` by Halpern's iteration (H), optionally
/// reflected and adaptively restarted.
///
/// @param t        a `FixedPointMap` (nonexpansive; firmly nonexpansive when reflecting).
/// @param x0       starting point and first anchor, `t.dim()` entries.
/// @param options  tolerance, budgets (iterations, oracle calls, time), schedule, restarts,
///                 reflection, monitoring.
/// @return `x`, `status`, `iterations`, `residual` = ||x - T x||, `seconds`, `counters`
///         (`oracle_calls` = evaluations of T), `restarts`, `history`. Never throws for
///         non-convergence: read `status` (`NumericalIssue` if T produced NaN/Inf).
/// @throws iterum::invalid_argument for a size mismatch, a non-finite x0, or bad options.
///
/// Example:
/// @code
///   auto t = iterum::fixed_point::make_map<double>(n, [&](const auto& x, auto& tx) { ... });
///   auto r = iterum::fixed_point::halpern(t, x0, {.tolerance = 1e-8});
///   if (r.ok()) use(r.x);
/// @endcode
template <class T, class X0>
[[nodiscard]] auto halpern(const T& t, const X0& x0, const HalpernOptions& options = {}) {
  constexpr bool valid = detail::check_fixed_point_map<T>();
  if constexpr (valid) {
    using Scalar = typename T::Scalar;
    constexpr std::string_view function = "iterum::fixed_point::halpern";
    const auto start = iterum::detail::Clock::now();
    options.validate(function);
    check::size(function, "x0", static_cast<Index>(x0.size()), static_cast<Index>(t.dim()),
                "must have as many entries as T has dimensions");
    const Vector<Scalar> start_x = x0.template cast<Scalar>();
    check::all_finite(function, "x0", start_x);
    const HalpernMethod<Scalar> method(options);
    auto state = method.init(t, start_x);
    auto stop = stop::any_of(stop::ResidualBelow{options.tolerance},
                             stop::MaxIterations{options.max_iterations},
                             detail::OracleBudget{options.max_oracle_calls},
                             stop::TimeLimit{options.time_limit_seconds});
    HalpernMethod<Scalar> runner = method;
    auto result = solve_monitored(t, runner, std::move(state), std::move(stop), options.monitor,
                                  function, start);
    HalpernResult<Scalar> out;
    static_cast<Summary&>(out) = result;
    out.x = std::move(result.state.x);
    out.restarts = result.state.restarts;
    out.history = std::move(result.history);
    return out;
  } else {
    return Summary{};
  }
}

}  // namespace iterum::fixed_point
