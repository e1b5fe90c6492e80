#pragma once

/// @file rsvd_kernels.hpp
/// @brief The building blocks of `sketch::randomized_svd`: counted products with A and A^T, a
/// thin orthonormal basis, and the a-posteriori estimate of ||A - U S V^T||_2.

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"

namespace iterum::sketch::detail {

/// A (dense or sparse, held by reference) with counted products: every product with a block of
/// c columns adds c matvecs and one pass over A.
template <class A>
struct CountedMatrix {
  const A& a;
  Counters& counters;
  Index& passes;

  [[nodiscard]] Index rows() const { return a.rows(); }
  [[nodiscard]] Index cols() const { return a.cols(); }
  /// A X.
  [[nodiscard]] Matrix<double> times(const Matrix<double>& x) const {
    count(x.cols());
    Matrix<double> y = a * x;
    return y;
  }
  /// A^T Y.
  [[nodiscard]] Matrix<double> adjoint_times(const Matrix<double>& y) const {
    count(y.cols());
    Matrix<double> x = a.transpose() * y;
    return x;
  }

 private:
  void count(Index columns) const {
    counters.matvecs += columns;
    ++passes;
  }
};

/// Replaces y (m x c, m >= c) by an orthonormal basis of its range (the thin Q of Householder
/// QR; a rank-deficient y still gives c orthonormal columns).
inline void orthonormalize(Matrix<double>& y) {
  const Index m = y.rows();
  const Index c = y.cols();
  Eigen::HouseholderQR<Matrix<double>> qr(y);
  y.setIdentity(m, c);
  y.applyOnTheLeft(qr.householderQ());
}

/// A matrix of independent standard normal draws.
inline Matrix<double> gaussian_block(Engine& engine, Index rows, Index cols);

/// Replaces y by orthonormal columns orthogonal to the orthonormal q and spanning (I - Q Q^T) y:
/// classical Gram-Schmidt twice per column against q and the columns before it. A column that
/// (nearly) vanishes under the projection, i.e. when range(A) is exhausted, is replaced by a
/// projected random vector, so that [q, y] stays orthonormal.
inline void orthonormalize_against(const Matrix<double>& q, Matrix<double>& y, Engine& engine) {
  for (Index j = 0; j < y.cols(); ++j) {
    auto v = y.col(j);
    const double before = v.norm();
    for (int attempt = 0; attempt < 3; ++attempt) {
      for (int pass = 0; pass < 2; ++pass) {
        if (q.cols() > 0) v.noalias() -= q * (q.transpose() * v);
        if (j > 0) v.noalias() -= y.leftCols(j) * (y.leftCols(j).transpose() * v);
      }
      const double after = v.norm();
      if (after > 1e-10 * before && after > 0.0) {
        v /= after;
        break;
      }
      v = gaussian_block(engine, y.rows(), 1);  // range exhausted: any new direction will do
    }
  }
}

/// A matrix of independent standard normal draws.
inline Matrix<double> gaussian_block(Engine& engine, Index rows, Index cols) {
  Matrix<double> g(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) g(i, j) = random::normal(engine);
  return g;
}

/// The largest singular value of a tall y (m x c, c small), from the c x c Gram matrix.
inline double largest_singular_value(const Matrix<double>& y) {
  if (y.cols() == 0) return 0.0;
  const Matrix<double> gram = y.transpose() * y;
  Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(gram, Eigen::EigenvaluesOnly);
  return std::sqrt(std::max(0.0, eig.eigenvalues().maxCoeff()));
}

/// The two a-posteriori figures for E = A - U diag(s) V^T.
struct ResidualNorms {
  double estimate = 0.0;  ///< sigma_max(E X) for an orthonormal X from subspace iteration
  double bound = 0.0;     ///< 10 sqrt(2/pi) max_i ||E w_i||, Gaussian w_i
};

/// Estimates ||E||_2 for E = A - U diag(s) V^T without forming E.
/// Upper bound: Halko, Martinsson & Tropp, arXiv 0909.4061, Lemma 4.1 / eq. (4.3): for r
/// Gaussian vectors w_i, ||E|| <= 10 sqrt(2/pi) max_i ||E w_i|| except with probability 10^-r.
/// Estimate: `steps` steps of block subspace iteration on E^T E from the same r vectors
/// (HMT Sec. 4.5, Alg. 4.4 applied to E), then sigma_max(E X) <= ||E|| for the orthonormal X
/// reached: a lower estimate, close to ||E|| after a step or two unless sigma_1(E) is isolated
/// and r is tiny.
template <class A>
ResidualNorms residual_norms(const CountedMatrix<A>& a, const Matrix<double>& u,
                             const Vector<double>& s, const Matrix<double>& v, Index probes,
                             Index steps, Engine& engine) {
  auto apply_e = [&](const Matrix<double>& x) {
    Matrix<double> y = a.times(x);
    if (u.cols() > 0) y.noalias() -= u * (s.asDiagonal() * (v.transpose() * x));
    return y;
  };
  auto apply_et = [&](const Matrix<double>& y) {
    Matrix<double> x = a.adjoint_times(y);
    if (v.cols() > 0) x.noalias() -= v * (s.asDiagonal() * (u.transpose() * y));
    return x;
  };
  ResidualNorms out;
  const Matrix<double> omega = gaussian_block(engine, a.cols(), probes);
  Matrix<double> y = apply_e(omega);
  out.bound = 10.0 * std::sqrt(2.0 / std::numbers::pi) * y.colwise().norm().maxCoeff();
  // E X for X = Omega R^-1 (Omega = X R, thin QR) is Y R^-1: a first lower estimate without
  // another pass; each step of subspace iteration then costs two passes.
  if (probes <= a.cols()) {
    Eigen::HouseholderQR<Matrix<double>> qr(omega);
    const Matrix<double> r = qr.matrixQR().topRows(probes).triangularView<Eigen::Upper>();
    if (r.diagonal().cwiseAbs().minCoeff() > 0.0) {
      y = r.transpose().triangularView<Eigen::Lower>().solve(y.transpose()).transpose();
    }
  }
  for (Index t = 0; t < steps && probes <= a.cols(); ++t) {
    Matrix<double> x = apply_et(y);
    orthonormalize(x);
    y = apply_e(x);
  }
  out.estimate = largest_singular_value(y);
  out.bound = std::max(out.bound, out.estimate);
  return out;
}

}  // namespace iterum::sketch::detail
