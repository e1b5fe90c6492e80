#pragma once

/// @file page_halpern_method.hpp
/// @brief `PageHalpernMethod<F>`: Algorithm 1 of Cai, Alacaoglu & Diakonikolas, "Variance
/// reduced Halpern iteration for finite-sum monotone inclusions", ICLR 2024 (arXiv
/// 2310.02987), for components that are cocoercive on average (E_i ||F_i(u) - F_i(v)||^2 <=
/// L <F(u) - F(v), u - v>): the one-step constrained Halpern iteration with the PAGE estimator
/// g_k of F(u_k),
///
///   u_{k+1} = J_{eta G}(lambda_k u_0 + (1 - lambda_k) u_k - eta g_k),   lambda_k = 2/(k+4),
///   g_k = F(u_k)                                              with probability p_k,
///   g_k = g_{k-1} + (1/b) sum_{i in S_k} [F_i(u_k) - F_i(u_{k-1})]   otherwise,
///
/// S_k a uniformly random b-subset (drawn without replacement), b = floor(sqrt(n)), p_k = 1 for
/// k <= 1, 4/(k+4) up to k = sqrt(n) + 1, then 4/(sqrt(n) + 5): PAGE (page_estimator.hpp)
/// inside Halpern. An iteration costs 2b = 2 sqrt(n) component calls with probability 1 - p and
/// n with probability p, about 6 sqrt(n) on average, instead of the n of a deterministic step:
/// the source of the sqrt(n) saving, O~(n + sqrt(n) L/eps) component calls for
/// ||F + G|| <= eps. (Schedules and batch as in the authors' public experiment code.)
/// With `sampling = Importance` (component_sampler.hpp) the b indices are drawn independently
/// with p_i proportional to L_i = `F::component_lipschitz(i)` and weighted by 1/(n p_i): the
/// constant of the analysis becomes L_Q = mean L_i instead of max L_i, and eta = 1/L_Q.
/// Run by `vr_halpern` under `iterum::Certified`; `on_certificate` applies the restart rule of
/// vr_anchoring.hpp.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/component_sampler.hpp"
#include "iterum/fixed_point/finite_sum_oracle.hpp"
#include "iterum/fixed_point/page_estimator.hpp"
#include "iterum/fixed_point/vr_anchoring.hpp"

namespace iterum::fixed_point {

/// The iterate of `PageHalpernMethod`.
template <class F>
struct PageHalpernState : VrAnchorState<typename F::Scalar> {
  using Scalar = typename F::Scalar;
  Vector<Scalar> trial;        ///< scratch: the argument of the resolvent
  Index full_evaluations = 0;  ///< how many times g was set to F(u) exactly
  PageEstimator<F> estimator;  ///< g_k
  Engine engine{};             ///< the draws, seeded from `Params::seed` by `init`
  Counters counters{};
};

/// Algorithm 1 of arXiv 2310.02987 (see the file comment), an `Inner` method for `Certified`.
template <class F>
class PageHalpernMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = PageHalpernState<F>;

  /// The method's settings.
  struct Params {
    double step = 1.0;                          ///< eta (1/L for the analysis)
    std::optional<Index> batch{};               ///< b; unset: floor(sqrt(n))
    VrAnchoring anchoring = VrAnchoring::Auto;  ///< Auto: `Shifted`
    VrRestart restart = VrRestart::Adaptive;    ///< anchor moves (vr_anchoring.hpp)
    double restart_decay = 0.5;                 ///< in (0, 1)
    std::optional<double> full_probability{};   ///< a constant p instead of the schedule p_k
    /// Auto: `Importance` when F offers `component_lipschitz`, else `Uniform`.
    VrSampling sampling = VrSampling::Uniform;
    std::uint64_t seed = 0;  ///< seed of the engine `init` makes
  };

  explicit PageHalpernMethod(Params params = {})
      : params_(params),
        eta_(static_cast<Scalar>(params.step)),
        anchoring_(params.anchoring == VrAnchoring::Auto ? VrAnchoring::Shifted
                                                         : params.anchoring) {}

  /// Starts (and anchors) at 0.
  [[nodiscard]] State init(const F& f) const {
    return init(f, Vector<Scalar>::Zero(static_cast<Index>(f.dim())));
  }
  /// Starts and anchors at `x0` (`f.dim()` entries); no oracle call.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& x0) const {
    State s;
    s.start_at(x0);
    s.trial.resize(x0.size());
    s.engine = make_engine(params_.seed);
    s.estimator = PageEstimator<F>(f, batch(static_cast<Index>(f.size())),
                                   make_component_sampler(f, params_.sampling));
    return s;
  }

  /// b for n components.
  [[nodiscard]] Index batch(Index n) const noexcept {
    return params_.batch
               ? *params_.batch
               : std::max<Index>(1, static_cast<Index>(std::sqrt(static_cast<double>(n))));
  }

  /// The probability of a full evaluation at step k since the anchor, for n components.
  [[nodiscard]] double full_probability(Index k, Index n) const noexcept {
    if (k <= 1) return 1.0;
    if (params_.full_probability) return *params_.full_probability;
    const double kk = static_cast<double>(k);
    const double sqrt_n = std::sqrt(static_cast<double>(n));
    if (kk <= sqrt_n + 1.0) return 4.0 / (kk + 4.0);
    return 4.0 / (sqrt_n + 5.0);
  }

  /// The expected component calls of an iteration far from the anchor: p n + (1 - p) 2b.
  [[nodiscard]] double expected_calls(Index n) const noexcept {
    const double p = full_probability(std::numeric_limits<Index>::max() / 2, n);
    const double b = static_cast<double>(std::min(batch(n), n));
    return p * static_cast<double>(n) + (1.0 - p) * 2.0 * b;
  }

  /// One iteration: a full pass with probability p_k, else 2b component calls; no allocation.
  void step(const F& f, State& s) const {
    const Index k = s.since_anchor;
    const double p = full_probability(k, static_cast<Index>(f.size()));
    if (p >= 1.0 || random::uniform01(s.engine) < p) {
      s.estimator.refresh(f, s.u, s.counters.oracle_calls);
      ++s.full_evaluations;
    } else {
      s.estimator.update(f, s.u, s.u_prev, s.engine, s.counters.oracle_calls);
    }
    const Scalar lambda = detail::vr_anchor_weight<Scalar>(anchoring_, k);
    s.u_prev = s.u;
    s.trial = lambda * s.anchor + (Scalar(1) - lambda) * s.u - eta_ * s.estimator.value();
    FiniteSumOracle<F>::resolvent(f, eta_, s.trial, s.u);
    ++s.since_anchor;
  }

  /// The iterate u_k (what `Certified` certifies).
  [[nodiscard]] const Vector<Scalar>& iterate(const State& s) const noexcept { return s.u; }

  /// Adaptive restarts: re-anchor at the certified point.
  void on_certificate(const F& /*f*/, State& s, double residual,
                      const Vector<Scalar>& point) const {
    detail::vr_restart_on_certificate(params_.restart, params_.restart_decay, s, residual, point);
  }

  [[nodiscard]] Scalar step_size() const noexcept { return eta_; }
  [[nodiscard]] const Params& params() const noexcept { return params_; }

 private:
  Params params_;
  Scalar eta_ = Scalar(1);
  VrAnchoring anchoring_ = VrAnchoring::Shifted;
};

}  // namespace iterum::fixed_point
