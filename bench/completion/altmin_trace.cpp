// Alternating minimization for matrix completion (iterum::completion::altmin): the benchmark
// cases of the matrix completion issue, with the figures docs/completion.md quotes.
//
//   --part speed     m = n = 2000, k = 10, p = 0.05 (and k = 30, p = 0.2): milliseconds per
//                    iteration of each row solver (exact, CG, sketch), interleaved over
//                    --repeats rounds, median; iterations to 1e-10 relative error over the
//                    whole matrix.
//   --part kappa     k = 10, orthonormal factors with spectrum 1..1/kappa, kappa = 1, 10, 100:
//                    iterations to 1e-8 for exact, adaptive CG (QR), and CG(3) without QR.
//   --part phase     n = 1000, k = 5: recoveries (relative error < 1e-6) out of 5 seeds and the
//                    median iterations, for oversampling rho = 1.5 ... 4.
//   --part movielens ml-latest-small from Debian's r-cran-dslabs (extracted with Rscript into
//                    the trace directory; skipped with a message when R or the package is
//                    missing): 80/20 split, seed 0, predictions clipped to [0.5, 5]; test RMSE
//                    and seconds against the rank, for the default ALS-WR + biases model.
//   --write DIR      writes the speed case's observations (DIR/altmin_case1.txt: "i j value"
//                    lines) for bench/peers/numpy_als.py, then exits.
//
// Usage: altmin_trace [--part speed|kappa|phase|movielens|all] [--repeats 5] [--csv FILE]
// CSV (--part speed/kappa traces), bench/plots/plot_traces.py's format:
// problem,method,iterations,oracle_calls (row solves),epochs (passes over Omega),
// residual (relative error over the whole matrix),seconds (error evaluations excluded)

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <iterum/completion/altmin.hpp>
#include <iterum/completion/planted.hpp>
#include <iterum/core/solve.hpp>
#include <iterum/core/stop.hpp>
#include <iterum/core/stopwatch.hpp>
#include <iterum/io/ratings.hpp>

#include "../../tests/support/movielens.hpp"
#include "trace_output.hpp"

