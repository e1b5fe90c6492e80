#pragma once

/// @file sinkhorn.hpp
/// @brief Entropic optimal transport by Sinkhorn's algorithm, stabilized by absorption:
/// the method `SinkhornMethod` and the facade `iterum::ot::sinkhorn(a, b, C, epsilon, options)`.
///
/// Algorithm: Sinkhorn-Knopp matrix scaling (Cuturi, NeurIPS 2013, Alg. 1) on the kernel
/// K_ij = exp((f_i + g_j - C_ij) / epsilon) with the absorption stabilization of Schmitzer
/// ("Stabilized sparse scaling algorithms for entropy regularized transport problems", SIAM J.
/// Sci. Comput. 2019, Alg. 2): the scalings u, v are folded into the potentials f, g whenever
/// they leave [1e-50, 1e50], so the kernel never overflows; a row (column) whose kernel sum
/// underflows to zero is updated in the log domain instead (exact c-transform, Schmitzer Sec.
/// 3.1). Each iteration costs two dense products with K (the memory-bandwidth minimum of the
/// scaling form); an absorption costs one pass of m n exponentials.
/// In the notation of Tang et al. (arXiv 2401.12253), eta = 1 / epsilon and (x, y) = (f, g).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/ot/entropic_problem.hpp"
#include "iterum/ot/epsilon_scaling.hpp"
#include "iterum/ot/transport_result.hpp"

namespace iterum::ot {

/// The iteration budget of the entropic OT solvers when `options.max_iterations` is unset, for
/// an m x n problem (support sizes): 100000 up to 1e5 plan entries, then 1e10 / (m n), never
/// below 100, so that an unconverged solve with the default budget stops after about 1e10
/// kernel-entry updates (seconds, not minutes; e.g. 2500 iterations at 2000 x 2000).
[[nodiscard]] inline Index default_max_iterations(Index m, Index n) noexcept {
  const double entries = static_cast<double>(m) * static_cast<double>(n);
  return static_cast<Index>(std::clamp(1e10 / std::max(entries, 1.0), 100.0, 100000.0));
}

/// What the `tolerance` of the entropic OT solvers bounds.
enum class MarginalTolerance : std::uint8_t {
  /// The marginal error ||P 1 - a||_1 + ||P^T 1 - b||_1 itself (the default).
  Absolute = 0,
  /// The marginal error divided by the total mass sum_i a_i: scale-free, e.g. for masses of
  /// 1e-300 (where an absolute 1e-9 holds for any plan) or 1e300 (where it is out of reach).
  Relative = 1,
};

namespace detail {

/// Throws for a `MarginalTolerance` that is not one of the enumerators.
inline void check_tolerance_kind(std::string_view function, MarginalTolerance kind) {
  if (kind != MarginalTolerance::Absolute && kind != MarginalTolerance::Relative) {
    check::fail(function, "options.tolerance_kind",
                "must be MarginalTolerance::Absolute or ::Relative",
                std::to_string(static_cast<int>(kind)));
  }
}

/// The problem the solvers iterate on: the caller's scaled to unit mass. With a / M and b / M
/// (M the total mass) the plan is the caller's divided by M and each potential the caller's
/// minus `shift` = epsilon log(M) / 2, so every internal plan, kernel and error is of order
/// one whatever M (1e-300 or 1e300), and the running errors are relative to the mass.
class UnitMassProblem {
 public:
  UnitMassProblem(const EntropicProblem& caller, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                  const Eigen::MatrixXd& c, std::string_view function)
      : caller_(&caller) {
    const double mass = caller.mass();
    if (mass != 1.0) {
      scaled_.emplace(a / mass, b / mass, c, caller.epsilon(), function);
      shift_ = 0.5 * caller.epsilon() * std::log(mass);
    }
  }

