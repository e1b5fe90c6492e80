#pragma once

/// @file row_pcg.hpp
/// @brief The preconditioned CG loop of the iterative row solvers (`CgRowSolver`,
/// `SketchRowSolver`), on one row's normal equations.

#include <Eigen/Core>
#include <cmath>

#include "iterum/completion/detail/small_kernels.hpp"
#include "iterum/completion/row_solver.hpp"
#include "iterum/core/types.hpp"

namespace iterum::completion::detail {

/// The vectors of one PCG solve with p unknowns.
struct PcgVectors {
  Vector<double> r, z, d, q;
  explicit PcgVectors(Index p = 0) : r(p), z(p), d(p), q(p) {}
};

/// Preconditioned CG on H x = a b (H = a a^T + diag(ridge); a: p x count, contiguous columns)
/// from x, until ||a b - H x|| <= tol ||a b|| or `steps` steps; `precondition(r, z)` writes
/// z = M^{-1} r. A non-positive or non-finite curvature ends the solve with the last iterate.
template <class Precondition>
RowSolveStats row_pcg(const double* a, Index count, const RowSystem& sys,
                      Eigen::Ref<Vector<double>> x, double tol, Index steps, PcgVectors& v,
                      Precondition&& precondition) {
  RowSolveStats stats;
  const Index p = x.size();
  const double* ridge = sys.ridge.data();
  design_times(a, count, p, sys.b.data(), v.q.data());  // a b
  const double target = tol * v.q.norm();
  normal_times(a, count, p, ridge, x.data(), v.r.data());
  v.r = v.q - v.r;
  if (!(v.r.norm() > target)) return stats;
  precondition(v.r, v.z);
  v.d = v.z;
  double rz = v.r.dot(v.z);
  for (Index s = 0; s < steps; ++s) {
    normal_times(a, count, p, ridge, v.d.data(), v.q.data());
    ++stats.matvecs;
    const double curvature = v.d.dot(v.q);
    if (!(curvature > 0.0) || !std::isfinite(curvature)) break;
    const double alpha = rz / curvature;
    x.noalias() += alpha * v.d;
    v.r.noalias() -= alpha * v.q;
    ++stats.iterations;
    if (!(v.r.norm() > target)) break;
    precondition(v.r, v.z);
    const double rz_next = v.r.dot(v.z);
    v.d = v.z + (rz_next / rz) * v.d;
    rz = rz_next;
  }
  return stats;
}

}  // namespace iterum::completion::detail
