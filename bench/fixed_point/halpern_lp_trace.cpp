// Linear programs by PDHG as a fixed-point map (iterum::fixed_point::LpPdhg): plain PDHG
// (z <- T z), Halpern-PDHG, reflected Halpern-PDHG and restarted reflected Halpern-PDHG
// (cuPDLPx's restart rules, the anchor at T z or at z), each run to a relative KKT error of
// 1e-8 (PDLP's criterion, LpPdhg::kkt) or an iteration cap. The KKT error is evaluated every
// 10 iterations for every method (so "iterations to 1e-8" has a resolution of 10).
//
// Instances: random feasible, bounded LPs (bench/fixed_point/random_lp.hpp),
// 50 x 100 (seed 1, cap 20000 iterations) and 200 x 400 (seed 2, cap 40000). Prints a table
// and writes the traces (every 10 iterations, thinned to at most ~250 rows per method) to
// halpern_lp.csv in the build tree (bench/trace_output.hpp) with the columns
//   problem,method,iterations,oracle_calls,epochs,residual,seconds
// (residual = relative KKT error; epochs = oracle_calls, the map being deterministic).
// With --anchors it also compares the restart anchors (T z against z, and the single-rule
// adaptive restart) over seeds 1-5 of both sizes, cap 100000 (a few minutes).
// With --primal-weight it tunes LpPdhg's primal weight w (tau = s / w, sigma = s w; PDLP,
// arXiv 2106.04756, Sec. 3.3) instead: the iterations of restarted reflected Halpern-PDHG
// (cuPDLPx rules, KKT every 10) to relative KKT 1e-6 (cap 20000) of every w = 2^k, k = -6..6,
// on 60 random 50 x 100 LPs (seeds 1000-1059), then Tsallis-INF (iterum/tuning) replayed on
// that cost table over several log grids of w and tuner seeds 1-21, for the first 40 and all
// 60 instances: totals of the default w = 1, of the best fixed w in hindsight, and the median
// (min, max) total of the tuner (about 20 s).
//
//   cmake --preset bench && cmake --build --preset bench -j2 --target halpern_lp_trace
//   ITERUM_TRACE_DIR=bench/plots build/bench/bench/halpern_lp_trace [--csv FILE] [--no-csv]
//       [--anchors] [--primal-weight]
//   /usr/bin/python3 bench/plots/plot_traces.py bench/plots/halpern_lp.csv
//   bench/plots/halpern_lp.png

#include <Eigen/Core>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <iterum/fixed_point/halpern.hpp>
#include <iterum/fixed_point/lp_pdhg.hpp>
#include <iterum/tuning/sequence.hpp>
#include <iterum/tuning/tsallis_inf.hpp>

#include "fixed_point/random_lp.hpp"

#include "trace_output.hpp"

