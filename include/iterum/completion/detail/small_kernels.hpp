#pragma once

/// @file small_kernels.hpp
/// @brief Plain loops for the small dense algebra of one row solve (p <= a few dozen unknowns,
/// tens to hundreds of observations), where the per-call overhead of Eigen's general kernels
/// dominates: the Gram matrix, a fused normal-matrix product, Cholesky.

#include <Eigen/Core>
#include <cmath>

#include "iterum/core/types.hpp"

namespace iterum::completion::detail {

/// The data of a p x count design whose columns are contiguous: a's own when its outer stride
/// is p (the half-steps' buffers), else a copy in `packed` (p x at least count).
template <class A>
const double* contiguous_columns(const A& a, Matrix<double>& packed) {
  if (a.cols() <= 1 || a.outerStride() == a.rows()) return a.data();
  packed.leftCols(a.cols()) = a;
  return packed.data();
}

/// The lower triangle of h (p x p, column-major, leading dimension p) = sum_t a_t a_t^T, where
/// a_t = a + t p: Eigen's symmetric rank update (SYRK), which measured 1.6x (SSE2) to 2.6x
/// (AVX-512) faster than plain loops at p = 10, count = 100.
inline void gram_lower(const double* a, Index count, Index p, double* h) {
  Eigen::Map<Matrix<double>> hm(h, p, p);
  hm.setZero();
  hm.selfadjointView<Eigen::Lower>().rankUpdate(Eigen::Map<const Matrix<double>>(a, p, count));
}

/// out = sum_t a_t (a_t^T v) + ridge .* v: the normal matrix times v, in one pass over a.
inline void normal_times(const double* a, Index count, Index p, const double* ridge,
                         const double* v, double* out) noexcept {
  for (Index l = 0; l < p; ++l) out[l] = ridge[l] * v[l];
  for (Index t = 0; t < count; ++t) {
    const double* at = a + t * p;
    double s = 0.0;
    for (Index l = 0; l < p; ++l) s += at[l] * v[l];
    for (Index l = 0; l < p; ++l) out[l] += s * at[l];
  }
}

/// out = sum_t b_t a_t.
inline void design_times(const double* a, Index count, Index p, const double* b,
                         double* out) noexcept {
  for (Index l = 0; l < p; ++l) out[l] = 0.0;
  for (Index t = 0; t < count; ++t) {
    const double* at = a + t * p;
    const double bt = b[t];
    for (Index l = 0; l < p; ++l) out[l] += bt * at[l];
  }
}

/// In-place Cholesky of the lower triangle of h (h = L L^T); false when h is not (numerically)
/// positive definite.
inline bool cholesky_lower(double* h, Index p) noexcept {
  for (Index j = 0; j < p; ++j) {
    double d = h[j * p + j];
    for (Index k = 0; k < j; ++k) d -= h[k * p + j] * h[k * p + j];
    if (!(d > 0.0) || !std::isfinite(d)) return false;
    const double ljj = std::sqrt(d);
    h[j * p + j] = ljj;
    for (Index i = j + 1; i < p; ++i) {
      double s = h[j * p + i];
      for (Index k = 0; k < j; ++k) s -= h[k * p + i] * h[k * p + j];
      h[j * p + i] = s / ljj;
    }
  }
  return true;
}

/// x <- (L L^T)^{-1} x with L from `cholesky_lower`.
inline void cholesky_solve(const double* l, Index p, double* x) noexcept {
  for (Index i = 0; i < p; ++i) {  // L y = x
    double s = x[i];
    for (Index k = 0; k < i; ++k) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  for (Index i = p - 1; i >= 0; --i) {  // L^T x = y
    double s = x[i];
    for (Index k = i + 1; k < p; ++k) s -= l[i * p + k] * x[k];
    x[i] = s / l[i * p + i];
  }
}

}  // namespace iterum::completion::detail
