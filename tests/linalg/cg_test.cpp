#include "iterum/linalg/cg.hpp"

#include <Eigen/Cholesky>
#include <Eigen/IterativeLinearSolvers>
#include <Eigen/QR>
#include <Eigen/SparseCholesky>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "iterum/linalg/ssor_cg.hpp"
#include "support/catch_compat.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/low_rank.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::linalg::CgOptions;
using iterum::linalg::CgPreconditioner;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

namespace {

/// A random SPD matrix Q diag(d) Q^T with eigenvalues d log-spaced in [1, condition].
Eigen::MatrixXd random_spd(iterum::Index n, double condition, std::uint64_t seed) {
  return iterum::test::symmetric_with_spectrum(n, condition, seed);
}

/// The CG iteration bound for relative residual `tolerance` from x0 = 0 on an SPD matrix of
/// condition number kappa: ||r_k|| / ||r_0|| <= 2 sqrt(kappa) ((sqrt(kappa)-1)/(sqrt(kappa)+1))^k.
double cg_iteration_bound(double kappa, double tolerance) {
  const double s = std::sqrt(kappa);
  return std::log(2 * s / tolerance) / std::log((s + 1) / (s - 1));
}

}  // namespace

TEST_CASE("CG matches a dense Cholesky solve on random SPD matrices", "[linalg][cg]") {
  for (const double condition : {10.0, 1e4}) {
    const Eigen::MatrixXd a = random_spd(60, condition, 11);
    auto engine = iterum::make_engine(12);
    const Eigen::VectorXd b = iterum::random::normal_vector(engine, 60);
    // In floating point CG loses orthogonality and may need more than n steps (here 2n is
    // not enough at condition 1e4), so the budget is generous.
    const auto result =
        iterum::linalg::conjugate_gradient(a, b, {.tolerance = 1e-12, .max_iterations = 2000});
    INFO("condition " << condition << ", iterations " << result.iterations);
    REQUIRE(result.ok());
    const Eigen::VectorXd exact = a.llt().solve(b);
    REQUIRE((result.x - exact).norm() <= condition * 1e-11 * exact.norm());
    REQUIRE((b - a * result.x).norm() <= 2e-12 * b.norm());
    REQUIRE(result.residual <= 1e-12);
    REQUIRE(result.counters.matvecs == result.iterations + 1);
  }
}

TEST_CASE("CG matches a sparse Cholesky solve on random sparse SPD systems", "[linalg][cg]") {
  const auto a = iterum::test::random_sparse_spd(400, 21);
  auto engine = iterum::make_engine(22);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, 400);
  const Eigen::SimplicialLLT<Eigen::SparseMatrix<double>> llt(a);
  const Eigen::VectorXd exact = llt.solve(b);
  for (auto preconditioner : {CgPreconditioner::Identity, CgPreconditioner::Jacobi}) {
    const auto result = iterum::linalg::conjugate_gradient(
        a, b, {.tolerance = 1e-12, .preconditioner = preconditioner});
    REQUIRE(result.ok());
    REQUIRE((result.x - exact).norm() <= 1e-9 * exact.norm());
  }
  const auto plain = iterum::linalg::conjugate_gradient(
      a, b, {.tolerance = 1e-12, .preconditioner = CgPreconditioner::Identity});
  const auto jacobi = iterum::linalg::conjugate_gradient(a, b, {.tolerance = 1e-12});
  REQUIRE(jacobi.iterations < plain.iterations);  // a badly scaled diagonal: Jacobi pays
}

TEST_CASE("CG on 2-D Poisson: the Cholesky solution, within the condition-number bound",
          "[linalg][cg][poisson]") {
  for (const iterum::Index n : {32, 64}) {
    const auto a = iterum::linalg::laplacian_2d(n, n);
    const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
    const double tolerance = 1e-10;
    const auto result = iterum::linalg::conjugate_gradient(
        a, b, {.tolerance = tolerance, .preconditioner = CgPreconditioner::Identity});
    REQUIRE(result.ok());
    const Eigen::SimplicialLLT<Eigen::SparseMatrix<double>> llt(a);
    const Eigen::VectorXd exact = llt.solve(b);
    REQUIRE((result.x - exact).norm() <= 1e-7 * exact.norm());
    // kappa = cot^2(pi / (2 (n + 1))) for the 5-point Laplacian on an n x n grid.
    const double t = std::tan(std::numbers::pi / (2.0 * static_cast<double>(n + 1)));
    const double kappa = 1.0 / (t * t);
    const double bound = cg_iteration_bound(kappa, tolerance);
    INFO("n " << n << ", iterations " << result.iterations << ", bound " << bound);
    REQUIRE(static_cast<double>(result.iterations) <= bound);
  }
}

