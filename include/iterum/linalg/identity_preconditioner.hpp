#pragma once

/// @file identity_preconditioner.hpp
/// @brief `IdentityPreconditioner`: M = I, i.e. no preconditioning.

#include <Eigen/Core>

#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// The identity preconditioner (z = r). Models `Preconditioner` for every `LinearOperator`.
template <class Scalar>
class IdentityPreconditioner {
 public:
  template <class Op>
  void compute(const Op& /*a*/) noexcept {}

  void apply(const Eigen::Ref<const Vector<Scalar>>& r, Eigen::Ref<Vector<Scalar>> z) const {
    z = r;
  }

  /// z = r and r . z.
  [[nodiscard]] Scalar apply_dot(const Eigen::Ref<const Vector<Scalar>>& r,
                                 Eigen::Ref<Vector<Scalar>> z) const {
    z = r;
    return r.squaredNorm();
  }
};

}  // namespace iterum::linalg
