#pragma once

/// @file quadratic_problem.hpp
/// @brief `bcd::QuadraticProblem`: f(x) = 1/2 x^T A x - b^T x (A symmetric positive definite,
/// dense or sparse) as a `BlockSmooth` problem with a maintained gradient.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <string_view>

#include "iterum/bcd/detail/columns.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// f(x) = 1/2 x^T A x - b^T x for a symmetric n by n `Matrix` (`Eigen::Matrix` or a
/// column-major `Eigen::SparseMatrix`, both triangles stored). The bookkeeping is the full
/// gradient g = A x - b: d_i f = g_i costs O(1), a move x_i += delta is g += delta a_i
/// (O(nnz of column i)), and the greedy rules read g without computing anything.
/// Coordinate constants L_i = A_ii; Hessian bound H = A (exact). Holds A and b by reference.
template <class MatrixType>
class QuadraticProblem {
 public:
  using Scalar = typename MatrixType::Scalar;
  /// Checks that A is square and b has as many entries as A has rows.
  QuadraticProblem(const MatrixType& a, const Vector<Scalar>& b) : a_(a), b_(b) {
    constexpr std::string_view function = "iterum::bcd::QuadraticProblem";
    check::square(function, "A", a.rows(), a.cols());
    check::size(function, "b", b.size(), a.rows(), "must have as many entries as A has rows");
    lipschitz_.resize(a.cols());
    for (Index i = 0; i < a.cols(); ++i) lipschitz_[i] = hessian(i, i);
  }
  // Temporaries would dangle: the problem holds references.
  QuadraticProblem(const MatrixType&&, const Vector<Scalar>&) = delete;
  QuadraticProblem(const MatrixType&, const Vector<Scalar>&&) = delete;
  QuadraticProblem(const MatrixType&&, const Vector<Scalar>&&) = delete;

  [[nodiscard]] Index dim() const noexcept { return a_.cols(); }
  /// The bookkeeping is g = A x - b, n entries.
  [[nodiscard]] Index tracked_size() const noexcept { return a_.cols(); }
  /// g = A x - b, from scratch.
  void reset(const Vector<Scalar>& x, Vector<Scalar>& t) const {
    detail::affine_residual(a_, x, b_, t);
  }
  /// f(x) = 1/2 x^T (g - b) with g = A x - b.
  [[nodiscard]] Scalar value(const Vector<Scalar>& x, const Vector<Scalar>& t) const {
    return Scalar(0.5) * (x.dot(t) - x.dot(b_));
  }
  [[nodiscard]] Scalar partial(Index i, const Vector<Scalar>& t) const { return t[i]; }
  void move(Index i, Scalar delta, Vector<Scalar>& t) const {
    detail::column_axpy(a_, i, delta, t);
  }
  [[nodiscard]] const Vector<Scalar>& gradient(const Vector<Scalar>& t) const noexcept { return t; }
  [[nodiscard]] const Vector<Scalar>& coordinate_lipschitz() const noexcept { return lipschitz_; }
  [[nodiscard]] Scalar hessian(Index i, Index j) const {
    if constexpr (detail::is_sparse_v<MatrixType>) {
      return a_.coeff(i, j);
    } else {
      return a_(i, j);
    }
  }

  [[nodiscard]] const MatrixType& a() const noexcept { return a_; }
  [[nodiscard]] const Vector<Scalar>& b() const noexcept { return b_; }

 private:
  const MatrixType& a_;
  const Vector<Scalar>& b_;
  Vector<Scalar> lipschitz_;
};

}  // namespace iterum::bcd
