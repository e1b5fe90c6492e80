#pragma once

/// @file forest_block_descent.hpp
/// @brief `bcd::ForestBlockDescent<Partition, Update>`: block coordinate descent on a sparse
/// quadratic with huge blocks that induce forests in the sparsity graph of A, each minimized
/// exactly by message passing — an `iterum::Method` over `bcd::QuadraticProblem<SparseMatrix>`.
///
/// Algorithm: Nutini, Laradji & Schmidt, "Let's Make Block Coordinate Descent Converge
/// Faster", JMLR 23(131), 2022, arXiv 1712.08859, Section 5. One iteration takes a block b
/// (the next fixed block in turn for `RedBlack` and `TreePartition`; a forest grown in greedy
/// order for `GreedyForest`), solves A_bb d = -g_b with `TreeSolveUpdate` (O(|b|) on a forest)
/// and moves x_b += d, updating the maintained gradient g = A x - b column by column. The
/// block is minimized exactly, so f decreases by 1/2 g_b^T A_bb^{-1} g_b. A step costs
/// O(nnz of the block's columns), plus O(n log n) to grow a greedy forest.

#include <Eigen/SparseCore>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/bcd/block_coordinate_descent.hpp"
#include "iterum/bcd/detail/columns.hpp"
#include "iterum/bcd/detail/descent.hpp"
#include "iterum/bcd/greedy_forest.hpp"
#include "iterum/bcd/tree_solve_update.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// The state of `ForestBlockDescent`.
template <class Scalar, class PartitionWorkspace, class UpdateWorkspace>
struct ForestState {
  Vector<Scalar> x;                ///< the iterate
  Vector<Scalar> tracked;          ///< the maintained gradient A x - b
  std::vector<Index> nodes;        ///< fixed partitions: the blocks' coordinates, block after block
  std::vector<Index> begin;        ///< fixed partitions: block c is nodes[begin[c] .. begin[c+1])
  std::vector<Index> block;        ///< variable partitions: the current block (n entries)
  PartitionWorkspace partition{};  ///< the partition's scratch
  UpdateWorkspace update{};        ///< the update's scratch
  Index last_begin = 0;            ///< the last block: its first entry in `nodes` or `block`
  Index last_size = 0;             ///< the last block's size (0 before the first step)
  bool variable = false;           ///< blocks are grown per step (in `block`)
  double last_decrease = 0.0;      ///< 1/2 g_b^T A_bb^{-1} g_b of the last step (= its decrease)
  Index iteration = 0;             ///< iterations completed
  BcdWork work{};                  ///< block steps, coordinate updates, gradient entries (0)
  Counters counters{};             ///< oracle_calls = coordinate updates

  /// Number of fixed blocks (0 for a variable partition).
  [[nodiscard]] Index blocks() const noexcept {
    return begin.empty() ? 0 : static_cast<Index>(begin.size()) - 1;
  }
  /// Fixed block c.
  [[nodiscard]] std::span<const Index> fixed_block(Index c) const noexcept {
    const auto from = begin[static_cast<std::size_t>(c)];
    const auto to = begin[static_cast<std::size_t>(c) + 1];
    return {nodes.data() + from, static_cast<std::size_t>(to - from)};
  }
  /// The coordinates of the last step's block.
  [[nodiscard]] std::span<const Index> last_block() const noexcept {
    const Index* base = variable ? block.data() : nodes.data();
    return {base + last_begin, static_cast<std::size_t>(last_size)};
  }
};

/// Block coordinate descent with forest blocks on a sparse SPD quadratic, as an
/// `iterum::Method`. `P` is `bcd::QuadraticProblem<Eigen::SparseMatrix<S>>` (or any
/// `BlockSmooth` problem with a maintained gradient, `coordinate_lipschitz()` = A_ii and `a()`,
/// a symmetric column-major sparse matrix with both triangles). `Partition`: `RedBlack`,
/// `TreePartition` (fixed, taken in turn) or `GreedyForest` (grown per step); `Update`:
/// `TreeSolveUpdate`.
template <class Partition = GreedyForest, class Update = TreeSolveUpdate, class Scalar = double>
class ForestBlockDescent {
 public:
  using State = ForestState<Scalar, typename Partition::Workspace,
                            typename Update::template Workspace<Scalar>>;

  explicit ForestBlockDescent(Partition partition = {}, Update update = {})
      : partition_(std::move(partition)), update_(std::move(update)) {}

  /// Starts from x = 0.
  template <class P>
  [[nodiscard]] State init(const P& problem) const {
    return init(problem, Vector<Scalar>::Zero(problem.dim()));
  }

