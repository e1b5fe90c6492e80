#pragma once

// The finite-sum least-squares test problem P2 of docs/fixed_point.md, shared by the trace
// benchmark and the tour:
//   F(x) = (1/n) sum_i a_i (a_i^T x - b_i),  a_i = V diag(s) g_i,  s_j = 1/j,  g_i in {-1,1}^d,
//   V random orthogonal, b = A x_true + 0.1 noise.
// Every ||a_i||^2 = sum_j 1/j^2 (about 1.635 for d = 100) while ||A||_2^2 / n is about 1.
// With row_sigma > 0 the rows are uneven (bench/fixed_point/importance_trace.cpp): a_i is scaled
// by r_i = exp(row_sigma z_i), z_i standard normal (log-normal row norms), the r_i rescaled so
// that mean r_i^2 = 1 (the mean ||a_i||^2 stays sum_j 1/j^2).

#include <Eigen/Core>
#include <Eigen/QR>
#include <cmath>
#include <cstdint>

#include <iterum/core/random.hpp>
#include <iterum/fixed_point/least_squares_sum.hpp>

namespace bench {

inline iterum::fixed_point::LeastSquaresSum<double> least_squares_problem(Eigen::Index n,
                                                                          Eigen::Index d,
                                                                          std::uint64_t seed,
                                                                          double row_sigma = 0.0) {
  using Eigen::Index;
  auto engine = iterum::make_engine(seed);
  Eigen::MatrixXd g(d, d);
  for (Index i = 0; i < d * d; ++i) g.data()[i] = iterum::random::normal(engine);
  const Eigen::MatrixXd v = Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
  Eigen::VectorXd s(d);
  for (Index j = 0; j < d; ++j) s[j] = 1.0 / static_cast<double>(j + 1);
  const Eigen::MatrixXd vs = v * s.asDiagonal();
  Eigen::VectorXd scale = Eigen::VectorXd::Ones(n);
  if (row_sigma > 0.0) {
    for (Index i = 0; i < n; ++i) scale[i] = std::exp(row_sigma * iterum::random::normal(engine));
    scale /= std::sqrt(scale.squaredNorm() / static_cast<double>(n));
  }
  Eigen::MatrixXd a(n, d);
  Eigen::VectorXd signs(d);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) signs[j] = iterum::random::uniform01(engine) < 0.5 ? -1.0 : 1.0;
    a.row(i) = scale[i] * (vs * signs).transpose();
  }
  const Eigen::VectorXd truth = iterum::random::normal_vector(engine, d);
  const Eigen::VectorXd b = a * truth + 0.1 * iterum::random::normal_vector(engine, n);
  return iterum::fixed_point::LeastSquaresSum<double>(a, b);
}

}  // namespace bench
