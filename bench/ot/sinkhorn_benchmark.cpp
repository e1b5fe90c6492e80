// Google Benchmark: the cost of one Sinkhorn iteration on the point-cloud case B5 of docs/ot.md
// (x ~ U[0,1]^6, y ~ (N(0,1) + 0.5)/5, epsilon = 0.01 x mean cost),
// next to the memory-bandwidth floor measured on the same machine: two dense n x n
// matrix-vector products (K v and K^T u), which every scaling-form iteration must do.
// bench/peers/pot_throughput.py times POT's ot.sinkhorn iteration on identical data.
//
//   build/bench/bench/sinkhorn_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
// (the reported time is the time of one iteration).

#include <benchmark/benchmark.h>

#include <Eigen/Core>

#include <iterum/ot/sinkhorn.hpp>

#include "../../tests/support/splitmix.hpp"

namespace {

void BM_sinkhorn_iteration(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const auto data = iterum::test::splitmix_point_clouds(n, 7);
  const iterum::ot::EntropicProblem problem(data.a, data.b, data.c, 0.01 * data.c.mean(),
                                            "BM_sinkhorn_iteration");
  const iterum::ot::SinkhornMethod method;
  auto s = method.init(problem);
  for (auto _ : state) {
    method.step(problem, s);
    benchmark::DoNotOptimize(s.v.data());
  }
}

void BM_two_matvecs_floor(benchmark::State& state) {
  const auto n = static_cast<Eigen::Index>(state.range(0));
  const Eigen::MatrixXd k = Eigen::MatrixXd::Constant(n, n, 0.5);
  Eigen::VectorXd u = Eigen::VectorXd::Ones(n), v = u, kv(n), ktu(n);
  for (auto _ : state) {
    kv.noalias() = k * v;
    ktu.noalias() = k.transpose() * u;
    benchmark::DoNotOptimize(kv.data());
    benchmark::DoNotOptimize(ktu.data());
  }
}

}  // namespace

// n = 512, 1024, ..., 8192 for both, so each size has its floor next to it.
BENCHMARK(BM_sinkhorn_iteration)
    ->RangeMultiplier(2)
    ->Range(512, 8192)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_two_matvecs_floor)
    ->RangeMultiplier(2)
    ->Range(512, 8192)
    ->Unit(benchmark::kMillisecond);
