#pragma once

/// @file extragradient.hpp
/// @brief The extragradient family for finite-sum monotone inclusions 0 in F(u) + G(u),
/// F = (1/n) sum_i F_i (a `FiniteSum`), G given by its resolvent J_{eta G} (a projection for a
/// constrained problem; G = 0 when F has no `resolvent`): the baselines the variance-reduced
/// Halpern methods are compared with. Three `Inner` models for `Certified` (see finite_sum.hpp)
/// and one facade, `iterum::fixed_point::extragradient(F, x0, ExtragradientOptions)`.
///
/// Plain (`ExtragradientMethod`): G. M. Korpelevich, "The extragradient method for finding
/// saddle points and other problems", Ekonomika i Mat. Metody 12 (1976) 747-756, with the
/// projections replaced by the resolvent:
///
///   u_{k+1/2} = J(u_k - tau F(u_k)),   u_{k+1} = J(u_k - tau F(u_{k+1/2})),          (EG)
///
/// convergent for monotone L-Lipschitz F and 0 < tau < 1/L (ibid.). Default step
/// 0.99 / L. Cost: two full evaluations, 2n component calls, per iteration.
///
/// Anchored (`AnchoredExtragradientMethod`): the extra anchored gradient method EAG-C of
/// T. Yoon & E. K. Ryu, "Accelerated algorithms for smooth convex-concave minimax problems with
/// O(1/k^2) rate on squared gradient norm", ICML 2021, arXiv 2102.07922, Sec. 2, eq. (EAG) with
/// constant step alpha and anchor weight beta_k = 1/(k+2):
///
///   u_{k+1/2} = J(u_k + beta_k (u_0 - u_k) - eta F(u_k)),
///   u_{k+1}   = J(u_k + beta_k (u_0 - u_k) - eta F(u_{k+1/2})).                       (EAG)
///
/// For G = 0 (J = I) this is exactly EAG-C, and Yoon & Ryu's Thm. 1 gives, for
/// 0 < eta <= 1/(8L), ||F(u_k)||^2 <= 260 ||u_0 - u*||^2 / (eta^2 (k+1)^2): the optimal O(1/k)
/// last-iterate rate of the operator norm. Default step 1/(8L). With a resolvent (G != 0) both
/// half steps are projected, as in the EAG baseline of the experiments of Cai, Alacaoglu &
/// Diakonikolas (ICLR 2024, arXiv 2310.02987, Sec. 5; their public script); this form is not
/// covered by Yoon & Ryu's theorem. (Projected anchored extragradient with an O(1/k) guarantee
/// for constrained monotone problems is analysed by Cai, Oikonomou & Zheng, arXiv 2206.05248,
/// with a slightly different anchoring; we keep the form of the experiments we reproduce.)
/// Cost: 2n component calls per iteration.
///
/// VarianceReduced (`VrExtragradientMethod`): the loopless-SVRG extragradient of A. Alacaoglu &
/// Y. Malitsky, "Stochastic variance reduction for variational inequality methods", COLT 2022,
/// arXiv 2102.08352, Alg. 1: with a snapshot w_k and F(w_k) kept,
///
///   ubar_k    = alpha u_k + (1 - alpha) w_k,
///   u_{k+1/2} = J(ubar_k - tau F(w_k)),
///   u_{k+1}   = J(ubar_k - tau [F(w_k) + F_i(u_{k+1/2}) - F_i(w_k)]),  i ~ uniform,
///   w_{k+1}   = u_{k+1} with probability p, else w_k,                                (VR-EG)
///
/// with the step tau = gamma sqrt(1 - alpha) / L, gamma in (0, 1), L the mean-square Lipschitz
/// constant (E_i ||F_i(u) - F_i(v)||^2 <= L^2 ||u - v||^2; `MatrixGame::mean_square_lipschitz`)
/// (arXiv 2102.08352, Sec. 2; its recommended p = 1/n, alpha = 1 - p). Defaults p = 1/n,
/// alpha = 1 - p, gamma = 0.99. Sampling is uniform (the paper also allows importance
/// sampling, which this implementation does not offer). Cost: 2 component calls per iteration
/// plus n at each snapshot refresh and n at the start: 2 + p n per iteration in expectation.
///
/// The experiments of arXiv 2310.02987 use steps outside these theory bounds (EG and EAG
/// tau = 5/||A||_2, VR-EG tau = 3 sqrt(p)/||A||_F on the 500 x 500 matrix game); `step` sets
/// any step directly, see bench/fixed_point/matrix_game_trace.cpp.

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/finite_sum.hpp"

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

