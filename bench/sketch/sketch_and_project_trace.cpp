// Sketch-and-project (iterum::sketch::sketch_and_project) on consistent systems: randomized
// Kaczmarz, block Kaczmarz and Gaussian sketch-and-project against the Strohmer-Vershynin
// rate, and timed against a dense QR (Eigen's HouseholderQR) or sparse QR-free reference
// (Eigen's ConjugateGradient on the normal equations is not used: we compare to the truth x*).
//
// Systems: A m x n Gaussian (dense), and a sparse m x n matrix with 8 random entries per row
// plus one on a band (density about 9 / n); b = A x* for a random x*. Tolerance 1e-8 on the
// relative residual, x0 = 0; medians over the repeats, solvers interleaved.
// Reported: iterations, epochs (rows read / m), certificate evaluations, seconds, the error
// ||x - x*|| / ||x*||, and for Kaczmarz the predicted epochs to shrink the squared error by
// 1e-16, ln(1e16) / (m sigma_min^2 / ||A||_F^2) (Strohmer & Vershynin 2009, Thm. 2).
//
// Usage: sketch_and_project_trace [--repeats 3] [--csv FILE]
// CSV: case,variant,block,repeat,iterations,epochs,seconds,error,status

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <iterum/core/random.hpp>
#include <iterum/core/stopwatch.hpp>
#include <iterum/sketch/sketch_and_project.hpp>

#include "trace_output.hpp"

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using iterum::sketch::SapVariant;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

const char* variant_name(SapVariant v) {
  switch (v) {
    case SapVariant::Kaczmarz:
      return "kaczmarz";
    case SapVariant::BlockKaczmarz:
      return "block";
    case SapVariant::Gaussian:
      return "gaussian";
  }
  return "?";
}

template <class A>
void compare(const std::string& name, const A& a, const VectorXd& truth, double predicted_epochs,
             int repeats, std::ofstream& out) {
  const VectorXd b = a * truth;
  struct Config {
    SapVariant variant;
    Index block;
  };
  const std::vector<Config> configs = {{SapVariant::Kaczmarz, 1},
                                       {SapVariant::BlockKaczmarz, 8},
                                       {SapVariant::BlockKaczmarz, 32},
                                       {SapVariant::Gaussian, 8}};
  std::vector<std::vector<double>> seconds(configs.size()), epochs(configs.size()),
      errors(configs.size());
  std::vector<Index> iterations(configs.size());
  for (int r = 0; r < repeats; ++r) {
    for (std::size_t c = 0; c < configs.size(); ++c) {
      const auto res = iterum::sketch::sketch_and_project(a, b,
                                                          {.tolerance = 1e-8,
                                                           .seed = static_cast<std::uint64_t>(r),
                                                           .variant = configs[c].variant,
                                                           .block_size = configs[c].block});
      const double ep = static_cast<double>(res.counters.oracle_calls) /
                        static_cast<double>(a.rows()) /
                        (configs[c].variant == SapVariant::Gaussian ? 2.0 : 1.0);
      const double err = (res.x - truth).norm() / truth.norm();
      seconds[c].push_back(res.seconds);
      epochs[c].push_back(ep);
      errors[c].push_back(err);
      iterations[c] = res.iterations;
      out << name << ',' << variant_name(configs[c].variant) << ',' << configs[c].block << ',' << r
          << ',' << res.iterations << ',' << ep << ',' << res.seconds << ',' << err << ','
          << iterum::to_string(res.status) << '\n';
    }
  }
  for (std::size_t c = 0; c < configs.size(); ++c) {
    std::printf("%-22s %-9s tau %3ld  iters %9ld  epochs %8.1f  seconds %8.4f  err %.1e\n",
                name.c_str(), variant_name(configs[c].variant), static_cast<long>(configs[c].block),
                static_cast<long>(iterations[c]), median(epochs[c]), median(seconds[c]),
                median(errors[c]));
  }
  std::printf("%-22s Strohmer-Vershynin: %.1f epochs for a 1e-16 squared-error decrease\n",
              name.c_str(), predicted_epochs);
}

double predicted_epochs(const MatrixXd& a) {
  // sigma_min(A)^2 = lambda_min(A^T A) (n x n; fine for these well-conditioned A).
  const MatrixXd gram = a.transpose() * a;
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(gram, Eigen::EigenvaluesOnly);
  const double per_step = eig.eigenvalues()[0] / a.squaredNorm();
  return std::log(1e16) / (per_step * static_cast<double>(a.rows()));
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 3;
  std::string csv = bench::trace_csv_path("sketch_and_project.csv");
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--repeats" && i + 1 < argc) repeats = std::atoi(argv[++i]);
    if (flag == "--csv" && i + 1 < argc) csv = argv[++i];
  }
  std::ofstream out(csv);
  out << "case,variant,block,repeat,iterations,epochs,seconds,error,status\n";
  auto engine = iterum::make_engine(2026);
  {
    const Index m = 4000, n = 100;
    MatrixXd a(m, n);
    for (Index j = 0; j < n; ++j) a.col(j) = iterum::random::normal_vector(engine, m);
    const VectorXd truth = iterum::random::normal_vector(engine, n);
    const iterum::Stopwatch qr_clock;
    const VectorXd qr = a.householderQr().solve(a * truth);
    std::printf("dense 4000x100: Eigen HouseholderQR %.4f s, err %.1e\n", qr_clock.seconds(),
                (qr - truth).norm() / truth.norm());
    compare("dense 4000x100", a, truth, predicted_epochs(a), repeats, out);
  }
  {
    const Index m = 20000, n = 1000;
    std::vector<Eigen::Triplet<double>> t;
    for (Index i = 0; i < m; ++i) {
      t.emplace_back(i, i % n, 3.0);
      for (int k = 0; k < 8; ++k)
        t.emplace_back(i, iterum::random::uniform_index(engine, n), iterum::random::normal(engine));
    }
    Eigen::SparseMatrix<double> a(m, n);
    a.setFromTriplets(t.begin(), t.end());
    const VectorXd truth = iterum::random::normal_vector(engine, n);
    compare("sparse 20000x1000", a, truth, predicted_epochs(MatrixXd(a)), repeats, out);
  }
  std::printf("CSV: %s\n", csv.c_str());
  return 0;
}
