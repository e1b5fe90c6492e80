#pragma once

/// @file cheb_cb.hpp
/// @brief `ChebCB`: a contextual bandit over a grid of parameter values, with one Chebyshev
/// regression of the cost on a scalar context per arm and inverse-gap-weighted exploration.
///
/// Algorithm: ChebCB of Khodak, Chow, Balcan & Talwalkar ("Learning to Relax", ICLR 2024,
/// arXiv 2310.02246, Sec. 4): SquareCB
/// (Foster & Rakhlin, "Beyond UCB", ICML 2020, arXiv 2002.04926, Algorithm 1, inverse gap
/// weighting p_i = 1 / (d + eta (yhat_i - yhat_min)) for the arms other than the greedy one)
/// with a regression oracle that fits, per arm, the normalized cost y = cost / scale as
/// theta . (T_0(z), ..., T_{m-1}(z)), z = 2 (c - a) / (b - a) - 1, by least squares under
/// box bounds that encode the decay of Chebyshev coefficients of a Lipschitz function:
///   K = largest cost so far, Lc = (max cost - min cost) / (b - a) (empirical Lipschitz
///   constant), N = 2 + 4 (b - a) Lc / K (1 + log m), scale = K N,
///   |theta_0| <= 1 / N, |theta_j| <= 2 (b - a) Lc / (scale j) for j >= 1.
/// The learning rate follows the authors' code: eta = 2 t sqrt(d t / (R - F + 2 alpha^2 t)),
/// with R the online squared loss of the predictions made for the played arms, F the in-sample
/// squared loss of the current fits, and alpha = (pi + (2/pi) log(2m + 1)) (b - a) Lc /
/// (2 scale (m + 1)) the Chebyshev truncation error.
///
/// Deviations, documented: the bounded least-squares problems are solved by projected
/// coordinate descent on the normal equations (6 unknowns; the authors call MATLAB's lsqlin);
/// F sums the fits of all arms (the online-regression regret of SquareCB's analysis) where the
/// authors' code uses the played arm's; the loss is the cost itself, not cost - 1.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"
#include "iterum/tuning/tuner.hpp"

namespace iterum::tuning {

/// Options of `ChebCB`.
struct ChebCBOptions {
  std::uint64_t seed = 0;    ///< seed of the arm draws
  double context_min = 0.0;  ///< a: the smallest context `propose` accepts
  double context_max = 1.0;  ///< b: the largest context `propose` accepts (> a)
  Index features = 6;        ///< m: Chebyshev polynomials T_0 .. T_{m-1} (the paper's 6)

  void validate(std::string_view function = "iterum::tuning::ChebCBOptions::validate") const {
    check::finite(function, "options.context_min", context_min);
    check::finite(function, "options.context_max", context_max);
    if (!(context_max > context_min)) {
      check::fail(function, "options.context_max",
                  "must be larger than options.context_min (" + check::text(context_min) + ")",
                  check::text(context_max));
    }
    if (!std::isfinite(context_max - context_min)) {
      check::fail(function, "options.context_max",
                  "minus options.context_min must be finite (got " + check::text(context_max) +
                      " - " + check::text(context_min) + ")",
                  {});
    }
    check::in_range(function, "options.features", static_cast<double>(features), 1.0, 32.0);
  }
};

/// ChebCB over `grid`. Models `ContextualTuner`: `propose(context)` with a context in
/// [context_min, context_max] returns one of the grid's values; `feedback(cost)` reports the
/// (nonnegative, finite) cost of the solve run with it.
class ChebCB {
 public:
  explicit ChebCB(std::vector<double> grid, ChebCBOptions options = {})
      : grid_(std::move(grid)), options_(options), engine_(make_engine(options.seed)) {
    constexpr std::string_view function = "iterum::tuning::ChebCB";
    detail::check_grid(function, grid_);
    options_.validate(function);
    const Index d = arms();
    const Index m = options_.features;
    gram_.assign(static_cast<std::size_t>(d), Matrix<double>::Zero(m, m));
    moment_.assign(static_cast<std::size_t>(d), Vector<double>::Zero(m));
    theta_.assign(static_cast<std::size_t>(d), Vector<double>::Zero(m));
    square_.assign(static_cast<std::size_t>(d), 0.0);
    probabilities_.assign(static_cast<std::size_t>(d), 1.0 / static_cast<double>(d));
    feature_ = Vector<double>::Zero(m);
    lower_ = Vector<double>::Zero(m);
    upper_ = Vector<double>::Zero(m);
  }

