#pragma once

/// @file operators.hpp
/// @brief Adapters that make Eigen matrices and plain callables models of
/// `iterum::LinearOperator`: `MatrixOperator` (aliases `DenseOperator`, `SparseOperator`),
/// `SymmetricSparseOperator`, `MatrixFreeOperator`, and `make_operator` / `matrix_free` to
/// build them.
///
/// The adapters hold a pointer to the matrix, never a copy: the matrix must outlive the
/// adapter (the rvalue overloads of `make_operator` are deleted so a temporary cannot bind).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// y = A x for an Eigen matrix `MatrixType`: a plain dense matrix (any storage order) or a
/// sparse matrix (row- or column-major). Models `DiagonalAccess` and `AdjointOperator`.
/// Preconditions: the matrix outlives the operator.
template <class MatrixType>
class MatrixOperator {
 public:
  using Scalar = typename MatrixType::Scalar;

  explicit MatrixOperator(const MatrixType& a) noexcept : a_(&a) {}

  [[nodiscard]] Index rows() const noexcept { return a_->rows(); }
  [[nodiscard]] Index cols() const noexcept { return a_->cols(); }
  void apply(const Eigen::Ref<const Vector<Scalar>>& x, Eigen::Ref<Vector<Scalar>> y) const {
    y.noalias() = *a_ * x;
  }
  /// x = A^T y (models `AdjointOperator`; the matrix may be rectangular).
  void apply_adjoint(const Eigen::Ref<const Vector<Scalar>>& y,
                     Eigen::Ref<Vector<Scalar>> x) const {
    x.noalias() = a_->transpose() * y;
  }
  [[nodiscard]] Vector<Scalar> diagonal() const { return a_->diagonal(); }
  [[nodiscard]] const MatrixType& matrix() const noexcept { return *a_; }

 private:
  const MatrixType* a_;
};

/// A `MatrixOperator` over a dense matrix.
template <class MatrixType>
using DenseOperator = MatrixOperator<MatrixType>;

/// A `MatrixOperator` over a sparse matrix.
template <class MatrixType>
using SparseOperator = MatrixOperator<MatrixType>;

/// y = A x for a sparse matrix the caller promises is symmetric. The product is taken in the
/// orientation that streams best: for column-major storage it computes A^T x (equal to A x by
/// symmetry) with a row-oriented kernel, which gathers instead of scattering (Eigen's
/// ConjugateGradient also multiplies by the transpose for `Lower|Upper`). Models
/// `DiagonalAccess`.
/// Preconditions: A is symmetric (not checked) and outlives the operator.
template <class MatrixType>
class SymmetricSparseOperator {
 public:
  using Scalar = typename MatrixType::Scalar;

  explicit SymmetricSparseOperator(const MatrixType& a) noexcept : a_(&a) {}

  [[nodiscard]] Index rows() const noexcept { return a_->rows(); }
  [[nodiscard]] Index cols() const noexcept { return a_->cols(); }
  void apply(const Eigen::Ref<const Vector<Scalar>>& x, Eigen::Ref<Vector<Scalar>> y) const {
    if (!a_->isCompressed()) {
      y.noalias() = a_->transpose() * x;
      return;
    }
    // Row-oriented kernel over the stored outer vectors (rows of a row-major matrix, columns
    // of a column-major one, which are the rows of A^T = A): one dot product per output
    // entry, written once, so no zeroing pass and no scattered updates.
    const auto* outer = a_->outerIndexPtr();
    const auto* inner = a_->innerIndexPtr();
    const Scalar* values = a_->valuePtr();
    const Scalar* xs = x.data();
    Scalar* ys = y.data();
    const Index n = a_->outerSize();
    for (Index j = 0; j < n; ++j) {
      Scalar sum(0);
      for (auto k = outer[j]; k < outer[j + 1]; ++k) sum += values[k] * xs[inner[k]];
      ys[j] = sum;
    }
  }
  [[nodiscard]] Vector<Scalar> diagonal() const { return a_->diagonal(); }
  [[nodiscard]] const MatrixType& matrix() const noexcept { return *a_; }

 private:
  const MatrixType* a_;
};

/// y = A x computed by a user callable `apply(x, y)` (y arrives sized `rows`). Models
/// `LinearOperator` (no diagonal: matrix-free operators use identity preconditioning unless
/// the user writes an operator type with a `diagonal()`).
template <class Scalar_, class F>
class MatrixFreeOperator {
 public:
  using Scalar = Scalar_;

  MatrixFreeOperator(Index rows, Index cols, F apply)
      : rows_(rows), cols_(cols), apply_(std::move(apply)) {
    check::nonnegative("iterum::linalg::matrix_free", "rows", static_cast<double>(rows));
    check::nonnegative("iterum::linalg::matrix_free", "cols", static_cast<double>(cols));
  }

