#pragma once

/// @file selection.hpp
/// @brief Block selection rules, as policies of `BlockCoordinateDescent`: `Cyclic`, `Random`,
/// `LipschitzSampling`, and the greedy rules `GaussSouthwell` (GS), `GaussSouthwellLipschitz`
/// (GSL) and `GaussSouthwellQ` (GS-q) of Nutini, Laradji & Schmidt, "Let's Make Block
/// Coordinate Descent Converge Faster", JMLR 23(131), 2022, arXiv 1712.08859.
///
/// A rule declares which per-block score it reads (`static constexpr BlockScore score`) and
/// picks a block with `rule.choose(input, engine)`, `input` a `SelectionInput`. The method
/// computes the scores from the full gradient at the current point (read from the problem's
/// maintained gradient when it has one, else from n partial derivatives) only for the rules
/// that read them.
///
/// For a composite f + g the greedy scores use the optimality violation s_i = dist(0, d_i f(x)
/// + dg_i(x_i)) in place of the gradient entry (the GS-s rule of Nutini et al., ICML 2015, arXiv
/// 1506.00552; s_i = |d_i f(x)| when g = 0),
/// and `GaussSouthwellQ` scores the guaranteed decrease of the proximal-gradient step.

#include <algorithm>
#include <span>

#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// What a selection rule reads.
enum class BlockScore {
  None,       ///< nothing: the rule needs no gradient (cyclic, random, Lipschitz sampling)
  Violation,  ///< sum over the block of s_i^2 (s_i: the optimality violation of coordinate i)
  Model,      ///< the decrease the proximal-gradient step with 1/L_b guarantees on the block
};

/// What the method hands a selection rule at each iteration.
struct SelectionInput {
  Index iteration = 0;                      ///< iterations completed
  std::span<const double> scores;           ///< one per block (empty for BlockScore::None)
  std::span<const double> block_lipschitz;  ///< L_b, one per block
  std::span<const double> cumulative;       ///< prefix sums of L_b (for Lipschitz sampling)

  [[nodiscard]] Index blocks() const noexcept { return static_cast<Index>(block_lipschitz.size()); }
};

namespace detail {
/// The first block with the largest value of `score(b)`.
template <class F>
[[nodiscard]] Index argmax_block(Index blocks, F score) {
  Index best = 0;
  double best_value = -1.0;
  for (Index b = 0; b < blocks; ++b) {
    const double v = score(b);
    if (v > best_value) {
      best_value = v;
      best = b;
    }
  }
  return best;
}
}  // namespace detail

/// Blocks in turn, 0, 1, ..., B-1, 0, ... (cyclic BCD).
struct Cyclic {
  static constexpr BlockScore score = BlockScore::None;
  [[nodiscard]] Index choose(const SelectionInput& in, Engine& /*engine*/) const noexcept {
    return in.iteration % in.blocks();
  }
};

/// A block drawn uniformly at random (the engine lives in the method's state; seed in Params).
struct Random {
  static constexpr BlockScore score = BlockScore::None;
  [[nodiscard]] Index choose(const SelectionInput& in, Engine& engine) const {
    return random::uniform_index(engine, in.blocks());
  }
};

/// A block drawn with probability L_b / sum_c L_c (Lipschitz sampling; O(log B) by bisection
/// of the prefix sums).
struct LipschitzSampling {
  static constexpr BlockScore score = BlockScore::None;
  [[nodiscard]] Index choose(const SelectionInput& in, Engine& engine) const {
    const double total = in.cumulative.back();
    const double u = random::uniform01(engine) * total;
    const auto it = std::upper_bound(in.cumulative.begin(), in.cumulative.end(), u);
    const auto b = static_cast<Index>(it - in.cumulative.begin());
    return std::min(b, in.blocks() - 1);
  }
};

/// Gauss-Southwell: the block with the largest ||s_b||^2 (arXiv 1712.08859: the block
/// GS rule, with the Euclidean norm; the authors' code scores the L1 norm instead).
struct GaussSouthwell {
  static constexpr BlockScore score = BlockScore::Violation;
  [[nodiscard]] Index choose(const SelectionInput& in, Engine& /*engine*/) const {
    return detail::argmax_block(in.blocks(),
                                [&](Index b) { return in.scores[static_cast<std::size_t>(b)]; });
  }
};

/// Gauss-Southwell-Lipschitz: the block with the largest ||s_b||^2 / L_b, the block whose
/// gradient step 1/L_b guarantees the largest decrease ||g_b||^2 / (2 L_b) (arXiv 1712.08859,
/// the GSL rule).
struct GaussSouthwellLipschitz {
  static constexpr BlockScore score = BlockScore::Violation;
  [[nodiscard]] Index choose(const SelectionInput& in, Engine& /*engine*/) const {
    return detail::argmax_block(in.blocks(), [&](Index b) {
      const auto k = static_cast<std::size_t>(b);
      return in.scores[k] / in.block_lipschitz[k];
    });
  }
};

/// GS-q: the block whose proximal-gradient step with 1/L_b guarantees the largest decrease of
/// the model, -min_d { g_b . d + L_b/2 ||d||^2 + g(x_b + d) - g(x_b) } (arXiv 1712.08859,
/// the GS-q rule for composite problems; for g = 0 it is GSL). The model separates
/// over the block's coordinates, so the score is a sum of scalar proximal steps.
struct GaussSouthwellQ {
  static constexpr BlockScore score = BlockScore::Model;
  [[nodiscard]] Index choose(const SelectionInput& in, Engine& /*engine*/) const {
    return detail::argmax_block(in.blocks(),
                                [&](Index b) { return in.scores[static_cast<std::size_t>(b)]; });
  }
};

}  // namespace iterum::bcd
