#pragma once

/// @file least_squares_problem.hpp
/// @brief `bcd::LeastSquaresProblem`: f(x) = 1/2 ||A x - b||^2 as a `BlockSmooth` problem with a
/// maintained residual, so a coordinate move costs O(nnz of one column of A).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <string_view>

#include "iterum/bcd/detail/columns.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// f(x) = 1/2 ||A x - b||^2 for an m by n `Matrix` (`Eigen::Matrix` or a column-major
/// `Eigen::SparseMatrix`). The bookkeeping is the residual r = A x - b:
/// d_i f = a_i . r costs O(nnz(a_i)), and a move x_i += delta is r += delta a_i.
/// Coordinate constants L_i = ||a_i||^2; Hessian bound H = A^T A (exact).
/// Holds A and b by reference: both must outlive the problem.
template <class MatrixType>
class LeastSquaresProblem {
 public:
  using Scalar = typename MatrixType::Scalar;
  /// Checks that b has as many entries as A has rows.
  LeastSquaresProblem(const MatrixType& a, const Vector<Scalar>& b)
      : a_(a), b_(b), lipschitz_(detail::column_norms2(a)) {
    check::size("iterum::bcd::LeastSquaresProblem", "b", b.size(), a.rows(),
                "must have as many entries as A has rows");
  }
  // Temporaries would dangle: the problem holds references.
  LeastSquaresProblem(const MatrixType&&, const Vector<Scalar>&) = delete;
  LeastSquaresProblem(const MatrixType&, const Vector<Scalar>&&) = delete;
  LeastSquaresProblem(const MatrixType&&, const Vector<Scalar>&&) = delete;

  [[nodiscard]] Index dim() const noexcept { return a_.cols(); }
  /// The bookkeeping is r = A x - b, m entries.
  [[nodiscard]] Index tracked_size() const noexcept { return a_.rows(); }
  /// r = A x - b, from scratch.
  void reset(const Vector<Scalar>& x, Vector<Scalar>& t) const {
    detail::affine_residual(a_, x, b_, t);
  }
  [[nodiscard]] Scalar value(const Vector<Scalar>& /*x*/, const Vector<Scalar>& t) const {
    return Scalar(0.5) * t.squaredNorm();
  }
  [[nodiscard]] Scalar partial(Index i, const Vector<Scalar>& t) const {
    return detail::column_dot(a_, i, t);
  }
  void move(Index i, Scalar delta, Vector<Scalar>& t) const {
    detail::column_axpy(a_, i, delta, t);
  }
  [[nodiscard]] const Vector<Scalar>& coordinate_lipschitz() const noexcept { return lipschitz_; }
  /// (A^T A)_ij = a_i . a_j.
  [[nodiscard]] Scalar hessian(Index i, Index j) const { return detail::column_inner(a_, i, j); }

  [[nodiscard]] const MatrixType& a() const noexcept { return a_; }
  [[nodiscard]] const Vector<Scalar>& b() const noexcept { return b_; }

 private:
  const MatrixType& a_;
  const Vector<Scalar>& b_;
  Vector<Scalar> lipschitz_;
};

}  // namespace iterum::bcd
