#pragma once

/// @file laplacian.hpp
/// @brief `laplacian_2d`: the 5-point finite-difference Laplacian on an nx by ny grid, the
/// standard SPD test matrix (2-D Poisson with homogeneous Dirichlet boundary).

#include <Eigen/SparseCore>
#include <limits>
#include <string>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// The (nx ny) by (nx ny) matrix with 4 on the diagonal and -1 for each grid neighbour
/// (unknown (i, j) has index i + nx j), i.e. h^2 times the negative Laplacian with Dirichlet
/// boundary. Its eigenvalues are 4 - 2 cos(p pi / (nx + 1)) - 2 cos(q pi / (ny + 1)),
/// p = 1..nx, q = 1..ny, so for nx = ny = N the condition number is cot^2(pi / (2 (N + 1))).
template <class Scalar = double, int StorageOrder = Eigen::ColMajor>
[[nodiscard]] Eigen::SparseMatrix<Scalar, StorageOrder> laplacian_2d(Index nx, Index ny) {
  check::positive("iterum::linalg::laplacian_2d", "nx", static_cast<double>(nx));
  check::positive("iterum::linalg::laplacian_2d", "ny", static_cast<double>(ny));
  // The matrix stores up to 5 n entries indexed by int: keep 5 n within int's range.
  constexpr auto limit = static_cast<double>(std::numeric_limits<int>::max()) / 5.0;
  if (static_cast<double>(nx) * static_cast<double>(ny) > limit) {
    check::fail("iterum::linalg::laplacian_2d", "ny", "makes the grid too large for int indices",
                std::to_string(nx) + "x" + std::to_string(ny));
  }
  const Index n = nx * ny;
  std::vector<Eigen::Triplet<Scalar>> entries;
  entries.reserve(static_cast<std::size_t>(5 * n));
  for (Index j = 0; j < ny; ++j) {
    for (Index i = 0; i < nx; ++i) {
      const Index k = i + nx * j;
      entries.emplace_back(k, k, Scalar(4));
      if (i > 0) entries.emplace_back(k, k - 1, Scalar(-1));
      if (i + 1 < nx) entries.emplace_back(k, k + 1, Scalar(-1));
      if (j > 0) entries.emplace_back(k, k - nx, Scalar(-1));
      if (j + 1 < ny) entries.emplace_back(k, k + nx, Scalar(-1));
    }
  }
  Eigen::SparseMatrix<Scalar, StorageOrder> a(n, n);
  a.setFromTriplets(entries.begin(), entries.end());
  return a;
}

}  // namespace iterum::linalg
