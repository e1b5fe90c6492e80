// Semi-supervised classification of two interleaved half-moons by label propagation, solved by
// block coordinate descent with forest blocks (iterum::bcd::label_propagation).
//
// 600 points, a symmetrized 5-nearest-neighbour graph with 0/1 weights, 20 labelled points
// (+1 on the upper moon, -1 on the lower one). The unlabelled values minimize
// 1/2 sum over edges of w_ij (x_i - x_j)^2; the sign of x_i is the predicted moon. Greedy forest
// blocks (a forest of the graph grown in greedy order each iteration, solved exactly by message
// passing) against red-black blocks (independent sets: Gauss-Seidel by colour).

#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <utility>
#include <vector>

#include <iterum/bcd/label_propagation.hpp>
#include <iterum/core/random.hpp>

int main() {
  namespace bcd = iterum::bcd;
  const Eigen::Index n = 600;
  const Eigen::Index k = 5;
  auto engine = iterum::make_engine(7);

  // Two moons with Gaussian noise of standard deviation 0.1.
  Eigen::MatrixXd p(n, 2);
  std::vector<int> moon(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const double t = 3.14159265358979323846 * iterum::random::uniform01(engine);
    const bool upper = i % 2 == 0;
    moon[static_cast<std::size_t>(i)] = upper ? 1 : -1;
    p(i, 0) = (upper ? std::cos(t) : 1.0 - std::cos(t)) + 0.1 * iterum::random::normal(engine);
    p(i, 1) = (upper ? std::sin(t) : 0.5 - std::sin(t)) + 0.1 * iterum::random::normal(engine);
  }

  // The symmetrized k-nearest-neighbour graph.
  std::vector<Eigen::Triplet<double>> edges;
  std::vector<std::pair<double, Eigen::Index>> d(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j)
      d[static_cast<std::size_t>(j)] = {(p.row(i) - p.row(j)).squaredNorm(), j};
    std::partial_sort(d.begin(), d.begin() + k + 1, d.end());
    for (Eigen::Index m = 1; m <= k; ++m) {
      edges.emplace_back(i, d[static_cast<std::size_t>(m)].second, 1.0);
      edges.emplace_back(d[static_cast<std::size_t>(m)].second, i, 1.0);
    }
  }
  Eigen::SparseMatrix<double> graph(n, n);
  graph.setFromTriplets(edges.begin(), edges.end());
  graph = graph.unaryExpr([](double w) { return w > 0 ? 1.0 : 0.0; }).pruned();

  // 20 labelled points, 10 per moon; bcd::unlabelled elsewhere.
  Eigen::VectorXd labels = Eigen::VectorXd::Constant(n, bcd::unlabelled);
  for (Eigen::Index i = 0; i < 20; ++i)
    labels[i * (n / 20) + i % 2] = moon[static_cast<std::size_t>(i * (n / 20) + i % 2)];

  std::cout << "two moons: " << n << " points, " << graph.nonZeros() / 2 << " edges, 20 labels\n";
  bool ok = true;
  for (const auto forest : {bcd::BcdForest::GreedyForest, bcd::BcdForest::RedBlack}) {
    const auto r = bcd::label_propagation(
        graph, labels, {.tolerance = 1e-8, .max_iterations = 100000, .forest = forest});
    Eigen::Index correct = 0;
    for (Eigen::Index i = 0; i < n; ++i)
      correct += (r.x[i] > 0 ? 1 : -1) == moon[static_cast<std::size_t>(i)] ? 1 : 0;
    std::cout << (forest == bcd::BcdForest::GreedyForest ? "greedy forest: " : "red-black:     ")
              << iterum::to_string(r.status) << " in " << r.iterations << " block steps ("
              << r.work.coordinate_updates << " coordinate moves, " << r.seconds
              << " s), certificate " << r.residual << ", accuracy "
              << static_cast<double>(correct) / static_cast<double>(n) << "\n";
    ok = ok && r.ok();
  }
  return ok ? 0 : 1;
}
