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
    out = v.unaryExpr([this](Scalar a) { return (*this)(a); });
  }
  /// The prox of one coordinate, sign(v) max(|v| - t, 0): what coordinate methods apply.
  [[nodiscard]] Scalar operator()(Scalar v) const noexcept {
    const Scalar t = threshold;
    return v > t ? v - t : (v < -t ? v + t : Scalar(0));
  }
};

}  // namespace iterum::prox
