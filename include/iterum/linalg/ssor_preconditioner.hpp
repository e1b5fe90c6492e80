#pragma once

/// @file ssor_preconditioner.hpp
/// @brief `SsorPreconditioner`: symmetric SOR, M = (D + w L) D^{-1} (D + w U) / (w (2 - w)),
/// for conjugate gradient on symmetric positive definite systems (Eigen has none).

#include <Eigen/Core>
#include <string_view>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/relaxation.hpp"

namespace iterum::linalg {

/// The SSOR preconditioner (Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed.,
/// Sec. 10.2.1; the preconditioner of Khodak et al., arXiv 2310.02246, Sec. 5). For symmetric A
/// with a positive diagonal and 0 < w < 2, M is symmetric positive definite, so CG applies.
/// Models `Preconditioner` for every operator with a `matrix()` (the `MatrixOperator` and
/// `SymmetricSparseOperator` views of Eigen matrices): `compute` keeps a compressed row-major
/// copy and the diagonal positions, `apply` is one forward and one backward sweep over the CSR
/// arrays with no allocation.
template <class Scalar>
class SsorPreconditioner {
 public:
  /// Throws `iterum::invalid_argument` unless 0 < omega < 2.
  explicit SsorPreconditioner(double omega = 1.0) { set_omega(omega); }

  /// Sets w for the following applications (no recomputation needed).
  void set_omega(double omega) {
    detail::check_omega("iterum::linalg::SsorPreconditioner::set_omega", "omega", omega);
    omega_ = static_cast<Scalar>(omega);
  }
  [[nodiscard]] double omega() const noexcept { return static_cast<double>(omega_); }

  /// Copies the matrix behind `a` into CSR storage and locates its diagonal; throws
  /// `iterum::invalid_argument` for a missing, zero or non-finite diagonal entry (keeping the
  /// previous set-up).
  template <class Op>
  requires requires(const Op& op) { op.matrix(); }
  void compute(const Op& a) {
    detail::CsrMatrix<Scalar> csr = detail::to_csr(a.matrix());
    detail::CsrDiagonal<Scalar> diagonal;
    diagonal.prepare(csr, "iterum::linalg::SsorPreconditioner::compute", "A");
    csr_ = std::move(csr);
    diagonal_ = std::move(diagonal);
  }

  /// z = M^{-1} r.
  void apply(const Eigen::Ref<const Vector<Scalar>>& r, Eigen::Ref<Vector<Scalar>> z) const {
    (void)apply_dot(r, z);
  }

  /// z = M^{-1} r and r . z, in the same two sweeps.
  [[nodiscard]] Scalar apply_dot(const Eigen::Ref<const Vector<Scalar>>& r,
                                 Eigen::Ref<Vector<Scalar>> z) const {
    return detail::ssor_solve_dot(csr_, diagonal_, r.data(), z.data(), omega_);
  }

 private:
  detail::CsrMatrix<Scalar> csr_;
  detail::CsrDiagonal<Scalar> diagonal_;
  Scalar omega_ = 1;
};

}  // namespace iterum::linalg
