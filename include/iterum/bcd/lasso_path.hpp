#pragma once

/// @file lasso_path.hpp
/// @brief `bcd::lasso_path`: Lasso / elastic-net solutions over a decreasing sequence of
/// lambdas, each warm-started from the previous one, each with its duality-gap certificate.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/bcd/elastic_net_problem.hpp"
#include "iterum/bcd/lasso.hpp"
#include "iterum/bcd/working_set_cd.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// Options of `lasso_path`: the control fields (`tolerance` and `max_iterations` apply to each
/// lambda, `time_limit_seconds` to the whole path), the grid, then the solver's settings.
struct PathOptions {
  double tolerance = 1e-8;  ///< relative duality gap of every solution (as `LassoOptions`)
  std::optional<Index> max_iterations{};  ///< epochs per lambda; unset: 100000
  double time_limit_seconds = std::numeric_limits<double>::infinity();  ///< whole path
  Monitor monitor{};  ///< sees each lambda's solve in turn
  /// Number of lambdas, geometrically spaced from lambda_max down to lambda_min_ratio x
  /// lambda_max (scikit-learn's `n_alphas`, `eps`; glmnet's `nlambda`, `lambda.min.ratio`).
  Index n_lambdas = 100;
  double lambda_min_ratio = 1e-3;
  /// An explicit grid instead (positive, finite, decreasing): then `n_lambdas` and
  /// `lambda_min_ratio` are ignored.
  std::vector<double> lambdas{};
  double l1_ratio = 1.0;  ///< the elastic net's mixing (1: Lasso); must lie in (0, 1]
  bool fit_intercept = true;
  Index working_set_start = 64;
  Index check_every = 10;
  bool screening = true;

  /// Throws `iterum::invalid_argument` naming the bad field.
  void validate(std::string_view function = "iterum::bcd::PathOptions::validate") const {
    validate_control(function, *this);
    check::positive(function, "options.n_lambdas", static_cast<double>(n_lambdas));
    check::in_range(function, "options.lambda_min_ratio", lambda_min_ratio, 0.0, 1.0,
                    check::Bound::Open, check::Bound::Open);
    check::in_range(function, "options.l1_ratio", l1_ratio, 0.0, 1.0, check::Bound::Open);
    check::positive(function, "options.working_set_start", static_cast<double>(working_set_start));
    check::positive(function, "options.check_every", static_cast<double>(check_every));
    for (std::size_t k = 0; k < lambdas.size(); ++k) {
      const std::string name = "options.lambdas[" + std::to_string(k) + "]";
      check::positive(function, name, lambdas[k]);
      check::finite(function, name, lambdas[k]);
      if (k > 0 && !(lambdas[k] < lambdas[k - 1])) {
        check::fail(function, name, "must be below the lambda before it (a decreasing grid)",
                    check::text(lambdas[k]));
      }
    }
  }
};

/// What `lasso_path` returns: per lambda, the coefficients (column k of `coefficients`, sparse),
/// intercept, relative duality gap, objective, support size, epochs and status. The summary:
/// `status` is `Converged` when every lambda's is; `residual` the largest relative gap;
/// `iterations` the epochs of all lambdas. When the time limit ends the path early, the
/// per-lambda vectors hold the lambdas solved so far (the last one with its own status).
struct PathResult : Summary {
  std::vector<double> lambdas;
  Eigen::SparseMatrix<double> coefficients;  ///< p x (lambdas solved)
  std::vector<double> intercepts;
  std::vector<double> gaps;        ///< relative duality gap per lambda (its `residual`)
  std::vector<double> objectives;  ///< objective per lambda (scikit-learn's scaling)
  std::vector<Index> supports;
  std::vector<Index> epochs;
  std::vector<Status> statuses;
  std::int64_t full_passes = 0;  ///< passes computing X' r over all columns, whole path
};

