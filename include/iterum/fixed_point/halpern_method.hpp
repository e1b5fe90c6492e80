#pragma once

/// @file halpern_method.hpp
/// @brief `HalpernMethod`: Halpern's anchored iteration for fixed points of nonexpansive maps,
/// as an `iterum::Method` (its settings `HalpernParams`, its state `HalpernState`, the schedule
/// and restart enums, and the `CertifiedFixedPointMap` concept). The facade
/// `iterum::fixed_point::halpern` is in halpern.hpp.
///
/// Algorithm: B. Halpern, "Fixed points of nonexpanding maps", Bull. AMS 73 (1967) 957-961:
///
///   x_{k+1} = beta_k x_0 + (1 - beta_k) T x_k,                                      (H)
///
/// for T nonexpansive (||Tx - Ty|| <= ||x - y||) with a fixed point x*.
///
/// Anchoring schedules (`HalpernAnchoring`):
///
/// * `Classic`: beta_k = 1 / (k + 2). The fixed-point residual obeys the tight bound
///
///     ||x_k - T x_k|| <= 2 ||x_0 - x*|| / (k + 1)   for every k >= 1 and every fixed point x*
///
///   (F. Lieder, "On the convergence rate of the Halpern-iteration", Optim. Lett. 15 (2021)
///   405-418; Sabach & Shtern, SIAM J. Optim. 27 (2017) give the O(1/k) rate with a larger
///   constant), and no deterministic method whose iterates lie in the span of x_0 and the
///   residuals seen does better (Park & Ryu, ICML 2022). T = -I attains the bound at every even
///   k, which the tests check.
///
/// * `Contractive`: for T (1/gamma)-Lipschitz with gamma > 1 (`contraction` = 1/gamma),
///   the Optimal Halpern Method (OHM) of J. Park & E. K. Ryu, "Exact optimal accelerated
///   complexity for fixed-point iterations", ICML 2022, PMLR 162, Sec. 3 (Cor. 3.3, and
///   Thm. 4.1 for the matching lower bound):
///
///     beta_k = 1 / phi_{k+1},   phi_k = sum_{i=0..k} gamma^{2i},
///     ||x_n - T x_n|| <= (1 + 1/gamma) (gamma - 1) / (gamma^{n+1} - 1) ||x_0 - x*||,
///
///   exactly optimal among span methods (also restated, with the schedule, in PEPit's example
///   `optimal_contractive_halpern_iteration`); T = -I/gamma attains it at every even n. As gamma ->
///   1 the schedule and the bound tend to `Classic`'s. phi_k overflows for large k, so beta_k is
///   evaluated as (1 - q) q^{k+1} / (1 - q^{k+2}) with q = 1/gamma^2, through expm1/exp of
///   k log q: it underflows to 0 (the iteration becomes x_{k+1} = T x_k) without NaN or Inf.
///
/// Reflection (`reflect = true`): when T is firmly nonexpansive (a resolvent, a projection,
/// a Douglas-Rachford or PDHG operator), R = 2T - I is nonexpansive with the same fixed points
/// and (H) is run on R. Since x - Rx = 2 (x - Tx), the bound above on R reads
/// ||x_k - T x_k|| <= ||x_0 - x*|| / (k + 1): a factor 2 (the reflection gain of r2HPDHG and
/// cuPDLPx; Lu & Yang, "Restarted Halpern PDHG for linear programming", arXiv 2407.16144).
/// With `Contractive`, `contraction` is the Lipschitz constant of R.
///
/// Restarts move the anchor x_0 of (H) and start the schedule again at beta_0. They are
/// checked every `restart_check_every` iterations (from the first), on r_k = ||x_k - T x_k||
/// against r_a = ||a - T a|| of the current anchor a:
///
/// * `HalpernRestart::Adaptive`: when r_k <= restart_decay * r_a (the "sufficient decay" rule
///   of restarted Halpern PDHG, arXiv 2407.16144, there with factor 0.2; the restarted
///   E-Halpern of Cai, Song, Guzman & Diakonikolas, arXiv 2203.09436, re-anchors when the
///   residual halves).
/// * `HalpernRestart::Cupdlpx`: the three rules of restarted Halpern PDHG as cuPDLPx implements
///   them (Lu & Yang, arXiv 2407.16144; Lu, Peng & Yang, arXiv 2507.14051; the defaults of
///   cuPDLPx's `set_default_parameters`): restart when
///     (sufficient)  r_k <= restart_decay * r_a                                   (0.2), or
///     (necessary)   r_k <= restart_necessary_decay * r_a                          (0.5)
///                   and r_k > r at the previous check of this cycle (no progress), or
///     (artificial)  the cycle (iterations since the anchor was set) is at least
///                   restart_artificial_fraction (0.36) times all iterations so far.
///   The artificial rule restarts at the first check, and then whenever the cycle has grown by
///   the factor 1/0.64, so cycles grow geometrically. Deviations from cuPDLPx: r is the
///   Euclidean ||x - T x||, not the PDHG-metric norm, the primal weight is a fixed setting of
///   the map (`LpPdhgParams::primal_weight`) rather than updated at restarts, and the check
///   interval defaults to 1 instead of 200 (there is no checking cost to amortize here).
///
/// The new anchor (`restart_anchor`) is either the iterate x_k (`Iterate`) or the map's output
/// T x_k (`MapOutput`, the default, as cuPDLPx, which re-anchors at the PDHG output rather
/// than the Halpern iterate; for nonexpansive T its residual is at most x_k's). With `MapOutput`
/// the restart iteration sets x_{k+1} = T x_k, evaluates T there to obtain the new anchor's
/// residual, and (H) resumes from it at the next iteration, so every iteration still costs one
/// evaluation of T. Between restarts the bound of (H) holds with the anchor in place of x_0; on
/// sharp problems (LASSO, LP) restarts give linear convergence.
///
/// Certificates: the stop rule reads ||x_k - T x_k|| by default. A map that models
/// `CertifiedFixedPointMap` (a member `certificate(x, tx)` returning a double, e.g. the relative
/// KKT error of `LpPdhg`) can be stopped on that instead (`certificate =
/// HalpernCertificate::Map`), evaluated every `certificate_every` iterations; the result still
/// reports ||x - T x|| as `fixed_point_residual`.
///
/// Cost: one evaluation of T per iteration, plus one at the start. The residual ||x_k - T x_k||
/// comes from the evaluation the next step needs anyway, so it is free; a map certificate costs
/// whatever the map's `certificate` costs.

