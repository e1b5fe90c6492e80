#pragma once

/// @file vr_halpern.hpp
/// @brief Variance-reduced Halpern iterations for finite-sum monotone inclusions
/// 0 in F(u) + G(u), F = (1/n) sum_i F_i (a `FiniteSum`), after Cai, Alacaoglu & Diakonikolas,
/// "Variance reduced Halpern iteration for finite-sum monotone inclusions", ICLR 2024
/// (arXiv 2310.02987): the facade `vr_halpern(F, x0, VrHalpernOptions)` and its two methods.
///
/// Algorithm 1 (`VrHalpernAlgorithm::Page`, `PageHalpernMethod`), for components that are
/// cocoercive on average (E_i ||F_i(u) - F_i(v)||^2 <= L <F(u) - F(v), u - v>): the one-step
/// constrained Halpern iteration with the PAGE estimator g_k of F(u_k),
///
///   u_{k+1} = J_{eta G}(lambda_k u_0 + (1 - lambda_k) u_k - eta g_k),   lambda_k = 2/(k+4),
///   g_k = F(u_k)                                              with probability p_k,
///   g_k = g_{k-1} + (1/b) sum_{i in S_k} [F_i(u_k) - F_i(u_{k-1})]   otherwise,
///
/// S_k a uniformly random b-subset (drawn without replacement), b = floor(sqrt(n)), p_k = 1 for
/// k <= 1, 4/(k+4) up to k = sqrt(n) + 1, then 4/(sqrt(n) + 5): PAGE (Li, Bao, Zhang &
/// Richtarik, ICML 2021) inside Halpern. An iteration costs 2b = 2 sqrt(n) component calls
/// with probability 1 - p and n with probability p, about 6 sqrt(n) on average, instead of
/// the n of a deterministic step: the source of the sqrt(n) saving, O~(n + sqrt(n) L/eps)
/// component calls for ||F + G|| <= eps. (Schedules and batch as in the authors' public
/// experiment code; the file docs/fixed_point.md gives the measured effect.)
///
/// Algorithm 2 (`VrHalpernAlgorithm::InexactResolvent`, `ResolventHalpernMethod`), for
/// components that are monotone and Lipschitz in mean square (E_i ||F_i(u) - F_i(v)||^2 <=
/// L^2 ||u - v||^2): Halpern's iteration on the resolvent J = (I + eta (F + G))^{-1},
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
/// with p = 1/n, alpha = 1 - p, i uniform. The snapshot is refreshed to the new inner iterate,
/// as in VR-FoRB (the authors' scripts refresh it to the outer point; see the research note).
/// The outer step eta = sqrt(n)/L makes each resolvent cost O~(n) component calls while the
/// outer Halpern needs O(L/(sqrt(n) eps)) iterations: again O~(n + sqrt(n) L/eps).
///
/// Both methods are run by the core driver through `Certified`, which evaluates the computable
/// certificate of finite_sum.hpp (an element of (F + G) at a forward-backward point) every
/// `control.certificate_every_epochs` epochs; component calls are counted in
/// `counters.oracle_calls`, certificate calls apart. Optional adaptive restarts re-anchor
/// (u_0 <- the certified point, k <- 0) when a certificate fell to `restart_decay` times the one
/// at the anchor (the rule of the restarted stochastic Halpern method of Cai, Song, Guzman &
/// Diakonikolas, NeurIPS 2022, arXiv 2203.09436, with decay 1/2).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/finite_sum.hpp"

namespace iterum::fixed_point {

/// Which of the two methods of arXiv 2310.02987.
enum class VrHalpernAlgorithm {
  Page,              ///< Alg. 1: cocoercive components, PAGE estimator
  InexactResolvent,  ///< Alg. 2: monotone Lipschitz components, VR-FoRB resolvent
};

/// The anchor weights lambda_k.
enum class VrAnchoring {
  Auto,     ///< the algorithm's own: `Shifted` for `Page`, `Classic` for `InexactResolvent`
  Classic,  ///< lambda_k = 1/(k+2) (Halpern 1967)
  Shifted,  ///< lambda_k = 2/(k+4) (Alg. 1 of arXiv 2310.02987)
};

/// When the anchor moves.
enum class VrRestart {
  None,      ///< the methods as published
  Adaptive,  ///< re-anchor once a certificate is at most `restart_decay` times the anchor's
};

/// Options of `vr_halpern`. Either `step` or `lipschitz` must be given.
struct VrHalpernOptions {
  VrHalpernAlgorithm algorithm = VrHalpernAlgorithm::Page;
  /// The step eta. Unset: 1/L for `Page`, sqrt(n)/L for `InexactResolvent`.
  std::optional<double> step{};
  /// L: the on-average cocoercivity constant (`Page`) or mean-square Lipschitz constant
  /// (`InexactResolvent`) of the components (e.g. `LeastSquaresSum::lipschitz()`,
  /// `MatrixGame::mean_square_lipschitz()`).
  std::optional<double> lipschitz{};
  /// `Page`: minibatch size b; unset: floor(sqrt(n)).
  std::optional<Index> batch{};
  /// `Page`: a constant probability of a full evaluation instead of the schedule p_k.
  std::optional<double> full_probability{};
  VrAnchoring anchoring = VrAnchoring::Auto;
  VrRestart restart = VrRestart::None;
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
  /// Tolerance, budgets, certificate interval, seed, time limit, monitor.
  FiniteSumControl control{};