/// Options of `extragradient`.
struct ExtragradientOptions {
  /// The method.
  ExtragradientVariant variant = ExtragradientVariant::Plain;
  /// The step (tau of EG and VR-EG, eta of EAG); overrides the theory step from `lipschitz`.
  std::optional<double> step{};
  /// L: the Lipschitz constant of F (Plain, Anchored; e.g. `MatrixGame::lipschitz()`) or the
  /// mean-square one (VarianceReduced; `MatrixGame::mean_square_lipschitz()`), from which the
  /// theory step `extragradient_theory_step` is set when `step` is unset.
  std::optional<double> lipschitz{};
  /// VarianceReduced: probability p of refreshing the snapshot, in (0, 1]; unset: 1/n.
  std::optional<double> snapshot_probability{};
  /// VarianceReduced: the weight alpha of u_k in ubar_k, in [0, 1); unset: 1 - p.
  std::optional<double> alpha{};
  /// Tolerance, budgets, certificate interval and step, seed, monitoring.
  FiniteSumControl control{};

  /// Throws `iterum::invalid_argument` naming `function` when neither `step` nor `lipschitz`
  /// is set, for a step or Lipschitz constant that is not positive and finite, p outside
  /// (0, 1], alpha outside [0, 1), or bad controls.
  void validate(
      std::string_view function = "iterum::fixed_point::ExtragradientOptions::validate") const {
    detail::validate_step_source(function, step, lipschitz);
    if (snapshot_probability) {
      check::in_range(function, "options.snapshot_probability", *snapshot_probability, 0.0, 1.0,
                      check::Bound::Open, check::Bound::Closed);
    }
    if (alpha) {
      check::in_range(function, "options.alpha", *alpha, 0.0, 1.0, check::Bound::Closed,
                      check::Bound::Open);
    }
    control.validate(function);
  }
};

namespace detail {

/// The vectors every extragradient step needs: the iterate, the half step, F at the first and
/// second points, a resolvent input, the counted oracle and the counters.
template <class F>
struct ExtragradientWork {
  using Scalar = typename F::Scalar;
  Vector<Scalar> z, half, f_first, f_second, trial;
  FiniteSumOracle<F> oracle;
  Counters counters{};

  ExtragradientWork() = default;
  ExtragradientWork(const F& f, const Vector<Scalar>& z0)
      : z(z0),
        half(z0.size()),
        f_first(z0.size()),
        f_second(z0.size()),
        trial(z0.size()),
        oracle(f) {}

  /// One extragradient step from `base` (which may be `z`) with step eta:
  /// z <- J(base - eta F(J(base - eta F(z)))).
  void step(const F& f, Scalar eta, const Vector<Scalar>& base) {
    oracle.full(f, z, f_first, counters.oracle_calls);
    forward_backward(f, eta, base, f_first, trial, half);
    oracle.full(f, half, f_second, counters.oracle_calls);
    forward_backward(f, eta, base, f_second, trial, z);
  }
};

}  // namespace detail

/// Korpelevich's extragradient (EG) with resolvents, an `Inner` for `Certified`.
template <class F>
class ExtragradientMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = detail::ExtragradientWork<F>;

  /// `step` = tau (0 < tau < 1/L for the guarantee).
  explicit ExtragradientMethod(double step) : tau_(static_cast<Scalar>(step)) {}

  /// Starts from 0.
  [[nodiscard]] State init(const F& f) const { return init(f, Vector<Scalar>::Zero(f.dim())); }
  /// Starts from `z0` (`f.dim()` entries); no oracle call.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& z0) const { return State(f, z0); }

  /// One step of (EG): 2n component calls, no allocation.
  void step(const F& f, State& s) const { s.step(f, tau_, s.z); }

  [[nodiscard]] const Vector<Scalar>& point(const State& s) const noexcept { return s.z; }
  [[nodiscard]] double step_size() const noexcept { return static_cast<double>(tau_); }

 private:
  Scalar tau_;
};