#include <Eigen/Core>
#include <cmath>
#include <concepts>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// The anchoring schedule beta_k of (H).
enum class HalpernAnchoring {
  /// beta_k = 1 / (k + 2), Halpern (1967) with Lieder's tight constant 2 ||x_0 - x*|| / (k+1).
  Classic,
  /// beta_k = 1 / phi_{k+1}, phi_k = sum_{i<=k} gamma^{2i}, gamma = 1 / contraction:
  /// Park & Ryu's optimal schedule for contractions (ICML 2022, Cor. 3.3 and Thm. 4.1).
  Contractive,
};

/// When the anchor is moved.
enum class HalpernRestart {
  None,      ///< plain Halpern: the anchor stays x_0
  Adaptive,  ///< re-anchor once the residual fell by `restart_decay` since the anchor's
  Cupdlpx,   ///< sufficient decay, or necessary decay without progress, or a long cycle
};

/// Where a restart puts the new anchor.
enum class HalpernRestartAnchor {
  Iterate,    ///< at the current iterate x_k
  MapOutput,  ///< at T x_k (cuPDLPx: the PDHG output, not the Halpern iterate)
};

/// What the stop rule (and the reported `residual`) reads.
enum class HalpernCertificate {
  FixedPointResidual,  ///< ||x_k - T x_k||
  Map,                 ///< `t.certificate(x_k, T x_k)`; T must model `CertifiedFixedPointMap`
};

