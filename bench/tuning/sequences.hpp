#pragma once

// The paper's sequences of linear systems (Khodak, Chow, Balcan & Talwalkar, arXiv 2310.02246,
// Sec. 6), generated with seeded,
// portable random numbers, and their cost tables (every arm of a grid on every instance), shared
// by bench/tuning/sequence_benchmark.cpp and the tour (bench/compare/tuning_cases.cpp).
//
//   shifted_laplacian: SOR on A_t = A + c_t I, A the 5-point Laplacian of a 10 x 10 grid,
//     c_t = -0.15 + 0.6 Beta(0.5, 1.5) (high variance) or Beta(2, 6) (low variance), b_t a
//     radially truncated Gaussian (N(0, I) conditioned on ||b|| <= sqrt(n)), x0 = 0,
//     tolerance 1e-8, 10000-sweep cap. Context: c_t.
//   heat: SSOR-CG on the Crank-Nicolson steps of u_t = kappa(t) Lap u + f on the unit square
//     (nx - 1)^2 interior points, dt = 1e-3, kappa(t) = max(0.1 sin 2 pi t, -10 sin 2 pi t),
//     f a moving bump, warm start from the previous step, tolerance 1e-8. Context: kappa.

#include <Eigen/SparseCore>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include <iterum/core/random.hpp>
#include <iterum/linalg/laplacian.hpp>
#include <iterum/linalg/sor.hpp>
#include <iterum/linalg/ssor_cg.hpp>
#include <iterum/tuning/sequence.hpp>

namespace sequences {

using Csr = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

/// Sum of k squared standard normals (a chi-square draw with k degrees of freedom).
inline double chi_square(iterum::Engine& engine, int k) {
  double s = 0;
  for (int i = 0; i < k; ++i) {
    const double z = iterum::random::normal(engine);
    s += z * z;
  }
  return s;
}

/// Beta(a, b) for half-integer a, b: chi2(2a) / (chi2(2a) + chi2(2b)).
inline double beta(iterum::Engine& engine, double a, double b) {
  const double x = chi_square(engine, static_cast<int>(2 * a));
  const double y = chi_square(engine, static_cast<int>(2 * b));
  return x / (x + y);
}

/// N(0, I_n) conditioned on ||b|| <= sqrt(n), by rejection.
inline Eigen::VectorXd truncated_gaussian(iterum::Engine& engine, long n) {
  for (;;) {
    Eigen::VectorXd b = iterum::random::normal_vector(engine, n);
    if (b.squaredNorm() <= static_cast<double>(n)) return b;
  }
}

/// A shifted-Laplacian sequence: the shifts and right-hand sides.
struct ShiftedLaplacian {
  long grid = 10;  // N: the Laplacian of an N x N grid
  std::vector<double> shifts;
  std::vector<Eigen::VectorXd> rhs;
  Csr base;

  static constexpr double context_min = -0.15;
  static constexpr double context_max = 0.65;  // the paper's declared context interval

  /// The matrix of instance t.
  [[nodiscard]] Csr matrix(long t) const {
    Csr a = base;
    for (long i = 0; i < a.rows(); ++i) a.coeffRef(i, i) += shifts[static_cast<std::size_t>(t)];
    return a;
  }
  /// Young's optimal omega of instance t: beta = rho(I - D^-1 A_t) = 4 cos(pi/(N+1)) / (4 + c).
  [[nodiscard]] double young_omega(long t) const {
    const double beta = 4.0 * std::cos(std::numbers::pi / static_cast<double>(grid + 1)) /
                        (4.0 + shifts[static_cast<std::size_t>(t)]);
    return 2.0 / (1.0 + std::sqrt(1.0 - beta * beta));
  }
};

/// `instances` draws; `high_variance` picks Beta(0.5, 1.5), else Beta(2, 6).
inline ShiftedLaplacian shifted_laplacian(long instances, bool high_variance, std::uint64_t seed,
                                          long grid = 10) {
  ShiftedLaplacian s;
  s.grid = grid;
  s.base = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(grid, grid);
  auto engine = iterum::make_engine(seed);
  for (long t = 0; t < instances; ++t) {
    const double u = high_variance ? beta(engine, 0.5, 1.5) : beta(engine, 2.0, 6.0);
    s.shifts.push_back(-0.15 + 0.6 * u);
    s.rhs.push_back(truncated_gaussian(engine, s.base.rows()));
  }
  return s;
}

/// SOR sweeps of every arm on every instance; `young` receives the sweeps at Young's omega.
inline iterum::tuning::CostTable sor_costs(const ShiftedLaplacian& s, std::vector<double> grid,
                                           std::vector<double>* young = nullptr) {
  const long instances = static_cast<long>(s.shifts.size());
  iterum::tuning::CostTable table(grid, instances);
  iterum::linalg::Sor<Csr> solver({.tolerance = 1e-8, .max_iterations = 10000});
  Eigen::VectorXd x(s.base.rows());
  if (young != nullptr) young->assign(static_cast<std::size_t>(instances), 0.0);
  for (long t = 0; t < instances; ++t) {
    const Csr a = s.matrix(t);
    (void)solver.compute(a);
    const Eigen::VectorXd& b = s.rhs[static_cast<std::size_t>(t)];
    for (long k = 0; k < table.arms(); ++k) {
      solver.set_omega(grid[static_cast<std::size_t>(k)]);
      x.setZero();
      table.at(t, k) = static_cast<double>(solver.solve(b, x).iterations);
    }
    if (young != nullptr) {
      solver.set_omega(s.young_omega(t));
      x.setZero();
      (*young)[static_cast<std::size_t>(t)] = static_cast<double>(solver.solve(b, x).iterations);
    }
  }
  return table;
}

/// The heat-equation sequence: the Crank-Nicolson matrices are I + s_t L (L the 5-point
/// Laplacian / h^2, s_t = kappa dt / 2), right-hand sides and warm starts along the accurate
/// trajectory.
struct Heat {
  long nx = 50;
  double dt = 1e-3;
  Csr laplacian;              // h^2 (-Lap): 4 on the diagonal, -1 off it
  std::vector<double> kappa;  // diffusion coefficient of step t (at its midpoint)
  std::vector<Eigen::VectorXd> rhs;
  std::vector<Eigen::VectorXd> start;  // u before step t (the warm start)

