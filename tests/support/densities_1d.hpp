#pragma once

// The 1-D OT case of Tang et al. (arXiv 2401.12253, Sec. 6): two mixtures of Gaussians discretized
// on 1000 grid points of [0, 1], with the squared (W2^2) or absolute (W1) distance as cost. Its
// exact values follow from the quantile formula (bench/peers/pot_emd.py prints them).

#include <Eigen/Core>

namespace iterum::test {

struct Densities1d {
  Eigen::VectorXd a, b;
  Eigen::MatrixXd c;
};

inline Densities1d densities_1d(bool squared, Eigen::Index n = 1000) {
  const Eigen::ArrayXd x = Eigen::ArrayXd::LinSpaced(n, 0, 1);
  const auto g = [&](double m, double s) { return (-(x - m).square() / (2 * s * s)).exp(); };
  const Eigen::ArrayXd a = g(0.2, 0.05) + 0.5 * g(0.7, 0.1);
  const Eigen::ArrayXd b = g(0.5, 0.08) + 0.3 * g(0.9, 0.03);
  Densities1d d{(a / a.sum()).matrix(), (b / b.sum()).matrix(), Eigen::MatrixXd(n, n)};
  for (Eigen::Index j = 0; j < n; ++j) {
    if (squared) {
      d.c.col(j) = (x - x[j]).square().matrix();
    } else {
      d.c.col(j) = (x - x[j]).abs().matrix();
    }
  }
  return d;
}

}  // namespace iterum::test
