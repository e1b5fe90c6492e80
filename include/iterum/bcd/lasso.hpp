#pragma once

/// @file lasso.hpp
/// @brief `bcd::lasso`, `bcd::elastic_net` and `bcd::lambda_max`: sparse linear regression by
/// working-set coordinate descent with a duality-gap certificate, in scikit-learn's scaling.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/bcd/block_coordinate_descent.hpp"
#include "iterum/bcd/detail/run.hpp"
#include "iterum/bcd/elastic_net_problem.hpp"
#include "iterum/bcd/working_set_cd.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// Options of `lasso` and `elastic_net`: the control fields, then the solver's own.
struct LassoOptions {
  /// Stop when the duality gap, relative to ||y - mean(y)||^2 / n_samples in the objective's
  /// scaling (scikit-learn's `tol`: gap < tol ||y||^2 / n), is at most this.
  double tolerance = 1e-8;
  /// Budget of epochs over the working set; unset: 100000.
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, certificate history, a callback (it sees w of the internally scaled
  /// data: X and y are divided by the powers of two their largest entries round to).
  Monitor monitor{};
  /// Fit an unpenalized intercept (centers X and y; sparse X stays sparse).
  bool fit_intercept = true;
  /// Smallest working set (`WorkingSetCd::Params::working_set_start`).
  Index working_set_start = 64;
  /// Epochs between two working-set gaps.
  Index check_every = 10;
  /// Gap-safe screening at every full pass.
  bool screening = true;

  /// Throws `iterum::invalid_argument` naming the bad field.
  void validate(std::string_view function = "iterum::bcd::LassoOptions::validate") const {
    validate_control(function, *this);
    check::positive(function, "options.working_set_start", static_cast<double>(working_set_start));
    check::positive(function, "options.check_every", static_cast<double>(check_every));
  }
};

/// What `lasso` and `elastic_net` return: the coefficients `x`, the `intercept`, and the
/// summary; `residual` is the relative duality gap of the returned coefficients (recomputed
/// from them), `gap` the absolute one and `objective` the primal value, both in the objective's
/// scaling (1/(2 n_samples) ||y - X x - intercept||^2 + penalty).
struct LassoResult : Solution<double> {
  double intercept = 0.0;
  double objective = 0.0;
  double gap = 0.0;              ///< duality gap: objective - optimum <= gap
  Index support = 0;             ///< nonzero coefficients
  Index screened = 0;            ///< coefficients proven zero by gap-safe screening
  std::int64_t full_passes = 0;  ///< passes computing X' r over all columns
  BcdWork work{};                ///< epochs (block_steps), coordinate updates, partial derivatives
};

namespace detail {

/// X in the layout the solver works on: column-major dense or compressed CSC.
template <class X>
using lasso_matrix_t = std::conditional_t<std::is_base_of_v<Eigen::SparseMatrixBase<X>, X>,
                                          Eigen::SparseMatrix<double>, Matrix<double>>;

/// Checks X and y (shape, finiteness, not empty).
template <class X>
void check_regression_data(std::string_view function, const X& x, const Vector<double>& y) {
  check::not_empty(function, "X", x.rows() * x.cols());
  check::size(function, "y", y.size(), x.rows(), "must have as many entries as X has rows");
  check::all_finite(function, "X", x);
  check::all_finite(function, "y", y);
}

/// max_j |c_j' y_c| for the (centered) data.
template <class M>
[[nodiscard]] double largest_correlation(const ElasticNetProblem<M>& problem) {
  double m = 0.0;
  for (Index j = 0; j < problem.dim(); ++j)
    m = std::max(m, std::abs(problem.dot(j, problem.y(), 0.0)));
  return m;
}

/// The unnormalized weights alpha = n lambda l1_ratio and mu = n lambda (1 - l1_ratio) of
/// `ElasticNetProblem` for data scaled by X = 2^ea X', y = 2^eb y'.
[[nodiscard]] inline std::pair<double, double> penalty_weights(Index rows, double lambda,
                                                               double l1_ratio, int ea, int eb) {
  const double n = static_cast<double>(rows);
  return {std::ldexp(n * lambda * l1_ratio, -ea - eb),
          std::ldexp(n * lambda * (1.0 - l1_ratio), -2 * ea)};
}

/// Builds the `ElasticNetProblem` of X and y (penalty 0: set it with `set_penalty`) and returns
/// f(problem, ea, eb). Powers of two bring the largest entries into [1/2, 1) when they lie far
/// from 1 (exact away from subnormals; then X = 2^ea X', y = 2^eb y' and w = 2^(eb - ea) w');
/// data of ordinary magnitude are used as they are, without a copy of X unless a dense X is
/// centered or X must be converted.
template <class X, class F>
auto with_elastic_net_problem(const X& x, const Vector<double>& y, bool center, F&& f) {
  using M = lasso_matrix_t<X>;
  constexpr int safe = 300;  // |exponent| up to which squares and products stay in range
  const int ea0 = binary_exponent(largest_entry(x));
  const int eb0 = binary_exponent(largest_entry(y));
  if (std::abs(ea0) > safe || std::abs(eb0) > safe) {
    M xs(x);
    Vector<double> ys = y;
    scale_by_power_of_two(xs, -ea0);
    scale_by_power_of_two(ys, -eb0);
    ElasticNetProblem<M> problem(std::move(xs), std::move(ys), 0.0, 0.0, center);
    return f(problem, ea0, eb0);
  }
  if constexpr (std::is_same_v<X, M>) {
    ElasticNetProblem<M> problem(x, y, 0.0, 0.0, center);  // a view of x
    return f(problem, 0, 0);
  } else {
    ElasticNetProblem<M> problem(M(x), y, 0.0, 0.0, center);
    return f(problem, 0, 0);
  }
}

template <class M>
LassoResult elastic_net_run(std::string_view function, const ElasticNetProblem<M>& problem, int ea,
                            int eb, const LassoOptions& options,
                            const std::optional<Vector<double>>& x0, const Stopwatch& clock);

/// The solve shared by `lasso` and `elastic_net`.
template <class X>
LassoResult elastic_net_solve(std::string_view function, const X& x, const Vector<double>& y,
                              double lambda, double l1_ratio, const LassoOptions& options,
                              const std::optional<Vector<double>>& x0) {
  const Stopwatch clock;
  options.validate(function);
  check_regression_data(function, x, y);
  if (x0) {
    check::size(function, "x0", x0->size(), x.cols(), "must have as many entries as X has columns");
    check::all_finite(function, "x0", *x0);
  }
  return with_elastic_net_problem(
      x, y, options.fit_intercept,
      [&](ElasticNetProblem<lasso_matrix_t<X>>& problem, int ea, int eb) {
        const auto [alpha, mu] = penalty_weights(problem.rows(), lambda, l1_ratio, ea, eb);
        problem.set_penalty(alpha, mu);
        return elastic_net_run(function, problem, ea, eb, options, x0, clock);
      });
}

/// Runs `WorkingSetCd` on the prepared problem and packs the result in the caller's units.
template <class M>
LassoResult elastic_net_run(std::string_view function, const ElasticNetProblem<M>& problem, int ea,
                            int eb, const LassoOptions& options,
                            const std::optional<Vector<double>>& x0, const Stopwatch& clock) {
  const double n = static_cast<double>(problem.rows());
  const double alpha = problem.alpha(), mu = problem.mu();
  const WorkingSetCd method({.working_set_start = options.working_set_start,
                             .check_every = options.check_every,
                             .inner_ratio = 0.3,
                             .screening = options.screening});
  Vector<double> start = Vector<double>::Zero(problem.dim());
  if (x0) start = x0->unaryExpr([ea, eb](double v) { return std::ldexp(v, ea - eb); });
  if (!std::isfinite(alpha) || !std::isfinite(mu)) start.setZero();  // the optimum is w = 0
  if (!start.allFinite()) start.setZero();
  auto state = method.init(problem, start);
  auto result =
      solve_with_options(problem, method, std::move(state), options, 100000, function, clock);
  auto& s = result.state;
  // The certificate of what is returned, from a residual rebuilt from it.
  result.residual = WorkingSetCd::certify(problem, s);
  if (result.status == Status::Converged && !(result.residual <= options.tolerance)) {
    result.status = Status::NumericalIssue;
  }
  LassoResult out;
  out.x = s.x.unaryExpr([ea, eb](double v) { return std::ldexp(v, eb - ea); });
  const double scale_objective = std::ldexp(1.0 / n, 2 * eb);
  out.objective = s.primal * scale_objective;
  out.gap = s.gap * scale_objective;
  out.support = static_cast<Index>((s.x.array() != 0.0).count());
  out.screened = s.screened_count;
  out.full_passes = s.full_passes;
  out.work = s.work;
  if (options.fit_intercept) {
    out.intercept = std::ldexp(problem.y_mean() - problem.x_mean().dot(s.x), eb);
  }
  if (!out.x.allFinite() || !std::isfinite(out.intercept)) result.status = Status::NumericalIssue;
  result.counters.oracle_calls = s.work.gradient_entries;
  result.counters.matvecs = s.full_passes;
  pack_summary(out, result, clock);
  return out;
}

}  // namespace detail

/// The smallest lambda for which the Lasso's solution is w = 0: max_j |x_j' (y - mean y)| /
/// n_samples (columns centered with `fit_intercept`), divided by `l1_ratio` for the elastic net.
template <class X>
[[nodiscard]] double lambda_max(const X& x, const Vector<double>& y, bool fit_intercept = true,
                                double l1_ratio = 1.0) {
  constexpr std::string_view function = "iterum::bcd::lambda_max";
  detail::check_regression_data(function, x, y);
  check::in_range(function, "l1_ratio", l1_ratio, 0.0, 1.0, check::Bound::Open);
  const ElasticNetProblem<detail::lasso_matrix_t<X>> problem(detail::lasso_matrix_t<X>(x), y, 0.0,
                                                             0.0, fit_intercept);
  return detail::largest_correlation(problem) / (static_cast<double>(x.rows()) * l1_ratio);
}

/// The Lasso in scikit-learn's scaling (`sklearn.linear_model.Lasso(alpha=lambda)`):
///
///   min_w,b 1/(2 n) ||y - X w - b||^2 + lambda ||w||_1
///
/// (glmnet's lambda is the same with standardize = FALSE; liblinear's C for the L1-regularized
/// L2 loss is 1/(2 n lambda) without the intercept), by working-set coordinate descent
/// (`WorkingSetCd`) from w = 0 or `x0`.
///
/// @param x  n x p, dense or sparse (CSC; never densified).
/// @param lambda  > 0 (lambda = 0 is ordinary least squares: use `sketch::lstsq` or linalg).
/// @throws iterum::invalid_argument for an empty X, y of the wrong size, NaN/Inf in X, y or
///         x0, lambda not positive and finite, or bad options.
template <class X>
[[nodiscard]] LassoResult lasso(const X& x, const Vector<double>& y, double lambda,
                                const LassoOptions& options = {},
                                std::optional<Vector<double>> x0 = std::nullopt) {
  constexpr std::string_view function = "iterum::bcd::lasso";
  check::positive(function, "lambda", lambda);
  check::finite(function, "lambda", lambda);
  return detail::elastic_net_solve(function, x, y, lambda, 1.0, options, x0);
}

/// The elastic net in scikit-learn's scaling (`ElasticNet(alpha=lambda, l1_ratio=l1_ratio)`):
///
///   min_w,b 1/(2 n) ||y - X w - b||^2 + lambda l1_ratio ||w||_1
///           + lambda (1 - l1_ratio) / 2 ||w||^2,
///
/// @param l1_ratio  in [0, 1] (1: the Lasso; 0: ridge regression).
/// @throws as `lasso`, and for l1_ratio outside [0, 1].
template <class X>
[[nodiscard]] LassoResult elastic_net(const X& x, const Vector<double>& y, double lambda,
                                      double l1_ratio, const LassoOptions& options = {},
                                      std::optional<Vector<double>> x0 = std::nullopt) {
  constexpr std::string_view function = "iterum::bcd::elastic_net";
  check::positive(function, "lambda", lambda);
  check::finite(function, "lambda", lambda);
  check::in_range(function, "l1_ratio", l1_ratio, 0.0, 1.0);
  return detail::elastic_net_solve(function, x, y, lambda, l1_ratio, options, x0);
}

}  // namespace iterum::bcd