namespace {

using iterum::Index;
using namespace iterum::completion;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

const char* solver_name(AltMinSolver s) {
  switch (s) {
    case AltMinSolver::Exact:
      return "exact";
    case AltMinSolver::Cg:
      return "cg";
    case AltMinSolver::Sketch:
      return "sketch";
    default:
      return "auto";
  }
}

AltMinOptions completion_options(AltMinSolver s) {
  AltMinOptions o;
  o.lambda = 0.0;
  o.biases = false;
  o.solver = s;
  o.tolerance = 0.0;
  return o;
}

// Seconds of `iterations` iterations, net of the initialization (a run with 0 iterations).
double seconds_per_iteration(const Observations& obs, Index k, AltMinSolver s, Index iterations,
                             int repeats) {
  std::vector<double> per;
  for (int r = 0; r < repeats; ++r) {
    auto o = completion_options(s);
    o.max_iterations = 0;
    const double init = altmin(obs, k, o).seconds;
    o.max_iterations = iterations;
    const double full = altmin(obs, k, o).seconds;
    per.push_back((full - init) / static_cast<double>(iterations));
  }
  return median(per);
}

// One point of a convergence trace.
struct Point {
  Index iteration = 0;
  std::int64_t row_solves = 0;
  double passes = 0.0;
  double seconds = 0.0;  // excluding the error evaluations
  double error = 0.0;    // relative error over the whole matrix
  double certificate = 0.0;
};

// The trace of one solve through the Method API; `reached`: the first iteration with error <=
// target (-1: none within `cap`).
template <class Solver>
std::vector<Point> error_trace(const PlantedMatrix& p, typename AltMinMethod<Solver>::Params params,
                               Solver solver, Index cap, double target, Index& reached) {
  AltMinMethod<Solver> method(params, solver);
  const CompletionProblem problem{p.observed};
  std::vector<Point> out;
  reached = -1;
  iterum::Stopwatch clock;
  double timed = 0.0;
  double last = clock.seconds();
  auto watch = [&](const auto& info) {
    timed += clock.seconds() - last;
    const Index k = params.rank;
    const double err = p.relative_error(info.state.x.bottomRows(k).transpose(),
                                        info.state.y.bottomRows(k).transpose());
    out.push_back(
        {info.iteration, info.counters.oracle_calls, info.state.passes, timed, err, info.residual});
    if (reached < 0 && err <= target) reached = info.iteration;
    last = clock.seconds();
    return reached >= 0 && err <= 1e-12;
  };
  const auto result = iterum::solve(problem, method, iterum::stop::max_iterations(cap), watch);
  (void)result;
  return out;
}

// Rows in bench/plots/plot_traces.py's format (residual = relative error over the matrix).
void write_rows(std::ofstream& csv, const std::string& problem, const std::string& method,
                const std::vector<Point>& trace) {
  for (const Point& q : trace) {
    csv << problem << "," << method << "," << q.iteration << "," << q.row_solves << "," << q.passes
        << "," << q.error << "," << q.seconds << "\n";
  }
}

// The first case: m = n = 2000, k = 10, p = 0.05, Gaussian factors, seed 1.
PlantedOptions case1() {
  PlantedOptions po;
  po.rows = 2000;
  po.cols = 2000;
  po.rank = 10;
  po.density = 0.05;
  po.seed = 1;
  return po;
}

void part_speed(int repeats, std::ofstream& csv) {
  std::printf("== speed: m = n = 2000, k = 10, p = 0.05 (noiseless, Gaussian factors) ==\n");
  PlantedOptions po = case1();
  const PlantedMatrix p = planted_low_rank(po);
  std::printf("|Omega| = %lld\n", static_cast<long long>(p.observed.size()));
  for (const AltMinSolver s : {AltMinSolver::Exact, AltMinSolver::Cg, AltMinSolver::Sketch}) {
    Index reached = -1;
    std::vector<Point> trace;
    if (s == AltMinSolver::Exact) {
      trace =
          error_trace<ExactRowSolver>(p, completion_options(s).method_params<ExactRowSolver>(10),
                                      ExactRowSolver{}, 40, 1e-10, reached);
    } else if (s == AltMinSolver::Cg) {
      trace = error_trace<CgRowSolver>(p, completion_options(s).method_params<CgRowSolver>(10),
                                       CgRowSolver{}, 40, 1e-10, reached);
    } else {
      trace =
          error_trace<SketchRowSolver>(p, completion_options(s).method_params<SketchRowSolver>(10),
                                       SketchRowSolver{}, 40, 1e-10, reached);
    }
    write_rows(csv, "m = n = 2000, k = 10, p = 0.05", std::string(solver_name(s)) + " rows", trace);
    std::printf("  %-7s iterations to 1e-10: %lld\n", solver_name(s),
                static_cast<long long>(reached));
  }
  std::printf("  ms per iteration (median of %d, interleaved):\n", repeats);
  std::vector<std::vector<double>> ms(3);
  for (int r = 0; r < repeats; ++r) {
    int c = 0;
    for (const AltMinSolver s : {AltMinSolver::Exact, AltMinSolver::Cg, AltMinSolver::Sketch}) {
      ms[static_cast<std::size_t>(c++)].push_back(1e3 *
                                                  seconds_per_iteration(p.observed, 10, s, 10, 1));
    }
  }
  std::printf("    exact %.2f   cg %.2f   sketch %.2f\n", median(ms[0]), median(ms[1]),
              median(ms[2]));

  std::printf("== speed: m = n = 2000, k = 30, p = 0.2 ==\n");
  po.rank = 30;
  po.density = 0.2;
  const PlantedMatrix q = planted_low_rank(po);
  std::vector<double> exact;
  std::vector<double> cg;
  for (int r = 0; r < repeats; ++r) {
    exact.push_back(1e3 * seconds_per_iteration(q.observed, 30, AltMinSolver::Exact, 5, 1));
    cg.push_back(1e3 * seconds_per_iteration(q.observed, 30, AltMinSolver::Cg, 5, 1));
  }
  const double e = median(exact);
  const double c = median(cg);
  std::printf("  ms per iteration: exact %.1f, cg %.1f (exact / cg = %.2f)\n", e, c, e / c);
  auto o = completion_options(AltMinSolver::Cg);
  o.tolerance = 1e-9;
  const auto rc = altmin(q.observed, 30, o);
  o.solver = AltMinSolver::Exact;
  const auto re = altmin(q.observed, 30, o);
  std::printf("  iterations to certificate 1e-9: exact %lld (error %.1e), cg %lld (error %.1e)\n",
              static_cast<long long>(re.iterations), q.relative_error(re.u, re.v),
              static_cast<long long>(rc.iterations), q.relative_error(rc.u, rc.v));
}

void part_kappa(std::ofstream& csv) {
  std::printf(
      "== kappa: k = 10, m = n = 2000, p = 0.05, orthonormal factors, spectrum 1..1/kappa ==\n");
  std::printf(
      "  kappa   exact   cg(adaptive, QR)   cg(3), no QR   (iterations to 1e-8; -1: not in 100)\n");
  for (const double kappa : {1.0, 10.0, 100.0}) {
    PlantedOptions po;
    po.rows = 2000;
    po.cols = 2000;
    po.rank = 10;
    po.density = 0.05;
    po.condition = kappa;
    po.seed = 2;
    const PlantedMatrix p = planted_low_rank(po);
    Index exact = -1;
    Index adaptive = -1;
    Index fixed = -1;
    AltMinMethod<ExactRowSolver>::Params pe;
    pe.rank = 10;
    const std::string problem = "kappa = " + std::to_string(static_cast<int>(kappa));
    write_rows(csv, problem, "exact rows, QR",
               error_trace<ExactRowSolver>(p, pe, ExactRowSolver{}, 100, 1e-8, exact));
    AltMinMethod<CgRowSolver>::Params pc;
    pc.rank = 10;
    write_rows(csv, problem, "adaptive CG rows, QR",
               error_trace<CgRowSolver>(p, pc, CgRowSolver{}, 100, 1e-8, adaptive));
    pc.orthonormalize = false;
    CgRowSolver::Params three;
    three.max_steps = 3;
    three.tolerance = 0.0;
    write_rows(csv, problem, "CG(3) rows, no QR",
               error_trace<CgRowSolver>(p, pc, CgRowSolver(three), 100, 1e-8, fixed));
    std::printf("  %5.0f   %5lld   %16lld   %12lld\n", kappa, static_cast<long long>(exact),
                static_cast<long long>(adaptive), static_cast<long long>(fixed));
  }
}

void part_phase() {
  std::printf("== phase transition: n = 1000, k = 5, exact ALS + QR, 5 seeds ==\n");
  std::printf("  rho    recovered   median iterations\n");
  for (const double rho : {1.5, 2.0, 2.5, 3.0, 4.0}) {
    int ok = 0;
    std::vector<double> its;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      PlantedOptions po;
      po.rows = 1000;
      po.cols = 1000;
      po.rank = 5;
      po.oversampling = rho;
      po.seed = seed;
      const PlantedMatrix p = planted_low_rank(po);
      auto o = completion_options(AltMinSolver::Exact);
      o.tolerance = 1e-12;
      o.max_iterations = 300;
      const auto r = altmin(p.observed, 5, o);
      if (p.relative_error(r.u, r.v) < 1e-6) {
        ++ok;
        its.push_back(static_cast<double>(r.iterations));
      }
    }
    std::printf("  %.1f    %d/5         %.0f\n", rho, ok, its.empty() ? -1.0 : median(its));
  }
}

