#pragma once

/// @file partition.hpp
/// @brief Fixed partitions of the coordinates into blocks, as policies of
/// `BlockCoordinateDescent`: `Order` (contiguous blocks in index order) and `Sort` (blocks of
/// coordinates with similar L_i).
///
/// A partition policy fills `order`, a permutation of 0..n-1; the blocks are its consecutive
/// chunks of `block_size` coordinates (the last one shorter when block_size does not divide n).
/// `p.arrange(lipschitz, order)`: `lipschitz` holds the coordinate constants L_i, `order` is
/// sized n.

#include <algorithm>
#include <numeric>
#include <vector>

#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// Fixed blocks in index order, {0..tau-1}, {tau..2 tau-1}, ... (Nutini, Laradji & Schmidt,
/// arXiv 1712.08859: the "Order" fixed partition of their experiments).
struct Order {
  template <class Scalar>
  void arrange(const Vector<Scalar>& /*lipschitz*/, std::vector<Index>& order) const {
    std::iota(order.begin(), order.end(), Index{0});
  }
};

/// Fixed blocks of coordinates sorted by decreasing L_i, so each block groups coordinates of
/// similar curvature and its step 1/L_b is not held back by one stiff coordinate (arXiv
/// 1712.08859: the "Sort" fixed partition of their experiments). Ties keep index order.
struct Sort {
  template <class Scalar>
  void arrange(const Vector<Scalar>& lipschitz, std::vector<Index>& order) const {
    std::iota(order.begin(), order.end(), Index{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](Index i, Index j) { return lipschitz[i] > lipschitz[j]; });
  }
};

}  // namespace iterum::bcd