  /// The problem to iterate on (the caller's when its mass is exactly 1).
  [[nodiscard]] const EntropicProblem& problem() const noexcept {
    return scaled_ ? *scaled_ : *caller_;
  }
  /// Caller's potentials = these potentials + shift (each of f and g).
  [[nodiscard]] double shift() const noexcept { return shift_; }
  /// Internal errors (relative) times this are in the units of `kind`.
  [[nodiscard]] double unit(MarginalTolerance kind) const noexcept {
    return kind == MarginalTolerance::Relative ? 1.0 : caller_->mass();
  }
  /// Caller-scale errors divided by this are in the units of `kind`.
  [[nodiscard]] double divisor(MarginalTolerance kind) const noexcept {
    return kind == MarginalTolerance::Relative ? caller_->mass() : 1.0;
  }

 private:
  const EntropicProblem* caller_;
  std::optional<EntropicProblem> scaled_{};
  double shift_ = 0.0;
};

}  // namespace detail

/// Options of `sinkhorn`: the control fields, then what the tolerance bounds, then the warm
/// start.
struct SinkhornOptions {
  /// Stop when the marginal error (of the returned plan) is at most this; absolute unless
  /// `tolerance_kind` is `MarginalTolerance::Relative`.
  double tolerance = 1e-9;
  /// Iteration budget; unset: `default_max_iterations(m, n)` (100000, fewer on large problems).
  std::optional<Index> max_iterations{};
  double time_limit_seconds = std::numeric_limits<double>::infinity();  ///< wall-clock budget
  Monitor monitor{};  ///< progress, history, callback (its iterate: the potentials (f; g))
  /// `Absolute` (default): `tolerance` bounds the marginal error; `Relative`: the marginal
  /// error divided by the total mass. `residual` and `history` are in the same units.
  MarginalTolerance tolerance_kind = MarginalTolerance::Absolute;
  std::optional<Eigen::VectorXd> f0{};  ///< warm start: row potentials (m), e.g. a previous f
  std::optional<Eigen::VectorXd> g0{};  ///< warm start: column potentials (n)
  /// Set: solve a sequence of epsilons down to the target, each stage warm-started from the
  /// last (`EpsilonScaling`; for small epsilon, near-exact transport). `max_iterations` and
  /// `time_limit_seconds` bound all stages together; the monitor sees every stage.
  std::optional<EpsilonScaling> epsilon_scaling{};

  /// Throws `iterum::invalid_argument` naming `function` for a bad field.
  void validate(std::string_view function = "iterum::ot::SinkhornOptions::validate") const {
    validate_control(function, *this);
    detail::check_tolerance_kind(function, tolerance_kind);
    if (f0) check::all_finite(function, "options.f0", *f0);
    if (g0) check::all_finite(function, "options.g0", *g0);
    if (epsilon_scaling) epsilon_scaling->validate(function);
  }

  /// The iteration budget for an m x n problem.
  [[nodiscard]] Index iteration_budget(Index m, Index n) const noexcept {
    return iterum::iteration_budget(*this, default_max_iterations(m, n));
  }
};

/// The state of `SinkhornMethod`: potentials (f, g) and scalings (u, v) on the support, with
/// the plan P = diag(u) K diag(v), K_ij = exp((f_i + g_j - C_ij) / epsilon). Its iterate
/// (`SinkhornMethod::iterate`) is the stacked pair of current potentials (f + epsilon log u;
/// g + epsilon log v).
struct SinkhornState {
  Eigen::VectorXd f, g;     ///< absorbed potentials
  Eigen::VectorXd u, v;     ///< pending scalings
  Eigen::MatrixXd kernel;   ///< K for the absorbed potentials
  Eigen::VectorXd kv, ktu;  ///< K v and K^T u of the current scalings
  double error = std::numeric_limits<double>::infinity();  ///< marginal error of u K v
  Index absorptions = 0;                                   ///< times (u, v) were folded into (f, g)
  double epsilon = 1.0;                                    ///< the problem's regularization
  Counters counters{};                                     ///< matvecs = products with K or K^T