  /// Starts from `x0`. Builds a fixed partition and checks that each of its blocks induces a
  /// forest (`TreeSolveUpdate` finds no cycle) on which A_bb is positive definite.
  /// @throws iterum::invalid_argument for x0 of the wrong size, a fixed block with a cycle
  /// (`partition`), a block on which elimination meets a non-positive pivot (`problem`).
  template <class P>
  [[nodiscard]] State init(const P& problem, const Vector<Scalar>& x0) const {
    check_problem<P>();
    constexpr std::string_view function = "iterum::bcd::ForestBlockDescent::init";
    const Index n = problem.dim();
    detail::check_start(function, x0, n);
    State s;
    s.x = x0;
    detail::track(problem, s.x, s.tracked);
    s.update.resize(n);
    s.partition.resize(n);
    if constexpr (Partition::fixed) {
      partition_.build(problem.a(), s.nodes, s.begin);
      std::vector<char> seen(static_cast<std::size_t>(n), 0);
      for (const Index i : s.nodes) {
        if (i < 0 || i >= n || seen[static_cast<std::size_t>(i)] != 0) {
          check::fail(function, "partition", "must put every coordinate in exactly one block",
                      check::text(static_cast<long long>(i)));
        }
        seen[static_cast<std::size_t>(i)] = 1;
      }
      check::size(function, "partition", static_cast<Index>(s.nodes.size()), n,
                  "must put every coordinate in exactly one block");
      const Vector<Scalar> zero = Vector<Scalar>::Zero(n);
      for (Index c = 0; c < s.blocks(); ++c) {
        const auto outcome = Update::solve(problem.a(), s.fixed_block(c), zero, s.update);
        if (outcome == TreeSolveUpdate::Outcome::Cycle) {
          check::fail(function, "partition",
                      "has a block whose coordinates do not induce a forest in the sparsity graph "
                      "of A (block " +
                          std::to_string(c) + ")",
                      {});
        }
        if (outcome == TreeSolveUpdate::Outcome::NotPositive) {
          check::fail(
              function, "problem",
              "must be positive definite, but A_bb of block " + std::to_string(c) + " is not", {});
        }
      }
    } else {
      s.variable = true;
      s.block.resize(static_cast<std::size_t>(n));
    }
    return s;
  }

  /// One block step (no allocation): choose or grow the block, solve A_bb d = -g_b by message
  /// passing, move x_b. Returns `NumericalIssue` when the elimination meets a non-positive
  /// pivot (A not positive definite).
  template <class P>
  std::optional<Status> step(const P& problem, State& s) const {
    const auto& g = problem.gradient(s.tracked);
    std::span<const Index> block;
    if constexpr (Partition::fixed) {
      const Index c = s.iteration % s.blocks();
      block = s.fixed_block(c);
      s.last_begin = s.begin[static_cast<std::size_t>(c)];
    } else {
      const Index size = partition_.grow(problem.a(), g, problem.coordinate_lipschitz(),
                                         s.partition, std::span<Index>(s.block));
      block = {s.block.data(), static_cast<std::size_t>(size)};
      s.last_begin = 0;
    }
    s.last_size = static_cast<Index>(block.size());
    const auto outcome = Update::solve(problem.a(), block, g, s.update);
    ++s.iteration;
    ++s.work.block_steps;
    if (outcome != TreeSolveUpdate::Outcome::Solved) return Status::NumericalIssue;
    const auto& d = s.update.direction;
    double decrease = 0.0;
    for (Index k = 0; k < s.last_size; ++k)
      decrease -= 0.5 * static_cast<double>(g[block[static_cast<std::size_t>(k)]] * d[k]);
    s.last_decrease = decrease;
    for (Index k = 0; k < s.last_size; ++k) {
      const Scalar delta = d[k];
      if (delta == Scalar(0)) continue;
      const Index i = block[static_cast<std::size_t>(k)];
      s.x[i] += delta;
      problem.move(i, delta, s.tracked);
      ++s.work.coordinate_updates;
    }
    s.counters.oracle_calls = s.work.coordinate_updates + s.work.gradient_entries;
    return std::nullopt;
  }

  /// max_i |g_i| of the maintained gradient.
  template <class P>
  [[nodiscard]] double residual(const P& problem, const State& s) const {
    const auto& g = problem.gradient(s.tracked);
    return detail::largest_violation(g.size(),
                                     [&](Index i) { return std::abs(static_cast<double>(g[i])); });
  }

  /// O(|b|): a step changes only its block's entries.
  template <class P>
  [[nodiscard]] bool is_finite(const P& /*problem*/, const State& s) const {
    return detail::finite_after_step(s.x, s.last_size != 0, s.last_block());
  }

  /// f(x) of the state's iterate.
  template <class P>
  [[nodiscard]] Scalar objective(const P& problem, const State& s) const {
    return problem.value(s.x, s.tracked);
  }

  [[nodiscard]] const Partition& partition() const noexcept { return partition_; }

 private:
  template <class P>
  static constexpr void check_problem() {
    static_assert(MaintainedGradient<P>,
                  "iterum::bcd::ForestBlockDescent: the problem must maintain its gradient "
                  "(bcd::QuadraticProblem)");
    static_assert(detail::is_sparse_v<std::remove_cvref_t<decltype(std::declval<const P&>().a())>>,
                  "iterum::bcd::ForestBlockDescent: the problem's a() must be a sparse matrix "
                  "(bcd::QuadraticProblem<Eigen::SparseMatrix<double>>)");
  }

  Partition partition_;
  Update update_;
};

}  // namespace iterum::bcd
