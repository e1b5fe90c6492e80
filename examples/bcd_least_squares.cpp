// Least squares with columns of very different scales, solved by block coordinate descent
// (Nutini, Laradji & Schmidt, JMLR 2022, arXiv 1712.08859) with the cyclic rule and with the
// greedy Gauss-Southwell-Lipschitz rule, on blocks in index order and sorted by L_i = ||a_i||^2;
// then the same data with x >= 0 (NNLS) and with an L1 term.
//
// The unconstrained problem min 1/2 ||A x - b||^2 is the quadratic 1/2 x^T (A^T A) x - (A^T b)^T x,
// so bcd::quadratic solves it on the normal equations; the program checks the answer against a
// dense Cholesky solve.
//
// Build: part of the iterum build (target example_bcd_least_squares), or
//   g++ -std=c++20 -O2 $(pkg-config --cflags iterum) bcd_least_squares.cpp

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>

#include <iterum/bcd/l1_least_squares.hpp>
#include <iterum/bcd/nnls.hpp>
#include <iterum/bcd/quadratic.hpp>
#include <iterum/core/random.hpp>

int main() {
  // 200 x 100 Gaussian data, column j scaled by 10^u, u uniform in [-1, 1): L_i spans four
  // orders of magnitude, which is where the Lipschitz-aware rules and sorted blocks matter.
  auto engine = iterum::make_engine(2022);
  const Eigen::Index m = 200;
  const Eigen::Index n = 100;
  Eigen::MatrixXd a(m, n);
  for (Eigen::Index j = 0; j < n; ++j) {
    const double scale = std::pow(10.0, iterum::random::uniform(engine, -1.0, 1.0));
    for (Eigen::Index i = 0; i < m; ++i) a(i, j) = scale * iterum::random::normal(engine);
  }
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, m);
  const Eigen::MatrixXd gram = a.transpose() * a;
  const Eigen::VectorXd atb = a.transpose() * b;
  const Eigen::VectorXd exact = gram.llt().solve(atb);
  const double f_star = 0.5 * (a * exact - b).squaredNorm();

  std::printf("f - f* after 300 block steps (blocks of 5, gradient update 1/L_b)\n");
  std::printf("%-8s %-6s %12s\n", "rule", "blocks", "f - f*");
  using iterum::bcd::BcdPartition;
  using iterum::bcd::BcdSelection;
  for (const auto selection : {BcdSelection::Cyclic, BcdSelection::GaussSouthwellLipschitz}) {
    for (const auto partition : {BcdPartition::Order, BcdPartition::Sort}) {
      const auto r = iterum::bcd::quadratic(gram, atb,
                                            {.max_iterations = 300,
                                             .block_size = 5,
                                             .selection = selection,
                                             .partition = partition,
                                             .update = iterum::bcd::BcdUpdate::Gradient});
      const double f = 0.5 * (a * r.x - b).squaredNorm();
      std::printf("%-8s %-6s %12.4e\n", selection == BcdSelection::Cyclic ? "cyclic" : "GSL",
                  partition == BcdPartition::Order ? "order" : "sort", f - f_star);
    }
  }

  // To convergence: GSL with exact block solves (the matrix update), certified.
  const auto full = iterum::bcd::quadratic(gram, atb, {.tolerance = 1e-10});
  const double error = (full.x - exact).cwiseAbs().maxCoeff() / exact.cwiseAbs().maxCoeff();
  std::printf("\nquadratic: %s in %ld block steps, certificate %.2e, max error vs Cholesky %.2e\n",
              iterum::to_string(full.status).data(), static_cast<long>(full.iterations),
              full.residual, error);

  const auto nn = iterum::bcd::nnls(a, b, {.tolerance = 1e-10});
  std::printf("nnls:      %s in %ld block steps, %ld positive entries of %ld\n",
              iterum::to_string(nn.status).data(), static_cast<long>(nn.iterations),
              static_cast<long>(nn.support), static_cast<long>(n));

  const double lambda = 0.1 * atb.cwiseAbs().maxCoeff();
  const auto l1 = iterum::bcd::l1_least_squares(a, b, lambda, {.tolerance = 1e-10});
  std::printf("l1:        %s in %ld block steps, %ld nonzeros, objective %.6f\n",
              iterum::to_string(l1.status).data(), static_cast<long>(l1.iterations),
              static_cast<long>(l1.support), l1.objective);

  return full.ok() && error < 1e-6 && nn.ok() && l1.ok() ? 0 : 1;
}