  /// The current potentials f + epsilon log u (support-sized).
  [[nodiscard]] Eigen::VectorXd row_potentials() const {
    return f + epsilon * u.array().log().matrix();
  }
  /// The current potentials g + epsilon log v (support-sized).
  [[nodiscard]] Eigen::VectorXd column_potentials() const {
    return g + epsilon * v.array().log().matrix();
  }
};

namespace detail {

/// f_i = epsilon (log a_i - LSE_j((g_j - C_ij) / epsilon)): the exact row update in the log
/// domain (all row sums of the plan become a_i). Works column by column (C is column-major).
inline void log_update_rows(const EntropicProblem& p, const Eigen::VectorXd& g,
                            Eigen::VectorXd& f) {
  const Eigen::MatrixXd& c = p.cost();
  const double inv = 1.0 / p.epsilon();
  Eigen::ArrayXd top = Eigen::ArrayXd::Constant(c.rows(), -std::numeric_limits<double>::infinity());
  for (Index j = 0; j < c.cols(); ++j) top = top.max(g[j] - c.col(j).array());
  Eigen::ArrayXd sum = Eigen::ArrayXd::Zero(c.rows());
  for (Index j = 0; j < c.cols(); ++j) sum += clamped_exp((g[j] - c.col(j).array() - top) * inv);
  f = (p.epsilon() * (p.log_a().array() - sum.log()) - top).matrix();
}

/// g_j = epsilon (log b_j - LSE_i((f_i - C_ij) / epsilon)): the exact column update.
inline void log_update_columns(const EntropicProblem& p, const Eigen::VectorXd& f,
                               Eigen::VectorXd& g) {
  const Eigen::MatrixXd& c = p.cost();
  const double inv = 1.0 / p.epsilon();
  for (Index j = 0; j < c.cols(); ++j) {
    const auto shifted = f.array() - c.col(j).array();
    const double top = shifted.maxCoeff();
    const double sum = clamped_exp((shifted - top) * inv).sum();
    g[j] = p.epsilon() * (p.log_b()[j] - std::log(sum)) - top;
  }
}

/// K_ij = exp((f_i + g_j - C_ij) / epsilon).
inline void compute_kernel(const EntropicProblem& p, const Eigen::VectorXd& f,
                           const Eigen::VectorXd& g, Eigen::MatrixXd& kernel) {
  const Eigen::MatrixXd& c = p.cost();
  const double inv = 1.0 / p.epsilon();
  for (Index j = 0; j < c.cols(); ++j) {
    flushed_exp((f.array() + g[j] - c.col(j).array()) * inv, kernel.col(j).array());
  }
}

[[nodiscard]] inline bool positive_finite(const Eigen::VectorXd& v) {
  return v.allFinite() && v.minCoeff() > 0;
}

}  // namespace detail

/// Sinkhorn's algorithm as an `iterum::Method` over `EntropicProblem`. One iteration updates
/// the row scaling, then the column scaling (so column marginals are exact), then evaluates
/// the row marginals, which gives an exact certificate at the cost of the second product
/// every Sinkhorn iteration needs anyway.
class SinkhornMethod {
 public:
  using State = SinkhornState;

  /// Starts from f = g = 0.
  [[nodiscard]] State init(const EntropicProblem& p) const {
    return init(p, Eigen::VectorXd::Zero(p.a().size() + p.b().size()));
  }

  /// Warm start from support-sized potentials x0 = (f0; g0) (m + n entries, the layout of
  /// `iterate`): one exact log-domain row update and one column update make the first kernel
  /// safe whatever the start.
  [[nodiscard]] State init(const EntropicProblem& p, const Eigen::VectorXd& x0) const {
    const Index m = p.a().size();
    const Index n = p.b().size();
    check::size("iterum::ot::SinkhornMethod::init", "x0", x0.size(), m + n,
                "must have as many entries as the support of a and b together");
    Eigen::VectorXd f = x0.head(m);
    Eigen::VectorXd g = x0.tail(n);
    detail::log_update_rows(p, g, f);
    detail::log_update_columns(p, f, g);
    Eigen::MatrixXd kernel(m, n);
    detail::compute_kernel(p, f, g, kernel);
    return init_with_kernel(p, std::move(f), std::move(g), std::move(kernel));
  }

