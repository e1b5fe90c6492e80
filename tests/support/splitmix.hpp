#pragma once

// The SplitMix64 generator used to generate the OT anchor instances, so
// that tests and benchmarks can rebuild exactly the cost matrices whose figures it records
// (POT values at eta = 1200, Sinkhorn iteration counts).

#include <Eigen/Core>
#include <cmath>
#include <cstdint>

namespace iterum::test {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  /// Next value in [0, 1): the top 53 bits of the mixed state.
  double next() {
    state_ += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }

 private:
  std::uint64_t state_;
};

/// Standard normal draw by Marsaglia's polar method on SplitMix64 uniforms (the same
/// procedure as bench/peers/pot_throughput.py, so both sides build identical data).
inline double splitmix_normal(SplitMix64& generator) {
  for (;;) {
    const double u = 2.0 * generator.next() - 1.0;
    const double v = 2.0 * generator.next() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

/// The point-cloud OT case (as in Tang et al., arXiv 2401.12253, Sec. 6): x ~ U[0,1]^6, y ~ (N(0,1)
/// + 0.5)/5 (n points each, row by row), weights U + 0.1 normalized, squared Euclidean cost.
struct PointCloudInstance {
  Eigen::VectorXd a, b;
  Eigen::MatrixXd c;
};

inline PointCloudInstance splitmix_point_clouds(Eigen::Index n, std::uint64_t seed) {
  SplitMix64 generator(seed);
  Eigen::MatrixXd x(n, 6), y(n, 6);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < 6; ++k) x(i, k) = generator.next();
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < 6; ++k) y(i, k) = (splitmix_normal(generator) + 0.5) / 5.0;
  PointCloudInstance out{Eigen::VectorXd(n), Eigen::VectorXd(n), Eigen::MatrixXd(n, n)};
  for (Eigen::Index i = 0; i < n; ++i) out.a[i] = 0.1 + generator.next();
  for (Eigen::Index j = 0; j < n; ++j) out.b[j] = 0.1 + generator.next();
  out.a /= out.a.sum();
  out.b /= out.b.sum();
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) out.c(i, j) = (x.row(i) - y.row(j)).squaredNorm();
  return out;
}

/// The n x n U[0, 1) random cost of the OT anchor cases, filled row by row.
inline Eigen::MatrixXd splitmix_cost(Eigen::Index n, std::uint64_t seed) {
  SplitMix64 generator(seed);
  Eigen::MatrixXd c(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) c(i, j) = generator.next();
  return c;
}

/// A transport instance as bench/peers/pot_fixtures.py builds it: the m x n cost row by row,
/// then a and b (each entry 0.1 + u, normalized) from the same stream.
struct SplitMixInstance {
  Eigen::VectorXd a, b;
  Eigen::MatrixXd c;
};

inline SplitMixInstance splitmix_instance(Eigen::Index m, Eigen::Index n, std::uint64_t seed) {
  SplitMix64 generator(seed);
  SplitMixInstance out{Eigen::VectorXd(m), Eigen::VectorXd(n), Eigen::MatrixXd(m, n)};
  for (Eigen::Index i = 0; i < m; ++i)
    for (Eigen::Index j = 0; j < n; ++j) out.c(i, j) = generator.next();
  for (Eigen::Index i = 0; i < m; ++i) out.a[i] = 0.1 + generator.next();
  for (Eigen::Index j = 0; j < n; ++j) out.b[j] = 0.1 + generator.next();
  out.a /= out.a.sum();
  out.b /= out.b.sum();
  return out;
}

}  // namespace iterum::test