  /// Predicts every arm's cost at `context` and draws an arm by inverse gap weighting.
  [[nodiscard]] double propose(double context) {
    constexpr std::string_view function = "iterum::tuning::ChebCB::propose";
    check::in_range(function, "context", context, options_.context_min, options_.context_max);
    chebyshev_features(context, feature_);
    const Index d = arms();
    Index best = 0;
    std::vector<double>& p = probabilities_;
    for (Index i = 0; i < d; ++i) {
      p[static_cast<std::size_t>(i)] = theta_[static_cast<std::size_t>(i)].dot(feature_);
      if (p[static_cast<std::size_t>(i)] < p[static_cast<std::size_t>(best)]) best = i;
    }
    const double lowest = p[static_cast<std::size_t>(best)];
    prediction_ = lowest;
    double others = 0;
    for (Index i = 0; i < d; ++i) {
      if (i == best) continue;
      auto& v = p[static_cast<std::size_t>(i)];
      v = 1.0 / (static_cast<double>(d) + eta_ * (v - lowest));
      others += v;
    }
    p[static_cast<std::size_t>(best)] = std::max(0.0, 1.0 - others);
    arm_ = detail::draw(p, random::uniform01(engine_));
    prediction_ = theta_[static_cast<std::size_t>(arm_)].dot(feature_) * scale_;  // unit_ units
    pending_ = true;
    return grid_[static_cast<std::size_t>(arm_)];
  }

  /// Reports the cost of the solve run with the last proposed value, refits the regressions
  /// and updates the learning rate.
  void feedback(double cost) {
    detail::check_feedback("iterum::tuning::ChebCB::feedback", pending_, cost);
    pending_ = false;
    ++round_;
    const auto i = static_cast<std::size_t>(arm_);
    // Sums are kept in units of unit_, the power of two with unit_ <= largest cost < 2 unit_,
    // so that costs near the top of the double range (squares past 1e308) cannot overflow them
    // and tiny ones (1e-200, squares below the denormals) cannot underflow; rescaling by a
    // power of two is exact, so the fits are those of the unscaled sums. (The unit moves down
    // only while every cost so far is below it, so no sum can overflow when it does.)
    bool unit_moved = false;
    const double top = round_ == 1 ? cost : std::max(highest_, cost);
    if (top > 0) {
      const int exponent = std::ilogb(top);
      const int shift = std::ilogb(unit_) - exponent;  // values in the new unit: times 2^shift
      if (shift != 0) {
        const auto rescale = [shift](double v) { return std::ldexp(v, shift); };
        for (std::size_t a = 0; a < moment_.size(); ++a) {
          moment_[a] = moment_[a].unaryExpr(rescale);
          square_[a] = std::ldexp(square_[a], 2 * shift);
        }
        online_error_ = std::ldexp(online_error_, 2 * shift);
        prediction_ = std::ldexp(prediction_, shift);
        unit_ = std::ldexp(1.0, exponent);
        unit_moved = true;
      }
    }
    const double y = cost / unit_;
    gram_[i] += feature_ * feature_.transpose();
    moment_[i] += y * feature_;
    square_[i] += y * y;
    online_error_ += (prediction_ - y) * (prediction_ - y);
    const bool first = round_ == 1;
    highest_ = first ? cost : std::max(highest_, cost);
    lowest_ = first ? cost : std::min(lowest_, cost);

    const double m = static_cast<double>(options_.features);
    const double width = options_.context_max - options_.context_min;
    const double high = highest_ / unit_;                             // in units of unit_
    const double lipschitz = ((highest_ - lowest_) / unit_) / width;  // ditto, per context
    const double n_factor =
        high > 0 ? 2.0 + 4.0 * width * lipschitz / high * (1.0 + std::log(m)) : 2.0;
    const double scale = high > 0 ? high * n_factor : 1.0 / unit_;
    lower_[0] = -1.0 / n_factor;
    upper_[0] = 1.0 / n_factor;
    for (Index j = 1; j < options_.features; ++j) {
      upper_[j] = 2.0 * width * lipschitz / (scale * static_cast<double>(j));
      lower_[j] = -upper_[j];
    }
    if (scale != scale_ || unit_moved) {  // the normalization moved: every fit changes
      scale_ = scale;
      for (std::size_t a = 0; a < theta_.size(); ++a) fit(a);
    } else {
      fit(i);
    }

    double in_sample = 0;
    for (std::size_t a = 0; a < theta_.size(); ++a) {
      const Vector<double>& th = theta_[a];
      in_sample += square_[a] / (scale_ * scale_) - 2.0 * th.dot(moment_[a]) / scale_ +
                   th.dot(gram_[a] * th);
    }
    const double alpha = (std::numbers::pi + 2.0 / std::numbers::pi * std::log(2.0 * m + 1.0)) /
                         (2.0 * scale_ * (m + 1.0)) * width * lipschitz;
    const double t = static_cast<double>(round_);
    const double excess = online_error_ / (scale_ * scale_) - in_sample + 2.0 * alpha * alpha * t;
    const double d = static_cast<double>(arms());
    // A perfect fit (no excess, e.g. constant costs) would make eta infinite: floor it.
    eta_ = 2.0 * t * std::sqrt(d * t / std::max(excess, 1e-12 * t));
  }

