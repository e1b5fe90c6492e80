#pragma once

/// @file descent.hpp
/// @brief Internals the block coordinate descent methods (`BlockCoordinateDescent`,
/// `ForestBlockDescent`) share: the check of the start point, the bookkeeping built at it, the
/// optimality violation over the coordinates and the finiteness test after a block step.

#include <cmath>
#include <span>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd::detail {

/// x0 must have one entry per coordinate of the problem (n).
template <class Scalar>
void check_start(std::string_view function, const Vector<Scalar>& x0, Index n) {
  check::size(function, "x0", x0.size(), n,
              "must have as many entries as the problem has coordinates");
}

/// Builds the problem's bookkeeping (`tracked`) at x.
template <class P, class Scalar>
void track(const P& problem, const Vector<Scalar>& x, Vector<Scalar>& tracked) {
  tracked = Vector<Scalar>::Zero(problem.tracked_size());
  problem.reset(x, tracked);
}

/// max_i violation(i) over the n coordinates (0 for n = 0); a NaN propagates.
template <class F>
[[nodiscard]] double largest_violation(Index n, F&& violation) {
  double worst = 0.0;
  for (Index i = 0; i < n; ++i) {
    const double v = violation(i);
    if (!(v <= worst)) worst = v;
  }
  return worst;
}

/// Finiteness after a block step, in O(|block|): a step changes only its block's entries, so x
/// is finite when it was before and the block's entries are. Before the first step (`stepped`
/// false) the whole of x is tested.
template <class Scalar>
[[nodiscard]] bool finite_after_step(const Vector<Scalar>& x, bool stepped,
                                     std::span<const Index> block) {
  if (!stepped) return x.allFinite();
  for (const Index i : block) {
    if (!std::isfinite(static_cast<double>(x[i]))) return false;
  }
  return true;
}

}  // namespace iterum::bcd::detail
