#pragma once

/// @file sparse_columns.hpp
/// @brief The kernels of the sparse sketches (`SparseSign`, `CountSketch`): S has `zeta`
/// nonzeros per column, generated column by column from (seed, column index), and S A is
/// computed by scattering the rows of A, in O(zeta nnz(A)) without forming S.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/counter_stream.hpp"

namespace iterum::sketch::detail {

/// The key tag of the sparse sketches' column streams.
inline constexpr std::uint64_t sparse_sign_tag = 0x5350415253450001ull;

/// Column j of a d x m sparse sign sketch with `zeta` nonzeros per column: `zeta` distinct rows
/// drawn uniformly (Floyd's sampling without replacement, O(zeta^2) comparisons) and
/// independent signs, each entry +-1/sqrt(zeta). Written to rows[0..zeta) and values[0..zeta).
inline void sparse_sign_column(std::uint64_t key, Index d, Index zeta, Index j, Index* rows,
                               double* values) {
  CounterStream stream(key, static_cast<std::uint64_t>(j));
  Index count = 0;
  for (Index k = d - zeta; k < d; ++k) {
    const Index t = stream.below(k + 1);
    bool seen = false;
    for (Index i = 0; i < count; ++i) seen = seen || rows[i] == t;
    rows[count++] = seen ? k : t;
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(zeta));
  std::uint64_t bits = 0;
  for (Index t = 0; t < zeta; ++t) {
    if (t % 64 == 0) bits = stream.bits();
    values[t] = (bits & 1u) != 0 ? scale : -scale;
    bits >>= 1;
  }
}

/// out += S(:, j0 : j0 + a.rows()) a for a dense column-major block a: rows of A are taken in
/// chunks whose columns of S are generated once, then every column of A is scattered into the
/// matching column of out (reads of A contiguous, writes into one column of out, which stays in
/// cache for the sketch sizes in use).
template <class Out>
void sparse_sign_add_dense(std::uint64_t key, Index d, Index zeta, Index j0,
                           const Eigen::Ref<const Matrix<double>>& a, Out& out) {
  constexpr Index chunk = 1024;
  const Index m = a.rows();
  const Index n = a.cols();
  std::vector<Index> rows(static_cast<std::size_t>(std::min(chunk, m) * zeta));
  std::vector<double> values(rows.size());
  for (Index r0 = 0; r0 < m; r0 += chunk) {
    const Index nb = std::min(chunk, m - r0);
    for (Index j = 0; j < nb; ++j) {
      const auto at = static_cast<std::size_t>(j * zeta);
      sparse_sign_column(key, d, zeta, j0 + r0 + j, rows.data() + at, values.data() + at);
    }
    for (Index c = 0; c < n; ++c) {
      const double* column = a.col(c).data() + r0;
      double* target = out.col(c).data();
      const Index* r = rows.data();
      const double* v = values.data();
      for (Index j = 0; j < nb; ++j) {
        const double x = column[j];
        for (Index t = 0; t < zeta; ++t) target[r[t]] += v[t] * x;
        r += zeta;
        v += zeta;
      }
    }
  }
}

/// out += S(:, j0 : j0 + a.rows()) a for a row-major sparse block: each row of A is scattered
/// into the rows of out that its column of S hits, O(zeta nnz(a)).
template <class Out>
void sparse_sign_add_sparse(std::uint64_t key, Index d, Index zeta, Index j0,
                            const Eigen::SparseMatrix<double, Eigen::RowMajor>& a, Out& out) {
  std::vector<Index> rows(static_cast<std::size_t>(zeta));
  std::vector<double> values(rows.size());
  for (Index j = 0; j < a.outerSize(); ++j) {
    typename Eigen::SparseMatrix<double, Eigen::RowMajor>::InnerIterator it(a, j);
    if (!it) continue;
    sparse_sign_column(key, d, zeta, j0 + j, rows.data(), values.data());
    for (; it; ++it) {
      const double x = it.value();
      const Index c = it.col();
      for (std::size_t t = 0; t < rows.size(); ++t) out(rows[t], c) += values[t] * x;
    }
  }
}

/// The d x m sparse matrix S, column by column.
inline Eigen::SparseMatrix<double> sparse_sign_matrix(std::uint64_t key, Index d, Index m,
                                                      Index zeta) {
  Eigen::SparseMatrix<double> s(d, m);
  s.reserve(Vector<int>::Constant(m, static_cast<int>(zeta)));
  std::vector<Index> rows(static_cast<std::size_t>(zeta));
  std::vector<double> values(rows.size());
  for (Index j = 0; j < m; ++j) {
    sparse_sign_column(key, d, zeta, j, rows.data(), values.data());
    for (std::size_t t = 0; t < rows.size(); ++t) s.insert(rows[t], j) = values[t];
  }
  s.makeCompressed();
  return s;
}

}  // namespace iterum::sketch::detail
