#pragma once

/// @file lsqr.hpp
/// @brief LSQR for min ||A x - b|| (A rectangular, dense, sparse or an `AdjointOperator`): the
/// method (`LsqrMethod`), the `LinearSolver` model (`Lsqr`), the facade
/// `iterum::linalg::lsqr(A, b[, x0[, right_preconditioner]], options)` and the certificate
/// `least_squares_certificate`.
///
/// Algorithm: Paige & Saunders, "LSQR: An algorithm for sparse linear equations and sparse least
/// squares", ACM TOMS 8(1), 1982: Golub–Kahan bidiagonalization, the QR update of the
/// bidiagonal ("Algorithm LSQR"), the damped variant (one extra plane rotation per
/// step eliminates damp), the estimates of ||A||_F, ||r|| and ||A^T r||
/// and the stopping rules S1 and S2, used here with atol = btol =
/// tolerance. A warm start x0 solves for the correction (A dx = b - A x0). With a right
/// preconditioner P = R^{-1} the iteration runs on A R^{-1} and x = x0 + R^{-1} y, the stable
/// form of sketch-and-precondition (Meier, Nakatsukasa, Townsend & Webb, arXiv 2302.07202,
/// unpreconditioned LSQR on A R^{-1}, warm-started from a good point).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
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
#include "iterum/core/solve.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/solver_model.hpp"
#include "iterum/linalg/detail/system_input.hpp"
#include "iterum/linalg/least_squares_system.hpp"
#include "iterum/linalg/operators.hpp"
#include "iterum/linalg/right_preconditioned_operator.hpp"

namespace iterum::linalg {

/// What LSQR's `residual` (and its stop test) measures.
enum class LsqrCertificate {
  /// min( ||rbar|| / (||b|| + ||Abar|| ||x||), ||Abar^T rbar|| / (||Abar|| ||rbar||) ): Paige and
  /// Saunders' stopping rules S1 (a consistent system solved to a backward error) and S2 (a
  /// least-squares solution: the residual is nearly orthogonal to the range of A), with
  /// Abar = [A; damping I], rbar = [b - A x; -damping x] and ||.|| of A the Frobenius norm.
  LeastSquares,
  /// ||b - A x|| / ||b||: the relative residual of a consistent system (the `LinearSolver`
  /// contract; it cannot reach the tolerance when b is not in the range of A).
  Residual,
};

/// Options of `lsqr` and `Lsqr`: the control fields (core/options.hpp), then LSQR's own.
struct LsqrOptions {
  /// Stop when the certificate (`certificate`) is at most this.
  double tolerance = 1e-10;
  /// Iteration budget; unset means max(2 n, 20) for n columns.
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, residual history, user callback.
  Monitor monitor{};
  /// Solves min ||A x - b||^2 + damping^2 ||x||^2 (Tikhonov); 0: plain least squares.
  double damping = 0.0;
  /// What the facade's `residual` measures; the `Lsqr` solver always uses `Residual` (the
  /// `LinearSolver` contract) and ignores this field.
  LsqrCertificate certificate = LsqrCertificate::LeastSquares;

  /// Throws `iterum::invalid_argument` for bad control fields or a negative or non-finite
  /// `damping`.
  void validate(std::string_view function = "iterum::linalg::LsqrOptions::validate") const {
    validate_control(function, *this);
    check::nonnegative(function, "options.damping", damping);
    check::finite(function, "options.damping", damping);
  }

  /// The iteration budget for n unknowns.
  [[nodiscard]] Index iteration_budget(Index n) const noexcept {
    return iterum::iteration_budget(*this, (std::max)(Index{2} * n, Index{20}));
  }
};

/// The iterate of `LsqrMethod`: x, the bidiagonalization vectors and the recurrences' scalars.
template <class Scalar>
struct LsqrState {
  Vector<Scalar> x;      ///< current solution estimate (x0 + the correction built so far)
  Vector<Scalar> u;      ///< left Lanczos vector (m)
  Vector<Scalar> v;      ///< right Lanczos vector (n)
  Vector<Scalar> w;      ///< search direction (n)
  Vector<Scalar> av;     ///< workspace A v (m)
  Vector<Scalar> atu;    ///< workspace A^T u (n)
  Scalar alpha = 0;      ///< alpha_k of the bidiagonal
  Scalar beta = 0;       ///< beta_k of the bidiagonal
  Scalar rho_bar = 0;    ///< rho_bar_k of the QR update
  Scalar phi_bar = 0;    ///< phi_bar_k (= ||r|| without damping)
  double a_norm2 = 0.0;  ///< the estimate of ||Abar||_F^2 (Frobenius norm of B_k)
  double damped2 = 0.0;  ///< sum of psi^2: the damping part of ||rbar||^2
  double r_norm = 0.0;   ///< estimate of ||rbar||
  double ar_norm = 0.0;  ///< estimate of ||Abar^T rbar||
  double x_norm = 0.0;   ///< ||x||
  double b_norm = 0.0;   ///< ||b||
  Counters counters{};
};

/// LSQR (Paige & Saunders 1982, Algorithm LSQR with damping) as an
/// `iterum::Method` over `LeastSquaresSystem<Op>`, `Op` an `AdjointOperator`.
template <class Scalar>
class LsqrMethod {
 public:
  using State = LsqrState<Scalar>;