  /// The probabilities the last `propose()` drew from.
  [[nodiscard]] const std::vector<double>& probabilities() const noexcept { return probabilities_; }
  [[nodiscard]] const std::vector<double>& grid() const noexcept { return grid_; }
  /// The predicted cost of every arm at `context` (cost units).
  [[nodiscard]] std::vector<double> predict(double context) const {
    check::in_range("iterum::tuning::ChebCB::predict", "context", context, options_.context_min,
                    options_.context_max);
    Vector<double> phi(options_.features);
    chebyshev_features(context, phi);
    std::vector<double> out(grid_.size());
    for (std::size_t a = 0; a < grid_.size(); ++a) out[a] = theta_[a].dot(phi) * scale_ * unit_;
    return out;
  }
  [[nodiscard]] Index rounds() const noexcept { return round_; }

 private:
  [[nodiscard]] Index arms() const noexcept { return static_cast<Index>(grid_.size()); }

  /// T_0(z) .. T_{m-1}(z) by the three-term recurrence, z the context mapped to [-1, 1].
  void chebyshev_features(double context, Vector<double>& phi) const {
    const double z =
        2.0 * (context - options_.context_min) / (options_.context_max - options_.context_min) -
        1.0;
    phi[0] = 1.0;
    if (phi.size() > 1) phi[1] = z;
    for (Index j = 2; j < phi.size(); ++j) phi[j] = 2.0 * z * phi[j - 1] - phi[j - 2];
  }

  /// Box-constrained least squares for arm a: minimize 1/2 theta' G theta - (h / scale)' theta
  /// over lower <= theta <= upper, by projected cyclic coordinate descent from the previous fit
  /// (convergent for a positive semidefinite G; coordinates with no data stay at 0).
  void fit(std::size_t a) {
    const Matrix<double>& g = gram_[a];
    const Vector<double> h = moment_[a] / scale_;
    Vector<double>& th = theta_[a];
    th = th.cwiseMax(lower_).cwiseMin(upper_);
    for (int sweep = 0; sweep < 500; ++sweep) {
      double change = 0;
      for (Index j = 0; j < th.size(); ++j) {
        const double gjj = g(j, j);
        if (!(gjj > 0)) {
          th[j] = 0.0;
          continue;
        }
        const double gradient = g.row(j).dot(th) - h[j];
        const double next = std::clamp(th[j] - gradient / gjj, lower_[j], upper_[j]);
        change = std::max(change, std::abs(next - th[j]));
        th[j] = next;
      }
      if (change <= 1e-13 * (1.0 + th.cwiseAbs().maxCoeff())) break;
    }
  }

  std::vector<double> grid_;
  ChebCBOptions options_;
  Engine engine_;
  std::vector<Matrix<double>> gram_;    // per arm: sum of phi phi'
  std::vector<Vector<double>> moment_;  // per arm: sum of cost phi, in units of unit_
  std::vector<double> square_;          // per arm: sum of cost^2, in units of unit_^2
  std::vector<Vector<double>> theta_;   // per arm: the fit, in units of cost / scale
  std::vector<double> probabilities_;
  Vector<double> feature_, lower_, upper_;
  double scale_ = 1.0;  // the normalization K N, in units of unit_
  double unit_ = 1.0;   // the power of two of the largest cost seen (1 until a positive one)
  double eta_ = 0.0;
  double highest_ = 0.0, lowest_ = 0.0;
  double online_error_ = 0.0;  // sum of (prediction - cost)^2 in units of unit_^2
  double prediction_ = 0.0;    // prediction for the arm played, in units of unit_
  Index round_ = 0;
  Index arm_ = 0;
  bool pending_ = false;
};

}  // namespace iterum::tuning
