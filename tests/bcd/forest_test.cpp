#include <Eigen/Dense>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "iterum/bcd/forest_block_descent.hpp"
#include "iterum/bcd/greedy_forest.hpp"
#include "iterum/bcd/label_propagation.hpp"
#include "iterum/bcd/quadratic_problem.hpp"
#include "iterum/bcd/red_black.hpp"
#include "iterum/bcd/tree_partition.hpp"
#include "iterum/bcd/tree_solve_update.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

namespace {

using FSparse = Eigen::SparseMatrix<double>;
using FIndex = iterum::Index;

/// A sparse SPD matrix on a random graph: `edges` random edges (cycles likely) with weights
/// -U(0.1, 1), diagonal = 1 + sum of |off-diagonal| (strictly diagonally dominant).
FSparse forest_random_graph_matrix(FIndex n, FIndex edges, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Eigen::MatrixXd dense = Eigen::MatrixXd::Zero(n, n);
  for (FIndex e = 0; e < edges; ++e) {
    const FIndex i = iterum::random::uniform_index(engine, n);
    const FIndex j = iterum::random::uniform_index(engine, n);
    if (i == j) continue;
    const double w = -iterum::random::uniform(engine, 0.1, 1.0);
    dense(i, j) = w;
    dense(j, i) = w;
  }
  for (FIndex i = 0; i < n; ++i) dense(i, i) = 1.0 + dense.row(i).cwiseAbs().sum();
  return dense.sparseView();
}

/// The weight matrix of a rows x cols 4-neighbour lattice with unit weights (site r * cols + c):
/// the off-diagonal part of the 5-point Laplacian, negated.
FSparse forest_lattice_graph(FIndex rows, FIndex cols) {
  FSparse g = -iterum::linalg::laplacian_2d(cols, rows);
  g.prune([](FIndex r, FIndex c, double /*value*/) { return r != c; });
  return g;
}

/// Two interleaved half-moons (n points, Gaussian noise of standard deviation `noise`), joined
/// by a symmetrized k-nearest-neighbour graph with 0/1 weights.
FSparse forest_two_moons(FIndex n, FIndex k, double noise, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Eigen::MatrixXd p(n, 2);
  const double pi = 3.14159265358979323846;
  for (FIndex i = 0; i < n; ++i) {
    const double t = pi * iterum::random::uniform01(engine);
    if (i % 2 == 0) {
      p(i, 0) = std::cos(t);
      p(i, 1) = std::sin(t);
    } else {
      p(i, 0) = 1.0 - std::cos(t);
      p(i, 1) = 0.5 - std::sin(t);
    }
    p(i, 0) += noise * iterum::random::normal(engine);
    p(i, 1) += noise * iterum::random::normal(engine);
  }
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(n, n);
  std::vector<FIndex> idx(static_cast<std::size_t>(n));
  for (FIndex i = 0; i < n; ++i) {
    for (FIndex j = 0; j < n; ++j) idx[static_cast<std::size_t>(j)] = j;
    std::sort(idx.begin(), idx.end(), [&](FIndex a, FIndex b) {
      return (p.row(a) - p.row(i)).squaredNorm() < (p.row(b) - p.row(i)).squaredNorm();
    });
    for (FIndex m = 1; m <= k; ++m) {
      w(i, idx[static_cast<std::size_t>(m)]) = 1.0;
      w(idx[static_cast<std::size_t>(m)], i) = 1.0;
    }
  }
  return w.sparseView();
}

/// Independent acyclicity check of the subgraph of `a` induced by `block`: edges = nodes -
/// components (components counted by depth-first search, edges counted from the matrix).
bool forest_block_is_forest(const FSparse& a, std::span<const FIndex> block) {
  const Eigen::MatrixXd dense = Eigen::MatrixXd(a);
  const auto size = static_cast<FIndex>(block.size());
  FIndex edges = 0;
  for (FIndex x = 0; x < size; ++x)
    for (FIndex y = x + 1; y < size; ++y)
      if (dense(block[static_cast<std::size_t>(x)], block[static_cast<std::size_t>(y)]) != 0)
        ++edges;
  std::vector<int> seen(static_cast<std::size_t>(size), 0);
  FIndex components = 0;
  for (FIndex s = 0; s < size; ++s) {
    if (seen[static_cast<std::size_t>(s)] != 0) continue;
    ++components;
    std::vector<FIndex> stack{s};
    seen[static_cast<std::size_t>(s)] = 1;
    while (!stack.empty()) {
      const FIndex v = stack.back();
      stack.pop_back();
      for (FIndex u = 0; u < size; ++u) {
        if (seen[static_cast<std::size_t>(u)] == 0 &&
            dense(block[static_cast<std::size_t>(v)], block[static_cast<std::size_t>(u)]) != 0) {
          seen[static_cast<std::size_t>(u)] = 1;
          stack.push_back(u);
        }
      }
    }
  }
  return edges == size - components;
}

/// A_bb as a dense matrix and g_b.
Eigen::MatrixXd forest_dense_block(const FSparse& a, std::span<const FIndex> block) {
  const auto k = static_cast<FIndex>(block.size());
  Eigen::MatrixXd h(k, k);
  for (FIndex r = 0; r < k; ++r)
    for (FIndex c = 0; c < k; ++c)
      h(r, c) = a.coeff(block[static_cast<std::size_t>(r)], block[static_cast<std::size_t>(c)]);
  return h;
}

/// The Laplacian system of label propagation, built by hand from dense matrices (an independent
/// construction): A x_U = b.
struct ForestSystem {
  Eigen::MatrixXd a;
  Eigen::VectorXd b;
  std::vector<FIndex> unknown;
};
ForestSystem forest_system(const FSparse& graph, const Eigen::VectorXd& labels) {
  const Eigen::MatrixXd w = Eigen::MatrixXd(graph);
  ForestSystem s;
  for (FIndex i = 0; i < w.rows(); ++i)
    if (labels[i] == iterum::bcd::unlabelled) s.unknown.push_back(i);
  const auto m = static_cast<FIndex>(s.unknown.size());
  s.a = Eigen::MatrixXd::Zero(m, m);
  s.b = Eigen::VectorXd::Zero(m);
  for (FIndex x = 0; x < m; ++x) {
    const FIndex i = s.unknown[static_cast<std::size_t>(x)];
    for (FIndex j = 0; j < w.cols(); ++j) {
      if (j == i) continue;
      s.a(x, x) += w(i, j);
      if (labels[j] != iterum::bcd::unlabelled) s.b[x] += w(i, j) * labels[j];
    }
    for (FIndex y = 0; y < m; ++y)
      if (y != x) s.a(x, y) = -w(i, s.unknown[static_cast<std::size_t>(y)]);
  }
  return s;
}

/// Labels: `count` nodes spread evenly (alternating parity: both moons), values N(0, 1); the rest
/// unlabelled.
Eigen::VectorXd forest_labels(FIndex n, FIndex count, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Eigen::VectorXd y = Eigen::VectorXd::Constant(n, iterum::bcd::unlabelled);
  for (FIndex k = 0; k < count; ++k) y[(k * n) / count + k % 2] = iterum::random::normal(engine);
  return y;
}

}  // namespace

