#pragma once

/// @file extragradient.hpp
/// @brief The extragradient family for finite-sum monotone inclusions 0 in F(u) + G(u),
/// F = (1/n) sum_i F_i (a `FiniteSum`), G given by its resolvent J_{eta G} (a projection for a
/// constrained problem; G = 0 when F has no `resolvent`): the baselines the variance-reduced
/// Halpern methods are compared with. The facade
/// `iterum::fixed_point::extragradient(F, x0, ExtragradientOptions)` runs one of three methods
/// under `iterum::Certified` with the operator-residual certificate (operator_residual.hpp):
///
/// * `Plain`: Korpelevich's extragradient (EG, extragradient_method.hpp), default step 0.99/L;
/// * `Anchored`: EAG-C of Yoon & Ryu (ICML 2021, arXiv 2102.07922;
///   anchored_extragradient_method.hpp), default step 1/(8L);
/// * `VarianceReduced`: the loopless-SVRG extragradient of Alacaoglu & Malitsky (COLT 2022,
///   arXiv 2102.08352, Alg. 1; vr_extragradient_method.hpp), defaults p = 1/n, alpha = 1 - p,
///   step 0.99 sqrt(1 - alpha)/L with L the mean-square Lipschitz constant.
///
/// The experiments of arXiv 2310.02987 use steps outside these theory bounds (EG and EAG
/// tau = 5/||A||_2, VR-EG tau = 3 sqrt(p)/||A||_F on the 500 x 500 matrix game); `step` sets
/// any step directly, see bench/fixed_point/matrix_game_trace.cpp.

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
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/anchored_extragradient_method.hpp"
#include "iterum/fixed_point/component_sampler.hpp"
#include "iterum/fixed_point/detail/finite_sum_facade.hpp"
#include "iterum/fixed_point/extragradient_method.hpp"
#include "iterum/fixed_point/finite_sum_result.hpp"
#include "iterum/fixed_point/vr_extragradient_method.hpp"

namespace iterum::fixed_point {

/// Which method of the family `extragradient` runs.
enum class ExtragradientVariant {
  Plain,            ///< Korpelevich's extragradient (EG) with resolvents
  Anchored,         ///< EAG-C of Yoon & Ryu (anchor weight 1/(k+2)), projected when G != 0
  VarianceReduced,  ///< loopless-SVRG extragradient of Alacaoglu & Malitsky, Alg. 1
};

/// The variant's name: "EG", "EAG" or "VR-EG".
[[nodiscard]] constexpr std::string_view to_string(ExtragradientVariant variant) noexcept {
  switch (variant) {
    case ExtragradientVariant::Plain:
      return "EG";
    case ExtragradientVariant::Anchored:
      return "EAG";
    case ExtragradientVariant::VarianceReduced:
      return "VR-EG";
  }
  return "unknown";
}

/// The step the variant's theory allows for Lipschitz constant `lipschitz` (of F for Plain and
/// Anchored, mean-square for VarianceReduced) and, for VarianceReduced, `alpha`:
/// Plain 0.99 / L (tau < 1/L, Korpelevich 1976); Anchored 1 / (8 L) (Yoon & Ryu 2021, Thm. 1);
/// VarianceReduced 0.99 sqrt(1 - alpha) / L (arXiv 2102.08352, Sec. 2).
[[nodiscard]] inline double extragradient_theory_step(ExtragradientVariant variant,
                                                      double lipschitz, double alpha = 0.0) {
  switch (variant) {
    case ExtragradientVariant::Plain:
      return 0.99 / lipschitz;
    case ExtragradientVariant::Anchored:
      return 1.0 / (8.0 * lipschitz);
    case ExtragradientVariant::VarianceReduced:
      return 0.99 * std::sqrt(1.0 - alpha) / lipschitz;
  }
  return 0.0;
}

/// Options of `extragradient`: the control fields (core/options.hpp), the certificate cadence,
/// then the method's settings. Either `step` or `lipschitz` must be given, unless the variant is
/// `VarianceReduced` and F offers `component_lipschitz` (component_sampler.hpp).
struct ExtragradientOptions {
  /// Stop when the certificate (operator_residual.hpp) is at most this (absolute).
  double tolerance = 1e-6;
  /// Iteration budget (`MaxIterations`). Unset: unlimited when `max_oracle_calls` is set (that
  /// budget bounds the run), else the iterations of about 1e9 multiply-adds of the variant's
  /// expected work, at least 10 and at most 10^6 epochs (`default_work`, `iteration_budget`).
  std::optional<Index> max_iterations{};
  /// Budget on the method's component evaluations (`BudgetExhausted`); unset: none.
  std::optional<std::int64_t> max_oracle_calls{};
  /// Wall-clock budget in seconds (`TimeLimit`).
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Seed of the random draws of `VarianceReduced` (the other variants have none).
  std::uint64_t seed = 0;
  /// Progress printing, per-iteration history (the last certificate), user callback.
  Monitor monitor{};
  /// Evaluate the certificate whenever this many epochs of the method's oracle calls passed
  /// since the last evaluation (and at the start and the end); its cost is reported in
  /// `certificate_calls`.
  double certificate_every = 5.0;
  /// The step of the certificate's forward-backward point u+ (used only when F has a
  /// resolvent); unset: the method's step.
  std::optional<double> certificate_step{};