/// The state of `AnchoredExtragradientMethod`: the extragradient work vectors, the anchor u_0
/// and k.
template <class F>
struct AnchoredExtragradientState : detail::ExtragradientWork<F> {
  Vector<typename F::Scalar> anchor;  ///< u_0
  Vector<typename F::Scalar> base;    ///< u_k + beta_k (u_0 - u_k)
  Index k = 0;                        ///< iterations taken (beta_k = 1/(k+2))

  AnchoredExtragradientState() = default;
  AnchoredExtragradientState(const F& f, const Vector<typename F::Scalar>& z0)
      : detail::ExtragradientWork<F>(f, z0), anchor(z0), base(z0.size()) {}
};

/// The extra anchored gradient method EAG-C (Yoon & Ryu 2021), projected when F has a
/// resolvent; an `Inner` for `Certified`.
template <class F>
class AnchoredExtragradientMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = AnchoredExtragradientState<F>;

  /// `step` = eta (eta <= 1/(8L) for Yoon & Ryu's guarantee).
  explicit AnchoredExtragradientMethod(double step) : eta_(static_cast<Scalar>(step)) {}

  /// Starts and anchors at 0.
  [[nodiscard]] State init(const F& f) const { return init(f, Vector<Scalar>::Zero(f.dim())); }
  /// Starts and anchors at `z0`; no oracle call.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& z0) const { return State(f, z0); }

  /// One step of (EAG): 2n component calls, no allocation.
  void step(const F& f, State& s) const {
    const Scalar beta = Scalar(1) / static_cast<Scalar>(s.k + 2);
    s.base = beta * s.anchor + (Scalar(1) - beta) * s.z;
    s.step(f, eta_, s.base);
    ++s.k;
  }

  [[nodiscard]] const Vector<Scalar>& point(const State& s) const noexcept { return s.z; }
  [[nodiscard]] double step_size() const noexcept { return static_cast<double>(eta_); }

 private:
  Scalar eta_;
};

/// The state of `VrExtragradientMethod`.
template <class F>
struct VrExtragradientState {
  using Scalar = typename F::Scalar;
  Vector<Scalar> z;           ///< u_k
  Vector<Scalar> snapshot;    ///< w_k
  Vector<Scalar> f_snapshot;  ///< F(w_k)
  Vector<Scalar> bar;         ///< ubar_k
  Vector<Scalar> half;        ///< u_{k+1/2}
  Vector<Scalar> estimate;    ///< F(w_k) + F_i(u_{k+1/2}) - F_i(w_k)
  Vector<Scalar> trial;       ///< resolvent input
  detail::FiniteSumOracle<F> oracle;
  Engine engine;        ///< the draws of i and of the snapshot coin
  Index refreshes = 0;  ///< snapshot refreshes (not counting the start)
  Counters counters{};
};

/// The loopless-SVRG extragradient of Alacaoglu & Malitsky (arXiv 2102.08352, Alg. 1); an
/// `Inner` for `Certified`.
template <class F>
class VrExtragradientMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = VrExtragradientState<F>;

  /// `step` = tau, `probability` = p in (0, 1], `alpha` in [0, 1), `seed` of the draws.
  VrExtragradientMethod(double step, double probability, double alpha, std::uint64_t seed)
      : tau_(static_cast<Scalar>(step)),
        p_(probability),
        alpha_(static_cast<Scalar>(alpha)),
        seed_(seed) {}

  /// Starts from 0.
  [[nodiscard]] State init(const F& f) const { return init(f, Vector<Scalar>::Zero(f.dim())); }
  /// Starts from `z0` with the snapshot w_0 = z0: evaluates F(w_0), n component calls.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& z0) const {
    const Index d = z0.size();
    State s{z0,
            z0,
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            detail::FiniteSumOracle<F>(f),
            make_engine(seed_),
            0,
            {}};
    s.oracle.full(f, s.snapshot, s.f_snapshot, s.counters.oracle_calls);
    return s;
  }

  /// out = F(w) + F_i(at) - F_i(w) for i drawn uniformly from the state's engine: the
  /// unbiased estimate of F(at) the step uses (2 component calls).
  void estimate(const F& f, State& s, const Vector<Scalar>& at, Vector<Scalar>& out) const {
    const Index i = random::uniform_index(s.engine, s.oracle.size());
    out = s.f_snapshot;
    s.oracle.add_component(f, i, at, Scalar(1), out, s.counters.oracle_calls);
    s.oracle.add_component(f, i, s.snapshot, Scalar(-1), out, s.counters.oracle_calls);
  }

  /// One step of (VR-EG): 2 component calls, plus n when the snapshot is refreshed; no
  /// allocation.
  void step(const F& f, State& s) const {
    s.bar = alpha_ * s.z + (Scalar(1) - alpha_) * s.snapshot;
    detail::forward_backward(f, tau_, s.bar, s.f_snapshot, s.trial, s.half);
    estimate(f, s, s.half, s.estimate);
    detail::forward_backward(f, tau_, s.bar, s.estimate, s.trial, s.z);
    if (random::uniform01(s.engine) < p_) {
      s.snapshot = s.z;
      s.oracle.full(f, s.snapshot, s.f_snapshot, s.counters.oracle_calls);
      ++s.refreshes;
    }
  }

  [[nodiscard]] const Vector<Scalar>& point(const State& s) const noexcept { return s.z; }
  [[nodiscard]] double step_size() const noexcept { return static_cast<double>(tau_); }
  [[nodiscard]] double probability() const noexcept { return p_; }
  [[nodiscard]] double alpha() const noexcept { return static_cast<double>(alpha_); }

 private:
  Scalar tau_;
  double p_;
  Scalar alpha_;
  std::uint64_t seed_;
};

