#pragma once

/// @file linear_resolvent.hpp
/// @brief `LinearResolvent`: the resolvent (I + eta A)^{-1} of a monotone matrix A, with the
/// linear solver as a policy (`iterum::LinearSolver`).

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/direct_solver.hpp"

namespace iterum::fixed_point {

/// The resolvent J = (I + eta A)^{-1} of a monotone linear operator A (x^T A x >= 0 for all
/// x; A need not be symmetric, e.g. the skew matrix of a bilinear game). J is firmly
/// nonexpansive and its fixed points are the zeros of A (its null space).
///
/// `Solver` solves (I + eta A) y = x: any `iterum::LinearSolver<Solver, Matrix<S>>`, set up
/// once (`compute`) and called once per application (`solve(x, y)`, from the incoming y as
/// initial guess, which iterative solvers use as a warm start). The default,
/// `linalg::DenseLu<S>`, is Eigen's partial-pivoting LU of I + eta A (which is invertible for
/// every monotone A); a symmetric A may use `linalg::DenseLlt<S>` or `linalg::ConjugateGradient`.
/// A solver that exposes its factorization (`solver.factorization().solve(x)`, as
/// `linalg::DirectSolver` does) is applied through it, skipping the residual product that
/// `LinearSolver::solve` computes to certify each solve.
/// The matrix and the solver are shared by copies of the map, so `apply` must not run on two
/// threads at once. `apply` allocates nothing when the solver does not.
template <class S, class Solver = linalg::DenseLu<S>>
requires LinearSolver<Solver, Matrix<S>>
class LinearResolvent {
 public:
  using Scalar = S;
  /// Checks that A is square, finite and monotone (the smallest eigenvalue of (A + A^T)/2 is
  /// not below -1e-12 (1 + ||(A + A^T)/2||_F)), and eta positive and finite; sets up `solver`
  /// for I + eta A. Throws `iterum::invalid_argument` for bad input, or when the solver's
  /// `compute` does not report `Converged`.
  LinearResolvent(const Matrix<Scalar>& a, Scalar eta, Solver solver = Solver{}) {
    constexpr std::string_view function = "iterum::fixed_point::LinearResolvent";
    check::not_empty(function, "A", a.size());
    check::square(function, "A", a.rows(), a.cols());
    check::all_finite(function, "A", a);
    check::positive(function, "eta", static_cast<double>(eta));
    check::finite(function, "eta", static_cast<double>(eta));
    // Monotone means the symmetric part is positive semidefinite; check its smallest
    // eigenvalue against round-off.
    // A is divided by its largest |entry| first, so that A + A^T cannot overflow (1e308 I):
    // with u that entry, the test lowest >= -1e-12 (1 + ||(A + A^T)/2||_F) reads, scaled,
    // lowest / u >= -1e-12 (1 / u + ||(A + A^T) / (2 u)||_F).
    const Scalar largest = a.cwiseAbs().maxCoeff();
    const Scalar unit = largest > 0 ? largest : Scalar(1);
    const Matrix<Scalar> sym = (a / unit + a.transpose() / unit) / Scalar(2);
    const Scalar lowest = Eigen::SelfAdjointEigenSolver<Matrix<Scalar>>(sym, Eigen::EigenvaluesOnly)
                              .eigenvalues()
                              .minCoeff();
    const Scalar slack = Scalar(1e-12) * (Scalar(1) / unit + sym.norm());
    if (!(lowest >= -slack)) {
      check::fail(
          function, "A", "must be monotone (A + A^T positive semidefinite)",
          "smallest eigenvalue of (A + A^T)/2 " + check::text(static_cast<double>(lowest * unit)));
    }
    Matrix<Scalar> m = eta * a;
    m.diagonal().array() += Scalar(1);
    // Held on the heap: the solver refers to the matrix, which must not move.
    impl_ = std::make_shared<Impl>(std::move(m), std::move(solver));
    const Status status = impl_->solver.compute(impl_->matrix);
    check::that(status == Status::Converged, function, "solver",
                "could not be set up for I + eta A");
  }
  [[nodiscard]] Index dim() const noexcept { return impl_->matrix.rows(); }
  /// tx = (I + eta A)^{-1} x (tx's incoming value, when sized and finite, is the solver's
  /// initial guess; else 0).
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const {
    if constexpr (requires { impl_->solver.factorization().solve(x); }) {
      // A direct solver (linalg::DirectSolver): solve with its factorization, without the
      // residual product its `solve` adds to certify (it would double the cost per apply).
      tx.noalias() = impl_->solver.factorization().solve(x);
    } else {
      if (tx.size() != x.size() || !tx.allFinite()) tx.setZero(x.size());
      (void)impl_->solver.solve(x, tx);
    }
  }
  /// The solver (e.g. to read a factorization).
  [[nodiscard]] const Solver& solver() const noexcept { return impl_->solver; }

 private:
  struct Impl {
    Impl(Matrix<Scalar> m, Solver s) : matrix(std::move(m)), solver(std::move(s)) {}
    Matrix<Scalar> matrix;  // I + eta A
    Solver solver;
  };
  std::shared_ptr<Impl> impl_;
};

}  // namespace iterum::fixed_point
