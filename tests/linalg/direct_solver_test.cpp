#include "iterum/linalg/direct_solver.hpp"

#include <Eigen/SparseCore>
#include <limits>

#include "iterum/linalg/laplacian.hpp"
#include "support/catch_compat.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/throws.hpp"

using iterum::Status;

TEST_CASE("dense and sparse Cholesky adapters are LinearSolvers", "[linalg][direct]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(9, 7);
  const Eigen::MatrixXd dense(a);
  iterum::linalg::DenseLlt<> llt;
  iterum::test::check_linear_solver(llt, dense, dense, 1e-12);
  iterum::linalg::DenseLdlt<> ldlt;
  iterum::test::check_linear_solver(ldlt, dense, dense, 1e-12);
  iterum::linalg::SparseLlt<> sparse_llt;
  iterum::test::check_linear_solver(sparse_llt, a, dense, 1e-12);
  iterum::linalg::SparseLdlt<> sparse_ldlt;
  iterum::test::check_linear_solver(sparse_ldlt, a, dense, 1e-12);
}

TEST_CASE("a failed factorization is a status, not a crash", "[linalg][direct]") {
  const Eigen::Matrix3d indefinite{{2, 0, 0}, {0, -1, 0}, {0, 0, 1}};
  const Eigen::MatrixXd a = indefinite;
  iterum::linalg::DenseLlt<> llt;
  REQUIRE(llt.compute(a) == Status::NumericalIssue);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(3);
  const auto report = llt.solve(Eigen::VectorXd::Ones(3), x);
  REQUIRE(report.status == Status::NumericalIssue);

  // LDL^T handles the symmetric indefinite matrix exactly.
  iterum::linalg::DenseLdlt<> ldlt;
  REQUIRE(ldlt.compute(a) == Status::Converged);
  const auto solved = ldlt.solve(Eigen::VectorXd::Ones(3), x);
  REQUIRE(solved.ok());
  REQUIRE(x.isApprox(Eigen::Vector3d(0.5, -1.0, 1.0)));
}

TEST_CASE("the tolerance of a direct solver bounds what counts as converged", "[linalg][direct]") {
  // Hilbert matrix of order 12: SPD, condition ~1e16, so the solve cannot reach 1e-14.
  Eigen::MatrixXd h(12, 12);
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 12; ++j) h(i, j) = 1.0 / (i + j + 1);
  iterum::linalg::DenseLdlt<> solver;
  REQUIRE(solver.compute(h) == Status::Converged);
  Eigen::VectorXd x(12);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(12);
  solver.set_tolerance(std::numeric_limits<double>::infinity());  // any finite residual
  const auto loose = solver.solve(b, x);
  REQUIRE(loose.ok());
  solver.set_tolerance(loose.residual / 2);
  const auto strict = solver.solve(b, x);
  REQUIRE(strict.status == Status::NumericalIssue);
}

TEST_CASE("direct solver bad input", "[linalg][direct][errors]") {
  iterum::linalg::DenseLlt<> llt;
  Eigen::VectorXd b = Eigen::VectorXd::Ones(2), x = b;
  REQUIRE(iterum::test::invalid_argument_message([&] { (void)llt.solve(b, x); }) ==
          "iterum::linalg::DirectSolver::solve: argument 'this' needs compute(A) before solve");
  const Eigen::MatrixXd rect(2, 3);
  REQUIRE(iterum::test::invalid_argument_message([&] { (void)llt.compute(rect); }) ==
          "iterum::linalg::DirectSolver::compute: argument 'A' must be square (got 2x3)");
  const Eigen::MatrixXd spd = Eigen::MatrixXd::Identity(3, 3);
  REQUIRE(llt.compute(spd) == Status::Converged);
  REQUIRE(iterum::test::invalid_argument_message([&] { (void)llt.solve(b, x); }) ==
          "iterum::linalg::DirectSolver::solve: argument 'b' must have as many entries as A has "
          "rows (3) (got 2)");
}

TEST_CASE("a singular system is not reported as solved", "[linalg][direct]") {
  const Eigen::MatrixXd zero = Eigen::MatrixXd::Zero(3, 3);
  iterum::linalg::DenseLdlt<> ldlt;
  (void)ldlt.compute(zero);
  Eigen::VectorXd x(3);
  const auto report = ldlt.solve(Eigen::VectorXd::Ones(3), x);
  REQUIRE(report.status == Status::NumericalIssue);
  REQUIRE_FALSE(report.ok());
}

TEST_CASE("the certificate uses the triangle the factorization reads", "[linalg][direct]") {
  // Only the lower triangle is stored, which is all Eigen's Cholesky factorizations read.
  const Eigen::SparseMatrix<double> full = iterum::linalg::laplacian_2d(6, 5);
  const Eigen::SparseMatrix<double> lower = full.triangularView<Eigen::Lower>();
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(30, 1.0, 2.0);
  iterum::linalg::SparseLlt<> solver;
  REQUIRE(solver.compute(lower) == Status::Converged);
  Eigen::VectorXd x(30);
  const auto report = solver.solve(b, x);
  REQUIRE(report.ok());
  const double true_residual = (b - full * x).norm() / b.norm();
  REQUIRE(true_residual < 1e-14);
  REQUIRE(report.residual < 1e-14);
}