/// A `FixedPointMap` with its own optimality certificate of an iterate x (given T x as well),
/// e.g. the relative KKT error of `LpPdhg`. Valid expression, for `const T& t` and
/// `const Vector<S>& x, tx`: `t.certificate(x, tx)` -> convertible to double, nonnegative,
/// zero at a solution. `halpern` stops on it with `certificate = HalpernCertificate::Map`.
template <class T>
concept CertifiedFixedPointMap = FixedPointMap<T> &&
    requires(const T& t, const Vector<typename T::Scalar>& x) {
  { t.certificate(x, x) } -> std::convertible_to<double>;
};

/// The settings of `HalpernMethod` (`HalpernMethod<S>::Params`): schedule, restarts,
/// reflection and certificate. `HalpernOptions` carries the same fields after its control
/// fields (`HalpernOptions::params()`).
struct HalpernParams {
  /// The schedule beta_k.
  HalpernAnchoring anchoring = HalpernAnchoring::Classic;
  /// With `Contractive` anchoring (required there): the Lipschitz constant 1/gamma of the map
  /// the iteration runs on (2T - I when reflecting), in (0, 1).
  std::optional<double> contraction{};
  /// Restart policy.
  HalpernRestart restart = HalpernRestart::None;
  /// Sufficient decay: restart when the residual is at most this fraction of the anchor's
  /// (`Adaptive` and `Cupdlpx`); in (0, 1).
  double restart_decay = 0.2;
  /// Necessary decay (`Cupdlpx`): restart when the residual is at most this fraction of the
  /// anchor's and larger than at the previous check; in [0, 1), 0 switches the rule off.
  double restart_necessary_decay = 0.5;
  /// Artificial restart (`Cupdlpx`): restart when the current cycle has lasted at least this
  /// fraction of all iterations; positive, values above 1 switch the rule off.
  double restart_artificial_fraction = 0.36;
  /// Restart rules are checked at iterations that are multiples of this (>= 1).
  Index restart_check_every = 1;
  /// Where restarts put the anchor. `MapOutput` by measurement (docs/fixed_point.md): 2-4%
  /// fewer evaluations on every DR LASSO instance tried, within +-1% of `Iterate` on LPs.
  HalpernRestartAnchor restart_anchor = HalpernRestartAnchor::MapOutput;
  /// Run (H) on 2T - I instead of T; requires T firmly nonexpansive (see the file comment).
  bool reflect = false;
  /// What the certificate (the stop rule's `residual`) is.
  HalpernCertificate certificate = HalpernCertificate::FixedPointResidual;
  /// With `certificate = Map`: evaluate the map's certificate at iterations that are
  /// multiples of this (>= 1); in between, the last value stands (it is above the tolerance,
  /// or the solve would have stopped). The facade refreshes it for the final iterate.
  Index certificate_every = 1;

  /// Throws `iterum::invalid_argument` naming `function` and `<prefix>.<field>` for a
  /// contraction outside (0, 1) or missing with `Contractive` anchoring, restart factors out of
  /// range, or a check interval below 1.
  void validate(std::string_view function = "iterum::fixed_point::HalpernParams::validate",
                std::string_view prefix = "params") const {
    const auto name = [&](std::string_view field) {
      return std::string(prefix).append(".").append(field);
    };
    if (anchoring == HalpernAnchoring::Contractive) {
      check::that(contraction.has_value(), function, name("contraction"),
                  "must be set with HalpernAnchoring::Contractive");
    }
    if (contraction) {
      check::in_range(function, name("contraction"), *contraction, 0.0, 1.0, check::Bound::Open,
                      check::Bound::Open);
    }
    check::in_range(function, name("restart_decay"), restart_decay, 0.0, 1.0, check::Bound::Open,
                    check::Bound::Open);
    check::in_range(function, name("restart_necessary_decay"), restart_necessary_decay, 0.0, 1.0,
                    check::Bound::Closed, check::Bound::Open);
    check::positive(function, name("restart_artificial_fraction"), restart_artificial_fraction);
    check::positive(function, name("restart_check_every"),
                    static_cast<double>(restart_check_every));
    check::positive(function, name("certificate_every"), static_cast<double>(certificate_every));
  }
};