  /// Starts from potentials (f, g) whose kernel exp((f + g - C) / epsilon) the caller already
  /// holds (e.g. the plan of another method's state): no exponentials are recomputed.
  [[nodiscard]] State init_with_kernel(const EntropicProblem& p, Eigen::VectorXd f,
                                       Eigen::VectorXd g, Eigen::MatrixXd kernel) const {
    State s;
    s.u = Eigen::VectorXd::Ones(f.size());
    s.v = Eigen::VectorXd::Ones(g.size());
    s.f = std::move(f);
    s.g = std::move(g);
    s.kernel = std::move(kernel);
    s.epsilon = p.epsilon();
    update_products(p, s);
    return s;
  }

  /// The current potentials, stacked: (f + epsilon log u; g + epsilon log v), support-sized.
  [[nodiscard]] Eigen::VectorXd iterate(const State& s) const {
    Eigen::VectorXd x(s.f.size() + s.g.size());
    x.head(s.f.size()) = s.row_potentials();
    x.tail(s.g.size()) = s.column_potentials();
    return x;
  }

  /// One Sinkhorn iteration (no allocation unless an absorption or log-domain update runs).
  void step(const EntropicProblem& p, State& s) const {
    // Rows: u = a / (K v), in the log domain if some K v underflowed.
    if (detail::positive_finite(s.kv)) {
      s.u = p.a().cwiseQuotient(s.kv);
    } else {
      absorb(p, s);
      detail::log_update_rows(p, s.g, s.f);
      detail::compute_kernel(p, s.f, s.g, s.kernel);
    }
    // Columns: v = b / (K^T u).
    s.ktu.noalias() = s.kernel.transpose() * s.u;
    ++s.counters.matvecs;
    if (detail::positive_finite(s.ktu)) {
      s.v = p.b().cwiseQuotient(s.ktu);
    } else {
      absorb(p, s);
      detail::log_update_columns(p, s.f, s.g);
      detail::compute_kernel(p, s.f, s.g, s.kernel);
      s.ktu.noalias() = s.kernel.transpose() * s.u;
      ++s.counters.matvecs;
    }
    // Certificate: row sums u (K v) against a; column sums v (K^T u) against b.
    s.kv.noalias() = s.kernel * s.v;
    ++s.counters.matvecs;
    // Absorb scalings that drift far from 1, before they can overflow.
    constexpr double big = 1e50;
    const double extreme =
        std::max({s.u.maxCoeff(), s.v.maxCoeff(), 1.0 / s.u.minCoeff(), 1.0 / s.v.minCoeff()});
    if (!(extreme < big)) {
      absorb(p, s);
      refresh(p, s);
      return;
    }
    s.error = (s.u.cwiseProduct(s.kv) - p.a()).lpNorm<1>() +
              (s.v.cwiseProduct(s.ktu) - p.b()).lpNorm<1>();
  }

  /// Folds the scalings into the potentials and recomputes the kernel, its products and the
  /// error from them (m n exponentials): afterwards the error is that of the plan of the
  /// current potentials, free of kernel entries that underflowed before the scalings grew.
  void resync(const EntropicProblem& p, State& s) const {
    absorb(p, s);
    refresh(p, s);
  }

  /// The marginal error ||P 1 - a||_1 + ||P^T 1 - b||_1 of the current plan.
  [[nodiscard]] double residual(const EntropicProblem& /*p*/, const State& s) const {
    return s.error;
  }

  /// O(1): every update divides by, or exponentiates, quantities whose non-finiteness makes the
  /// error non-finite in the same step.
  [[nodiscard]] bool is_finite(const EntropicProblem& /*p*/, const State& s) const {
    return std::isfinite(s.error);
  }

 private:
  /// Folds the scalings into the potentials: f += eps log u, g += eps log v, u = v = 1. The
  /// kernel is stale afterwards; the caller recomputes it.
  static void absorb(const EntropicProblem& p, State& s) {
    s.f += p.epsilon() * s.u.array().log().matrix();
    s.g += p.epsilon() * s.v.array().log().matrix();
    s.u.setOnes();
    s.v.setOnes();
    ++s.absorptions;
  }

