// Forest blocks with message passing on the label-propagation data sets "D" and "E" of Nutini,
// Laradji & Schmidt, "Let's Make Block Coordinate Descent Converge Faster", JMLR 23(131), 2022,
// arXiv 1712.08859 (Section 5 and its label-propagation experiments), generated with iterum's
// seeded RNG:
//
//   D: a 50 x 50 lattice, 4-neighbour edges of weight 1e5, 100 nodes drawn uniformly without
//      replacement labelled y ~ N(0, 100); n = 2400 unlabelled.
//   E: two moons, 2000 points (half on each moon, angle U(0, pi), Gaussian noise of variance
//      0.04 per coordinate), symmetrized 5-nearest-neighbour graph with 0/1 weights, 100 nodes
//      labelled +1/-1 by their moon; a node is also labelled in any connected component the
//      draw left without one (reported), so the system is positive definite.
//
// f(x) = 1/2 x' A x - b' x, A the graph Laplacian on the unlabelled nodes, b the weights into
// the labelled ones; f* from a sparse LDLT (Eigen::SimplicialLDLT). From x = 0, 500 iterations
// of: red-black (independent sets, Gauss-Seidel by colour), the tree partition (two lattice
// combs on D, a greedy forest colouring by A_ii on E), the greedy forest (grown each iteration
// in GS order |g_i|, and in GSL order g_i^2 / A_ii), and the dense greedy block of the paper's
// comparison ("General": the n^{1/3} coordinates of largest |g_i|, solved by a dense Cholesky).
// Then wall clock to f - f* <= 1e-6 (absolute, as the paper plots f - f*): greedy forest with the
// maintained gradient, red-black, and iterum's CG (linalg::conjugate_gradient, default
// preconditioner, the largest tolerance in 10^-k whose answer meets f - f* <= 1e-6, chosen before
// timing), rounds interleaved, medians.
//
// Usage: forest_trace [--dataset d|e] [--iterations 500] [--rounds 5] [--csv FILE]
// Prints f - f* after the iterations per method and the timing table; writes the traces as CSV
// (dataset,method,iteration,f_minus_fstar,seconds).

#include <Eigen/Cholesky>
#include <Eigen/SparseCholesky>
#include <Eigen/SparseCore>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <iterum/bcd/forest_block_descent.hpp>
#include <iterum/bcd/greedy_forest.hpp>
#include <iterum/bcd/quadratic_problem.hpp>
#include <iterum/bcd/red_black.hpp>
#include <iterum/bcd/tree_partition.hpp>
#include <iterum/core/random.hpp>
#include <iterum/linalg/cg.hpp>
#include <iterum/linalg/laplacian.hpp>

#include "trace_output.hpp"
#include "two_moons.hpp"

