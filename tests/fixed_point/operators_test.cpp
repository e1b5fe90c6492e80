// The fixed-point map building blocks (callable_map, linear_resolvent, reflection,
// forward_backward, douglas_rachford) run by Halpern, against independent references.

#include <Eigen/LU>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/fixed_point/callable_map.hpp"
#include "iterum/fixed_point/douglas_rachford.hpp"
#include "iterum/fixed_point/forward_backward.hpp"
#include "iterum/fixed_point/halpern.hpp"
#include "iterum/fixed_point/linear_resolvent.hpp"
#include "iterum/fixed_point/reflection.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/linalg/direct_solver.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "iterum/prox/box.hpp"
#include "iterum/prox/least_squares.hpp"
#include "iterum/prox/simplex.hpp"
#include "iterum/prox/soft_threshold.hpp"
#include "support/catch_compat.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;
using iterum::fixed_point::HalpernRestart;
using iterum::test::invalid_argument_message;

namespace {

/// A small LASSO instance min 1/2 ||A x - b||^2 + lambda ||x||_1 (m < n, sparse truth).
struct Lasso {
  Eigen::MatrixXd a;
  Eigen::VectorXd b;
  double lambda = 0;
};

Lasso make_lasso(Index m, Index n, std::uint64_t seed) {
  Lasso p;
  p.a = iterum::test::normal_matrix(m, n, seed) / std::sqrt(static_cast<double>(m));
  auto engine = iterum::make_engine(seed + 1);
  Eigen::VectorXd truth = Eigen::VectorXd::Zero(n);
  for (Index j = 0; j < n; j += n / 6) truth[j] = iterum::random::normal(engine) + 2.0;
  p.b = p.a * truth + 0.05 * iterum::random::normal_vector(engine, m);
  p.lambda = 0.1 * (p.a.transpose() * p.b).cwiseAbs().maxCoeff();
  return p;
}

/// The reference solution, written independently of the library: cyclic coordinate descent
/// (exact minimization in one coordinate at a time) until no coordinate moves by 1e-15.
Eigen::VectorXd coordinate_descent(const Lasso& p) {
  const Index n = p.a.cols();
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd r = p.b;
  const Eigen::VectorXd col_sq = p.a.colwise().squaredNorm();
  for (int sweep = 0; sweep < 100000; ++sweep) {
    double moved = 0;
    for (Index j = 0; j < n; ++j) {
      const double rho = p.a.col(j).dot(r) + col_sq[j] * x[j];
      const double shrunk = std::max(std::abs(rho) - p.lambda, 0.0);
      const double next = (rho < 0 ? -shrunk : shrunk) / col_sq[j];
      if (next != x[j]) {
        r -= (next - x[j]) * p.a.col(j);
        moved = std::max(moved, std::abs(next - x[j]));
        x[j] = next;
      }
    }
    if (moved <= 1e-15) break;
  }
  return x;
}

/// The LASSO optimality (KKT) violation of x: A^T (b - A x) must equal lambda sign(x_j) where
/// x_j != 0 and lie in [-lambda, lambda] elsewhere.
double kkt_violation(const Lasso& p, const Eigen::VectorXd& x) {
  const Eigen::VectorXd g = p.a.transpose() * (p.b - p.a * x);
  double worst = 0;
  for (Index j = 0; j < x.size(); ++j) {
    const double v = x[j] > 0   ? std::abs(g[j] - p.lambda)
                     : x[j] < 0 ? std::abs(g[j] + p.lambda)
                                : std::max(std::abs(g[j]) - p.lambda, 0.0);
    worst = std::max(worst, v);
  }
  return worst;
}

}  // namespace

