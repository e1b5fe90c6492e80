// Randomized SVD (iterum::sketch::randomized_svd) against the best rank-k error, and timed
// against scikit-learn's randomized_svd on the same matrix (bench/peers/sklearn_rsvd.py bench).
//
// Part 1 (the accuracy targets): A = U diag(sigma) V^T, 1000 x 500, k = 20, p = 10, with
// sigma_j = 2^-j and sigma_j = j^-1/2; the median over 5 seeds of ||A - U S V^T||_2 /
// sigma_{k+1} (exact 2-norm by a dense SVD) for q = 0..3 power iterations, and the ratio of the
// returned error_estimate and error_bound to the true error.
// Part 2 (timing): 5000 x 2000, sigma_j = j^-1/2, k = 50, p = 10, the matrix of
// bench/peers/sklearn_rsvd.py (tests/support/low_rank.hpp: hash_planted_spectrum, seed 2026);
// median seconds over the repeats for q = 1..4, error ratio by 15 steps of subspace iteration
// with 16 vectors on the residual. Run the peer with OPENBLAS_NUM_THREADS=1 for the comparison.
//
// Usage: rsvd_trace [--repeats 5] [--skip-accuracy] [--skip-timing] [--csv FILE]
// CSV: part,spectrum,q,seed,ratio,estimate_ratio,bound_ratio,seconds

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
#include <iterum/sketch/randomized_svd.hpp>

#include "../../tests/support/low_rank.hpp"
#include "trace_output.hpp"

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// ||A - U S V^T||_2 by block subspace iteration (16 vectors, `steps` steps, Rayleigh-Ritz on
// the last block): a lower estimate accurate to a few 1e-3 on these spectra.
double residual_norm(const MatrixXd& a, const iterum::sketch::RsvdResult& r, int steps) {
  auto engine = iterum::make_engine(99);
  MatrixXd x(a.cols(), 16);
  for (Index j = 0; j < x.cols(); ++j)
    for (Index i = 0; i < x.rows(); ++i) x(i, j) = iterum::random::normal(engine);
  MatrixXd y;
  for (int t = 0; t < steps; ++t) {
    Eigen::HouseholderQR<MatrixXd> qr(x);
    x = qr.householderQ() * MatrixXd::Identity(x.rows(), x.cols());
    y = a * x - r.u * (r.sigma.asDiagonal() * (r.v.transpose() * x));
    x = a.transpose() * y - r.v * (r.sigma.asDiagonal() * (r.u.transpose() * y));
  }
  return Eigen::JacobiSVD<MatrixXd>(y).singularValues()[0];
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 5;
  bool accuracy = true;
  bool timing = true;
  std::string csv = bench::trace_csv_path("sketch_rsvd.csv");
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--repeats" && i + 1 < argc) repeats = std::atoi(argv[++i]);
    if (flag == "--skip-accuracy") accuracy = false;
    if (flag == "--skip-timing") timing = false;
    if (flag == "--csv" && i + 1 < argc) csv = argv[++i];
  }
  std::ofstream out(csv);
  out << "part,spectrum,q,seed,ratio,estimate_ratio,bound_ratio,seconds\n";
  if (accuracy) {
    const Index m = 1000, n = 500, k = 20;
    std::printf(
        "Part 1: %ldx%ld, k = %ld, p = 10; median over 5 seeds of ||A - U S V^T||_2 / "
        "sigma_{k+1}, estimate/true and bound/true\n",
        static_cast<long>(m), static_cast<long>(n), static_cast<long>(k));
    std::printf("%-10s %3s %9s %9s %9s %9s\n", "spectrum", "q", "ratio", "max", "est/true",
                "bound/true");
    for (const std::string spectrum : {"2^-j", "j^-1/2"}) {
      VectorXd sigma(n);
      for (Index j = 0; j < n; ++j) {
        const double jj = static_cast<double>(j + 1);
        sigma[j] = spectrum == "2^-j" ? std::pow(2.0, -jj) : 1.0 / std::sqrt(jj);
      }
      const MatrixXd a = iterum::test::planted_spectrum(m, n, sigma, 5);
      for (Index q = 0; q <= 3; ++q) {
        std::vector<double> ratios, estimates, bounds;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
          const auto r =
              iterum::sketch::randomized_svd(a, k, {.seed = seed, .power_iterations = q});
          const MatrixXd e = a - r.u * r.sigma.asDiagonal() * r.v.transpose();
          const double truth = Eigen::BDCSVD<MatrixXd>(e).singularValues()[0];
          ratios.push_back(truth / sigma[k]);
          estimates.push_back(r.error_estimate / truth);
          bounds.push_back(r.error_bound / truth);
          out << "accuracy," << spectrum << ',' << q << ',' << seed << ',' << truth / sigma[k]
              << ',' << r.error_estimate / truth << ',' << r.error_bound / truth << ',' << r.seconds
              << '\n';
        }
        std::printf("%-10s %3ld %9.4f %9.4f %9.4f %9.2f\n", spectrum.c_str(), static_cast<long>(q),
                    median(ratios), *std::max_element(ratios.begin(), ratios.end()),
                    median(estimates), median(bounds));
      }
    }
  }
  if (timing) {
    const Index m = 5000, n = 2000, k = 50;
    VectorXd sigma(n);
    for (Index j = 0; j < n; ++j) sigma[j] = 1.0 / std::sqrt(static_cast<double>(j + 1));
    const auto build = std::chrono::steady_clock::now();
    const MatrixXd a = iterum::test::hash_planted_spectrum(m, n, sigma, 2026);
    std::printf(
        "\nPart 2: %ldx%ld sigma_j = j^-1/2 (built in %.1f s), k = %ld, p = 10, "
        "Eigen %d.%d.%d, median of %d runs\n",
        static_cast<long>(m), static_cast<long>(n),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - build).count(),
        static_cast<long>(k), EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
        repeats);
    std::printf("%-40s %10s %12s %8s\n", "config", "seconds", "err/s_k+1", "passes");
    struct Config {
      const char* label;
      Index q;
      Index probes;
      Index steps;
    };
    const std::vector<Config> configs = {
        {"iterum q=1 (error figures: 10 probes, 2 steps)", 1, 10, 2},
        {"iterum q=2 (default)", 2, 10, 2},
        {"iterum q=3", 3, 10, 2},
        {"iterum q=4", 4, 10, 2},
        {"iterum q=1, cheapest error figures (1 probe, 0 steps)", 1, 1, 0},
        {"iterum q=2, cheapest error figures", 2, 1, 0},
    };
    for (const Config& c : configs) {
      std::vector<double> times;
      iterum::sketch::RsvdResult last;
      for (int rep = 0; rep < repeats; ++rep) {
        last = iterum::sketch::randomized_svd(a, k,
                                              {.seed = static_cast<std::uint64_t>(rep),
                                               .power_iterations = c.q,
                                               .error_probes = c.probes,
                                               .error_power_steps = c.steps});
        times.push_back(last.seconds);
      }
      const double ratio = residual_norm(a, last, 15) / sigma[k];
      std::printf("%-40s %10.4f %12.4f %8ld\n", c.label, median(times), ratio,
                  static_cast<long>(last.passes));
      out << "timing,j^-1/2," << c.q << ",," << ratio << ",,," << median(times) << '\n';
    }
  }
  std::printf("CSV: %s\n", csv.c_str());
  return 0;
}
