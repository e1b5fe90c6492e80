#pragma once

/// @file alias_table.hpp
/// @brief `iterum::random::AliasTable`: O(1) draws from a fixed discrete distribution on
/// {0, ..., n - 1} by Walker's alias method, built in O(n) by Vose's stable construction
/// (A. J. Walker, "An efficient method for generating discrete random variables with general
/// distributions", ACM TOMS 3 (1977) 253-256; M. D. Vose, "A linear algorithm for generating
/// random numbers with a given distribution", IEEE TSE 17 (1991) 972-975).
///
/// A draw takes one `uniform_index` and one `uniform01` from the engine (core/random.hpp), so a
/// seed gives the same indices with every standard library; drawing never allocates.

#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"

namespace iterum::random {

/// The distribution p_i = w_i / sum_j w_j for nonnegative weights w, sampled in O(1).
class AliasTable {
 public:
  AliasTable() = default;

  /// Builds the table for `weights` (n >= 1 entries, finite, nonnegative, not all zero).
  /// @throws iterum::invalid_argument naming `iterum::random::AliasTable` and `weights`.
  explicit AliasTable(std::span<const double> weights) {
    constexpr std::string_view function = "iterum::random::AliasTable";
    const auto n = static_cast<Index>(weights.size());
    check::positive(function, "weights.size()", static_cast<double>(n));
    double total = 0.0;
    for (const double w : weights) {
      check::finite(function, "weights", w);
      check::nonnegative(function, "weights", w);
      total += w;
    }
    if (!(total > 0.0) || !std::isfinite(total)) {
      check::fail(function, "weights", "must have a positive finite sum", check::text(total));
    }
    const auto size = static_cast<std::size_t>(n);
    probability_.resize(size);
    threshold_.assign(size, 1.0);
    alias_.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      probability_[i] = weights[i] / total;
      alias_[i] = static_cast<Index>(i);
    }
    // Vose: scaled probabilities n p_i split into those below 1 ("small") and the rest; each
    // small column is topped up by one large column, which loses the amount it gives.
    std::vector<double> scaled(size);
    std::vector<Index> small;
    std::vector<Index> large;
    small.reserve(size);
    large.reserve(size);
    for (std::size_t i = 0; i < size; ++i) {
      scaled[i] = probability_[i] * static_cast<double>(n);
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<Index>(i));
    }
    while (!small.empty() && !large.empty()) {
      const auto s = static_cast<std::size_t>(small.back());
      small.pop_back();
      const auto l = static_cast<std::size_t>(large.back());
      threshold_[s] = scaled[s];
      alias_[s] = static_cast<Index>(l);
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(static_cast<Index>(l));
      }
    }
    // Whatever is left is 1 up to rounding: such columns keep their own index (threshold 1).
  }

  /// n, the number of outcomes.
  [[nodiscard]] Index size() const noexcept { return static_cast<Index>(probability_.size()); }

  /// p_i, the normalized weight of outcome i.
  [[nodiscard]] double probability(Index i) const noexcept {
    return probability_[static_cast<std::size_t>(i)];
  }

  /// One draw: column j uniform, then j itself with probability threshold_j, else its alias.
  [[nodiscard]] Index operator()(Engine& engine) const {
    const Index j = uniform_index(engine, size());
    const auto k = static_cast<std::size_t>(j);
    return uniform01(engine) < threshold_[k] ? j : alias_[k];
  }

 private:
  std::vector<double> probability_;
  std::vector<double> threshold_;
  std::vector<Index> alias_;
};

}  // namespace iterum::random
