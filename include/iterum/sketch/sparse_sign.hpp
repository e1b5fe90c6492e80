#pragma once

/// @file sparse_sign.hpp
/// @brief `sketch::SparseSign`: the sparse sign embedding (OSNAP / SJLT), `zeta` nonzeros
/// +-1/sqrt(zeta) per column, applied in O(zeta nnz(A)).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/counter_stream.hpp"
#include "iterum/sketch/detail/sparse_columns.hpp"
#include "iterum/sketch/sketch_operator.hpp"

namespace iterum::sketch {

/// A d x m sparse sign sketch: every column has `zeta` nonzeros at distinct rows drawn
/// uniformly, each +1/sqrt(zeta) or -1/sqrt(zeta) with equal probability, independently across
/// columns, so E[S^T S] = I. Nelson & Nguyen's OSNAP (arXiv 1211.1002) and Kane & Nelson's
/// sparser JL transform (arXiv 1012.1577); the least-squares default of Epperly, Meier &
/// Nakatsukasa's stable solvers (arXiv 2406.03468, zeta = 8). Column j is a pure function of
/// (seed, j). Applying it to a dense m x n A costs about 2 zeta m n flops and never forms S.
class SparseSign : public SketchOperator<SparseSign> {
 public:
  static constexpr std::string_view name = "iterum::sketch::SparseSign";
  /// Nonzeros per column when none is given (capped at d): the practitioners' choice.
  static constexpr Index default_zeta = 8;

  /// A `rows` x `cols` sketch (rows = d >= 1, cols = m >= 1) with `zeta` nonzeros per column,
  /// 1 <= zeta <= d; unset: min(8, d). Throws `iterum::invalid_argument` naming `rows`, `cols`
  /// or `zeta`.
  SparseSign(Index rows, Index cols, std::uint64_t seed, std::optional<Index> zeta = std::nullopt)
      : SketchOperator<SparseSign>(rows, cols, seed),
        zeta_(zeta.value_or(std::min<Index>(default_zeta, rows))),
        key_(detail::stream_key(seed, detail::sparse_sign_tag)) {
    if (zeta_ < 1 || zeta_ > rows) {
      check::fail(name, "zeta",
                  "must lie in [1, rows] = [1, " + check::text(static_cast<long long>(rows)) + "]",
                  check::text(static_cast<long long>(zeta_)));
    }
  }

  /// Nonzeros per column.
  [[nodiscard]] Index zeta() const noexcept { return zeta_; }

  /// The nonzeros of column j (0 <= j < cols()): their rows (distinct, in generation order) and
  /// values; both spans must have `zeta()` entries.
  void column(Index j, std::span<Index> rows_out, std::span<double> values_out) const {
    check::that(j >= 0 && j < cols(), "iterum::sketch::SparseSign::column", "j",
                "must lie in [0, cols())");
    check::that(static_cast<Index>(rows_out.size()) == zeta_ &&
                    static_cast<Index>(values_out.size()) == zeta_,
                "iterum::sketch::SparseSign::column", "rows_out",
                "and values_out must have zeta() entries");
    detail::sparse_sign_column(key_, rows(), zeta_, j, rows_out.data(), values_out.data());
  }

  /// S as a sparse matrix (for tests and small problems).
  [[nodiscard]] Eigen::SparseMatrix<double> materialize() const {
    return detail::sparse_sign_matrix(key_, rows(), cols(), zeta_);
  }

 private:
  friend class SketchOperator<SparseSign>;

  template <class Out>
  void add_dense(Index j0, const Eigen::Ref<const Matrix<double>>& block, Out& out) const {
    detail::sparse_sign_add_dense(key_, rows(), zeta_, j0, block, out);
  }
  template <class Out>
  void add_sparse(Index j0, const Eigen::SparseMatrix<double, Eigen::RowMajor>& block,
                  Out& out) const {
    detail::sparse_sign_add_sparse(key_, rows(), zeta_, j0, block, out);
  }

  Index zeta_;
  std::uint64_t key_;
};

}  // namespace iterum::sketch
