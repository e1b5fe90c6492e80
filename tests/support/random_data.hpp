#pragma once

// Seeded random test data shared by the test files.

#include <Eigen/Core>
#include <cstdint>

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

}  // namespace iterum::test