TEST_CASE("CG takes the same iterations as Eigen::ConjugateGradient", "[linalg][cg][poisson]") {
  // Eigen reports one fewer than the number of products it made in its loop (it leaves the
  // loop before counting the converging pass); iterum counts steps.
  for (const iterum::Index n : {32, 64, 128}) {
    const auto a = iterum::linalg::laplacian_2d(n, n);
    const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(a.rows(), -1.0, 2.0);
    Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> eigen;
    eigen.setTolerance(1e-10);
    eigen.compute(a);
    const Eigen::VectorXd x_eigen = eigen.solve(b);
    const auto ours = iterum::linalg::conjugate_gradient(a, b, {.tolerance = 1e-10});
    REQUIRE(ours.ok());
    const double eigen_steps = static_cast<double>(eigen.iterations() + 1);
    INFO("n " << n << ": iterum " << ours.iterations << ", Eigen " << eigen.iterations());
    REQUIRE(std::abs(static_cast<double>(ours.iterations) - eigen_steps) <=
            std::max(1.0, 0.02 * eigen_steps));
    REQUIRE((ours.x - x_eigen).norm() <= 1e-8 * x_eigen.norm());
  }
}

TEST_CASE("CG accepts a matrix-free operator and agrees with the sparse matrix", "[linalg][cg]") {
  static constexpr iterum::Index n = 24;
  const auto a = iterum::linalg::laplacian_2d(n, n);
  auto stencil = iterum::linalg::matrix_free<double>(
      n * n, n * n, [](const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> y) {
        for (iterum::Index j = 0; j < n; ++j) {
          for (iterum::Index i = 0; i < n; ++i) {
            const iterum::Index k = i + n * j;
            double v = 4 * x[k];
            if (i > 0) v -= x[k - 1];
            if (i + 1 < n) v -= x[k + 1];
            if (j > 0) v -= x[k - n];
            if (j + 1 < n) v -= x[k + n];
            y[k] = v;
          }
        }
      });
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(n * n);
  const auto free = iterum::linalg::conjugate_gradient(stencil, b);  // Automatic -> identity
  const auto sparse =
      iterum::linalg::conjugate_gradient(a, b, {.preconditioner = CgPreconditioner::Identity});
  REQUIRE(free.ok());
  REQUIRE(free.iterations == sparse.iterations);
  REQUIRE((free.x - sparse.x).norm() <= 1e-12 * sparse.x.norm());
}

TEST_CASE("CG evaluates Eigen expressions and works in float", "[linalg][cg]") {
  const Eigen::MatrixXd g = random_spd(20, 50.0, 5);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(20);
  const auto result = iterum::linalg::conjugate_gradient(0.5 * (g + g.transpose()), b);
  REQUIRE(result.ok());
  REQUIRE((g * result.x - b).norm() <= 1e-9 * b.norm());

  const Eigen::MatrixXf gf = g.cast<float>();
  const Eigen::VectorXf bf = Eigen::VectorXf::Ones(20);
  const auto single = iterum::linalg::conjugate_gradient(gf, bf, {.tolerance = 1e-5});
  STATIC_REQUIRE(std::is_same_v<decltype(single.x), Eigen::VectorXf>);
  REQUIRE(single.ok());
  REQUIRE((gf * single.x - bf).norm() <= 1e-4f * bf.norm());
}

