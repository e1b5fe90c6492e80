// Google Benchmark: iterum's conjugate_gradient against Eigen's ConjugateGradient on the 2-D
// Poisson problem (n x n grid, Jacobi preconditioning, relative residual 1e-10, set-up
// included). Run the repetitions interleaved and compare the medians:
//
//   build/bench/bench/cg_benchmark --benchmark_filter='/(128|256)' --benchmark_repetitions=15 \
//       --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true
//
// Without --benchmark_enable_random_interleaving Google Benchmark runs all repetitions of one
// benchmark before the next, so a change of machine load lands on one side only. On a shared,
// loaded machine the CPU column (time on a core) is steadier than the Time column (wall clock,
// which includes waiting for a core); docs/linalg.md reports both. The tour (bench/compare)
// prints the wall-clock ratio of interleaved runs directly.

#include <benchmark/benchmark.h>

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCore>

#include <iterum/linalg/cg.hpp>
#include <iterum/linalg/laplacian.hpp>

namespace {

constexpr double tolerance = 1e-10;

struct Poisson {
  Eigen::SparseMatrix<double> a;
  Eigen::VectorXd b;
  explicit Poisson(long n) : a(iterum::linalg::laplacian_2d(n, n)), b(a.rows()) {
    for (long j = 0; j < n; ++j)
      for (long i = 0; i < n; ++i)
        b[i + n * j] = 1.0 + 0.5 * static_cast<double>(i) / static_cast<double>(n);
  }
};

void BM_eigen_cg(benchmark::State& state) {
  const Poisson p(state.range(0));
  long iterations = 0;
  for (auto _ : state) {
    Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> cg;
    cg.setTolerance(tolerance);
    cg.compute(p.a);
    Eigen::VectorXd x = cg.solve(p.b);
    benchmark::DoNotOptimize(x.data());
    iterations = static_cast<long>(cg.iterations());
  }
  state.counters["iterations"] = static_cast<double>(iterations);
}

void BM_iterum_cg(benchmark::State& state) {
  const Poisson p(state.range(0));
  long iterations = 0;
  for (auto _ : state) {
    auto r = iterum::linalg::conjugate_gradient(p.a, p.b, {.tolerance = tolerance});
    benchmark::DoNotOptimize(r.x.data());
    iterations = static_cast<long>(r.iterations);
  }
  state.counters["iterations"] = static_cast<double>(iterations);
}

}  // namespace

BENCHMARK(BM_eigen_cg)->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_iterum_cg)->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond);
