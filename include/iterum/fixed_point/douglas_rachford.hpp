#pragma once

/// @file douglas_rachford.hpp
/// @brief `DouglasRachford` (and `douglas_rachford`): the Douglas-Rachford map of
/// min f(x) + g(x) on the governing sequence z.

#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// Douglas-Rachford splitting for min f(x) + g(x) (Lions & Mercier, SIAM J. Numer. Anal. 16
/// (1979); Eckstein & Bertsekas, Math. Program. 55 (1992)), as the map on the governing
/// sequence z:
///
///   T z = z + prox_{gamma g}(2 x - z) - x,   x = prox_{gamma f}(z),
///
/// i.e. T = (I + R_g R_f) / 2 with R = 2 prox - I. T is firmly nonexpansive, so Halpern with
/// `reflect = true` runs on R_g R_f (Peaceman-Rachford). At a fixed point z*, x* =
/// prox_{gamma f}(z*) (`shadow`) minimizes f + g. `prox_f` and `prox_g` are proximal operators
/// (`iterum::ProxOperator`, e.g. from iterum/prox/) `prox(v, out)` for prox_{gamma f} and
/// prox_{gamma g}. Keeps scratch vectors, so `apply` does not allocate and must not run on two
/// threads at once.
template <class S, class ProxF, class ProxG>
class DouglasRachford {
 public:
  using Scalar = S;
  DouglasRachford(Index dim, ProxF prox_f, ProxG prox_g)
      : prox_f_(std::move(prox_f)), prox_g_(std::move(prox_g)) {
    check::not_empty("iterum::fixed_point::DouglasRachford", "dim", dim);
    // Zero, not uninitialized: a proximal operator with an iterative solver starts from them.
    x_.setZero(dim);
    y_.setZero(dim);
  }
  [[nodiscard]] Index dim() const noexcept { return x_.size(); }
  void apply(const Vector<Scalar>& z, Vector<Scalar>& tz) const {
    prox_f_(z, x_);
    y_ = Scalar(2) * x_ - z;
    prox_g_(y_, tz);
    tz += z - x_;
  }
  /// x = prox_{gamma f}(z): the primal point a governing iterate z stands for.
  void shadow(const Vector<Scalar>& z, Vector<Scalar>& x) const { prox_f_(z, x); }

 private:
  ProxF prox_f_;
  ProxG prox_g_;
  mutable Vector<Scalar> x_;
  mutable Vector<Scalar> y_;
};

/// `DouglasRachford<Scalar, ProxF, ProxG>(dim, prox_f, prox_g)`.
template <class Scalar, class ProxF, class ProxG>
[[nodiscard]] DouglasRachford<Scalar, ProxF, ProxG> douglas_rachford(Index dim, ProxF prox_f,
                                                                     ProxG prox_g) {
  return DouglasRachford<Scalar, ProxF, ProxG>(dim, std::move(prox_f), std::move(prox_g));
}

}  // namespace iterum::fixed_point
