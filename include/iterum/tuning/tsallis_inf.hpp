#pragma once

/// @file tsallis_inf.hpp
/// @brief `TsallisInf`: the 1/2-Tsallis-entropy bandit over a grid of parameter values.
///
/// Algorithm: Tsallis-INF (Zimmert & Seldin, "Tsallis-INF: An optimal algorithm for stochastic
/// and adversarial bandits", JMLR 2021, arXiv 1807.07623, Algorithm 1 with alpha = 1/2 and the
/// importance-weighted loss estimator), as Khodak, Chow, Balcan & Talwalkar run it to tune
/// SOR's omega ("Learning to Relax", ICLR 2024, arXiv 2310.02246, Sec. 3):
/// follow-the-regularized-leader with regularizer
/// -(4/eta_t) sum_i sqrt(w_i) and eta_t = c / sqrt(t) (c = 2 in the paper), whose solution is
/// w_i = 4 / (eta_t (Lhat_i / s - x))^2 with the normalizer x chosen so that sum_i w_i = 1;
/// Lhat_i accumulates cost / p_i for the arm played; s is the running mean of the costs seen, so
/// the learner needs no a-priori bound on the cost (the scale-free normalization of the
/// authors' code).
///
/// Deviations, documented: the normalizer is found by Newton's method started to the right of
/// the root (where sum_i w_i >= 1), so the iterates decrease monotonically to it and never
/// cross the pole at min_i Lhat_i / s (the authors start at -1, which can overshoot); and the
/// loss is the cost itself, not cost - 1 (the shift suits iteration counts only; the tuner is
/// generic).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"
#include "iterum/tuning/tuner.hpp"

namespace iterum::tuning {

/// Options of `TsallisInf`.
struct TsallisInfOptions {
  std::uint64_t seed = 0;      ///< seed of the arm draws
  double learning_rate = 2.0;  ///< c in eta_t = c / sqrt(t); the paper's 2 (Zimmert & Seldin)

  void validate(std::string_view function = "iterum::tuning::TsallisInfOptions::validate") const {
    check::positive(function, "options.learning_rate", learning_rate);
    check::finite(function, "options.learning_rate", learning_rate);
    // Outside this range 2 / eta overflows or is absorbed by the losses: the weights turn NaN.
    check::in_range(function, "options.learning_rate", learning_rate, 1e-6, 1e6);
  }
};

/// Tsallis-INF over `grid`. Models `Tuner`: `propose()` returns one of the grid's values,
/// `feedback(cost)` reports the (nonnegative, finite) cost of the solve run with it.
class TsallisInf {
 public:
  explicit TsallisInf(std::vector<double> grid, TsallisInfOptions options = {})
      : grid_(std::move(grid)), options_(options), engine_(make_engine(options.seed)) {
    constexpr std::string_view function = "iterum::tuning::TsallisInf";
    detail::check_grid(function, grid_);
    options_.validate(function);
    loss_.assign(grid_.size(), 0.0);
    weights_.assign(grid_.size(), 1.0 / static_cast<double>(grid_.size()));
  }

  /// Draws the arm of round t from the FTRL weights and returns its value.
  [[nodiscard]] double propose() {
    compute_weights();
    arm_ = detail::draw(weights_, random::uniform01(engine_));
    pending_ = true;
    return grid_[static_cast<std::size_t>(arm_)];
  }

  /// Reports the cost of the solve run with the last proposed value.
  void feedback(double cost) {
    detail::check_feedback("iterum::tuning::TsallisInf::feedback", pending_, cost);
    const auto i = static_cast<std::size_t>(arm_);
    // Losses and the cost sum are kept in units of 2^unit_exponent_ so that huge costs cannot
    // overflow them (the weights depend only on their ratios): rescale by a power of two
    // (exact) whenever they would leave the finite range.
    for (int attempt = 0; attempt < 8; ++attempt) {
      const double scaled = std::ldexp(cost, -unit_exponent_);
      const double loss = loss_[i] + scaled / weights_[i];
      const double sum = cost_sum_ + scaled;
      if ((loss <= 1e300 && sum <= 1e300) || attempt == 7) {
        loss_[i] = loss;  // importance-weighted estimate (unbiased for every arm)
        cost_sum_ = sum;
        break;
      }
      unit_exponent_ += 512;
      for (double& l : loss_) l = std::ldexp(l, -512);
      cost_sum_ = std::ldexp(cost_sum_, -512);
    }
    ++round_;
    pending_ = false;
  }

  /// The probabilities the last `propose()` drew from.
  [[nodiscard]] const std::vector<double>& probabilities() const noexcept { return weights_; }
  [[nodiscard]] const std::vector<double>& grid() const noexcept { return grid_; }
  /// Rounds completed (feedbacks received).
  [[nodiscard]] Index rounds() const noexcept { return round_; }

 private:
  /// w_i = 4 / (eta (l_i - x))^2 with l_i = Lhat_i / s and sum_i w_i = 1 (Zimmert & Seldin,
  /// Alg. 1, line 3). Newton on f(x) = sum_i w_i - 1, which is increasing and convex on
  /// x < min_i l_i, started where the best arm alone has weight 1 (so f >= 0): each step then
  /// moves left and stays right of the root.
  void compute_weights() {
    const double t = static_cast<double>(round_ + 1);
    const double eta = options_.learning_rate / std::sqrt(t);
    const double mean = round_ > 0 ? cost_sum_ / static_cast<double>(round_) : 0.0;
    const double scale = mean > 0 ? mean : 1.0;
    double lowest = loss_[0];
    for (double l : loss_) lowest = std::min(lowest, l);
    lowest /= scale;
    double x = lowest - 2.0 / eta;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double sum = 0, slope = 0;
      for (std::size_t i = 0; i < loss_.size(); ++i) {
        const double gap = eta * (loss_[i] / scale - x);
        const double w = 4.0 / (gap * gap);
        sum += w;
        slope += eta * w * std::sqrt(w);  // d w_i / dx = eta w_i^(3/2)
      }
      const double step = (sum - 1.0) / slope;
      x -= step;
      if (!(std::abs(step) > 1e-13 * (1.0 + std::abs(x)))) break;
    }
    double total = 0;
    for (std::size_t i = 0; i < loss_.size(); ++i) {
      const double gap = eta * (loss_[i] / scale - x);
      weights_[i] = 4.0 / (gap * gap);
      total += weights_[i];
    }
    for (double& w : weights_) w /= total;
  }

  std::vector<double> grid_;
  TsallisInfOptions options_;
  Engine engine_;
  std::vector<double> loss_;     // Lhat_i, in cost units times 2^-unit_exponent_
  std::vector<double> weights_;  // the distribution of the last draw
  double cost_sum_ = 0;          // in units of 2^unit_exponent_, like loss_
  int unit_exponent_ = 0;
  Index round_ = 0;
  Index arm_ = 0;
  bool pending_ = false;
};

}  // namespace iterum::tuning
