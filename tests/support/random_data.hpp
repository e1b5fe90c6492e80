#pragma once

// Seeded random test data shared by the test files.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cmath>
#include <cstdint>
#include <vector>

#include "iterum/core/random.hpp"

namespace iterum::test {

/// An m x n matrix filled column by column with `draw(engine)`.
template <class Draw>
Eigen::MatrixXd random_matrix(Index rows, Index cols, std::uint64_t seed, Draw draw) {
  auto engine = make_engine(seed);
  Eigen::MatrixXd m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = draw(engine);
  return m;
}

/// An m x n matrix of independent U[0, 1) entries.
inline Eigen::MatrixXd uniform_matrix(Index rows, Index cols, std::uint64_t seed) {
  return random_matrix(rows, cols, seed, [](Engine& e) { return random::uniform01(e); });
}

/// An m x n matrix of independent standard normal entries.
inline Eigen::MatrixXd normal_matrix(Index rows, Index cols, std::uint64_t seed) {
  return random_matrix(rows, cols, seed, [](Engine& e) { return random::normal(e); });
}

/// A random probability vector of length n: entries 0.1 + U[0, 1), normalized to sum 1.
inline Eigen::VectorXd random_marginal(Index n, std::uint64_t seed) {
  const Eigen::VectorXd v = (uniform_matrix(n, 1, seed).array() + 0.1).matrix();
  return v / v.sum();
}

/// A random sparse SPD matrix: a random symmetric pattern (about 8 off-diagonal entries a row,
/// U[-1, 1)) made strictly diagonally dominant, with the diagonal multiplied by
/// diagonal_spread^u, u ~ U[0, 1) (100: a diagonal over two orders of magnitude, so Jacobi
/// matters; 1: just dominant).
inline Eigen::SparseMatrix<double> random_sparse_spd(Index n, std::uint64_t seed,
                                                     double diagonal_spread = 100.0) {
  auto engine = make_engine(seed);
  std::vector<Eigen::Triplet<double>> entries;
  Eigen::VectorXd row_sum = Eigen::VectorXd::Zero(n);
  for (Index i = 0; i < n; ++i) {
    for (int k = 0; k < 4; ++k) {
      const Index j = random::uniform_index(engine, n);
      if (j == i) continue;
      const double v = random::uniform(engine, -1.0, 1.0);
      entries.emplace_back(i, j, v);
      entries.emplace_back(j, i, v);
      row_sum[i] += std::abs(v);
      row_sum[j] += std::abs(v);
    }
  }
  for (Index i = 0; i < n; ++i) {
    entries.emplace_back(i, i,
                         (row_sum[i] + 0.1) * std::pow(diagonal_spread, random::uniform01(engine)));
  }
  Eigen::SparseMatrix<double> a(n, n);
  a.setFromTriplets(entries.begin(), entries.end());
  return a;
}

}  // namespace iterum::test
