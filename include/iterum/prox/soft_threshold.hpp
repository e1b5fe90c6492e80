#pragma once

/// @file soft_threshold.hpp
/// @brief `prox::SoftThreshold`, the proximal map of t ||.||_1 (soft thresholding). Models
/// `iterum::ProxOperator`.

#include <Eigen/Core>

#include "iterum/core/types.hpp"

namespace iterum::prox {

/// prox of t ||.||_1 (soft thresholding): out_i = sign(v_i) max(|v_i| - t, 0). For the LASSO
/// term lambda ||x||_1 with step gamma, t = gamma * lambda.
template <class Scalar>
struct SoftThreshold {
  Scalar threshold{};
  void operator()(const Vector<Scalar>& v, Vector<Scalar>& out) const {
    const Scalar t = threshold;
    out = v.unaryExpr([t](Scalar a) { return a > t ? a - t : (a < -t ? a + t : Scalar(0)); });
  }
};

}  // namespace iterum::prox