  static constexpr double context_min = 0.0;
  static constexpr double context_max = 10.0;

  /// I + (kappa_t dt / (2 h^2)) laplacian.
  [[nodiscard]] Csr matrix(long t) const {
    const double h = 1.0 / static_cast<double>(nx);
    const double s = 0.5 * kappa[static_cast<std::size_t>(t)] * dt / (h * h);
    Csr a = s * laplacian;
    for (long i = 0; i < a.rows(); ++i) a.coeffRef(i, i) += 1.0;
    return a;
  }
};

inline double bump(double x, double y, double cx, double cy, double r) {
  const double q = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r);
  return q < 1.0 ? std::exp(-1.0 / (1.0 - q)) : 0.0;
}

inline Heat heat(long steps, long nx) {
  Heat s;
  s.nx = nx;
  const long m = nx - 1;
  const double h = 1.0 / static_cast<double>(nx);
  const double pi = std::numbers::pi;
  s.laplacian = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(m, m);
  Eigen::VectorXd u(m * m), f(m * m);
  for (long j = 0; j < m; ++j)
    for (long i = 0; i < m; ++i)
      u[i + m * j] =
          bump(static_cast<double>(i + 1) * h, static_cast<double>(j + 1) * h, 0.5, 0.5, 0.25);
  for (long t = 0; t < steps; ++t) {
    const double time = static_cast<double>(t) * s.dt + 0.5 * s.dt;
    const double kappa = std::max(0.1 * std::sin(2 * pi * time), -10.0 * std::sin(2 * pi * time));
    const double cx = 0.5 + std::cos(16 * pi * time) / 4, cy = 0.5 + std::sin(16 * pi * time) / 4;
    for (long j = 0; j < m; ++j)
      for (long i = 0; i < m; ++i)
        f[i + m * j] = 32.0 * bump(static_cast<double>(i + 1) * h, static_cast<double>(j + 1) * h,
                                   cx, cy, 0.125);
    s.kappa.push_back(kappa);
    const double half = 0.5 * kappa * s.dt / (h * h);
    Eigen::VectorXd b = u - half * (s.laplacian * u) + s.dt * f;
    s.start.push_back(u);
    const Csr a = s.matrix(t);
    const auto r =
        iterum::linalg::ssor_conjugate_gradient(a, b, u, {.tolerance = 1e-13, .omega = 1.5});
    u = r.x;
    s.rhs.push_back(std::move(b));
  }
  return s;
}

/// SSOR-CG iterations of every arm on every step, warm-started from the trajectory.
inline iterum::tuning::CostTable ssor_cg_costs(const Heat& s, std::vector<double> grid) {
  const long steps = static_cast<long>(s.kappa.size());
  iterum::tuning::CostTable table(grid, steps);
  iterum::linalg::SsorConjugateGradient<Csr> solver({.tolerance = 1e-8, .max_iterations = 10000});
  Eigen::VectorXd x;
  for (long t = 0; t < steps; ++t) {
    const Csr a = s.matrix(t);
    (void)solver.compute(a);
    for (long k = 0; k < table.arms(); ++k) {
      solver.set_omega(grid[static_cast<std::size_t>(k)]);
      x = s.start[static_cast<std::size_t>(t)];
      table.at(t, k) =
          static_cast<double>(solver.solve(s.rhs[static_cast<std::size_t>(t)], x).iterations);
    }
  }
  return table;
}

}  // namespace sequences
