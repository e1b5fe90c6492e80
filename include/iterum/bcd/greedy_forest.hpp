#pragma once

/// @file greedy_forest.hpp
/// @brief `bcd::GreedyForest`: a forest block of a sparse quadratic's sparsity graph, grown
/// anew at every iteration in greedy (Gauss-Southwell) order by union-find — the variable
/// forest partition of `ForestBlockDescent`.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "iterum/bcd/detail/union_find.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// At each iteration, visits the coordinates by decreasing |g_i| (GS; with `lipschitz`,
/// decreasing g_i^2 / A_ii, GSL) and adds each one whose edges to the coordinates already in
/// the block close no cycle (its block neighbours lie in distinct trees: a union-find test), so
/// the block is a maximal forest of the sparsity graph grown greedily. Nutini, Laradji &
/// Schmidt, arXiv 1712.08859, Section 5: the greedy forest ("GS greedy tree") of their
/// label-propagation experiments. Cost per iteration: a sort, O(n log n), plus
/// O(nnz(A) alpha(n)) for the union-find; no allocation (the `Workspace` is sized by init).
struct GreedyForest {
  bool lipschitz = false;  ///< order by g_i^2 / A_ii instead of |g_i|

  static constexpr bool fixed = false;

  /// Scratch of the greedy pass, sized once for n coordinates.
  class Workspace {
   public:
    void resize(Index n) {
      sets_.reset(n);
      ranking_.resize(static_cast<std::size_t>(n));
      mark_.assign(static_cast<std::size_t>(n), 0);
      member_.assign(static_cast<std::size_t>(n), 0);
    }

   private:
    friend struct GreedyForest;
    detail::UnionFind sets_;
    std::vector<std::pair<double, Index>> ranking_;  // (key, coordinate), sorted in place
    std::vector<std::int64_t> mark_;
    std::vector<char> member_;
    std::int64_t stamp_ = 0;
  };

  /// Writes the block's coordinates (in the order they joined) to the front of `block` (n
  /// entries) and returns their number. `g` is the gradient, `diagonal` holds A_ii.
  template <class SparseMatrix, class Scalar>
  Index grow(const SparseMatrix& a, const Vector<Scalar>& g, const Vector<Scalar>& diagonal,
             Workspace& w, std::span<Index> block) const {
    const Index n = a.cols();
    for (Index i = 0; i < n; ++i) {
      const auto gi = static_cast<double>(g[i]);
      const double key = lipschitz ? gi * gi / static_cast<double>(diagonal[i]) : std::abs(gi);
      w.ranking_[static_cast<std::size_t>(i)] = {key, i};
      w.sets_.isolate(i);
      w.member_[static_cast<std::size_t>(i)] = 0;
    }
    // Contiguous (key, index) pairs sort faster than indices compared through their keys.
    std::sort(w.ranking_.begin(), w.ranking_.end(), [](const auto& x, const auto& y) {
      return x.first > y.first || (x.first == y.first && x.second < y.second);
    });
    Index size = 0;
    const char* member = w.member_.data();
    for (const auto& [key, i] : w.ranking_) {
      const bool joined = detail::try_join(a, i, w.sets_, w.mark_, w.stamp_,
                                           [member](Index j) { return member[j] != 0; });
      if (!joined) continue;
      w.member_[static_cast<std::size_t>(i)] = 1;
      block[static_cast<std::size_t>(size++)] = i;
    }
    return size;
  }
};

}  // namespace iterum::bcd
