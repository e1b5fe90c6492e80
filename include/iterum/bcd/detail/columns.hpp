#pragma once

/// @file columns.hpp
/// @brief Column kernels of dense and column-major sparse matrices that the coordinate problems
/// use: a dot product with a column and an axpy with a column, without allocation.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <type_traits>

#include "iterum/core/types.hpp"

namespace iterum::bcd::detail {

/// Whether `M` is an Eigen sparse matrix.
template <class M>
inline constexpr bool is_sparse_v = std::is_base_of_v<Eigen::SparseMatrixBase<M>, M>;

/// a_j . v for column j of `a` (O(nnz of the column)).
template <class M, class V>
[[nodiscard]] typename M::Scalar column_dot(const M& a, Index j, const V& v) {
  if constexpr (is_sparse_v<M>) {
    typename M::Scalar sum(0);
    for (typename M::InnerIterator it(a, j); it; ++it) sum += it.value() * v[it.index()];
    return sum;
  } else {
    return a.col(j).dot(v);
  }
}

/// v += delta a_j for column j of `a` (O(nnz of the column)).
template <class M, class V>
void column_axpy(const M& a, Index j, typename M::Scalar delta, V& v) {
  if constexpr (is_sparse_v<M>) {
    for (typename M::InnerIterator it(a, j); it; ++it) v[it.index()] += delta * it.value();
  } else {
    v.noalias() += delta * a.col(j);
  }
}

/// t = A x - b column by column (skipping zero entries of x), without allocation.
template <class M, class X, class B, class T>
void affine_residual(const M& a, const X& x, const B& b, T& t) {
  t = -b;
  for (Index j = 0; j < a.cols(); ++j) {
    if (x[j] != typename M::Scalar(0)) column_axpy(a, j, x[j], t);
  }
}

/// a_i . a_j for columns i and j of `a`.
template <class M>
[[nodiscard]] typename M::Scalar column_inner(const M& a, Index i, Index j) {
  return a.col(i).dot(a.col(j));
}

/// ||a_j||^2 for every column j.
template <class M>
[[nodiscard]] Vector<typename M::Scalar> column_norms2(const M& a) {
  Vector<typename M::Scalar> out(a.cols());
  for (Index j = 0; j < a.cols(); ++j) out[j] = column_inner(a, j, j);
  return out;
}

}  // namespace iterum::bcd::detail
