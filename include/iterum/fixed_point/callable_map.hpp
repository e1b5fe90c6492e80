#pragma once

/// @file callable_map.hpp
/// @brief `CallableMap`: a `FixedPointMap` whose action is a callable, built by `make_map`
/// (any map T x = f(x)) or `proximal_map` (T = prox_{gamma g}, from a proximal operator such as
/// those of iterum/prox/).

#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// A `FixedPointMap` whose action is a callable `f(x, tx)` (tx sized `dim`).
template <class S, class F>
class CallableMap {
 public:
  using Scalar = S;
  CallableMap(Index dim, F f) : dim_(dim), f_(std::move(f)) {
    check::not_empty("iterum::fixed_point::make_map", "dim", dim);
  }
  [[nodiscard]] Index dim() const noexcept { return dim_; }
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const { f_(x, tx); }

 private:
  Index dim_;
  F f_;
};

/// `CallableMap<Scalar, F>(dim, f)`: T x computed by `f(x, tx)`. T must be nonexpansive for
/// Halpern's guarantees.
template <class Scalar, class F>
[[nodiscard]] CallableMap<Scalar, F> make_map(Index dim, F f) {
  return CallableMap<Scalar, F>(dim, std::move(f));
}

/// T = prox_{gamma g} for a proximal operator `prox(v, out)` (`iterum::ProxOperator`, e.g.
/// `prox::Box<double>{lo, hi}` or `prox::SoftThreshold<double>{gamma * lambda}`): firmly
/// nonexpansive for a proper closed convex g; its fixed points are the minimizers of g (for an
/// indicator: the set).
template <class Scalar, class Prox>
[[nodiscard]] CallableMap<Scalar, Prox> proximal_map(Index dim, Prox prox) {
  return CallableMap<Scalar, Prox>(dim, std::move(prox));
}

}  // namespace iterum::fixed_point
