#pragma once

/// @file random.hpp
/// @brief Seeded engine and portable distributions.
///
/// The C++ standard fully specifies the engines (`std::mt19937_64` gives the same stream
/// everywhere) but not the distributions: `std::uniform_real_distribution` and
/// `std::normal_distribution` give different numbers on libstdc++ and libc++. Every random
/// draw in iterum goes through the functions below, which depend only on the engine's output
/// and on IEEE arithmetic, so a seed gives the same results with either standard library.

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum {

/// The engine every randomized iterum component uses: 64-bit Mersenne Twister.
using Engine = std::mt19937_64;

/// An engine seeded with `seed` (no `std::random_device` anywhere in iterum).
[[nodiscard]] inline Engine make_engine(std::uint64_t seed) { return Engine(seed); }

namespace random {

/// Uniform double in [0, 1), from the engine's top 53 bits.
[[nodiscard]] inline double uniform01(Engine& engine) {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

/// Uniform double between lo and hi (lo <= hi, both finite); computed as (1 - u) lo + u hi so
/// that even the widest finite range does not overflow.
[[nodiscard]] inline double uniform(Engine& engine, double lo, double hi) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo <= hi)) {
    check::fail("iterum::random::uniform", "hi",
                "must be finite and at least lo (" + detail::format_number(lo) + ")",
                detail::format_number(hi));
  }
  const double u = uniform01(engine);
  return (1.0 - u) * lo + u * hi;
}

/// Uniform integer in {0, ..., n - 1}, exactly unbiased (rejection on the top of the range).
[[nodiscard]] inline Index uniform_index(Engine& engine, Index n) {
  check::positive("iterum::random::uniform_index", "n", static_cast<double>(n));
  const auto range = static_cast<std::uint64_t>(n);
  // Largest multiple of `range` representable: draws at or above it are rejected.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
  std::uint64_t draw = engine();
  while (draw >= limit) draw = engine();
  return static_cast<Index>(draw % range);
}

/// Standard normal draw by Marsaglia's polar method (uses only the engine, log and sqrt; the
/// second variate of each accepted pair is discarded so that a draw has no hidden state).
[[nodiscard]] inline double normal(Engine& engine) {
  for (;;) {
    const double u = 2.0 * uniform01(engine) - 1.0;
    const double v = 2.0 * uniform01(engine) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

/// Normal draw with the given mean and standard deviation (finite, stddev >= 0).
[[nodiscard]] inline double normal(Engine& engine, double mean, double stddev) {
  check::finite("iterum::random::normal", "mean", mean);
  check::finite("iterum::random::normal", "stddev", stddev);
  check::nonnegative("iterum::random::normal", "stddev", stddev);
  return mean + stddev * normal(engine);
}

/// Fisher-Yates shuffle driven by `uniform_index`.
template <class T>
void shuffle(Engine& engine, std::span<T> values) {
  for (auto i = static_cast<Index>(values.size()) - 1; i > 0; --i) {
    const auto j = uniform_index(engine, i + 1);
    using std::swap;
    swap(values[static_cast<std::size_t>(i)], values[static_cast<std::size_t>(j)]);
  }
}

/// A vector of `n` independent uniform draws in [lo, hi).
template <class Scalar = double>
[[nodiscard]] Vector<Scalar> uniform_vector(Engine& engine, Index n, double lo = 0.0,
                                            double hi = 1.0) {
  check::nonnegative("iterum::random::uniform_vector", "n", static_cast<double>(n));
  Vector<Scalar> v(n);
  for (Index i = 0; i < n; ++i) v[i] = static_cast<Scalar>(uniform(engine, lo, hi));
  return v;
}

/// A vector of `n` independent standard normal draws.
template <class Scalar = double>
[[nodiscard]] Vector<Scalar> normal_vector(Engine& engine, Index n) {
  check::nonnegative("iterum::random::normal_vector", "n", static_cast<double>(n));
  Vector<Scalar> v(n);
  for (Index i = 0; i < n; ++i) v[i] = static_cast<Scalar>(normal(engine));
  return v;
}

}  // namespace random
}  // namespace iterum
