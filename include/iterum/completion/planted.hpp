#pragma once

/// @file planted.hpp
/// @brief `completion::planted_low_rank`: synthetic completion problems with a known answer — a
/// rank-k matrix M = L R^T, entries observed independently with probability p — and the
/// full-matrix error of a fit, for tests, benchmarks and experiments.

#include <Eigen/Core>
#include <Eigen/QR>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "iterum/completion/observations.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"

namespace iterum::completion {

/// What `planted_low_rank` draws.
struct PlantedOptions {
  Index rows = 1000;  ///< m
  Index cols = 1000;  ///< n
  Index rank = 5;     ///< k
  /// Probability p that an entry is observed; unset (0): from `oversampling`.
  double density = 0.0;
  /// rho = |Omega| / (k (m + n - k)), the usual measure of how many samples a rank-k matrix
  /// needs (its degrees of freedom); used when density = 0: p = rho k (m + n - k) / (m n).
  double oversampling = 3.0;
  /// 0: Gaussian factors L, R with N(0, 1) entries (condition number ~1). Above 0 (kappa >= 1):
  /// M = U diag(sigma) V^T with U, V the orthonormal Q factors of Gaussian matrices
  /// (incoherent) and sigma geometric from 1 down to 1 / kappa.
  double condition = 0.0;
  /// Standard deviation of Gaussian noise added to the observed values (M itself is exact).
  double noise = 0.0;
  std::uint64_t seed = 0;
};

/// A planted problem: M = left right^T (m x n, rank k) and its observed entries.
struct PlantedMatrix {
  Matrix<double> left{};   ///< m x k
  Matrix<double> right{};  ///< n x k
  Observations observed{};

  /// M(i, j).
  [[nodiscard]] double value(Index i, Index j) const { return left.row(i).dot(right.row(j)); }

  /// ||u v^T - M||_F / ||M||_F over the whole matrix (u: m x k', v: n x k'), computed row by row
  /// in O(m n (k + k')) without forming either matrix (and without the cancellation of the
  /// trace formula).
  [[nodiscard]] double relative_error(const Matrix<double>& u, const Matrix<double>& v) const {
    constexpr std::string_view function = "iterum::completion::PlantedMatrix::relative_error";
    check::size(function, "u", u.rows(), left.rows(), "must have a row per row of M");
    check::size(function, "v", v.rows(), right.rows(), "must have a row per column of M");
    check::size(function, "v", v.cols(), u.cols(), "must have as many columns as u");
    double err = 0.0;
    double ref = 0.0;
    Vector<double> row_m(right.rows());
    Vector<double> row_f(right.rows());
    for (Index i = 0; i < left.rows(); ++i) {
      row_m.noalias() = right * left.row(i).transpose();
      row_f.noalias() = v * u.row(i).transpose();
      err += (row_f - row_m).squaredNorm();
      ref += row_m.squaredNorm();
    }
    return ref > 0.0 ? std::sqrt(err / ref) : std::sqrt(err);
  }
};

/// Draws a planted rank-k completion problem (`PlantedOptions`). Throws
/// `iterum::invalid_argument` for sizes below 1, a rank above min(m, n), a density outside
/// (0, 1], a non-positive oversampling, a condition in (0, 1), or a negative noise.
[[nodiscard]] inline PlantedMatrix planted_low_rank(const PlantedOptions& o) {
  constexpr std::string_view function = "iterum::completion::planted_low_rank";
  check::positive(function, "options.rows", static_cast<double>(o.rows));
  check::positive(function, "options.cols", static_cast<double>(o.cols));
  check::in_range(function, "options.rank", static_cast<double>(o.rank), 1.0,
                  static_cast<double>(std::min(o.rows, o.cols)));
  check::in_range(function, "options.density", o.density, 0.0, 1.0);
  check::positive(function, "options.oversampling", o.oversampling);
  check::finite(function, "options.oversampling", o.oversampling);
  if (o.condition != 0.0) {
    check::in_range(function, "options.condition", o.condition, 1.0, 1e300);
  }
  check::nonnegative(function, "options.noise", o.noise);
  check::finite(function, "options.noise", o.noise);
  const Index m = o.rows;
  const Index n = o.cols;
  const Index k = o.rank;
  Engine engine = make_engine(o.seed);
  auto gaussian = [&](Index r, Index c) {
    Matrix<double> g(r, c);
    for (Index j = 0; j < c; ++j) {
      for (Index i = 0; i < r; ++i) g(i, j) = random::normal(engine);
    }
    return g;
  };
  PlantedMatrix out;
  if (o.condition == 0.0) {
    out.left = gaussian(m, k);
    out.right = gaussian(n, k);
  } else {
    auto q_of = [](const Matrix<double>& g) {
      Eigen::HouseholderQR<Matrix<double>> qr(g);
      return Matrix<double>(qr.householderQ() * Matrix<double>::Identity(g.rows(), g.cols()));
    };
    Vector<double> sigma(k);
    for (Index l = 0; l < k; ++l) {
      sigma[l] =
          k > 1 ? std::pow(o.condition, -static_cast<double>(l) / static_cast<double>(k - 1)) : 1.0;
    }
    out.left = q_of(gaussian(m, k)) * sigma.asDiagonal();
    out.right = q_of(gaussian(n, k));
  }
  const double p =
      o.density > 0.0
          ? o.density
          : std::min(1.0, o.oversampling * static_cast<double>(k) * static_cast<double>(m + n - k) /
                              (static_cast<double>(m) * static_cast<double>(n)));
  std::vector<Index> r;
  std::vector<Index> c;
  std::vector<double> v;
  const auto expected =
      static_cast<std::size_t>(p * static_cast<double>(m) * static_cast<double>(n) * 1.05) + 16;
  r.reserve(expected);
  c.reserve(expected);
  v.reserve(expected);
  for (Index j = 0; j < n; ++j) {
    for (Index i = 0; i < m; ++i) {
      if (random::uniform01(engine) < p) {
        r.push_back(i);
        c.push_back(j);
        v.push_back(out.value(i, j));
      }
    }
  }
  if (o.noise > 0.0) {
    for (double& x : v) x += o.noise * random::normal(engine);
  }
  out.observed = Observations(m, n, r, c, v);
  return out;
}

}  // namespace iterum::completion