TEST_CASE("bcd forest: the tree solve equals a dense LDLT of A_bb on random forests", "[bcd]") {
  namespace bcd = iterum::bcd;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const FIndex n = 40;
    const FSparse a = forest_random_graph_matrix(n, 70, seed);
    const Eigen::VectorXd g = Eigen::VectorXd::Random(n) * 3.0;
    bcd::GreedyForest::Workspace fw;
    fw.resize(n);
    std::vector<FIndex> block(static_cast<std::size_t>(n));
    const Eigen::VectorXd diag = Eigen::VectorXd(a.diagonal());
    // A greedy forest for a random gradient: a big block with many edges.
    auto engine = iterum::make_engine(seed + 100);
    const Eigen::VectorXd key = iterum::random::normal_vector(engine, n);
    const FIndex size = bcd::GreedyForest{}.grow(a, key, diag, fw, std::span<FIndex>(block));
    const std::span<const FIndex> b(block.data(), static_cast<std::size_t>(size));
    REQUIRE(forest_block_is_forest(a, b));
    bcd::TreeSolveUpdate::Workspace<double> w;
    w.resize(n);
    REQUIRE(bcd::TreeSolveUpdate::solve(a, b, g, w) == bcd::TreeSolveUpdate::Outcome::Solved);
    const Eigen::MatrixXd h = forest_dense_block(a, b);
    Eigen::VectorXd gb(size);
    for (FIndex k = 0; k < size; ++k) gb[k] = g[block[static_cast<std::size_t>(k)]];
    const Eigen::VectorXd reference = h.ldlt().solve(-gb);
    CHECK((w.direction.head(size) - reference).norm() <= 1e-10 * (1.0 + reference.norm()));
    // The block has edges: the test exercises elimination, not only a diagonal.
    CHECK((h - Eigen::MatrixXd(h.diagonal().asDiagonal())).cwiseAbs().sum() > 0);
  }
  // A block with a cycle (a triangle) is reported, not solved.
  Eigen::MatrixXd t = Eigen::MatrixXd::Identity(4, 4) * 3.0;
  t(0, 1) = t(1, 0) = t(1, 2) = t(2, 1) = t(0, 2) = t(2, 0) = -1.0;
  const FSparse ts = t.sparseView();
  bcd::TreeSolveUpdate::Workspace<double> w;
  w.resize(4);
  const std::vector<FIndex> triangle{0, 1, 2};
  CHECK(bcd::TreeSolveUpdate::solve(ts, std::span<const FIndex>(triangle),
                                    Eigen::VectorXd::Ones(4).eval(),
                                    w) == bcd::TreeSolveUpdate::Outcome::Cycle);
}

