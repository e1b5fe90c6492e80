#include "iterum/linalg/ssor_cg.hpp"

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <Eigen/SparseCholesky>
#include <cmath>
#include <limits>
#include <numbers>

#include "iterum/core/random.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "support/catch_compat.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::test::invalid_argument_message;

TEST_CASE("SsorPreconditioner applies the inverse of (D + wL) D^-1 (D + wU) / (w (2 - w))",
          "[linalg][ssor]") {
  const Eigen::SparseMatrix<double> a = iterum::test::random_sparse_spd(40, 3);
  const Eigen::MatrixXd dense = a;
  const Eigen::MatrixXd d = dense.diagonal().asDiagonal();
  const Eigen::MatrixXd l = dense.triangularView<Eigen::StrictlyLower>();
  const Eigen::MatrixXd u = dense.triangularView<Eigen::StrictlyUpper>();
  auto engine = iterum::make_engine(4);
  const Eigen::VectorXd r = iterum::random::normal_vector(engine, 40);
  const auto op = iterum::linalg::make_operator(a);
  for (const double omega : {0.5, 1.0, 1.7}) {
    const Eigen::MatrixXd m =
        (d + omega * l) * d.inverse() * (d + omega * u) / (omega * (2.0 - omega));
    const Eigen::VectorXd expected = m.lu().solve(r);
    iterum::linalg::SsorPreconditioner<double> p(omega);
    p.compute(op);
    Eigen::VectorXd z(40);
    const double dot = p.apply_dot(r, z);
    REQUIRE((z - expected).norm() <= 1e-12 * expected.norm());
    REQUIRE_THAT(dot, Catch::Matchers::WithinRel(r.dot(expected), 1e-12));
  }
}

TEST_CASE("SSOR-CG matches direct solves", "[linalg][ssor]") {
  const Eigen::SparseMatrix<double> a = iterum::test::random_sparse_spd(400, 21);
  auto engine = iterum::make_engine(22);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, 400);
  const Eigen::SimplicialLLT<Eigen::SparseMatrix<double>> llt(a);
  const Eigen::VectorXd exact = llt.solve(b);
  const Eigen::SparseMatrix<double, Eigen::RowMajor> row_major = a;
  const Eigen::MatrixXd dense = a;
  for (const double omega : {0.8, 1.0, 1.5}) {
    const auto sparse =
        iterum::linalg::ssor_conjugate_gradient(a, b, {.tolerance = 1e-12, .omega = omega});
    const auto rows =
        iterum::linalg::ssor_conjugate_gradient(row_major, b, {.tolerance = 1e-12, .omega = omega});
    const auto full =
        iterum::linalg::ssor_conjugate_gradient(dense, b, {.tolerance = 1e-12, .omega = omega});
    INFO("omega " << omega << ", iterations " << sparse.iterations);
    REQUIRE(sparse.ok());
    REQUIRE((sparse.x - exact).norm() <= 1e-9 * exact.norm());
    REQUIRE((b - a * sparse.x).norm() <= 1e-11 * b.norm());
    REQUIRE(rows.iterations == sparse.iterations);
    REQUIRE(full.iterations == sparse.iterations);
    REQUIRE((full.x - exact).norm() <= 1e-9 * exact.norm());
  }
}

TEST_CASE("SSOR-CG on 2-D Poisson: research-note counts, fewer iterations than CG",
          "[linalg][ssor][poisson]") {
  // A re-run of the paper's setting (b = ones, tolerance 1e-8 on ||r|| / ||b||):
  // SSOR-PCG takes 34 / 23 iterations at omega = 1 / 1.5 for N = 32, and 60 / 39 for N = 64;
  // CG without preconditioning takes 59 and 119.
  struct Row {
    iterum::Index n;
    double at_one, at_one_and_half, plain_cg;
  };
  for (const Row row : {Row{32, 34, 23, 59}, Row{64, 60, 39, 119}}) {
    const auto a = iterum::linalg::laplacian_2d(row.n, row.n);
    const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
    const auto one = iterum::linalg::ssor_conjugate_gradient(a, b, {.omega = 1.0});
    const auto fast = iterum::linalg::ssor_conjugate_gradient(a, b, {.omega = 1.5});
    const auto plain = iterum::linalg::conjugate_gradient(
        a, b, {.tolerance = 1e-8, .preconditioner = iterum::linalg::CgPreconditioner::Identity});
    INFO("N " << row.n << ": SSOR-CG " << one.iterations << " / " << fast.iterations << ", CG "
              << plain.iterations);
    REQUIRE((one.ok() && fast.ok() && plain.ok()));
    REQUIRE(std::abs(static_cast<double>(one.iterations) - row.at_one) <= 1.0);
    REQUIRE(std::abs(static_cast<double>(fast.iterations) - row.at_one_and_half) <= 1.0);
    REQUIRE(std::abs(static_cast<double>(plain.iterations) - row.plain_cg) <= 1.0);
  }
}

