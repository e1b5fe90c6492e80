#pragma once

/// @file box.hpp
/// @brief `prox::Box`, the projection onto a box. Models `iterum::ProxOperator`.

#include <Eigen/Core>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::prox {

/// prox of the indicator of the box [lower, upper] (Euclidean projection). `lower` and
/// `upper` must have as many entries as the point projected (else `iterum::invalid_argument`).
template <class Scalar>
struct Box {
  Vector<Scalar> lower;
  Vector<Scalar> upper;
  void operator()(const Vector<Scalar>& v, Vector<Scalar>& out) const {
    if (lower.size() != v.size() || upper.size() != v.size()) [[unlikely]] {
      constexpr std::string_view function = "iterum::prox::Box";
      check::size(function, "lower", lower.size(), v.size(), "must have as many entries as v");
      check::size(function, "upper", upper.size(), v.size(), "must have as many entries as v");
    }
    out = v.cwiseMax(lower).cwiseMin(upper);
  }
  /// The projection of coordinate `i` alone, min(max(v, lower_i), upper_i) (0 <= i < the
  /// bounds' size, unchecked): what coordinate methods apply.
  [[nodiscard]] Scalar operator()(Index i, Scalar v) const noexcept {
    const Scalar lo = lower[i];
    const Scalar hi = upper[i];
    return v < lo ? lo : (v > hi ? hi : v);
  }
};

}  // namespace iterum::prox
