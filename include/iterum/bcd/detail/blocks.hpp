#pragma once

/// @file blocks.hpp
/// @brief Internals of the fixed forest partitions (`RedBlack`, `TreePartition`): the blocks
/// written from a label (colour, forest) per coordinate.

#include <cstddef>
#include <utility>
#include <vector>

#include "iterum/core/types.hpp"

namespace iterum::bcd::detail {

/// Writes the blocks of a fixed partition from `label`, a label in [0, labels) per coordinate:
/// block k holds the coordinates of the k-th non-empty label (labels in increasing order, empty
/// ones left out), in index order; block k is nodes[begin[k] .. begin[k+1]). A counting sort:
/// O(n + labels).
inline void blocks_from_labels(const std::vector<Index>& label, Index labels,
                               std::vector<Index>& nodes, std::vector<Index>& begin) {
  const std::size_t n = label.size();
  begin.assign(static_cast<std::size_t>(labels) + 1, 0);
  for (const Index l : label) ++begin[static_cast<std::size_t>(l) + 1];
  for (std::size_t l = 0; l + 1 < begin.size(); ++l) begin[l + 1] += begin[l];
  nodes.resize(n);
  std::vector<Index> fill(begin.begin(), begin.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    nodes[static_cast<std::size_t>(fill[static_cast<std::size_t>(label[i])]++)] =
        static_cast<Index>(i);
  }
  // Drop the empty labels' blocks.
  std::vector<Index> kept{0};
  for (std::size_t l = 1; l < begin.size(); ++l)
    if (begin[l] != kept.back()) kept.push_back(begin[l]);
  begin = std::move(kept);
}

}  // namespace iterum::bcd::detail
