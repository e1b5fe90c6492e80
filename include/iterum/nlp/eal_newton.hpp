#pragma once

/// @file eal_newton.hpp
/// @brief `EalNewton<KktSolver>`: inexact Newton (SQP) with an exact augmented Lagrangian merit
/// function for min f(x) s.t. c(x) = 0, as an `iterum::Method` over an
/// `EqualityConstrainedProblem` (its settings `EalParams`, its state `EalState`). The facade
/// `iterum::nlp::solve_equality_constrained` is in solve_equality_constrained.hpp.
///
/// Algorithm: I. Hong, S. Na, M. W. Mahoney & M. Kolar, "Constrained Optimization via Exact
/// Augmented Lagrangian and Randomized Iterative Sketching", ICML 2023, arXiv 2305.18379
/// (Algorithm 1, "AdaSketch-Newton"), with the constants of the authors' code
/// (github.com/IlgeeHong/AdaSketch-Newton) as recorded in the team's study
/// (research/sketching.md Sec. 1.7). At iterate (x_t, lambda_t), with G = jacobian of c,
/// grad_x L = grad f + G^T lambda, H = hess_x L and grad L = (grad_x L, c):
///
/// 1. B = H, or B = H + (xi_B + ||H||) I when the reduced Hessian Z^T H Z (Z a basis of null G)
///    has an eigenvalue below `reduced_hessian_threshold` (the Hessian modification);
/// 2. the Newton (KKT) system  K dz = -grad L,  K = [B G^T; G 0]  (the paper's eq. (6)) is
///    solved by the `KktSolver` policy to the adaptive accuracy
///      paper rule:      ||K|| psi ||K z - b|| <= theta_t delta ||b||     (the paper's eq. (12)),
///      practical rule:  ||K z - b|| <= eta theta_t ||b||,
///    psi = 20 max(||B||^2, 1) / (min(xi_G, 1) min(xi_B, 1)) (a bound on ||K^{-1}||, xi_G =
///    lambda_min(G G^T)), delta = max(min(delta, delta_trial), delta_min),
///    delta_trial = (0.5 - beta) nu / ((1 + mu + nu) Upsilon^2 psi^2), Upsilon = max(||G||,
///    ||H||, 1); theta_t = 1 (linear mode) or min(1, ||grad L_t||) (superlinear mode);
///    when the policy misses the accuracy (its budget ran out, a breakdown), the system is
///    solved again by a dense LU of K (a fallback, counted in the state);
/// 3. the exact augmented Lagrangian (the paper's eq. (4))
///      L_{mu,nu}(x, lambda) = f + lambda^T c + (mu/2) ||c||^2 + (nu/2) ||grad_x L||^2,
///      grad_x L_{mu,nu} = grad_x L + mu G^T c + nu H grad_x L,
///      grad_lambda L_{mu,nu} = c + nu G grad_x L,
///    must decrease along dz: while grad L_{mu,nu}^T dz > -(nu/2) ||grad L||^2, mu <- rho^2 mu,
///    nu <- nu / rho, delta <- max(min(delta / rho^4, delta_trial), delta_min) and (paper rule)
///    the solve is continued from dz to the tighter accuracy (the paper's penalty step, Sec. 3);
///    under the practical rule its tolerance shrinks by the same 1 / rho^4 (a deviation, see
///    below); once mu > mu_max or nu < nu_min (the code's safeguard) the loop ends, and an
///    inexact direction that still fails the test is replaced by the dense-LU one;
/// 4. Armijo backtracking on L_{mu,nu} from alpha = 1, halving, with constant beta (the paper's
///    eq. (14)); (x, lambda) += alpha dz.
///
/// Deviations: the norms and eigenvalues of step 1 and of psi are dense eigen-solves, O(n^3) per
/// step (the study's advice is a few power or Lanczos steps; this first version targets small
/// dense problems), and step() allocates (the factorizations and the eigen-solves). The line
/// search gives up after `max_backtracks` halvings and ends the solve `Stalled`. The practical
/// rule of the study keeps eta fixed through the penalty loop; then a sketched direction that
/// meets ||K z - b|| <= 0.1 ||b|| but fails the descent test only raises mu, and on HS27 with
/// randomized Kaczmarz mu reached 1.3e8 and the run did not converge in 1000 iterations
/// (bench/nlp/eal_trace.cpp, before this change); sharpening eta with delta and the exact
/// direction at the safeguard fix it. Where the Armijo test is below the round-off of the merit
/// function, a step that lowers the KKT residual is accepted (see step()).

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"

