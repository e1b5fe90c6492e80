#pragma once

/// @file vr_extragradient_method.hpp
/// @brief `VrExtragradientMethod<F>`: the loopless-SVRG extragradient of A. Alacaoglu &
/// Y. Malitsky, "Stochastic variance reduction for variational inequality methods", COLT 2022,
/// arXiv 2102.08352, Alg. 1, for a finite-sum monotone inclusion 0 in F(u) + G(u) with
/// J = J_{tau G}: with a snapshot w_k and F(w_k) kept,
///
///   ubar_k    = alpha u_k + (1 - alpha) w_k,
///   u_{k+1/2} = J(ubar_k - tau F(w_k)),
///   u_{k+1}   = J(ubar_k - tau [F(w_k) + F_i(u_{k+1/2}) - F_i(w_k)]),  i ~ uniform,
///   w_{k+1}   = u_{k+1} with probability p, else w_k,                                (VR-EG)
///
/// with the step tau = gamma sqrt(1 - alpha) / L, gamma in (0, 1), L the mean-square Lipschitz
/// constant (E_i ||F_i(u) - F_i(v)||^2 <= L^2 ||u - v||^2; `MatrixGame::mean_square_lipschitz`)
/// (arXiv 2102.08352, Sec. 2; its recommended p = 1/n, alpha = 1 - p). Sampling is uniform, or
/// with `sampling = Importance` (which the paper's analysis also allows) i ~ p_i proportional to
/// L_i = `F::component_lipschitz(i)` with the difference weighted by 1/(n p_i), so that L is
/// the importance constant L_Q = mean L_i (component_sampler.hpp). Cost: 2
/// component calls per iteration plus n at each snapshot refresh and n at the start: 2 + p n
/// per iteration in expectation.

#include <Eigen/Core>
#include <cstdint>
#include <optional>

#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/component_sampler.hpp"
#include "iterum/fixed_point/finite_sum_oracle.hpp"

namespace iterum::fixed_point {

/// The state of `VrExtragradientMethod`.
template <class F>
struct VrExtragradientState {
  using Scalar = typename F::Scalar;
  Vector<Scalar> z;            ///< u_k
  Vector<Scalar> snapshot;     ///< w_k
  Vector<Scalar> f_snapshot;   ///< F(w_k)
  Vector<Scalar> bar;          ///< ubar_k
  Vector<Scalar> half;         ///< u_{k+1/2}
  Vector<Scalar> estimate;     ///< F(w_k) + F_i(u_{k+1/2}) - F_i(w_k)
  Vector<Scalar> trial;        ///< resolvent input
  FiniteSumOracle<F> oracle;   ///< counted access to F
  double probability = 0.5;    ///< p, resolved for this problem by `init`
  Scalar alpha = Scalar(0.5);  ///< alpha, resolved for this problem by `init`
  Engine engine;               ///< the draws of i and of the snapshot coin, seeded by `init`
  Index refreshes = 0;         ///< snapshot refreshes (not counting the start)
  Counters counters{};
  ComponentSampler sampler;  ///< draws i (uniform or importance), built by `init`
};

/// The loopless-SVRG extragradient of Alacaoglu & Malitsky (arXiv 2102.08352, Alg. 1); an
/// `Inner` method for `Certified`.
template <class F>
class VrExtragradientMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = VrExtragradientState<F>;

  /// The method's settings.
  struct Params {
    double step = 1.0;                             ///< tau
    std::optional<double> snapshot_probability{};  ///< p in (0, 1]; unset: 1/n
    std::optional<double> alpha{};                 ///< in [0, 1); unset: 1 - p
    /// Auto: `Importance` when F offers `component_lipschitz`, else `Uniform`.
    VrSampling sampling = VrSampling::Uniform;
    std::uint64_t seed = 0;  ///< seed of the engine `init` makes
  };

  explicit VrExtragradientMethod(Params params = {})
      : params_(params), tau_(static_cast<Scalar>(params.step)) {}

  /// p for n components.
  [[nodiscard]] double probability(Index n) const noexcept {
    return params_.snapshot_probability.value_or(1.0 / static_cast<double>(n));
  }
  /// alpha for n components.
  [[nodiscard]] double alpha(Index n) const noexcept {
    return params_.alpha.value_or(1.0 - probability(n));
  }

  /// Starts from 0.
  [[nodiscard]] State init(const F& f) const { return init(f, Vector<Scalar>::Zero(f.dim())); }
  /// Starts from `z0` with the snapshot w_0 = z0: evaluates F(w_0), n component calls.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& z0) const {
    const Index d = z0.size();
    const auto n = static_cast<Index>(f.size());
    State s{z0,
            z0,
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            Vector<Scalar>(d),
            FiniteSumOracle<F>(f),
            probability(n),
            static_cast<Scalar>(alpha(n)),
            make_engine(params_.seed),
            0,
            {},
            make_component_sampler(f, params_.sampling)};
    s.oracle.full(f, s.snapshot, s.f_snapshot, s.counters.oracle_calls);
    return s;
  }

  /// out = F(w) + [F_i(at) - F_i(w)] / (n p_i) for i drawn from the state's sampler (uniform:
  /// weight 1): the unbiased estimate of F(at) the step uses (2 component calls).
  void estimate(const F& f, State& s, const Vector<Scalar>& at, Vector<Scalar>& out) const {
    const Index i = s.sampler.draw(s.engine);
    const auto w = static_cast<Scalar>(s.sampler.weight(i));
    out = s.f_snapshot;
    s.oracle.add_component(f, i, at, w, out, s.counters.oracle_calls);
    s.oracle.add_component(f, i, s.snapshot, -w, out, s.counters.oracle_calls);
  }

  /// One step of (VR-EG): 2 component calls, plus n when the snapshot is refreshed; no
  /// allocation.
  void step(const F& f, State& s) const {
    s.bar = s.alpha * s.z + (Scalar(1) - s.alpha) * s.snapshot;
    FiniteSumOracle<F>::forward_backward(f, tau_, s.bar, s.f_snapshot, s.trial, s.half);
    estimate(f, s, s.half, s.estimate);
    FiniteSumOracle<F>::forward_backward(f, tau_, s.bar, s.estimate, s.trial, s.z);
    if (random::uniform01(s.engine) < s.probability) {
      s.snapshot = s.z;
      s.oracle.full(f, s.snapshot, s.f_snapshot, s.counters.oracle_calls);
      ++s.refreshes;
    }
  }

  /// The iterate u_k.
  [[nodiscard]] const Vector<Scalar>& iterate(const State& s) const noexcept { return s.z; }
  [[nodiscard]] double step_size() const noexcept { return static_cast<double>(tau_); }
  [[nodiscard]] const Params& params() const noexcept { return params_; }

 private:
  Params params_;
  Scalar tau_;
};

}  // namespace iterum::fixed_point