  /// The method.
  ExtragradientVariant variant = ExtragradientVariant::Plain;
  /// The step (tau of EG and VR-EG, eta of EAG); overrides the theory step from `lipschitz`.
  std::optional<double> step{};
  /// L: the Lipschitz constant of F (Plain, Anchored; e.g. `MatrixGame::lipschitz()`) or the
  /// mean-square one (VarianceReduced; `MatrixGame::mean_square_lipschitz()`), from which the
  /// theory step `extragradient_theory_step` is set when `step` is unset.
  std::optional<double> lipschitz{};
  /// VarianceReduced: how i is drawn (component_sampler.hpp). `Auto`: by importance, p_i
  /// proportional to `F::component_lipschitz(i)`, when F offers it, `step` is unset and
  /// L_Q = mean L_i is below `lipschitz` (or `lipschitz` is unset); uniformly otherwise. Under
  /// importance sampling the unset step is the theory step for L_Q.
  VrSampling sampling = VrSampling::Auto;
  /// VarianceReduced: probability p of refreshing the snapshot, in (0, 1]; unset: 1/n.
  std::optional<double> snapshot_probability{};
  /// VarianceReduced: the weight alpha of u_k in ubar_k, in [0, 1); unset: 1 - p.
  std::optional<double> alpha{};

  /// The work the default iteration budget allows: `default_work` multiply-adds, a component
  /// call of F counting dim and a resolvent dim (1 + log2 dim), or `default_min_epochs`
  /// epochs, whichever is more, and at most `default_max_epochs` epochs (as
  /// `VrHalpernOptions`).
  static constexpr double default_work = 1e9;
  static constexpr double default_min_epochs = 10.0;  ///< see `default_work`
  /// The default work never exceeds this many epochs of component calls: a sum of 10
  /// components is not given 10^8 epochs (measured: the theory step of EAG ran 12 s and
  /// 3.3e7 epochs on a 10 x 3 least-squares sum before this cap, 0.4 s after).
  static constexpr double default_max_epochs = 1e6;

  /// The iteration budget on `f`: `max_iterations` when set; else unlimited when
  /// `max_oracle_calls` is set, else the iterations whose expected work makes the default
  /// work (Plain and Anchored: 2n calls and 2 resolvents per iteration; VarianceReduced:
  /// 2 + p n calls and 2 resolvents).
  template <class F>
  [[nodiscard]] Index iteration_budget(const F& f) const {
    if (max_iterations) return *max_iterations;
    if (max_oracle_calls) return std::numeric_limits<Index>::max();
    const auto n = static_cast<double>(f.size());
    const detail::WorkModel<F> work(f);
    const double calls = variant == ExtragradientVariant::VarianceReduced
                             ? 2.0 + snapshot_probability.value_or(1.0 / n) * n
                             : 2.0 * n;
    const double epoch = n * work.call;
    const double budget =
        std::min(std::max(default_work, default_min_epochs * epoch), default_max_epochs * epoch);
    return detail::iterations_for(budget, calls * work.call + 2.0 * work.resolvent);
  }

