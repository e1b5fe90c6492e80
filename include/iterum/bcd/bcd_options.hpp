#pragma once

/// @file bcd_options.hpp
/// @brief `bcd::BcdOptions` and `bcd::BcdResult`: what the block coordinate descent facades
/// (`bcd::quadratic`, `bcd::nnls`, `bcd::l1_least_squares`,
/// `bcd::label_propagation`) take and return.

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "iterum/bcd/block_coordinate_descent.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/symmetry.hpp"

namespace iterum::bcd {

/// The block selection rule of a facade (the policies of selection.hpp).
enum class BcdSelection {
  Automatic,                ///< GSL for a smooth problem, GS-q with L1 or bounds
  Cyclic,                   ///< `Cyclic`
  Random,                   ///< `Random` (seeded by `options.seed`)
  Lipschitz,                ///< `LipschitzSampling`
  GaussSouthwell,           ///< `GaussSouthwell` (GS)
  GaussSouthwellLipschitz,  ///< `GaussSouthwellLipschitz` (GSL)
  GaussSouthwellQ,          ///< `GaussSouthwellQ` (GS-q)
};

/// The fixed partition of a facade (the policies of partition.hpp).
enum class BcdPartition {
  Order,  ///< `Order`: contiguous blocks in index order
  Sort,   ///< `Sort`: blocks of coordinates sorted by L_i
};

/// The block update of a facade (the policies of update.hpp).
enum class BcdUpdate {
  Automatic,  ///< `MatrixUpdate` for `quadratic`, `GradientUpdate` with L1 or bounds
  Gradient,   ///< `GradientUpdate`: the (proximal) gradient step 1/L_b
  Matrix,     ///< `MatrixUpdate`: -H_bb^{-1} g_b (g = 0 only: `quadratic`)
};

/// The forest blocks of `label_propagation` (the partitions of `ForestBlockDescent`).
enum class BcdForest {
  GreedyForest,   ///< `GreedyForest`: a forest grown in Gauss-Southwell order at every step
  TreePartition,  ///< `TreePartition`: fixed forests covering the graph, taken in turn
  RedBlack,       ///< `RedBlack`: fixed independent sets (Gauss-Seidel by colour)
};

/// Options of the block coordinate descent facades: the control fields (core/options.hpp),
/// then the family's own.
struct BcdOptions {
  /// Stop when the first-order optimality violation max_i dist(0, d_i f(x) + dg_i(x_i)) of the
  /// problem with A and b scaled by powers of two to largest entries in [1/2, 1) is at most
  /// this (a relative measure: dividing the violation by about max|A| max|b| for least
  /// squares and by max|b| for `quadratic`).
  double tolerance = 1e-10;
  /// Iteration (block step) budget; unset: max(10000, 100 B) for B blocks (at least 100 epochs of a
  /// cyclic rule).
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Seed of `Random` and `Lipschitz` selection.
  std::uint64_t seed = 0;
  /// Progress printing, certificate history, a callback (its iterate view is the iterate of
  /// the scaled problem: x divided by the power of two max|b| / max|A| rounds to).
  Monitor monitor{};
  /// Epochs (n coordinate operations: partial derivatives computed or coordinates moved)
  /// between two certificates; each certificate rebuilds the residual or gradient from x.
  double certificate_every = 1.0;
  /// tau, coordinates per fixed block; unset: min(5, n). Must satisfy 1 <= tau <= n.
  std::optional<Index> block_size{};
  BcdSelection selection = BcdSelection::Automatic;
  BcdPartition partition = BcdPartition::Sort;
  BcdUpdate update = BcdUpdate::Automatic;
  /// `label_propagation`: the forest blocks (block_size, selection, partition and update do not
  /// apply there).
  BcdForest forest = BcdForest::GreedyForest;
  /// `quadratic` checks |A(i,j) - A(j,i)| <= this max|A| (`label_propagation`: of the graph).
  double symmetry_tolerance = 1e-12;

  /// Throws `iterum::invalid_argument` for bad control fields, a block size below 1, or a
  /// negative or non-finite `symmetry_tolerance`.
  void validate(std::string_view function = "iterum::bcd::BcdOptions::validate") const {
    validate_control(function, *this);
    if (block_size) {
      check::positive(function, "options.block_size", static_cast<double>(*block_size));
    }
    linalg::detail::validate_symmetry_tolerance(function, symmetry_tolerance);
  }
};

/// What the block coordinate descent facades return: `x` and the summary (`residual` is the
/// certificate of `x`, recomputed from it), plus the objective, the support and the work.
struct BcdResult : Solution<double> {
  double objective = 0.0;  ///< F(x) = f(x) + g(x) at the returned x
  /// Nonzero entries of x (`quadratic`, `l1_least_squares`), entries off the bound
  /// (`nnls`: x_i > 0).
  Index support = 0;
  BcdWork work{};                 ///< block steps, coordinate updates, gradient entries
  std::int64_t certificates = 0;  ///< certificates evaluated (apart from `work`)
};

}  // namespace iterum::bcd