TEST_CASE("SSOR-CG warm starts and statuses", "[linalg][ssor]") {
  const auto a = iterum::linalg::laplacian_2d(16, 16);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  const auto cold =
      iterum::linalg::ssor_conjugate_gradient(a, b, {.tolerance = 1e-12, .omega = 1.4});
  REQUIRE(cold.ok());
  const auto warm =
      iterum::linalg::ssor_conjugate_gradient(a, b, cold.x, {.tolerance = 1e-10, .omega = 1.4});
  REQUIRE(warm.iterations == 0);
  const auto capped =
      iterum::linalg::ssor_conjugate_gradient(a, b, {.tolerance = 1e-12, .max_iterations = 3});
  REQUIRE(capped.status == Status::MaxIterations);
  REQUIRE(capped.x.allFinite());
  const Eigen::Matrix2d indefinite{{1.0, 0.0}, {0.0, -1.0}};
  const auto broken = iterum::linalg::ssor_conjugate_gradient(indefinite, Eigen::Vector2d(1, 1));
  REQUIRE(broken.status == Status::Breakdown);
  REQUIRE(std::isfinite(broken.residual));
}

TEST_CASE("SsorConjugateGradient is a LinearSolver", "[linalg][ssor][linear_solver]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(12, 12);
  iterum::linalg::SsorConjugateGradient<Eigen::SparseMatrix<double>> solver({.omega = 1.3});
  iterum::test::check_linear_solver(solver, a, Eigen::MatrixXd(a), 1e-10);
  Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows()), x = Eigen::VectorXd::Zero(a.rows());
  solver.set_omega(1.0);
  REQUIRE(solver.omega() == 1.0);
  const auto at_one = solver.solve(b, x);
  REQUIRE(at_one.iterations ==
          iterum::linalg::ssor_conjugate_gradient(a, b, {.tolerance = 1e-10}).iterations);
  REQUIRE(invalid_argument_message([&] { solver.set_omega(0.0); }) ==
          "iterum::linalg::SsorConjugateGradient::set_omega: argument 'omega' must lie in (0, 2) "
          "(got 0)");
}

TEST_CASE("SSOR-CG rejects bad input with messages naming function, argument and value",
          "[linalg][ssor][errors]") {
  const auto a = iterum::linalg::laplacian_2d(2, 2);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(4);
  const std::string f = "iterum::linalg::ssor_conjugate_gradient: ";
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::ssor_conjugate_gradient(a, b, {.omega = 2.0});
          }) == f + "argument 'options.omega' must lie in (0, 2) (got 2)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::ssor_conjugate_gradient(a, Eigen::VectorXd::Ones(3));
          }) == f + "argument 'b' must have as many entries as A has rows (4) (got 3)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::ssor_conjugate_gradient(Eigen::MatrixXd(2, 3),
                                                          Eigen::VectorXd(2));
          }) == f + "argument 'A' must be square (got 2x3)");
  Eigen::MatrixXd dense = Eigen::MatrixXd(a);
  dense(3, 3) = std::numeric_limits<double>::infinity();
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::ssor_conjugate_gradient(dense, b);
          }) == f + "argument 'A' must be finite, but entry (3, 3) is not (got inf)");
  dense = Eigen::MatrixXd(a);
  dense(1, 1) = 0.0;
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::linalg::ssor_conjugate_gradient(dense, b);
          }) == f + "argument 'A' must have a nonzero finite diagonal, but diagonal entry 1 is "
                    "not (got 0)");
  REQUIRE(invalid_argument_message([] { iterum::linalg::SsorPreconditioner<double> p(-1.0); }) ==
          "iterum::linalg::SsorPreconditioner::set_omega: argument 'omega' must lie in (0, 2) "
          "(got -1)");
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("SSOR-CG steps do not allocate", "[linalg][ssor][allocation]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(20, 20);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
  const iterum::linalg::SymmetricSparseOperator<Eigen::SparseMatrix<double>> op(a);
  const iterum::linalg::LinearSystem<decltype(op)> system(op, b);
  iterum::linalg::CgMethod<double, iterum::linalg::SsorPreconditioner<double>> method(
      iterum::linalg::SsorPreconditioner<double>(1.5));
  auto state = method.init(system);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 8; ++k) REQUIRE_FALSE(method.step(system, state).has_value());
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(method.residual(system, state) < 1e-2);
}
#endif

TEST_CASE("SSOR-CG solves systems scaled by 1e-200 and 1e300 (norms are scale-safe)",
          "[linalg][ssor_cg][robustness]") {
  // Issue 11, D1 and D2.
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(3, 3);
  const Eigen::VectorXd tiny = Eigen::VectorXd::Constant(3, 1e-200);
  const auto r = iterum::linalg::ssor_conjugate_gradient(eye, tiny);
  REQUIRE(r.status == Status::Converged);
  REQUIRE(r.iterations >= 1);
  REQUIRE((r.x - tiny).norm() <= 1e-12 * tiny.stableNorm());
  const Eigen::MatrixXd big = 1e300 * eye;
  const Eigen::VectorXd huge = Eigen::VectorXd::Constant(3, 1e300);
  const auto h = iterum::linalg::ssor_conjugate_gradient(big, huge);
  REQUIRE(h.status == Status::Converged);
  REQUIRE(std::isfinite(h.residual));
  REQUIRE((h.x - Eigen::VectorXd::Ones(3)).norm() <= 1e-12);
}
