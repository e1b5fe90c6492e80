#pragma once

/// @file reflection.hpp
/// @brief `Reflection`: the map R = 2T - I of a firmly nonexpansive map T.

#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// R = 2T - I for a firmly nonexpansive T (then R is nonexpansive, with T's fixed points).
/// `halpern` with `reflect = true` runs on R without building it.
template <FixedPointMap Map>
class Reflection {
 public:
  using Scalar = typename Map::Scalar;
  explicit Reflection(Map map) : map_(std::move(map)) {}
  [[nodiscard]] Index dim() const noexcept { return static_cast<Index>(map_.dim()); }
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const {
    map_.apply(x, tx);
    tx = Scalar(2) * tx - x;
  }
  [[nodiscard]] const Map& inner() const noexcept { return map_; }

 private:
  Map map_;
};

}  // namespace iterum::fixed_point
