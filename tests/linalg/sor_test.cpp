#include "iterum/linalg/sor.hpp"

#include <Eigen/Cholesky>
#include <Eigen/SparseCholesky>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "support/catch_compat.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::linalg::SorOptions;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

namespace {

using RowMajor = Eigen::SparseMatrix<double, Eigen::RowMajor>;

/// SOR sweeps to relative residual 1e-8 on the N x N Poisson matrix with b = ones, x0 = 0.
iterum::Index poisson_sweeps(iterum::Index n, double omega) {
  const RowMajor a = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(n, n);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  const auto r = iterum::linalg::sor(a, b, {.tolerance = 1e-8, .omega = omega});
  REQUIRE(r.ok());
  return r.iterations;
}

/// Young's optimal omega for the N x N 5-point Laplacian: 2 / (1 + sin(pi h)), h = 1/(N+1).
double young_omega(iterum::Index n) {
  return 2.0 / (1.0 + std::sin(std::numbers::pi / static_cast<double>(n + 1)));
}

}  // namespace

TEST_CASE("SOR matches a sparse Cholesky solve for every storage and omega", "[linalg][sor]") {
  const Eigen::SparseMatrix<double> a = iterum::test::random_sparse_spd(300, 7, 1.0);
  auto engine = iterum::make_engine(8);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, 300);
  const Eigen::SimplicialLLT<Eigen::SparseMatrix<double>> llt(a);
  const Eigen::VectorXd exact = llt.solve(b);
  const RowMajor row_major = a;
  const Eigen::MatrixXd dense = a;
  for (const double omega : {0.6, 1.0, 1.3}) {
    const auto from_row = iterum::linalg::sor(row_major, b, {.tolerance = 1e-12, .omega = omega});
    const auto from_col = iterum::linalg::sor(a, b, {.tolerance = 1e-12, .omega = omega});
    const auto from_dense = iterum::linalg::sor(dense, b, {.tolerance = 1e-12, .omega = omega});
    INFO("omega " << omega << ", sweeps " << from_row.iterations);
    REQUIRE(from_row.ok());
    REQUIRE((from_row.x - exact).norm() <= 1e-10 * exact.norm());
    REQUIRE((b - a * from_row.x).norm() <= 1e-12 * b.norm());
    REQUIRE(from_row.residual <= 1e-12);
    // The same sweeps whatever the storage the matrix came in.
    REQUIRE(from_col.iterations == from_row.iterations);
    REQUIRE(from_dense.iterations == from_row.iterations);
    REQUIRE((from_dense.x - from_row.x).norm() <= 1e-14 * exact.norm());
    REQUIRE(from_row.counters.matvecs == 2 * from_row.iterations + 1);
  }
}

TEST_CASE("SOR sweeps on 2-D Poisson: research-note counts and Young's theory",
          "[linalg][sor][poisson]") {
  // A re-run of the paper's setting (b = ones, x0 = 0, tolerance 1e-8): Gauss-Seidel /
  // SOR(omega*) take 2011 / 124 sweeps at N = 32 and 7801 / 248 at N = 64.
  struct Row {
    iterum::Index n;
    double gauss_seidel, optimal;
  };
  for (const Row row : {Row{32, 2011, 124}, Row{64, 7801, 248}}) {
    const double omega_star = young_omega(row.n);
    const auto gs = static_cast<double>(poisson_sweeps(row.n, 1.0));
    const auto best = static_cast<double>(poisson_sweeps(row.n, omega_star));
    INFO("N " << row.n << ": GS " << gs << ", SOR(" << omega_star << ") " << best);
    REQUIRE(std::abs(gs - row.gauss_seidel) <= 0.02 * row.gauss_seidel);
    REQUIRE(std::abs(best - row.optimal) <= 0.02 * row.optimal);
  }
  SECTION("omega* is optimal: moving it either way costs sweeps (N = 32)") {
    const double omega_star = young_omega(32);
    const auto at = poisson_sweeps(32, omega_star);
    REQUIRE(poisson_sweeps(32, omega_star - 0.04) > at);
    REQUIRE(poisson_sweeps(32, omega_star + 0.04) > at);
    for (double omega = omega_star - 0.02; omega <= omega_star + 0.02; omega += 0.005) {
      REQUIRE(static_cast<double>(poisson_sweeps(32, omega)) >= 0.97 * static_cast<double>(at));
    }
  }
  SECTION("Gauss-Seidel contracts the residual by rho(J)^2 = cos^2(pi h) per sweep") {
    const RowMajor a = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(32, 32);
    const auto r = iterum::linalg::sor(a, Eigen::VectorXd::Ones(a.rows()),
                                       {.tolerance = 1e-8, .monitor = {.record_history = true}});
    const auto& h = r.history;
    REQUIRE(h.size() == static_cast<std::size_t>(r.iterations + 1));
    const double rate = std::pow(h[h.size() - 1] / h[h.size() - 201], 1.0 / 200.0);
    const double expected = std::pow(std::cos(std::numbers::pi / 33.0), 2);
    REQUIRE_THAT(rate, Catch::Matchers::WithinAbs(expected, 2e-4));
  }
}