TEST_CASE("Douglas-Rachford LASSO by Halpern matches coordinate descent",
          "[fixed_point][operators][douglas_rachford]") {
  const Lasso p = make_lasso(30, 60, 7);
  const Eigen::VectorXd reference = coordinate_descent(p);
  REQUIRE(kkt_violation(p, reference) <= 1e-12);
  REQUIRE((reference.array() != 0).count() >= 3);

  const double gamma = 1.0;
  using Soft = iterum::prox::SoftThreshold<double>;
  const auto dr = iterum::fixed_point::douglas_rachford<double>(
      60, iterum::prox::LeastSquares<double>(p.a, p.b, gamma), Soft{gamma * p.lambda});
  // The DR fixed point: prox_{gamma f}(z*) = x*  <=>  z* = x* + gamma grad f(x*).
  const Eigen::VectorXd z_star = reference + gamma * p.a.transpose() * (p.a * reference - p.b);
  const Eigen::VectorXd z0 = Eigen::VectorXd::Zero(60);
  const double d = z_star.norm();

  // Plain and reflected Halpern: sublinear, within 2D/(k+1) and D/(k+1).
  std::vector<double> last;
  for (const bool reflect : {false, true}) {
    const auto r = iterum::fixed_point::halpern(dr, z0,
                                                {.tolerance = 0,
                                                 .max_iterations = 1000,
                                                 .monitor = {.record_history = true},
                                                 .reflect = reflect});
    double worst = 0;
    for (std::size_t k = 1; k < r.history.size(); ++k) {
      worst = std::max(worst, static_cast<double>(k + 1) * r.history[k] / ((reflect ? 1 : 2) * d));
    }
    INFO("reflect " << reflect << ": max ratio " << worst << ", final " << r.residual);
    REQUIRE(worst <= 1.0 + 1e-9);
    last.push_back(r.residual);
  }
  REQUIRE(last[1] < last[0]);

  // Restarted reflected Halpern converges linearly on this sharp problem.
  const auto r = iterum::fixed_point::halpern(dr, z0,
                                              {.tolerance = 1e-10,
                                               .max_iterations = 1000,
                                               .restart = HalpernRestart::Adaptive,
                                               .reflect = true});
  INFO("restarted: " << r.iterations << " iterations, " << r.restarts << " restarts");
  REQUIRE(r.ok());
  REQUIRE(r.restarts >= 2);
  REQUIRE(r.residual <= 1e-10);
  REQUIRE(r.residual < 1e-3 * last[1]);
  Eigen::VectorXd x(60);
  dr.shadow(r.x, x);
  REQUIRE((x - reference).norm() <= 1e-8 * reference.norm());
  // The g-side point prox_{gamma g}(2x - z), equal to x at the fixed point, is exactly sparse:
  // check the LASSO optimality conditions on it, support included.
  Eigen::VectorXd sparse(60);
  Soft{gamma * p.lambda}(2 * x - r.x, sparse);
  REQUIRE((sparse.array() != 0).count() == (reference.array() != 0).count());
  REQUIRE(kkt_violation(p, sparse) <= 1e-8);
}

TEST_CASE("Forward-backward LASSO by restarted Halpern matches coordinate descent",
          "[fixed_point][operators][forward_backward]") {
  const Lasso p = make_lasso(25, 40, 17);
  const Eigen::VectorXd reference = coordinate_descent(p);
  const double lipschitz =
      p.a.jacobiSvd().singularValues()[0] * p.a.jacobiSvd().singularValues()[0];
  const double gamma = 1.0 / lipschitz;
  auto grad = [&p](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    g.noalias() = p.a.transpose() * (p.a * x - p.b);
  };
  const iterum::fixed_point::ForwardBackward<double, decltype(grad),
                                             iterum::prox::SoftThreshold<double>>
      fb(40, grad, {gamma * p.lambda}, gamma, lipschitz);
  const auto r = iterum::fixed_point::halpern(
      fb, Eigen::VectorXd::Zero(40),
      {.tolerance = 1e-12, .max_iterations = 20000, .restart = HalpernRestart::Adaptive});
  INFO(r.iterations << " iterations, " << r.restarts << " restarts");
  REQUIRE(r.ok());
  REQUIRE((r.x - reference).norm() <= 1e-8 * reference.norm());

  REQUIRE(invalid_argument_message([&] {
            (void)iterum::fixed_point::ForwardBackward<double, decltype(grad),
                                                       iterum::prox::SoftThreshold<double>>(
                40, grad, {0.1}, 2.5, 1.0);
          }) ==
          "iterum::fixed_point::ForwardBackward: argument 'gamma' must lie in (0, 2) (got "
          "2.5)");
}

