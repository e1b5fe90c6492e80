#pragma once

/// @file direct_solver.hpp
/// @brief `DirectSolver`: Eigen's factorizations (LLT, LDLT, PartialPivLU, SimplicialLLT, ...)
/// as `LinearSolver` models, so a method's inner solves can be exact.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/LU>
#include <Eigen/SparseCholesky>
#include <cmath>
#include <concepts>
#include <limits>
#include <memory>

#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// A `LinearSolver` over an Eigen factorization `Factorization` (which has `MatrixType`,
/// `compute` and `solve`, and usually `info`). `compute(a)` factorizes (status `NumericalIssue`
/// when Eigen reports failure, e.g. LLT of a matrix that is not positive definite; a
/// factorization without `info()`, such as PartialPivLU, is taken as successful and a singular
/// matrix shows in the residual of the solves); `solve(b, x)` writes
/// the solution into x and certifies it with one product: residual = ||b - A x|| / ||b||,
/// where A is the symmetric matrix the factorization sees (Eigen's Cholesky factorizations
/// read one triangle only, so the product uses that triangle's self-adjoint view). The status
/// is `Converged` when that residual is finite and at most the tolerance (default sqrt(eps):
/// a backward-stable solve of a nonsingular system meets it; a singular one does not),
/// `NumericalIssue` otherwise. Both throw `iterum::invalid_argument` for a non-finite entry of
/// A or b (a NaN would otherwise come back as x), an empty or non-square A, or a size mismatch.
template <class Factorization>
class DirectSolver {
 public:
  using MatrixType = typename Factorization::MatrixType;
  using Scalar = typename MatrixType::Scalar;

  /// Factorizes `a`, which must outlive the following solves. Only the exact `MatrixType` is
  /// accepted (no implicit conversion into a temporary that would not outlive the solver).
  template <class M>
  requires std::same_as<M, MatrixType> Status compute(const M& a) {
    constexpr std::string_view function = "iterum::linalg::DirectSolver::compute";
    check::not_empty(function, "A", a.rows());
    check::square(function, "A", a.rows(), a.cols());
    check::all_finite(function, "A", a);
    a_ = &a;
    factorization_->compute(a);
    if constexpr (requires { factorization_->info(); }) {
      factorized_ = factorization_->info() == Eigen::Success;
    } else {
      factorized_ = true;
    }
    return factorized_ ? Status::Converged : Status::NumericalIssue;
  }

  Status compute(MatrixType&&) = delete;

  /// Solves A x = b (x's incoming value is ignored).
  Summary solve(const Vector<Scalar>& b, Vector<Scalar>& x) {
    constexpr std::string_view function = "iterum::linalg::DirectSolver::solve";
    check::that(a_ != nullptr, function, "this", "needs compute(A) before solve");
    check::size(function, "b", b.size(), a_->rows(), "must have as many entries as A has rows");
    check::all_finite(function, "b", b);
    const Stopwatch clock;
    Summary out;
    out.iterations = 1;
    if (!factorized_) {
      out.status = Status::NumericalIssue;
      out.seconds = clock.seconds();
      return out;
    }
    x = factorization_->solve(b);
    // stableNorm: ||b||^2 neither underflows (b of denormals) nor overflows (b = 1e300).
    const double rhs_norm = static_cast<double>(b.stableNorm());
    const double residual_norm = static_cast<double>((b - product(x)).stableNorm());
    out.counters.matvecs = 1;
    out.residual = rhs_norm > 0 ? residual_norm / rhs_norm : residual_norm;
    out.status = std::isfinite(out.residual) && out.residual <= tolerance_ ? Status::Converged
                                                                           : Status::NumericalIssue;
    out.seconds = clock.seconds();
    return out;
  }

  /// Largest relative residual reported as `Converged` (default sqrt(eps); infinity accepts
  /// any finite residual).
  void set_tolerance(double tolerance) {
    check::nonnegative("iterum::linalg::DirectSolver::set_tolerance", "tolerance", tolerance);
    tolerance_ = tolerance;
  }

  [[nodiscard]] const Factorization& factorization() const noexcept { return *factorization_; }

 private:
  // Held through a pointer so the solver is movable (Eigen's sparse factorizations are not).
  std::unique_ptr<Factorization> factorization_ = std::make_unique<Factorization>();
  const MatrixType* a_ = nullptr;
  bool factorized_ = false;
  double tolerance_ = std::sqrt(static_cast<double>(Eigen::NumTraits<Scalar>::epsilon()));

  /// A x for the matrix as the factorization reads it.
  template <class X>
  [[nodiscard]] Vector<Scalar> product(const X& x) const {
    if constexpr (requires { Factorization::UpLo; }) {
      return a_->template selfadjointView<static_cast<unsigned int>(Factorization::UpLo)>() * x;
    } else {
      return *a_ * x;
    }
  }
};

/// Dense Cholesky (A SPD).
template <class Scalar = double>
using DenseLlt = DirectSolver<Eigen::LLT<Matrix<Scalar>>>;
/// Dense LU with partial pivoting (A square and invertible, e.g. I + eta A for a monotone A).
template <class Scalar = double>
using DenseLu = DirectSolver<Eigen::PartialPivLU<Matrix<Scalar>>>;
/// Dense LDL^T with pivoting (A symmetric, semidefinite allowed).
template <class Scalar = double>
using DenseLdlt = DirectSolver<Eigen::LDLT<Matrix<Scalar>>>;
/// Sparse simplicial Cholesky (A SPD, column-major, lower triangle read).
template <class Scalar = double>
using SparseLlt = DirectSolver<Eigen::SimplicialLLT<Eigen::SparseMatrix<Scalar>>>;
/// Sparse simplicial LDL^T (A symmetric, column-major, lower triangle read).
template <class Scalar = double>
using SparseLdlt = DirectSolver<Eigen::SimplicialLDLT<Eigen::SparseMatrix<Scalar>>>;

}  // namespace iterum::linalg
