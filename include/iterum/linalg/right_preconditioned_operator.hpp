#pragma once

/// @file right_preconditioned_operator.hpp
/// @brief `RightPreconditionedOperator`: the product A N of an operator and a right
/// preconditioner, both `AdjointOperator`s, as one `AdjointOperator` (what preconditioned
/// least-squares iterations such as LSQR on A R^{-1} apply).

#include <Eigen/Core>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// y = A N x and x = N^T A^T y for A (m by n) and N (n by k), both `AdjointOperator`s held by
/// reference (they must outlive this operator), with one n-vector of workspace (so a single
/// object must not be applied from two threads at once). Models `AdjointOperator`.
template <class Op, class P>
requires AdjointOperator<Op> && AdjointOperator<P>
class RightPreconditionedOperator {
 public:
  using Scalar = typename Op::Scalar;

  /// Throws `iterum::invalid_argument` unless N has as many rows as A has columns.
  RightPreconditionedOperator(const Op& a, const P& n) : a_(&a), n_(&n), t_(a.cols()) {
    check::size("iterum::linalg::RightPreconditionedOperator", "N", n.rows(), a.cols(),
                "must have as many rows as A has columns");
  }
  RightPreconditionedOperator(Op&&, const P&) = delete;
  RightPreconditionedOperator(const Op&, P&&) = delete;

  [[nodiscard]] Index rows() const noexcept { return a_->rows(); }
  [[nodiscard]] Index cols() const noexcept { return n_->cols(); }

  /// out = A (N y).
  void apply(const Vector<Scalar>& y, Vector<Scalar>& out) const {
    n_->apply(y, t_);
    a_->apply(t_, out);
  }

  /// out = N^T (A^T z).
  void apply_adjoint(const Vector<Scalar>& z, Vector<Scalar>& out) const {
    a_->apply_adjoint(z, t_);
    n_->apply_adjoint(t_, out);
  }

 private:
  const Op* a_;
  const P* n_;
  mutable Vector<Scalar> t_;
};

}  // namespace iterum::linalg