TEST_CASE(
    "bcd forest: every block of every forest partition is a forest; red-black blocks are "
    "independent sets",
    "[bcd]") {
  namespace bcd = iterum::bcd;
  // A 7 x 9 lattice with some sites removed (labelled nodes), and a random graph.
  const FSparse lattice = forest_lattice_graph(7, 9);
  const Eigen::VectorXd labels = forest_labels(63, 5, 3);
  const ForestSystem ls = forest_system(lattice, labels);
  const FSparse la = ls.a.sparseView();
  std::vector<FIndex> site = ls.unknown;
  const FSparse ga = forest_random_graph_matrix(50, 90, 4);
  auto check_fixed = [](const FSparse& a, const auto& partition, bool independent) {
    std::vector<FIndex> nodes;
    std::vector<FIndex> begin;
    partition.build(a, nodes, begin);
    std::vector<FIndex> sorted = nodes;
    std::sort(sorted.begin(), sorted.end());
    for (FIndex i = 0; i < a.cols(); ++i) REQUIRE(sorted[static_cast<std::size_t>(i)] == i);
    for (std::size_t c = 0; c + 1 < begin.size(); ++c) {
      const std::span<const FIndex> b(nodes.data() + begin[c],
                                      static_cast<std::size_t>(begin[c + 1] - begin[c]));
      CHECK(forest_block_is_forest(a, b));
      if (independent) {
        const Eigen::MatrixXd h = forest_dense_block(a, b);
        CHECK((h - Eigen::MatrixXd(h.diagonal().asDiagonal())).cwiseAbs().maxCoeff() == 0);
      }
    }
    return static_cast<FIndex>(begin.size()) - 1;
  };
  CHECK(check_fixed(la, bcd::RedBlack{}, true) == 2);  // a lattice is 2-coloured
  CHECK(check_fixed(ga, bcd::RedBlack{}, true) >= 2);
  CHECK(check_fixed(la, bcd::TreePartition{.rows = 7, .cols = 9, .site = site}, false) == 2);
  CHECK(check_fixed(la, bcd::TreePartition{}, false) >= 2);
  CHECK(check_fixed(ga, bcd::TreePartition{}, false) >= 2);
  // The greedy forest, along a run: every block a forest, and maximal (no node outside can
  // join without a cycle: checked by trying each).
  const Eigen::VectorXd rhs = Eigen::VectorXd::LinSpaced(50, -1.0, 2.0);
  const bcd::QuadraticProblem<FSparse> problem(ga, rhs);
  const bcd::ForestBlockDescent<bcd::GreedyForest> method;
  auto s = method.init(problem);
  for (int k = 0; k < 5; ++k) {
    (void)method.step(problem, s);
    const auto b = s.last_block();
    CHECK(forest_block_is_forest(ga, b));
    std::vector<FIndex> grown(b.begin(), b.end());
    for (FIndex i = 0; i < 50; ++i) {
      if (std::find(b.begin(), b.end(), i) != b.end()) continue;
      grown.push_back(i);
      CHECK(!forest_block_is_forest(ga, std::span<const FIndex>(grown)));
      grown.pop_back();
    }
  }
}

