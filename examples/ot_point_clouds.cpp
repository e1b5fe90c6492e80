// Optimal transport between two point clouds: stabilized Sinkhorn against
// Sinkhorn-Newton-Sparse (SNS, Tang et al., ICLR 2024) on the same problem.
//
// Two clouds of 300 points in the plane (a ring and a blob, seeded), squared Euclidean cost,
// uniform weights. The entropic plan at small epsilon is nearly a matching: SNS's Newton
// stage exploits that sparsity, plain Sinkhorn crawls. Both results are certified by their
// marginal error, and the program prints how sparse the plan is.

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <numbers>

#include <iterum/core/random.hpp>
#include <iterum/ot/sinkhorn.hpp>
#include <iterum/ot/sinkhorn_newton_sparse.hpp>

int main() {
  const Eigen::Index n = 300;
  auto engine = iterum::make_engine(2024);
  Eigen::MatrixXd x(n, 2), y(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double angle = 2 * std::numbers::pi * iterum::random::uniform01(engine);
    const double radius = 1.0 + 0.1 * iterum::random::normal(engine);
    x.row(i) << radius * std::cos(angle), radius * std::sin(angle);
    y.row(i) << 0.5 + 0.3 * iterum::random::normal(engine), 0.3 * iterum::random::normal(engine);
  }
  Eigen::MatrixXd cost(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) cost(i, j) = (x.row(i) - y.row(j)).squaredNorm();
  const Eigen::VectorXd a = Eigen::VectorXd::Constant(n, 1.0 / n);
  const Eigen::VectorXd b = a;
  const double epsilon = 2e-3 * cost.mean();  // small: a nearly sparse plan
  const double tolerance = 1e-10;             // on the marginal error

  const auto sinkhorn =
      iterum::ot::sinkhorn(a, b, cost, epsilon, {.tolerance = tolerance, .max_iterations = 200000});
  const auto sns =
      iterum::ot::sinkhorn_newton_sparse(a, b, cost, epsilon, {.tolerance = tolerance});

  std::printf("epsilon = %.3e, %ld x %ld points\n\n", epsilon, static_cast<long>(n),
              static_cast<long>(n));
  std::printf("%-24s %10s %10s %14s %14s %10s\n", "method", "status", "iterations", "marginal err",
              "<C, P>", "seconds");
  for (const auto* r : {&sinkhorn, &sns}) {
    std::printf("%-24s %10s %10ld %14.3e %14.8f %10.4f\n",
                r == &sinkhorn ? "sinkhorn" : "sinkhorn_newton_sparse",
                std::string(iterum::to_string(r->status)).c_str(), static_cast<long>(r->iterations),
                r->marginal_error, r->transport_cost, r->seconds);
  }
  std::printf("\nSNS: %ld Sinkhorn + %ld Newton iterations, %ld CG iterations in all\n",
              static_cast<long>(sns.sinkhorn_iterations), static_cast<long>(sns.newton_iterations),
              static_cast<long>(sns.counters.inner_iterations));
  const auto significant = sns.count_plan_entries(1e-6);
  std::printf("plan entries >= 1e-6 x max: %ld of %ld (%.2f per row)\n",
              static_cast<long>(significant), static_cast<long>(n * n),
              static_cast<double>(significant) / static_cast<double>(n));
  const double agreement = (sinkhorn.plan() - sns.plan()).cwiseAbs().maxCoeff();
  std::printf("max |P_sinkhorn - P_sns| = %.2e\n", agreement);
  return sinkhorn.ok() && sns.ok() && agreement < 1e-8 ? 0 : 1;
}