namespace {

namespace fp = iterum::fixed_point;
using Map = fp::LpPdhg<double>;

constexpr double tolerance = 1e-8;
constexpr double loose = 1e-4;
constexpr long every = 10;  // KKT evaluation and trace interval

struct Point {
  long iteration = 0;
  long oracle_calls = 0;
  double kkt = 0;
  double seconds = 0;
};

/// One method's run on one problem.
struct Run {
  std::string method;
  long iterations = 0;
  bool converged = false;
  long to_loose = -1;  // first traced iteration with KKT <= 1e-4 (-1: never)
  double seconds = 0;
  double kkt = 0;
  long restarts = 0;
  std::vector<Point> points;
};

/// Records every traced point and the first one below the loose tolerance.
struct Recorder {
  Run* run;
  void operator()(long iteration, long oracle_calls, double kkt, double seconds) const {
    run->points.push_back({iteration, oracle_calls, kkt, seconds});
    if (run->to_loose < 0 && kkt <= loose) run->to_loose = iteration;
  }
};

/// Plain PDHG: z_{k+1} = T z_k from z_0 = 0.
Run pdhg(const Map& t, long cap) {
  Run run;
  run.method = "PDHG";
  const Recorder record{&run};
  const auto start = std::chrono::steady_clock::now();
  Eigen::VectorXd z = Eigen::VectorXd::Zero(t.dim()), tz(t.dim());
  long k = 0;
  for (;; ++k) {
    if (k % every == 0) {
      const double kkt = t.kkt(z).error();
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      record(k, k, kkt, s);
      run.kkt = kkt;
      run.seconds = s;
      if (kkt <= tolerance || k >= cap) break;
    }
    t.apply(z, tz);
    z.swap(tz);
  }
  run.iterations = k;
  run.converged = run.kkt <= tolerance;
  return run;
}

/// Halpern-PDHG with the given options, stopped on the KKT certificate.
Run halpern(const Map& t, long cap, std::string name, fp::HalpernOptions options) {
  Run run;
  run.method = std::move(name);
  const Recorder record{&run};
  options.tolerance = tolerance;
  options.max_iterations = cap;
  options.certificate = fp::HalpernCertificate::Map;
  options.certificate_every = every;
  options.monitor.callback = [&](const iterum::IterationInfo& info) {
    if (info.iteration % every == 0) {
      record(static_cast<long>(info.iteration), static_cast<long>(info.counters.oracle_calls),
             info.residual, info.seconds);
    }
    return false;
  };
  const auto r = fp::halpern(t, Eigen::VectorXd::Zero(t.dim()), options);
  run.iterations = static_cast<long>(r.iterations);
  run.converged = r.ok();
  run.seconds = r.seconds;
  run.kkt = r.residual;
  run.restarts = static_cast<long>(r.restarts);
  return run;
}

fp::HalpernOptions restarted(fp::HalpernRestartAnchor anchor) {
  return {.restart = fp::HalpernRestart::Cupdlpx, .restart_anchor = anchor, .reflect = true};
}

std::vector<Run> all_methods(const Map& t, long cap) {
  std::vector<Run> runs;
  runs.push_back(pdhg(t, cap));
  runs.push_back(halpern(t, cap, "Halpern", {}));
  runs.push_back(halpern(t, cap, "reflected Halpern", {.reflect = true}));
  runs.push_back(halpern(t, cap, "restarted reflected Halpern (anchor T z)",
                         restarted(fp::HalpernRestartAnchor::MapOutput)));
  runs.push_back(halpern(t, cap, "restarted reflected Halpern (anchor z)",
                         restarted(fp::HalpernRestartAnchor::Iterate)));
  return runs;
}

std::string count_or_cap(long iterations, bool reached) {
  return reached ? std::to_string(iterations) : "> " + std::to_string(iterations);
}

void print_table(const std::string& problem, const std::vector<Run>& runs) {
  std::printf("\n%s\n", problem.c_str());
  std::printf("  %-42s %12s %12s %10s %10s %9s\n", "method", "it. to 1e-4", "it. to 1e-8",
              "final KKT", "seconds", "restarts");
  for (const Run& r : runs) {
    const long last = r.points.empty() ? 0 : r.points.back().iteration;
    std::printf("  %-42s %12s %12s %10.2e %10.4f %9ld\n", r.method.c_str(),
                count_or_cap(r.to_loose < 0 ? last : r.to_loose, r.to_loose >= 0).c_str(),
                count_or_cap(r.iterations, r.converged).c_str(), r.kkt, r.seconds, r.restarts);
  }
}

/// Writes one run's trace, keeping every point when there are at most ~250 and otherwise
/// every stride-th (always the last).
void write_trace(std::ofstream& out, const std::string& problem, const Run& r) {
  const std::size_t stride = std::max<std::size_t>(1, (r.points.size() + 249) / 250);
  for (std::size_t i = 0; i < r.points.size(); ++i) {
    if (i % stride != 0 && i + 1 != r.points.size()) continue;
    const Point& p = r.points[i];
    char line[256];
    std::snprintf(line, sizeof line, "%s,%s,%ld,%ld,%ld,%.4e,%.5f\n", problem.c_str(),
                  r.method.c_str(), p.iteration, p.oracle_calls, p.oracle_calls, p.kkt, p.seconds);
    out << line;
  }
}

struct Problem {
  Eigen::Index m, n;
  std::uint64_t seed;
  long cap;
  [[nodiscard]] std::string name() const { return std::to_string(m) + "x" + std::to_string(n); }
};

/// Restarted reflected Halpern-PDHG with each anchor (and the single-rule Adaptive restart for
/// reference) over seeds 1..5: iterations to KKT 1e-8.
void compare_anchors(Problem size) {
  size.cap = 100000;
  std::printf("\nrestart anchor, %s, seeds 1-5: iterations to KKT 1e-8 (cap %ld)\n",
              size.name().c_str(), size.cap);
  std::printf("  %-6s %14s %14s %24s\n", "seed", "anchor T z", "anchor z",
              "Adaptive 0.2, anchor z");
  long total_map = 0, total_iterate = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const auto lp = bench::random_lp(size.m, size.n, seed);
    const Map t(lp.a, lp.b, lp.c);
    const Run map = halpern(t, size.cap, "T z", restarted(fp::HalpernRestartAnchor::MapOutput));
    const Run iterate = halpern(t, size.cap, "z", restarted(fp::HalpernRestartAnchor::Iterate));
    const Run adaptive = halpern(t, size.cap, "adaptive",
                                 {.restart = fp::HalpernRestart::Adaptive,
                                  .restart_anchor = fp::HalpernRestartAnchor::Iterate,
                                  .reflect = true});
    std::printf("  %-6lu %14s %14s %24s\n", static_cast<unsigned long>(seed),
                count_or_cap(map.iterations, map.converged).c_str(),
                count_or_cap(iterate.iterations, iterate.converged).c_str(),
                count_or_cap(adaptive.iterations, adaptive.converged).c_str());
    total_map += map.iterations;
    total_iterate += iterate.iterations;
  }
  std::printf("  %-6s %14ld %14ld   (ratio z / T z: %.3f)\n", "total", total_map, total_iterate,
              static_cast<double>(total_iterate) / static_cast<double>(total_map));
}

