// Solve the 2-D Poisson problem  -Laplace(u) = f  on the unit square, u = 0 on the boundary,
// with iterum's preconditioned conjugate gradient.
//
// The right-hand side f = (2 + pi^2 x (1 - x)) sin(pi y) has the exact solution
// u = x (1 - x) sin(pi y), so the program can check its answer: the error of the 5-point
// discretization falls like h^2, and the CG residual is certified by the solver.
//
// Build: part of the iterum build (target example_conjugate_gradient_poisson), or
//   g++ -std=c++20 -O2 $(pkg-config --cflags iterum) conjugate_gradient_poisson.cpp

#include <Eigen/SparseCore>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numbers>

#include <iterum/core/status.hpp>
#include <iterum/linalg/cg.hpp>
#include <iterum/linalg/laplacian.hpp>

namespace {

struct Solve {
  double max_error;
  long iterations;
  bool ok;
};

// Solves on an n x n interior grid (h = 1 / (n + 1)); returns the max error against u.
Solve solve_on_grid(long n, bool show_progress) {
  const double h = 1.0 / static_cast<double>(n + 1);
  const double pi = std::numbers::pi;
  // laplacian_2d is h^2 times the discrete -Laplace operator, so scale f by h^2.
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(n, n);
  Eigen::VectorXd b(n * n), exact(n * n);
  for (long j = 0; j < n; ++j) {
    for (long i = 0; i < n; ++i) {
      const double x = static_cast<double>(i + 1) * h;
      const double y = static_cast<double>(j + 1) * h;
      exact[i + n * j] = x * (1 - x) * std::sin(pi * y);
      b[i + n * j] = h * h * (2 + pi * pi * x * (1 - x)) * std::sin(pi * y);
    }
  }

  iterum::linalg::CgOptions options;
  options.tolerance = 1e-10;  // relative residual ||b - A x|| / ||b||
  if (show_progress) {
    options.monitor.progress = &std::cout;  // a line every 100 iterations, and a summary
    options.monitor.progress_every_iterations = 100;
  }
  const auto result = iterum::linalg::conjugate_gradient(a, b, options);
  if (!result.ok()) {
    std::cerr << "CG stopped early: " << iterum::to_string(result.status) << "\n";
  }
  return {(result.x - exact).cwiseAbs().maxCoeff(), static_cast<long>(result.iterations),
          result.ok()};
}

}  // namespace

int main() {
  std::cout << "CG on the 128 x 128 grid, with progress output:\n";
  const Solve fine = solve_on_grid(128, true);

  std::cout << "\nDiscretization error against the exact solution (should fall like h^2):\n";
  std::printf("%8s %12s %14s %10s\n", "grid", "iterations", "max error", "ratio");
  double previous = 0;
  bool all_ok = fine.ok;
  for (long n : {15L, 31L, 63L, 127L}) {
    const Solve s = solve_on_grid(n, false);
    all_ok = all_ok && s.ok;
    std::printf("%5ld^2 %12ld %14.3e %10.2f\n", n, s.iterations, s.max_error,
                previous > 0 ? previous / s.max_error : 0.0);
    previous = s.max_error;
  }
  // Halving h should divide the error by about 4.
  std::cout << (all_ok ? "all solves converged\n" : "some solve did not converge\n");
  return all_ok && fine.max_error < 1e-4 ? 0 : 1;
}
