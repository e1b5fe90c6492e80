#pragma once

/// @file triangular_preconditioner.hpp
/// @brief `TriangularPreconditioner`: the right preconditioner R^{-1} of an upper triangular R
/// (e.g. the R factor of a sketch S A = Q R), for least-squares solvers that iterate on A R^{-1}.

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::linalg {

/// x = R^{-1} y and its adjoint y = R^{-T} x for an n by n upper triangular R with a finite,
/// nonzero diagonal (only the upper triangle is read). Models `AdjointOperator` (the operator is
/// R^{-1}), which is what `linalg::lsqr` takes as a right preconditioner.
template <class Scalar_>
class TriangularPreconditioner {
 public:
  using Scalar = Scalar_;

  /// Copies the upper triangle of `r`; throws `iterum::invalid_argument` when `r` is not square,
  /// is empty, or has a zero or non-finite entry on or above its diagonal.
  explicit TriangularPreconditioner(Matrix<Scalar> r) : r_(std::move(r)) {
    constexpr std::string_view function = "iterum::linalg::TriangularPreconditioner";
    check::not_empty(function, "R", r_.rows());
    check::square(function, "R", r_.rows(), r_.cols());
    const Matrix<Scalar> upper = r_.template triangularView<Eigen::Upper>();
    check::all_finite(function, "R", upper);
    for (Index i = 0; i < r_.rows(); ++i) {
      if (r_(i, i) == Scalar(0)) {
        check::fail(function, "R",
                    "must have a nonzero diagonal, but entry (" + std::to_string(i) + ", " +
                        std::to_string(i) + ") is 0",
                    {});
      }
    }
  }

  [[nodiscard]] Index rows() const noexcept { return r_.rows(); }
  [[nodiscard]] Index cols() const noexcept { return r_.cols(); }

  /// x = R^{-1} y (back substitution).
  void apply(const Eigen::Ref<const Vector<Scalar>>& y, Eigen::Ref<Vector<Scalar>> x) const {
    x = y;
    r_.template triangularView<Eigen::Upper>().solveInPlace(x);
  }

  /// y = R^{-T} x (forward substitution).
  void apply_adjoint(const Eigen::Ref<const Vector<Scalar>>& x,
                     Eigen::Ref<Vector<Scalar>> y) const {
    y = x;
    r_.transpose().template triangularView<Eigen::Lower>().solveInPlace(y);
  }

  /// The factor R (upper triangle meaningful).
  [[nodiscard]] const Matrix<Scalar>& factor() const noexcept { return r_; }

 private:
  Matrix<Scalar> r_;
};

}  // namespace iterum::linalg