namespace iterum::nlp {

/// How accurately `EalNewton` solves each Newton (KKT) system.
enum class AccuracyRule {
  Practical,  ///< ||K z - b|| <= eta theta_t ||b|| (the study's practical rule)
  Paper,      ///< ||K|| psi ||K z - b|| <= theta_t delta ||b|| (arXiv 2305.18379, eq. (12))
};

/// The settings of `EalNewton` (the defaults are the authors' code's, research/sketching.md
/// Sec. 1.7).
struct EalParams {
  AccuracyRule accuracy = AccuracyRule::Practical;
  /// eta of the practical rule, in (0, 1).
  double eta = 0.1;
  /// theta_t = min(1, ||grad L_t||) instead of 1: superlinear local rate (the paper's Sec. 4).
  bool superlinear = false;
  /// Initial penalty mu_0 (> 0) and weight nu_0 (> 0) of the merit function.
  double mu0 = 1.0;
  double nu0 = 0.1;
  /// Initial and smallest accuracy parameter delta of the paper rule, in (0, 1].
  double delta0 = 0.1;
  double delta_min = 1e-6;
  /// Armijo constant beta, in (0, 0.5).
  double beta = 0.1;
  /// Penalty growth rho (> 1): mu <- rho^2 mu, nu <- nu / rho.
  double rho = 1.5;
  /// Shift xi_B of the Hessian modification (> 0), also the xi_B of psi.
  double xi_b = 0.1;
  /// The Hessian is modified when lambda_min(Z^T H Z) is below this.
  double reduced_hessian_threshold = 1e-6;
  /// Safeguards of the penalty loop: accept the direction once mu > mu_max or nu < nu_min.
  double mu_max = 1e8;
  double nu_min = 1e-8;
  /// Halvings of the line search before the solve ends `Stalled`.
  Index max_backtracks = 60;
  /// The constraints are declared degenerate (LICQ fails; `Breakdown`) when lambda_min(G G^T) <=
  /// licq_tolerance * max(1, ||G||^2).
  double licq_tolerance = 1e-12;
  /// Budget of each inner solve, passed to a policy with `set_max_iterations` (MINRES); the
  /// facade's `KktSolverKind::Sketch` takes it as its cap on sketch steps. Unset: the
  /// policy's default.
  std::optional<Index> inner_max_iterations{};

  /// Throws `iterum::invalid_argument` naming `function` and the bad field.
  void validate(std::string_view function = "iterum::nlp::EalParams::validate") const {
    using check::Bound;
    check::in_range(function, "options.eta", eta, 0.0, 1.0, Bound::Open, Bound::Open);
    check::positive(function, "options.mu0", mu0);
    check::finite(function, "options.mu0", mu0);
    check::positive(function, "options.nu0", nu0);
    check::finite(function, "options.nu0", nu0);
    check::in_range(function, "options.delta0", delta0, 0.0, 1.0, Bound::Open);
    check::in_range(function, "options.delta_min", delta_min, 0.0, delta0, Bound::Open);
    check::in_range(function, "options.beta", beta, 0.0, 0.5, Bound::Open, Bound::Open);
    check::positive(function, "options.rho - 1", rho - 1.0);
    check::finite(function, "options.rho", rho);
    check::positive(function, "options.xi_b", xi_b);
    check::finite(function, "options.xi_b", xi_b);
    check::finite(function, "options.reduced_hessian_threshold", reduced_hessian_threshold);
    check::positive(function, "options.mu_max", mu_max);
    check::nonnegative(function, "options.nu_min", nu_min);
    check::positive(function, "options.max_backtracks", static_cast<double>(max_backtracks));
    check::nonnegative(function, "options.licq_tolerance", licq_tolerance);
    if (inner_max_iterations) {
      check::positive(function, "options.inner_max_iterations",
                      static_cast<double>(*inner_max_iterations));
    }
  }
};

/// Evaluations of the problem's callbacks.
struct NlpEvaluations {
  std::int64_t values = 0;       ///< f(x)
  std::int64_t gradients = 0;    ///< grad f(x)
  std::int64_t constraints = 0;  ///< c(x)
  std::int64_t jacobians = 0;    ///< G(x)
  std::int64_t hessians = 0;     ///< hess_x L(x, lambda)

