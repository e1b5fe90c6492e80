#pragma once

// 2-D point clouds and their squared-Euclidean costs, and an exact assignment solver, for the
// OT tests and benchmarks (issue 12: "2-D clouds, uniform and Gaussian mixtures").

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "support/splitmix.hpp"

namespace iterum::test {

/// n points in the plane from SplitMix64(seed): uniform in the unit square, or a mixture of
/// three Gaussian blobs (centres (0.2, 0.3), (0.7, 0.6), (0.4, 0.85); deviations 0.05, 0.1,
/// 0.04; each point's blob drawn uniformly).
inline Eigen::MatrixXd point_cloud(Eigen::Index n, std::uint64_t seed, bool mixture) {
  SplitMix64 draw(seed);
  Eigen::MatrixXd x(n, 2);
  const double cx[3] = {0.2, 0.7, 0.4}, cy[3] = {0.3, 0.6, 0.85}, sd[3] = {0.05, 0.1, 0.04};
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!mixture) {
      x(i, 0) = draw.next();
      x(i, 1) = draw.next();
      continue;
    }
    const auto k = static_cast<int>(3 * draw.next());
    x(i, 0) = cx[k] + sd[k] * splitmix_normal(draw);
    x(i, 1) = cy[k] + sd[k] * splitmix_normal(draw);
  }
  return x;
}

/// C_ij = |x_i - y_j|^2, scaled to a largest entry of 1.
inline Eigen::MatrixXd squared_distance_cost(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  Eigen::MatrixXd c(x.rows(), y.rows());
  for (Eigen::Index j = 0; j < y.rows(); ++j)
    for (Eigen::Index i = 0; i < x.rows(); ++i) c(i, j) = (x.row(i) - y.row(j)).squaredNorm();
  return c / c.maxCoeff();
}

/// The exact minimum of sum_i C(i, p(i)) over permutations p of a square C (Hungarian
/// algorithm with potentials, O(n^3)). With uniform marginals 1/n on both sides an optimal
/// transport plan is such a permutation scaled by 1/n (Birkhoff), so this / n is the exact
/// OT cost.
inline double assignment_cost(const Eigen::MatrixXd& c) {
  const auto n = static_cast<std::size_t>(c.rows());
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0), slack(n + 1);
  std::vector<std::size_t> match(n + 1, 0), way(n + 1, 0);
  std::vector<char> used(n + 1);
  const auto cost = [&](std::size_t i, std::size_t j) {
    return c(static_cast<Eigen::Index>(i - 1), static_cast<Eigen::Index>(j - 1));
  };
  for (std::size_t i = 1; i <= n; ++i) {
    match[0] = i;
    std::size_t j0 = 0;
    std::fill(slack.begin(), slack.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      const std::size_t i0 = match[j0];
      double delta = inf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double reduced = cost(i0, j) - u[i0] - v[j];
        if (reduced < slack[j]) {
          slack[j] = reduced;
          way[j] = j0;
        }
        if (slack[j] < delta) {
          delta = slack[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= n; ++j) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          slack[j] -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  double total = 0.0;
  for (std::size_t j = 1; j <= n; ++j) total += cost(match[j], j);
  return total;
}

}  // namespace iterum::test