/// The Lasso (or, with `options.l1_ratio` < 1, the elastic net) over a grid of lambdas from
/// lambda_max down, in the scaling of `lasso` (scikit-learn's `lasso_path` / `enet_path`,
/// glmnet's path with `standardize = FALSE`). Each lambda starts from the previous solution,
/// and its first gap, screening and working set reuse X' r of that solution (no pass over X
/// between two lambdas); each solution is certified by its duality gap like `lasso`'s.
///
/// @throws iterum::invalid_argument as `lasso`, and for bad options (a grid that is not
///         positive and decreasing, l1_ratio outside (0, 1], n_lambdas < 1, ...).
template <class X>
[[nodiscard]] PathResult lasso_path(const X& x, const Vector<double>& y,
                                    const PathOptions& options = {}) {
  constexpr std::string_view function = "iterum::bcd::lasso_path";
  const Stopwatch clock;
  options.validate(function);
  detail::check_regression_data(function, x, y);
  return detail::with_elastic_net_problem(
      x, y, options.fit_intercept,
      [&](ElasticNetProblem<detail::lasso_matrix_t<X>>& problem, int ea, int eb) {
        PathResult out;
        const Index n = problem.rows(), p = problem.dim();
        // The grid, in the caller's units.
        if (!options.lambdas.empty()) {
          out.lambdas = options.lambdas;
        } else {
          const double top = std::ldexp(detail::largest_correlation(problem), ea + eb) /
                             (static_cast<double>(n) * options.l1_ratio);
          const Index k = options.n_lambdas;
          out.lambdas.resize(static_cast<std::size_t>(k));
          for (Index i = 0; i < k; ++i) {
            const double t = k > 1 ? static_cast<double>(i) / static_cast<double>(k - 1) : 0.0;
            out.lambdas[static_cast<std::size_t>(i)] = top * std::pow(options.lambda_min_ratio, t);
          }
        }
        const WorkingSetCd method({.working_set_start = options.working_set_start,
                                   .check_every = options.check_every,
                                   .inner_ratio = 0.3,
                                   .screening = options.screening});
        LassoOptions per;
        per.tolerance = options.tolerance;
        per.max_iterations = options.max_iterations;
        per.time_limit_seconds = options.time_limit_seconds;
        per.monitor = options.monitor;
        std::vector<Eigen::Triplet<double>> entries;
        std::optional<WorkingSetCd::State> state;
        out.status = Status::Converged;
        out.residual = 0.0;
        const double x_unit = std::ldexp(1.0, eb - ea);
        const double objective_unit = std::ldexp(1.0 / static_cast<double>(n), 2 * eb);
        std::size_t solved = 0;
        for (const double lambda : out.lambdas) {
          const auto [alpha, mu] = detail::penalty_weights(n, lambda, options.l1_ratio, ea, eb);
          problem.set_penalty(alpha, mu);
          if (!state) {
            state = method.init(problem);
          } else {
            method.restart(problem, *state);
          }
          auto result =
              solve_with_options(problem, method, std::move(*state), per, 100000, function, clock);
          state = std::move(result.state);
          // The solve stopped right after a full pass (Converged) or between two: the
          // certificate of what is kept is recomputed from it (and c' r with it).
          const double gap = WorkingSetCd::certify(problem, *state);
          Status status = result.status;
          if (status == Status::Converged && !(gap <= options.tolerance)) {
            status = Status::NumericalIssue;
          }
          for (Index j = 0; j < p; ++j) {
            if (state->x[j] != 0.0) {
              entries.emplace_back(j, static_cast<Index>(solved), state->x[j] * x_unit);
            }
          }
          out.intercepts.push_back(
              options.fit_intercept
                  ? std::ldexp(problem.y_mean() - problem.x_mean().dot(state->x), eb)
                  : 0.0);
          out.gaps.push_back(gap);
          out.objectives.push_back(state->primal * objective_unit);
          out.supports.push_back(static_cast<Index>((state->x.array() != 0.0).count()));
          out.epochs.push_back(result.iterations);
          out.statuses.push_back(status);
          out.iterations += result.iterations;
          out.counters += result.counters;
          out.residual = std::max(out.residual, gap);
          if (status != Status::Converged && out.status == Status::Converged) out.status = status;
          ++solved;
          if (status == Status::TimeLimit) break;
        }
        out.lambdas.resize(solved);
        out.full_passes = state ? state->full_passes : 0;
        out.counters.matvecs = out.full_passes;
        out.coefficients.resize(p, static_cast<Index>(solved));
        out.coefficients.setFromTriplets(entries.begin(), entries.end());
        out.seconds = clock.seconds();
        return out;
      });
}

}  // namespace iterum::bcd
