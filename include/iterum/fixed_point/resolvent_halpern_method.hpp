#pragma once

/// @file resolvent_halpern_method.hpp
/// @brief `ResolventHalpernMethod<F>`: Algorithm 2 of Cai, Alacaoglu & Diakonikolas, "Variance
/// reduced Halpern iteration for finite-sum monotone inclusions", ICLR 2024 (arXiv
/// 2310.02987), for components that are monotone and Lipschitz in mean square
/// (E_i ||F_i(u) - F_i(v)||^2 <= L^2 ||u - v||^2): Halpern's iteration on the resolvent
/// J = (I + eta (F + G))^{-1},
///
///   u_{k+1} = lambda_k u_0 + (1 - lambda_k) v_k,   lambda_k = 1/(k+2),   v_k ~= J(u_k),
///
/// where v_k solves the 1-strongly monotone inclusion 0 in eta F(v) + eta G(v) + v - u_k
/// inexactly by M_k = ceil(c n ln(k+2)) steps of the variance-reduced forward-reflected-backward
/// method (VR-FoRB; Alacaoglu & Malitsky, "Stochastic variance reduction for variational
/// inequality methods", COLT 2022, arXiv 2102.08352, Alg. 2; first in Alacaoglu, Malitsky &
/// Cevher, Comput. Optim. Appl. 80 (2021) 321-346) on Phi(v) = eta F(v) + v - u_k:
///
///   vbar = alpha v + (1 - alpha) w,
///   v+   = J_{gamma eta G}(vbar - gamma [Phi(w) + Phi_i(v) - Phi_i(w_prev)]),
///   w_prev = w;  w = v+ and Phi(w) recomputed with probability p;  v = v+,
///
/// with p = 1/n, alpha = 1 - p, i uniform, or with `sampling = Importance` i ~ p_i
/// proportional to L_i = `F::component_lipschitz(i)` and Phi_i(v) - Phi_i(w_prev) weighted by
/// 1/(n p_i) (L becomes L_Q = mean L_i, component_sampler.hpp). The snapshot is refreshed to the
/// new inner iterate, as in VR-FoRB (arXiv 2102.08352, Alg. 2); the authors' experiment scripts for
/// arXiv 2310.02987 refresh it to the outer point instead. The outer step eta = sqrt(n)/L makes
/// each resolvent cost O~(n) component calls while the outer Halpern needs O(L/(sqrt(n) eps))
/// iterations: again O~(n + sqrt(n) L/eps). Run by `vr_halpern` under `iterum::Certified`.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/step_limits.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/component_sampler.hpp"
#include "iterum/fixed_point/finite_sum_oracle.hpp"
#include "iterum/fixed_point/vr_anchoring.hpp"

namespace iterum::fixed_point {

/// The iterate of `ResolventHalpernMethod`.
template <class F>
struct ResolventHalpernState : VrAnchorState<typename F::Scalar> {
  using Scalar = typename F::Scalar;
  // VR-FoRB workspace: inner iterate, snapshot, previous snapshot, Phi(snapshot), scratch.
  Vector<Scalar> v, w, w_prev, phi_w, trial;
  double snapshot_probability = 0.5;  ///< p, resolved for this problem by `init`
  FiniteSumOracle<F> oracle;          ///< counted access to F
  Engine engine{};                    ///< the draws, seeded from `Params::seed` by `init`
  Counters counters{};                ///< `inner_iterations`: VR-FoRB steps
  StepLimits limits{};                ///< budgets polled inside the inner loop (none by default)
  ComponentSampler sampler;           ///< draws i (uniform or importance), built by `init`
};

/// The VR-FoRB direction Phi(w) + Phi_i(v) - Phi_i(w_prev) for Phi(v) = eta F(v) + v - u
/// (so that Phi_i - Phi = eta (F_i - F)): given phi_w = Phi(w), `out` receives an unbiased
/// estimate of Phi(w) + Phi(v) - Phi(w_prev) for i uniform; pass eta / (n p_i) as `eta` for i
/// drawn with probability p_i. Two component calls.
template <class F>
void vr_forb_direction(const FiniteSumOracle<F>& oracle, const F& f, Index i,
                       typename F::Scalar eta, const Vector<typename F::Scalar>& phi_w,
                       const Vector<typename F::Scalar>& v,
                       const Vector<typename F::Scalar>& w_prev, Vector<typename F::Scalar>& out,
                       std::int64_t& calls) {
  out = phi_w + v - w_prev;
  oracle.add_component(f, i, v, eta, out, calls);
  oracle.add_component(f, i, w_prev, -eta, out, calls);
}

/// Algorithm 2 of arXiv 2310.02987 (see the file comment), an `Inner` method for `Certified`.
template <class F>
class ResolventHalpernMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = ResolventHalpernState<F>;

  /// The method's settings (`vr_halpern` derives `step` and `inner_step` from L).
  struct Params {
    double step = 1.0;                             ///< the outer step eta (sqrt(n)/L)
    double inner_step = 0.1;                       ///< gamma of VR-FoRB
    std::optional<double> snapshot_probability{};  ///< p in (0, 1); unset: 1/n (1/2 if n = 1)
    double inner_iterations_factor = 0.05;         ///< c in M_k = ceil(c n ln(k+2))
    VrAnchoring anchoring = VrAnchoring::Auto;     ///< Auto: `Classic`
    VrRestart restart = VrRestart::Adaptive;       ///< anchor moves (vr_anchoring.hpp)
    double restart_decay = 0.5;                    ///< in (0, 1)
    /// Auto: `Importance` when F offers `component_lipschitz`, else `Uniform`.
    VrSampling sampling = VrSampling::Uniform;
    std::uint64_t seed = 0;  ///< seed of the engine `init` makes
  };

