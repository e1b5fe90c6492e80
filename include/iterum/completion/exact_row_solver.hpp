#pragma once

/// @file exact_row_solver.hpp
/// @brief `completion::ExactRowSolver`: each row's normal equations formed by a symmetric rank
/// update and solved by Cholesky, the classic ALS step.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "iterum/completion/detail/small_kernels.hpp"
#include "iterum/completion/row_solver.hpp"
#include "iterum/core/types.hpp"

namespace iterum::completion {

/// Solves each row exactly: the lower triangle of H = a a^T + diag(ridge), then Cholesky. Cost
/// per row: count p^2 / 2 + p^3 / 6 multiply-adds. When H is singular
/// (fewer than p observations and no ridge), a safeguard ridge of 1e-12 trace(H) / p is added
/// (`RowSolveStats::regularized`); when even that fails, x is kept (`failed`).
struct ExactRowSolver {
  struct Workspace {
    Matrix<double> h;
    Vector<double> rhs;
    Matrix<double> packed;  ///< a copy of a when its columns are not contiguous
  };

  [[nodiscard]] Workspace workspace(Index p, Index max_count) const {
    return {Matrix<double>(p, p), Vector<double>(p),
            Matrix<double>(p, std::max<Index>(max_count, 1))};
  }

  RowSolveStats solve(const RowSystem& sys, Eigen::Ref<Vector<double>> x, Workspace& w) const {
    RowSolveStats stats;
    const Index p = x.size();
    const Index count = sys.b.size();
    const double* a = detail::contiguous_columns(sys.a, w.packed);
    double* h = w.h.data();
    auto form = [&](double shift) {
      detail::gram_lower(a, count, p, h);
      for (Index l = 0; l < p; ++l) h[l * p + l] += sys.ridge[l] + shift;
    };
    form(0.0);
    double trace = 0.0;
    for (Index l = 0; l < p; ++l) trace += h[l * p + l];
    detail::design_times(a, count, p, sys.b.data(), w.rhs.data());
    if (!detail::cholesky_lower(h, p)) {
      const double shift =
          trace > 0.0 && std::isfinite(trace) ? 1e-12 * trace / static_cast<double>(p) : 1e-300;
      form(shift);
      stats.regularized = true;
      if (!detail::cholesky_lower(h, p)) {
        stats.failed = true;
        return stats;
      }
    }
    x = w.rhs;
    detail::cholesky_solve(h, p, x.data());
    return stats;
  }
};

}  // namespace iterum::completion
