#pragma once

/// @file forward_backward.hpp
/// @brief `ForwardBackward`: the forward-backward (proximal gradient) map
/// T x = prox_{gamma g}(x - gamma grad f(x)).

#include <optional>
#include <string_view>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// Forward-backward: T x = prox_{gamma g}(x - gamma grad f(x)), for f convex with an
/// L-Lipschitz gradient and g proper closed convex; its fixed points minimize f + g.
/// For gamma in (0, 2/L), T is averaged, hence nonexpansive (Bauschke & Combettes, "Convex
/// Analysis and Monotone Operator Theory in Hilbert Spaces", 2nd ed., Prop. 26.1(iv)); when the
/// caller gives L, a step outside that range throws. `grad(x, g)` sets g = grad f(x);
/// `prox(v, out)` must be prox_{gamma g} for the same gamma (an `iterum::ProxOperator`).
/// Keeps a scratch vector, so `apply` does not allocate and must not run on two threads at
/// once.
template <class S, class Grad, class Prox>
class ForwardBackward {
 public:
  using Scalar = S;
  ForwardBackward(Index dim, Grad grad, Prox prox, Scalar gamma,
                  std::optional<Scalar> lipschitz = std::nullopt)
      : grad_(std::move(grad)), prox_(std::move(prox)), gamma_(gamma), work_(checked_dim(dim)) {
    constexpr std::string_view function = "iterum::fixed_point::ForwardBackward";
    check::positive(function, "gamma", static_cast<double>(gamma));
    check::finite(function, "gamma", static_cast<double>(gamma));
    if (lipschitz) {
      check::positive(function, "lipschitz", static_cast<double>(*lipschitz));
      check::finite(function, "lipschitz", static_cast<double>(*lipschitz));
      check::in_range(function, "gamma", static_cast<double>(gamma), 0.0,
                      2.0 / static_cast<double>(*lipschitz), check::Bound::Open,
                      check::Bound::Open);
    }
  }
  [[nodiscard]] Index dim() const noexcept { return work_.size(); }
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const {
    grad_(x, work_);
    work_ = x - gamma_ * work_;
    prox_(work_, tx);
  }
  [[nodiscard]] Scalar gamma() const noexcept { return gamma_; }

 private:
  /// dim, checked before the scratch vector is sized with it.
  static Index checked_dim(Index dim) {
    check::not_empty("iterum::fixed_point::ForwardBackward", "dim", dim);
    return dim;
  }

  Grad grad_;
  Prox prox_;
  Scalar gamma_;
  mutable Vector<Scalar> work_;
};

}  // namespace iterum::fixed_point