TEST_CASE("bcd forest: each step decreases f by exactly 1/2 g_b' A_bb^-1 g_b", "[bcd]") {
  namespace bcd = iterum::bcd;
  const FSparse a = forest_random_graph_matrix(30, 60, 7);
  const Eigen::MatrixXd dense = Eigen::MatrixXd(a);
  const Eigen::VectorXd rhs = Eigen::VectorXd::LinSpaced(30, -2.0, 1.0);
  const bcd::QuadraticProblem<FSparse> problem(a, rhs);
  auto f = [&](const Eigen::VectorXd& x) { return 0.5 * x.dot(dense * x) - rhs.dot(x); };
  auto run = [&](const auto& method) {
    auto s = method.init(problem);
    for (int k = 0; k < 8; ++k) {
      const Eigen::VectorXd x0 = s.x;
      const Eigen::VectorXd g0 = dense * x0 - rhs;  // recomputed, not the maintained one
      (void)method.step(problem, s);
      const auto b = s.last_block();
      const Eigen::MatrixXd h = forest_dense_block(a, b);
      Eigen::VectorXd gb(static_cast<FIndex>(b.size()));
      for (std::size_t j = 0; j < b.size(); ++j) gb[static_cast<FIndex>(j)] = g0[b[j]];
      const double bound = 0.5 * gb.dot(h.ldlt().solve(gb));
      const double decrease = f(x0) - f(s.x);
      CHECK(decrease >= bound - 1e-10 * (1.0 + std::abs(f(x0))));
      CHECK(std::abs(decrease - bound) <= 1e-9 * (1.0 + std::abs(f(x0))));
      CHECK(std::abs(s.last_decrease - bound) <= 1e-9 * (1.0 + bound));
    }
  };
  run(bcd::ForestBlockDescent<bcd::GreedyForest>{});
  run(bcd::ForestBlockDescent<bcd::GreedyForest>{bcd::GreedyForest{.lipschitz = true}});
  run(bcd::ForestBlockDescent<bcd::TreePartition>{});
  run(bcd::ForestBlockDescent<bcd::RedBlack>{});
}

TEST_CASE("bcd forest: steps do not allocate; a cyclic fixed block is rejected", "[bcd]") {
  namespace bcd = iterum::bcd;
  const FSparse a = forest_random_graph_matrix(30, 60, 8);
  const Eigen::VectorXd rhs = Eigen::VectorXd::Ones(30);
  const bcd::QuadraticProblem<FSparse> problem(a, rhs);
  const bcd::ForestBlockDescent<bcd::GreedyForest> greedy;
  const bcd::ForestBlockDescent<bcd::TreePartition> tree;
  const bcd::ForestBlockDescent<bcd::RedBlack> red;
  auto s1 = greedy.init(problem);
  auto s2 = tree.init(problem);
  auto s3 = red.init(problem);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 6; ++k) {
    (void)greedy.step(problem, s1);
    (void)tree.step(problem, s2);
    (void)red.step(problem, s3);
  }
  Eigen::internal::set_is_malloc_allowed(true);
  CHECK(s1.work.block_steps == 6);
  CHECK(s1.work.gradient_entries == 0);  // the gradient is maintained
  CHECK(s1.counters.oracle_calls == s1.work.coordinate_updates);
  CHECK(s1.work.coordinate_updates > 6);  // huge blocks
  // A lattice comb on a graph that is not a lattice: the extra edge 1-9 closes the cycle
  // 0-1-9-... in comb 0 (row 0 and column 0 of a 3 x 9 lattice... ) and init says so.
  FSparse g = forest_lattice_graph(3, 3);
  g.coeffRef(1, 3) = 1.0;
  g.coeffRef(3, 1) = 1.0;
  const ForestSystem sys = forest_system(g, Eigen::VectorXd::Constant(9, bcd::unlabelled));
  Eigen::MatrixXd lap = sys.a + Eigen::MatrixXd::Identity(9, 9);
  const FSparse ls = lap.sparseView();
  const Eigen::VectorXd c = Eigen::VectorXd::Ones(9);
  const bcd::QuadraticProblem<FSparse> cyclic(ls, c);
  const bcd::ForestBlockDescent<bcd::TreePartition> comb(
      bcd::TreePartition{.rows = 3, .cols = 3, .site = {}});
  const std::string message =
      iterum::test::invalid_argument_message([&] { (void)comb.init(cyclic); });
  CHECK(iterum::test::contains(message, "iterum::bcd::ForestBlockDescent::init"));
  CHECK(iterum::test::contains(message, "partition"));
  CHECK(iterum::test::contains(message, "forest"));
}