  /// Throws `iterum::invalid_argument` naming `function` and the option for every value out of
  /// range, and when neither `step` nor `lipschitz` is given.
  void validate(
      std::string_view function = "iterum::fixed_point::VrHalpernOptions::validate") const {
    detail::validate_step_source(function, step, lipschitz);
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
    control.validate(function);
  }
};

namespace detail {

/// lambda_k of the anchoring.
template <class Scalar>
[[nodiscard]] Scalar vr_anchor_weight(VrAnchoring anchoring, Index k) noexcept {
  if (anchoring == VrAnchoring::Shifted) return Scalar(2) / static_cast<Scalar>(k + 4);
  return Scalar(1) / static_cast<Scalar>(k + 2);
}

}  // namespace detail

/// The PAGE estimator of F (Li, Bao, Zhang & Richtarik, ICML 2021): `refresh` sets g = F(u)
/// (n calls); `update` adds the minibatch difference (1/b) sum_{i in S} [F_i(u) - F_i(u_prev)]
/// over a uniformly random b-subset S (2b calls). Given g = F(u_prev), the updated g is an
/// unbiased estimate of F(u). Allocation-free after construction.
template <class F>
class PageEstimator {
 public:
  using Scalar = typename F::Scalar;

  PageEstimator() = default;
  PageEstimator(const F& f, Index batch)
      : oracle_(f),
        batch_(std::min<Index>(batch, static_cast<Index>(f.size()))),
        g_(Vector<Scalar>::Zero(static_cast<Index>(f.dim()))),
        order_(static_cast<std::size_t>(f.size())) {
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<Index>(i);
  }

  /// g = F(u).
  void refresh(const F& f, const Vector<Scalar>& u, std::int64_t& calls) {
    oracle_.full(f, u, g_, calls);
  }

  /// g += (1/b) sum_{i in S} [F_i(u) - F_i(u_prev)], S a fresh uniformly random b-subset.
  void update(const F& f, const Vector<Scalar>& u, const Vector<Scalar>& u_prev, Engine& engine,
              std::int64_t& calls) {
    const Index n = oracle_.size();
    const Scalar weight = Scalar(1) / static_cast<Scalar>(batch_);
    for (Index j = 0; j < batch_; ++j) {
      // Partial Fisher-Yates: order_[0..b) becomes a uniform b-subset whatever order_ was.
      const Index r = j + random::uniform_index(engine, n - j);
      std::swap(order_[static_cast<std::size_t>(j)], order_[static_cast<std::size_t>(r)]);
      const Index i = order_[static_cast<std::size_t>(j)];
      oracle_.add_component(f, i, u, weight, g_, calls);
      oracle_.add_component(f, i, u_prev, -weight, g_, calls);
    }
  }

  [[nodiscard]] const Vector<Scalar>& value() const noexcept { return g_; }
  [[nodiscard]] Index batch() const noexcept { return batch_; }

 private:
  detail::FiniteSumOracle<F> oracle_;
  Index batch_ = 1;
  Vector<Scalar> g_;
  std::vector<Index> order_;
};

/// The iterate of `PageHalpernMethod`.
template <class Scalar>
struct PageHalpernState {
  Vector<Scalar> u;       ///< u_k
  Vector<Scalar> u_prev;  ///< u_{k-1}
  Vector<Scalar> anchor;  ///< u_0, or the point of the last restart
  Vector<Scalar> trial;   ///< scratch: the argument of the resolvent
  Index since_anchor = 0;
  double anchor_residual = std::numeric_limits<double>::infinity();
  Index restarts = 0;
  Index full_evaluations = 0;  ///< how many times g was set to F(u) exactly
  Engine engine{};
  Counters counters{};
};

/// Algorithm 1 of arXiv 2310.02987 (see the file comment), a finite-sum method for `Certified`.
template <class F>
class PageHalpernMethod {
 public:
  using Scalar = typename F::Scalar;
  struct State : PageHalpernState<Scalar> {
    PageEstimator<F> estimator;
  };