  /// The method's settings.
  struct Params {
    double damping = 0.0;                                         ///< see `LsqrOptions::damping`
    LsqrCertificate certificate = LsqrCertificate::LeastSquares;  ///< what `residual` returns
  };

  explicit LsqrMethod(Params params = {}) : params_(params) {}

  /// Starts from x = 0.
  template <class Op>
  [[nodiscard]] State init(const LeastSquaresSystem<Op>& problem) const {
    return init(problem, Vector<Scalar>::Zero(problem.a.cols()));
  }

  /// Starts from `x0` (a warm start: the iteration builds the correction).
  template <class Op>
  [[nodiscard]] State init(const LeastSquaresSystem<Op>& problem, const Vector<Scalar>& x0) const {
    State state;
    restart(problem, x0, state);
    return state;
  }

  /// Re-initializes `state` in place from `x0`, reusing its buffers.
  template <class Op>
  void restart(const LeastSquaresSystem<Op>& problem, const Vector<Scalar>& x0,
               State& state) const {
    const Index m = problem.a.rows();
    const Index n = problem.a.cols();
    check::size("iterum::linalg::LsqrMethod::restart", "x0", x0.size(), n,
                "must have as many entries as A has columns");
    state.x = x0;
    state.u.resize(m);
    state.v.resize(n);
    state.w.resize(n);
    state.av.resize(m);
    state.atu.resize(n);
    state.counters = {};
    // beta_1 u_1 = b - A x0, alpha_1 v_1 = A^T u_1 (Paige & Saunders 1982); no product
    // for x0 = 0.
    if (state.x.isZero(0)) {
      state.u = problem.b;
    } else {
      problem.a.apply(state.x, state.av);
      state.u = problem.b - state.av;
      ++state.counters.matvecs;
    }
    state.beta = state.u.norm();
    if (state.beta > 0) state.u /= state.beta;
    problem.a.apply_adjoint(state.u, state.v);
    ++state.counters.matvecs;
    state.alpha = state.v.norm();
    if (state.alpha > 0) state.v /= state.alpha;
    state.w = state.v;
    state.rho_bar = state.alpha;
    state.phi_bar = state.beta;
    const double damping2 = params_.damping * params_.damping;
    state.a_norm2 = static_cast<double>(state.alpha * state.alpha);
    state.damped2 = 0.0;
    state.x_norm = static_cast<double>(state.x.norm());
    // With a warm start the damped residual includes damping^2 ||x0||^2.
    state.r_norm = std::sqrt(static_cast<double>(state.beta * state.beta) +
                             damping2 * state.x_norm * state.x_norm);
    state.ar_norm = static_cast<double>(state.alpha * state.beta);
    state.b_norm = static_cast<double>(problem.b.norm());
  }

