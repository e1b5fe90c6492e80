#pragma once

/// @file linear_system.hpp
/// @brief `LinearSystem`: the problem A x = b that linear-solver methods run on.

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// The problem A x = b, by reference: `a` (a `LinearOperator`) and `b` (rows(a) by 1) must
/// outlive every solve that reads it.
template <class Op>
class LinearSystem {
  static_assert(LinearOperator<Op>,
                "iterum::linalg::LinearSystem: Op must model iterum::LinearOperator (Scalar, "
                "rows(), cols(), apply(x, y)); see docs/concepts.md#linearoperator");

 public:
  using Scalar = typename Op::Scalar;

  /// Checks that A is square and b has as many entries as A has rows.
  LinearSystem(const Op& a_in, const Vector<Scalar>& b_in) : a(a_in), b(b_in) {
    check::square("iterum::linalg::LinearSystem", "A", a.rows(), a.cols());
    check::size("iterum::linalg::LinearSystem", "b", b.size(), a.rows(),
                "must have as many entries as A has rows");
  }
  // Temporaries would dangle: the system holds references.
  LinearSystem(Op&&, const Vector<Scalar>&) = delete;
  LinearSystem(const Op&, Vector<Scalar>&&) = delete;
  LinearSystem(Op&&, Vector<Scalar>&&) = delete;

  const Op& a;
  const Vector<Scalar>& b;
};

}  // namespace iterum::linalg