  [[nodiscard]] Index rows() const noexcept { return rows_; }
  [[nodiscard]] Index cols() const noexcept { return cols_; }
  void apply(const Eigen::Ref<const Vector<Scalar>>& x, Eigen::Ref<Vector<Scalar>> y) const {
    apply_(x, y);
  }

 private:
  Index rows_;
  Index cols_;
  F apply_;
};

/// A `MatrixFreeOperator` over `apply(x, y)`, where x is `const Eigen::Ref<const Vector<S>>&`
/// and y is `Eigen::Ref<Vector<S>>`.
template <class Scalar, class F>
[[nodiscard]] MatrixFreeOperator<Scalar, F> matrix_free(Index rows, Index cols, F apply) {
  return MatrixFreeOperator<Scalar, F>(rows, cols, std::move(apply));
}

/// A `DenseOperator` viewing `a`.
template <class Derived>
[[nodiscard]] DenseOperator<Derived> make_operator(const Eigen::PlainObjectBase<Derived>& a) {
  return DenseOperator<Derived>(a.derived());
}
template <class Derived>
DenseOperator<Derived> make_operator(Eigen::PlainObjectBase<Derived>&&) = delete;

/// A `SparseOperator` viewing `a`.
template <class S, int Options, class StorageIndex>
[[nodiscard]] SparseOperator<Eigen::SparseMatrix<S, Options, StorageIndex>> make_operator(
    const Eigen::SparseMatrix<S, Options, StorageIndex>& a) {
  return SparseOperator<Eigen::SparseMatrix<S, Options, StorageIndex>>(a);
}
template <class S, int Options, class StorageIndex>
SparseOperator<Eigen::SparseMatrix<S, Options, StorageIndex>> make_operator(
    Eigen::SparseMatrix<S, Options, StorageIndex>&&) = delete;

namespace detail {

template <class T>
inline constexpr bool is_dense_matrix_v =
    std::is_base_of_v<Eigen::MatrixBase<std::remove_cvref_t<T>>, std::remove_cvref_t<T>>;

template <class T>
inline constexpr bool is_sparse_matrix_v =
    std::is_base_of_v<Eigen::SparseMatrixBase<std::remove_cvref_t<T>>, std::remove_cvref_t<T>>;

/// What a facade accepts as "A": an Eigen dense or sparse matrix, or a LinearOperator.
template <class T>
inline constexpr bool is_operator_like_v =
    is_dense_matrix_v<T> || is_sparse_matrix_v<T> || LinearOperator<std::remove_cvref_t<T>>;

/// Whether a facade may assume its matrix is symmetric (CG may; a general solver may not).
enum class Symmetry { General, Symmetric };

/// Calls `f(op)` with a LinearOperator view of `a`: Eigen expressions are evaluated into a
/// temporary that lives for the call, plain matrices are viewed in place, and user operators
/// are passed through. Sparse matrices declared `Symmetric` get a `SymmetricSparseOperator`.
template <Symmetry symmetry = Symmetry::General, class A, class F>
auto with_operator(const A& a, F&& f) {
  if constexpr (is_dense_matrix_v<A>) {
    if constexpr (std::is_base_of_v<Eigen::PlainObjectBase<A>, A>) {
      return std::forward<F>(f)(DenseOperator<A>(a));
    } else {
      const typename A::PlainObject evaluated = a;
      return std::forward<F>(f)(DenseOperator<typename A::PlainObject>(evaluated));
    }
  } else if constexpr (is_sparse_matrix_v<A>) {
    using Plain =
        Eigen::SparseMatrix<typename A::Scalar, A::IsRowMajor ? Eigen::RowMajor : Eigen::ColMajor,
                            typename A::StorageIndex>;
    using View = std::conditional_t<symmetry == Symmetry::Symmetric, SymmetricSparseOperator<Plain>,
                                    SparseOperator<Plain>>;
    if constexpr (std::is_same_v<A, Plain>) {
      return std::forward<F>(f)(View(a));
    } else {
      const Plain evaluated = a;
      return std::forward<F>(f)(View(evaluated));
    }
  } else {
    return std::forward<F>(f)(a);
  }
}

/// Checks that every stored entry of an Eigen matrix is finite; user operators are opaque.
template <class A>
void check_matrix_finite(std::string_view function, std::string_view argument, const A& a) {
  if constexpr (is_dense_matrix_v<A>) {
    check::all_finite(function, argument, a.eval());
  } else if constexpr (is_sparse_matrix_v<A>) {
    using Plain =
        Eigen::SparseMatrix<typename A::Scalar, A::IsRowMajor ? Eigen::RowMajor : Eigen::ColMajor,
                            typename A::StorageIndex>;
    if constexpr (std::is_same_v<A, Plain>) {
      check::all_finite(function, argument, a);
    } else {
      check::all_finite(function, argument, Plain(a));
    }
  }
}

}  // namespace detail
}  // namespace iterum::linalg