  [[nodiscard]] std::int64_t total() const noexcept {
    return values + gradients + constraints + jacobians + hessians;
  }
};

/// The iterate of `EalNewton` and everything evaluated at it.
struct EalState {
  Vector<double> x;       ///< primal iterate
  Vector<double> lambda;  ///< multipliers
  double f = 0.0;         ///< f(x)
  Vector<double> g;       ///< grad f(x)
  Vector<double> c;       ///< c(x)
  Matrix<double> jac;     ///< G(x), m x n
  Matrix<double> h;       ///< hess_x L(x, lambda), n x n
  Vector<double> grad_l;  ///< grad_x L = g + G^T lambda
  // The Newton system and its solution.
  Matrix<double> kkt;  ///< K = [B G^T; G 0]
  Vector<double> rhs;  ///< b = -(grad_x L, c)
  Vector<double> dz;   ///< the direction (dx, dlambda)
  Vector<double> kz;   ///< K dz (residual check)
  Vector<double> merit_grad;
  // A trial point of the line search and what is evaluated there.
  Vector<double> x_trial, lambda_trial, g_trial, c_trial, grad_l_trial;
  Matrix<double> jac_trial;
  double f_trial = 0.0;
  // Adaptive parameters.
  double mu = 1.0;
  double nu = 0.1;
  double delta = 0.1;
  double theta = 1.0;
  double last_step = 0.0;                ///< alpha of the last accepted step
  double inner_relative_residual = 0.0;  ///< ||K dz - b|| / ||b|| of the current direction
  std::int64_t fallbacks = 0;            ///< inner solves redone by the dense LU
  std::int64_t policy_fallbacks = 0;     ///< solves the policy finished by its own fallback
                                         ///< (`SketchedKktSolver`: sketch cap hit, MINRES)
  std::int64_t hessian_shifts = 0;       ///< Hessian modifications
  std::int64_t penalty_increases = 0;    ///< passes of the penalty loop
  NlpEvaluations evaluations{};
  Counters counters{};  ///< oracle_calls = evaluations.total(); inner_iterations of the policy
};

namespace detail {

/// max(||grad_x L||, ||c||): the KKT residual `EalNewton` certifies with.
[[nodiscard]] inline double kkt_residual(const Vector<double>& grad_l, const Vector<double>& c) {
  return std::max(grad_l.norm(), c.norm());
}

/// Largest |eigenvalue| of a symmetric matrix (its 2-norm).
[[nodiscard]] inline double symmetric_norm(const Matrix<double>& a) {
  if (a.size() == 0) return 0.0;
  const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(a, Eigen::EigenvaluesOnly);
  return eig.eigenvalues().cwiseAbs().maxCoeff();
}

}  // namespace detail

/// The exact-augmented-Lagrangian inexact Newton method of Hong, Na, Mahoney & Kolar (arXiv
/// 2305.18379, Algorithm 1). `KktSolver` is a `LinearSolver` over `Matrix<double>` (the dense
/// KKT matrix), e.g. `linalg::DenseLdlt<>` or `linalg::Minres<Matrix<double>>`; it is held by
/// value, and its `set_max_iterations` is used when it has one; a `fallbacks()` member (the
/// policy's own fallbacks, e.g. `SketchedKktSolver`'s) is reported in the state.
template <class KktSolver>
class EalNewton {
  static_assert(LinearSolver<KktSolver, Matrix<double>>,
                "iterum::nlp::EalNewton: KktSolver must model iterum::LinearSolver over "
                "Matrix<double> (compute(K), solve(b, x), set_tolerance(tol))");

 public:
  using State = EalState;
  using Params = EalParams;

  explicit EalNewton(Params params = {}, KktSolver solver = {})
      : params_(params), solver_(std::move(solver)) {
    params_.validate("iterum::nlp::EalNewton");
  }

  [[nodiscard]] const Params& params() const noexcept { return params_; }