  /// Recomputes the kernel products and the error for (u, v) = (1, 1) after a kernel change.
  static void refresh(const EntropicProblem& p, State& s) {
    detail::compute_kernel(p, s.f, s.g, s.kernel);
    update_products(p, s);
  }

  /// K v, K^T u and the error for the current kernel and scalings.
  static void update_products(const EntropicProblem& p, State& s) {
    s.kv.noalias() = s.kernel * s.v;
    s.ktu.noalias() = s.kernel.transpose() * s.u;
    s.counters.matvecs += 2;
    s.error = (s.u.cwiseProduct(s.kv) - p.a()).lpNorm<1>() +
              (s.v.cwiseProduct(s.ktu) - p.b()).lpNorm<1>();
  }
};

namespace detail {

/// The stop rule of the entropic OT facades: a method's own marginal error (of a plan it
/// updates incrementally: rescaled, with underflowed entries) is only a claim; the driver
/// sees a value at most `tolerance` only when the certificate recomputed from the method's
/// potentials (`certify_plan`, the plan the facade returns) is. When the claim fails, the
/// method re-synchronizes its plan with its potentials (`resync(inner, problem, state)`) and
/// iterates on; a claim that keeps failing (rounding-level tolerances) is re-checked after 1,
/// 2, 4, ... iterations, the driver seeing the last certificate in between. Residuals are
/// reported times `unit` (the tolerance's units: the certificate is in the problem's).
template <class Inner, class Resync>
class CertifiedStop {
 public:
  struct State {
    typename Inner::State inner;
    double residual = std::numeric_limits<double>::infinity();   ///< what the driver sees
    double certified = std::numeric_limits<double>::infinity();  ///< last certificate
    Index iteration = 0;                                         ///< steps taken
    Index recheck_at = 0;     ///< no certificate before this iteration
    Index recheck_gap = 1;    ///< iterations to the next one after a failed claim
    Index certificates = 0;   ///< certificates evaluated (m n exponentials each)
    Index certified_at = -1;  ///< iteration of the last certificate
    PlanCertificate last{};   ///< the last certificate, in the problem's units
    Counters counters{};      ///< the inner method's
  };

  CertifiedStop(Inner inner, Resync resync, double tolerance, double unit)
      : inner_(std::move(inner)), resync_(std::move(resync)), tolerance_(tolerance), unit_(unit) {}

  /// The inner method's start, judged.
  [[nodiscard]] State init(const EntropicProblem& p) { return start(p, inner_.init(p)); }

  /// The inner method's warm start from support potentials x0 = (f0; g0), judged.
  [[nodiscard]] State init(const EntropicProblem& p, const Eigen::VectorXd& x0) {
    return start(p, inner_.init(p, x0));
  }

  /// Wraps an initialized inner state and judges its starting point.
  [[nodiscard]] State start(const EntropicProblem& p, typename Inner::State inner) {
    State s{std::move(inner)};
    judge(p, s);
    return s;
  }

  std::optional<Status> step(const EntropicProblem& p, State& s) {
    std::optional<Status> verdict;
    if constexpr (std::is_void_v<decltype(inner_.step(p, s.inner))>) {
      inner_.step(p, s.inner);
    } else {
      verdict = inner_.step(p, s.inner);
    }
    ++s.iteration;
    judge(p, s);
    return verdict;
  }

  [[nodiscard]] double residual(const EntropicProblem& /*p*/, const State& s) const {
    return s.residual;
  }

  [[nodiscard]] bool is_finite(const EntropicProblem& p, const State& s) const {
    return std::isfinite(s.residual) && inner_.is_finite(p, s.inner);
  }

  [[nodiscard]] Eigen::VectorXd iterate(const State& s) const { return inner_.iterate(s.inner); }

  [[nodiscard]] Inner& inner() noexcept { return inner_; }