TEST_CASE("SOR warm starts, zero right-hand sides, budgets and divergence", "[linalg][sor]") {
  const RowMajor a = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(12, 12);
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(a.rows(), 1.0, 2.0);
  const auto cold = iterum::linalg::sor(a, b, {.tolerance = 1e-12, .omega = 1.6});
  REQUIRE(cold.ok());

  SECTION("starting at the solution takes no sweep") {
    const auto warm = iterum::linalg::sor(a, b, cold.x, {.tolerance = 1e-10, .omega = 1.6});
    REQUIRE(warm.ok());
    REQUIRE(warm.iterations == 0);
  }
  SECTION("a close start takes fewer sweeps") {
    const Eigen::VectorXd near = cold.x + 1e-6 * Eigen::VectorXd::Ones(a.rows());
    const auto warm = iterum::linalg::sor(a, b, near, {.tolerance = 1e-12, .omega = 1.6});
    REQUIRE(warm.ok());
    REQUIRE(warm.iterations < cold.iterations);
  }
  SECTION("b = 0 gives x = 0 at once") {
    const auto zero = iterum::linalg::sor(a, Eigen::VectorXd::Zero(a.rows()));
    REQUIRE(zero.ok());
    REQUIRE(zero.iterations == 0);
  }
  SECTION("a sweep budget is a status") {
    const auto capped = iterum::linalg::sor(a, b, {.tolerance = 1e-12, .max_iterations = 7});
    REQUIRE(capped.status == Status::MaxIterations);
    REQUIRE(capped.iterations == 7);
    REQUIRE(capped.x.allFinite());
    REQUIRE(capped.residual > 1e-12);
  }
  SECTION("a diverging sweep ends with a status, never Converged or a silent NaN") {
    // Not diagonally dominant and not SPD: Gauss-Seidel's iteration matrix has radius 9.
    const Eigen::Matrix2d bad{{1.0, 3.0}, {3.0, 1.0}};
    const auto diverged = iterum::linalg::sor(bad, Eigen::Vector2d(1, 1));
    REQUIRE(diverged.status == Status::NumericalIssue);
    REQUIRE_FALSE(diverged.ok());
    const auto capped = iterum::linalg::sor(bad, Eigen::Vector2d(1, 1), {.max_iterations = 20});
    REQUIRE(capped.status == Status::MaxIterations);
    REQUIRE(std::isfinite(capped.residual));
  }
}

