#pragma once

// The two-moons data of the label-propagation benchmarks (bench/bcd/forest_trace, data set "E" of
// Nutini, Laradji & Schmidt, arXiv 1712.08859, and the bcd tour case): two interleaved
// half-moons with Gaussian noise, joined by a symmetrized k-nearest-neighbour graph with 0/1
// weights.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include <iterum/core/random.hpp>

namespace bench {

struct TwoMoons {
  Eigen::SparseMatrix<double> graph;  ///< symmetric, 0/1 weights, no diagonal
  std::vector<int> moon;              ///< +1 on the upper moon, -1 on the lower one
};

/// Which points go to the upper moon.
enum class MoonSplit {
  Alternate,  ///< even indices
  Halves,     ///< the first n / 2
};

/// n points drawn from `engine` (per point: the angle U(0, pi), then the noise of x and of y,
/// standard deviation `noise`) and the graph joining each to its k nearest other points.
inline TwoMoons two_moons(Eigen::Index n, Eigen::Index k, double noise, iterum::Engine& engine,
                          MoonSplit split) {
  using Index = Eigen::Index;
  TwoMoons out;
  Eigen::MatrixXd p(n, 2);
  out.moon.resize(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    const double t = 3.14159265358979323846 * iterum::random::uniform01(engine);
    const bool upper = split == MoonSplit::Alternate ? i % 2 == 0 : i < n / 2;
    out.moon[static_cast<std::size_t>(i)] = upper ? 1 : -1;
    p(i, 0) = (upper ? std::cos(t) : 1.0 - std::cos(t)) + noise * iterum::random::normal(engine);
    p(i, 1) = (upper ? std::sin(t) : 0.5 - std::sin(t)) + noise * iterum::random::normal(engine);
  }
  std::vector<Eigen::Triplet<double>> edges;
  std::vector<std::pair<double, Index>> d(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j)
      d[static_cast<std::size_t>(j)] = {(p.row(i) - p.row(j)).squaredNorm(), j};
    std::partial_sort(d.begin(), d.begin() + k + 1, d.end());
    for (Index m = 1; m <= k; ++m) {
      edges.emplace_back(i, d[static_cast<std::size_t>(m)].second, 1.0);
      edges.emplace_back(d[static_cast<std::size_t>(m)].second, i, 1.0);
    }
  }
  out.graph.resize(n, n);
  out.graph.setFromTriplets(edges.begin(), edges.end());
  out.graph = out.graph.unaryExpr([](double w) { return w > 0 ? 1.0 : 0.0; }).pruned();
  return out;
}

}  // namespace bench
