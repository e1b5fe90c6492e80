#pragma once

// Seeded least-squares test problems with a prescribed condition number, shared by the linalg
// (LSQR) and sketch (lstsq) tests.

#include <Eigen/Core>
#include <Eigen/QR>
#include <cmath>
#include <cstdint>

#include "support/random_data.hpp"

namespace iterum::test {

/// A = U diag(sigma) V^T, m x n (m >= n), with U and V the orthonormal Q factors of Gaussian
/// matrices and sigma log-spaced from 1 down to 1 / condition: kappa_2(A) = condition exactly
/// (up to round-off).
inline Eigen::MatrixXd conditioned_matrix(Index m, Index n, double condition, std::uint64_t seed) {
  const Eigen::MatrixXd g = normal_matrix(m, n, seed);
  const Eigen::MatrixXd h = normal_matrix(n, n, seed + 1);
  const Eigen::MatrixXd u =
      Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ() * Eigen::MatrixXd::Identity(m, n);
  const Eigen::MatrixXd v = Eigen::HouseholderQR<Eigen::MatrixXd>(h).householderQ();
  Eigen::VectorXd sigma(n);
  for (Index i = 0; i < n; ++i) {
    const double t = n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 0.0;
    sigma[i] = std::pow(condition, -t);
  }
  return u * sigma.asDiagonal() * v.transpose();
}

/// ||A^T r|| / (||A||_F ||r||) with r = b - A x, computed directly (the least-squares
/// optimality measure LSQR certifies; 0 when r = 0).
inline double normal_equations_residual(const Eigen::MatrixXd& a, const Eigen::VectorXd& b,
                                        const Eigen::VectorXd& x) {
  const Eigen::VectorXd r = b - a * x;
  const double rn = r.norm();
  if (rn == 0) return 0.0;
  return (a.transpose() * r).norm() / (a.norm() * rn);
}

}  // namespace iterum::test
