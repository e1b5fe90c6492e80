// Google Benchmark: the linear solvers on a real symmetric positive definite matrix read at run
// time with iterum::io::read_matrix_market: by default lund_a.mtx as Debian's r-cran-matrix
// ships it (147 x 147, 2449 entries, condition number ~2.8e6; Harwell-Boeing's LUND set), or
// the file named by the environment variable ITERUM_SPD_MTX. Solved: A x = b with
// b = A (1 + sin(i) / 2)_i, from x0 = 0:
//   - iterum CG (Jacobi preconditioner) and Eigen's ConjugateGradient (Jacobi), tolerance 1e-10;
//   - iterum SSOR-CG (omega 1), tolerance 1e-10;
//   - iterum SOR (omega 1.9), tolerance 1e-8 (true residual; ~1350 sweeps on lund_a);
//   - reading the file (read_matrix_market), for scale.
// Counters: solver_iterations and the true relative residual ||b - A x|| / ||b|| of the result.
// When the file is absent every benchmark is skipped with a message saying so (apt-get install
// r-cran-matrix). SciPy's cg on the same system: bench/peers/scipy_cg_spd.py.
//
//   build/bench/bench/real_spd_benchmark --benchmark_repetitions=9
//     --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCore>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>

#include <iterum/io/matrix_market.hpp>
#include <iterum/linalg/cg.hpp>
#include <iterum/linalg/sor.hpp>
#include <iterum/linalg/ssor_cg.hpp>

namespace {

struct RealSystem {
  std::string path;
  std::string skip_reason;  // empty when loaded
  Eigen::SparseMatrix<double> a;
  Eigen::VectorXd b;
};

const RealSystem& real_system() {
  static const RealSystem system = [] {
    RealSystem s;
    const char* env = std::getenv("ITERUM_SPD_MTX");
    s.path = env != nullptr && *env != '\0' ? env : "/usr/lib/R/library/Matrix/external/lund_a.mtx";
    if (!std::filesystem::exists(s.path)) {
      s.skip_reason = "skipped: " + s.path +
                      " is absent (Debian/Ubuntu: apt-get install r-cran-matrix, or set "
                      "ITERUM_SPD_MTX to a symmetric positive definite .mtx file)";
      return s;
    }
    try {
      s.a = iterum::io::read_matrix_market(s.path);
    } catch (const std::exception& e) {
      s.skip_reason = std::string("skipped: ") + e.what();
      return s;
    }
    Eigen::VectorXd x(s.a.cols());
    for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = 1.0 + 0.5 * std::sin(static_cast<double>(i));
    s.b = s.a * x;
    return s;
  }();
  return system;
}

// The system, or nullptr after marking the benchmark skipped.
const RealSystem* system_or_skip(benchmark::State& state) {
  const RealSystem& s = real_system();
  if (!s.skip_reason.empty()) {
    state.SkipWithError(s.skip_reason.c_str());
    return nullptr;
  }
  state.SetLabel(std::filesystem::path(s.path).filename().string() +
                 " n=" + std::to_string(s.a.rows()) + " nnz=" + std::to_string(s.a.nonZeros()));
  return &s;
}

// Times `solve(system, x)` (which returns the solver's iteration count) and reports the
// iterations and the true residual of the last solution.
template <class Solve>
void solve_benchmark(benchmark::State& state, Solve solve) {
  const RealSystem* s = system_or_skip(state);
  Eigen::VectorXd x;
  long iterations = 0;
  for (auto _ : state) {
    iterations = solve(*s, x);
    benchmark::DoNotOptimize(x.data());
  }
  if (s == nullptr) return;
  state.counters["solver_iterations"] = static_cast<double>(iterations);
  state.counters["residual"] = (s->b - s->a * x).norm() / s->b.norm();
}

void BM_read_matrix_market(benchmark::State& state) {
  const RealSystem* s = system_or_skip(state);
  for (auto _ : state) {
    const auto a = iterum::io::read_matrix_market(s->path);
    benchmark::DoNotOptimize(a.valuePtr());
  }
}

void BM_iterum_cg(benchmark::State& state) {
  solve_benchmark(state, [](const RealSystem& s, Eigen::VectorXd& x) {
    auto r = iterum::linalg::conjugate_gradient(s.a, s.b, {.tolerance = 1e-10});
    x = std::move(r.x);
    return static_cast<long>(r.iterations);
  });
}

void BM_eigen_cg(benchmark::State& state) {
  solve_benchmark(state, [](const RealSystem& s, Eigen::VectorXd& x) {
    Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> cg;
    cg.setTolerance(1e-10);
    cg.compute(s.a);
    x = cg.solve(s.b);
    return static_cast<long>(cg.iterations());
  });
}

void BM_iterum_ssor_cg(benchmark::State& state) {
  solve_benchmark(state, [](const RealSystem& s, Eigen::VectorXd& x) {
    auto r = iterum::linalg::ssor_conjugate_gradient(s.a, s.b, {.tolerance = 1e-10, .omega = 1.0});
    x = std::move(r.x);
    return static_cast<long>(r.iterations);
  });
}

void BM_iterum_sor(benchmark::State& state) {
  solve_benchmark(state, [](const RealSystem& s, Eigen::VectorXd& x) {
    auto r =
        iterum::linalg::sor(s.a, s.b, {.tolerance = 1e-8, .max_iterations = 100000, .omega = 1.9});
    x = std::move(r.x);
    return static_cast<long>(r.iterations);
  });
}

}  // namespace

BENCHMARK(BM_read_matrix_market)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_iterum_cg)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_eigen_cg)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_iterum_ssor_cg)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_iterum_sor)->Unit(benchmark::kMicrosecond);