TEST_CASE("bcd::label_propagation matches a direct sparse solve on a lattice and two moons",
          "[bcd]") {
  namespace bcd = iterum::bcd;
  struct Graph {
    FSparse w;
    Eigen::VectorXd y;
  };
  std::vector<Graph> graphs;
  graphs.push_back({forest_lattice_graph(8, 10) * 1e5, forest_labels(80, 6, 11)});
  graphs.push_back({forest_two_moons(120, 5, 0.1, 12), forest_labels(120, 10, 13)});
  for (const auto& gr : graphs) {
    const ForestSystem sys = forest_system(gr.w, gr.y);
    const FSparse as = sys.a.sparseView();
    Eigen::SimplicialLDLT<FSparse> ldlt(as);
    REQUIRE(ldlt.info() == Eigen::Success);
    const Eigen::VectorXd reference = ldlt.solve(sys.b);
    for (const auto forest :
         {bcd::BcdForest::GreedyForest, bcd::BcdForest::TreePartition, bcd::BcdForest::RedBlack}) {
      const auto r = bcd::label_propagation(
          gr.w, gr.y, {.tolerance = 1e-12, .max_iterations = 200000, .forest = forest});
      REQUIRE(r.ok());
      REQUIRE(r.x.size() == gr.w.cols());
      Eigen::VectorXd xu(static_cast<FIndex>(sys.unknown.size()));
      for (std::size_t k = 0; k < sys.unknown.size(); ++k)
        xu[static_cast<FIndex>(k)] = r.x[sys.unknown[k]];
      CHECK((xu - reference).cwiseAbs().maxCoeff() <=
            1e-8 * (1.0 + reference.cwiseAbs().maxCoeff()));
      for (FIndex i = 0; i < gr.w.cols(); ++i)
        if (gr.y[i] != bcd::unlabelled) CHECK(r.x[i] == gr.y[i]);
      // The objective over every edge, recomputed densely.
      const Eigen::MatrixXd w = Eigen::MatrixXd(gr.w);
      double energy = 0.0;
      for (FIndex i = 0; i < w.rows(); ++i)
        for (FIndex j = i + 1; j < w.cols(); ++j)
          energy += 0.5 * w(i, j) * (r.x[i] - r.x[j]) * (r.x[i] - r.x[j]);
      CHECK(std::abs(r.objective - energy) <= 1e-9 * (1.0 + energy));
    }
  }
}

TEST_CASE("bcd::label_propagation: Converged only when the certificate of x meets the tolerance",
          "[bcd]") {
  namespace bcd = iterum::bcd;
  const FSparse w = forest_two_moons(100, 5, 0.1, 12);
  const Eigen::VectorXd y = forest_labels(100, 8, 22);
  const ForestSystem sys = forest_system(w, y);
  // The certificate: max |A x_U - b| with A and b scaled by the powers of two that bring their
  // largest entries into [1/2, 1), i.e. max |A x_U - b| / 2^eb.
  int eb = 0;
  (void)std::frexp(sys.b.cwiseAbs().maxCoeff(), &eb);
  auto certificate = [&](const Eigen::VectorXd& x) {
    Eigen::VectorXd xu(static_cast<FIndex>(sys.unknown.size()));
    for (std::size_t k = 0; k < sys.unknown.size(); ++k)
      xu[static_cast<FIndex>(k)] = x[sys.unknown[k]];
    return std::ldexp((sys.a * xu - sys.b).cwiseAbs().maxCoeff(), -eb);
  };
  for (const auto forest : {bcd::BcdForest::GreedyForest, bcd::BcdForest::RedBlack}) {
    const auto done = bcd::label_propagation(
        w, y, {.tolerance = 1e-9, .max_iterations = 100000, .forest = forest});
    CHECK(done.status == iterum::Status::Converged);
    CHECK(certificate(done.x) <= 1e-9);
    CHECK(std::abs(certificate(done.x) - done.residual) <= 1e-12 + 1e-6 * done.residual);
    const auto cut =
        bcd::label_propagation(w, y, {.tolerance = 1e-9, .max_iterations = 2, .forest = forest});
    CHECK(cut.status == iterum::Status::MaxIterations);
    CHECK(cut.x.allFinite());
    CHECK(certificate(cut.x) > 1e-9);
    CHECK(std::abs(certificate(cut.x) - cut.residual) <= 1e-6 * cut.residual);
  }
  // At a budget of 60 block steps the greedy forest is well ahead of red-black (f - f*, f* from
  // a dense solve: every node labelled with the solution gives f*).
  const Eigen::VectorXd xs = sys.a.ldlt().solve(sys.b);
  Eigen::VectorXd full = y;
  for (std::size_t k = 0; k < sys.unknown.size(); ++k)
    full[sys.unknown[k]] = xs[static_cast<FIndex>(k)];
  const double fstar = bcd::label_propagation(w, full).objective;
  const auto greedy = bcd::label_propagation(w, y, {.max_iterations = 60});
  const auto red =
      bcd::label_propagation(w, y, {.max_iterations = 60, .forest = bcd::BcdForest::RedBlack});
  CHECK(greedy.iterations == 60);
  CHECK(greedy.objective - fstar > 0);
  CHECK(2.0 * (greedy.objective - fstar) < red.objective - fstar);
}