TEST_CASE("SOR history, progress, callback and time limit", "[linalg][sor][monitor]") {
  const RowMajor a = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(10, 10);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  std::ostringstream out;
  const auto r = iterum::linalg::sor(
      a, b,
      {.monitor = {.progress = &out, .progress_every_iterations = 10, .record_history = true},
       .omega = 1.5});
  REQUIRE(r.ok());
  REQUIRE(r.history.front() == 1.0);
  REQUIRE(r.history.back() == r.residual);
  REQUIRE(contains(out.str(), "iterum::linalg::sor: Converged after"));
  const auto stopped = iterum::linalg::sor(
      a, b,
      {.monitor = {.callback = [](const iterum::IterationInfo& i) { return i.iteration == 3; }}});
  REQUIRE(stopped.status == Status::StoppedByObserver);
  REQUIRE(stopped.iterations == 3);
  const auto timed = iterum::linalg::sor(
      a, b, {.tolerance = 0.0, .max_iterations = 100000000, .time_limit_seconds = 1e-3});
  REQUIRE(timed.status == Status::TimeLimit);
}

TEST_CASE("Sor is a LinearSolver", "[linalg][sor][linear_solver]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(10, 10);
  iterum::linalg::Sor<Eigen::SparseMatrix<double>> solver({.omega = 1.5});
  iterum::test::check_linear_solver(solver, a, Eigen::MatrixXd(a), 1e-10);

  SECTION("a warm start is used, and omega can change between solves") {
    Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
    Eigen::VectorXd x = Eigen::VectorXd::Zero(a.rows());
    const auto cold = solver.solve(b, x);
    REQUIRE(solver.solve(b, x).iterations == 0);
    solver.set_omega(1.0);
    x.setZero();
    const auto gauss_seidel = solver.solve(b, x);
    REQUIRE(gauss_seidel.ok());
    REQUIRE(gauss_seidel.iterations > cold.iterations);
    REQUIRE(gauss_seidel.iterations == iterum::linalg::sor(a, b, {.tolerance = 1e-10}).iterations);
  }
  SECTION("a compute that throws keeps the previous matrix") {
    Eigen::SparseMatrix<double> bad = a;
    bad.coeffRef(4, 4) = 0.0;
    REQUIRE(invalid_argument_message([&] { (void)solver.compute(bad); }) ==
            "iterum::linalg::Sor::compute: argument 'A' must have a nonzero finite diagonal, but "
            "diagonal entry 4 is not (got 0)");
    Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows()), x = Eigen::VectorXd::Zero(a.rows());
    REQUIRE(solver.solve(b, x).ok());
  }
  SECTION("solve before compute, and a bad omega, are bad input") {
    iterum::linalg::Sor<Eigen::SparseMatrix<double>> fresh;
    Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows()), x = b;
    REQUIRE(invalid_argument_message([&] { (void)fresh.solve(b, x); }) ==
            "iterum::linalg::Sor::solve: argument 'this' needs compute(A) before solve");
    REQUIRE(invalid_argument_message([&] { fresh.set_omega(2.0); }) ==
            "iterum::linalg::Sor::set_omega: argument 'omega' must lie in (0, 2) (got 2)");
  }
}