  /// `step` eta, batch b, anchoring, restart rule, optional constant full-pass probability.
  PageHalpernMethod(const F& f, double step, Index batch, VrAnchoring anchoring, VrRestart restart,
                    double restart_decay, std::optional<double> full_probability)
      : eta_(static_cast<Scalar>(step)),
        batch_(batch),
        anchoring_(anchoring == VrAnchoring::Auto ? VrAnchoring::Shifted : anchoring),
        restart_(restart),
        restart_decay_(restart_decay),
        full_probability_(full_probability),
        sqrt_n_(std::sqrt(static_cast<double>(f.size()))) {}

  [[nodiscard]] State init(const F& f) const {
    return init(f, Vector<Scalar>::Zero(static_cast<Index>(f.dim())), 0);
  }
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& x0, std::uint64_t seed) const {
    State s;
    s.u = x0;
    s.u_prev = x0;
    s.anchor = x0;
    s.trial.resize(x0.size());
    s.engine = make_engine(seed);
    s.estimator = PageEstimator<F>(f, batch_);
    return s;
  }

  /// The probability of a full evaluation at step k since the anchor.
  [[nodiscard]] double full_probability(Index k) const noexcept {
    if (k <= 1) return 1.0;
    if (full_probability_) return *full_probability_;
    const double kk = static_cast<double>(k);
    if (kk <= sqrt_n_ + 1.0) return 4.0 / (kk + 4.0);
    return 4.0 / (sqrt_n_ + 5.0);
  }

  void step(const F& f, State& s) const {
    const Index k = s.since_anchor;
    const double p = full_probability(k);
    if (p >= 1.0 || random::uniform01(s.engine) < p) {
      s.estimator.refresh(f, s.u, s.counters.oracle_calls);
      ++s.full_evaluations;
    } else {
      s.estimator.update(f, s.u, s.u_prev, s.engine, s.counters.oracle_calls);
    }
    const Scalar lambda = detail::vr_anchor_weight<Scalar>(anchoring_, k);
    s.u_prev = s.u;
    s.trial = lambda * s.anchor + (Scalar(1) - lambda) * s.u - eta_ * s.estimator.value();
    detail::FiniteSumOracle<F>::resolvent(f, eta_, s.trial, s.u);
    ++s.since_anchor;
  }

  [[nodiscard]] const Vector<Scalar>& point(const State& s) const noexcept { return s.u; }

  /// Adaptive restarts: re-anchor at the certified point.
  void on_certificate(const F& /*f*/, State& s, double residual,
                      const Vector<Scalar>& point) const {
    restart_on_certificate(restart_, restart_decay_, s, residual, point);
  }

  /// Shared by both methods: the restart rule on a fresh certificate.
  template <class S>
  static void restart_on_certificate(VrRestart rule, double decay, S& s, double residual,
                                     const Vector<Scalar>& point) {
    if (rule != VrRestart::Adaptive) return;
    if (!std::isfinite(s.anchor_residual)) {
      s.anchor_residual = residual;
      return;
    }
    if (residual <= decay * s.anchor_residual && s.since_anchor > 0) {
      s.anchor = point;
      s.u = point;
      s.u_prev = point;
      s.anchor_residual = residual;
      s.since_anchor = 0;
      ++s.restarts;
    }
  }

  [[nodiscard]] Scalar step_size() const noexcept { return eta_; }

 private:
  Scalar eta_ = Scalar(1);
  Index batch_ = 1;
  VrAnchoring anchoring_ = VrAnchoring::Shifted;
  VrRestart restart_ = VrRestart::None;
  double restart_decay_ = 0.5;
  std::optional<double> full_probability_{};
  double sqrt_n_ = 1.0;
};

/// The iterate of `ResolventHalpernMethod`.
template <class Scalar>
struct ResolventHalpernState {
  Vector<Scalar> u;       ///< the outer iterate u_k
  Vector<Scalar> u_prev;  ///< unused by the method; kept for the shared restart rule
  Vector<Scalar> anchor;  ///< u_0, or the point of the last restart
  // VR-FoRB workspace: inner iterate, snapshot, previous snapshot, Phi(snapshot), scratch.
  Vector<Scalar> v, w, w_prev, phi_w, trial;
  Index since_anchor = 0;
  double anchor_residual = std::numeric_limits<double>::infinity();
  Index restarts = 0;
  Engine engine{};
  Counters counters{};  ///< `inner_iterations`: VR-FoRB steps
};