namespace {

using Sparse = Eigen::SparseMatrix<double>;
using Index = Eigen::Index;
using Problem = iterum::bcd::QuadraticProblem<Sparse>;

struct System {
  Sparse a;
  Eigen::VectorXd b;
  std::vector<Index> site;  // node (lattice site) of each unknown
  Index rows = 0, cols = 0;
  Index extra_labels = 0;
};

/// A x = b of label propagation on a weighted graph with labels (NaN: unlabelled).
System laplacian_system(const Sparse& w, const Eigen::VectorXd& y) {
  const Index n = w.cols();
  std::vector<Index> position(static_cast<std::size_t>(n), -1);
  System s;
  for (Index i = 0; i < n; ++i) {
    if (std::isnan(y[i])) {
      position[static_cast<std::size_t>(i)] = static_cast<Index>(s.site.size());
      s.site.push_back(i);
    }
  }
  const auto m = static_cast<Index>(s.site.size());
  std::vector<Eigen::Triplet<double>> t;
  s.b = Eigen::VectorXd::Zero(m);
  for (Index k = 0; k < m; ++k) {
    const Index i = s.site[static_cast<std::size_t>(k)];
    double degree = 0.0;
    for (Sparse::InnerIterator it(w, i); it; ++it) {
      if (it.index() == i) continue;
      degree += it.value();
      const Index p = position[static_cast<std::size_t>(it.index())];
      if (p >= 0) {
        t.emplace_back(p, k, -it.value());
      } else {
        s.b[k] += it.value() * y[it.index()];
      }
    }
    t.emplace_back(k, k, degree);
  }
  s.a.resize(m, m);
  s.a.setFromTriplets(t.begin(), t.end());
  return s;
}

/// k distinct indices of 0..n-1, uniformly (partial Fisher-Yates).
std::vector<Index> draw_distinct(iterum::Engine& engine, Index n, Index k) {
  std::vector<Index> all(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
  for (Index j = 0; j < k; ++j) {
    const Index r = j + iterum::random::uniform_index(engine, n - j);
    std::swap(all[static_cast<std::size_t>(j)], all[static_cast<std::size_t>(r)]);
  }
  all.resize(static_cast<std::size_t>(k));
  return all;
}

System dataset_d(std::uint64_t seed) {
  const Index side = 50;
  // The lattice's edges of weight 1e5: the off-diagonal part of the 5-point Laplacian (site
  // r * side + c), negated and scaled.
  Sparse w = -1e5 * iterum::linalg::laplacian_2d(side, side);
  w.prune([](Index r, Index c, double /*value*/) { return r != c; });
  auto engine = iterum::make_engine(seed);
  Eigen::VectorXd y = Eigen::VectorXd::Constant(side * side, std::nan(""));
  for (const Index i : draw_distinct(engine, side * side, 100))
    y[i] = 10.0 * iterum::random::normal(engine);
  System s = laplacian_system(w, y);
  s.rows = side;
  s.cols = side;
  return s;
}

System dataset_e(std::uint64_t seed) {
  const Index n = 2000;
  const Index k = 5;
  auto engine = iterum::make_engine(seed);
  // The first half on the upper moon, noise of variance 0.04.
  const bench::TwoMoons moons =
      bench::two_moons(n, k, std::sqrt(0.04), engine, bench::MoonSplit::Halves);
  const Sparse& w = moons.graph;
  Eigen::VectorXd y = Eigen::VectorXd::Constant(n, std::nan(""));
  auto label = [&](Index i) { y[i] = moons.moon[static_cast<std::size_t>(i)]; };
  for (const Index i : draw_distinct(engine, n, 100)) label(i);
  // A label in every connected component.
  std::vector<int> seen(static_cast<std::size_t>(n), 0);
  Index extra = 0;
  for (Index s = 0; s < n; ++s) {
    if (seen[static_cast<std::size_t>(s)] != 0) continue;
    std::vector<Index> stack{s};
    seen[static_cast<std::size_t>(s)] = 1;
    bool labelled = false;
    while (!stack.empty()) {
      const Index v = stack.back();
      stack.pop_back();
      labelled = labelled || !std::isnan(y[v]);
      for (Sparse::InnerIterator it(w, v); it; ++it) {
        if (seen[static_cast<std::size_t>(it.index())] == 0) {
          seen[static_cast<std::size_t>(it.index())] = 1;
          stack.push_back(it.index());
        }
      }
    }
    if (!labelled) {
      label(s);
      ++extra;
    }
  }
  System sys = laplacian_system(w, y);
  sys.extra_labels = extra;
  return sys;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The dense greedy block of the paper's comparison: the `size` coordinates with the largest
/// |g_i|, solved exactly with a dense Cholesky of A_bb.
struct DenseGreedy {
  Index size;
  struct State {
    Eigen::VectorXd x, g;
    std::vector<Index> order;
    Eigen::MatrixXd h;
    Eigen::VectorXd rhs;
  };
  State init(const Problem& p) const {
    State s{Eigen::VectorXd::Zero(p.dim()), Eigen::VectorXd::Zero(p.dim()), {}, {}, {}};
    p.reset(s.x, s.g);
    s.order.resize(static_cast<std::size_t>(p.dim()));
    s.h.resize(size, size);
    s.rhs.resize(size);
    return s;
  }
  void step(const Problem& p, State& s) const {
    for (Index i = 0; i < p.dim(); ++i) s.order[static_cast<std::size_t>(i)] = i;
    std::nth_element(s.order.begin(), s.order.begin() + size, s.order.end(),
                     [&](Index i, Index j) { return std::abs(s.g[i]) > std::abs(s.g[j]); });
    for (Index r = 0; r < size; ++r) {
      for (Index c = 0; c < size; ++c)
        s.h(r, c) =
            p.a().coeff(s.order[static_cast<std::size_t>(r)], s.order[static_cast<std::size_t>(c)]);
      s.rhs[r] = -s.g[s.order[static_cast<std::size_t>(r)]];
    }
    const Eigen::VectorXd d = s.h.llt().solve(s.rhs);
    for (Index r = 0; r < size; ++r) {
      const Index i = s.order[static_cast<std::size_t>(r)];
      s.x[i] += d[r];
      p.move(i, d[r], s.g);
    }
  }
  double value(const Problem& p, const State& s) const { return p.value(s.x, s.g); }
};

struct Row {
  std::string name;
  double gap = 0.0;
  double seconds = 0.0;
};

template <class Method>
Row trace(const std::string& dataset, const std::string& name, const Problem& p,
          const Method& method, double fstar, int iterations, std::ofstream& csv) {
  const auto start = std::chrono::steady_clock::now();
  auto s = method.init(p);
  auto gap = [&] {
    if constexpr (requires { method.value(p, s); }) {
      return method.value(p, s) - fstar;
    } else {
      return p.value(s.x, s.tracked) - fstar;
    }
  };
  csv << dataset << ',' << name << ",0," << gap() << ',' << seconds_since(start) << '\n';
  for (int k = 1; k <= iterations; ++k) {
    (void)method.step(p, s);
    csv << dataset << ',' << name << ',' << k << ',' << gap() << ',' << seconds_since(start)
        << '\n';
  }
  return {name, gap(), seconds_since(start)};
}

/// Seconds (and iterations) of a forest method from init until f - f* <= target.
template <class Method>
std::pair<double, long> time_to(const Problem& p, const Method& method, double fstar, double target,
                                long cap) {
  const auto start = std::chrono::steady_clock::now();
  auto s = method.init(p);
  long k = 0;
  while (p.value(s.x, s.tracked) - fstar > target && k < cap) {
    (void)method.step(p, s);
    ++k;
  }
  return {seconds_since(start), k};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  namespace bcd = iterum::bcd;
  std::string dataset = "d";
  int iterations = 500;
  int rounds = 5;
  std::string csv_path;
  for (int k = 1; k + 1 < argc; k += 2) {
    const std::string flag = argv[k];
    if (flag == "--dataset") dataset = argv[k + 1];
    if (flag == "--iterations") iterations = std::atoi(argv[k + 1]);
    if (flag == "--rounds") rounds = std::atoi(argv[k + 1]);
    if (flag == "--csv") csv_path = argv[k + 1];
  }
  if (csv_path.empty()) csv_path = bench::trace_csv_path("bcd_dataset_" + dataset + ".csv");
  const System sys = dataset == "e" ? dataset_e(1) : dataset_d(1);
  const Problem problem(sys.a, sys.b);
  const Eigen::SimplicialLDLT<Sparse> ldlt(sys.a);
  const Eigen::VectorXd xstar = ldlt.solve(sys.b);
  const double fstar = 0.5 * xstar.dot(sys.a * xstar) - sys.b.dot(xstar);
  const auto n = sys.a.cols();
  const auto general = static_cast<Index>(std::lround(std::cbrt(static_cast<double>(n))));
  std::printf("data set %s: n = %ld unlabelled, %ld nonzeros in A, f(0) - f* = %.4e%s\n",
              dataset.c_str(), static_cast<long>(n), static_cast<long>(sys.a.nonZeros()), -fstar,
              sys.extra_labels > 0
                  ? (", " + std::to_string(sys.extra_labels) + " extra labels (components)").c_str()
                  : "");
  const bcd::TreePartition tree =
      dataset == "e" ? bcd::TreePartition{}
                     : bcd::TreePartition{.rows = sys.rows, .cols = sys.cols, .site = sys.site};
  const bcd::ForestBlockDescent<bcd::RedBlack> red_black;
  const bcd::ForestBlockDescent<bcd::TreePartition> tree_partition(tree);
  const bcd::ForestBlockDescent<bcd::GreedyForest> greedy;
  const bcd::ForestBlockDescent<bcd::GreedyForest> greedy_l(bcd::GreedyForest{.lipschitz = true});
  std::printf("blocks: red-black %ld colours, tree partition %ld forests\n",
              static_cast<long>(red_black.init(problem).blocks()),
              static_cast<long>(tree_partition.init(problem).blocks()));
  std::ofstream csv(csv_path);
  csv << "dataset,method,iteration,f_minus_fstar,seconds\n";
  std::vector<Row> rows;
  rows.push_back(trace(dataset, "red-black", problem, red_black, fstar, iterations, csv));
  rows.push_back(trace(dataset, "tree partition", problem, tree_partition, fstar, iterations, csv));
  rows.push_back(trace(dataset, "greedy forest (GS)", problem, greedy, fstar, iterations, csv));
  rows.push_back(trace(dataset, "greedy forest (GSL)", problem, greedy_l, fstar, iterations, csv));
  rows.push_back(trace(dataset, "dense GS block n^(1/3)=" + std::to_string(general), problem,
                       DenseGreedy{general}, fstar, iterations, csv));
  std::printf("\nf - f* after %d iterations (f(0) - f* = %.4e)\n%-28s %12s %9s\n", iterations,
              -fstar, "blocks", "f - f*", "seconds");
  for (const auto& r : rows) std::printf("%-28s %12.4e %9.3f\n", r.name.c_str(), r.gap, r.seconds);

  // Wall clock to f - f* <= 1e-6.
  const double target = 1e-6;
  double tolerance = 1e-2;
  while (tolerance > 1e-16) {
    const auto r = iterum::linalg::conjugate_gradient(sys.a, sys.b, {.tolerance = tolerance});
    if (0.5 * r.x.dot(sys.a * r.x) - sys.b.dot(r.x) - fstar <= target) break;
    tolerance /= 10;
  }
  std::vector<double> t_greedy, t_red, t_cg;
  long it_greedy = 0, it_red = 0, it_cg = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto g = time_to(problem, greedy, fstar, target, 1000000);
    const auto rb = time_to(problem, red_black, fstar, target, 1000000);
    const auto start = std::chrono::steady_clock::now();
    const auto c = iterum::linalg::conjugate_gradient(sys.a, sys.b, {.tolerance = tolerance});
    t_cg.push_back(seconds_since(start));
    t_greedy.push_back(g.first);
    t_red.push_back(rb.first);
    it_greedy = g.second;
    it_red = rb.second;
    it_cg = static_cast<long>(c.iterations);
  }
  const double mg = median(t_greedy);
  std::printf("\nseconds to f - f* <= %.0e (median of %d interleaved rounds; init included)\n",
              target, rounds);
  std::printf("%-34s %10s %11s %8s\n", "method", "iterations", "seconds", "ratio");
  std::printf("%-34s %10ld %11.5f %8.2f\n", "greedy forest (GS), maintained g", it_greedy, mg, 1.0);
  std::printf("%-34s %10ld %11.5f %8.2f\n", "red-black Gauss-Seidel", it_red, median(t_red),
              median(t_red) / mg);
  const std::string cg_name = "linalg::conjugate_gradient (tol " + [&] {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.0e", tolerance);
    return std::string(buf);
  }() + ")";
  std::printf("%-34s %10ld %11.5f %8.2f\n", cg_name.c_str(), it_cg, median(t_cg),
              median(t_cg) / mg);
  std::printf("\ntraces: %s\n", csv_path.c_str());
  return 0;
}
