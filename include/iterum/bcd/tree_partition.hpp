#pragma once

/// @file tree_partition.hpp
/// @brief `bcd::TreePartition`: the coordinates of a sparse quadratic covered by a few fixed
/// forests of its sparsity graph (two interleaved combs on a 2-D lattice; a greedy forest
/// colouring on a general graph), a fixed forest partition of `ForestBlockDescent`.

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "iterum/bcd/detail/blocks.hpp"
#include "iterum/bcd/detail/union_find.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// Fixed blocks that each induce a forest in the sparsity graph of A, solved exactly by
/// `TreeSolveUpdate` (Nutini, Laradji & Schmidt, arXiv 1712.08859, Section 5: the "tree
/// partition").
///
/// - On a `rows` by `cols` lattice (rows > 0): two combs. Comb 0 is the first lattice row plus
///   the even columns down to the next-to-last row; comb 1 is the rest (the last row plus the
///   odd columns up to the second row). Coordinate i sits at lattice site `site[i]` =
///   r * cols + c (identity when `site` is empty), so a lattice with some sites removed (the
///   labelled nodes of label propagation) keeps its combs. `ForestBlockDescent::init` checks
///   that each comb induces a forest in A's graph, which holds when A's graph is a subgraph of
///   the 4-neighbour lattice.
/// - Otherwise (rows = 0): a greedy forest colouring. Coordinates are visited by decreasing
///   A_ii (ties in index order) and each joins the first forest in which it closes no cycle
///   (union-find), a new forest when none accepts it.
struct TreePartition {
  Index rows = 0;           ///< lattice rows (0: a general graph)
  Index cols = 0;           ///< lattice columns
  std::vector<Index> site;  ///< lattice site of each coordinate (empty: coordinate i at site i)

  static constexpr bool fixed = true;
  /// No per-step scratch.
  struct Workspace {
    void resize(Index /*n*/) {}
  };

  /// Writes the blocks: block f is nodes[begin[f] .. begin[f+1]), empty blocks left out.
  /// `a`: symmetric column-major sparse, both triangles stored.
  template <class SparseMatrix>
  void build(const SparseMatrix& a, std::vector<Index>& nodes, std::vector<Index>& begin) const {
    const Index n = a.cols();
    std::vector<Index> forest(static_cast<std::size_t>(n), -1);
    Index forests = 0;
    if (rows > 0) {
      constexpr std::string_view function = "iterum::bcd::TreePartition";
      check::positive(function, "partition.cols", static_cast<double>(cols));
      if (!site.empty()) {
        check::size(function, "partition.site", static_cast<Index>(site.size()), n,
                    "must have one lattice site per coordinate");
      } else if (n > rows * cols) {
        check::fail(function, "partition.rows",
                    "times partition.cols must be at least the number of coordinates (" +
                        check::text(static_cast<long long>(n)) + ")",
                    check::text(static_cast<long long>(rows)));
      }
      for (const Index s : site) {
        if (s < 0 || s >= rows * cols) {
          check::fail(function, "partition.site", "must hold lattice sites in [0, rows * cols)",
                      check::text(static_cast<long long>(s)));
        }
      }
      forests = 2;
      for (Index i = 0; i < n; ++i) {
        const Index s = site.empty() ? i : site[static_cast<std::size_t>(i)];
        const Index r = s / cols;
        const Index c = s % cols;
        forest[static_cast<std::size_t>(i)] = (r == 0 || (r < rows - 1 && c % 2 == 0)) ? 0 : 1;
      }
    } else {
      std::vector<Index> visit(static_cast<std::size_t>(n));
      for (Index i = 0; i < n; ++i) visit[static_cast<std::size_t>(i)] = i;
      std::stable_sort(visit.begin(), visit.end(),
                       [&](Index i, Index j) { return a.coeff(i, i) > a.coeff(j, j); });
      detail::UnionFind sets;
      sets.reset(n);
      std::vector<std::int64_t> mark(static_cast<std::size_t>(n), 0);
      std::int64_t stamp = 0;
      for (const Index i : visit) {
        Index f = 0;
        for (; f < forests; ++f) {
          const bool joined = detail::try_join(a, i, sets, mark, stamp, [&](Index j) {
            return forest[static_cast<std::size_t>(j)] == f;
          });
          if (joined) break;
        }
        if (f == forests) ++forests;  // a singleton in a new forest
        forest[static_cast<std::size_t>(i)] = f;
      }
    }
    detail::blocks_from_labels(forest, forests, nodes, begin);
  }
};

}  // namespace iterum::bcd
