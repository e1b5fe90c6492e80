#pragma once

/// @file sketch_operator.hpp
/// @brief `sketch::SketchOperator<Derived>`: the shared front of every sketch (shape, seed,
/// argument checks, and the `apply` / `apply_columns` overloads of the `Sketch` concept) over the
/// two kernels each sketch implements.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::sketch {

/// The common front of the sketch operators (a CRTP base): a d x m sketch S applied to tall
/// data. `Derived` supplies, as members this base may call,
///   `add_dense(j0, block, out)`: out += S(:, j0 : j0 + block.rows()) * block for a dense
///   column-major block (`Eigen::Ref<const Matrix<double>>`, out a d x block.cols()
///   `Eigen::Ref<Matrix<double>>`);
///   `add_sparse(j0, block, out)`: the same for a row-major sparse block;
///   `static constexpr std::string_view name` (e.g. `"iterum::sketch::SparseSign"`).
/// Every `apply` checks shapes (`iterum::invalid_argument` naming `A`, `x` or `j0`), not the
/// values: a NaN in A gives NaN entries in S A.
template <class Derived>
class SketchOperator {
 public:
  /// d, the number of rows of S (the sketch size).
  [[nodiscard]] Index rows() const noexcept { return rows_; }
  /// m, the number of columns of S (the number of rows of the data it sketches).
  [[nodiscard]] Index cols() const noexcept { return cols_; }
  /// The seed every entry of S is a function of.
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

  /// S A for a dense m x n A (d x n), or S x for a vector x of length m (a vector of length d).
  template <class MatrixDerived>
  [[nodiscard]] auto apply(const Eigen::MatrixBase<MatrixDerived>& a) const {
    check_rows(a.rows(), MatrixDerived::ColsAtCompileTime == 1 ? "x" : "A");
    if constexpr (MatrixDerived::ColsAtCompileTime == 1) {
      Vector<double> y = Vector<double>::Zero(rows_);
      const Vector<double>& x = a.derived();  // a plain vector binds, an expression is evaluated
      const Eigen::Map<const Matrix<double>> block(x.data(), x.size(), 1);
      Eigen::Map<Matrix<double>> out(y.data(), rows_, 1);
      derived().add_dense(0, block, out);
      return y;
    } else {
      return apply_columns(0, a);
    }
  }

  /// S A for a sparse m x n A (d x n, dense).
  template <class SparseDerived>
  [[nodiscard]] Matrix<double> apply(const Eigen::SparseMatrixBase<SparseDerived>& a) const {
    check_rows(a.rows(), "A");
    return apply_columns(0, a);
  }

  /// S(:, j0 : j0 + B.rows()) B: the share of S A that the rows j0, ..., j0 + B.rows() - 1 of A
  /// contribute (B is that block of rows). Summing the shares of a partition of the rows of A
  /// gives S A; each share needs only its own columns of S.
  template <class MatrixDerived>
  [[nodiscard]] Matrix<double> apply_columns(Index j0,
                                             const Eigen::MatrixBase<MatrixDerived>& block) const {
    check_block(j0, block.rows());
    Matrix<double> out = Matrix<double>::Zero(rows_, block.cols());
    const Eigen::Ref<const Matrix<double>> ref(block.derived());
    derived().add_dense(j0, ref, out);
    return out;
  }

  /// `apply_columns` for a sparse block (row-major internally: a column-major block is copied).
  template <class SparseDerived>
  [[nodiscard]] Matrix<double> apply_columns(
      Index j0, const Eigen::SparseMatrixBase<SparseDerived>& block) const {
    check_block(j0, block.rows());
    Matrix<double> out = Matrix<double>::Zero(rows_, block.cols());
    if constexpr (std::is_same_v<typename SparseDerived::PlainObject,
                                 Eigen::SparseMatrix<double, Eigen::RowMajor>> &&
                  std::is_same_v<SparseDerived, typename SparseDerived::PlainObject>) {
      derived().add_sparse(j0, block.derived(), out);
    } else {
      const Eigen::SparseMatrix<double, Eigen::RowMajor> row_major = block.derived();
      derived().add_sparse(j0, row_major, out);
    }
    return out;
  }

 protected:
  SketchOperator(Index rows, Index cols, std::uint64_t seed)
      : rows_(rows), cols_(cols), seed_(seed) {
    check_size(rows, "rows");
    check_size(cols, "cols");
  }

 private:
  [[nodiscard]] const Derived& derived() const noexcept {
    return static_cast<const Derived&>(*this);
  }

  static void check_size(Index value, std::string_view argument) {
    if (value < 1) {
      check::fail(Derived::name, argument, "must be at least 1",
                  check::text(static_cast<long long>(value)));
    }
  }

  void check_rows(Index rows, std::string_view argument) const {
    check::size(std::string(Derived::name) + "::apply", argument, rows, cols_,
                "must have as many rows as the sketch has columns");
  }

  void check_block(Index j0, Index block_rows) const {
    const std::string function = std::string(Derived::name) + "::apply_columns";
    if (j0 < 0 || j0 > cols_) {
      check::fail(function, "j0",
                  "must lie in [0, " + check::text(static_cast<long long>(cols_)) + "]",
                  check::text(static_cast<long long>(j0)));
    }
    if (block_rows > cols_ - j0) {
      check::fail(function, "block",
                  "must have at most cols() - j0 (" +
                      check::text(static_cast<long long>(cols_ - j0)) + ") rows",
                  check::text(static_cast<long long>(block_rows)));
    }
  }

  Index rows_;
  Index cols_;
  std::uint64_t seed_;
};

}  // namespace iterum::sketch