  /// One LSQR iteration (no allocation): two products (A v, A^T u), two plane rotations, the
  /// update of x and w. Returns `Status::Breakdown` when the bidiagonal is singular.
  template <class Op>
  std::optional<Status> step(const LeastSquaresSystem<Op>& problem, State& s) const {
    const auto damping = static_cast<Scalar>(params_.damping);
    // Bidiagonalization: beta u = A v - alpha u, alpha v = A^T u - beta v.
    problem.a.apply(s.v, s.av);
    s.u = s.av - s.alpha * s.u;
    s.beta = s.u.norm();
    if (s.beta > 0) s.u /= s.beta;
    problem.a.apply_adjoint(s.u, s.atu);
    s.v = s.atu - s.beta * s.v;
    s.alpha = s.v.norm();
    if (s.alpha > 0) s.v /= s.alpha;
    s.counters.matvecs += 2;
    s.a_norm2 += static_cast<double>(s.beta * s.beta + damping * damping + s.alpha * s.alpha);
    // Eliminate the damping, then the subdiagonal beta (Paige & Saunders 1982).
    const Scalar rho_bar1 = std::hypot(s.rho_bar, damping);
    if (!(rho_bar1 > 0))
      return std::isfinite(rho_bar1) ? Status::Breakdown : Status::NumericalIssue;
    const Scalar c1 = s.rho_bar / rho_bar1;
    const Scalar s1 = damping / rho_bar1;
    const Scalar psi = s1 * s.phi_bar;
    s.phi_bar = c1 * s.phi_bar;
    const Scalar rho = std::hypot(rho_bar1, s.beta);
    const Scalar c = rho_bar1 / rho;
    const Scalar sn = s.beta / rho;
    const Scalar theta = sn * s.alpha;
    s.rho_bar = -c * s.alpha;
    const Scalar phi = c * s.phi_bar;
    s.phi_bar = sn * s.phi_bar;
    // x += (phi / rho) w, w = v - (theta / rho) w.
    s.x += (phi / rho) * s.w;
    s.w = s.v - (theta / rho) * s.w;
    // Estimates of the norms (Paige & Saunders 1982): ||rbar||^2 = phi_bar^2 + sum psi^2, ||Abar^T
    // rbar|| = alpha_{k+1} |c_k phi_bar_k| (= alpha_{k+1} |sn phi| before the update of phi_bar).
    s.damped2 += static_cast<double>(psi * psi);
    s.r_norm = std::sqrt(static_cast<double>(s.phi_bar * s.phi_bar) + s.damped2);
    s.ar_norm = static_cast<double>(s.alpha * std::abs(sn * phi));
    s.x_norm = static_cast<double>(s.x.norm());
    return std::nullopt;
  }

  /// The certificate chosen in `Params` from the recurrences' estimates (no product).
  template <class Op>
  [[nodiscard]] double residual(const LeastSquaresSystem<Op>& /*problem*/, const State& s) const {
    if (params_.certificate == LsqrCertificate::Residual) {
      return s.b_norm > 0 ? s.r_norm / s.b_norm : s.r_norm;
    }
    return certificate(std::sqrt(s.a_norm2), s.b_norm, s.x_norm, s.r_norm, s.ar_norm);
  }

  /// min(S1, S2) of Paige & Saunders' stopping criteria with atol = btol, from the norms it reads:
  /// 0 when the residual or A^T r vanishes, infinity while ||A|| is still unknown.
  [[nodiscard]] static double certificate(double a_norm, double b_norm, double x_norm,
                                          double r_norm, double ar_norm) noexcept {
    if (r_norm == 0 || ar_norm == 0) return 0.0;
    const double consistent = r_norm / (b_norm + a_norm * x_norm);
    const double least_squares =
        a_norm > 0 ? ar_norm / (a_norm * r_norm) : std::numeric_limits<double>::infinity();
    const double best = (std::min)(consistent, least_squares);
    return std::isnan(best) ? std::numeric_limits<double>::infinity() : best;
  }

  /// O(1) finiteness test: x changes by (phi / rho) w, and a non-finite product makes the
  /// estimates non-finite in the same step.
  template <class Op>
  [[nodiscard]] bool is_finite(const LeastSquaresSystem<Op>& /*problem*/, const State& s) const {
    return std::isfinite(s.r_norm) && std::isfinite(s.ar_norm) && std::isfinite(s.x_norm);
  }

  [[nodiscard]] const Params& params() const noexcept { return params_; }

