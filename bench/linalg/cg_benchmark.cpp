// Google Benchmark: iterum's conjugate_gradient against Eigen's ConjugateGradient on the 2-D
// Poisson problem (n x n grid, Jacobi preconditioning, relative residual 1e-10, set-up
// included). Run with --benchmark_repetitions=9 --benchmark_report_aggregates_only=true and
// compare the medians; the tour (bench/compare) prints the ratio directly.

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
