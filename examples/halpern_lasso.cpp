// Solve a LASSO problem, min 1/2 ||A x - b||^2 + lambda ||x||_1, as a fixed point of the
// Douglas-Rachford map with Halpern's iteration: plain, reflected (Halpern on 2T - I, twice the
// guaranteed progress) and reflected with adaptive restarts (linear convergence on this sharp
// problem). Compared with the Krasnoselskii-Mann iteration z <- T z that plain Douglas-Rachford
// runs. Every run stops at ||z - T z|| <= 1e-8 or after 2000 evaluations of T.
//
// A is 200 x 500 Gaussian, the truth has 20 nonzeros, lambda = 0.1 ||A^T b||_inf.
//
// Build: part of the iterum build (target example_halpern_lasso), or
//   g++ -std=c++20 -O2 $(pkg-config --cflags iterum) halpern_lasso.cpp

#include <Eigen/Core>
#include <cmath>
#include <cstdio>
#include <string>

#include <iterum/core/random.hpp>
#include <iterum/fixed_point/douglas_rachford.hpp>
#include <iterum/fixed_point/halpern.hpp>
#include <iterum/prox/least_squares.hpp>
#include <iterum/prox/soft_threshold.hpp>

int main() {
  namespace fp = iterum::fixed_point;
  const Eigen::Index m = 200, n = 500;
  auto engine = iterum::make_engine(2024);
  Eigen::MatrixXd a(m, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < m; ++i)
      a(i, j) = iterum::random::normal(engine) / std::sqrt(200.0);
  Eigen::VectorXd truth = Eigen::VectorXd::Zero(n);
  for (Eigen::Index j = 0; j < n; j += n / 20) truth[j] = 1.0 + iterum::random::uniform01(engine);
  const Eigen::VectorXd b = a * truth + 0.01 * iterum::random::normal_vector(engine, m);
  const double lambda = 0.1 * (a.transpose() * b).cwiseAbs().maxCoeff();

  // T z = z + prox_{gamma g}(2 x - z) - x with x = prox_{gamma f}(z), f the least-squares term
  // (one Cholesky factorization of I + gamma A^T A) and g = lambda ||.||_1 (soft thresholding).
  const double gamma = 1.0;
  const auto dr = fp::douglas_rachford<double>(n, iterum::prox::LeastSquares<double>(a, b, gamma),
                                               iterum::prox::SoftThreshold<double>{gamma * lambda});
  const Eigen::VectorXd z0 = Eigen::VectorXd::Zero(n);

  auto report = [&](const char* name, const auto& r) {
    Eigen::VectorXd x(n);
    dr.shadow(r.x, x);
    const double objective = 0.5 * (a * x - b).squaredNorm() + lambda * x.lpNorm<1>();
    std::printf("%-28s %-15s %6lld T-evaluations  ||z - Tz|| = %.2e  objective %.10f\n", name,
                std::string(iterum::to_string(r.status)).c_str(),
                static_cast<long long>(r.counters.oracle_calls), r.residual, objective);
  };

  const fp::HalpernOptions base{.tolerance = 1e-8, .max_oracle_calls = 2000};
  report("Halpern", fp::halpern(dr, z0, base));
  fp::HalpernOptions reflected = base;
  reflected.reflect = true;
  report("reflected Halpern", fp::halpern(dr, z0, reflected));
  fp::HalpernOptions restarted = reflected;
  restarted.restart = fp::HalpernRestart::Adaptive;
  const auto best = fp::halpern(dr, z0, restarted);
  report("restarted reflected Halpern", best);

  // Plain Douglas-Rachford: z <- T z (Krasnoselskii-Mann with step 1/2 on R_g R_f).
  Eigen::VectorXd z = z0, tz(n);
  long calls = 0;
  double residual = 0;
  do {
    dr.apply(z, tz);
    ++calls;
    residual = (z - tz).norm();
    z.swap(tz);
  } while (residual > 1e-8 && calls < 2000);
  std::printf("%-28s %6ld T-evaluations  ||z - Tz|| = %.2e\n", "Douglas-Rachford (z <- Tz)", calls,
              residual);

  Eigen::VectorXd x(n);
  dr.shadow(best.x, x);
  std::printf("solution: %ld nonzeros (truth: %ld); %lld restarts\n",
              static_cast<long>((x.array().abs() > 1e-6).count()),
              static_cast<long>((truth.array() != 0).count()),
              static_cast<long long>(best.restarts));
  return best.ok() ? 0 : 1;
}