 private:
  Params params_;
};

/// Paige and Saunders' certificate (see `LsqrCertificate::LeastSquares`) recomputed from x with
/// two products: min(||rbar|| / (||b|| + ||Abar|| ||x||), ||Abar^T rbar|| / (||Abar|| ||rbar||)),
/// rbar = [b - A x; -damping x], ||Abar|| = sqrt(a_norm^2 + damping^2), `a_norm` the norm of A
/// the caller measures (the Frobenius norm for the facades). It is 0 when A x = b exactly
/// (no 0/0), and it is what `lsqr` and `sketch::lstsq` report as `residual`.
template <class Op, class Scalar = typename Op::Scalar>
requires AdjointOperator<Op>
[[nodiscard]] double least_squares_certificate(const Op& a, double a_norm, const Vector<Scalar>& b,
                                               const Vector<Scalar>& x, double damping = 0.0) {
  Vector<Scalar> r(a.rows());
  a.apply(x, r);
  r = b - r;
  Vector<Scalar> g(a.cols());
  a.apply_adjoint(r, g);
  const auto d2 = static_cast<Scalar>(damping * damping);
  if (damping > 0) g -= d2 * x;
  const double x_norm = static_cast<double>(x.norm());
  const double r_norm =
      std::sqrt(static_cast<double>(r.squaredNorm()) + damping * damping * x_norm * x_norm);
  const double abar = std::sqrt(a_norm * a_norm + damping * damping);
  return LsqrMethod<Scalar>::certificate(abar, static_cast<double>(b.norm()), x_norm, r_norm,
                                         static_cast<double>(g.norm()));
}

namespace detail {

/// The identity as a right preconditioner (no preconditioning).
struct NoRightPreconditioner {};

/// The Frobenius norm of an Eigen matrix; for a user operator the estimate `fallback`.
template <class A>
double frobenius_norm_or(const A& a, double fallback) {
  if constexpr (is_dense_matrix_v<A> || is_sparse_matrix_v<A>) {
    return static_cast<double>(a.norm());
  } else {
    return fallback;
  }
}

/// ||A||_2 estimated by power iteration on A^T A (`steps` steps, 2 products each), a lower
/// bound of ||A||_F: the norm a preconditioned solve on a user operator certifies with.
template <class Op>
double power_norm_estimate(const Op& a, int steps, Counters& counters) {
  using Scalar = typename Op::Scalar;
  Vector<Scalar> x = Vector<Scalar>::Ones(a.cols());
  Vector<Scalar> y(a.rows());
  double sigma = 0.0;
  for (int k = 0; k < steps; ++k) {
    const Scalar nx = x.norm();
    if (!(nx > 0)) break;
    x /= nx;
    a.apply(x, y);
    sigma = static_cast<double>(y.norm());
    a.apply_adjoint(y, x);
    counters.matvecs += 2;
  }
  return sigma;
}

/// The body of the `lsqr` facades: LSQR on A (or A R^{-1}) from x0, restarted from the current
/// x (at most twice) when its estimates said "converged" but the certificate recomputed from x
/// does not meet the tolerance (the recurrences drift from the true residual in floating
/// point); `Converged` only when the recomputed certificate meets the tolerance.
template <class Scalar, class Op, class P>
Solution<Scalar> run_lsqr(const Op& op, const P* preconditioner, double a_norm_exact,
                          const Vector<Scalar>& b, const Vector<Scalar>& x0,
                          const LsqrOptions& options, const Stopwatch& clock,
                          std::string_view label) {
  constexpr bool preconditioned = !std::is_same_v<P, NoRightPreconditioner>;
  const Index n = op.cols();
  const Index budget = options.iteration_budget(n);
  LsqrMethod<Scalar> method({.damping = options.damping, .certificate = options.certificate});
  Vector<Scalar> x = x0;
  Result<LsqrState<Scalar>> total;
  total.status = Status::MaxIterations;
  Counters extra{};
  double a_norm = a_norm_exact;
  if constexpr (preconditioned) {
    if (a_norm_exact <= 0) a_norm = power_norm_estimate(op, 8, extra);
  }
  const double damping = options.damping;
  auto recompute = [&](const Vector<Scalar>& point) {
    if (options.certificate == LsqrCertificate::Residual) {
      return relative_residual<NormKind::Plain>(op, b, point);
    }
    return least_squares_certificate(op, a_norm, b, point, damping);
  };
  for (int attempt = 0; attempt < 3; ++attempt) {
    LsqrOptions pass = options;
    pass.max_iterations = budget - total.iterations;
    Result<LsqrState<Scalar>> result;
    if constexpr (preconditioned) {
      // LSQR on A R^{-1} y = r0 from y = 0; x = x0 + R^{-1} y.
      Vector<Scalar> r0(op.rows());
      op.apply(x, r0);
      r0 = b - r0;
      ++extra.matvecs;
      const RightPreconditionedOperator<Op, P> ar(op, *preconditioner);
      const LeastSquaresSystem<RightPreconditionedOperator<Op, P>> system{ar, r0};
      auto state = method.init(system);
      result = solve_with_options(system, method, std::move(state), pass, budget, label, clock);
      Vector<Scalar> dx(n);
      preconditioner->apply(result.state.x, dx);
      x += dx;
    } else {
      const LeastSquaresSystem<Op> system{op, b};
      auto state = method.init(system, x);
      result = solve_with_options(system, method, std::move(state), pass, budget, label, clock);
      x = result.state.x;
      if (a_norm_exact <= 0) {
        // A user operator: LSQR's estimate of ||A||_F (||B_k||_F, a lower bound), without the
        // damping^2 each step adds to it.
        const double k = static_cast<double>(result.iterations);
        a_norm = (std::max)(
            a_norm, std::sqrt((std::max)(0.0, result.state.a_norm2 - k * damping * damping)));
      }
    }
    total.iterations += result.iterations;
    total.counters += result.counters;
    total.status = result.status;
    total.residual = result.residual;
    for (double h : result.history) total.history.push_back(h);
    if (result.status != Status::Converged) break;
    const double certified = recompute(x);
    total.residual = certified;
    if (certified <= options.tolerance) break;
    total.status = Status::Stalled;
    if (total.iterations >= budget) break;
  }
  if (total.status != Status::Converged && x.allFinite()) {
    // Report the certificate of the returned x, never an estimate of another point.
    total.residual = recompute(x);
  }
  total.counters += extra;
  Solution<Scalar> out;
  out.x = std::move(x);
  pack_summary(out, total, clock);
  return out;
}

}  // namespace detail

/// LSQR as a `LinearSolver` model for A x = b (A square or rectangular with b in its range),
/// for use as the inner solver of other methods. The operand `A` is an `AdjointOperator`, an
/// `Eigen::SparseMatrix` or a dense `Eigen::Matrix`. Its certificate is the relative residual
/// ||b - A x|| / ||b|| (the `LinearSolver` contract), confirmed on the returned x; `damping`
/// applies, `certificate` is ignored. For least squares proper use the facade `lsqr`.
template <class A>
class Lsqr {
 public:
  using Scalar = typename A::Scalar;
  /// The operator the iterations apply.
  using Op = std::conditional_t<detail::is_dense_matrix_v<A> || detail::is_sparse_matrix_v<A>,
                                MatrixOperator<A>, A>;