/// The primal-weight study of --primal-weight (see the file comment).
void tune_primal_weight() {
  const iterum::Index instances = 60;
  std::vector<double> grid;
  for (int k = -6; k <= 6; ++k) grid.push_back(std::ldexp(1.0, k));
  iterum::tuning::CostTable table(grid, instances);
  for (iterum::Index i = 0; i < instances; ++i) {
    const auto lp = bench::random_lp(50, 100, 1000 + static_cast<std::uint64_t>(i));
    for (iterum::Index arm = 0; arm < table.arms(); ++arm) {
      const Map t(lp.a, lp.b, lp.c, {.primal_weight = grid[static_cast<std::size_t>(arm)]});
      const auto r = fp::halpern(t, {.tolerance = 1e-6,
                                     .max_iterations = 20000,
                                     .restart = fp::HalpernRestart::Cupdlpx,
                                     .reflect = true,
                                     .certificate = fp::HalpernCertificate::Map,
                                     .certificate_every = every});
      table.at(i, arm) = static_cast<double>(r.iterations);
    }
  }
  std::printf("\nprimal weight w, 60 LPs 50x100 (seeds 1000-1059): iterations to KKT 1e-6\n");
  const Eigen::VectorXd totals = table.fixed_totals();
  for (std::size_t a = 0; a < grid.size(); ++a) {
    std::printf("  w = 2^%-3d total %8.0f  (first 40: %8.0f)\n", static_cast<int>(a) - 6,
                totals[static_cast<Eigen::Index>(a)],
                table.fixed_totals(40)[static_cast<Eigen::Index>(a)]);
  }
  // Each log grid as {lowest k, highest k, step}.
  const int grids[][3] = {{-3, 3, 1}, {-5, 1, 1}, {-4, 2, 1}, {-6, 6, 2}, {-6, 6, 1}};
  for (const iterum::Index horizon : {iterum::Index{40}, instances}) {
    // A replay over the first `horizon` instances.
    iterum::tuning::CostTable head(grid, horizon);
    for (iterum::Index i = 0; i < horizon; ++i)
      for (iterum::Index a = 0; a < table.arms(); ++a) head.at(i, a) = table.at(i, a);
    const Eigen::VectorXd head_totals = head.fixed_totals();
    std::printf("\n  first %ld instances: default w = 1 total %.0f\n", static_cast<long>(horizon),
                head_totals[6]);
    for (const auto& g : grids) {
      std::vector<double> arms;
      double best = 1e300;
      for (int k = g[0]; k <= g[1]; k += g[2]) {
        arms.push_back(std::ldexp(1.0, k));
        best = std::min(best, head_totals[k + 6]);
      }
      std::vector<double> tuned;
      for (std::uint64_t seed = 1; seed <= 21; ++seed) {
        iterum::tuning::TsallisInf tuner(arms, {.seed = seed});
        tuned.push_back(head.replay(tuner).total());
      }
      std::sort(tuned.begin(), tuned.end());
      std::printf(
          "  grid 2^%d..2^%d step %d (%zu arms): best fixed %.0f; Tsallis-INF median %.0f (min "
          "%.0f, max %.0f), default / median %.2f\n",
          g[0], g[1], g[2], arms.size(), best, tuned[10], tuned.front(), tuned.back(),
          head_totals[6] / tuned[10]);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string csv = bench::trace_csv_path("halpern_lp.csv");
  bool anchors = false;
  bool primal_weight = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--csv" && i + 1 < argc) {
      csv = argv[++i];
    } else if (arg == "--no-csv") {
      csv.clear();
    } else if (arg == "--anchors") {
      anchors = true;
    } else if (arg == "--primal-weight") {
      primal_weight = true;
    } else {
      std::fprintf(stderr, "usage: %s [--csv FILE] [--no-csv] [--anchors] [--primal-weight]\n",
                   argv[0]);
      return 2;
    }
  }
  if (primal_weight) {
    tune_primal_weight();
    return 0;
  }
  const std::vector<Problem> problems{{50, 100, 1, 20000}, {200, 400, 2, 40000}};
  std::ofstream out;
  if (!csv.empty()) {
    out.open(csv);
    if (!out) {
      std::fprintf(stderr, "halpern_lp_trace: cannot write %s\n", csv.c_str());
      return 1;
    }
    out << "problem,method,iterations,oracle_calls,epochs,residual,seconds\n";
  }
  std::printf(
      "LP by PDHG (tau = sigma = 0.9/||A||), z0 = 0, to relative KKT 1e-8; KKT every %ld "
      "iterations\n",
      every);
  for (const Problem& p : problems) {
    const auto lp = bench::random_lp(p.m, p.n, p.seed);
    const Map t(lp.a, lp.b, lp.c);
    const auto runs = all_methods(t, p.cap);
    const std::string name = "LP " + p.name() + " (seed " + std::to_string(p.seed) + ")";
    print_table(name, runs);
    if (out) {
      for (const Run& r : runs) write_trace(out, "LP " + p.name(), r);
    }
  }
  if (anchors) {
    for (const Problem& p : problems) compare_anchors(p);
  }
  if (out) std::printf("\ntraces written to %s\n", csv.c_str());
  return 0;
}
