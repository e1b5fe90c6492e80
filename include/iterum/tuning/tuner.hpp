#pragma once

/// @file tuner.hpp
/// @brief Parameter grids (`uniform_grid`,
/// `log_gap_grid`) and the `Fixed` baseline tuner.
///
/// A tuner chooses one scalar parameter of a method before each solve of a sequence of related
/// problems and learns from the cost of that solve (iterations, seconds, ...). It knows
/// nothing about the method: SOR's omega, SSOR-CG's omega or any other scalar are tuned the
/// same way (Khodak, Chow, Balcan & Talwalkar, "Learning to Relax", ICLR 2024,
/// arXiv 2310.02246, Sec. 1: online learning over a sequence of instances).

#include <Eigen/Core>
#include <cmath>
#include <concepts>
#include <limits>
#include <string_view>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::tuning {

// The `Tuner` and `ContextualTuner` concepts live in core/concepts.hpp (any family's scalar
// can be tuned); they are brought into this namespace for the code that spells them
// `tuning::Tuner`.
using iterum::ContextualTuner;
using iterum::Tuner;

/// Evenly spaced values from `lo` to `hi` (both included).
[[nodiscard]] inline std::vector<double> uniform_grid(double lo, double hi, Index count) {
  constexpr std::string_view function = "iterum::tuning::uniform_grid";
  check::finite(function, "lo", lo);
  check::finite(function, "hi", hi);
  check::positive(function, "count", static_cast<double>(count));
  std::vector<double> grid(static_cast<std::size_t>(count));
  for (Index i = 0; i < count; ++i) {
    const double s = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
    // hi - lo can overflow (lo = -1e308, hi = 1e308): then interpolate as (1 - s) lo + s hi.
    const double value = std::isfinite(hi - lo) ? lo + s * (hi - lo) : (1.0 - s) * lo + s * hi;
    grid[static_cast<std::size_t>(i)] = i + 1 == count && count > 1 ? hi : value;
  }
  return grid;
}

/// `count` values from `lo` to `hi` (both included) whose distances to `limit` are
/// geometrically spaced: limit - v_i = (limit - lo)^(1 - s_i) (limit - hi)^(s_i),
/// s_i = i / (count - 1). For SOR's omega with limit 2 this puts the arms densely where the
/// cost changes fastest, near 2 (the arms are evenly spaced in s = -log(2 - omega)). Needs
/// lo, hi < limit.
[[nodiscard]] inline std::vector<double> log_gap_grid(double lo, double hi, Index count,
                                                      double limit = 2.0) {
  constexpr std::string_view function = "iterum::tuning::log_gap_grid";
  check::finite(function, "limit", limit);
  check::in_range(function, "lo", lo, -std::numeric_limits<double>::max(), limit,
                  check::Bound::Closed, check::Bound::Open);
  check::in_range(function, "hi", hi, -std::numeric_limits<double>::max(), limit,
                  check::Bound::Closed, check::Bound::Open);
  std::vector<double> grid = uniform_grid(std::log(limit - lo), std::log(limit - hi), count);
  for (double& g : grid) g = limit - std::exp(g);
  grid.front() = lo;
  grid.back() = hi;
  return grid;
}

/// Always proposes the same value: the "best fixed value" and "default" baselines. Models
/// `Tuner` and `ContextualTuner` (the context is ignored).
class Fixed {
 public:
  explicit Fixed(double value) : value_(value) {
    check::finite("iterum::tuning::Fixed", "value", value);
  }
  [[nodiscard]] double propose() const noexcept { return value_; }
  [[nodiscard]] double propose(double /*context*/) const noexcept { return value_; }
  void feedback(double /*cost*/) const noexcept {}

 private:
  double value_;
};

namespace detail {

/// Throws unless the arm grid is non-empty and finite.
inline void check_grid(std::string_view function, const std::vector<double>& grid) {
  check::not_empty(function, "grid", static_cast<Index>(grid.size()));
  check::all_finite(
      function, "grid",
      Eigen::Map<const Eigen::VectorXd>(grid.data(), static_cast<Index>(grid.size())));
}

/// Throws unless a reported cost is finite and nonnegative, and a proposal is pending.
inline void check_feedback(std::string_view function, bool pending, double cost) {
  check::that(pending, function, "this", "needs a propose() before each feedback()");
  check::finite(function, "cost", cost);
  check::nonnegative(function, "cost", cost);
}

/// Draws an index from the probabilities `p` (summing to 1 up to round-off) with u in [0, 1).
[[nodiscard]] inline Index draw(const std::vector<double>& p, double u) noexcept {
  double total = 0;
  for (double v : p) total += v;
  double acc = 0;
  const double target = u * total;
  for (std::size_t i = 0; i < p.size(); ++i) {
    acc += p[i];
    if (target < acc) return static_cast<Index>(i);
  }
  // Round-off left the target beyond the last sum: the last arm with positive probability.
  for (std::size_t i = p.size(); i-- > 0;)
    if (p[i] > 0) return static_cast<Index>(i);
  return 0;
}

}  // namespace detail
}  // namespace iterum::tuning
