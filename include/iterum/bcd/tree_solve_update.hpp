#pragma once

/// @file tree_solve_update.hpp
/// @brief `bcd::TreeSolveUpdate`: the exact block update d = -A_bb^{-1} g_b of a sparse
/// quadratic when the block b induces a forest in the sparsity graph of A, solved by message
/// passing in O(sum of the block's column lengths) — the update of the forest partitions
/// (`RedBlack`, `TreePartition`, `GreedyForest`) in `ForestBlockDescent`.
///
/// Algorithm: Nutini, Laradji & Schmidt, "Let's Make Block Coordinate Descent Converge
/// Faster", JMLR 23(131), 2022, arXiv 1712.08859, Section 5 ("message-passing for huge-block
/// updates"): on a forest, Gaussian elimination in an order that removes leaves first has no
/// fill-in, so the block system costs O(|b|) (Gaussian belief propagation, exact on trees).
/// Here: a breadth-first search of each tree of the block records parents, then elimination
/// from the leaves to the roots (pivot_p -= a_vp^2 / pivot_v, rhs_p -= a_vp rhs_v / pivot_v)
/// and back-substitution from the roots to the leaves (d_v = (rhs_v - a_vp d_p) / pivot_v).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <span>
#include <vector>

#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// Solves A_bb d = -g_b exactly for a block b whose induced subgraph of the sparsity graph of a
/// symmetric column-major sparse A is a forest (an independent set, for which A_bb is
/// diagonal, included).
struct TreeSolveUpdate {
  /// Scratch of the solve, sized for n coordinates once (`resize`), so `solve` never allocates.
  template <class Scalar>
  struct Workspace {
    std::vector<Index> local;   ///< position of a coordinate in the block, -1 outside it
    std::vector<Index> order;   ///< breadth-first order of the block's positions
    std::vector<Index> parent;  ///< parent position in its tree, -1 at a root
    Vector<Scalar> weight;      ///< a_{v, parent(v)}
    Vector<Scalar> pivot;       ///< the eliminated diagonal
    Vector<Scalar> rhs;         ///< the eliminated right-hand side
    Vector<Scalar> direction;   ///< d, one entry per block position (the first |b| entries)

    void resize(Index n) {
      local.assign(static_cast<std::size_t>(n), -1);
      order.resize(static_cast<std::size_t>(n));
      parent.resize(static_cast<std::size_t>(n));
      weight.resize(n);
      pivot.resize(n);
      rhs.resize(n);
      direction.resize(n);
    }
  };

  /// The outcome of a solve.
  enum class Outcome {
    Solved,       ///< d holds -A_bb^{-1} g_b
    Cycle,        ///< the block's induced subgraph has a cycle: d is not computed
    NotPositive,  ///< a pivot was not positive (A_bb is not positive definite)
  };

  /// d = -A_bb^{-1} g_b into `w.direction.head(|b|)` (position k for coordinate block[k]).
  /// `a` holds both triangles; `g` is indexed by coordinate. No allocation.
  template <class Scalar, class SparseMatrix>
  static Outcome solve(const SparseMatrix& a, std::span<const Index> block, const Vector<Scalar>& g,
                       Workspace<Scalar>& w) {
    const auto size = static_cast<Index>(block.size());
    Index* local = w.local.data();
    Index* order = w.order.data();
    Index* parent = w.parent.data();
    for (Index k = 0; k < size; ++k) {
      local[block[static_cast<std::size_t>(k)]] = k;
      parent[k] = -2;  // not reached yet
      w.rhs[k] = -g[block[static_cast<std::size_t>(k)]];
      w.pivot[k] = Scalar(0);
    }
    // Breadth-first search of every tree of the block: parents, edge weights, diagonal.
    Index tail = 0;
    Outcome outcome = Outcome::Solved;
    for (Index start = 0; start < size && outcome == Outcome::Solved; ++start) {
      if (parent[start] != -2) continue;
      parent[start] = -1;
      order[tail++] = start;
      for (Index head = tail - 1; head < tail && outcome == Outcome::Solved; ++head) {
        const Index v = order[head];
        const Index node = block[static_cast<std::size_t>(v)];
        for (typename SparseMatrix::InnerIterator it(a, node); it; ++it) {
          const Index other = it.index();
          if (other == node) {
            w.pivot[v] += it.value();
            continue;
          }
          const Index u = local[other];
          if (u < 0 || it.value() == Scalar(0) || u == parent[v]) continue;
          if (parent[u] != -2) {  // reached twice: two paths, a cycle
            outcome = Outcome::Cycle;
            break;
          }
          parent[u] = v;
          w.weight[u] = it.value();
          order[tail++] = u;
        }
      }
    }
    if (outcome == Outcome::Solved) {
      // Leaves to roots: eliminate v into its parent.
      for (Index t = size - 1; t >= 0; --t) {
        const Index v = order[t];
        if (!(w.pivot[v] > Scalar(0))) {
          outcome = Outcome::NotPositive;
          break;
        }
        const Index p = parent[v];
        if (p < 0) continue;
        const Scalar f = w.weight[v] / w.pivot[v];
        w.pivot[p] -= f * w.weight[v];
        w.rhs[p] -= f * w.rhs[v];
      }
    }
    if (outcome == Outcome::Solved) {
      // Roots to leaves: back-substitution.
      for (Index t = 0; t < size; ++t) {
        const Index v = order[t];
        const Index p = parent[v];
        const Scalar r = p < 0 ? w.rhs[v] : w.rhs[v] - w.weight[v] * w.direction[p];
        w.direction[v] = r / w.pivot[v];
      }
    }
    for (Index k = 0; k < size; ++k) local[block[static_cast<std::size_t>(k)]] = -1;
    return outcome;
  }
};

}  // namespace iterum::bcd
