#pragma once

// Test matrices with a planted spectrum: A = U diag(sigma) V^T with random orthonormal U and V
// (thin Q factors of Gaussian matrices drawn with iterum's seeded engine).

#include <Eigen/Dense>
#include <cstdint>

#include "iterum/core/types.hpp"
#include "support/random_data.hpp"

namespace iterum::test {

/// An m x n matrix with orthonormal columns (m >= n): the thin Q of a Gaussian matrix.
inline Eigen::MatrixXd random_orthonormal(Index m, Index n, std::uint64_t seed) {
  const Eigen::MatrixXd g = normal_matrix(m, n, seed);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  return qr.householderQ() * Eigen::MatrixXd::Identity(m, n);
}

/// U diag(sigma) V^T, m x n, with sigma.size() <= min(m, n) planted singular values.
inline Eigen::MatrixXd planted_spectrum(Index m, Index n, const Eigen::VectorXd& sigma,
                                        std::uint64_t seed) {
  const Index r = sigma.size();
  return random_orthonormal(m, r, seed) * sigma.asDiagonal() *
         random_orthonormal(n, r, seed + 1).transpose();
}

/// The spectral norm of a dense matrix by a full SVD (the test's independent truth).
inline double spectral_norm(const Eigen::MatrixXd& a) {
  return Eigen::BDCSVD<Eigen::MatrixXd>(a).singularValues()[0];
}

}  // namespace iterum::test