TEST_CASE("Halpern on a linear resolvent converges to the projection onto the null space",
          "[fixed_point][operators][resolvent]") {
  // A = S - S^T (n = 9): monotone (x^T A x = 0) and far from symmetric. Halpern's limit is the
  // projection of its anchor onto Fix J = null(A), computed here from an LU kernel.
  const Index n = 9;
  const Eigen::MatrixXd s = iterum::test::normal_matrix(n, n, 3);
  const Eigen::MatrixXd a = s - s.transpose();
  const Eigen::MatrixXd kernel = Eigen::FullPivLU<Eigen::MatrixXd>(a).kernel();
  REQUIRE(kernel.cols() == 1);  // a 9 x 9 skew matrix is singular
  auto engine = iterum::make_engine(4);
  const Eigen::VectorXd x0 = iterum::random::normal_vector(engine, n);
  const Eigen::VectorXd u = kernel.col(0).normalized();
  const Eigen::VectorXd x_star = u.dot(x0) * u;

  const iterum::fixed_point::LinearResolvent<double> j(a, 0.7);
  const auto r = iterum::fixed_point::halpern(j, x0,
                                              {.tolerance = 1e-12,
                                               .max_iterations = 5000,
                                               .restart = HalpernRestart::Adaptive,
                                               .reflect = true});
  INFO(r.iterations << " iterations, " << r.restarts << " restarts");
  REQUIRE(r.ok());
  REQUIRE((r.x - x_star).norm() <= 1e-9 * x0.norm());

  // The reflection building block gives the same map as reflect = true.
  const iterum::fixed_point::Reflection<iterum::fixed_point::LinearResolvent<double>> reflected(j);
  Eigen::VectorXd jx(n), rx(n);
  j.apply(x0, jx);
  reflected.apply(x0, rx);
  REQUIRE((rx - (2 * jx - x0)).norm() <= 1e-14 * x0.norm());
  // J x solves (I + eta A) y = x.
  REQUIRE((jx + 0.7 * a * jx - x0).norm() <= 1e-12 * x0.norm());

  REQUIRE(invalid_argument_message([] {
            (void)iterum::fixed_point::LinearResolvent<double>(-Eigen::MatrixXd::Identity(3, 3),
                                                               1.0);
          }) ==
          "iterum::fixed_point::LinearResolvent: argument 'A' must be monotone (A + A^T "
          "positive semidefinite) (got smallest eigenvalue of (A + A^T)/2 -1)");
  REQUIRE(invalid_argument_message([] {
            (void)iterum::fixed_point::make_map<double>(
                0, [](const Eigen::VectorXd&, Eigen::VectorXd&) {});
          }) == "iterum::fixed_point::make_map: argument 'dim' must not be empty (got size 0)");
}