TEST_CASE("CG warm starts, zero right-hand sides and budgets", "[linalg][cg]") {
  const auto a = iterum::linalg::laplacian_2d(16, 16);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  const auto cold = iterum::linalg::conjugate_gradient(a, b, {.tolerance = 1e-12});
  REQUIRE(cold.ok());

  SECTION("starting at the solution takes no iteration") {
    const auto warm = iterum::linalg::conjugate_gradient(a, b, cold.x, {.tolerance = 1e-10});
    REQUIRE(warm.ok());
    REQUIRE(warm.iterations == 0);
  }
  SECTION("a close start takes fewer iterations") {
    const Eigen::VectorXd near = cold.x + 1e-6 * Eigen::VectorXd::Ones(a.rows());
    const auto warm = iterum::linalg::conjugate_gradient(a, b, near, {.tolerance = 1e-12});
    REQUIRE(warm.ok());
    REQUIRE(warm.iterations < cold.iterations);
  }
  SECTION("b = 0 gives x = 0 at once") {
    const auto zero = iterum::linalg::conjugate_gradient(a, Eigen::VectorXd::Zero(a.rows()));
    REQUIRE(zero.ok());
    REQUIRE(zero.iterations == 0);
    REQUIRE(zero.x.isZero(0.0));
  }
  SECTION("an iteration budget is a status, with a finite iterate") {
    const auto capped =
        iterum::linalg::conjugate_gradient(a, b, {.tolerance = 1e-12, .max_iterations = 5});
    REQUIRE(capped.status == Status::MaxIterations);
    REQUIRE(capped.iterations == 5);
    REQUIRE(capped.residual > 1e-12);
    REQUIRE(capped.x.allFinite());
  }
}

TEST_CASE("CG reports Breakdown on an indefinite matrix, never a NaN", "[linalg][cg]") {
  const Eigen::Matrix2d a{{1.0, 0.0}, {0.0, -1.0}};
  const Eigen::Vector2d b(1.0, 1.0);
  const auto result =
      iterum::linalg::conjugate_gradient(a, b, {.preconditioner = CgPreconditioner::Identity});
  REQUIRE(result.status == Status::Breakdown);
  REQUIRE(result.x.allFinite());
  REQUIRE(std::isfinite(result.residual));
}

TEST_CASE("CG reports NumericalIssue when a user operator produces NaN", "[linalg][cg]") {
  auto broken = iterum::linalg::matrix_free<double>(
      3, 3, [](const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> y) {
        y = 2 * x;
        if (x.norm() > 0) y[1] = std::numeric_limits<double>::quiet_NaN();
      });
  const auto result = iterum::linalg::conjugate_gradient(broken, Eigen::Vector3d(1, 2, 3));
  REQUIRE(result.status == Status::NumericalIssue);
  REQUIRE_FALSE(result.ok());
}

TEST_CASE("CG history, progress and callback", "[linalg][cg][monitor]") {
  const auto a = iterum::linalg::laplacian_2d(10, 10);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  std::ostringstream out;
  const auto result = iterum::linalg::conjugate_gradient(
      a, b,
      {.tolerance = 1e-8,
       .monitor = {.progress = &out, .progress_every_iterations = 5, .record_history = true}});
  REQUIRE(result.ok());
  REQUIRE(result.history.size() == static_cast<std::size_t>(result.iterations + 1));
  REQUIRE(result.history.front() == 1.0);
  REQUIRE(result.history.back() == result.residual);
  REQUIRE(contains(out.str(), "iterum::linalg::conjugate_gradient: Converged after"));

  const auto stopped = iterum::linalg::conjugate_gradient(
      a, b,
      {.monitor = {.callback = [](const iterum::IterationInfo& i) { return i.iteration == 4; }}});
  REQUIRE(stopped.status == Status::StoppedByObserver);
  REQUIRE(stopped.iterations == 4);
}