namespace detail {

/// `certificate = Map` needs a map with a certificate: one throw, at the start of a solve.
template <class T>
void check_certificate(HalpernCertificate certificate, std::string_view function,
                       std::string_view argument) {
  if constexpr (!CertifiedFixedPointMap<T>) {
    check::that(certificate != HalpernCertificate::Map, function, argument,
                "is HalpernCertificate::Map, but T has no member certificate(x, tx)");
  }
}

}  // namespace detail

/// The iterate of `HalpernMethod`.
template <class Scalar>
struct HalpernState {
  Vector<Scalar> x;              ///< x_k
  Vector<Scalar> tx;             ///< T x_k
  Vector<Scalar> anchor;         ///< x_0, or the anchor set by the last restart
  Index iterations = 0;          ///< k: steps taken
  Index since_anchor = 0;        ///< the k of (H): steps of (H) taken from the anchor
  Index anchor_iteration = 0;    ///< the value of `iterations` when the anchor was set
  double residual_norm = 0.0;    ///< ||x_k - T x_k||
  double anchor_residual = 0.0;  ///< ||a - T a|| of the anchor a
  /// ||x - T x|| at the previous restart check of this cycle (infinity: none yet).
  double checked_residual = std::numeric_limits<double>::infinity();
  double certificate = 0.0;         ///< the map's certificate (with `certificate = Map`)
  Index certificate_iteration = 0;  ///< the iteration `certificate` belongs to
  Index restarts = 0;               ///< how many times the anchor moved
  Counters counters{};              ///< `oracle_calls`: evaluations of T
};

/// Halpern's iteration (H) as an `iterum::Method` whose problem is a `FixedPointMap`.
template <class Scalar>
class HalpernMethod {
 public:
  using State = HalpernState<Scalar>;

  using Params = HalpernParams;

  /// Takes the schedule, restart policy, reflection and certificate (validated: throws
  /// `iterum::invalid_argument`); the budgets and the monitor are the facade's business.
  explicit HalpernMethod(Params params = {}) : params_(params) {
    params_.validate("iterum::fixed_point::HalpernMethod");
    if (params_.anchoring == HalpernAnchoring::Contractive) {
      // log q = 2 log(contraction) < 0; log1p keeps it accurate for a contraction near 1.
      log_q_ = 2.0 * std::log1p(*params_.contraction - 1.0);
    }
  }

  /// The settings.
  [[nodiscard]] const Params& params() const noexcept { return params_; }

  /// Starts from x_0 = 0.
  template <FixedPointMap T>
  [[nodiscard]] State init(const T& t) const {
    return init(t, Vector<Scalar>::Zero(t.dim()));
  }

  /// Starts from `x0`, anchoring there; evaluates T x_0 (one oracle call). Throws
  /// `iterum::invalid_argument` for a size mismatch, a non-finite x0, or `certificate = Map`
  /// with a map that has no `certificate(x, tx)`.
  template <FixedPointMap T>
  [[nodiscard]] State init(const T& t, const Vector<Scalar>& x0) const {
    constexpr std::string_view function = "iterum::fixed_point::HalpernMethod::init";
    detail::check_certificate<T>(params_.certificate, function, "params.certificate");
    check::size(function, "x0", x0.size(), static_cast<Index>(t.dim()),
                "must have as many entries as T has dimensions");
    check::all_finite(function, "x0", x0);
    State s;
    s.x = x0;
    s.anchor = x0;
    s.tx.resize(x0.size());
    evaluate(t, s);
    s.anchor_residual = s.residual_norm;
    return s;
  }

  /// One step of (H), after the restart test; one evaluation of T, no allocation.
  template <FixedPointMap T>
  void step(const T& t, State& s) const {
    if (restart_due(s)) {
      ++s.restarts;
      s.since_anchor = 0;
      s.anchor_iteration = s.iterations;
      s.checked_residual = std::numeric_limits<double>::infinity();
      if (params_.restart_anchor == HalpernRestartAnchor::MapOutput) {
        // x_{k+1} = a = T x_k; (H) resumes from a at the next step.
        s.anchor = s.tx;
        s.x = s.tx;
        ++s.iterations;
        evaluate(t, s);
        s.anchor_residual = s.residual_norm;
        return;
      }
      s.anchor = s.x;
      s.anchor_residual = s.residual_norm;
    }
    const Scalar beta = anchor_weight(s.since_anchor);
    if (params_.reflect) {
      // R x_k = 2 T x_k - x_k.
      s.x = beta * s.anchor + (Scalar(1) - beta) * (Scalar(2) * s.tx - s.x);
    } else {
      s.x = beta * s.anchor + (Scalar(1) - beta) * s.tx;
    }
    ++s.since_anchor;
    ++s.iterations;
    evaluate(t, s);
  }