  /// Starts from x0 (sized p.dim(), unchecked: the facade checks it) and lambda = 0.
  template <class P>
  [[nodiscard]] State init(const P& p, const Vector<double>& x0) const {
    State s;
    const Index n = p.dim();
    const Index m = p.constraints();
    s.x = x0;
    s.lambda = Vector<double>::Zero(m);
    s.kkt.resize(n + m, n + m);
    s.rhs.resize(n + m);
    s.dz = Vector<double>::Zero(n + m);
    s.kz.resize(n + m);
    s.merit_grad.resize(n + m);
    s.mu = params_.mu0;
    s.nu = params_.nu0;
    s.delta = params_.delta0;
    evaluate_first_order(p, s.x, s.lambda, s.f, s.g, s.c, s.jac, s.grad_l, s.evaluations);
    p.lagrangian_hessian(s.x, s.lambda, s.h);
    ++s.evaluations.hessians;
    s.counters.oracle_calls = s.evaluations.total();
    return s;
  }

  /// Starts from x0 = 0.
  template <class P>
  [[nodiscard]] State init(const P& p) const {
    return init(p, Vector<double>::Zero(p.dim()));
  }

  /// One Newton iteration (steps 1-4 of the file comment).
  template <class P>
  std::optional<Status> step(const P& p, State& s) {
    const Index n = p.dim();
    const Index m = p.constraints();
    if (!s.h.allFinite() || !s.jac.allFinite() || !s.grad_l.allFinite() || !s.c.allFinite())
      return Status::NumericalIssue;
    // LICQ: xi_G = lambda_min(G G^T).
    const Matrix<double> ggt = s.jac * s.jac.transpose();
    double xi_g = 1.0;
    double g_norm = 0.0;
    if (m > 0) {
      const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(ggt, Eigen::EigenvaluesOnly);
      xi_g = eig.eigenvalues().minCoeff();
      g_norm = std::sqrt(std::max(eig.eigenvalues().maxCoeff(), 0.0));
      if (!(xi_g > params_.licq_tolerance * std::max(1.0, g_norm * g_norm)))
        return Status::Breakdown;
    }
    // Step 1: B = H, shifted when the reduced Hessian is not positive definite.
    const double h_norm = detail::symmetric_norm(s.h);
    auto b_block = s.kkt.topLeftCorner(n, n);
    b_block = s.h;
    if (reduced_hessian_min(s) < params_.reduced_hessian_threshold) {
      b_block.diagonal().array() += params_.xi_b + h_norm;
      ++s.hessian_shifts;
    }
    s.kkt.topRightCorner(n, m) = s.jac.transpose();
    s.kkt.bottomLeftCorner(m, n) = s.jac;
    s.kkt.bottomRightCorner(m, m).setZero();
    s.rhs.head(n) = -s.grad_l;
    s.rhs.tail(m) = -s.c;
    const double b_norm = s.rhs.norm();
    s.theta = params_.superlinear ? std::min(1.0, b_norm) : 1.0;

    // Step 2: the constants of the paper rule (Sec. 1.4 of the study).
    double psi = 1.0, upsilon = 1.0, k_norm = 1.0;
    const bool paper = params_.accuracy == AccuracyRule::Paper;
    if (paper) {
      const double bb = detail::symmetric_norm(b_block);
      psi = 20.0 * std::max(bb * bb, 1.0) / (std::min(xi_g, 1.0) * std::min(params_.xi_b, 1.0));
      upsilon = std::max({g_norm, h_norm, 1.0});
      k_norm = detail::symmetric_norm(s.kkt);
      s.delta = std::max(std::min(s.delta, delta_trial(s, upsilon, psi)), params_.delta_min);
    }
    // The practical rule is sharpened by 1 / rho^4 with every pass of the penalty loop, as
    // delta is in the paper rule (a deviation: the study's practical rule keeps eta fixed, and
    // then an inaccurate direction can fail the descent test until mu reaches mu_max).
    double sharpen = 1.0;
    auto tolerance = [&] {
      return paper ? s.theta * s.delta / (k_norm * psi) : params_.eta * s.theta * sharpen;
    };
    s.dz.setZero();
    if (solver_.compute(s.kkt) != Status::Converged) {
      // The policy cannot take K (e.g. LDL^T meets a zero pivot): solve by the fallback.
      if (!fallback(s)) return Status::InnerSolverFailed;
    } else if (!solve_kkt(s, tolerance())) {
      return Status::InnerSolverFailed;
    }

    // Step 3: the penalty loop on the descent test of L_{mu,nu}.
    const double r4 = std::pow(params_.rho, 4);
    while (true) {
      merit_gradient(s);
      if (s.merit_grad.dot(s.dz) <= -0.5 * s.nu * b_norm * b_norm) break;
      if (s.mu > params_.mu_max || s.nu < params_.nu_min) {
        // Safeguard: still no descent at the largest penalty. An inexact direction is
        // replaced by the exact one before the line search decides.
        if (s.inner_relative_residual > 0 && !fallback(s)) return Status::InnerSolverFailed;
        merit_gradient(s);
        break;
      }
      s.mu *= params_.rho * params_.rho;
      s.nu /= params_.rho;
      ++s.penalty_increases;
      if (paper) {
        s.delta = std::max(std::min(s.delta / r4, delta_trial(s, upsilon, psi)), params_.delta_min);
      } else {
        sharpen /= r4;
      }
      // Continue the solve from dz to the tighter accuracy, unless dz already meets it.
      if (s.inner_relative_residual > tolerance() && !solve_kkt(s, tolerance()))
        return Status::InnerSolverFailed;
    }

    // Step 4: Armijo backtracking on L_{mu,nu}.
    const double slope = s.merit_grad.dot(s.dz);
    const double merit0 = merit(s.f, s.lambda, s.c, s.grad_l, s.mu, s.nu);
    // Near a solution the predicted decrease alpha beta slope ~ ||grad L||^2 drops below the
    // round-off of L_{mu,nu} itself, and the Armijo test then fails by cancellation alone. In
    // that regime (|slope| <= 100 eps max(1, |L_{mu,nu}|)) a step is also accepted when it
    // lowers the KKT residual (a safeguard of this implementation, not in the paper).
    const double eps = std::numeric_limits<double>::epsilon();
    const bool flat = std::abs(slope) <= 100.0 * eps * std::max(1.0, std::abs(merit0));
    const double kkt0 = detail::kkt_residual(s.grad_l, s.c);
    double alpha = 1.0;
    bool accepted = false;
    for (Index k = 0; k <= params_.max_backtracks; ++k, alpha *= 0.5) {
      s.x_trial = s.x + alpha * s.dz.head(n);
      s.lambda_trial = s.lambda + alpha * s.dz.tail(m);
      evaluate_first_order(p, s.x_trial, s.lambda_trial, s.f_trial, s.g_trial, s.c_trial,
                           s.jac_trial, s.grad_l_trial, s.evaluations);
      const double trial = merit(s.f_trial, s.lambda_trial, s.c_trial, s.grad_l_trial, s.mu, s.nu);
      if (!std::isfinite(trial)) continue;
      if (trial <= merit0 + alpha * params_.beta * slope ||
          (flat && detail::kkt_residual(s.grad_l_trial, s.c_trial) < kkt0)) {
        accepted = true;
        break;
      }
    }
    s.counters.oracle_calls = s.evaluations.total();
    if (!accepted) return Status::Stalled;
    s.last_step = alpha;
    s.x.swap(s.x_trial);
    s.lambda.swap(s.lambda_trial);
    s.f = s.f_trial;
    s.g.swap(s.g_trial);
    s.c.swap(s.c_trial);
    s.jac.swap(s.jac_trial);
    s.grad_l.swap(s.grad_l_trial);
    p.lagrangian_hessian(s.x, s.lambda, s.h);
    ++s.evaluations.hessians;
    s.counters.oracle_calls = s.evaluations.total();
    if (!s.h.allFinite() || !std::isfinite(s.f)) return Status::NumericalIssue;
    return std::nullopt;
  }