TEST_CASE("SOR rejects bad input with messages naming function, argument and value",
          "[linalg][sor][errors]") {
  const RowMajor a = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(2, 2);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(4);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::string f = "iterum::linalg::sor: ";
  for (const double omega : {0.0, 2.0, -0.5, nan}) {
    REQUIRE(invalid_argument_message([&] { (void)iterum::linalg::sor(a, b, {.omega = omega}); }) ==
            f + "argument 'options.omega' must lie in (0, 2) (got " +
                iterum::detail::format_number(omega) + ")");
  }
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::sor(Eigen::MatrixXd(3, 4), Eigen::VectorXd(3));
          }) == f + "argument 'A' must be square (got 3x4)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::sor(Eigen::MatrixXd(0, 0), Eigen::VectorXd(0));
          }) == f + "argument 'A' must not be empty (got size 0)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::sor(a, Eigen::VectorXd::Ones(5));
          }) == f + "argument 'b' must have as many entries as A has rows (4) (got 5)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::sor(a, b, Eigen::VectorXd::Ones(3));
          }) == f + "argument 'x0' must have as many entries as A has columns (4) (got 3)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::sor(a, b, Eigen::VectorXd::Constant(4, nan));
          }) == f + "argument 'x0' must be finite, but entry 0 is not (got nan)");
  Eigen::MatrixXd dense = Eigen::MatrixXd(a);
  dense(1, 2) = inf;
  REQUIRE(invalid_argument_message([&] { (void)iterum::linalg::sor(dense, b); }) ==
          f + "argument 'A' must be finite, but entry (1, 2) is not (got inf)");
  dense = Eigen::MatrixXd(a);
  dense(2, 2) = 0.0;
  REQUIRE(invalid_argument_message([&] { (void)iterum::linalg::sor(dense, b); }) ==
          f + "argument 'A' must have a nonzero finite diagonal, but diagonal entry 2 is not "
              "(got 0)");
  RowMajor missing(4, 4);  // no diagonal entry stored at all in row 0
  missing.insert(0, 1) = 1.0;
  for (int i = 1; i < 4; ++i) missing.insert(i, i) = 2.0;
  missing.makeCompressed();
  REQUIRE(invalid_argument_message([&] { (void)iterum::linalg::sor(missing, b); }) ==
          f + "argument 'A' must have a nonzero finite diagonal, but diagonal entry 0 is not "
              "(got 0)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::linalg::sor(a, b, {.tolerance = -1.0}); }) ==
          f + "argument 'options.tolerance' must be nonnegative (got -1)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::sor(a, b, {.max_iterations = -1});
          }) == f + "argument 'options.max_iterations' must be nonnegative (got -1)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::sor(a, b, {.time_limit_seconds = 0.0});
          }) == f + "argument 'options.time_limit_seconds' must be positive (got 0)");
  REQUIRE(invalid_argument_message([] { iterum::linalg::SorMethod<double> m({.omega = 2.5}); }) ==
          "iterum::linalg::SorMethod::set_omega: argument 'omega' must lie in (0, 2) (got 2.5)");
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("SOR sweeps, and repeated inner solves, do not allocate", "[linalg][sor][allocation]") {
  const RowMajor a = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(20, 20);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  const iterum::linalg::CsrOperator<double> op(a);
  const iterum::linalg::LinearSystem<iterum::linalg::CsrOperator<double>> system(op, b);
  iterum::linalg::SorMethod<double> method({.omega = 1.7});
  auto state = method.init(system);
  const double before = method.residual(system, state);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 10; ++k) method.step(system, state);
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(method.residual(system, state) < before);

  iterum::linalg::Sor<RowMajor> solver({.omega = 1.7});
  REQUIRE(solver.compute(a) == Status::Converged);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(a.rows());
  (void)solver.solve(b, x);  // the first solve sizes the workspace
  x.setZero();
  Eigen::internal::set_is_malloc_allowed(false);
  const auto again = solver.solve(b, x);
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(again.ok());
}
#endif

TEST_CASE("SOR solves systems scaled by 1e-200 and 1e300 (norms are scale-safe)",
          "[linalg][sor][robustness]") {
  // Issue 11, D1 and D2.
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(3, 3);
  const Eigen::VectorXd tiny = Eigen::VectorXd::Constant(3, 1e-200);
  const auto r = iterum::linalg::sor(eye, tiny);
  REQUIRE(r.status == Status::Converged);
  REQUIRE(r.iterations >= 1);
  REQUIRE((r.x - tiny).norm() <= 1e-12 * tiny.stableNorm());
  const Eigen::MatrixXd big = 1e300 * eye;
  const Eigen::VectorXd huge = Eigen::VectorXd::Constant(3, 1e300);
  const auto h = iterum::linalg::sor(big, huge);
  REQUIRE(h.status == Status::Converged);
  REQUIRE(std::isfinite(h.residual));
  REQUIRE((h.x - Eigen::VectorXd::Ones(3)).norm() <= 1e-12);
}
