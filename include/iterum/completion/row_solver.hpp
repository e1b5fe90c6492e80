#pragma once

/// @file row_solver.hpp
/// @brief `completion::RowSystem`, `RowSolveStats` and the `RowSolver` concept: the per-row
/// regularized least-squares problem of an alternating-minimization half-step, and what a
/// solver of it provides.

#include <Eigen/Core>
#include <concepts>
#include <cstdint>

#include "iterum/core/types.hpp"

namespace iterum::completion {

/// One row's (or column's) problem in a half-step:
///
///     minimize over x in R^p:  1/2 sum_t (b_t - a_t^T x)^2 + 1/2 sum_l ridge_l x_l^2,
///
/// where a_t (column t of `a`, p x count) is the fixed factor's vector for observation t
/// (p = rank, or rank + 1 with a leading 1 when biases are fitted) and b_t its target. The
/// normal equations are H x = a b with H = a a^T + diag(ridge).
struct RowSystem {
  Eigen::Ref<const Matrix<double>> a;      ///< p x count, one column per observation
  Eigen::Ref<const Vector<double>> b;      ///< count targets
  Eigen::Ref<const Vector<double>> ridge;  ///< p nonnegative ridge weights
  /// Relative accuracy the method asks of an inexact solver: stop once
  /// ||a b - H x|| <= tolerance ||a b||. Exact solvers ignore it.
  double tolerance = 0.0;
  /// Distinct per (half-step, row): the seed of any randomness in the solve, so a solve does
  /// not depend on the order or the thread rows are solved in.
  std::uint64_t key = 0;
};

/// What one row solve did.
struct RowSolveStats {
  Index iterations = 0;      ///< inner iterations (0 for a direct solve)
  Index matvecs = 0;         ///< products with H
  bool regularized = false;  ///< H was singular and a safeguard ridge was added
  bool failed = false;       ///< no usable solution: x was left as it was
};

/// A per-row least-squares solver, the policy of `AltMinMethod`. Valid expressions, for
/// `const S& s`, `typename S::Workspace& w`, `const RowSystem& sys` and
/// `Eigen::Ref<Vector<double>> x`:
///
/// - `s.workspace(p, max_count)` -> `S::Workspace`: the buffers of a solve with p unknowns and
///   at most max_count observations, made once per thread before the iterations (a solve
///   must not allocate);
/// - `s.solve(sys, x, w)` -> `RowSolveStats`: overwrites x (on entry: the previous solution, a
///   warm start) with the solution.
///
/// Models: `ExactRowSolver`, `CgRowSolver`, `SketchRowSolver`.
template <class S>
concept RowSolver = requires(const S& s, typename S::Workspace& w, const RowSystem& sys,
                             Eigen::Ref<Vector<double>> x, Index p, Index max_count) {
  { s.workspace(p, max_count) } -> std::same_as<typename S::Workspace>;
  { s.solve(sys, x, w) } -> std::same_as<RowSolveStats>;
};

}  // namespace iterum::completion