  explicit ResolventHalpernMethod(Params params = {})
      : params_(params),
        eta_(static_cast<Scalar>(params.step)),
        gamma_(static_cast<Scalar>(params.inner_step)),
        anchoring_(params.anchoring == VrAnchoring::Auto ? VrAnchoring::Classic
                                                         : params.anchoring) {}

  /// Starts (and anchors) at 0.
  [[nodiscard]] State init(const F& f) const {
    return init(f, Vector<Scalar>::Zero(static_cast<Index>(f.dim())));
  }
  /// Starts and anchors at `x0` (`f.dim()` entries); no oracle call.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& x0) const {
    State s;
    s.start_at(x0);
    s.v = x0;
    s.w = x0;
    s.w_prev = x0;
    s.phi_w.resize(x0.size());
    s.trial.resize(x0.size());
    s.snapshot_probability = snapshot_probability(static_cast<Index>(f.size()));
    s.oracle = FiniteSumOracle<F>(f);
    s.engine = make_engine(params_.seed);
    s.sampler = make_component_sampler(f, params_.sampling);
    return s;
  }

  /// p for n components.
  [[nodiscard]] double snapshot_probability(Index n) const noexcept {
    if (params_.snapshot_probability) return *params_.snapshot_probability;
    return n > 1 ? 1.0 / static_cast<double>(n) : 0.5;
  }

  /// M_k = ceil(c n ln(k + 2)) for n components.
  /// Saturates at 2^62 (a huge factor, e.g. 1e300, must not overflow the conversion).
  [[nodiscard]] Index inner_iterations(Index k, Index n) const noexcept {
    const double m = std::ceil(params_.inner_iterations_factor * static_cast<double>(n) *
                               std::log(static_cast<double>(k) + 2.0));
    return static_cast<Index>(std::clamp(m, 1.0, 0x1p62));
  }

  /// The expected component calls of outer iteration k: n + M_k (2 + p n).
  [[nodiscard]] double expected_calls(Index k, Index n) const noexcept {
    const double m = static_cast<double>(inner_iterations(k, n));
    return static_cast<double>(n) + m * (2.0 + snapshot_probability(n) * static_cast<double>(n));
  }

  /// One outer iteration: a full evaluation, then M_k VR-FoRB steps; no allocation. The inner
  /// loop polls `s.limits` (oracle calls every step, the clock every 16): once a budget is
  /// spent it stops there and returns the status, leaving the last inner iterate `v` as the
  /// point to certify and the anchor sequence where it was.
  std::optional<Status> step(const F& f, State& s) const {
    auto& calls = s.counters.oracle_calls;
    const double p = s.snapshot_probability;
    const Scalar alpha = Scalar(1) - static_cast<Scalar>(p);
    // v, w, w_prev start at u_k; Phi(w) = eta F(u_k) (+ u_k - u_k).
    s.v = s.u;
    s.w = s.u;
    s.w_prev = s.u;
    s.oracle.full(f, s.w, s.phi_w, calls);
    s.phi_w *= eta_;
    const Index n = s.oracle.size();
    const Index m = inner_iterations(s.since_anchor, n);
    for (Index t = 0; t < m; ++t) {
      if (const auto spent = s.limits.reached(calls, t % 16 == 0)) {
        s.counters.inner_iterations += t;
        return spent;
      }
      const Index i = s.sampler.draw(s.engine);
      const Scalar eta_i = eta_ * static_cast<Scalar>(s.sampler.weight(i));
      vr_forb_direction(s.oracle, f, i, eta_i, s.phi_w, s.v, s.w_prev, s.trial, calls);
      // trial <- vbar - gamma * direction, vbar = alpha v + (1 - alpha) w.
      s.trial = alpha * s.v + (Scalar(1) - alpha) * s.w - gamma_ * s.trial;
      s.w_prev = s.w;
      FiniteSumOracle<F>::resolvent(f, gamma_ * eta_, s.trial, s.v);
      if (random::uniform01(s.engine) < p) {
        s.w = s.v;
        // Phi(w) = eta F(w) + w - u_k.
        s.oracle.full(f, s.w, s.phi_w, calls);
        s.phi_w = eta_ * s.phi_w + s.w - s.u;
      }
    }
    s.counters.inner_iterations += m;
    const Scalar lambda = detail::vr_anchor_weight<Scalar>(anchoring_, s.since_anchor);
    s.u = lambda * s.anchor + (Scalar(1) - lambda) * s.v;
    ++s.since_anchor;
    return std::nullopt;
  }

  /// The certified point is v_k ~= J(u_k), the last inner iterate: (u_k - J(u_k))/eta lies in
  /// (F + G)(J(u_k)) and is the quantity Halpern's bound controls, whereas u_k itself carries
  /// the anchoring bias lambda_k (u_0 - v_k).
  [[nodiscard]] const Vector<Scalar>& iterate(const State& s) const noexcept { return s.v; }

  /// Adaptive restarts: re-anchor at the certified point.
  void on_certificate(const F& /*f*/, State& s, double residual,
                      const Vector<Scalar>& point) const {
    detail::vr_restart_on_certificate(params_.restart, params_.restart_decay, s, residual, point);
  }

  [[nodiscard]] Scalar step_size() const noexcept { return eta_; }
  [[nodiscard]] Scalar inner_step() const noexcept { return gamma_; }
  [[nodiscard]] const Params& params() const noexcept { return params_; }

 private:
  Params params_;
  Scalar eta_ = Scalar(1);
  Scalar gamma_ = Scalar(1);
  VrAnchoring anchoring_ = VrAnchoring::Classic;
};

}  // namespace iterum::fixed_point
