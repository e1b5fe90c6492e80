#pragma once

/// @file update.hpp
/// @brief Block update rules, as policies of `BlockCoordinateDescent` (Nutini, Laradji &
/// Schmidt, arXiv 1712.08859: their "Lb" and "Hb" updates): `GradientUpdate` (the (proximal)
/// gradient step with 1/L_b) and `MatrixUpdate` (the step -H_b^{-1} g_b with the block of a fixed
/// Hessian bound H, factored once per fixed block).

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// x_b <- prox_{g_b / L_b}(x_b - g_b / L_b), L_b = lambda_max(H_bb) (or sum of L_i when the
/// problem has no Hessian bound). For g = 0 it decreases f by at least ||g_b||^2 / (2 L_b).
/// Needs nothing per block.
struct GradientUpdate {
  /// The per-block data of this update: none.
  template <class Scalar>
  struct Factor {};
  static constexpr bool uses_factor = false;
};

/// x_b <- x_b - H_bb^{-1} g_b with H a fixed matrix above the Hessian (exact for quadratics,
/// so the block is minimized exactly): f decreases by at least 1/2 g_b^T H_bb^{-1} g_b. The
/// Cholesky factor of every fixed block is computed once, by `init`. Only for g = 0.
struct MatrixUpdate {
  /// The per-block data of this update: the Cholesky factorization of H_bb.
  template <class Scalar>
  using Factor = Eigen::LLT<Matrix<Scalar>>;
  static constexpr bool uses_factor = true;
};

}  // namespace iterum::bcd
