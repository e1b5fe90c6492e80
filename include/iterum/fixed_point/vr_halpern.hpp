#pragma once

/// @file vr_halpern.hpp
/// @brief Variance-reduced Halpern iterations for finite-sum monotone inclusions
/// 0 in F(u) + G(u), F = (1/n) sum_i F_i (a `FiniteSum`), after Cai, Alacaoglu & Diakonikolas,
/// "Variance reduced Halpern iteration for finite-sum monotone inclusions", ICLR 2024
/// (arXiv 2310.02987): the facade `vr_halpern(F, x0, VrHalpernOptions)` running one of its two
/// methods, Alg. 1 (`PageHalpernMethod`, page_halpern_method.hpp) or Alg. 2
/// (`ResolventHalpernMethod`, resolvent_halpern_method.hpp).
///
/// Both methods are run by the core driver under `iterum::Certified`, which evaluates the
/// operator-residual certificate (operator_residual.hpp: an element of (F + G) at a
/// forward-backward point) every `certificate_every` epochs; component calls are counted in
/// `counters.oracle_calls`, certificate calls apart (`certificate_calls`). By default the
/// anchor restarts adaptively (vr_anchoring.hpp): on least squares this cut the work 1.6x to
/// 10^4x, on matrix games it changed it by less than 8% (docs/fixed_point.md).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/step_limits.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/component_sampler.hpp"
#include "iterum/fixed_point/detail/finite_sum_facade.hpp"
#include "iterum/fixed_point/finite_sum_result.hpp"
#include "iterum/fixed_point/page_halpern_method.hpp"
#include "iterum/fixed_point/resolvent_halpern_method.hpp"
#include "iterum/fixed_point/vr_anchoring.hpp"

namespace iterum::fixed_point {

/// Which of the two methods of arXiv 2310.02987.
enum class VrHalpernAlgorithm {
  Page,              ///< Alg. 1: cocoercive components, PAGE estimator
  InexactResolvent,  ///< Alg. 2: monotone Lipschitz components, VR-FoRB resolvent
};

/// Options of `vr_halpern`: the control fields (core/options.hpp), the certificate cadence,
/// then the method's settings. Either `step` or `lipschitz` must be given, unless F offers
/// `component_lipschitz` (the step then follows from L_Q = mean L_i, component_sampler.hpp).
struct VrHalpernOptions {
  /// Stop when the certificate (operator_residual.hpp) is at most this (absolute).
  double tolerance = 1e-6;
  /// Iteration budget (`MaxIterations`). Unset: unlimited when `max_oracle_calls` is set (that
  /// budget bounds the run), else the iterations of about 1e9 multiply-adds of the method's
  /// expected work, at least 10 and at most 10^6 epochs (`default_work`, `iteration_budget`).
  std::optional<Index> max_iterations{};
  /// Budget on the method's component evaluations (`BudgetExhausted`); unset: none.
  std::optional<std::int64_t> max_oracle_calls{};
  /// Wall-clock budget in seconds (`TimeLimit`).
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Seed of the method's random draws.
  std::uint64_t seed = 0;
  /// Progress printing, per-iteration history (the last certificate), user callback.
  Monitor monitor{};
  /// Evaluate the certificate whenever this many epochs of the method's oracle calls passed
  /// since the last evaluation (and at the start and the end). Its cost, one or two epochs,
  /// is reported in `certificate_calls`, not in `oracle_calls`; with the default 5 it stays
  /// at most 20% (40% with a resolvent) of the method's work, and a solve stops at most 5
  /// epochs after its tolerance was reached.
  double certificate_every = 5.0;
  /// The step eta of the certificate's forward-backward point u+ (used only when F has a
  /// resolvent); unset: the method's step.
  std::optional<double> certificate_step{};