/// The VR-FoRB direction Phi(w) + Phi_i(v) - Phi_i(w_prev) for Phi(v) = eta F(v) + v - u
/// (so that Phi_i - Phi = eta (F_i - F)): given phi_w = Phi(w), `out` receives an unbiased
/// estimate of Phi(w) + Phi(v) - Phi(w_prev) for i uniform. Two component calls.
template <class F>
void vr_forb_direction(const detail::FiniteSumOracle<F>& oracle, const F& f, Index i,
                       typename F::Scalar eta, const Vector<typename F::Scalar>& phi_w,
                       const Vector<typename F::Scalar>& v,
                       const Vector<typename F::Scalar>& w_prev, Vector<typename F::Scalar>& out,
                       std::int64_t& calls) {
  out = phi_w + v - w_prev;
  oracle.add_component(f, i, v, eta, out, calls);
  oracle.add_component(f, i, w_prev, -eta, out, calls);
}

/// Algorithm 2 of arXiv 2310.02987 (see the file comment), a finite-sum method for `Certified`.
template <class F>
class ResolventHalpernMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = ResolventHalpernState<Scalar>;

  /// Outer step eta, inner step gamma, snapshot probability p, c of M_k, anchoring, restarts.
  ResolventHalpernMethod(const F& f, double step, double inner_step, double snapshot_probability,
                         double inner_iterations_factor, VrAnchoring anchoring, VrRestart restart,
                         double restart_decay)
      : oracle_(f),
        eta_(static_cast<Scalar>(step)),
        gamma_(static_cast<Scalar>(inner_step)),
        p_(snapshot_probability),
        factor_(inner_iterations_factor),
        anchoring_(anchoring == VrAnchoring::Auto ? VrAnchoring::Classic : anchoring),
        restart_(restart),
        restart_decay_(restart_decay) {}

  [[nodiscard]] State init(const F& f) const {
    return init(f, Vector<Scalar>::Zero(static_cast<Index>(f.dim())), 0);
  }
  [[nodiscard]] State init(const F& /*f*/, const Vector<Scalar>& x0, std::uint64_t seed) const {
    State s;
    s.u = x0;
    s.u_prev = x0;
    s.anchor = x0;
    s.v = x0;
    s.w = x0;
    s.w_prev = x0;
    s.phi_w.resize(x0.size());
    s.trial.resize(x0.size());
    s.engine = make_engine(seed);
    return s;
  }

  /// M_k = ceil(c n ln(k + 2)).
  [[nodiscard]] Index inner_iterations(Index k) const noexcept {
    const double n = static_cast<double>(oracle_.size());
    return std::max<Index>(
        1, static_cast<Index>(std::ceil(factor_ * n * std::log(static_cast<double>(k) + 2.0))));
  }

  void step(const F& f, State& s) const {
    auto& calls = s.counters.oracle_calls;
    const Scalar alpha = Scalar(1) - static_cast<Scalar>(p_);
    // v, w, w_prev start at u_k; Phi(w) = eta F(u_k) (+ u_k - u_k).
    s.v = s.u;
    s.w = s.u;
    s.w_prev = s.u;
    oracle_.full(f, s.w, s.phi_w, calls);
    s.phi_w *= eta_;
    const Index m = inner_iterations(s.since_anchor);
    const Index n = oracle_.size();
    for (Index t = 0; t < m; ++t) {
      const Index i = random::uniform_index(s.engine, n);
      vr_forb_direction(oracle_, f, i, eta_, s.phi_w, s.v, s.w_prev, s.trial, calls);
      // trial <- vbar - gamma * direction, vbar = alpha v + (1 - alpha) w.
      s.trial = alpha * s.v + (Scalar(1) - alpha) * s.w - gamma_ * s.trial;
      s.w_prev = s.w;
      detail::FiniteSumOracle<F>::resolvent(f, gamma_ * eta_, s.trial, s.v);
      if (random::uniform01(s.engine) < p_) {
        s.w = s.v;
        // Phi(w) = eta F(w) + w - u_k.
        oracle_.full(f, s.w, s.phi_w, calls);
        s.phi_w = eta_ * s.phi_w + s.w - s.u;
      }
    }
    s.counters.inner_iterations += m;
    const Scalar lambda = detail::vr_anchor_weight<Scalar>(anchoring_, s.since_anchor);
    s.u = lambda * s.anchor + (Scalar(1) - lambda) * s.v;
    ++s.since_anchor;
  }

  /// The certified point is v_k ~= J(u_k), the last inner iterate: (u_k - J(u_k))/eta lies in
  /// (F + G)(J(u_k)) and is the quantity Halpern's bound controls, whereas u_k itself carries
  /// the anchoring bias lambda_k (u_0 - v_k).
  [[nodiscard]] const Vector<Scalar>& point(const State& s) const noexcept { return s.v; }

  void on_certificate(const F& /*f*/, State& s, double residual,
                      const Vector<Scalar>& point) const {
    PageHalpernMethod<F>::restart_on_certificate(restart_, restart_decay_, s, residual, point);
  }

  [[nodiscard]] Scalar step_size() const noexcept { return eta_; }
  [[nodiscard]] Scalar inner_step() const noexcept { return gamma_; }

 private:
  detail::FiniteSumOracle<F> oracle_;
  Scalar eta_ = Scalar(1);
  Scalar gamma_ = Scalar(1);
  double p_ = 0.5;
  double factor_ = 0.05;
  VrAnchoring anchoring_ = VrAnchoring::Classic;
  VrRestart restart_ = VrRestart::None;
  double restart_decay_ = 0.5;
};

