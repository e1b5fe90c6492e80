// Block coordinate descent on the least-squares data set "A" of Nutini, Laradji & Schmidt,
// "Let's Make Block Coordinate Descent Converge Faster", JMLR 23(131), 2022, arXiv 1712.08859
// (the data-set description of their experiments): f(x) = 1/2 ||A x - b||^2 with
//
//   A: 1000 x 10000, entry (N(0,1) + 1) kept with probability 10 log(1000) / 1000 (~6.9%),
//      column j then multiplied by 10 N(0,1) (very non-uniform L_i = ||a_j||^2);
//   w: N(0,1) entries, 10% of them nonzero; b = A w + N(0,1).
//
// There are more columns than rows, so f* = 0 and f - f* = f. Every fixed-block rule of the
// library (cyclic, random, Lipschitz sampling, GS, GSL) on blocks in index order (Order) and
// sorted by L_i (Sort), with the gradient update 1/L_b and the matrix update H_bb^-1, tau = 5,
// from x = 0, 500 iterations; iterum's seeded RNG (seed 1 for the data, 2 for the rules).
//
// Usage: dataset_a_trace [--iterations 500] [--block 5] [--csv FILE]
// Prints f after the iterations per combination and the seconds taken, and writes the traces
// as CSV (rule,partition,update,iteration,f,seconds).

#include <Eigen/SparseCore>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <iterum/bcd/block_coordinate_descent.hpp>
#include <iterum/bcd/least_squares_problem.hpp>
#include <iterum/core/random.hpp>

#include "trace_output.hpp"

namespace {

using Sparse = Eigen::SparseMatrix<double>;

struct DatasetA {
  Sparse a;
  Eigen::VectorXd b;
};

DatasetA make_dataset_a(std::uint64_t seed) {
  const Eigen::Index m = 1000;
  const Eigen::Index n = 10000;
  auto engine = iterum::make_engine(seed);
  const double keep = 10.0 * std::log(1000.0) / 1000.0;
  std::vector<Eigen::Triplet<double>> entries;
  for (Eigen::Index j = 0; j < n; ++j) {
    const double column_scale = 10.0 * iterum::random::normal(engine);
    for (Eigen::Index i = 0; i < m; ++i) {
      const double value = iterum::random::normal(engine) + 1.0;
      if (iterum::random::uniform01(engine) < keep) {
        entries.emplace_back(i, j, column_scale * value);
      }
    }
  }
  DatasetA d;
  d.a.resize(m, n);
  d.a.setFromTriplets(entries.begin(), entries.end());
  Eigen::VectorXd w = Eigen::VectorXd::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double value = iterum::random::normal(engine);
    if (iterum::random::uniform01(engine) < 0.1) w[j] = value;
  }
  d.b = d.a * w;
  for (Eigen::Index i = 0; i < m; ++i) d.b[i] += iterum::random::normal(engine);
  return d;
}

struct Row {
  std::string rule, partition, update;
  double f = 0.0;
  double seconds = 0.0;
};

template <class Partition, class Selection, class Update>
Row run(const iterum::bcd::LeastSquaresProblem<Sparse>& problem, const char* rule,
        const char* partition, const char* update, int iterations, iterum::Index block,
        std::ofstream& csv) {
  const iterum::bcd::BlockCoordinateDescent<Partition, Selection, Update> method(
      {.block_size = block, .seed = 2});
  const auto start = std::chrono::steady_clock::now();
  auto s = method.init(problem);
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  csv << rule << ',' << partition << ',' << update << ",0," << problem.value(s.x, s.tracked) << ','
      << seconds() << '\n';
  for (int k = 1; k <= iterations; ++k) {
    method.step(problem, s);
    csv << rule << ',' << partition << ',' << update << ',' << k << ','
        << problem.value(s.x, s.tracked) << ',' << seconds() << '\n';
  }
  return {rule, partition, update, problem.value(s.x, s.tracked), seconds()};
}

template <class Partition, class Update>
void run_rules(const iterum::bcd::LeastSquaresProblem<Sparse>& problem, const char* partition,
               const char* update, int iterations, iterum::Index block, std::ofstream& csv,
               std::vector<Row>& rows) {
  namespace bcd = iterum::bcd;
  rows.push_back(run<Partition, bcd::Cyclic, Update>(problem, "cyclic", partition, update,
                                                     iterations, block, csv));
  rows.push_back(run<Partition, bcd::Random, Update>(problem, "random", partition, update,
                                                     iterations, block, csv));
  rows.push_back(run<Partition, bcd::LipschitzSampling, Update>(problem, "Lipschitz", partition,
                                                                update, iterations, block, csv));
  rows.push_back(run<Partition, bcd::GaussSouthwell, Update>(problem, "GS", partition, update,
                                                             iterations, block, csv));
  rows.push_back(run<Partition, bcd::GaussSouthwellLipschitz, Update>(
      problem, "GSL", partition, update, iterations, block, csv));
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 500;
  iterum::Index block = 5;
  std::string csv_path = bench::trace_csv_path("bcd_dataset_a.csv");
  for (int k = 1; k + 1 < argc; k += 2) {
    const std::string flag = argv[k];
    if (flag == "--iterations") iterations = std::atoi(argv[k + 1]);
    if (flag == "--block") block = std::atol(argv[k + 1]);
    if (flag == "--csv") csv_path = argv[k + 1];
  }
  const DatasetA data = make_dataset_a(1);
  const iterum::bcd::LeastSquaresProblem<Sparse> problem(data.a, data.b);
  std::printf("data set A: %ld x %ld, %ld nonzeros, f(0) = %.4e, f* = 0, tau = %ld\n",
              static_cast<long>(data.a.rows()), static_cast<long>(data.a.cols()),
              static_cast<long>(data.a.nonZeros()), 0.5 * data.b.squaredNorm(),
              static_cast<long>(block));
  std::ofstream csv(csv_path);
  csv << "rule,partition,update,iteration,f,seconds\n";
  std::vector<Row> rows;
  namespace bcd = iterum::bcd;
  run_rules<bcd::Order, bcd::GradientUpdate>(problem, "Order", "gradient", iterations, block, csv,
                                             rows);
  run_rules<bcd::Sort, bcd::GradientUpdate>(problem, "Sort", "gradient", iterations, block, csv,
                                            rows);
  run_rules<bcd::Order, bcd::MatrixUpdate>(problem, "Order", "matrix", iterations, block, csv,
                                           rows);
  run_rules<bcd::Sort, bcd::MatrixUpdate>(problem, "Sort", "matrix", iterations, block, csv, rows);
  std::printf("\nf - f* after %d iterations\n%-10s %-6s %-9s %12s %9s\n", iterations, "rule",
              "blocks", "update", "f - f*", "seconds");
  for (const auto& r : rows) {
    std::printf("%-10s %-6s %-9s %12.4e %9.3f\n", r.rule.c_str(), r.partition.c_str(),
                r.update.c_str(), r.f, r.seconds);
  }
  std::printf("\ntraces: %s\n", csv_path.c_str());
  return 0;
}
