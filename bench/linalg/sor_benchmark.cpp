// Google Benchmark: the SOR sweep iterum runs (iterum::linalg::detail::sor_forward_sweep, what
// SorMethod::step calls) against plain hand-written C loops over the same CSR arrays, on the
// 2-D Poisson matrix (n x n grid, row-major, compressed). Every benchmark reports nonzeros per
// second (items_per_second); BM_sweep_ratio interleaves the iterum sweep and the textbook loop
// sweep by sweep, and reports the ratio of their median times (counter "iterum_over_plain";
// below 1 means iterum is faster).
//
//   build/bench/bench/sor_benchmark --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <Eigen/SparseCore>
#include <algorithm>
#include <chrono>
#include <vector>

#include <iterum/linalg/laplacian.hpp>
#include <iterum/linalg/sor.hpp>

namespace {

using Csr = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;
constexpr double omega = 1.9;

struct Poisson {
  Csr a;
  Eigen::VectorXd b, x;
  iterum::linalg::detail::CsrDiagonal<double> diagonal;
  explicit Poisson(long n)
      : a(iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(n, n)),
        b(Eigen::VectorXd::Ones(a.rows())),
        x(Eigen::VectorXd::Zero(a.rows())) {
    diagonal.prepare(a, "sor_benchmark", "A");
  }
};

/// The textbook Young sweep, written as anyone would in C: find the diagonal inside the row.
void plain_sweep(int n, const int* outer, const int* inner, const double* values, const double* b,
                 double* x, double w) {
  for (int i = 0; i < n; ++i) {
    double sum = b[i], diag = 0.0;
    for (int k = outer[i]; k < outer[i + 1]; ++k) {
      const int j = inner[k];
      if (j == i) {
        diag = values[k];
      } else {
        sum -= values[k] * x[j];
      }
    }
    x[i] = (1.0 - w) * x[i] + w * sum / diag;
  }
}

/// The same sweep in residual form with a precomputed inverse diagonal (the fastest plain loop
/// we know how to write).
void plain_residual_sweep(int n, const int* outer, const int* inner, const double* values,
                          const double* inverse, const double* b, double* x, double w) {
  for (int i = 0; i < n; ++i) {
    double s = b[i];
    for (int k = outer[i]; k < outer[i + 1]; ++k) s -= values[k] * x[inner[k]];
    x[i] += w * s * inverse[i];
  }
}

void set_items(benchmark::State& state, const Poisson& p) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * p.a.nonZeros());
}

void BM_iterum_sweep(benchmark::State& state) {
  Poisson p(state.range(0));
  for (auto _ : state) {
    iterum::linalg::detail::sor_forward_sweep(p.a, p.diagonal, p.b.data(), p.x.data(), omega);
    benchmark::DoNotOptimize(p.x.data());
  }
  set_items(state, p);
}

void BM_plain_sweep(benchmark::State& state) {
  Poisson p(state.range(0));
  for (auto _ : state) {
    plain_sweep(static_cast<int>(p.a.rows()), p.a.outerIndexPtr(), p.a.innerIndexPtr(),
                p.a.valuePtr(), p.b.data(), p.x.data(), omega);
    benchmark::DoNotOptimize(p.x.data());
  }
  set_items(state, p);
}

void BM_plain_residual_sweep(benchmark::State& state) {
  Poisson p(state.range(0));
  for (auto _ : state) {
    plain_residual_sweep(static_cast<int>(p.a.rows()), p.a.outerIndexPtr(), p.a.innerIndexPtr(),
                         p.a.valuePtr(), p.diagonal.inverse().data(), p.b.data(), p.x.data(),
                         omega);
    benchmark::DoNotOptimize(p.x.data());
  }
  set_items(state, p);
}

/// A whole SOR iteration as the driver runs it: sweep plus residual (SorMethod::step).
void BM_iterum_step(benchmark::State& state) {
  Poisson p(state.range(0));
  const iterum::linalg::CsrOperator<double> op(p.a);
  const iterum::linalg::LinearSystem<iterum::linalg::CsrOperator<double>> system(op, p.b);
  iterum::linalg::SorMethod<double> method({.omega = omega});
  auto s = method.init(system);
  for (auto _ : state) {
    method.step(system, s);
    benchmark::DoNotOptimize(s.x.data());
  }
  set_items(state, p);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void BM_sweep_ratio(benchmark::State& state) {
  Poisson p(state.range(0));
  Eigen::VectorXd y = p.x;
  std::vector<double> ours, plain;
  using Clock = std::chrono::steady_clock;
  for (auto _ : state) {
    auto t0 = Clock::now();
    iterum::linalg::detail::sor_forward_sweep(p.a, p.diagonal, p.b.data(), p.x.data(), omega);
    auto t1 = Clock::now();
    plain_sweep(static_cast<int>(p.a.rows()), p.a.outerIndexPtr(), p.a.innerIndexPtr(),
                p.a.valuePtr(), p.b.data(), y.data(), omega);
    auto t2 = Clock::now();
    benchmark::DoNotOptimize(p.x.data());
    benchmark::DoNotOptimize(y.data());
    ours.push_back(std::chrono::duration<double>(t1 - t0).count());
    plain.push_back(std::chrono::duration<double>(t2 - t1).count());
  }
  state.counters["iterum_over_plain"] = median(ours) / median(plain);
  state.counters["iterum_ns_per_nnz"] = 1e9 * median(ours) / static_cast<double>(p.a.nonZeros());
  state.counters["plain_ns_per_nnz"] = 1e9 * median(plain) / static_cast<double>(p.a.nonZeros());
}

}  // namespace

BENCHMARK(BM_iterum_sweep)->Arg(32)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_plain_sweep)->Arg(32)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_plain_residual_sweep)->Arg(32)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_iterum_step)->Arg(32)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_sweep_ratio)->Arg(32)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);