  explicit Lsqr(LsqrOptions options = {}) : options_(std::move(options)) {
    options_.validate("iterum::linalg::Lsqr");
    options_.certificate = LsqrCertificate::Residual;
  }

  /// Prepares for `a` (any shape), which must outlive the following solves.
  Status compute(const A& a) {
    check::not_empty("iterum::linalg::Lsqr::compute", "A", a.rows());
    check::not_empty("iterum::linalg::Lsqr::compute", "A", a.cols());
    operand_.bind(a);
    return Status::Converged;
  }
  Status compute(A&&) = delete;

  /// Solves A x = b from the initial guess in x.
  Summary solve(const Vector<Scalar>& b, Vector<Scalar>& x) {
    const Op* op = operand_.get();
    detail::check_solve_arguments("iterum::linalg::Lsqr::solve", op, b, x);
    const Stopwatch clock;
    return detail::take_solution(
        detail::run_lsqr<Scalar>(*op, static_cast<const detail::NoRightPreconditioner*>(nullptr),
                                 0.0, b, x, options_, clock, "iterum::linalg::Lsqr"),
        x);
  }

  /// Sets the relative-residual tolerance of the following solves.
  void set_tolerance(double tolerance) {
    detail::set_tolerance("iterum::linalg::Lsqr::set_tolerance", options_, tolerance);
  }

  /// Sets the iteration budget of the following solves (unset: max(2 n, 20)): the optional
  /// work-budget extension of `LinearSolver`.
  void set_max_iterations(std::optional<Index> max_iterations) {
    detail::set_max_iterations("iterum::linalg::Lsqr::set_max_iterations", options_,
                               max_iterations);
  }

  [[nodiscard]] const LsqrOptions& options() const noexcept { return options_; }

