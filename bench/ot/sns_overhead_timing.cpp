// Where Newton never engages: SNS against Sinkhorn on 2-D point clouds (uniform in the unit
// square, and a mixture of three Gaussian blobs), n = 1000, squared Euclidean cost scaled to a
// largest entry of 1, uniform marginals, marginal-error tolerance 1e-6 (L1), at epsilon in
// {0.002, 0.01, 0.03} (issue 12, target 3). Runs are interleaved (Sinkhorn and SNS alternate,
// the first of each pair alternating too) and the medians of `seconds` are printed with the
// iteration counts. Plain program (not built by CMake):
//
//   g++ -std=c++20 -O2 -DNDEBUG -Iinclude -Itests -isystem /usr/include/eigen3
//       bench/ot/sns_overhead_timing.cpp -o /tmp/sns_overhead_timing   (one line)
//   /tmp/sns_overhead_timing [repetitions=7] [n=1000]

#include <Eigen/Core>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "support/point_clouds.hpp"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size() / 2;
  return v.size() % 2 ? v[k] : 0.5 * (v[k - 1] + v[k]);
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 7;
  const iterum::Index n = argc > 2 ? std::atol(argv[2]) : 1000;
  std::printf("n = %ld, tolerance 1e-6, %d interleaved repetitions, medians\n",
              static_cast<long>(n), repetitions);
  std::printf("%-8s %7s | %10s %8s | %10s %8s %8s | %7s %7s\n", "cloud", "epsilon", "Sinkhorn s",
              "it", "SNS s", "S it", "N it", "ratio", "worst");
  for (const bool mixture : {false, true}) {
    const Eigen::MatrixXd c = iterum::test::squared_distance_cost(
        iterum::test::point_cloud(n, 1, mixture), iterum::test::point_cloud(n, 2, mixture));
    const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
    for (const double epsilon : {0.002, 0.01, 0.03}) {
      std::vector<double> ts, tn, ratio;
      iterum::ot::TransportResult s, r;
      for (int k = 0; k < repetitions; ++k) {
        const auto run_sinkhorn = [&] {
          s = iterum::ot::sinkhorn(u, u, c, epsilon, {.tolerance = 1e-6});
        };
        const auto run_sns = [&] {
          r = iterum::ot::sinkhorn_newton_sparse(u, u, c, epsilon, {.tolerance = 1e-6});
        };
        if (k % 2 == 0) {
          run_sinkhorn();
          run_sns();
        } else {
          run_sns();
          run_sinkhorn();
        }
        ts.push_back(s.seconds);
        tn.push_back(r.seconds);
        ratio.push_back(r.seconds / s.seconds);
      }
      std::printf("%-8s %7.3g | %10.4f %8ld | %10.4f %8ld %8ld | %7.2f %7.2f %s%s\n",
                  mixture ? "mixture" : "uniform", epsilon, median(ts),
                  static_cast<long>(s.iterations), median(tn),
                  static_cast<long>(r.sinkhorn_iterations), static_cast<long>(r.newton_iterations),
                  median(ratio), *std::max_element(ratio.begin(), ratio.end()),
                  s.ok() ? "" : " (Sinkhorn not converged)", r.ok() ? "" : " (SNS not converged)");
      std::fflush(stdout);
    }
  }
}