/// Solves 0 in F(u) + G(u) for a finite sum F (with G the resolvent part, or G = 0) by the
/// extragradient variant `options.variant`, stopping on the operator-residual certificate of
/// finite_sum.hpp.
///
/// @param f        a `FiniteSum` (monotone, Lipschitz; optional `evaluate`, `add_component`,
///                 `resolvent`).
/// @param x0       starting point (and EAG's anchor), `f.dim()` entries.
/// @param options  variant, step or Lipschitz constant, VR parameters, controls.
/// @return a `FiniteSumResult`: `x` (the certified point), `status`, `iterations`, `residual`,
///         `counters.oracle_calls` (component evaluations, full evaluations counting n),
///         `certificate_calls`, `trace`, `seconds`. Non-convergence is a status.
/// @throws iterum::invalid_argument for bad options, a wrong-sized or non-finite x0.
///
/// Example:
/// @code
///   const iterum::fixed_point::MatrixGame<> game(a);
///   auto r = iterum::fixed_point::extragradient(
///       game, game.uniform_start(),
///       {.variant = iterum::fixed_point::ExtragradientVariant::VarianceReduced,
///        .lipschitz = game.mean_square_lipschitz(), .control = {.tolerance = 1e-4}});
/// @endcode
template <class F, class X0>
[[nodiscard]] auto extragradient(const F& f, const X0& x0,
                                 const ExtragradientOptions& options = {}) {
  constexpr bool valid = detail::check_finite_sum<F>();
  if constexpr (valid) {
    using Scalar = typename F::Scalar;
    constexpr std::string_view function = "iterum::fixed_point::extragradient";
    const auto start = iterum::detail::Clock::now();
    options.validate(function);
    const Vector<Scalar> z0 = detail::checked_start(function, f, x0);
    const double n = static_cast<double>(f.size());
    const double p = options.snapshot_probability.value_or(1.0 / n);
    const double alpha = options.alpha.value_or(1.0 - p);
    const double step = options.step
                            ? *options.step
                            : extragradient_theory_step(options.variant, *options.lipschitz, alpha);
    check::positive(function, "step", step);
    switch (options.variant) {
      case ExtragradientVariant::Plain: {
        const ExtragradientMethod<F> method(step);
        return detail::run_finite_sum(f, method, method.init(f, z0), options.control, step,
                                      function, start);
      }
      case ExtragradientVariant::Anchored: {
        const AnchoredExtragradientMethod<F> method(step);
        return detail::run_finite_sum(f, method, method.init(f, z0), options.control, step,
                                      function, start);
      }
      case ExtragradientVariant::VarianceReduced:
        break;
    }
    const VrExtragradientMethod<F> method(step, p, alpha, options.control.seed);
    return detail::run_finite_sum(f, method, method.init(f, z0), options.control, step, function,
                                  start);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::fixed_point
