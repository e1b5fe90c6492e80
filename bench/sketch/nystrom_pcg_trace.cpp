// Nystrom-preconditioned CG (iterum::sketch::NystromPreconditioner in
// iterum::linalg::ConjugateGradient) against plain and Jacobi CG, interleaved run by run.
//
// Cases (the issue's):
// - RBF kernel exp(-||p_i - p_j||^2 / (2 h^2)) on n uniform points in [0, 1]^3 (h = 0.3) plus
//   mu I, mu in {1e-2, 1e-4, 1e-6}: fast spectral decay, Nystrom should cut the iterations
//   several-fold;
// - the 2-D Poisson matrix (32 x 32 grid) plus mu I, mu = 1e-2: slow decay, no small rank helps;
//   the preconditioner falls back to the identity (`active()` false), and "forced" (min_gain = 1)
//   shows what it would cost not to.
// b = a fixed random vector, tolerance 1e-10 (relative residual), x0 = 0. Setup seconds (the
// Nystrom sketch and factorizations) and solve seconds are reported apart; medians over the
// repeats, each repeat running every solver once in turn.
//
// Usage: nystrom_pcg_trace [--n 2000] [--repeats 3] [--csv FILE]
// CSV: case,mu,solver,repeat,iterations,rank,setup_seconds,solve_seconds,error

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <iterum/core/random.hpp>
#include <iterum/core/stopwatch.hpp>
#include <iterum/linalg/cg.hpp>
#include <iterum/linalg/identity_preconditioner.hpp>
#include <iterum/linalg/jacobi_preconditioner.hpp>
#include <iterum/linalg/laplacian.hpp>
#include <iterum/sketch/nystrom_preconditioner.hpp>

#include "trace_output.hpp"

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd rbf_kernel(Index n, double h, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  MatrixXd p(3, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < 3; ++i) p(i, j) = iterum::random::uniform01(engine);
  MatrixXd k(n, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < n; ++i)
      k(i, j) = std::exp(-(p.col(i) - p.col(j)).squaredNorm() / (2 * h * h));
  return k;
}

struct Row {
  Index iterations = 0;
  Index rank = 0;
  double setup = 0.0;
  double solve = 0.0;
  double error = 0.0;
  bool ok = false;
};

template <class A, class Precond>
Row run(const A& a, const VectorXd& b, const VectorXd& exact, Precond p) {
  Row row;
  iterum::linalg::ConjugateGradient<A, Precond> solver(
      {.tolerance = 1e-10, .max_iterations = Index{20000}}, std::move(p));
  const iterum::Stopwatch setup;
  solver.compute(a);
  row.setup = setup.seconds();
  VectorXd x = VectorXd::Zero(b.size());
  const auto summary = solver.solve(b, x);
  row.solve = summary.seconds;
  row.iterations = summary.iterations;
  row.ok = summary.ok();
  row.error = (x - exact).norm() / exact.norm();
  if constexpr (std::is_same_v<Precond, iterum::sketch::NystromPreconditioner<double>>)
    row.rank = solver.preconditioner().active() ? solver.preconditioner().rank() : 0;
  return row;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class A>
void compare(const std::string& name, const A& a, double mu, int repeats, std::ofstream& out) {
  const Index n = a.rows();
  auto engine = iterum::make_engine(17);
  const VectorXd b = iterum::random::normal_vector(engine, n);
  const VectorXd exact = MatrixXd(a).llt().solve(b);
  const std::vector<std::string> solvers = {"cg", "jacobi_cg", "nystrom_pcg", "nystrom_forced"};
  std::map<std::string, std::vector<Row>> rows;
  for (int r = 0; r < repeats; ++r) {
    for (const auto& s : solvers) {
      Row row;
      if (s == "cg") {
        row = run(a, b, exact, iterum::linalg::IdentityPreconditioner<double>{});
      } else if (s == "jacobi_cg") {
        row = run(a, b, exact, iterum::linalg::JacobiPreconditioner<double>{});
      } else {
        const double gain = s == "nystrom_forced" ? 1.0 : 10.0;
        row = run(
            a, b, exact,
            iterum::sketch::NystromPreconditioner<double>({.mu = mu,
                                                           .max_rank = Index{512},
                                                           .min_gain = gain,
                                                           .seed = static_cast<std::uint64_t>(r)}));
      }
      out << name << ',' << mu << ',' << s << ',' << r << ',' << row.iterations << ',' << row.rank
          << ',' << row.setup << ',' << row.solve << ',' << row.error << '\n';
      rows[s].push_back(row);
    }
  }
  for (const auto& s : solvers) {
    std::vector<double> setup, solve, iters;
    for (const auto& row : rows[s]) {
      setup.push_back(row.setup);
      solve.push_back(row.solve);
      iters.push_back(static_cast<double>(row.iterations));
    }
    const Row& last = rows[s].back();
    std::printf(
        "%-14s mu=%-6.0e %-15s iters %6.0f  rank %4ld  setup %8.4f s  solve %8.4f s  "
        "total %8.4f s  err %.1e %s\n",
        name.c_str(), mu, s.c_str(), median(iters), static_cast<long>(last.rank), median(setup),
        median(solve), median(setup) + median(solve), last.error, last.ok ? "" : "(not converged)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Index n = 2000;
  int repeats = 3;
  std::string csv = bench::trace_csv_path("sketch_nystrom_pcg.csv");
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--n" && i + 1 < argc) n = std::atol(argv[++i]);
    if (flag == "--repeats" && i + 1 < argc) repeats = std::atoi(argv[++i]);
    if (flag == "--csv" && i + 1 < argc) csv = argv[++i];
  }
  std::ofstream out(csv);
  out << "case,mu,solver,repeat,iterations,rank,setup_seconds,solve_seconds,error\n";
  const MatrixXd k = rbf_kernel(n, 0.3, 2026);
  for (const double mu : {1e-2, 1e-4, 1e-6}) {
    const MatrixXd a = k + mu * MatrixXd::Identity(n, n);
    compare("rbf" + std::to_string(n), a, mu, repeats, out);
  }
  Eigen::SparseMatrix<double> lap = iterum::linalg::laplacian_2d<double>(32, 32);
  const double mu = 1e-2;
  for (Index i = 0; i < lap.rows(); ++i) lap.coeffRef(i, i) += mu;
  compare("poisson32", lap, mu, repeats, out);
  std::printf("CSV: %s\n", csv.c_str());
  return 0;
}
