// Tour cases of the bcd family: label propagation on a two-moons 5-nearest-neighbour graph
// (1000 points, 50 labels; Nutini, Laradji & Schmidt, arXiv 1712.08859, data set "E" at half
// size): bcd::label_propagation with greedy forest blocks and with red-black blocks, against
// iterum's CG on the same Laplacian system (certificate 1e-8, set-up of the system included in
// every method).

#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <iterum/bcd/label_propagation.hpp>
#include <iterum/core/random.hpp>
#include <iterum/linalg/cg.hpp>

#include "tour.hpp"
#include "two_moons.hpp"

namespace {

struct MoonsData {
  Eigen::SparseMatrix<double> graph;
  Eigen::VectorXd labels;
};

MoonsData bcd_two_moons(Eigen::Index n, Eigen::Index k, Eigen::Index labelled) {
  auto engine = iterum::make_engine(3);
  bench::TwoMoons moons = bench::two_moons(n, k, 0.2, engine, bench::MoonSplit::Alternate);
  const std::vector<int>& moon = moons.moon;
  MoonsData out;
  out.graph = std::move(moons.graph);
  out.labels = Eigen::VectorXd::Constant(n, iterum::bcd::unlabelled);
  for (Eigen::Index j = 0; j < labelled; ++j) {
    const Eigen::Index i = j * (n / labelled) + j % 2;
    out.labels[i] = moon[static_cast<std::size_t>(i)];
  }
  return out;
}

constexpr double tolerance = 1e-8;

std::vector<tour::Method> moons_methods() {
  auto data = std::make_shared<MoonsData>(bcd_two_moons(1000, 5, 50));
  std::vector<tour::Method> methods;
  methods.push_back({"iterum conjugate_gradient (Laplacian system)", [data] {
                       // The same system label_propagation solves: A = L_UU, b = W_UL y_L.
                       const auto& w = data->graph;
                       const auto& y = data->labels;
                       std::vector<Eigen::Index> pos(static_cast<std::size_t>(w.cols()), -1);
                       Eigen::Index m = 0;
                       for (Eigen::Index i = 0; i < w.cols(); ++i)
                         if (y[i] == iterum::bcd::unlabelled)
                           pos[static_cast<std::size_t>(i)] = m++;
                       std::vector<Eigen::Triplet<double>> t;
                       Eigen::VectorXd b = Eigen::VectorXd::Zero(m);
                       for (Eigen::Index i = 0; i < w.cols(); ++i) {
                         const Eigen::Index pi = pos[static_cast<std::size_t>(i)];
                         if (pi < 0) continue;
                         double degree = 0.0;
                         for (Eigen::SparseMatrix<double>::InnerIterator it(w, i); it; ++it) {
                           degree += it.value();
                           const Eigen::Index pj = pos[static_cast<std::size_t>(it.index())];
                           if (pj >= 0) {
                             t.emplace_back(pj, pi, -it.value());
                           } else {
                             b[pi] += it.value() * y[it.index()];
                           }
                         }
                         t.emplace_back(pi, pi, degree);
                       }
                       Eigen::SparseMatrix<double> a(m, m);
                       a.setFromTriplets(t.begin(), t.end());
                       const auto r =
                           iterum::linalg::conjugate_gradient(a, b, {.tolerance = tolerance});
                       return tour::Outcome{static_cast<long>(r.iterations), r.residual, r.ok()};
                     }});
  methods.push_back({"iterum bcd::label_propagation (greedy forest)", [data] {
                       const auto r = iterum::bcd::label_propagation(
                           data->graph, data->labels,
                           {.tolerance = tolerance, .max_iterations = 200000});
                       return tour::Outcome{static_cast<long>(r.iterations), r.residual, r.ok()};
                     }});
  methods.push_back({"iterum bcd::label_propagation (red-black)", [data] {
                       const auto r = iterum::bcd::label_propagation(
                           data->graph, data->labels,
                           {.tolerance = tolerance,
                            .max_iterations = 200000,
                            .forest = iterum::bcd::BcdForest::RedBlack});
                       return tour::Outcome{static_cast<long>(r.iterations), r.residual, r.ok()};
                     }});
  return methods;
}

const tour::Register moons{
    {"bcd", "label propagation two-moons 1000", [] { return moons_methods(); }, 20}};

}  // namespace
