#pragma once

/// @file symmetry.hpp
/// @brief Internals: the symmetry check CG and SSOR-CG run on request
/// (`options.symmetry_tolerance`). CG solves A x = b only for symmetric A; for a sparse A it
/// applies the symmetric product (which reads A as if it were symmetric), so a non-symmetric A
/// would otherwise be solved as some other system without any sign.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg::detail {

/// `options.symmetry_tolerance`, when set: nonnegative and finite.
inline void validate_symmetry_tolerance(std::string_view function,
                                        const std::optional<double>& tolerance) {
  if (tolerance) {
    check::nonnegative(function, "options.symmetry_tolerance", *tolerance);
    check::finite(function, "options.symmetry_tolerance", *tolerance);
  }
}

[[noreturn]] inline void fail_symmetry(std::string_view function, std::string_view argument,
                                       Index i, Index j, double gap) {
  check::fail(function, argument,
              "must be symmetric to within options.symmetry_tolerance (|A(i,j) - A(j,i)| / "
              "max |A|)",
              "|A(" + std::to_string(i) + "," + std::to_string(j) + ") - A(" + std::to_string(j) +
                  "," + std::to_string(i) + ")| / max |A| = " + check::text(gap));
}

/// Throws unless |A(i,j) - A(j,i)| <= tolerance max |A| for all i, j. Eigen matrices are
/// compared entry by entry (the entries are divided by max |A| first, so no scale overflows);
/// a `LinearOperator` is probed with two products: |x'(A y) - y'(A x)| <= tolerance (|x| |A y|
/// + |y| |A x|) for fixed pseudo-random x and y (an asymmetry is missed with probability 0,
/// but only one larger than the tolerance is seen).
template <class A>
void check_symmetric(std::string_view function, std::string_view argument, const A& a,
                     double tolerance) {
  using Scalar = typename A::Scalar;
  if constexpr (is_dense_matrix_v<A>) {
    const auto m = static_cast<double>(a.cwiseAbs().maxCoeff());
    if (!(m > 0)) return;
    for (Index j = 0; j < a.cols(); ++j) {
      for (Index i = j + 1; i < a.rows(); ++i) {
        const double gap =
            std::abs(static_cast<double>(a(i, j)) / m - static_cast<double>(a(j, i)) / m);
        if (!(gap <= tolerance)) fail_symmetry(function, argument, i, j, gap);
      }
    }
  } else if constexpr (is_sparse_matrix_v<A>) {
    using Plain = Eigen::SparseMatrix<Scalar, Eigen::ColMajor, typename A::StorageIndex>;
    Plain scaled = a;
    double m = 0.0;
    for (Index k = 0; k < scaled.nonZeros(); ++k) {
      m = std::max(m, std::abs(static_cast<double>(scaled.valuePtr()[k])));
    }
    if (!(m > 0)) return;
    scaled /= static_cast<Scalar>(m);
    const Plain transposed = scaled.transpose();
    const Plain difference = scaled - transposed;
    for (Index j = 0; j < difference.outerSize(); ++j) {
      for (typename Plain::InnerIterator it(difference, j); it; ++it) {
        const double gap = std::abs(static_cast<double>(it.value()));
        if (!(gap <= tolerance)) fail_symmetry(function, argument, it.row(), it.col(), gap);
      }
    }
  } else {
    auto engine = make_engine(0x5eed'5eedULL);
    const auto n = static_cast<Index>(a.cols());
    const Vector<Scalar> x = random::normal_vector<Scalar>(engine, n);
    const Vector<Scalar> y = random::normal_vector<Scalar>(engine, n);
    Vector<Scalar> ax(n), ay(n);
    a.apply(x, ax);
    a.apply(y, ay);
    const auto lhs = static_cast<double>(x.dot(ay));
    const auto rhs = static_cast<double>(y.dot(ax));
    const auto scale =
        static_cast<double>(x.stableNorm() * ay.stableNorm() + y.stableNorm() * ax.stableNorm());
    if (!(std::abs(lhs - rhs) <= tolerance * scale)) {
      check::fail(function, argument,
                  "must be symmetric to within options.symmetry_tolerance (probed with random "
                  "x, y: |x'(A y) - y'(A x)| / (|x| |A y| + |y| |A x|))",
                  check::text(scale > 0 ? std::abs(lhs - rhs) / scale : std::abs(lhs - rhs)));
    }
  }
}

}  // namespace iterum::linalg::detail
