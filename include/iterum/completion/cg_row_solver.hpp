#pragma once

/// @file cg_row_solver.hpp
/// @brief `completion::CgRowSolver`: warm-started, Jacobi-preconditioned conjugate gradients on
/// each row's normal equations, to the accuracy the method asks for.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "iterum/completion/detail/row_pcg.hpp"
#include "iterum/completion/detail/small_kernels.hpp"
#include "iterum/completion/row_solver.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::completion {

/// Conjugate gradients on H x = a b (H = a a^T + diag(ridge)) from the previous solution, as
/// implicit-feedback ALS does (Takacs, Pilaszy & Tikk, RecSys 2011), with the Jacobi
/// preconditioner diag(H). It stops once ||a b - H x|| <= tol ||a b||, where tol is the
/// method's adaptive accuracy (`RowSystem::tolerance`) unless `tolerance` fixes it, or after
/// `max_steps` steps. Cost per step: 2 count p multiply-adds (one fused pass over a), no Gram
/// matrix. Breakdown (a non-positive or non-finite curvature p^T H p) ends the solve with the last
/// iterate, which is never worse than the warm start.
struct CgRowSolver {
  struct Params {
    /// Steps per solve; unset: 2 p (in exact arithmetic CG ends in p).
    std::optional<Index> max_steps{};
    /// A fixed relative tolerance instead of the method's adaptive one (0: run max_steps).
    std::optional<double> tolerance{};
    /// Precondition with diag(H).
    bool jacobi = true;

    void validate(std::string_view function = "iterum::completion::CgRowSolver::Params") const {
      if (max_steps) check::positive(function, "max_steps", static_cast<double>(*max_steps));
      if (tolerance) {
        check::nonnegative(function, "tolerance", *tolerance);
        check::finite(function, "tolerance", *tolerance);
      }
    }
  };

  struct Workspace {
    detail::PcgVectors pcg;
    Vector<double> diag;
    Matrix<double> packed;  ///< a copy of a when its columns are not contiguous
  };

  CgRowSolver() = default;
  explicit CgRowSolver(Params p) : params_(p) { params_.validate(); }

  [[nodiscard]] const Params& params() const noexcept { return params_; }

  [[nodiscard]] Workspace workspace(Index p, Index max_count) const {
    return {detail::PcgVectors(p), Vector<double>(p),
            Matrix<double>(p, std::max<Index>(max_count, 1))};
  }

  RowSolveStats solve(const RowSystem& sys, Eigen::Ref<Vector<double>> x, Workspace& w) const {
    const Index p = x.size();
    const Index count = sys.b.size();
    const double* a = detail::contiguous_columns(sys.a, w.packed);
    w.diag.setOnes();
    if (params_.jacobi) {
      w.diag = sys.ridge;
      for (Index t = 0; t < count; ++t) {
        const double* at = a + t * p;
        for (Index l = 0; l < p; ++l) w.diag[l] += at[l] * at[l];
      }
      for (Index l = 0; l < p; ++l) w.diag[l] = w.diag[l] > 0.0 ? 1.0 / w.diag[l] : 1.0;
    }
    const double tol = params_.tolerance ? *params_.tolerance : sys.tolerance;
    const Index steps = params_.max_steps ? *params_.max_steps : 2 * p;
    return detail::row_pcg(
        a, count, sys, x, tol, steps, w.pcg,
        [&](const Vector<double>& r, Vector<double>& z) { z = w.diag.cwiseProduct(r); });
  }

 private:
  Params params_{};
};

}  // namespace iterum::completion
