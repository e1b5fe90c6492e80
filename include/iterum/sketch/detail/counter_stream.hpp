#pragma once

/// @file counter_stream.hpp
/// @brief Counter-based random numbers for the sketch operators: the randomness of column j of a
/// sketch is a pure function of (seed, j), so any block of columns can be generated on its own.

#include <cmath>
#include <cstdint>

#include "iterum/core/types.hpp"

namespace iterum::sketch::detail {

/// The SplitMix64 finalizer (Steele, Lea, Flood, OOPSLA 2014): a bijective 64-bit mixer.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline constexpr std::uint64_t golden_gamma = 0x9E3779B97F4A7C15ull;

/// The key of one random purpose (`tag`) of one sketch (`seed`).
[[nodiscard]] constexpr std::uint64_t stream_key(std::uint64_t seed, std::uint64_t tag) noexcept {
  return mix64(mix64(seed) ^ mix64(tag * golden_gamma + 0x632BE59BD9B4E019ull));
}

/// A short SplitMix64 stream started at hash(key, counter): what column `counter` of a sketch
/// draws from. Deterministic, no hidden state beyond the 64-bit word.
class CounterStream {
 public:
  constexpr CounterStream(std::uint64_t key, std::uint64_t counter) noexcept
      : state_(mix64(key + golden_gamma * (counter + 1))) {}

  /// Next 64 random bits.
  constexpr std::uint64_t bits() noexcept {
    state_ += golden_gamma;
    return mix64(state_);
  }

  /// Uniform double in [0, 1) from the top 53 bits.
  double uniform01() noexcept { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }

  /// Uniform integer in {0, ..., n - 1} (n >= 1), exactly unbiased by rejection.
  Index below(Index n) noexcept {
    const auto range = static_cast<std::uint64_t>(n);
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    std::uint64_t draw = bits();
    while (draw >= limit) draw = bits();
    return static_cast<Index>(draw % range);
  }

  /// A pair of independent standard normals by Marsaglia's polar method (uses only the stream,
  /// log and sqrt, so it gives the same numbers with every standard library).
  void normal_pair(double& first, double& second) noexcept {
    for (;;) {
      const double u = 2.0 * uniform01() - 1.0;
      const double v = 2.0 * uniform01() - 1.0;
      const double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) {
        const double f = std::sqrt(-2.0 * std::log(s) / s);
        first = u * f;
        second = v * f;
        return;
      }
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace iterum::sketch::detail