TEST_CASE("CG rejects bad input with messages naming function, argument and value",
          "[linalg][cg][errors]") {
  const Eigen::MatrixXd a = random_spd(4, 10.0, 3);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(4);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::string f = "iterum::linalg::conjugate_gradient: ";

  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(Eigen::MatrixXd(3, 4), Eigen::VectorXd(3));
          }) == f + "argument 'A' must be square (got 3x4)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(Eigen::MatrixXd(0, 0), Eigen::VectorXd(0));
          }) == f + "argument 'A' must not be empty (got size 0)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(a, Eigen::VectorXd::Ones(5));
          }) == f + "argument 'b' must have as many entries as A has rows (4) (got 5)");
  Eigen::VectorXd bad_b = b;
  bad_b[2] = nan;
  REQUIRE(invalid_argument_message([&] { (void)iterum::linalg::conjugate_gradient(a, bad_b); }) ==
          f + "argument 'b' must be finite, but entry 2 is not (got nan)");
  Eigen::MatrixXd bad_a = a;
  bad_a(1, 3) = inf;
  REQUIRE(invalid_argument_message([&] { (void)iterum::linalg::conjugate_gradient(bad_a, b); }) ==
          f + "argument 'A' must be finite, but entry (1, 3) is not (got inf)");
  Eigen::SparseMatrix<double> bad_sparse = iterum::linalg::laplacian_2d(2, 2);
  bad_sparse.coeffRef(0, 1) = nan;
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(bad_sparse, b);
          }) == f + "argument 'A' must be finite, but entry (0, 1) is not (got nan)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(a, b, Eigen::VectorXd::Ones(3));
          }) == f + "argument 'x0' must have as many entries as A has columns (4) (got 3)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(a, b, Eigen::VectorXd::Constant(4, inf));
          }) == f + "argument 'x0' must be finite, but entry 0 is not (got inf)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(a, b, {.tolerance = -1e-3});
          }) == f + "argument 'options.tolerance' must be nonnegative (got -0.001)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(a, b, {.tolerance = nan});
          }) == f + "argument 'options.tolerance' must be nonnegative (got nan)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(a, b, {.max_iterations = -2});
          }) == f + "argument 'options.max_iterations' must be nonnegative (got -2)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(a, b, {.time_limit_seconds = 0});
          }) == f + "argument 'options.time_limit_seconds' must be positive (got 0)");
  Eigen::MatrixXd negative_diagonal = Eigen::MatrixXd::Identity(4, 4);
  negative_diagonal(2, 2) = -3;
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(negative_diagonal, b);
          }) == f + "argument 'A' must have a positive finite diagonal for Jacobi "
                    "preconditioning, but diagonal entry 2 is not (got -3)");
  auto free = iterum::linalg::matrix_free<double>(
      4, 4,
      [](const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> y) { y = x; });
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::conjugate_gradient(free, b,
                                                     {.preconditioner = CgPreconditioner::Jacobi});
          }) == f + "argument 'options.preconditioner' is Jacobi, but A has no diagonal(): use "
                    "Identity or Automatic");
}

TEST_CASE("ConjugateGradient is a LinearSolver", "[linalg][cg][linear_solver]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(12, 12);
  const auto op = iterum::linalg::make_operator(a);
  iterum::linalg::ConjugateGradient<decltype(op)> solver;
  iterum::test::check_linear_solver(solver, op, Eigen::MatrixXd(a), 1e-10);

  SECTION("a warm start is used") {
    Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
    Eigen::VectorXd x = Eigen::VectorXd::Zero(a.rows());
    const auto cold = solver.solve(b, x);
    const auto again = solver.solve(b, x);
    REQUIRE(cold.iterations > 0);
    REQUIRE(again.iterations == 0);
  }
  SECTION("a compute that throws keeps the previous operator") {
    Eigen::SparseMatrix<double> bad = a;
    bad.coeffRef(3, 3) = -1.0;
    const auto bad_op = iterum::linalg::make_operator(bad);
    REQUIRE(invalid_argument_message([&] { (void)solver.compute(bad_op); }) ==
            "iterum::linalg::JacobiPreconditioner::compute: argument 'A' must have a positive "
            "finite diagonal for Jacobi preconditioning, but diagonal entry 3 is not (got -1)");
    Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows()), x = Eigen::VectorXd::Zero(a.rows());
    REQUIRE(solver.solve(b, x).ok());
    REQUIRE((Eigen::MatrixXd(a) * x - b).norm() <= 1e-9 * b.norm());
  }
  SECTION("solve before compute is bad input") {
    iterum::linalg::ConjugateGradient<decltype(op)> fresh;
    Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows()), x = b;
    REQUIRE(invalid_argument_message([&] { (void)fresh.solve(b, x); }) ==
            "iterum::linalg::ConjugateGradient::solve: argument 'this' needs compute(A) before "
            "solve");
  }
}

