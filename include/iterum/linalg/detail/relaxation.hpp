#pragma once

/// @file relaxation.hpp
/// @brief Internals shared by SOR (`sor.hpp`) and the SSOR preconditioner
/// (`ssor_preconditioner.hpp`): the compressed row-major (CSR) copy of a matrix operand, the
/// position of every diagonal entry inside the CSR arrays, and the three kernels that read those
/// arrays directly: the forward SOR sweep, the residual norm, and the SSOR solve M z = r.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg::detail {

/// Throws unless 0 < omega < 2: where SOR converges and the SSOR preconditioner is SPD for SPD
/// A (Ostrowski-Reich).
inline void check_omega(std::string_view function, std::string_view argument, double omega) {
  check::in_range(function, argument, omega, 0.0, 2.0, check::Bound::Open, check::Bound::Open);
}

/// The storage every relaxation kernel reads: compressed, row-major, int indices.
template <class Scalar>
using CsrMatrix = Eigen::SparseMatrix<Scalar, Eigen::RowMajor, int>;

/// A compressed row-major copy of an Eigen dense matrix or sparse matrix (or expression). Only
/// exact zeros of a dense matrix are dropped.
template <class A>
[[nodiscard]] CsrMatrix<typename A::Scalar> to_csr(const A& a) {
  CsrMatrix<typename A::Scalar> out;
  if constexpr (is_dense_matrix_v<A>) {
    out = a.sparseView();
  } else {
    out = a;
  }
  out.makeCompressed();
  return out;
}

/// Where the diagonal of a CSR matrix sits, and its inverse. `prepare` throws
/// `iterum::invalid_argument` (naming `function` and `argument`) when a diagonal entry is
/// missing, zero or not finite, since every relaxation divides by it.
template <class Scalar>
class CsrDiagonal {
 public:
  void prepare(const CsrMatrix<Scalar>& a, std::string_view function, std::string_view argument) {
    check::square(function, argument, a.rows(), a.cols());
    const Index n = a.rows();
    std::vector<int> position(static_cast<std::size_t>(n), -1);
    Vector<Scalar> inverse(n);
    const int* outer = a.outerIndexPtr();
    const int* inner = a.innerIndexPtr();
    const Scalar* values = a.valuePtr();
    for (Index i = 0; i < n; ++i) {
      Scalar d(0);
      for (int k = outer[i]; k < outer[i + 1]; ++k) {
        if (inner[k] == i) {
          position[static_cast<std::size_t>(i)] = k;
          d = values[k];
        }
      }
      const auto value = static_cast<double>(d);
      if (!(value != 0) || !std::isfinite(value)) {
        check::fail(function, argument,
                    "must have a nonzero finite diagonal, but diagonal entry " + std::to_string(i) +
                        " is not",
                    check::text(value));
      }
      inverse[i] = Scalar(1) / d;
    }
    position_ = std::move(position);
    inverse_ = std::move(inverse);
  }

  /// Index into the CSR value/inner arrays of A_ii.
  [[nodiscard]] const std::vector<int>& position() const noexcept { return position_; }
  /// 1 / A_ii.
  [[nodiscard]] const Vector<Scalar>& inverse() const noexcept { return inverse_; }
  [[nodiscard]] Index size() const noexcept { return inverse_.size(); }

 private:
  std::vector<int> position_;
  Vector<Scalar> inverse_;
};

/// For i = 0..n-1: s = b_i - sum_j a_ij x_j over row i of the CSR arrays, with x as it is at
/// that moment, then `row(i, s)` (which may update x_i: that is a Gauss-Seidel sweep).
template <class Scalar, class Row>
void for_each_row_residual(const CsrMatrix<Scalar>& a, const Scalar* b, const Scalar* x,
                           Row&& row) noexcept {
  const int* outer = a.outerIndexPtr();
  const int* inner = a.innerIndexPtr();
  const Scalar* values = a.valuePtr();
  const Index n = a.rows();
  for (Index i = 0; i < n; ++i) {
    Scalar s = b[i];
    for (int k = outer[i]; k < outer[i + 1]; ++k) s -= values[k] * x[inner[k]];
    row(i, s);
  }
}

/// One forward SOR sweep in place (Khodak et al., arXiv 2310.02246, Sec. 2: x <- x + (D/w +
/// L)^{-1} (b - A x), which is the classical Young sweep), written in residual form: for
/// i = 0..n-1, s = b_i - sum_j a_ij x_j over the whole row with the current (partly updated) x,
/// then x_i += w s / a_ii. This equals x_i <- (1 - w) x_i + w (b_i - sum_{j != i} a_ij x_j) /
/// a_ii, and needs no branch on the diagonal inside the row. No allocation.
template <class Scalar>
void sor_forward_sweep(const CsrMatrix<Scalar>& a, const CsrDiagonal<Scalar>& diagonal,
                       const Scalar* b, Scalar* x, Scalar omega) noexcept {
  const Scalar* inverse = diagonal.inverse().data();
  for_each_row_residual(a, b, x, [&](Index i, Scalar s) { x[i] += omega * s * inverse[i]; });
}

/// ||(b - A x) / scale||^2, straight from the CSR arrays: with scale near the size of b's
/// entries the squares neither underflow (b = 1e-200) nor overflow (b = 1e300). No allocation.
template <class Scalar>
[[nodiscard]] Scalar csr_residual_norm2(const CsrMatrix<Scalar>& a, const Scalar* b,
                                        const Scalar* x, Scalar scale = Scalar(1)) noexcept {
  const Scalar inverse_scale = Scalar(1) / scale;
  Scalar sum(0);
  for_each_row_residual(a, b, x, [&](Index, Scalar s) {
    const Scalar t = s * inverse_scale;
    sum += t * t;
  });
  return sum;
}

/// z = M^{-1} r for the SSOR preconditioner M = (D + w L) D^{-1} (D + w U) / (w (2 - w))
/// (Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed., Sec. 10.2.1, eq. 10.13;
/// Khodak et al., arXiv 2310.02246, Sec. 5 uses the same M with the factors in the transposed
/// order, which for symmetric A has the same spectrum). Forward solve (D + w L) y = w (2 - w) r
/// into z, then backward solve (D + w U) z = D y in place; returns r . z, accumulated in the
/// backward pass. Inner indices must be sorted within each row (Eigen's compressed storage
/// keeps them sorted), so the strict lower part of row i ends just before the diagonal entry.
/// No allocation.
template <class Scalar>
Scalar ssor_solve_dot(const CsrMatrix<Scalar>& a, const CsrDiagonal<Scalar>& diagonal,
                      const Scalar* r, Scalar* z, Scalar omega) noexcept {
  const int* outer = a.outerIndexPtr();
  const int* inner = a.innerIndexPtr();
  const Scalar* values = a.valuePtr();
  const Scalar* inverse = diagonal.inverse().data();
  const int* position = diagonal.position().data();
  const Index n = a.rows();
  const Scalar scale = omega * (Scalar(2) - omega);
  for (Index i = 0; i < n; ++i) {
    Scalar s = scale * r[i];
    for (int k = outer[i]; k < position[i]; ++k) s -= omega * values[k] * z[inner[k]];
    z[i] = s * inverse[i];
  }
  Scalar dot(0);
  for (Index i = n - 1; i >= 0; --i) {
    Scalar s(0);
    for (int k = position[i] + 1; k < outer[i + 1]; ++k) s += values[k] * z[inner[k]];
    z[i] -= omega * s * inverse[i];
    dot += r[i] * z[i];
  }
  return dot;
}

}  // namespace iterum::linalg::detail
