#pragma once

/// @file label_propagation.hpp
/// @brief `bcd::label_propagation(graph, labels, options)`: graph-based semi-supervised label
/// propagation, the sparse quadratic of the forest-block experiments of Nutini, Laradji &
/// Schmidt (arXiv 1712.08859), solved by `ForestBlockDescent` with exact message-passing block
/// updates.

#include <Eigen/SparseCore>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/bcd/bcd_options.hpp"
#include "iterum/bcd/block_coordinate_descent.hpp"
#include "iterum/bcd/detail/run.hpp"
#include "iterum/bcd/forest_block_descent.hpp"
#include "iterum/bcd/greedy_forest.hpp"
#include "iterum/bcd/quadratic_problem.hpp"
#include "iterum/bcd/red_black.hpp"
#include "iterum/bcd/separable.hpp"
#include "iterum/bcd/tree_partition.hpp"
#include "iterum/core/certified.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/symmetry.hpp"

namespace iterum::bcd {

/// The label of a node without one (the sentinel of `label_propagation`'s `labels`).
inline constexpr double unlabelled = std::numeric_limits<double>::infinity();

namespace detail {

/// Runs `ForestBlockDescent<Partition>` on a (scaled) quadratic under `Certified`.
template <class Partition, class P>
auto run_forest(const P& problem, Partition partition, const BcdOptions& options,
                const Stopwatch& clock, std::string_view label) {
  using Method = ForestBlockDescent<Partition>;
  using Cert = OptimalityCertificate<P, NoPenalty>;
  const Method method(std::move(partition));
  Certified<Method, Cert> certified(
      method, Cert(problem, NoPenalty{}),
      {.every = options.certificate_every, .work_unit = static_cast<double>(problem.dim())});
  auto inner = method.init(problem);
  auto state = certified.start(problem, std::move(inner), clock);
  auto result =
      solve_with_options(problem, certified, std::move(state), options, 10000, label, clock);
  certified.finish(problem, result, options.tolerance);
  return result;
}

}  // namespace detail

/// Label propagation on a weighted graph (Zhu, Ghahramani & Lafferty, ICML 2003; the sparse
/// quadratic of the forest-block experiments of Nutini, Laradji & Schmidt, arXiv 1712.08859):
/// the values x_i of the unlabelled nodes minimize
///
///   f(x) = 1/2 sum over edges {i, j} of w_ij (x_i - x_j)^2,   x_j = labels_j where labelled,
///
/// that is A x_U = b with A = the graph Laplacian restricted to the unlabelled nodes (A_ii =
/// sum_j w_ij over all neighbours, A_ij = -w_ij) and b_i = sum over labelled j of w_ij y_j.
/// Solved by block coordinate descent with forest blocks minimized exactly by message passing
/// (`ForestBlockDescent`; `options.forest` picks `GreedyForest` (default), `TreePartition` or
/// `RedBlack`) from x = 0 on the unlabelled nodes.
///
/// @param graph   n by n symmetric sparse matrix of nonnegative weights (w_ij = graph(i, j);
///                the diagonal is ignored; within `options.symmetry_tolerance`).
/// @param labels  n entries: the label y_i of a labelled node, `bcd::unlabelled` (+inf)
///                elsewhere. Every connected component of the graph needs a labelled node.
/// @return `x` (n entries: the labels where labelled, the minimizer elsewhere), `status`,
///         `iterations` (block steps), `residual` (max_i |(A x_U - b)_i|, of A and b scaled by
///         powers of two to largest entries in [1/2, 1), recomputed from x), `objective` (f at
///         x, over every edge), `support` (unlabelled nodes with x_i != 0), `work`, `seconds`.
/// @throws iterum::invalid_argument for an empty or non-square graph, a NaN/Inf or negative
///         weight, an asymmetric graph, labels of the wrong size, a NaN or -inf label, a
///         connected component without a label, or bad options.
[[nodiscard]] inline BcdResult label_propagation(const Eigen::SparseMatrix<double>& graph,
                                                 const Vector<double>& labels,
                                                 const BcdOptions& options = {}) {
  constexpr std::string_view function = "iterum::bcd::label_propagation";
  const Stopwatch clock;
  options.validate(function);
  check::not_empty(function, "graph", graph.rows() * graph.cols());
  check::square(function, "graph", graph.rows(), graph.cols());
  const Index n = graph.cols();
  check::size(function, "labels", labels.size(), n, "must have one entry per node of the graph");
  check::all_finite(function, "graph", graph);
  for (Index j = 0; j < graph.outerSize(); ++j) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(graph, j); it; ++it) {
      if (it.value() < 0) {
        check::fail(function, "graph",
                    "must have nonnegative weights, but entry (" + std::to_string(it.row()) + ", " +
                        std::to_string(it.col()) + ") is negative",
                    check::text(it.value()));
      }
    }
  }
  linalg::detail::check_symmetric(function, "graph", graph, options.symmetry_tolerance);
  std::vector<Index> position(static_cast<std::size_t>(n), -1);
  std::vector<Index> unknown;
  for (Index i = 0; i < n; ++i) {
    const double y = labels[i];
    if (std::isnan(y) || y == -std::numeric_limits<double>::infinity()) {
      check::fail(function, "labels",
                  "must hold finite labels or bcd::unlabelled (+inf), but entry " +
                      std::to_string(i) + " is",
                  check::text(y));
    }
    if (y == unlabelled) {
      position[static_cast<std::size_t>(i)] = static_cast<Index>(unknown.size());
      unknown.push_back(i);
    }
  }
  // Every component needs a label: a breadth-first search from the labelled nodes.
  {
    std::vector<char> reached(static_cast<std::size_t>(n), 0);
    std::vector<Index> queue;
    queue.reserve(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) {
      if (labels[i] != unlabelled) {
        reached[static_cast<std::size_t>(i)] = 1;
        queue.push_back(i);
      }
    }
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const Index v = queue[head];
      for (Eigen::SparseMatrix<double>::InnerIterator it(graph, v); it; ++it) {
        const auto u = static_cast<std::size_t>(it.index());
        if (it.value() > 0 && reached[u] == 0) {
          reached[u] = 1;
          queue.push_back(it.index());
        }
      }
    }
    for (const Index i : unknown) {
      if (reached[static_cast<std::size_t>(i)] == 0) {
        check::fail(function, "labels",
                    "must label a node in every connected component of the graph, but the "
                    "component of node " +
                        std::to_string(i) + " has none",
                    {});
      }
    }
  }
  // f(x) over every edge once: 1/4 sum over ordered pairs i != j of w_ij (x_i - x_j)^2.
  auto energy = [&](const Vector<double>& x) {
    double sum = 0.0;
    for (Index j = 0; j < graph.outerSize(); ++j) {
      for (Eigen::SparseMatrix<double>::InnerIterator it(graph, j); it; ++it) {
        if (it.row() == it.col()) continue;
        const double gap = x[it.row()] - x[it.col()];
        sum += it.value() * gap * gap;
      }
    }
    return 0.25 * sum;
  };
  const auto m = static_cast<Index>(unknown.size());
  if (m == 0) {
    BcdResult out;
    out.x = labels;
    out.status = Status::Converged;
    out.objective = energy(out.x);
    out.seconds = clock.seconds();
    return out;
  }
  // A = the Laplacian on the unlabelled nodes, b = the weights into the labelled ones.
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(static_cast<std::size_t>(graph.nonZeros() + m));
  Vector<double> b = Vector<double>::Zero(m);
  for (Index k = 0; k < m; ++k) {
    const Index i = unknown[static_cast<std::size_t>(k)];
    double degree = 0.0;
    for (Eigen::SparseMatrix<double>::InnerIterator it(graph, i); it; ++it) {
      const Index j = it.index();
      if (j == i || it.value() == 0) continue;
      degree += it.value();
      const Index pj = position[static_cast<std::size_t>(j)];
      if (pj >= 0) {
        entries.emplace_back(pj, k, -it.value());
      } else {
        b[k] += it.value() * labels[j];
      }
    }
    entries.emplace_back(k, k, degree);
  }
  Eigen::SparseMatrix<double> a(m, m);
  a.setFromTriplets(entries.begin(), entries.end());
  const auto data = detail::scaled_data(function, a, b);
  const QuadraticProblem<Eigen::SparseMatrix<double>> problem(data.a, data.b);
  auto finish = [&](auto& result) {
    auto out = detail::pack(result, problem, NoPenalty{}, data.eb - data.ea, 2 * data.eb - data.ea,
                            options.tolerance, clock);
    Vector<double> full = labels;
    for (Index k = 0; k < m; ++k) full[unknown[static_cast<std::size_t>(k)]] = out.x[k];
    out.x = std::move(full);
    out.objective = energy(out.x);
    out.seconds = clock.seconds();
    return out;
  };
  switch (options.forest) {
    case BcdForest::RedBlack: {
      auto result = detail::run_forest(problem, RedBlack{}, options, clock, function);
      return finish(result);
    }
    case BcdForest::TreePartition: {
      auto result = detail::run_forest(problem, TreePartition{}, options, clock, function);
      return finish(result);
    }
    case BcdForest::GreedyForest:
    default: {
      auto result = detail::run_forest(problem, GreedyForest{}, options, clock, function);
      return finish(result);
    }
  }
}

