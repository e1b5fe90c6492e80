#pragma once

/// @file system_input.hpp
/// @brief Internals: the argument checks a linear-solver facade runs on (A, b, x0) before it
/// solves, shared by `conjugate_gradient`, `minres`, `sor`, `ssor_conjugate_gradient` (square A)
/// and `lsqr` (A of any shape).

#include <Eigen/Core>
#include <string_view>
#include <type_traits>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/symmetry.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg::detail {

/// The right-hand side and the starting point of a checked linear system.
template <class Scalar>
struct SystemInput {
  Vector<Scalar> b;
  Vector<Scalar> x0;
};

/// The shape a facade requires of A.
enum class SystemShape {
  Square,  ///< n by n (linear systems)
  Any,     ///< m by n, both non-zero (least squares)
};

/// Checks that A is a non-empty matrix of the required shape with finite entries, that b is a
/// finite column vector with as many entries as A has rows, and that x0 (when given) is finite
/// with as many entries as A has columns; returns b and x0 (zero when not given) in A's scalar
/// type.
template <SystemShape Shape = SystemShape::Square, class A, class B, class X0>
[[nodiscard]] SystemInput<typename A::Scalar> check_system_input(std::string_view function,
                                                                 const A& a, const B& b,
                                                                 const X0* x0) {
  using Scalar = typename A::Scalar;
  static_assert(std::is_floating_point_v<Scalar>,
                "iterum::linalg: A's Scalar must be float, double or long double");
  check::not_empty(function, "A", a.rows());
  if constexpr (Shape == SystemShape::Square) {
    check::square(function, "A", a.rows(), a.cols());
  } else {
    check::not_empty(function, "A", a.cols());
  }
  check::size(function, "b", b.size(), a.rows(), "must have as many entries as A has rows");
  check::that(b.cols() == 1, function, "b", "must be a column vector");
  SystemInput<Scalar> out{b.template cast<Scalar>(), Vector<Scalar>::Zero(a.cols())};
  check::all_finite(function, "b", out.b);
  if (x0 != nullptr) {
    check::size(function, "x0", x0->size(), a.cols(), "must have as many entries as A has columns");
    out.x0 = x0->template cast<Scalar>();
    check::all_finite(function, "x0", out.x0);
  }
  check_matrix_finite(function, "A", a);
  return out;
}

/// The checks of a facade for symmetric A (`conjugate_gradient`, `minres`,
/// `ssor_conjugate_gradient`): `options.validate`, `check_system_input`, then the symmetry of A
/// when `options.symmetry_tolerance` is set; returns b and x0.
template <class Options, class A, class B, class X0>
[[nodiscard]] SystemInput<typename A::Scalar> check_symmetric_system_input(
    std::string_view function, const A& a, const B& b, const X0* x0, const Options& options) {
  options.validate(function);
  auto input = check_system_input(function, a, b, x0);
  if (options.symmetry_tolerance) check_symmetric(function, "A", a, *options.symmetry_tolerance);
  return input;
}

/// The checks of a solver's `compute(a)` for symmetric A (`ConjugateGradient`, `Minres`): A is
/// square, and symmetric when `options.symmetry_tolerance` is set.
template <class Options, class A>
void check_symmetric_operand(std::string_view function, const A& a, const Options& options) {
  check::square(function, "A", a.rows(), a.cols());
  if (options.symmetry_tolerance) check_symmetric(function, "A", a, *options.symmetry_tolerance);
}

/// Whether A is an operand of `conjugate_gradient` and `minres`; a readable error otherwise.
template <class A>
constexpr bool check_linear_operand() {
  static_assert(is_operator_like_v<A>,
                "iterum::linalg::conjugate_gradient / minres: A must be an Eigen dense or sparse "
                "matrix or model iterum::LinearOperator (Scalar, rows(), cols(), apply(x, y)); see "
                "docs/concepts.md#linearoperator");
  return is_operator_like_v<A>;
}

}  // namespace iterum::linalg::detail
