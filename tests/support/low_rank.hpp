#pragma once

// Test matrices with a planted spectrum: A = U diag(sigma) V^T with random orthonormal U and V
// (thin Q factors of Gaussian matrices drawn with iterum's seeded engine).

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>

#include "iterum/core/types.hpp"
#include "random_data.hpp"

namespace iterum::test {

/// An m x n matrix with orthonormal columns (m >= n): the thin Q of a Gaussian matrix.
inline Eigen::MatrixXd random_orthonormal(Index m, Index n, std::uint64_t seed) {
  const Eigen::MatrixXd g = normal_matrix(m, n, seed);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  return qr.householderQ() * Eigen::MatrixXd::Identity(m, n);
}

/// Q diag(d) Q^T (n x n, symmetric), Q the orthogonal factor of an n x n Gaussian matrix, with
/// |d_i| = condition^(i / (n - 1)) log-spaced in [1, condition]: SPD, or with alternating signs
/// (d_0 > 0, d_1 < 0, ...) symmetric indefinite when `indefinite`.
inline Eigen::MatrixXd symmetric_with_spectrum(Index n, double condition, std::uint64_t seed,
                                               bool indefinite = false) {
  const Eigen::MatrixXd g = normal_matrix(n, n, seed);
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
  Eigen::VectorXd d(n);
  for (Index i = 0; i < n; ++i) {
    const double magnitude =
        std::pow(condition, static_cast<double>(i) / static_cast<double>(n - 1));
    d[i] = indefinite && i % 2 != 0 ? -magnitude : magnitude;
  }
  return q * d.asDiagonal() * q.transpose();
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

/// Entry k (row by row) of a U[-1, 1) matrix: a SplitMix64-style hash of (seed, k), the same
/// formula as `hash_uniform` in bench/peers/sklearn_rsvd.py (vectorized NumPy there), so both
/// sides build the same matrix bit for bit.
inline Eigen::MatrixXd hash_uniform_matrix(Index rows, Index cols, std::uint64_t seed) {
  Eigen::MatrixXd a(rows, cols);
  std::uint64_t k = 0;
  for (Index i = 0; i < rows; ++i) {
    for (Index j = 0; j < cols; ++j) {
      ++k;
      std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * k;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      z ^= z >> 31;
      a(i, j) = 2.0 * (static_cast<double>(z >> 11) * 0x1.0p-53) - 1.0;
    }
  }
  return a;
}

/// The thin Q of Householder QR with the signs fixed so that R has a positive diagonal (the
/// convention-free factor, as NumPy's side of bench/peers/sklearn_rsvd.py also fixes it).
inline Eigen::MatrixXd positive_thin_q(const Eigen::MatrixXd& h) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(h);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(h.rows(), h.cols());
  for (Index j = 0; j < h.cols(); ++j) {
    if (qr.matrixQR()(j, j) < 0) q.col(j) = -q.col(j);
  }
  return q;
}

/// The peer-comparison matrix: U diag(sigma) V^T, U and V the sign-fixed thin Q factors of
/// hash_uniform_matrix(m, r, seed) and hash_uniform_matrix(n, r, seed + 1), r = sigma.size().
inline Eigen::MatrixXd hash_planted_spectrum(Index m, Index n, const Eigen::VectorXd& sigma,
                                             std::uint64_t seed) {
  const Index r = sigma.size();
  return positive_thin_q(hash_uniform_matrix(m, r, seed)) * sigma.asDiagonal() *
         positive_thin_q(hash_uniform_matrix(n, r, seed + 1)).transpose();
}

}  // namespace iterum::test