TEST_CASE("bcd::label_propagation: bad input throws iterum::invalid_argument naming the argument",
          "[bcd]") {
  namespace bcd = iterum::bcd;
  using iterum::test::contains;
  using iterum::test::invalid_argument_message;
  const FSparse w = forest_lattice_graph(3, 3);
  const Eigen::VectorXd y = forest_labels(9, 2, 31);
  auto expect = [](const std::string& message, const char* argument, const char* what) {
    CHECK(contains(message, "iterum::bcd::label_propagation"));
    CHECK(contains(message, argument));
    CHECK(contains(message, what));
  };
  FSparse negative = w;
  negative.coeffRef(0, 1) = -1.0;
  negative.coeffRef(1, 0) = -1.0;
  expect(invalid_argument_message([&] { (void)bcd::label_propagation(negative, y); }), "graph",
         "-1");
  FSparse asymmetric = w;
  asymmetric.coeffRef(0, 1) = 2.0;
  expect(invalid_argument_message([&] { (void)bcd::label_propagation(asymmetric, y); }), "graph",
         "symmetric");
  FSparse nan = w;
  nan.coeffRef(0, 1) = std::numeric_limits<double>::quiet_NaN();
  expect(invalid_argument_message([&] { (void)bcd::label_propagation(nan, y); }), "graph", "nan");
  Eigen::VectorXd ynan = y;
  ynan[4] = std::numeric_limits<double>::quiet_NaN();
  expect(invalid_argument_message([&] { (void)bcd::label_propagation(w, ynan); }), "labels",
         "entry 4");
  expect(invalid_argument_message(
             [&] { (void)bcd::label_propagation(w, Eigen::VectorXd::Zero(8).eval()); }),
         "labels", "8");
  expect(invalid_argument_message([&] {
           (void)bcd::label_propagation(w, Eigen::VectorXd::Constant(9, bcd::unlabelled).eval());
         }),
         "labels", "component");
  expect(
      invalid_argument_message([&] {
        (void)bcd::label_propagation(w, std::vector<FIndex>{0, 9}, Eigen::VectorXd::Ones(2).eval());
      }),
      "labelled", "9");
  expect(invalid_argument_message([&] {
           (void)bcd::label_propagation(w, std::vector<FIndex>{0, -1},
                                        Eigen::VectorXd::Ones(2).eval());
         }),
         "labelled", "-1");
  expect(
      invalid_argument_message([&] {
        (void)bcd::label_propagation(w, std::vector<FIndex>{0, 0}, Eigen::VectorXd::Ones(2).eval());
      }),
      "labelled", "twice");
  expect(invalid_argument_message([&] { (void)bcd::label_propagation(w, y, {.tolerance = -1.0}); }),
         "options.tolerance", "-1");
  expect(invalid_argument_message([&] { (void)bcd::label_propagation(FSparse(3, 4), y); }), "graph",
         "3x4");
  // The index form equals the sentinel form.
  const auto a = bcd::label_propagation(w, std::vector<FIndex>{1, 7},
                                        (Eigen::VectorXd(2) << 1.0, -1.0).finished());
  Eigen::VectorXd yy = Eigen::VectorXd::Constant(9, bcd::unlabelled);
  yy[1] = 1.0;
  yy[7] = -1.0;
  const auto b = bcd::label_propagation(w, yy);
  CHECK(a.x == b.x);
  CHECK(a.ok());
  // A symmetric 3x3 lattice with labels 1 and -1 at nodes 1 and 7: the middle row is 0.
  CHECK(std::abs(b.x[4]) <= 1e-9);
}
