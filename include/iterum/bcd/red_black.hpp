#pragma once

/// @file red_black.hpp
/// @brief `bcd::RedBlack`: the coordinates of a sparse quadratic split into independent sets of
/// its sparsity graph (red-black on a lattice), a fixed forest partition of
/// `ForestBlockDescent`.

#include <algorithm>
#include <vector>

#include "iterum/bcd/detail/blocks.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// Fixed blocks that are independent sets of the sparsity graph of A (no two coordinates of a
/// block share a nonzero A_ij), so A_bb is diagonal and a block step is Gauss-Seidel by colour.
/// A bipartite graph (a lattice, also with sites removed) gets its 2-colouring (red-black, by
/// breadth-first search); any other graph a greedy colouring in index order (each coordinate
/// takes the smallest colour none of its neighbours has; at most largest degree + 1 colours).
/// Nutini, Laradji & Schmidt, arXiv 1712.08859, Section 5: the red-black partition, the baseline of
/// the forest partitions.
struct RedBlack {
  static constexpr bool fixed = true;
  /// No per-step scratch.
  struct Workspace {
    void resize(Index /*n*/) {}
  };

  /// Writes the blocks: block c is nodes[begin[c] .. begin[c+1]) (coordinates in index order).
  /// `a`: symmetric column-major sparse, both triangles stored.
  template <class SparseMatrix>
  void build(const SparseMatrix& a, std::vector<Index>& nodes, std::vector<Index>& begin) const {
    const Index n = a.cols();
    std::vector<Index> colour(static_cast<std::size_t>(n), -1);
    Index colours = two_colouring(a, colour) ? 2 : greedy_colouring(a, colour);
    if (n == 1) colours = 1;
    // Empty colours are dropped (a graph without edges has only one).
    detail::blocks_from_labels(colour, colours, nodes, begin);
  }

 private:
  /// Colours 0/1 by breadth-first search when the graph is bipartite (a lattice, with or without
  /// removed sites); false when an odd cycle shows up.
  template <class SparseMatrix>
  static bool two_colouring(const SparseMatrix& a, std::vector<Index>& colour) {
    const Index n = a.cols();
    std::vector<Index> queue;
    queue.reserve(static_cast<std::size_t>(n));
    for (Index s = 0; s < n; ++s) {
      if (colour[static_cast<std::size_t>(s)] >= 0) continue;
      colour[static_cast<std::size_t>(s)] = 0;
      queue.assign(1, s);
      for (std::size_t head = 0; head < queue.size(); ++head) {
        const Index v = queue[head];
        const Index other = 1 - colour[static_cast<std::size_t>(v)];
        for (typename SparseMatrix::InnerIterator it(a, v); it; ++it) {
          const Index j = it.index();
          if (j == v || it.value() == 0) continue;
          auto& cj = colour[static_cast<std::size_t>(j)];
          if (cj < 0) {
            cj = other;
            queue.push_back(j);
          } else if (cj != other) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /// Each coordinate, in index order, takes the smallest colour none of its neighbours has.
  /// Returns the number of colours.
  template <class SparseMatrix>
  static Index greedy_colouring(const SparseMatrix& a, std::vector<Index>& colour) {
    const Index n = a.cols();
    std::fill(colour.begin(), colour.end(), -1);
    std::vector<Index> seen(static_cast<std::size_t>(n) + 1, -1);  // colour -> last node using it
    Index colours = 0;
    for (Index i = 0; i < n; ++i) {
      for (typename SparseMatrix::InnerIterator it(a, i); it; ++it) {
        const Index j = it.index();
        if (j == i || it.value() == 0) continue;
        const Index c = colour[static_cast<std::size_t>(j)];
        if (c >= 0) seen[static_cast<std::size_t>(c)] = i;
      }
      Index c = 0;
      while (seen[static_cast<std::size_t>(c)] == i) ++c;
      colour[static_cast<std::size_t>(i)] = c;
      colours = std::max(colours, c + 1);
    }
    return colours;
  }
};

}  // namespace iterum::bcd
