// Tune SOR's relaxation parameter omega online over a sequence of related linear systems, as in
// Khodak, Chow, Balcan & Talwalkar, "Learning to Relax" (ICLR 2024, arXiv 2310.02246).
//
// The sequence: A_t = A + c_t I with A the 5-point Laplacian of a 10 x 10 grid and a random
// shift c_t in [-0.15, 0.45] (near-singular at the low end), random right-hand sides. Before
// each solve a tuner proposes omega; afterwards it is told the number of SOR sweeps. Tsallis-INF
// learns one good omega; ChebCB also sees c_t and learns an omega per shift.
//
// Build: part of the iterum build (target example_sor_bandit_sequence), or
//   g++ -std=c++20 -O2 $(pkg-config --cflags iterum) sor_bandit_sequence.cpp

#include <Eigen/SparseCore>
#include <cstdio>
#include <vector>

#include <iterum/core/random.hpp>
#include <iterum/linalg/laplacian.hpp>
#include <iterum/linalg/sor.hpp>
#include <iterum/tuning/cheb_cb.hpp>
#include <iterum/tuning/sequence.hpp>
#include <iterum/tuning/tsallis_inf.hpp>
#include <iterum/tuning/tuner.hpp>

namespace {

using Csr = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

struct Sequence {
  Csr base = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(10, 10);
  std::vector<double> shift;
  std::vector<Eigen::VectorXd> rhs;
};

Sequence make_sequence(long instances) {
  Sequence s;
  auto engine = iterum::make_engine(42);
  for (long t = 0; t < instances; ++t) {
    const double u = iterum::random::uniform01(engine);
    s.shift.push_back(-0.15 + 0.6 * u * u);  // more instances near the hard, singular end
    s.rhs.push_back(iterum::random::normal_vector(engine, s.base.rows()));
  }
  return s;
}

}  // namespace

int main() {
  const long instances = 1000;
  const Sequence s = make_sequence(instances);

  // One SOR solver reused across the sequence: compute(A_t), set_omega(proposal), solve.
  iterum::linalg::Sor<Csr> solver({.tolerance = 1e-8});
  Eigen::VectorXd x;
  bool all_converged = true;
  auto solve = [&](iterum::Index t, double omega) {
    Csr a = s.base;
    for (long i = 0; i < a.rows(); ++i) a.coeffRef(i, i) += s.shift[static_cast<std::size_t>(t)];
    (void)solver.compute(a);
    solver.set_omega(omega);
    x = Eigen::VectorXd::Zero(a.rows());
    const iterum::Summary r = solver.solve(s.rhs[static_cast<std::size_t>(t)], x);
    all_converged = all_converged && r.ok();
    return r;  // run_sequence takes the iteration count as the cost
  };
  auto shift = [&](iterum::Index t) { return s.shift[static_cast<std::size_t>(t)]; };

  // Arms log-spaced in 2 - omega: dense near 2, where the cost changes fastest.
  const std::vector<double> grid = iterum::tuning::log_gap_grid(1.0, 1.97, 8);
  iterum::tuning::Fixed gauss_seidel(1.0);
  iterum::tuning::TsallisInf tsallis(grid, {.seed = 7});
  iterum::tuning::ChebCB chebcb(iterum::tuning::log_gap_grid(1.0, 1.97, 12),
                                {.seed = 7, .context_min = -0.15, .context_max = 0.45});

  const auto gs = iterum::tuning::run_sequence(gauss_seidel, instances, solve);
  const auto ts = iterum::tuning::run_sequence(tsallis, instances, solve);
  const auto cb = iterum::tuning::run_sequence(chebcb, instances, shift, solve);

  // The best fixed omega in hindsight, by brute force over the grid (every arm, every system).
  iterum::tuning::CostTable table(grid, instances);
  for (long t = 0; t < instances; ++t)
    for (long k = 0; k < table.arms(); ++k)
      table.at(t, k) = static_cast<double>(solve(t, grid[static_cast<std::size_t>(k)]).iterations);

  std::printf("%-34s %16s %14s\n", "policy", "total sweeps", "per instance");
  auto row = [&](const char* name, double total) {
    std::printf("%-34s %16.0f %14.1f\n", name, total, total / static_cast<double>(instances));
  };
  row("Gauss-Seidel (omega = 1)", gs.total());
  row("best fixed omega in hindsight", table.best_fixed_total());
  row("Tsallis-INF (8 arms)", ts.total());
  row("ChebCB (12 arms, sees the shift)", cb.total());
  row("per-instance best of the 8 arms", table.oracle_total());
  std::printf("\nTsallis-INF / best fixed: %.3f; Gauss-Seidel / ChebCB: %.1f\n",
              ts.total() / table.best_fixed_total(), gs.total() / cb.total());
  std::printf("cumulative Tsallis-INF cost after 100, 500, %ld instances: %.0f, %.0f, %.0f\n",
              instances, ts.cumulative[99], ts.cumulative[499], ts.total());
  const bool ok = all_converged && ts.total() < 1.3 * table.best_fixed_total() &&
                  cb.total() < ts.total() && 4 * cb.total() < gs.total();
  return ok ? 0 : 1;
}
