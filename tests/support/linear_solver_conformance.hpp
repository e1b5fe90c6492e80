#pragma once

// Conformance check run on every LinearSolver model iterum ships: the Eigen-like lifecycle,
// the meaning of the returned Summary, and reuse of one compute() for several right-hand sides.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <optional>

#include "iterum/core/concepts.hpp"
#include "iterum/core/status.hpp"
#include "support/catch_compat.hpp"

namespace iterum::test {

/// `solver` must solve A x = b for the SPD matrix `a_matrix` (given as the operand type the
/// solver takes, `a`) to relative residual `tolerance`, for two right-hand sides after a
/// single compute(), reporting a residual that matches the true one.
template <class Solver, class Operand>
void check_linear_solver(Solver& solver, const Operand& a, const Eigen::MatrixXd& a_matrix,
                         double tolerance) {
  STATIC_REQUIRE(iterum::LinearSolver<Solver, Operand>);
  solver.set_tolerance(tolerance);
  REQUIRE(solver.compute(a) == iterum::Status::Converged);
  const iterum::Index n = a_matrix.rows();
  for (int k = 0; k < 2; ++k) {
    Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, 1.0, 2.0 + k);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
    const iterum::Summary report = solver.solve(b, x);
    REQUIRE(report.ok());
    const double true_residual = (b - a_matrix * x).norm() / b.norm();
    REQUIRE(true_residual <= 10 * tolerance);
    REQUIRE(report.residual <= tolerance);
    // The reported certificate is the true relative residual (up to round-off; for CG the
    // recursively updated residual, which tracks the true one closely at these tolerances).
    REQUIRE(std::abs(report.residual - true_residual) <= 0.5 * true_residual + 1e-14);
    REQUIRE(report.iterations >= 1);
    REQUIRE(report.counters.matvecs >= 1);
    const Eigen::VectorXd exact = a_matrix.llt().solve(b);
    REQUIRE((x - exact).norm() <= 1e-6 * exact.norm());
  }
  // The optional work budget (LinearSolverWithBudget): one iteration from zero cannot reach
  // the tolerance on these systems, and unsetting the budget restores the solver's default.
  if constexpr (iterum::LinearSolverWithBudget<Solver, Operand>) {
    const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, 1.0, 3.0);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
    solver.set_max_iterations(iterum::Index{1});
    const iterum::Summary capped = solver.solve(b, x);
    REQUIRE(capped.iterations <= 1);
    REQUIRE(capped.status == iterum::Status::MaxIterations);
    solver.set_max_iterations(std::nullopt);
    x.setZero();
    REQUIRE(solver.solve(b, x).ok());
  }
}

}  // namespace iterum::test