  /// The method.
  VrHalpernAlgorithm algorithm = VrHalpernAlgorithm::Page;
  /// The step eta. Unset: 1/L for `Page`, sqrt(n)/L for `InexactResolvent`.
  std::optional<double> step{};
  /// L: the on-average cocoercivity constant (`Page`) or mean-square Lipschitz constant
  /// (`InexactResolvent`) of the components (e.g. `LeastSquaresSum::lipschitz()`,
  /// `MatrixGame::mean_square_lipschitz()`).
  std::optional<double> lipschitz{};
  /// How components are drawn (component_sampler.hpp). `Auto`: by importance, p_i proportional
  /// to `F::component_lipschitz(i)`, when F offers it, `step` is unset and L_Q = mean L_i is
  /// below `lipschitz` (or `lipschitz` is unset); uniformly otherwise. Under importance
  /// sampling the unset step follows from L_Q (`lipschitz`, the uniform constant, is not used):
  /// 1/L_Q for `Page`, sqrt(n)/L_Q for `InexactResolvent`.
  VrSampling sampling = VrSampling::Auto;
  /// `Page`: minibatch size b; unset: floor(sqrt(n)).
  std::optional<Index> batch{};
  /// `Page`: a constant probability of a full evaluation instead of the schedule p_k.
  std::optional<double> full_probability{};
  VrAnchoring anchoring = VrAnchoring::Auto;
  /// Adaptive by default: re-anchor at the certified point once the certificate halved.
  VrRestart restart = VrRestart::Adaptive;
  /// With `Adaptive` restarts: the decay of the certificate that triggers one; in (0, 1).
  double restart_decay = 0.5;
  /// `InexactResolvent`: c in M_k = ceil(c n ln(k+2)) inner VR-FoRB steps.
  double inner_iterations_factor = 0.05;
  /// `InexactResolvent`: the snapshot probability p of VR-FoRB; unset: 1/n.
  std::optional<double> snapshot_probability{};
  /// `InexactResolvent`: the inner step gamma. Unset: `inner_step_scale` sqrt(p (1-p)) /
  /// (1 + eta L), L being `lipschitz` (or 1/eta when only the step is given). The default
  /// scale 1 is conservative; the authors' experiments use 5, which cut the epochs 2.5-3x on
  /// the least-squares and matrix-game problems of docs/fixed_point.md.
  std::optional<double> inner_step{};
  double inner_step_scale = 1.0;

  /// The work the default iteration budget allows: `default_work` multiply-adds, a component
  /// call of F counting dim and a resolvent dim (1 + log2 dim), or `default_min_epochs`
  /// epochs, whichever is more, and at most `default_max_epochs` epochs (measured: at most
  /// 6.7 s on the problems of docs/fixed_point.md, for the largest, 40000 x 100 least squares).
  static constexpr double default_work = 1e9;
  static constexpr double default_min_epochs = 10.0;  ///< see `default_work`
  /// The default work never exceeds this many epochs of component calls: a sum of 10
  /// components is not given 10^8 epochs (measured: the theory step of EAG ran 12 s and
  /// 3.3e7 epochs on a 10 x 3 least-squares sum before this cap, 0.4 s after).
  static constexpr double default_max_epochs = 1e6;

  /// The iteration budget of `vr_halpern` running `method` on `f`: `max_iterations` when set;
  /// else unlimited when `max_oracle_calls` is set (that budget bounds the run), else the
  /// iterations whose expected work makes the default work (Page: p n + (1 - p) 2b calls and
  /// one resolvent per iteration, p the asymptotic full-pass probability; InexactResolvent:
  /// n + M_k (2 + p n) calls and M_k resolvents in outer iteration k).
  template <class F>
  [[nodiscard]] Index iteration_budget(const PageHalpernMethod<F>& method, const F& f) const {
    if (max_iterations) return *max_iterations;
    if (max_oracle_calls) return std::numeric_limits<Index>::max();
    const auto n = static_cast<Index>(f.size());
    const detail::WorkModel<F> work(f);
    return detail::iterations_for(default_budget(f),
                                  method.expected_calls(n) * work.call + work.resolvent);
  }
  template <class F>
  [[nodiscard]] Index iteration_budget(const ResolventHalpernMethod<F>& method, const F& f) const {
    if (max_iterations) return *max_iterations;
    if (max_oracle_calls) return std::numeric_limits<Index>::max();
    const auto n = static_cast<Index>(f.size());
    const detail::WorkModel<F> work(f);
    const double budget = default_budget(f);
    double spent = 0.0;
    Index k = 0;
    while (spent < budget) {
      spent += method.expected_calls(k, n) * work.call +
               static_cast<double>(method.inner_iterations(k, n)) * work.resolvent;
      ++k;
    }
    return k;
  }

  /// The default work for `f` (see `default_work`).
  template <class F>
  [[nodiscard]] static double default_budget(const F& f) {
    const detail::WorkModel<F> work(f);
    const double epoch = static_cast<double>(f.size()) * work.call;
    return std::min(std::max(default_work, default_min_epochs * epoch), default_max_epochs * epoch);
  }