void part_movielens() {
  std::printf("== MovieLens ml-latest-small (r-cran-dslabs) ==\n");
  const auto tsv = iterum::test::movielens_tsv(
      std::filesystem::path(bench::trace_csv_path("movielens_ratings.tsv")).parent_path());
  if (!tsv) {
    std::printf("  %s\n", iterum::test::movielens_missing_message());
    return;
  }
  iterum::io::RatingsOptions ro;
  ro.delimiter = "\t";
  const Observations all(iterum::io::read_ratings(*tsv, ro));
  const auto [train, test] = split_holdout(all, 0.2, 0);
  double se = 0.0;
  const double mu = train.mean();
  for (Index t = 0; t < test.size(); ++t) se += (test.value_of(t) - mu) * (test.value_of(t) - mu);
  std::printf("  %lld ratings, %lld users x %lld movies; global mean test RMSE %.4f\n",
              static_cast<long long>(all.size()), static_cast<long long>(all.rows()),
              static_cast<long long>(all.cols()), std::sqrt(se / static_cast<double>(test.size())));
  // plot_traces.py's format with the rank in the iterations column:
  //   plot_traces.py movielens_rank.csv movielens_rank.png --x iterations --xlabel rank
  std::ofstream csv(bench::trace_csv_path("movielens_rank.csv"));
  csv << "problem,method,iterations,oracle_calls,epochs,residual,seconds\n";
  std::printf("  rank   test RMSE   train RMSE   iterations   seconds   status\n");
  for (const Index k : {1, 2, 5, 10, 20, 30, 50}) {
    AltMinOptions o;
    o.clip_min = 0.5;
    o.clip_max = 5.0;
    o.validation = &test;
    const auto r = altmin(train, k, o);
    std::printf("  %4lld   %.4f      %.4f       %4lld         %.3f     %s\n",
                static_cast<long long>(k), *r.validation_rmse, r.rmse,
                static_cast<long long>(r.iterations), r.seconds,
                iterum::to_string(r.status).data());
    for (const auto& [name, value] :
         {std::pair<const char*, double>{"test RMSE", *r.validation_rmse},
          {"train RMSE", r.rmse}}) {
      csv << "MovieLens ml-latest-small (ALS-WR + biases; 80/20 split)," << name << "," << k << ","
          << r.counters.oracle_calls << "," << r.passes << "," << value << "," << r.seconds << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string part = "all";
  int repeats = 5;
  std::string csv_path = bench::trace_csv_path("altmin.csv");
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--part" && i + 1 < argc) {
      part = argv[++i];
    } else if (a == "--repeats" && i + 1 < argc) {
      repeats = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--csv" && i + 1 < argc) {
      csv_path = argv[++i];
    } else if (a == "--write" && i + 1 < argc) {
      const std::filesystem::path dir = argv[++i];
      std::filesystem::create_directories(dir);
      const PlantedMatrix p = planted_low_rank(case1());
      std::ofstream out(dir / "altmin_case1.txt");
      out.precision(17);
      for (Index t = 0; t < p.observed.size(); ++t) {
        out << p.observed.row_of(t) << " " << p.observed.col_of(t) << " " << p.observed.value_of(t)
            << "\n";
      }
      std::printf("wrote %s\n", (dir / "altmin_case1.txt").string().c_str());
      return 0;
    } else {
      std::fprintf(stderr,
                   "usage: altmin_trace [--part speed|kappa|phase|movielens|all] [--repeats N] "
                   "[--csv FILE] [--write DIR]\n");
      return 2;
    }
  }
  std::ofstream csv(csv_path);
  csv << "problem,method,iterations,oracle_calls,epochs,residual,seconds\n";
  if (part == "speed" || part == "all") part_speed(repeats, csv);
  if (part == "kappa" || part == "all") part_kappa(csv);
  if (part == "phase" || part == "all") part_phase();
  if (part == "movielens" || part == "all") part_movielens();
  std::printf("trace CSV: %s\n", csv_path.c_str());
  return 0;
}
