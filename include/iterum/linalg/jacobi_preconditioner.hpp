#pragma once

/// @file jacobi_preconditioner.hpp
/// @brief `JacobiPreconditioner`: M = diag(A).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {
namespace detail {

/// Throws unless every entry of `diagonal` is positive and finite (what Jacobi scaling of an
/// SPD system needs), naming the first bad entry.
template <class Scalar>
void check_positive_diagonal(std::string_view function, std::string_view argument,
                             const Vector<Scalar>& diagonal) {
  for (Index i = 0; i < diagonal.size(); ++i) {
    const auto d = static_cast<double>(diagonal[i]);
    if (!(d > 0) || !std::isfinite(d)) {
      check::fail(function, argument,
                  "must have a positive finite diagonal for Jacobi preconditioning, but "
                  "diagonal entry " +
                      std::to_string(i) + " is not",
                  check::text(d));
    }
  }
}

}  // namespace detail

/// Diagonal (Jacobi) preconditioner: z_i = r_i / A_ii. Models `Preconditioner` for every
/// `DiagonalAccess` operator. `compute` throws `iterum::invalid_argument` when a diagonal entry
/// is not positive and finite.
template <class Scalar>
class JacobiPreconditioner {
 public:
  /// Stores 1 / A_ii. Needs an operator with `diagonal()` (`DiagonalAccess`).
  template <class Op>
  requires DiagonalAccess<Op>
  void compute(const Op& a) {
    const Vector<Scalar> d = a.diagonal();
    detail::check_positive_diagonal("iterum::linalg::JacobiPreconditioner::compute", "A", d);
    inverse_diagonal_ = d.cwiseInverse();
  }

  void apply(const Eigen::Ref<const Vector<Scalar>>& r, Eigen::Ref<Vector<Scalar>> z) const {
    z = inverse_diagonal_.cwiseProduct(r);
  }

  /// z = M^{-1} r and the product r . z, block by block so each block of z is still in cache
  /// for the dot product (what CG needs each iteration).
  [[nodiscard]] Scalar apply_dot(const Eigen::Ref<const Vector<Scalar>>& r,
                                 Eigen::Ref<Vector<Scalar>> z) const {
    constexpr Index block = 256;
    const Index n = r.size();
    Scalar dot(0);
    for (Index i = 0; i < n; i += block) {
      const Index m = (std::min)(block, n - i);
      auto zb = z.segment(i, m);
      zb = inverse_diagonal_.segment(i, m).cwiseProduct(r.segment(i, m));
      dot += r.segment(i, m).dot(zb);
    }
    return dot;
  }

  /// 1 / A_ii, as computed by the last `compute`.
  [[nodiscard]] const Vector<Scalar>& inverse_diagonal() const noexcept {
    return inverse_diagonal_;
  }

 private:
  Vector<Scalar> inverse_diagonal_;
};

}  // namespace iterum::linalg
