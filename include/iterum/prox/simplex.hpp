#pragma once

/// @file simplex.hpp
/// @brief `prox::Simplex`, the Euclidean projection onto the scaled probability simplex
/// { x : x >= 0, sum x = radius }, the constraint set of matrix games and of mixtures.
///
/// Algorithm: sort v decreasingly into u, take the largest j with
/// u_j > (u_1 + ... + u_j - radius) / j, set theta = (u_1 + ... + u_j - radius) / j and
/// out = max(v - theta, 0) (Held, Wolfe & Crowder, Math. Program. 6 (1974); the sort-based form
/// of Duchi, Shalev-Shwartz, Singer & Chandra, ICML 2008, Fig. 1). Exact in O(d log d); the
/// sorted copy lives in a member buffer sized at construction, so a call does not allocate and
/// one object must not be used from two threads at once.

#include <Eigen/Core>
#include <algorithm>
#include <functional>
#include <limits>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::prox {

/// Projection onto { x in R^dim : x >= 0, sum x = radius }, a callable `prox(v, out)`.
template <class Scalar>
class Simplex {
 public:
  Simplex() = default;
  /// @throws iterum::invalid_argument for dim < 1 or a radius that is not positive and finite.
  explicit Simplex(Index dim, Scalar radius = Scalar(1))
      : radius_(radius), sorted_(checked_dim(dim)) {
    constexpr std::string_view function = "iterum::prox::Simplex";
    check::positive(function, "radius", static_cast<double>(radius));
    check::finite(function, "radius", static_cast<double>(radius));
  }

  [[nodiscard]] Index dim() const noexcept { return sorted_.size(); }
  [[nodiscard]] Scalar radius() const noexcept { return radius_; }

  /// out = the projection of v (both `dim()` entries; vectors or vector blocks). A v with a
  /// NaN or infinite entry has no projection: out is then all NaN (so that a method's NaN
  /// propagates to its certificate instead of being sorted, which is undefined behaviour).
  template <class In, class Out>
  void operator()(const Eigen::MatrixBase<In>& v, Out&& out) const {
    if (!v.allFinite()) {
      out.setConstant(std::numeric_limits<Scalar>::quiet_NaN());
      return;
    }
    // The projection commutes with shifts along (1, ..., 1): work with v - max(v), whose
    // largest entry is 0, so that the radius is not absorbed by a huge prefix sum (v = (1e17, 0)
    // or radius 1e-17 beside entries of order 1 would otherwise leave theta at 0).
    const Scalar shift = v.maxCoeff();
    sorted_ = v;
    sorted_.array() -= shift;
    std::sort(sorted_.data(), sorted_.data() + sorted_.size(), std::greater<Scalar>());
    Scalar prefix(0);
    Scalar theta(0);
    for (Index j = 0; j < sorted_.size(); ++j) {
      prefix += sorted_[j];
      const Scalar candidate = (prefix - radius_) / static_cast<Scalar>(j + 1);
      // The condition holds for j = 0 and for a prefix of the indices: the last j where it
      // holds gives theta.
      if (sorted_[j] > candidate) theta = candidate;
    }
    out = ((v.array() - shift) - theta).cwiseMax(Scalar(0)).matrix();
  }

 private:
  /// dim, checked before any vector is sized with it.
  static Index checked_dim(Index dim) {
    check::positive("iterum::prox::Simplex", "dim", static_cast<double>(dim));
    return dim;
  }

  Scalar radius_ = Scalar(1);
  mutable Vector<Scalar> sorted_;
};

}  // namespace iterum::prox