TEST_CASE("Another linear solver gives the same resolvent and the same least-squares prox",
          "[fixed_point][operators][solver]") {
  // LinearResolvent with a full-pivoting LU in place of the default partial-pivoting LU.
  const Index n = 9;
  const Eigen::MatrixXd s = iterum::test::normal_matrix(n, n, 3);
  const Eigen::MatrixXd a = s - s.transpose();
  auto engine = iterum::make_engine(4);
  const Eigen::VectorXd x0 = iterum::random::normal_vector(engine, n);
  using FullLu = iterum::linalg::DirectSolver<Eigen::FullPivLU<Eigen::MatrixXd>>;
  const iterum::fixed_point::LinearResolvent<double> partial(a, 0.7);
  const iterum::fixed_point::LinearResolvent<double, FullLu> full(a, 0.7);
  Eigen::VectorXd y_partial(n), y_full(n);
  partial.apply(x0, y_partial);
  full.apply(x0, y_full);
  REQUIRE((y_full + 0.7 * a * y_full - x0).norm() <= 1e-12 * x0.norm());
  REQUIRE((y_full - y_partial).norm() <= 1e-13 * x0.norm());
  const iterum::fixed_point::HalpernOptions options{.tolerance = 1e-12,
                                                    .max_iterations = 5000,
                                                    .restart = HalpernRestart::Adaptive,
                                                    .reflect = true};
  const auto by_partial = iterum::fixed_point::halpern(partial, x0, options);
  const auto by_full = iterum::fixed_point::halpern(full, x0, options);
  REQUIRE(by_partial.ok());
  REQUIRE(by_full.ok());
  REQUIRE((by_full.x - by_partial.x).norm() <= 1e-10 * x0.norm());

  // A symmetric monotone A = B B^T: I + eta A is SPD, so conjugate gradients (through
  // LinearSolver::solve, warm-started from the incoming tx) gives the same resolvent as the LU.
  const Eigen::MatrixXd spd = s * s.transpose();
  using CgDense = iterum::linalg::ConjugateGradient<Eigen::MatrixXd>;
  const iterum::fixed_point::LinearResolvent<double> spd_lu(spd, 0.7);
  const iterum::fixed_point::LinearResolvent<double, CgDense> spd_cg(spd, 0.7,
                                                                     CgDense({.tolerance = 1e-14}));
  Eigen::VectorXd y_lu(n), y_cg = Eigen::VectorXd::Zero(n);
  spd_lu.apply(x0, y_lu);
  spd_cg.apply(x0, y_cg);
  REQUIRE((y_lu + 0.7 * spd * y_lu - x0).norm() <= 1e-12 * x0.norm());
  REQUIRE((y_cg - y_lu).norm() <= 1e-11 * y_lu.norm());
  // linalg::DenseLu (the default policy) passes the LinearSolver conformance checks, and its
  // solve certifies the residual.
  const Eigen::MatrixXd laplacian(iterum::linalg::laplacian_2d(5, 4));
  iterum::linalg::DenseLu<> conforming;
  iterum::test::check_linear_solver(conforming, laplacian, laplacian, 1e-12);
  Eigen::MatrixXd shifted = 0.7 * a;
  shifted.diagonal().array() += 1.0;
  iterum::linalg::DenseLu<> dense_lu;
  REQUIRE(dense_lu.compute(shifted) == Status::Converged);
  Eigen::VectorXd y_solve(n);
  const iterum::Summary solved = dense_lu.solve(x0, y_solve);
  REQUIRE(solved.ok());
  REQUIRE(solved.residual <= 1e-14);
  REQUIRE((y_solve - y_partial).norm() <= 1e-14 * x0.norm());

  // prox::LeastSquares by conjugate gradients (I + gamma A^T A is SPD) and by LDL^T in place of
  // the default Cholesky factorization: the same prox, and the same LASSO solution by DR.
  const Lasso p = make_lasso(30, 60, 7);
  const Eigen::VectorXd reference = coordinate_descent(p);
  using Cg = iterum::linalg::ConjugateGradient<Eigen::MatrixXd>;
  const iterum::prox::LeastSquares<double> llt(p.a, p.b, 1.0);
  const iterum::prox::LeastSquares<double, Cg> cg(p.a, p.b, 1.0, Cg({.tolerance = 1e-14}));
  const iterum::prox::LeastSquares<double, iterum::linalg::DenseLdlt<double>> ldlt(p.a, p.b, 1.0);
  const Eigen::VectorXd v = iterum::random::normal_vector(engine, 60);
  Eigen::VectorXd by_llt = Eigen::VectorXd::Zero(60);
  Eigen::VectorXd by_cg = Eigen::VectorXd::Zero(60);
  Eigen::VectorXd by_ldlt = Eigen::VectorXd::Zero(60);
  llt(v, by_llt);
  cg(v, by_cg);
  ldlt(v, by_ldlt);
  // The prox solves (I + A^T A) u = v + A^T b.
  const Eigen::VectorXd rhs = v + p.a.transpose() * p.b;
  REQUIRE((by_llt + p.a.transpose() * (p.a * by_llt) - rhs).norm() <= 1e-12 * rhs.norm());
  REQUIRE((by_cg - by_llt).norm() <= 1e-12 * by_llt.norm());
  REQUIRE((by_ldlt - by_llt).norm() <= 1e-13 * by_llt.norm());
  using Soft = iterum::prox::SoftThreshold<double>;
  auto lasso_by = [&](const auto& prox_f) {
    const auto dr = iterum::fixed_point::douglas_rachford<double>(60, prox_f, Soft{p.lambda});
    const auto r = iterum::fixed_point::halpern(dr, Eigen::VectorXd::Zero(60),
                                                {.tolerance = 1e-10,
                                                 .max_iterations = 1000,
                                                 .restart = HalpernRestart::Adaptive,
                                                 .reflect = true});
    REQUIRE(r.ok());
    Eigen::VectorXd x(60);
    dr.shadow(r.x, x);
    return x;
  };
  const Eigen::VectorXd x_llt = lasso_by(llt);
  const Eigen::VectorXd x_cg = lasso_by(cg);
  REQUIRE((x_llt - reference).norm() <= 1e-8 * reference.norm());
  REQUIRE((x_cg - reference).norm() <= 1e-8 * reference.norm());
  REQUIRE((x_cg - x_llt).norm() <= 1e-8 * reference.norm());
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("Douglas-Rachford Halpern steps do not allocate",
          "[fixed_point][operators][allocation]") {
  const Lasso p = make_lasso(20, 30, 27);
  const auto dr = iterum::fixed_point::douglas_rachford<double>(
      30, iterum::prox::LeastSquares<double>(p.a, p.b, 1.0),
      iterum::prox::SoftThreshold<double>{p.lambda});
  const iterum::fixed_point::HalpernMethod<double> method({.reflect = true});
  auto state = method.init(dr, Eigen::VectorXd::Zero(30));
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 10; ++k) method.step(dr, state);
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(state.counters.oracle_calls == 11);
}
#endif