  /// max(||grad f + G^T lambda||, ||c||) at the state's (x, lambda): absolute, 2-norms.
  template <class P>
  [[nodiscard]] double residual(const P& /*p*/, const State& s) const {
    return detail::kkt_residual(s.grad_l, s.c);
  }

  /// The merit function L_{mu,nu} (arXiv 2305.18379, eq. (4)).
  [[nodiscard]] static double merit(double f, const Vector<double>& lambda, const Vector<double>& c,
                                    const Vector<double>& grad_l, double mu, double nu) {
    return f + lambda.dot(c) + 0.5 * mu * c.squaredNorm() + 0.5 * nu * grad_l.squaredNorm();
  }

 private:
  Params params_;
  KktSolver solver_;

  /// f, grad f, c, G and grad_x L at (x, lambda), counted.
  template <class P>
  static void evaluate_first_order(const P& p, const Vector<double>& x,
                                   const Vector<double>& lambda, double& f, Vector<double>& g,
                                   Vector<double>& c, Matrix<double>& jac, Vector<double>& grad_l,
                                   NlpEvaluations& count) {
    f = static_cast<double>(p.value(x));
    p.gradient(x, g);
    p.constraint(x, c);
    p.jacobian(x, jac);
    count.values += 1;
    count.gradients += 1;
    count.constraints += 1;
    count.jacobians += 1;
    grad_l = g;
    grad_l.noalias() += jac.transpose() * lambda;
  }