  /// Throws `iterum::invalid_argument` naming `function` when neither `step` nor `lipschitz`
  /// is set, for a step or Lipschitz constant that is not positive and finite, p outside
  /// (0, 1], alpha outside [0, 1), or bad controls.
  void validate(std::string_view function = "iterum::fixed_point::ExtragradientOptions::validate",
                bool step_derivable = false) const {
    validate_control(function, *this);
    detail::validate_certificate_step(function, certificate_step);
    detail::validate_step_source(function, step, lipschitz, step_derivable);
    if (snapshot_probability) {
      check::in_range(function, "options.snapshot_probability", *snapshot_probability, 0.0, 1.0,
                      check::Bound::Open, check::Bound::Closed);
    }
    if (alpha) {
      check::in_range(function, "options.alpha", *alpha, 0.0, 1.0, check::Bound::Closed,
                      check::Bound::Open);
    }
  }
};

/// Solves 0 in F(u) + G(u) for a finite sum F (with G the resolvent part, or G = 0) by the
/// extragradient variant `options.variant`, stopping on the operator-residual certificate
/// (operator_residual.hpp).
///
/// @param f        a `FiniteSum` (monotone, Lipschitz; optional `evaluate`, `add_component`,
///                 `resolvent`).
/// @param x0       starting point (and EAG's anchor), `f.dim()` entries.
/// @param options  tolerance, budgets, seed, monitor, certificate cadence and step, then the
///                 variant, step or Lipschitz constant, VR parameters.
/// @return a `FiniteSumResult`: `x` (the certified point), `status`, `iterations`, `residual`,
///         `counters.oracle_calls` (component evaluations, full evaluations counting n),
///         `certificate_calls`, `trace`, `seconds`. Non-convergence is a status.
/// @throws iterum::invalid_argument for bad options, a wrong-sized or non-finite x0.
///
/// Example (docs/fixed_point.md has complete programs):
/// @code
///   const iterum::fixed_point::MatrixGame<> game(a);
///   const auto r = iterum::fixed_point::extragradient(
///       game, game.uniform_start(),
///       {.tolerance = 1e-4,
///        .variant = iterum::fixed_point::ExtragradientVariant::VarianceReduced,
///        .lipschitz = game.mean_square_lipschitz()});
/// @endcode
template <class F, class X0>
[[nodiscard]] auto extragradient(const F& f, const X0& x0,
                                 const ExtragradientOptions& options = {}) {
  constexpr bool valid = detail::check_finite_sum<F>();
  if constexpr (valid) {
    using Scalar = typename F::Scalar;
    constexpr std::string_view function = "iterum::fixed_point::extragradient";
    const Stopwatch clock;
    const bool vr = options.variant == ExtragradientVariant::VarianceReduced;
    options.validate(function, vr && FiniteSumWithComponentLipschitz<F> &&
                                   options.sampling != VrSampling::Uniform);
    const Vector<Scalar> z0 = detail::checked_start(function, f, x0);
    const auto n = static_cast<Index>(f.size());
    const double p = options.snapshot_probability.value_or(1.0 / static_cast<double>(n));
    const double alpha = options.alpha.value_or(1.0 - p);
    // L_Q > 0: importance sampling with that constant (VR-EG only); 0: uniform sampling.
    const double l_q = vr ? detail::resolve_importance(function, f, options.sampling, options.step,
                                                       options.lipschitz)
                          : 0.0;
    if (l_q == 0.0) detail::validate_step_source(function, options.step, options.lipschitz);
    const double step = options.step
                            ? *options.step
                            : extragradient_theory_step(
                                  options.variant, l_q > 0.0 ? l_q : *options.lipschitz, alpha);
    if (!(step > 0 && std::isfinite(step))) {
      // Name the option the user set: the step derives from it (issue 11: a denormal p made
      // alpha = 1 - p round to 1 and the step 0, reported under a name the user never passed).
      const bool no_room = options.variant == ExtragradientVariant::VarianceReduced && alpha >= 1.0;
      const char* argument =
          no_room ? (options.alpha ? "options.alpha" : "options.snapshot_probability")
                  : "options.lipschitz";
      check::fail(
          function, argument,
          "gives the step " + check::text(step) + ", which must be positive and finite",
          check::text(no_room ? (options.alpha ? alpha : p) : options.lipschitz.value_or(l_q)));
    }
    const Index budget = options.iteration_budget(f);
    switch (options.variant) {
      case ExtragradientVariant::Plain: {
        const ExtragradientMethod<F> method({.step = step});
        return detail::run_finite_sum(f, method, method.init(f, z0), options, step, budget,
                                      function, clock);
      }
      case ExtragradientVariant::Anchored: {
        const AnchoredExtragradientMethod<F> method({.step = step});
        return detail::run_finite_sum(f, method, method.init(f, z0), options, step, budget,
                                      function, clock);
      }
      case ExtragradientVariant::VarianceReduced:
        break;
    }
    const VrExtragradientMethod<F> method(
        {.step = step,
         .snapshot_probability = p,
         .alpha = alpha,
         .sampling = l_q > 0.0 ? VrSampling::Importance : VrSampling::Uniform,
         .seed = options.seed});
    return detail::run_finite_sum(f, method, method.init(f, z0), options, step, budget, function,
                                  clock);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::fixed_point