 private:
  LsqrOptions options_;
  detail::SolverOperand<A, Op> operand_;
};

/// What `lsqr` returns: `x` and the summary; `residual` is the certificate of
/// `options.certificate` recomputed from the returned x.
template <class Scalar>
using LsqrResult = Solution<Scalar>;

namespace detail {

template <class A, class B, class X0, class P>
auto lsqr_impl(const A& a, const B& b, const X0* x0, const P* preconditioner,
               const LsqrOptions& options) {
  constexpr std::string_view function = "iterum::linalg::lsqr";
  const Stopwatch clock;
  using Scalar = typename A::Scalar;
  options.validate(function);
  const auto input = check_system_input<SystemShape::Any>(function, a, b, x0);
  if constexpr (!std::is_same_v<P, NoRightPreconditioner>) {
    check::size(function, "right_preconditioner", preconditioner->rows(), a.cols(),
                "must have as many rows as A has columns");
    check::not_empty(function, "right_preconditioner", preconditioner->cols());
  }
  const double a_norm = frobenius_norm_or(a, 0.0);
  return with_operator(a, [&](const auto& op) {
    return run_lsqr<Scalar>(op, preconditioner, a_norm, input.b, input.x0, options, clock,
                            function);
  });
}

template <class A>
constexpr bool check_lsqr_operand() {
  constexpr bool ok = is_dense_matrix_v<A> || is_sparse_matrix_v<A> || AdjointOperator<A>;
  static_assert(ok,
                "iterum::linalg::lsqr: A must be an Eigen dense or sparse matrix or model "
                "iterum::AdjointOperator (Scalar, rows(), cols(), apply(x, y), "
                "apply_adjoint(y, x)); see docs/concepts.md#linearoperator");
  return ok;
}

}  // namespace detail

/// Solves min ||A x - b|| (or min ||A x - b||^2 + damping^2 ||x||^2) by LSQR.
///
/// @param a        m by n matrix of any shape: an Eigen dense or sparse matrix (expressions are
///                 evaluated once) or any `AdjointOperator`.
/// @param b        m by 1 right-hand side.
/// @param options  tolerance, budgets, damping, certificate, monitoring.
/// @return `x`, `status`, `iterations`, `residual` (the certificate, recomputed from x with two
///         uncounted products: `Converged` only when it meets the tolerance), `seconds`,
///         `counters`, `history`. ||A|| is the Frobenius norm for Eigen matrices and LSQR's
///         estimate of it for operators.
/// @throws iterum::invalid_argument for an empty A, a size mismatch, a non-finite entry in A,
///         b or x0, or bad options.
///
/// Example:
/// @code
///   Eigen::MatrixXd A = Eigen::MatrixXd::Random(500, 20);
///   Eigen::VectorXd b = Eigen::VectorXd::Random(500);
///   auto r = iterum::linalg::lsqr(A, b, {.tolerance = 1e-12});
///   if (r.ok()) use(r.x);
/// @endcode
template <class A, class B>
[[nodiscard]] auto lsqr(const A& a, const B& b, const LsqrOptions& options = {}) {
  constexpr bool valid = detail::check_lsqr_operand<A>();
  if constexpr (valid) {
    return detail::lsqr_impl(a, b, static_cast<const B*>(nullptr),
                             static_cast<const detail::NoRightPreconditioner*>(nullptr), options);
  } else {
    return Summary{};
  }
}

/// As above, starting from the initial guess `x0` (n by 1) instead of zero.
template <class A, class B, class X0>
requires(!std::is_same_v<X0, LsqrOptions>)
    [[nodiscard]] auto lsqr(const A& a, const B& b, const X0& x0, const LsqrOptions& options = {}) {
  constexpr bool valid = detail::check_lsqr_operand<A>();
  if constexpr (valid) {
    return detail::lsqr_impl(a, b, &x0, static_cast<const detail::NoRightPreconditioner*>(nullptr),
                             options);
  } else {
    return Summary{};
  }
}

/// As above, right-preconditioned: LSQR runs on A N for the correction from `x0`, where
/// `right_preconditioner` N (an `AdjointOperator`, n by k, k <= n) applies N and N^T: N = R^{-1}
/// for an n by n R, e.g. a
/// `TriangularPreconditioner` built from the R factor of a sketch S A (sketch-and-precondition),
/// or N = V_r Sigma_r^{-1} from an SVD of the sketch when A is rank deficient (LSRN).
/// The stop test reads the estimates of the preconditioned problem; the certificate is
/// recomputed on A itself (for a user operator with the norm estimated by 8 power steps,
/// counted in `counters.matvecs`).
template <class A, class B, class X0, class P>
requires AdjointOperator<P>
[[nodiscard]] auto lsqr(const A& a, const B& b, const X0& x0, const P& right_preconditioner,
                        const LsqrOptions& options = {}) {
  constexpr bool valid = detail::check_lsqr_operand<A>();
  if constexpr (valid) {
    return detail::lsqr_impl(a, b, &x0, &right_preconditioner, options);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::linalg