  /// lambda_min(Z^T H Z) for Z an orthonormal basis of null(G) (from a QR of G^T); +inf when
  /// the null space is trivial.
  [[nodiscard]] static double reduced_hessian_min(const State& s) {
    const Index n = s.x.size();
    const Index m = s.lambda.size();
    if (m >= n) return std::numeric_limits<double>::infinity();
    Matrix<double> z = Matrix<double>::Identity(n, n);
    if (m > 0) {
      const Eigen::HouseholderQR<Matrix<double>> qr(s.jac.transpose());
      z = qr.householderQ() * z;
    }
    const Matrix<double> zn = z.rightCols(n - m);
    const Matrix<double> reduced = zn.transpose() * s.h * zn;
    const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(reduced, Eigen::EigenvaluesOnly);
    return eig.eigenvalues().minCoeff();
  }

  /// delta_trial = (0.5 - beta) nu / ((1 + mu + nu) Upsilon^2 psi^2).
  [[nodiscard]] double delta_trial(const State& s, double upsilon, double psi) const {
    return (0.5 - params_.beta) * s.nu / ((1.0 + s.mu + s.nu) * upsilon * upsilon * psi * psi);
  }

  /// grad L_{mu,nu} at the state's point into s.merit_grad.
  static void merit_gradient(State& s) {
    const Index n = s.x.size();
    const Index m = s.lambda.size();
    auto gx = s.merit_grad.head(n);
    auto gl = s.merit_grad.tail(m);
    gx = s.grad_l;
    gx.noalias() += s.mu * (s.jac.transpose() * s.c);
    gx.noalias() += s.nu * (s.h * s.grad_l);
    gl = s.c;
    gl.noalias() += s.nu * (s.jac * s.grad_l);
  }

  /// Solves K dz = b from the current dz to relative accuracy `tolerance`; falls back to a dense
  /// LU when the policy misses it. False when even the fallback gives a non-finite answer.
  bool solve_kkt(State& s, double tolerance) {
    solver_.set_tolerance(tolerance);
    if constexpr (LinearSolverWithBudget<KktSolver, Matrix<double>>) {
      solver_.set_max_iterations(params_.inner_max_iterations);
    }
    const Summary inner = solver_.solve(s.rhs, s.dz);
    if constexpr (requires { solver_.fallbacks(); }) {
      s.policy_fallbacks = static_cast<std::int64_t>(solver_.fallbacks());
    }
    s.counters.inner_iterations += inner.iterations;
    s.counters.matvecs += inner.counters.matvecs;
    const double b_norm = s.rhs.norm();
    s.kz.noalias() = s.kkt * s.dz;
    const double r = (s.kz - s.rhs).norm();
    // Round-off floor: a backward-stable solve cannot beat eps ||K|| ||dz||.
    const double floor =
        100.0 * std::numeric_limits<double>::epsilon() * s.kkt.norm() * s.dz.norm();
    s.inner_relative_residual = b_norm > 0 ? r / b_norm : r;
    if (s.dz.allFinite() && (r <= tolerance * b_norm || r <= floor)) {
      if (r <= floor) s.inner_relative_residual = 0.0;
      return true;
    }
    return fallback(s);
  }

  /// dz = K^{-1} b by a dense LU with partial pivoting.
  bool fallback(State& s) {
    ++s.fallbacks;
    const Eigen::PartialPivLU<Matrix<double>> lu(s.kkt);
    s.dz = lu.solve(s.rhs);
    ++s.counters.matvecs;
    s.inner_relative_residual = 0.0;  // exact up to round-off
    return s.dz.allFinite();
  }
};

}  // namespace iterum::nlp