TEST_CASE("CgMethod and LinearSystem check sizes and refuse temporaries", "[linalg][cg][errors]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(3, 3);
  const auto op = iterum::linalg::make_operator(a);
  using System = iterum::linalg::LinearSystem<decltype(op)>;
  STATIC_REQUIRE_FALSE(std::is_constructible_v<System, decltype(op), Eigen::VectorXd&&>);
  STATIC_REQUIRE(std::is_constructible_v<System, decltype(op)&, const Eigen::VectorXd&>);
  const Eigen::VectorXd short_b = Eigen::VectorXd::Ones(4);
  REQUIRE(invalid_argument_message([&] { System s(op, short_b); }) ==
          "iterum::linalg::LinearSystem: argument 'b' must have as many entries as A has rows "
          "(9) (got 4)");
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(9);
  const System system(op, b);
  iterum::linalg::CgMethod<double> method;
  REQUIRE(invalid_argument_message([&] { (void)method.init(system, Eigen::VectorXd::Ones(5)); }) ==
          "iterum::linalg::CgMethod::restart: argument 'x0' must have as many entries as A has "
          "columns (9) (got 5)");
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("CG steps, and repeated inner solves, do not allocate", "[linalg][cg][allocation]") {
  // The test target defines EIGEN_RUNTIME_NO_MALLOC and keeps Eigen's assertions on, so any
  // Eigen heap allocation below aborts the test.
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(20, 20);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  const auto op = iterum::linalg::make_operator(a);
  const iterum::linalg::LinearSystem<decltype(op)> system(op, b);
  iterum::linalg::CgMethod<double> method;
  auto state = method.init(system);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 10; ++k) REQUIRE_FALSE(method.step(system, state).has_value());
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(method.residual(system, state) < 1.0);

  iterum::linalg::ConjugateGradient<decltype(op)> solver;
  REQUIRE(solver.compute(op) == Status::Converged);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(a.rows());
  REQUIRE(solver.solve(b, x).ok());  // the first solve sizes the workspace
  x.setZero();
  Eigen::internal::set_is_malloc_allowed(false);
  const auto again = solver.solve(b, x);
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(again.ok());
}
#endif

TEST_CASE("ConjugateGradient takes Eigen matrices as its operand", "[linalg][cg][linear_solver]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(9, 8);
  iterum::linalg::ConjugateGradient<Eigen::SparseMatrix<double>> sparse;
  iterum::test::check_linear_solver(sparse, a, Eigen::MatrixXd(a), 1e-10);
  const Eigen::MatrixXd dense(a);
  iterum::linalg::ConjugateGradient<Eigen::MatrixXd> on_dense;
  iterum::test::check_linear_solver(on_dense, dense, dense, 1e-10);
}

TEST_CASE("ConjugateGradient's iteration budget can be changed between solves",
          "[linalg][cg][linear_solver]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(16, 16);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  iterum::linalg::ConjugateGradient<Eigen::SparseMatrix<double>> solver;
  REQUIRE(solver.compute(a) == iterum::Status::Converged);
  solver.set_max_iterations(3);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(a.rows());
  const auto short_run = solver.solve(b, x);
  REQUIRE(short_run.status == iterum::Status::MaxIterations);
  REQUIRE(short_run.iterations == 3);
  solver.set_max_iterations(std::nullopt);  // back to 2 n
  x.setZero();
  const auto full = solver.solve(b, x);
  REQUIRE(full.status == iterum::Status::Converged);
  REQUIRE(full.iterations > 3);
  REQUIRE(iterum::test::invalid_argument_message([&] { solver.set_max_iterations(-1); }) ==
          "iterum::linalg::ConjugateGradient::set_max_iterations: argument 'max_iterations' must "
          "be nonnegative (got -1)");
}

TEST_CASE("CG solves systems scaled by 1e-200 and 1e300 (norms are scale-safe)",
          "[linalg][cg][robustness]") {
  // Issue 11, D1: ||b||^2 underflowed, so b = 1e-200 reported Converged at iteration 0, x = 0.
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(3, 3);
  for (const auto preconditioner : {CgPreconditioner::Identity, CgPreconditioner::Jacobi}) {
    const Eigen::VectorXd tiny = Eigen::VectorXd::Constant(3, 1e-200);
    const auto r =
        iterum::linalg::conjugate_gradient(eye, tiny, {.preconditioner = preconditioner});
    REQUIRE(r.status == Status::Converged);
    REQUIRE(r.iterations >= 1);
    REQUIRE((r.x - tiny).norm() <= 1e-12 * tiny.stableNorm());
    // D2: A = 1e300 I, b = 1e300 1 gave NumericalIssue with residual NaN.
    const Eigen::MatrixXd big = 1e300 * eye;
    const Eigen::VectorXd huge = Eigen::VectorXd::Constant(3, 1e300);
    const auto h =
        iterum::linalg::conjugate_gradient(big, huge, {.preconditioner = preconditioner});
    REQUIRE(h.status == Status::Converged);
    REQUIRE(std::isfinite(h.residual));
    REQUIRE((h.x - Eigen::VectorXd::Ones(3)).norm() <= 1e-12);
  }
  // A warm start and a poorly scaled SPD system keep the unscaled answer.
  const Eigen::MatrixXd a = 1e-250 * random_spd(20, 100.0, 7);
  const Eigen::VectorXd b = 1e-250 * Eigen::VectorXd::LinSpaced(20, -1.0, 2.0);
  const Eigen::VectorXd x0 = Eigen::VectorXd::Constant(20, 0.5);
  const auto w = iterum::linalg::conjugate_gradient(a, b, x0, {.tolerance = 1e-12});
  REQUIRE(w.status == Status::Converged);
  const Eigen::VectorXd exact = (a / 1e-250).ldlt().solve(b / 1e-250);
  REQUIRE((w.x - exact).norm() <= 1e-8 * exact.norm());
}

