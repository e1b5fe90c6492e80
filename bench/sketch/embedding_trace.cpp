// Subspace-embedding quality of the sketch operators: kappa(S U) for a random orthonormal
// U (m x n, default 20000 x 50) against the sketch size d = ratio n, for every sketch, over
// several seeds, with the Marchenko-Pastur value (1 + sqrt(n/d)) / (1 - sqrt(n/d)) (the limit
// for a Gaussian S) and the seconds of one S U.
//
// Usage: embedding_trace [--m 20000] [--n 50] [--seeds 5] [--csv FILE]
// Prints per sketch and ratio the median and the maximum kappa over the seeds; writes the CSV
// (sketch,ratio,d,seed,kappa,bound,seconds).

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <iterum/core/random.hpp>
#include <iterum/sketch/count_sketch.hpp>
#include <iterum/sketch/gaussian_sketch.hpp>
#include <iterum/sketch/sparse_sign.hpp>
#include <iterum/sketch/srht.hpp>

#include "trace_output.hpp"

namespace {

using Eigen::Index;

Eigen::MatrixXd random_orthonormal(Index m, Index n, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Eigen::MatrixXd g(m, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < m; ++i) g(i, j) = iterum::random::normal(engine);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  return qr.householderQ() * Eigen::MatrixXd::Identity(m, n);
}

double condition(const Eigen::MatrixXd& a) {
  const Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(a).singularValues();
  return s[0] / s[s.size() - 1];
}

template <class S>
double timed_kappa(const S& s, const Eigen::MatrixXd& u, double& seconds) {
  const auto start = std::chrono::steady_clock::now();
  const Eigen::MatrixXd su = s.apply(u);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return condition(su);
}

}  // namespace

int main(int argc, char** argv) {
  Index m = 20000;
  Index n = 50;
  int seeds = 5;
  std::string csv = bench::trace_csv_path("sketch_embedding.csv");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--m") m = std::atol(argv[i + 1]);
    if (flag == "--n") n = std::atol(argv[i + 1]);
    if (flag == "--seeds") seeds = std::atoi(argv[i + 1]);
    if (flag == "--csv") csv = argv[i + 1];
  }
  const Eigen::MatrixXd u = random_orthonormal(m, n, 1);
  std::ofstream out(csv);
  out << "sketch,ratio,d,seed,kappa,bound,seconds\n";
  std::printf(
      "U: %ld x %ld orthonormal; kappa(S U) over %d seeds (median / max), bound = MP "
      "value (1+sqrt(n/d))/(1-sqrt(n/d)), seconds = median time of S U\n",
      static_cast<long>(m), static_cast<long>(n), seeds);
  std::printf("%-14s %6s %7s %9s %9s %9s %10s\n", "sketch", "d/n", "d", "median", "max", "MP bound",
              "seconds");
  const std::vector<int> ratios = {2, 3, 4, 6, 8, 12, 16, 24, 40};
  for (const char* name : {"gaussian", "sparse_sign", "srht", "count_sketch"}) {
    for (const int ratio : ratios) {
      const Index d = ratio * n;
      if (d > m) continue;
      const double r = std::sqrt(static_cast<double>(n) / static_cast<double>(d));
      const double bound = (1.0 + r) / (1.0 - r);
      std::vector<double> kappas;
      std::vector<double> times;
      for (int k = 0; k < seeds; ++k) {
        const auto seed = static_cast<std::uint64_t>(100 + k);
        double seconds = 0.0;
        double kappa = 0.0;
        const std::string which = name;
        if (which == "gaussian")
          kappa = timed_kappa(iterum::sketch::GaussianSketch(d, m, seed), u, seconds);
        if (which == "sparse_sign")
          kappa = timed_kappa(iterum::sketch::SparseSign(d, m, seed), u, seconds);
        if (which == "srht") kappa = timed_kappa(iterum::sketch::Srht(d, m, seed), u, seconds);
        if (which == "count_sketch")
          kappa = timed_kappa(iterum::sketch::CountSketch(d, m, seed), u, seconds);
        kappas.push_back(kappa);
        times.push_back(seconds);
        out << name << ',' << ratio << ',' << d << ',' << seed << ',' << kappa << ',' << bound
            << ',' << seconds << '\n';
      }
      std::vector<double> sorted = kappas;
      std::sort(sorted.begin(), sorted.end());
      std::sort(times.begin(), times.end());
      std::printf("%-14s %6d %7ld %9.3f %9.3f %9.3f %10.4f\n", name, ratio, static_cast<long>(d),
                  sorted[sorted.size() / 2], sorted.back(), bound, times[times.size() / 2]);
    }
  }
  std::printf("CSV: %s\n", csv.c_str());
  return 0;
}