  /// Throws `iterum::invalid_argument` naming `function` and the option for every value out of
  /// range, and when neither `step` nor `lipschitz` is given (unless `step_derivable`: the
  /// facade passes true when the step can follow from F's component constants).
  void validate(std::string_view function = "iterum::fixed_point::VrHalpernOptions::validate",
                bool step_derivable = false) const {
    validate_control(function, *this);
    detail::validate_certificate_step(function, certificate_step);
    detail::validate_step_source(function, step, lipschitz, step_derivable);
    if (batch) check::positive(function, "options.batch", static_cast<double>(*batch));
    if (full_probability) {
      check::in_range(function, "options.full_probability", *full_probability, 0.0, 1.0,
                      check::Bound::Open, check::Bound::Closed);
    }
    check::in_range(function, "options.restart_decay", restart_decay, 0.0, 1.0, check::Bound::Open,
                    check::Bound::Open);
    check::positive(function, "options.inner_iterations_factor", inner_iterations_factor);
    check::finite(function, "options.inner_iterations_factor", inner_iterations_factor);
    if (snapshot_probability) {
      check::in_range(function, "options.snapshot_probability", *snapshot_probability, 0.0, 1.0,
                      check::Bound::Open, check::Bound::Open);
    }
    if (inner_step) {
      check::positive(function, "options.inner_step", *inner_step);
      check::finite(function, "options.inner_step", *inner_step);
    }
    check::positive(function, "options.inner_step_scale", inner_step_scale);
    check::finite(function, "options.inner_step_scale", inner_step_scale);
  }
};

/// Solves 0 in F(u) + G(u) for a finite sum F by a variance-reduced Halpern iteration
/// (Alg. 1 or Alg. 2 of arXiv 2310.02987, see the file comment).
///
/// @param f        a `FiniteSum` (with `resolvent` for a constraint or regularizer G).
/// @param x0       starting point and first anchor, `f.dim()` entries.
/// @param options  tolerance, budgets, seed, monitor, certificate cadence and step, then the
///                 algorithm, step or Lipschitz constant, batch, anchoring, restarts, inner
///                 solver settings.
/// @return `FiniteSumResult`: `x` (the certified point), `status`, `residual` (its
///         certificate), `iterations`, `counters.oracle_calls` (component evaluations of the
///         method), `epochs()`, `certificate_calls`, `trace` (work in epochs), `restarts`.
///         Non-convergence is a status, never an exception.
/// @throws iterum::invalid_argument for a size mismatch, a non-finite x0, or bad options.
///
/// Example (docs/fixed_point.md has the complete program):
/// @code
///   const iterum::fixed_point::LeastSquaresSum<double> f(a, b);
///   const auto r = iterum::fixed_point::vr_halpern(f, Eigen::VectorXd::Zero(f.dim()),
///                                                  {.tolerance = 1e-6, .lipschitz =
///                                                  f.lipschitz()});
/// @endcode
template <class F, class X0>
[[nodiscard]] auto vr_halpern(const F& f, const X0& x0, const VrHalpernOptions& options = {}) {
  constexpr bool valid = detail::check_finite_sum<F>();
  if constexpr (valid) {
    using Scalar = typename F::Scalar;
    constexpr std::string_view function = "iterum::fixed_point::vr_halpern";
    const Stopwatch clock;
    options.validate(function,
                     FiniteSumWithComponentLipschitz<F> && options.sampling != VrSampling::Uniform);
    const Vector<Scalar> u0 = detail::checked_start(function, f, x0);
    const auto n = static_cast<Index>(f.size());
    const double sqrt_n = std::sqrt(static_cast<double>(n));
    // L_Q > 0: importance sampling with that constant; 0: uniform sampling.
    const double l_q =
        detail::resolve_importance(function, f, options.sampling, options.step, options.lipschitz);
    if (l_q == 0.0) detail::validate_step_source(function, options.step, options.lipschitz);
    const VrSampling sampling = l_q > 0.0 ? VrSampling::Importance : VrSampling::Uniform;
    const double lipschitz_used = l_q > 0.0 ? l_q : options.lipschitz.value_or(0.0);
    if (options.algorithm == VrHalpernAlgorithm::Page) {
      const double eta = options.step ? *options.step : 1.0 / lipschitz_used;
      const PageHalpernMethod<F> method({.step = eta,
                                         .batch = options.batch,
                                         .anchoring = options.anchoring,
                                         .restart = options.restart,
                                         .restart_decay = options.restart_decay,
                                         .full_probability = options.full_probability,
                                         .sampling = sampling,
                                         .seed = options.seed});
      return detail::run_finite_sum(f, method, method.init(f, u0), options, eta,
                                    options.iteration_budget(method, f), function, clock);
    } else {
      const double eta = options.step ? *options.step : sqrt_n / lipschitz_used;
      const double p =
          options.snapshot_probability.value_or(n > 1 ? 1.0 / static_cast<double>(n) : 0.5);
      const double lipschitz = lipschitz_used > 0.0 ? lipschitz_used : 1.0 / eta;
      const double gamma = options.inner_step.value_or(
          options.inner_step_scale * std::sqrt(p * (1.0 - p)) / (1.0 + eta * lipschitz));
      const ResolventHalpernMethod<F> method(
          {.step = eta,
           .inner_step = gamma,
           .snapshot_probability = p,
           .inner_iterations_factor = options.inner_iterations_factor,
           .anchoring = options.anchoring,
           .restart = options.restart,
           .restart_decay = options.restart_decay,
           .sampling = sampling,
           .seed = options.seed});
      auto state = method.init(f, u0);
      state.limits = step_limits(options, clock);  // an outer step can be long: M_k inner steps
      return detail::run_finite_sum(f, method, std::move(state), options, eta,
                                    options.iteration_budget(method, f), function, clock);
    }
  } else {
    return Summary{};
  }
}

}  // namespace iterum::fixed_point
