#pragma once

/// @file types.hpp
/// @brief The index and vector/matrix aliases every iterum header speaks in.

#include <Eigen/Core>

namespace iterum {

/// Signed index type, the same as Eigen's.
using Index = Eigen::Index;

/// Dense column vector of `Scalar` (n by 1).
template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

/// Dense column-major matrix of `Scalar` (m by n).
template <class Scalar>
using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

}  // namespace iterum