TEST_CASE("CG and SSOR-CG check symmetry on request (options.symmetry_tolerance)", "[linalg][cg]") {
  // A non-symmetric but positive definite (in the sense x'Ax > 0) sparse matrix: without the
  // check CG applies the symmetric product and solves another system without a sign.
  Eigen::SparseMatrix<double> a(3, 3);
  a.insert(0, 0) = 4;
  a.insert(1, 1) = 4;
  a.insert(2, 2) = 4;
  a.insert(1, 0) = 1;
  a.insert(0, 1) = 0.5;
  a.makeCompressed();
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(3);
  const std::string expected =
      "iterum::linalg::conjugate_gradient: argument 'A' must be symmetric to within "
      "options.symmetry_tolerance (|A(i,j) - A(j,i)| / max |A|) (got |A(1,0) - A(0,1)| / max "
      "|A| = 0.125)";
  CHECK(invalid_argument_message([&] {
          (void)iterum::linalg::conjugate_gradient(a, b, {.symmetry_tolerance = 1e-12});
        }) == expected);
  const Eigen::MatrixXd dense(a);
  CHECK(invalid_argument_message([&] {
          (void)iterum::linalg::conjugate_gradient(dense, b, {.symmetry_tolerance = 0.0});
        }) == expected);
  CHECK(contains(invalid_argument_message([&] {
                   (void)iterum::linalg::ssor_conjugate_gradient(a, b,
                                                                 {.symmetry_tolerance = 1e-12});
                 }),
                 "iterum::linalg::ssor_conjugate_gradient: argument 'A' must be symmetric"));
  iterum::linalg::ConjugateGradient<Eigen::SparseMatrix<double>> solver(
      CgOptions{.symmetry_tolerance = 1e-12});
  CHECK(contains(invalid_argument_message([&] { (void)solver.compute(a); }),
                 "iterum::linalg::ConjugateGradient::compute: argument 'A' must be symmetric"));
  const auto op = iterum::linalg::matrix_free<double>(
      3, 3, [&](const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> y) {
        y = dense * x;
      });
  CHECK(contains(invalid_argument_message([&] {
                   (void)iterum::linalg::conjugate_gradient(op, b, {.symmetry_tolerance = 1e-12});
                 }),
                 "argument 'A' must be symmetric to within options.symmetry_tolerance (probed"));
  // A loose enough tolerance accepts it (0.125 of max |A|); so does the unchecked default.
  CHECK(iterum::linalg::conjugate_gradient(a, b, {.symmetry_tolerance = 0.2}).x.allFinite());

  // Symmetric matrices pass at every scale, the check included (and the solution is right).
  for (const double scale : {1e-300, 1.0, 1e300}) {
    Eigen::SparseMatrix<double> s = a;
    s.coeffRef(0, 1) = 1;
    s *= scale;
    const Eigen::MatrixXd sd(s);
    const auto r = iterum::linalg::conjugate_gradient(s, b, {.symmetry_tolerance = 0.0});
    REQUIRE(r.ok());
    CHECK((sd * r.x - b).norm() <= 1e-9 * b.norm());
    CHECK(iterum::linalg::conjugate_gradient(sd, b, {.symmetry_tolerance = 0.0}).ok());
    CHECK(iterum::linalg::ssor_conjugate_gradient(s, b, {.symmetry_tolerance = 0.0}).ok());
    const auto sop = iterum::linalg::matrix_free<double>(
        3, 3, [&](const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> y) {
          y = sd * x;
        });
    CHECK(iterum::linalg::conjugate_gradient(sop, b, {.symmetry_tolerance = 1e-12}).ok());
  }
  CHECK(invalid_argument_message([&] {
          (void)iterum::linalg::conjugate_gradient(a, b, {.symmetry_tolerance = -1.0});
        }) ==
        "iterum::linalg::conjugate_gradient: argument 'options.symmetry_tolerance' must be "
        "nonnegative (got -1)");
}
