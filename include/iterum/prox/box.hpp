#pragma once

/// @file box.hpp
/// @brief `prox::Box`, the projection onto a box. Models `iterum::ProxOperator`.

#include <Eigen/Core>

#include "iterum/core/types.hpp"

namespace iterum::prox {

/// prox of the indicator of the box [lower, upper] (Euclidean projection).
template <class Scalar>
struct Box {
  Vector<Scalar> lower;
  Vector<Scalar> upper;
  void operator()(const Vector<Scalar>& v, Vector<Scalar>& out) const {
    out = v.cwiseMax(lower).cwiseMin(upper);
  }
};

}  // namespace iterum::prox