TEST_CASE("LinearResolvent checks monotonicity scale-safely",
          "[fixed_point][operators][robustness]") {
  // Issue 11, D18: 1e308 I gave "must be monotone (got nan)": A + A^T overflowed.
  const Eigen::MatrixXd huge = 1e308 * Eigen::MatrixXd::Identity(3, 3);
  const iterum::fixed_point::LinearResolvent<double> j(huge, 1.0);
  Eigen::VectorXd jx(3);
  j.apply(Eigen::VectorXd::Constant(3, 1e308), jx);
  REQUIRE((jx - Eigen::VectorXd::Ones(3)).norm() <= 1e-12);
  REQUIRE(invalid_argument_message([] {
            (void)iterum::fixed_point::LinearResolvent<double>(
                -1e308 * Eigen::MatrixXd::Identity(3, 3), 1.0);
          }) ==
          "iterum::fixed_point::LinearResolvent: argument 'A' must be monotone (A + A^T "
          "positive semidefinite) (got smallest eigenvalue of (A + A^T)/2 -1e+308)");
  // A tiny monotone matrix still passes, a tiny non-monotone one still fails.
  (void)iterum::fixed_point::LinearResolvent<double>(1e-300 * Eigen::MatrixXd::Identity(3, 3), 1.0);
  REQUIRE_THROWS_AS(
      iterum::fixed_point::LinearResolvent<double>(-1e-3 * Eigen::MatrixXd::Identity(3, 3), 1.0),
      iterum::invalid_argument);
}

TEST_CASE("Negative dimensions throw before anything is sized",
          "[fixed_point][operators][errors]") {
  // Issue 11, D12: the scratch vectors were sized with the dimension before it was checked.
  const auto zero_grad = [](const Eigen::VectorXd& x, Eigen::VectorXd& g) { g = 0 * x; };
  const auto identity = [](const Eigen::VectorXd& v, Eigen::VectorXd& out) { out = v; };
  REQUIRE(
      invalid_argument_message([&] {
        (void)iterum::fixed_point::ForwardBackward<double, decltype(zero_grad), decltype(identity)>(
            -3, zero_grad, identity, 1.0);
      }) ==
      "iterum::fixed_point::ForwardBackward: argument 'dim' must not be empty (got size "
      "-3)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::fixed_point::douglas_rachford<double>(-3, identity, identity);
          }) ==
          "iterum::fixed_point::DouglasRachford: argument 'dim' must not be empty (got size -3)");
  REQUIRE(invalid_argument_message([] { (void)iterum::prox::Simplex<double>(-3); }) ==
          "iterum::prox::Simplex: argument 'dim' must be positive (got -3)");
}

TEST_CASE("prox::Box rejects bounds of the wrong size", "[fixed_point][operators][errors]") {
  // Issue 11, D23: an Eigen assertion abort before.
  const iterum::prox::Box<double> box{Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(3)};
  Eigen::VectorXd out(3);
  REQUIRE(invalid_argument_message([&] { box(Eigen::VectorXd::Constant(3, 2.0), out); }) ==
          "iterum::prox::Box: argument 'lower' must have as many entries as v (3) (got 2)");
  const iterum::prox::Box<double> good{Eigen::VectorXd::Zero(3), Eigen::VectorXd::Ones(3)};
  REQUIRE(invalid_argument_message([&] { good(Eigen::VectorXd::Constant(4, 2.0), out); }) ==
          "iterum::prox::Box: argument 'lower' must have as many entries as v (4) (got 3)");
  good(Eigen::VectorXd::Constant(3, 2.0), out);
  REQUIRE(out == Eigen::VectorXd::Ones(3));
}

TEST_CASE("prox::LeastSquares names itself when I + gamma A^T A overflows", "[prox][errors]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Identity(3, 2) * 1e200;
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(3);
  REQUIRE(invalid_argument_message([&] { (void)iterum::prox::LeastSquares<double>(a, b, 1.0); }) ==
          "iterum::prox::LeastSquares: argument 'A' must keep I + gamma A^T A finite, but its "
          "entries overflow (scale A or gamma down)");
  // At 1e150 the products stay finite and the prox is computed.
  const iterum::prox::LeastSquares<double> fine(a * 1e-50, b, 1.0);
  Eigen::VectorXd out(2);
  fine(Eigen::VectorXd::Zero(2), out);
  REQUIRE(out.allFinite());
}
