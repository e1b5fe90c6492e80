#pragma once

// Random feasible and bounded standard-form LPs, min c^T x subject to A x = b, x >= 0: A has
// standard normal entries, b = A x_feas with
// x_feas uniform in [0, 1) (so the LP is feasible), and c = A^T y + s with y standard normal
// and s uniform in [0, 1) (so (y, s) is dual feasible and the LP is bounded). Every draw comes
// from SplitMix64(seed) in that order (A row by row, x_feas, y, s), so the instances are the
// same on every platform.

#include <Eigen/Core>
#include <cstdint>

#include "../../tests/support/splitmix.hpp"

namespace bench {

struct RandomLp {
  Eigen::MatrixXd a;
  Eigen::VectorXd b, c;
};

inline RandomLp random_lp(Eigen::Index m, Eigen::Index n, std::uint64_t seed) {
  iterum::test::SplitMix64 g(seed);
  RandomLp lp;
  lp.a.resize(m, n);
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < n; ++j) lp.a(i, j) = iterum::test::splitmix_normal(g);
  Eigen::VectorXd x_feas(n), y(m), s(n);
  for (Eigen::Index j = 0; j < n; ++j) x_feas[j] = g.next();
  for (Eigen::Index i = 0; i < m; ++i) y[i] = iterum::test::splitmix_normal(g);
  for (Eigen::Index j = 0; j < n; ++j) s[j] = g.next();
  lp.b = lp.a * x_feas;
  lp.c = lp.a.transpose() * y + s;
  return lp;
}

}  // namespace bench
