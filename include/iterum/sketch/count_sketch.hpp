#pragma once

/// @file count_sketch.hpp
/// @brief `sketch::CountSketch`: the Clarkson-Woodruff sketch, one +-1 per column, applied in
/// O(nnz(A)).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/counter_stream.hpp"
#include "iterum/sketch/detail/sparse_columns.hpp"
#include "iterum/sketch/sketch_operator.hpp"

namespace iterum::sketch {

/// A d x m CountSketch (Clarkson & Woodruff, STOC 2013, arXiv 1207.6365): column j has a single
/// nonzero, +1 or -1, at a uniformly drawn row; E[S^T S] = I. The cheapest sketch (one pass,
/// O(nnz(A))), but a subspace embedding of an n-dimensional space needs d = O(n^2) rows, against
/// O(n) for `SparseSign` with zeta >= 2. It is `SparseSign` with zeta = 1: the same seed gives
/// the same matrix.
class CountSketch : public SketchOperator<CountSketch> {
 public:
  static constexpr std::string_view name = "iterum::sketch::CountSketch";

  /// A `rows` x `cols` CountSketch (rows = d >= 1, cols = m >= 1). Throws
  /// `iterum::invalid_argument` naming `rows` or `cols`.
  CountSketch(Index rows, Index cols, std::uint64_t seed)
      : SketchOperator<CountSketch>(rows, cols, seed),
        key_(detail::stream_key(seed, detail::sparse_sign_tag)) {}

  /// The row of the nonzero of column j (0 <= j < cols()).
  [[nodiscard]] Index bucket(Index j) const {
    Index row = 0;
    (void)entry(j, row);
    return row;
  }
  /// The sign (+1 or -1) of the nonzero of column j.
  [[nodiscard]] double sign(Index j) const {
    Index row = 0;
    return entry(j, row);
  }

  /// S as a sparse matrix (for tests and small problems).
  [[nodiscard]] Eigen::SparseMatrix<double> materialize() const {
    return detail::sparse_sign_matrix(key_, rows(), cols(), 1);
  }

 private:
  friend class SketchOperator<CountSketch>;

  // The nonzero of column j: its row into `row`, its value returned.
  double entry(Index j, Index& row) const {
    check::that(j >= 0 && j < cols(), "iterum::sketch::CountSketch", "j",
                "must lie in [0, cols())");
    double value = 0.0;
    detail::sparse_sign_column(key_, rows(), 1, j, &row, &value);
    return value;
  }
  template <class Out>
  void add_dense(Index j0, const Eigen::Ref<const Matrix<double>>& block, Out& out) const {
    detail::sparse_sign_add_dense(key_, rows(), 1, j0, block, out);
  }
  template <class Out>
  void add_sparse(Index j0, const Eigen::SparseMatrix<double, Eigen::RowMajor>& block,
                  Out& out) const {
    detail::sparse_sign_add_sparse(key_, rows(), 1, j0, block, out);
  }

  std::uint64_t key_;
};

}  // namespace iterum::sketch
