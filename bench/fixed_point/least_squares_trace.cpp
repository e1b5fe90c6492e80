// Finite-sum cocoercive least squares (test problem P2 of docs/fixed_point.md): residual ||F(x)||
// against component evaluations for deterministic Halpern and the variance-reduced Halpern
// iteration with the PAGE estimator (Alg. 1 of Cai, Alacaoglu & Diakonikolas, ICLR 2024).
//
//   F(x) = (1/n) sum_i a_i (a_i^T x - b_i),  a_i = V diag(s) g_i,  s_j = 1/j,  g_i in {-1,1}^d,
//   d = 100, V a random orthogonal matrix, b = A x_true + 0.1 noise, x0 = 0,
//   target ||F(x)|| <= 1e-3 ||F(x0)||.
//
// Every ||a_i||^2 = sum_j 1/j^2 ~ 1.635 = L (the on-average cocoercivity constant) while
// L_F = ||A||_2^2 / n ~ 1: the regime where variance reduction pays up to sqrt(n).
// Deterministic Halpern runs on T = I - (2/L_F) F (nonexpansive, the largest step its theory
// allows) and costs n component calls per iteration; PAGE-Halpern runs with eta = 1/L (the
// library's default step) and 2/L, as published (no restarts) and with adaptive restarts (the
// library's default), over three seeds.
//
// Usage: least_squares_trace [--n 2500,10000,40000] [--csv FILE]   (default: trace_output.hpp)
// Prints epochs (component calls / n) to the target per method and the ratio to Halpern, and
// writes the traces as CSV (problem,method,iterations,oracle_calls,epochs,residual,seconds).

#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <iterum/core/random.hpp>
#include <iterum/fixed_point/least_squares_sum.hpp>
#include <iterum/fixed_point/vr_halpern.hpp>

#include "fixed_point/halpern_baseline.hpp"
#include "fixed_point/least_squares_problem.hpp"
#include "fixed_point/trace_rows.hpp"
#include "trace_output.hpp"

namespace {

namespace fp = iterum::fixed_point;
using iterum::Index;

}  // namespace

int main(int argc, char** argv) {
  std::vector<Index> sizes{2500, 10000, 40000};
  std::string csv = bench::trace_csv_path("least_squares.csv");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--n") {
      sizes = bench::parse_sizes(argv[i + 1]);
    } else if (flag == "--csv") {
      csv = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: %s [--n 2500,10000,40000] [--csv FILE]\n", argv[0]);
      return 2;
    }
  }
  const Index d = 100;
  std::vector<bench::TraceRow> rows;
  std::printf("%-8s %-38s %12s %12s %10s %9s\n", "n", "method", "epochs", "iterations", "seconds",
              "vs Halpern");
  bool ok = true;
  for (const Index n : sizes) {
    const auto f = bench::least_squares_problem(n, d, 7);
    const double lipschitz = f.lipschitz();
    const double full_lipschitz = f.full_lipschitz();
    const Eigen::VectorXd x0 = Eigen::VectorXd::Zero(d);
    Eigen::VectorXd fx(d);
    f.evaluate(x0, fx);
    const double target = 1e-3 * fx.norm();
    const std::string problem = "n = " + std::to_string(n);
    std::printf("# n = %ld: L = %.4f, L_F = %.4f, ||F(x0)|| = %.4g, target %.3g\n",
                static_cast<long>(n), lipschitz, full_lipschitz, fx.norm(), target);

    // Deterministic Halpern on T = I - (2/L_F) F: ||x - T x|| = (2/L_F) ||F(x)||.
    double halpern_epochs = 0;
    for (const bool restart : {false, true}) {
      const std::string name = restart ? "Halpern, restarts (2/L_F)" : "Halpern (2/L_F)";
      const auto r = bench::run_halpern_baseline(f, full_lipschitz, x0, target, restart, 1000000,
                                                 problem, name, rows);
      ok = ok && r.ok();
      const double epochs = static_cast<double>(r.counters.oracle_calls);
      if (!restart) halpern_epochs = epochs;
      std::printf("%-8ld %-38s %12.0f %12ld %10.2f %9.3f\n", static_cast<long>(n), name.c_str(),
                  epochs, static_cast<long>(r.iterations), r.seconds, epochs / halpern_epochs);
    }

    struct Variant {
      const char* name;
      double step;
      bool restart;
    };
    const Variant variants[] = {{"PAGE-Halpern (1/L)", 1.0 / lipschitz, false},
                                {"PAGE-Halpern, restarts (1/L, default)", 1.0 / lipschitz, true},
                                {"PAGE-Halpern (2/L)", 2.0 / lipschitz, false},
                                {"PAGE-Halpern, restarts (2/L)", 2.0 / lipschitz, true}};
    for (const auto& variant : variants) {
      std::vector<double> epochs;
      for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        fp::VrHalpernOptions options;
        options.step = variant.step;
        options.restart = variant.restart ? fp::VrRestart::Adaptive : fp::VrRestart::None;
        options.tolerance = target;
        options.seed = seed;
        options.certificate_every = 1.0;
        options.max_oracle_calls = 1000000LL * n;
        const auto r = fp::vr_halpern(f, x0, options);
        ok = ok && r.ok();
        epochs.push_back(r.epochs());
        std::printf("%-8ld %-38s %12.0f %12ld %10.2f %9.3f   (seed %d)\n", static_cast<long>(n),
                    variant.name, r.epochs(), static_cast<long>(r.iterations), r.seconds,
                    r.epochs() / halpern_epochs, static_cast<int>(seed));
        if (seed == 1) bench::thin_trace_into(rows, r, problem, variant.name);
      }
      std::sort(epochs.begin(), epochs.end());
      std::printf("%-8ld %-38s %12.0f %12s %10s %9.3f   median of 3 seeds\n", static_cast<long>(n),
                  variant.name, epochs[1], "", "", epochs[1] / halpern_epochs);
    }
  }
  if (!bench::write_trace_csv(csv, rows)) {
    std::fprintf(stderr, "cannot write %s\n", csv.c_str());
    return 1;
  }
  std::printf("traces written to %s\n", csv.c_str());
  return ok ? 0 : 1;
}
