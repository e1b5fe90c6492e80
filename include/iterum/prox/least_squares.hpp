#pragma once

/// @file least_squares.hpp
/// @brief `prox::LeastSquares`, the proximal map of a least-squares term. Models
/// `iterum::ProxOperator`.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::prox {

/// prox of gamma f for f(x) = 1/2 ||A x - b||^2:
/// out = (I + gamma A^T A)^{-1} (v + gamma A^T b), by a Cholesky factorization computed once.
template <class Scalar>
class LeastSquares {
 public:
  LeastSquares(const Matrix<Scalar>& a, const Vector<Scalar>& b, Scalar gamma) {
    constexpr std::string_view function = "iterum::prox::LeastSquares";
    check::not_empty(function, "A", a.size());
    check::size(function, "b", b.size(), a.rows(), "must have as many entries as A has rows");
    check::all_finite(function, "A", a);
    check::all_finite(function, "b", b);
    check::positive(function, "gamma", static_cast<double>(gamma));
    check::finite(function, "gamma", static_cast<double>(gamma));
    Matrix<Scalar> m = gamma * (a.transpose() * a);
    m.diagonal().array() += Scalar(1);
    llt_.compute(m);
    shift_ = gamma * (a.transpose() * b);
  }
  void operator()(const Vector<Scalar>& v, Vector<Scalar>& out) const {
    out = v + shift_;
    llt_.solveInPlace(out);
  }
  [[nodiscard]] Index dim() const noexcept { return shift_.size(); }

 private:
  Eigen::LLT<Matrix<Scalar>> llt_;
  Vector<Scalar> shift_;
};

}  // namespace iterum::prox
