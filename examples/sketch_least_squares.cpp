// Tall least squares min ||A x - b|| by randomized sketching (iterum::sketch::lstsq): one pass
// over A forms a sparse sign sketch S A (d = 12 n rows), its QR gives a preconditioner R, and
// LSQR on A R^{-1} converges in about 25 iterations whatever the condition number of A
// (Meier, Nakatsukasa, Townsend & Webb, arXiv 2302.07202). The program compares the three
// methods with a dense Householder QR at kappa(A) = 1e8, shows what the normal equations lose,
// and what lstsq reports for a rank-deficient A.
//
// Build: part of the iterum build (target example_sketch_least_squares), or
//   g++ -std=c++20 -O2 $(pkg-config --cflags iterum) sketch_least_squares.cpp

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <string>

#include <iterum/core/random.hpp>
#include <iterum/sketch/lstsq.hpp>

int main() {
  // A = G diag(sigma) V^T: 20000 x 60, sigma log-spaced from 1 to 1e-8, b = A x* + noise.
  const Eigen::Index m = 20000;
  const Eigen::Index n = 60;
  auto engine = iterum::make_engine(17);
  Eigen::MatrixXd g(m, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < m; ++i) g(i, j) = iterum::random::normal(engine);
  Eigen::MatrixXd h(n, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) h(i, j) = iterum::random::normal(engine);
  const Eigen::MatrixXd v = Eigen::HouseholderQR<Eigen::MatrixXd>(h).householderQ();
  Eigen::VectorXd sigma(n);
  for (Eigen::Index i = 0; i < n; ++i) sigma[i] = std::pow(10.0, -8.0 * double(i) / double(n - 1));
  const Eigen::MatrixXd a = g * sigma.asDiagonal() * v.transpose();
  const Eigen::VectorXd truth = iterum::random::normal_vector(engine, n);
  Eigen::VectorXd b = a * truth;
  for (Eigen::Index i = 0; i < m; ++i) b[i] += 1e-6 * iterum::random::normal(engine);

  const Eigen::VectorXd x_qr = a.householderQr().solve(b);
  const double r_qr = (b - a * x_qr).norm();
  std::printf("Householder QR: ||r|| = %.12e\n\n", r_qr);
  std::printf("%-26s %-14s %5s %6s %11s %11s %11s\n", "method", "status", "iters", "passes",
              "err vs QR", "||r||/||r_QR||-1", "certificate");

  using iterum::sketch::LstsqMethod;
  const struct {
    const char* name;
    LstsqMethod method;
  } methods[] = {{"sketch-and-solve", LstsqMethod::SketchAndSolve},
                 {"sketch-and-precondition", LstsqMethod::SketchAndPrecondition},
                 {"iterative sketching", LstsqMethod::IterativeSketching}};
  bool ok = true;
  for (const auto& [name, method] : methods) {
    // At kappa = 1e8 the certificate's rounding floor (about 1e-10) lies above the default
    // tolerance 1e-12: the iterative methods end Stalled at the floor, as accurate as QR.
    const auto r = iterum::sketch::lstsq(a, b, {.seed = 1, .method = method});
    const double error = (r.x - x_qr).norm() / x_qr.norm();
    std::printf("%-26s %-14s %5ld %6ld %11.2e %11.2e %11.2e\n", name,
                std::string(iterum::to_string(r.status)).c_str(), static_cast<long>(r.iterations),
                static_cast<long>(r.passes), error, r.residual_norm / r_qr - 1.0, r.residual);
    const bool at_floor = r.ok() || r.status == iterum::Status::Stalled;
    if (method != LstsqMethod::SketchAndSolve) ok = ok && at_floor && error < 1e-6;
    if (method == LstsqMethod::SketchAndSolve) {
      std::printf("%-26s expected residual inflation %.4f, kappa(SA) ~ %.2e\n", "",
                  r.expected_residual_inflation, r.condition_estimate);
    }
  }

  // The normal equations square the condition number: at kappa = 1e8, kappa^2 u >> 1.
  const Eigen::MatrixXd gram = a.transpose() * a;
  const Eigen::VectorXd x_ne = gram.ldlt().solve(a.transpose() * b);
  std::printf("%-26s %-14s %5s %6s %11.2e %11.2e\n", "normal equations", "-", "-", "2",
              (x_ne - x_qr).norm() / x_qr.norm(), (b - a * x_ne).norm() / r_qr - 1.0);

  // A rank-deficient A (two equal columns): lstsq says so and returns the minimum-norm solution.
  Eigen::MatrixXd deficient = a;
  deficient.col(1) = deficient.col(0);
  const auto r = iterum::sketch::lstsq(deficient, b);
  std::printf("\nrank-deficient A: rank %ld of %ld, status %s, x_0 - x_1 = %.1e\n",
              static_cast<long>(r.rank), static_cast<long>(n),
              std::string(iterum::to_string(r.status)).c_str(), r.x[0] - r.x[1]);
  ok = ok && r.rank_deficient() && r.x.allFinite();
  return ok ? 0 : 1;
}
