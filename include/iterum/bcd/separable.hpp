#pragma once

/// @file separable.hpp
/// @brief The separable term g(x) = sum_i g_i(x_i) of a composite problem f(x) + g(x), as a
/// policy of `BlockCoordinateDescent`: `NoPenalty` (g = 0), `L1Penalty` (lambda ||x||_1, through
/// `prox::SoftThreshold`) and `BoxConstraint` (the indicator of lower <= x <= upper, through
/// `prox::Box`; nonnegativity is lower = 0, upper = +inf).
///
/// Each policy offers, per coordinate i: `value(x)` (g(x)); `prox(i, v, t)` (prox of t g_i at
/// v); `violation(i, x_i, d_i)` (the distance of 0 to d_i + dg_i(x_i) for the partial
/// derivative d_i = d_i f(x): the first-order optimality violation, zero exactly at a
/// minimizer of a convex f + g); `feasible(i, v)` (the nearest point of dom g_i); and
/// `in_support(i, x_i)` (x_i is nonzero for L1, strictly between its bounds for a box); and
/// `value_change(i, from, to)` (g_i(to) - g_i(from)).

#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/prox/box.hpp"
#include "iterum/prox/soft_threshold.hpp"

namespace iterum::bcd {

/// g = 0: a smooth problem.
struct NoPenalty {
  template <class Scalar>
  [[nodiscard]] Scalar value(const Vector<Scalar>& /*x*/) const noexcept {
    return Scalar(0);
  }
  template <class Scalar>
  [[nodiscard]] Scalar prox(Index /*i*/, Scalar v, Scalar /*t*/) const noexcept {
    return v;
  }
  template <class Scalar>
  [[nodiscard]] Scalar violation(Index /*i*/, Scalar /*x*/, Scalar d) const noexcept {
    return std::abs(d);
  }
  template <class Scalar>
  [[nodiscard]] Scalar feasible(Index /*i*/, Scalar v) const noexcept {
    return v;
  }
  template <class Scalar>
  [[nodiscard]] bool in_support(Index /*i*/, Scalar x) const noexcept {
    return x != Scalar(0);
  }
  template <class Scalar>
  [[nodiscard]] Scalar value_change(Index /*i*/, Scalar /*from*/, Scalar /*to*/) const noexcept {
    return Scalar(0);
  }
};

/// g(x) = lambda ||x||_1 (lambda >= 0).
template <class Scalar>
struct L1Penalty {
  Scalar lambda{};

  [[nodiscard]] Scalar value(const Vector<Scalar>& x) const {
    return lambda * x.template lpNorm<1>();
  }
  /// soft thresholding at t lambda (`prox::SoftThreshold`).
  [[nodiscard]] Scalar prox(Index /*i*/, Scalar v, Scalar t) const noexcept {
    return prox::SoftThreshold<Scalar>{t * lambda}(v);
  }
  /// |d + lambda sign(x)| for x != 0; max(|d| - lambda, 0) at x = 0.
  [[nodiscard]] Scalar violation(Index /*i*/, Scalar x, Scalar d) const noexcept {
    if (x > 0) return std::abs(d + lambda);
    if (x < 0) return std::abs(d - lambda);
    const Scalar excess = std::abs(d) - lambda;
    return excess > 0 ? excess : Scalar(0);
  }
  [[nodiscard]] Scalar feasible(Index /*i*/, Scalar v) const noexcept { return v; }
  [[nodiscard]] bool in_support(Index /*i*/, Scalar x) const noexcept { return x != Scalar(0); }
  /// g_i(to) - g_i(from) = lambda (|to| - |from|).
  [[nodiscard]] Scalar value_change(Index /*i*/, Scalar from, Scalar to) const noexcept {
    return lambda * (std::abs(to) - std::abs(from));
  }
};

/// The indicator of lower <= x <= upper (entries may be -inf / +inf; lower_i <= upper_i).
template <class Scalar>
struct BoxConstraint {
  prox::Box<Scalar> box;

  /// x >= 0 in R^n.
  [[nodiscard]] static BoxConstraint nonnegative(Index n) {
    return {
        prox::Box<Scalar>{Vector<Scalar>::Zero(n),
                          Vector<Scalar>::Constant(n, std::numeric_limits<Scalar>::infinity())}};
  }

  /// 0 (the iterates of the methods stay feasible).
  [[nodiscard]] Scalar value(const Vector<Scalar>& /*x*/) const noexcept { return Scalar(0); }
  /// The projection of v onto [lower_i, upper_i] (`prox::Box`), whatever the step.
  [[nodiscard]] Scalar prox(Index i, Scalar v, Scalar /*t*/) const noexcept { return box(i, v); }
  /// |d| inside the box; max(-d, 0) at the lower bound, max(d, 0) at the upper bound, 0 where
  /// the bounds coincide.
  [[nodiscard]] Scalar violation(Index i, Scalar x, Scalar d) const noexcept {
    const bool at_lower = x <= box.lower[i];
    const bool at_upper = x >= box.upper[i];
    if (at_lower && at_upper) return Scalar(0);
    if (at_lower) return d < 0 ? -d : Scalar(0);
    if (at_upper) return d > 0 ? d : Scalar(0);
    return std::abs(d);
  }
  [[nodiscard]] Scalar feasible(Index i, Scalar v) const noexcept { return box(i, v); }
  [[nodiscard]] bool in_support(Index i, Scalar x) const noexcept {
    return x > box.lower[i] && x < box.upper[i];
  }
  /// 0 between feasible points.
  [[nodiscard]] Scalar value_change(Index /*i*/, Scalar /*from*/, Scalar /*to*/) const noexcept {
    return Scalar(0);
  }
};

}  // namespace iterum::bcd
