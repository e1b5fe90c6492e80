#pragma once

/// @file system_input.hpp
/// @brief Internals: the argument checks a linear-solver facade runs on (A, b, x0) before it
/// solves, shared by `sor` and `ssor_conjugate_gradient`.

#include <Eigen/Core>
#include <string_view>
#include <type_traits>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg::detail {

/// The right-hand side and the starting point of a checked linear system.
template <class Scalar>
struct SystemInput {
  Vector<Scalar> b;
  Vector<Scalar> x0;
};

/// Checks that A is a non-empty square matrix with finite entries, that b is a finite column
/// vector with as many entries as A has rows, and that x0 (when given) is finite with as many
/// entries as A has columns; returns b and x0 (zero when not given) in A's scalar type.
template <class A, class B, class X0>
[[nodiscard]] SystemInput<typename A::Scalar> check_system_input(std::string_view function,
                                                                 const A& a, const B& b,
                                                                 const X0* x0) {
  using Scalar = typename A::Scalar;
  static_assert(std::is_floating_point_v<Scalar>,
                "iterum::linalg: A's Scalar must be float, double or long double");
  check::not_empty(function, "A", a.rows());
  check::square(function, "A", a.rows(), a.cols());
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

}  // namespace iterum::linalg::detail