 private:
  void judge(const EntropicProblem& p, State& s) {
    s.counters = s.inner.counters;
    const double claim = unit_ * static_cast<double>(inner_.residual(p, s.inner));
    if (!(claim <= tolerance_)) {
      s.residual = claim;
      return;
    }
    if (s.iteration < s.recheck_at) {
      s.residual = s.certified;
      return;
    }
    const Eigen::VectorXd x = inner_.iterate(s.inner);
    const Index m = p.a().size();
    s.last = certify_plan(p, x.head(m), x.tail(x.size() - m));
    s.certified = unit_ * s.last.marginal_error;
    s.certified_at = s.iteration;
    ++s.certificates;
    if (s.certified <= tolerance_ || !std::isfinite(s.certified)) {
      s.residual = s.certified;
      return;
    }
    resync_(inner_, p, s.inner);
    s.certified_at = -1;  // the potentials may have moved (absorbed scalings round)
    s.counters = s.inner.counters;
    const double fresh = unit_ * static_cast<double>(inner_.residual(p, s.inner));
    s.residual = fresh > tolerance_ ? fresh : s.certified;
    s.recheck_at = s.iteration + s.recheck_gap;
    s.recheck_gap =
        s.recheck_gap > std::numeric_limits<Index>::max() / 2 ? s.recheck_gap : 2 * s.recheck_gap;
  }

