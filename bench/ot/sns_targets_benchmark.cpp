// Google Benchmark: solve times of Sinkhorn against Sinkhorn-Newton-Sparse (Tang et al., arXiv
// 2401.12253) on the cases of docs/ot.md:
//   B1  random U[0,1] cost, n = 500 (SplitMix64 seed 42), eta = 1200, to 1e-12
//   B3  Fashion-MNIST test images 0 and 1, W2^2 and W1 costs, eta = 1200, to 1e-12
//   B4  1-D densities, n = 1000, W2^2 and W1 costs, eta = 1200, to 1e-9
// Each benchmark is one whole solve; counters report iterations and the certificate.
// Sinkhorn on B1 to 1e-12 takes about 40 s per solve.
//
//   build/bench/bench/sns_targets_benchmark --benchmark_repetitions=3
//       --benchmark_report_aggregates_only=true [--benchmark_filter=image]

#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <string>

#include <iterum/ot/sinkhorn.hpp>
#include <iterum/ot/sinkhorn_newton_sparse.hpp>

#include "../../tests/support/densities_1d.hpp"
#include "../../tests/support/fashion_mnist.hpp"
#include "../../tests/support/splitmix.hpp"

namespace {

struct Case {
  Eigen::VectorXd a, b;
  Eigen::MatrixXd c;
  double tolerance = 1e-12;
};

Case random_500() {
  Case d;
  d.c = iterum::test::splitmix_cost(500, 42);
  d.a = Eigen::VectorXd::Constant(500, 1.0 / 500);
  d.b = d.a;
  return d;
}

Case densities_1d(bool squared) {
  auto data = iterum::test::densities_1d(squared);
  return Case{std::move(data.a), std::move(data.b), std::move(data.c), 1e-9};
}

template <bool Newton>
void solve(benchmark::State& state, const Case& d) {
  long iterations = 0;
  double error = 0;
  for (auto _ : state) {
    const auto r =
        Newton ? iterum::ot::sinkhorn_newton_sparse(d.a, d.b, d.c, 1.0 / 1200,
                                                    {.tolerance = d.tolerance})
               : iterum::ot::sinkhorn(d.a, d.b, d.c, 1.0 / 1200,
                                      {.tolerance = d.tolerance, .max_iterations = 1000000});
    if (!r.ok()) state.SkipWithError("the solver did not converge");
    iterations = static_cast<long>(r.iterations);
    error = r.marginal_error;
  }
  state.counters["iterations"] = static_cast<double>(iterations);
  state.counters["marginal_error"] = error;
}

template <bool Newton>
void BM_random_500(benchmark::State& state) {
  static const Case d = random_500();
  solve<Newton>(state, d);
}

template <bool Newton>
void BM_densities_1d(benchmark::State& state) {
  static const Case w1 = densities_1d(false), w2 = densities_1d(true);
  solve<Newton>(state, state.range(0) == 2 ? w2 : w1);
}

template <bool Newton>
void BM_image(benchmark::State& state) {
  const auto cost = state.range(0) == 2 ? iterum::test::GroundCost::SquaredEuclidean
                                        : iterum::test::GroundCost::L1;
  const auto pair = iterum::test::fashion_mnist_pair(0, 1, cost);
  if (!pair) {
    state.SkipWithError(iterum::test::fashion_mnist_missing_message().c_str());
    for (auto _ : state) {
    }
    return;
  }
  solve<Newton>(state, Case{pair->a, pair->b, pair->c, 1e-12});
}

}  // namespace

// The argument is the Wasserstein order: 2 = squared Euclidean cost, 1 = L1 cost.
BENCHMARK(BM_random_500<false>)
    ->Name("random_500/sinkhorn")
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_random_500<true>)->Name("random_500/sns")->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_image<false>)
    ->Name("image/sinkhorn")
    ->Arg(2)
    ->Arg(1)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_image<true>)
    ->Name("image/sns")
    ->Arg(2)
    ->Arg(1)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_densities_1d<false>)
    ->Name("densities_1d/sinkhorn")
    ->Arg(2)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_densities_1d<true>)
    ->Name("densities_1d/sns")
    ->Arg(2)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
