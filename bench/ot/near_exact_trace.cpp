// Near-exact optimal transport (issue 12, target 4): cost gap against POT's network simplex
// (`ot.emd`) versus seconds for epsilon-scaled Sinkhorn and epsilon-scaled SNS, each plan
// rounded to the marginals (Altschuler-Weed-Rigollet), on 2-D point clouds: n points uniform
// in the unit square from SplitMix64(1) and SplitMix64(2) (x then y coordinate per point; the
// formula of tests/support/point_clouds.hpp and bench/peers/splitmix.py), uniform marginals,
// squared Euclidean cost scaled to max 1. The exact cost and ot.emd's time come from
//
//   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/pot_emd.py --clouds 1000
//
// which prints `emd n cost seconds` from the same clouds; pass them here:
//
//   g++ -std=c++20 -O3 -DNDEBUG -Iinclude -Ibench -isystem /usr/include/eigen3
//       bench/ot/near_exact_trace.cpp -o /tmp/near_exact_trace   (one line)
//   /tmp/near_exact_trace --n 1000 --emd COST SECONDS [--reps 3] [--csv FILE] [--no-sinkhorn]
//
// Per (method, target epsilon): median seconds over the repetitions (solve + rounding), the
// entropic cost, the rounded (feasible) cost and its relative gap to ot.emd's, the marginal
// error, stages, iterations and status. The CSV has the columns of bench/plots/plot_traces.py
// (problem, method, iterations, oracle_calls = matvecs, epochs, residual = relative gap of the
// rounded cost, seconds; ot.emd's row has residual 0, which the plot skips) and then epsilon, cost,
// rounded_cost, marginal_error, stages, status.

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <iterum/ot/epsilon_scaling.hpp>
#include <iterum/ot/round_to_feasible.hpp>
#include <iterum/ot/sinkhorn.hpp>
#include <iterum/ot/sinkhorn_newton_sparse.hpp>

#include "trace_output.hpp"

namespace {

/// SplitMix64 in [0, 1) (the generator of tests/support/splitmix.hpp, bench/peers/splitmix.py).
struct Draw {
  std::uint64_t state;
  double next() {
    state += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }
};

Eigen::MatrixXd uniform_cloud(Eigen::Index n, std::uint64_t seed) {
  Draw draw{seed};
  Eigen::MatrixXd x(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    x(i, 0) = draw.next();
    x(i, 1) = draw.next();
  }
  return x;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size() / 2;
  return v.size() % 2 == 1 ? v[k] : 0.5 * (v[k - 1] + v[k]);
}

}  // namespace

int main(int argc, char** argv) {
  Eigen::Index n = 1000;
  double emd_cost = 0.0;
  double emd_seconds = 0.0;
  int reps = 3;
  bool with_sinkhorn = true;
  std::string csv = bench::trace_csv_path("near_exact.csv");
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--n" && i + 1 < argc) {
      n = std::atol(argv[++i]);
    } else if (arg == "--emd" && i + 2 < argc) {
      emd_cost = std::atof(argv[++i]);
      emd_seconds = std::atof(argv[++i]);
    } else if (arg == "--reps" && i + 1 < argc) {
      reps = std::atoi(argv[++i]);
    } else if (arg == "--csv" && i + 1 < argc) {
      csv = argv[++i];
    } else if (arg == "--no-csv") {
      csv.clear();
    } else if (arg == "--no-sinkhorn") {
      with_sinkhorn = false;
    } else {
      std::fprintf(stderr,
                   "usage: %s --n N --emd COST SECONDS [--reps R] [--csv F|--no-csv] "
                   "[--no-sinkhorn]\n",
                   argv[0]);
      return 2;
    }
  }
  const Eigen::MatrixXd x = uniform_cloud(n, 1);
  const Eigen::MatrixXd y = uniform_cloud(n, 2);
  Eigen::MatrixXd c(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) c(i, j) = (x.row(i) - y.row(j)).squaredNorm();
  c /= c.maxCoeff();
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  std::printf(
      "uniform 2-D clouds, n = %ld, sum C = %.6f (pot_emd.py prints the same), "
      "ot.emd cost %.10f in %.3f s\n",
      static_cast<long>(n), c.sum(), emd_cost, emd_seconds);
  std::printf("%-9s %-8s %8s %6s %7s %9s %14s %14s %10s %10s %s\n", "method", "epsilon", "seconds",
              "stages", "iters", "newton", "cost", "rounded", "gap", "marg.err", "status");
  std::ofstream out;
  if (!csv.empty()) {
    out.open(csv);
    out << "problem,method,iterations,oracle_calls,epochs,residual,seconds,epsilon,cost,"
           "rounded_cost,marginal_error,stages,status\n";
    out << "uniform n=" << n << ",ot.emd,0,0,0,0," << emd_seconds << ",0," << emd_cost << ","
        << emd_cost << ",0,1,Converged\n";
  }
  const std::string problem = "uniform n=" + std::to_string(n);
  const double tolerance = 1e-7;
  const iterum::ot::EpsilonScaling schedule{};
  for (const bool sns : {true, false}) {
    if (!sns && !with_sinkhorn) continue;
    for (const double epsilon : {1e-4, 3e-5, 1e-5, 5e-6, 3e-6}) {
      std::vector<double> seconds;
      iterum::ot::TransportResult r;
      iterum::ot::RoundedPlan rounded;
      for (int k = 0; k < reps; ++k) {
        const iterum::Stopwatch clock;
        if (sns) {
          r = iterum::ot::sinkhorn_newton_sparse(
              u, u, c, epsilon,
              {.tolerance = tolerance, .time_limit_seconds = 120, .epsilon_scaling = schedule});
        } else {
          r = iterum::ot::sinkhorn(
              u, u, c, epsilon,
              {.tolerance = tolerance, .time_limit_seconds = 60, .epsilon_scaling = schedule});
        }
        rounded = iterum::ot::round_to_feasible(r, u, u, c);
        seconds.push_back(clock.seconds());
        if (seconds.back() > 20) break;  // one repetition of the slow ones
      }
      const double time = median(seconds);
      const double gap = (rounded.cost - emd_cost) / emd_cost;
      const std::string status(iterum::to_string(r.status));
      const char* name = sns ? "SNS" : "Sinkhorn";
      std::printf("%-9s %-8g %8.3f %6ld %7ld %9ld %14.10f %14.10f %+10.2e %10.2e %s\n", name,
                  epsilon, time, static_cast<long>(r.stages), static_cast<long>(r.iterations),
                  static_cast<long>(r.newton_iterations), r.transport_cost, rounded.cost, gap,
                  r.marginal_error, status.c_str());
      std::fflush(stdout);
      if (out.is_open()) {
        out << problem << "," << (sns ? "eps-scaled SNS" : "eps-scaled Sinkhorn") << ","
            << r.iterations << "," << r.counters.matvecs << ",0," << gap << "," << time << ","
            << epsilon << "," << r.transport_cost << "," << rounded.cost << "," << r.marginal_error
            << "," << r.stages << "," << status << "\n";
      }
      if (!sns && time > 30) break;  // smaller epsilons only take longer
    }
  }
  if (out.is_open()) std::printf("wrote %s\n", csv.c_str());
  return 0;
}