  /// The stopping certificate: ||x_k - T x_k|| (of the user's T, also when reflecting), or the
  /// map's certificate with `certificate = Map`.
  template <FixedPointMap T>
  [[nodiscard]] double residual(const T& /*t*/, const State& s) const {
    return params_.certificate == HalpernCertificate::Map ? s.certificate : s.residual_norm;
  }

  /// O(1): a non-finite entry in x or T x makes ||x - T x|| non-finite.
  template <FixedPointMap T>
  [[nodiscard]] bool is_finite(const T& /*t*/, const State& s) const {
    return std::isfinite(s.residual_norm);
  }

  /// beta_k of the schedule (see the file comment for the evaluation of `Contractive`).
  [[nodiscard]] Scalar anchor_weight(Index k) const noexcept {
    if (params_.anchoring == HalpernAnchoring::Contractive) {
      // 1/phi_{k+1} = (1 - q) q^{k+1} / (1 - q^{k+2}), q = contraction^2 (Park & Ryu 2022).
      const auto j = static_cast<double>(k);
      return static_cast<Scalar>(std::expm1(log_q_) * std::exp((j + 1.0) * log_q_) /
                                 std::expm1((j + 2.0) * log_q_));
    }
    return Scalar(1) / static_cast<Scalar>(k + 2);
  }

  /// Brings the state's map certificate up to date (the facade calls it on the final state
  /// when `certificate_every` > 1 left it older than the iterate).
  template <FixedPointMap T>
  void refresh_certificate(const T& t, State& s) const {
    if constexpr (CertifiedFixedPointMap<T>) {
      if (params_.certificate == HalpernCertificate::Map &&
          s.certificate_iteration != s.iterations) {
        s.certificate = static_cast<double>(t.certificate(s.x, s.tx));
        s.certificate_iteration = s.iterations;
      }
    }
  }

 private:
  /// T x, the residual, the counters and (when due) the map certificate of s.x.
  template <class T>
  void evaluate(const T& t, State& s) const {
    t.apply(s.x, s.tx);
    ++s.counters.oracle_calls;
    if (s.tx.size() != s.x.size()) [[unlikely]] {
      check::size("iterum::fixed_point::HalpernMethod", "T", s.tx.size(), s.x.size(),
                  "must write tx with as many entries as x");
    }
    s.residual_norm = static_cast<double>((s.x - s.tx).stableNorm());
    if constexpr (CertifiedFixedPointMap<T>) {
      if (params_.certificate == HalpernCertificate::Map &&
          s.iterations % params_.certificate_every == 0) {
        s.certificate = static_cast<double>(t.certificate(s.x, s.tx));
        s.certificate_iteration = s.iterations;
      }
    }
  }

  /// The restart test at the start of a step (records the residual of a `Cupdlpx` check).
  [[nodiscard]] bool restart_due(State& s) const {
    if (params_.restart == HalpernRestart::None || s.iterations == 0 ||
        s.iterations % params_.restart_check_every != 0) {
      return false;
    }
    const double r = s.residual_norm;
    bool due = r <= params_.restart_decay * s.anchor_residual;
    if (params_.restart == HalpernRestart::Cupdlpx) {
      const bool no_progress =
          r <= params_.restart_necessary_decay * s.anchor_residual && r > s.checked_residual;
      const auto cycle = static_cast<double>(s.iterations - s.anchor_iteration);
      const bool long_cycle =
          cycle >= params_.restart_artificial_fraction * static_cast<double>(s.iterations);
      due = due || no_progress || long_cycle;
      s.checked_residual = r;
    }
    return due;
  }

  Params params_{};
  double log_q_ = 0.0;
};

}  // namespace iterum::fixed_point