/// Label propagation with the labels given as node indices and their values (every other node
/// unlabelled); see the overload above.
/// @throws iterum::invalid_argument also for an index outside [0, n) (`labelled`), a node
///         labelled twice, or `values` of another size than `labelled`.
[[nodiscard]] inline BcdResult label_propagation(const Eigen::SparseMatrix<double>& graph,
                                                 const std::vector<Index>& labelled,
                                                 const Vector<double>& values,
                                                 const BcdOptions& options = {}) {
  constexpr std::string_view function = "iterum::bcd::label_propagation";
  check::size(function, "values", values.size(), static_cast<Index>(labelled.size()),
              "must have one entry per labelled node");
  Vector<double> labels = Vector<double>::Constant(graph.cols(), unlabelled);
  for (std::size_t k = 0; k < labelled.size(); ++k) {
    const Index i = labelled[k];
    if (i < 0 || i >= graph.cols()) {
      check::fail(function, "labelled",
                  "must hold node indices in [0, " + std::to_string(graph.cols()) +
                      "), but entry " + std::to_string(k) + " is",
                  check::text(static_cast<long long>(i)));
    }
    if (labels[i] != unlabelled) {
      check::fail(
          function, "labelled",
          "must name each node at most once, but node " + std::to_string(i) + " appears twice", {});
    }
    if (!std::isfinite(values[static_cast<Index>(k)])) {
      check::fail(function, "values", "must be finite, but entry " + std::to_string(k) + " is not",
                  check::text(values[static_cast<Index>(k)]));
    }
    labels[i] = values[static_cast<Index>(k)];
  }
  return label_propagation(graph, labels, options);
}

}  // namespace iterum::bcd
