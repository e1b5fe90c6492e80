#pragma once

/// @file least_squares.hpp
/// @brief `prox::LeastSquares`, the proximal map of a least-squares term, with the linear solver
/// as a policy (`iterum::LinearSolver`). Models `iterum::ProxOperator`.

#include <Eigen/Core>
#include <memory>
#include <string_view>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/direct_solver.hpp"

namespace iterum::prox {

/// prox of gamma f for f(x) = 1/2 ||A x - b||^2:
/// out = (I + gamma A^T A)^{-1} (v + gamma A^T b).
///
/// `Solver` solves with the symmetric positive definite I + gamma A^T A: any
/// `iterum::LinearSolver<Solver, Matrix<Scalar>>`, set up once and called once per application
/// (from `out`'s incoming value as initial guess when it has the right size and is finite, else
/// from 0: a warm start for iterative solvers). The default, `linalg::DenseLlt<Scalar>`, is Eigen's
/// Cholesky factorization computed once; `linalg::ConjugateGradient<Matrix<Scalar>>` (with a tight
/// tolerance) gives the same point without a factorization. A solver that exposes its
/// factorization (`solver.factorization().solve(r)`, as `linalg::DirectSolver` does) is applied
/// through it, skipping the residual product that `LinearSolver::solve` computes to certify
/// each solve. The matrix, the solver and a
/// workspace are shared by copies, so a copy must not be applied from two threads at once.
/// Applying allocates nothing when the solver does not.
template <class Scalar, class Solver = linalg::DenseLlt<Scalar>>
requires LinearSolver<Solver, Matrix<Scalar>>
class LeastSquares {
 public:
  /// Throws `iterum::invalid_argument` for an empty A, a size mismatch, non-finite data, a
  /// non-positive gamma, or when the solver's `compute` does not report `Converged`.
  LeastSquares(const Matrix<Scalar>& a, const Vector<Scalar>& b, Scalar gamma,
               Solver solver = Solver{}) {
    constexpr std::string_view function = "iterum::prox::LeastSquares";
    check::not_empty(function, "A", a.size());
    check::size(function, "b", b.size(), a.rows(), "must have as many entries as A has rows");
    check::all_finite(function, "A", a);
    check::all_finite(function, "b", b);
    check::positive(function, "gamma", static_cast<double>(gamma));
    check::finite(function, "gamma", static_cast<double>(gamma));
    Matrix<Scalar> m = gamma * (a.transpose() * a);
    m.diagonal().array() += Scalar(1);
    // Entries near 1e200 (or a huge gamma) overflow here: say so in this function's terms
    // rather than let the factorization name its own argument.
    check::that(m.allFinite(), function, "A",
                "must keep I + gamma A^T A finite, but its entries overflow (scale A or gamma "
                "down)");
    // Held on the heap: the solver refers to the matrix, which must not move.
    impl_ = std::make_shared<Impl>(std::move(m), std::move(solver));
    impl_->shift = gamma * (a.transpose() * b);
    impl_->rhs.resize(a.cols());
    const Status status = impl_->solver.compute(impl_->matrix);
    check::that(status == Status::Converged, function, "solver",
                "could not be set up for I + gamma A^T A");
  }
  void operator()(const Vector<Scalar>& v, Vector<Scalar>& out) const {
    impl_->rhs = v + impl_->shift;
    if constexpr (requires { impl_->solver.factorization().solve(impl_->rhs); }) {
      // A direct solver (linalg::DirectSolver): solve with its factorization, without the
      // residual product its `solve` adds to certify (it would double the cost per apply).
      out.noalias() = impl_->solver.factorization().solve(impl_->rhs);
    } else {
      if (out.size() != v.size() || !out.allFinite()) out.setZero(v.size());
      (void)impl_->solver.solve(impl_->rhs, out);
    }
  }
  [[nodiscard]] Index dim() const noexcept { return impl_->shift.size(); }
  /// The solver (e.g. to read a factorization).
  [[nodiscard]] const Solver& solver() const noexcept { return impl_->solver; }

 private:
  struct Impl {
    Impl(Matrix<Scalar> m, Solver s) : matrix(std::move(m)), solver(std::move(s)) {}
    Matrix<Scalar> matrix;  // I + gamma A^T A
    Solver solver;
    Vector<Scalar> shift;  // gamma A^T b
    Vector<Scalar> rhs;    // workspace: v + shift
  };
  std::shared_ptr<Impl> impl_;
};

}  // namespace iterum::prox
