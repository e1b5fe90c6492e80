#pragma once

/// @file least_squares_system.hpp
/// @brief `LeastSquaresSystem`: the problem min ||A x - b|| (A rectangular) that least-squares
/// methods such as `LsqrMethod` run on.

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// The problem min_x ||A x - b||, by reference: `a` (an `AdjointOperator`, m by n, any shape)
/// and `b` (m by 1) must outlive every solve that reads them.
template <class Op>
class LeastSquaresSystem {
  static_assert(AdjointOperator<Op>,
                "iterum::linalg::LeastSquaresSystem: Op must model iterum::AdjointOperator "
                "(Scalar, rows(), cols(), apply(x, y), apply_adjoint(y, x)); see "
                "docs/concepts.md#linearoperator");

 public:
  using Scalar = typename Op::Scalar;

  /// Checks that b has as many entries as A has rows.
  LeastSquaresSystem(const Op& a_in, const Vector<Scalar>& b_in) : a(a_in), b(b_in) {
    check::size("iterum::linalg::LeastSquaresSystem", "b", b.size(), a.rows(),
                "must have as many entries as A has rows");
  }
  // Temporaries would dangle: the system holds references.
  LeastSquaresSystem(Op&&, const Vector<Scalar>&) = delete;
  LeastSquaresSystem(const Op&, Vector<Scalar>&&) = delete;
  LeastSquaresSystem(Op&&, Vector<Scalar>&&) = delete;

  const Op& a;
  const Vector<Scalar>& b;
};

}  // namespace iterum::linalg
