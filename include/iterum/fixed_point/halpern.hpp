#pragma once

/// @file halpern.hpp
/// @brief The facade `iterum::fixed_point::halpern(T[, x0], options)`: Halpern's anchored
/// iteration (B. Halpern, "Fixed points of nonexpanding maps", Bull. AMS 73 (1967) 957-961),
/// optionally reflected and restarted, on a nonexpansive map T, with its options
/// (`HalpernOptions`) and result (`HalpernResult`). The method, its schedules, restart rules,
/// reflection and certificates are described in halpern_method.hpp (`HalpernMethod`).

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/halpern_method.hpp"

namespace iterum::fixed_point {

/// Options of `halpern`: the control fields (core/options.hpp), then Halpern's own settings
/// (the fields of `HalpernParams`, in the same order).
struct HalpernOptions {
  /// Stop when the certificate is at most this (absolute): ||x_k - T x_k|| (of the user's T
  /// even when reflecting), or the map's certificate with `certificate = Map`.
  double tolerance = 1e-8;
  /// Iteration budget (`MaxIterations` when exhausted); unset means
  /// `default_max_iterations(T.dim())` = max(100000, 10 dim) (100000, the budget of earlier
  /// versions, up to dimension 10000; then 10 evaluations of T per dimension).
  std::optional<Index> max_iterations{};
  /// Budget on evaluations of T, the initial one included (`BudgetExhausted` when reached);
  /// each iteration costs one. Unset: no budget beyond the iterations.
  std::optional<std::int64_t> max_oracle_calls{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, residual history, a callback seeing the iterate.
  Monitor monitor{};
  /// The schedule beta_k.
  HalpernAnchoring anchoring = HalpernAnchoring::Classic;
  /// With `Contractive` anchoring (required there): the Lipschitz constant 1/gamma of the map
  /// the iteration runs on (2T - I when reflecting), in (0, 1).
  std::optional<double> contraction{};
  /// Restart policy.
  HalpernRestart restart = HalpernRestart::None;
  /// Sufficient decay (`Adaptive` and `Cupdlpx`), in (0, 1).
  double restart_decay = 0.2;
  /// Necessary decay (`Cupdlpx`), in [0, 1); 0 switches the rule off.
  double restart_necessary_decay = 0.5;
  /// Artificial restart fraction (`Cupdlpx`), positive; above 1 switches the rule off.
  double restart_artificial_fraction = 0.36;
  /// Restart rules are checked at iterations that are multiples of this (>= 1).
  Index restart_check_every = 1;
  /// Where restarts put the anchor (`MapOutput`: at T x_k).
  HalpernRestartAnchor restart_anchor = HalpernRestartAnchor::MapOutput;
  /// Run (H) on 2T - I instead of T; requires T firmly nonexpansive.
  bool reflect = false;
  /// What `tolerance` applies to.
  HalpernCertificate certificate = HalpernCertificate::FixedPointResidual;
  /// With `certificate = Map`: evaluate the map's certificate at iterations that are multiples
  /// of this (>= 1); the facade refreshes it for the final iterate.
  Index certificate_every = 1;

  /// The iteration budget when `max_iterations` is unset, for a map of dimension `dim`.
  [[nodiscard]] static constexpr Index default_max_iterations(Index dim) noexcept {
    return dim > 10000 ? 10 * dim : Index{100000};
  }

  /// The method's settings: every field after the control fields.
  [[nodiscard]] HalpernParams params() const {
    return {.anchoring = anchoring,
            .contraction = contraction,
            .restart = restart,
            .restart_decay = restart_decay,
            .restart_necessary_decay = restart_necessary_decay,
            .restart_artificial_fraction = restart_artificial_fraction,
            .restart_check_every = restart_check_every,
            .restart_anchor = restart_anchor,
            .reflect = reflect,
            .certificate = certificate,
            .certificate_every = certificate_every};
  }

  /// Throws `iterum::invalid_argument` for bad control fields (`validate_control`: a negative
  /// or non-finite tolerance, a negative iteration budget, an oracle budget below 1, a
  /// non-positive time limit, bad monitor intervals) or bad method settings
  /// (`HalpernParams::validate`, fields named `options.<field>`).
  void validate(std::string_view function = "iterum::fixed_point::HalpernOptions::validate") const {
    validate_control(function, *this);
    params().validate(function, "options");
  }
};

/// What `halpern` returns: the last iterate `x` and the summary (`residual` is its certificate;
/// `counters.oracle_calls` = evaluations of T; `history` when the monitor asked), plus:
template <class Scalar>
struct HalpernResult : Solution<Scalar> {
  /// ||x_k - T x_k|| of the last iterate (equal to `residual` unless `certificate = Map`).
  double fixed_point_residual = 0.0;
  Index restarts = 0;  ///< anchor moves
};

namespace detail {

template <class T>
constexpr bool check_fixed_point_map() {
  static_assert(FixedPointMap<T>,
                "iterum::fixed_point: T must model iterum::FixedPointMap (Scalar, dim(), "
                "apply(x, tx)); see docs/concepts.md#fixedpointmap");
  return FixedPointMap<T>;
}

}  // namespace detail

/// Finds a fixed point of the nonexpansive map `t` by Halpern's iteration (H), optionally
/// reflected and restarted, stopping on ||x - T x|| or on the map's own certificate.
///
/// @param t        a `FixedPointMap` (nonexpansive; firmly nonexpansive when reflecting); a
///                 `CertifiedFixedPointMap` for `certificate = Map`.
/// @param x0       starting point and first anchor, `t.dim()` entries (the overload without it
///                 starts from 0).
/// @param options  tolerance, budgets (iterations, oracle calls, time), monitoring, then the
///                 schedule, restarts, reflection and certificate.
/// @return `x`, `status`, `iterations`, `residual` (the certificate: ||x - T x||, or the map's
///         for the final x), `fixed_point_residual` = ||x - T x||, `seconds` (entry to return),
///         `counters` (`oracle_calls` = evaluations of T), `restarts`, `history`. Never throws
///         for non-convergence: read `status` (`NumericalIssue` if T produced NaN/Inf).
/// @throws iterum::invalid_argument for a size mismatch, a non-finite x0, bad options, or
///         `certificate = Map` with a map that has no `certificate(x, tx)`.
///
/// Example (a complete program: the headers it needs are these two):
/// @code
///   #include <Eigen/Core>
///   #include <iterum/fixed_point/callable_map.hpp>
///   #include <iterum/fixed_point/halpern.hpp>
///
///   int main() {
///     // T x = -x / 2 + 1: a contraction with fixed point 2/3 in every entry.
///     auto t = iterum::fixed_point::make_map<double>(
///         3, [](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
///           tx = (-0.5 * x).array() + 1.0;
///         });
///     const auto r = iterum::fixed_point::halpern(
///         t, Eigen::VectorXd::Zero(3),
///         {.tolerance = 1e-10, .restart = iterum::fixed_point::HalpernRestart::Adaptive});
///     return r.ok() ? 0 : 1;  // r.x is the fixed point
///   }
/// @endcode
template <class T, class X0>
requires(!std::is_same_v<std::remove_cvref_t<X0>, HalpernOptions>)
    [[nodiscard]] auto halpern(const T& t, const X0& x0, const HalpernOptions& options = {}) {
  constexpr bool valid = detail::check_fixed_point_map<T>();
  if constexpr (valid) {
    using Scalar = typename T::Scalar;
    constexpr std::string_view function = "iterum::fixed_point::halpern";
    const Stopwatch clock;
    options.validate(function);
    check::size(function, "x0", static_cast<Index>(x0.size()), static_cast<Index>(t.dim()),
                "must have as many entries as T has dimensions");
    const Vector<Scalar> start_x = x0.template cast<Scalar>();
    check::all_finite(function, "x0", start_x);
    detail::check_certificate<T>(options.certificate, function, "options.certificate");
    HalpernMethod<Scalar> method(options.params());
    auto state = method.init(t, start_x);
    auto result = solve_with_options(
        t, method, std::move(state), options,
        HalpernOptions::default_max_iterations(static_cast<Index>(t.dim())), function, clock);
    HalpernResult<Scalar> out;
    if (result.status != Status::NumericalIssue) {
      method.refresh_certificate(t, result.state);
      result.residual = method.residual(t, result.state);
      // A map certificate that turned NaN or infinite at the final refresh is reported, not
      // returned silently under the status of the loop.
      if (!std::isfinite(result.residual)) result.status = Status::NumericalIssue;
    }
    out.fixed_point_residual = result.state.residual_norm;
    out.restarts = result.state.restarts;
    out.x = std::move(result.state.x);
    pack_summary(out, result, clock);
    return out;
  } else {
    return Summary{};
  }
}

/// `halpern(t, 0, options)`: starts from x0 = 0.
template <class T>
[[nodiscard]] auto halpern(const T& t, const HalpernOptions& options = {}) {
  constexpr bool valid = detail::check_fixed_point_map<T>();
  if constexpr (valid) {
    using Scalar = typename T::Scalar;
    return halpern(t, Vector<Scalar>::Zero(static_cast<Index>(t.dim())), options);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::fixed_point
