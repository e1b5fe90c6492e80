#pragma once

/// @file least_squares_sum.hpp
/// @brief `LeastSquaresSum`: the gradient of a least-squares loss as a `FiniteSum` of its rows,
/// the standard cocoercive finite sum.
///
///   F_i(x) = a_i (a_i^T x - b_i),   F(x) = (1/n) sum_i F_i(x) = (1/n) A^T (A x - b),
///
/// the gradient of (1/2n) ||A x - b||^2; its zeros are the least-squares solutions. Each F_i is
/// (1/||a_i||^2)-cocoercive, and F is "cocoercive on average" with L = max_i ||a_i||^2:
/// E_i ||F_i(u) - F_i(v)||^2 <= L <F(u) - F(v), u - v> (`lipschitz()`), the constant the
/// variance-reduced Halpern method's step is set from (Cai, Alacaoglu & Diakonikolas, ICLR 2024,
/// Assumption on the components; test problem P2 of docs/fixed_point.md). F itself is
/// (1/L_F)-cocoercive with L_F = ||A||_2^2 / n <= L (`full_lipschitz()`), the constant of the
/// deterministic methods.

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// Rows of a least-squares problem as a `FiniteSum` (no resolvent: unconstrained).
template <class S = double>
class LeastSquaresSum {
 public:
  using Scalar = S;
  using RowMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  /// @throws iterum::invalid_argument for an empty A, a size mismatch or non-finite data.
  LeastSquaresSum(const Eigen::Ref<const Matrix<Scalar>>& a,
                  const Eigen::Ref<const Vector<Scalar>>& b)
      : a_(a), b_(b), residual_(a.rows()) {
    constexpr std::string_view function = "iterum::fixed_point::LeastSquaresSum";
    check::not_empty(function, "A", a.size());
    check::size(function, "b", b.size(), a.rows(), "must have as many entries as A has rows");
    check::all_finite(function, "A", a);
    check::all_finite(function, "b", b);
  }

  [[nodiscard]] Index size() const noexcept { return a_.rows(); }
  [[nodiscard]] Index dim() const noexcept { return a_.cols(); }

  /// out = a_i (a_i^T x - b_i).
  void component(Index i, const Vector<Scalar>& x, Vector<Scalar>& out) const {
    out = (a_.row(i).dot(x) - b_[i]) * a_.row(i).transpose();
  }
  /// acc += scale a_i (a_i^T x - b_i).
  void add_component(Index i, const Vector<Scalar>& x, Scalar scale, Vector<Scalar>& acc) const {
    acc += (scale * (a_.row(i).dot(x) - b_[i])) * a_.row(i).transpose();
  }
  /// out = (1/n) A^T (A x - b): two products instead of n rank-one terms.
  void evaluate(const Vector<Scalar>& x, Vector<Scalar>& out) const {
    residual_.noalias() = a_ * x;
    residual_ -= b_;
    out.noalias() = a_.transpose() * residual_;
    out /= static_cast<Scalar>(a_.rows());
  }

  /// L = max_i ||a_i||^2: the on-average cocoercivity constant (see the file comment).
  [[nodiscard]] Scalar lipschitz() const { return a_.rowwise().squaredNorm().maxCoeff(); }
  /// L_i = ||a_i||^2: component i is (1/L_i)-cocoercive (and L_i-Lipschitz); the optional
  /// `FiniteSum` member that importance sampling draws by (component_sampler.hpp), whose
  /// constant L_Q = mean_i ||a_i||^2 = ||A||_F^2 / n is at most `lipschitz()`.
  [[nodiscard]] Scalar component_lipschitz(Index i) const { return a_.row(i).squaredNorm(); }
  /// L_F = ||A||_2^2 / n, the Lipschitz (and inverse cocoercivity) constant of F, from the
  /// largest eigenvalue of A^T A / n (a dim x dim eigenproblem).
  [[nodiscard]] Scalar full_lipschitz() const {
    const Matrix<Scalar> gram = (a_.transpose() * a_) / static_cast<Scalar>(a_.rows());
    Eigen::SelfAdjointEigenSolver<Matrix<Scalar>> eig(gram, Eigen::EigenvaluesOnly);
    return eig.eigenvalues().maxCoeff();
  }

  [[nodiscard]] const RowMatrix& matrix() const noexcept { return a_; }
  [[nodiscard]] const Vector<Scalar>& rhs() const noexcept { return b_; }

 private:
  RowMatrix a_;
  Vector<Scalar> b_;
  mutable Vector<Scalar> residual_;
};

}  // namespace iterum::fixed_point