/// Solves 0 in F(u) + G(u) for a finite sum F by a variance-reduced Halpern iteration
/// (Alg. 1 or Alg. 2 of arXiv 2310.02987, see the file comment).
///
/// @param f        a `FiniteSum` (with `resolvent` for a constraint or regularizer G).
/// @param x0       starting point and first anchor, `f.dim()` entries.
/// @param options  algorithm, step or Lipschitz constant, batch, anchoring, restarts, inner
///                 solver settings, and `control` (tolerance, budgets, certificate interval,
///                 seed, time limit, monitor).
/// @return `FiniteSumResult`: `x` (the certified point), `status`, `residual` (its
///         certificate), `iterations`, `counters.oracle_calls` (component evaluations of the
///         method), `epochs()`, `certificate_calls`, `trace`, `restarts`. Non-convergence is a
///         status, never an exception.
/// @throws iterum::invalid_argument for a size mismatch, a non-finite x0, or bad options.
///
/// Example:
/// @code
///   iterum::fixed_point::LeastSquaresSum<double> f(A, b);
///   auto r = iterum::fixed_point::vr_halpern(f, x0, {.lipschitz = f.lipschitz(),
///                                                    .control = {.tolerance = 1e-6}});
/// @endcode
template <class F, class X0>
[[nodiscard]] auto vr_halpern(const F& f, const X0& x0, const VrHalpernOptions& options = {}) {
  constexpr bool valid = detail::check_finite_sum<F>();
  if constexpr (valid) {
    using Scalar = typename F::Scalar;
    constexpr std::string_view function = "iterum::fixed_point::vr_halpern";
    const auto start = iterum::detail::Clock::now();
    options.validate(function);
    const Vector<Scalar> u0 = detail::checked_start(function, f, x0);
    const auto n = static_cast<double>(f.size());
    const double sqrt_n = std::sqrt(n);
    if (options.algorithm == VrHalpernAlgorithm::Page) {
      const double eta = options.step ? *options.step : 1.0 / *options.lipschitz;
      const Index batch =
          options.batch ? *options.batch : std::max<Index>(1, static_cast<Index>(sqrt_n));
      const PageHalpernMethod<F> method(f, eta, batch, options.anchoring, options.restart,
                                        options.restart_decay, options.full_probability);
      return detail::run_finite_sum(f, method, method.init(f, u0, options.control.seed),
                                    options.control, eta, function, start);
    } else {
      const double eta = options.step ? *options.step : sqrt_n / *options.lipschitz;
      const double p = options.snapshot_probability.value_or(f.size() > 1 ? 1.0 / n : 0.5);
      const double lipschitz = options.lipschitz.value_or(1.0 / eta);
      const double gamma = options.inner_step.value_or(
          options.inner_step_scale * std::sqrt(p * (1.0 - p)) / (1.0 + eta * lipschitz));
      const ResolventHalpernMethod<F> method(f, eta, gamma, p, options.inner_iterations_factor,
                                             options.anchoring, options.restart,
                                             options.restart_decay);
      return detail::run_finite_sum(f, method, method.init(f, u0, options.control.seed),
                                    options.control, eta, function, start);
    }
  } else {
    return Summary{};
  }
}

}  // namespace iterum::fixed_point