  Inner inner_;
  Resync resync_;
  double tolerance_;
  double unit_;
};

/// The support-sized warm start x0 = (f0; g0) from full-sized options, checked against the
/// marginals' sizes (zeros where absent), re-centred to (f0 + t; g0 - t) with equal means.
template <class Options>
Eigen::VectorXd warm_start(std::string_view function, const Options& o, const EntropicProblem& p,
                           Index m, Index n) {
  if (o.f0) check::size(function, "options.f0", o.f0->size(), m, "must have as many entries as a");
  if (o.g0) check::size(function, "options.g0", o.g0->size(), n, "must have as many entries as b");
  const auto rows = static_cast<Index>(p.rows().size());
  Eigen::VectorXd x0 = Eigen::VectorXd::Zero(rows + static_cast<Index>(p.cols().size()));
  if (o.f0) {
    for (std::size_t k = 0; k < p.rows().size(); ++k)
      x0[static_cast<Index>(k)] = (*o.f0)[p.rows()[k]];
  }
  if (o.g0) {
    for (std::size_t k = 0; k < p.cols().size(); ++k)
      x0[rows + static_cast<Index>(k)] = (*o.g0)[p.cols()[k]];
  }
  // The plan depends on f_i + g_j only: re-centre (f + t, g - t) so that the means of f and g
  // agree, and huge opposite offsets (f0 = 1e12, g0 = -1e12) cancel before any kernel is
  // evaluated instead of swallowing the digits that matter. Means of halves cannot overflow.
  if (o.f0 || o.g0) {
    const Index cols = x0.size() - rows;
    const double mean_f = (x0.head(rows).array() / static_cast<double>(rows)).sum();
    const double mean_g = (x0.tail(cols).array() / static_cast<double>(cols)).sum();
    const double t = 0.5 * mean_g - 0.5 * mean_f;
    x0.head(rows).array() += t;
    x0.tail(cols).array() -= t;
  }
  return x0;
}

/// Fills `out`'s OT fields from the stacked support potentials x = (f; g) of the unit-mass
/// problem, shifted back to the caller's scale. When the problem was not rescaled and the stop
/// rule certified these very potentials last (`stop`), that certificate is reused.
template <class Stop>
void certify(const UnitMassProblem& scaled, const EntropicProblem& caller, Eigen::VectorXd x,
             const Stop& stop, TransportResult& out) {
  const bool reuse = &scaled.problem() == &caller && stop.certified_at == stop.iteration;
  x.array() += scaled.shift();
  const Index m = caller.a().size();
  certify(caller, x.head(m), x.tail(x.size() - m), out, reuse ? &stop.last : nullptr);
}

/// The last word on a solve: `out` was certified from the potentials it returns, and that
/// certificate (`marginal_error / divisor`, in the tolerance's units) decides. A run that
/// stopped `Converged` on a certificate the returned potentials do not reproduce (e.g. a plan
/// of mass 1e-320, whose entries underflow) ends `NumericalIssue`; one whose budget ran out
/// exactly when its potentials met the tolerance ends `Converged`. `residual` becomes that
/// certificate.
template <class State>
void judge_by_certificate(Result<State>& run, const TransportResult& out, double tolerance,
                          double divisor) {
  const double certificate = out.marginal_error / divisor;
  const bool met = certificate <= tolerance;
  if (run.status == Status::Converged && !met) run.status = Status::NumericalIssue;
  if ((run.status == Status::MaxIterations || run.status == Status::TimeLimit) && met) {
    run.status = Status::Converged;
  }
  run.residual = certificate;
}

/// Re-synchronizes a Sinkhorn state for `CertifiedStop`.
struct ResyncSinkhorn {
  void operator()(const SinkhornMethod& method, const EntropicProblem& p, SinkhornState& s) const {
    method.resync(p, s);
  }
};

}  // namespace detail

/// Entropic optimal transport between `a` and `b` for cost `c` by stabilized Sinkhorn.
///
/// Solves min <C, P> + epsilon sum_ij P_ij (log P_ij - 1) subject to P 1 = a, P^T 1 = b.
/// @param a        m marginal, nonnegative, finite (zeros allowed)
/// @param b        n marginal, nonnegative, finite, same total mass as a (1e-12 relative)
/// @param c        m x n cost, finite; must outlive `result.plan()`
/// @param epsilon  regularization > 0 (POT's `reg`; Tang et al.'s eta = 1 / epsilon)
/// @param options  control fields (`tolerance`, `max_iterations`, `time_limit_seconds`,
///                 `monitor`), then the warm start `f0`, `g0`
/// @return potentials f, g, `marginal_error` (recomputed from f, g), `transport_cost`,
///         `dual_value`, status, iterations, seconds (entry to return), counters (matvecs =
///         products with K), `history` (if `options.monitor.record_history`), `plan()`. Never
///         throws for non-convergence: read `status`.
/// @throws iterum::invalid_argument for empty, negative, non-finite or mismatched input,
///         unequal masses, epsilon <= 0, or bad options.
[[nodiscard]] inline TransportResult sinkhorn(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                              const Eigen::MatrixXd& c, double epsilon,
                                              const SinkhornOptions& options = {}) {
  constexpr std::string_view function = "iterum::ot::sinkhorn";
  const Stopwatch clock;
  options.validate(function);
  const EntropicProblem caller(a, b, c, epsilon, function);
  if (options.epsilon_scaling) {
    const auto stage = [&](double stage_epsilon, const SinkhornOptions& stage_options) {
      return sinkhorn(a, b, c, stage_epsilon, stage_options);
    };
    return detail::epsilon_scaled(function, epsilon, detail::cost_range(caller),
                                  default_max_iterations(caller.a().size(), caller.b().size()),
                                  options, *options.epsilon_scaling, stage, clock);
  }
  const detail::UnitMassProblem scaled(caller, a, b, c, function);
  const EntropicProblem& problem = scaled.problem();
  Eigen::VectorXd x0 = detail::warm_start(function, options, caller, a.size(), b.size());
  x0.array() -= scaled.shift();
  // The status is decided by the certificate of the returned potentials (detail::CertifiedStop).
  detail::CertifiedStop method(SinkhornMethod{}, detail::ResyncSinkhorn{}, options.tolerance,
                               scaled.unit(options.tolerance_kind));
  auto run = solve_with_options(problem, method, method.init(problem, x0), options,
                                default_max_iterations(problem.a().size(), problem.b().size()),
                                function, clock);
  TransportResult out;
  out.sinkhorn_iterations = run.iterations;
  detail::certify(scaled, caller, method.iterate(run.state), run.state, out);
  detail::judge_by_certificate(run, out, options.tolerance, scaled.divisor(options.tolerance_kind));
  pack_summary(out, run, clock);
  return out;
}

/// Deleted: the result's `plan()` reads `c`, so `c` must not be a temporary.
TransportResult sinkhorn(const Eigen::VectorXd& a, const Eigen::VectorXd& b, Eigen::MatrixXd&& c,
                         double epsilon, const SinkhornOptions& options = {}) = delete;

}  // namespace iterum::ot
