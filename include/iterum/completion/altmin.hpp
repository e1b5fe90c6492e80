#pragma once

/// @file altmin.hpp
/// @brief `completion::altmin`: low-rank matrix completion and ALS-WR recommenders by
/// alternating minimization; `AltMinOptions` and `AltMinSolver`.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/completion/altmin_method.hpp"
#include "iterum/completion/cg_row_solver.hpp"
#include "iterum/completion/completion_result.hpp"
#include "iterum/completion/exact_row_solver.hpp"
#include "iterum/completion/observations.hpp"
#include "iterum/completion/row_solver.hpp"
#include "iterum/completion/sketch_row_solver.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/step_limits.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"

namespace iterum::completion {

/// Which per-row least-squares solver `altmin` uses (`AltMinMethod`'s policy).
enum class AltMinSolver {
  /// `Exact` up to rank 10 or when rows and columns hold at least 4 rank observations on
  /// average, else `Cg`: what measured fastest per iteration (docs/completion.md).
  Auto,
  Exact,   ///< `ExactRowSolver`: normal equations + Cholesky
  Cg,      ///< `CgRowSolver`: warm-started CG to the adaptive accuracy
  Sketch,  ///< `SketchRowSolver`: GSYZ's sketch-preconditioned CG ("theory mode")
};

/// Options of `altmin`: the control fields, the model, then the method. The defaults fit the
/// regularized recommender model (ALS-WR with biases); for exact completion of a low-rank
/// matrix set `lambda = 0` and `biases = false` (the QR of the fixed factor is then active).
struct AltMinOptions {
  /// Stop with `Converged` once the certificate (docs/completion.md) is at most this. The
  /// default suits the regularized model, whose held-out error settles long before; exact
  /// completion (lambda = 0) converges linearly: ask 1e-10 or less there.
  double tolerance = 1e-4;
  /// Iteration budget (one iteration = both half-steps); unset: 100.
  std::optional<Index> max_iterations{};
  /// Budget on row least-squares solves (`BudgetExhausted`), polled inside half-steps.
  std::optional<std::int64_t> max_oracle_calls{};
  /// Wall-clock budget (`TimeLimit`), polled every 32 row solves.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Seed of the initial randomized SVD and of sketched row solves.
  std::uint64_t seed = 0;
  Monitor monitor{};

  /// Ridge on the factors: lambda |Omega_i| ||u_i||^2 / 2 per row with `weighted_lambda`
  /// (ALS-WR, as Spark MLlib scales regParam), else lambda ||u_i||^2 / 2.
  double lambda = 0.2;
  bool weighted_lambda = true;
  /// Fit a global mean and row and column biases, regularized by `bias_lambda`.
  bool biases = true;
  double bias_lambda = 5.0;
  /// Predictions (and the reported RMSEs) are clipped to [clip_min, clip_max], e.g. the
  /// rating scale.
  double clip_min = -std::numeric_limits<double>::infinity();
  double clip_max = std::numeric_limits<double>::infinity();

  AltMinSolver solver = AltMinSolver::Auto;
  /// QR of the fixed factor before each half-step (applies when lambda = 0).
  bool orthonormalize = true;
  /// Inexact solvers stop at forcing x certificate (relative), at most max_inner_tolerance.
  double forcing = 0.1;
  double max_inner_tolerance = 0.1;
  /// Power iterations of the initial randomized SVD, and the clipping of its rows.
  Index init_power_iterations = 6;
  double init_clip = 3.0;
  /// Sample splitting (JNS13 Alg. 2, GSYZ): Omega is split at random into 2T + 1 parts for
  /// T = the iteration budget, and each half-step fits one fresh part. A device of the proofs,
  /// off by default: at practical sampling rates each part leaves rows with fewer observations
  /// than the rank (docs/completion.md). The certificate stays that of all observations.
  bool sample_splitting = false;
  /// Settings of the CG and sketch row solvers.
  CgRowSolver::Params cg{};
  SketchRowSolver::Params sketch{};
  /// Held-out observations (same shape; not owned, must outlive the call): their RMSE is
  /// reported per iteration and at the end. Never used for fitting.
  const Observations* validation = nullptr;

  /// Throws `iterum::invalid_argument` naming the field.
  void validate(std::string_view function = "iterum::completion::AltMinOptions::validate") const {
    validate_control(function, *this);
    cg.validate(function);
    sketch.validate(function);
    method_params(1).validate(function);
  }

  /// The method's parameters for rank k.
  template <class Solver = CgRowSolver>
  [[nodiscard]] typename AltMinMethod<Solver>::Params method_params(Index k) const {
    typename AltMinMethod<Solver>::Params p;
    p.rank = k;
    p.lambda = lambda;
    p.weighted_lambda = weighted_lambda;
    p.biases = biases;
    p.bias_lambda = bias_lambda;
    p.orthonormalize = orthonormalize;
    p.forcing = forcing;
    p.max_inner_tolerance = max_inner_tolerance;
    p.init_power_iterations = init_power_iterations;
    p.init_clip = init_clip;
    p.clip_min = clip_min;
    p.clip_max = clip_max;
    p.seed = seed;
    return p;
  }
};

namespace detail {

inline constexpr std::string_view altmin_name = "iterum::completion::altmin";
inline constexpr Index altmin_default_iterations = 100;

inline void altmin_check(const Observations& train, Index rank, const AltMinOptions& options) {
  options.validate(altmin_name);
  check::positive(altmin_name, "observations (|Omega|)", static_cast<double>(train.size()));
  const Index small = std::min(train.rows(), train.cols());
  if (rank < 1 || rank > small) {
    check::fail(altmin_name, "rank",
                "must lie in [1, min(rows, cols)] = [1, " + std::to_string(small) + "]",
                std::to_string(rank));
  }
  if (options.validation != nullptr) {
    check::size(altmin_name, "options.validation", options.validation->rows(), train.rows(),
                "must have as many rows as the observations");
    check::size(altmin_name, "options.validation", options.validation->cols(), train.cols(),
                "must have as many columns as the observations");
  }
}

// Data of extreme magnitude are solved at unit scale: with M = 2^e M', the fit of M with
// (lambda, bias_lambda) is (2^(e/2) U', 2^(e/2) V', 2^e b', 2^e c', 2^e mu') for the fit of M'
// with (2^-e lambda, bias_lambda): F = 4^e F' at corresponding points.
inline int altmin_scale_exponent(const Observations& train) {
  const double top = train.max_abs();
  if (!(top > 0.0)) return 0;
  int e = 0;
  (void)std::frexp(top, &e);
  return (e < -64 || e > 64) ? e : 0;
}

// U carries 2^eu and V 2^ev of the scale 2^e (eu + ev = e).
inline std::pair<int, int> altmin_factor_exponents(int e) {
  const int eu = e >= 0 ? (e + 1) / 2 : -((-e) / 2);
  return {eu, e - eu};
}

template <class Solver, class Start>
CompletionResult altmin_run(const Observations& train_in, Index rank,
                            const AltMinOptions& options_in, const Solver& solver,
                            const Start& start, const Stopwatch& clock) {
  const int e = altmin_scale_exponent(train_in);
  std::optional<Observations> train_scaled;
  std::optional<Observations> validation_scaled;
  AltMinOptions options = options_in;
  if (e != 0) {
    train_scaled = train_in.scaled_by_power_of_two(-e);
    if (options_in.validation != nullptr) {
      validation_scaled = options_in.validation->scaled_by_power_of_two(-e);
      options.validation = &*validation_scaled;
    }
    options.lambda = std::ldexp(options_in.lambda, -e);
    options.clip_min = std::ldexp(options_in.clip_min, -e);
    options.clip_max = std::ldexp(options_in.clip_max, -e);
  }
  const Observations& train = e != 0 ? *train_scaled : train_in;
  auto params = options.template method_params<Solver>(rank);
  params.limits = step_limits(options, clock);
  if (options.sample_splitting) {
    params.split_parts = 2 * iteration_budget(options, altmin_default_iterations) + 1;
  }
  AltMinMethod<Solver> method(params, solver);
  const CompletionProblem problem{train, options.validation};
  using State = typename AltMinMethod<Solver>::State;
  State state = start(method, problem, e);
  std::vector<double> rmse;
  std::vector<double> held_out;
  auto record = [&](const Info<State>& info) {
    rmse.push_back(info.state.rmse);
    if (options.validation != nullptr) held_out.push_back(info.state.validation_rmse);
  };
  auto result = solve_monitored(problem, method, std::move(state),
                                stop::from_options(options, altmin_default_iterations),
                                options.monitor, altmin_name, clock, record);
  CompletionResult out;
  const State& s = result.state;
  const Index k = rank;
  // Back to the caller's scale (exact: powers of two).
  const int eu = altmin_factor_exponents(e).first;
  const int ev = altmin_factor_exponents(e).second;
  auto up = [](double x, int by) { return by == 0 ? x : std::ldexp(x, by); };
  out.u = s.x.bottomRows(k).transpose().unaryExpr([&](double x) { return up(x, eu); });
  out.v = s.y.bottomRows(k).transpose().unaryExpr([&](double x) { return up(x, ev); });
  if (options.biases) {
    out.row_bias = s.x.row(0).transpose().unaryExpr([&](double x) { return up(x, e); });
    out.col_bias = s.y.row(0).transpose().unaryExpr([&](double x) { return up(x, e); });
    out.mean = up(s.mean, e);
  } else {
    out.row_bias = Vector<double>::Zero(train.rows());
    out.col_bias = Vector<double>::Zero(train.cols());
  }
  out.rmse = up(s.rmse, e);
  if (options.validation != nullptr) out.validation_rmse = up(s.validation_rmse, e);
  for (double& r : rmse) r = up(r, e);
  for (double& r : held_out) r = up(r, e);
  out.rmse_history = std::move(rmse);
  out.validation_history = std::move(held_out);
  out.passes = s.passes;
  out.regularized_solves = s.regularized_solves;
  out.failed_solves = s.failed_solves;
  out.lambda = options_in.lambda;
  out.weighted_lambda = options.weighted_lambda;
  out.biases = options.biases;
  out.bias_lambda = options.bias_lambda;
  out.clip_min = options_in.clip_min;
  out.clip_max = options_in.clip_max;
  out.seen_start.resize(static_cast<std::size_t>(train.rows()) + 1);
  out.seen_start[0] = 0;
  out.seen_cols.reserve(static_cast<std::size_t>(train.size()));
  for (Index i = 0; i < train.rows(); ++i) {
    const auto line = train.row(i);
    out.seen_cols.insert(out.seen_cols.end(), line.index.begin(), line.index.end());
    out.seen_start[static_cast<std::size_t>(i) + 1] = static_cast<Index>(out.seen_cols.size());
  }
  pack_summary(out, result, clock);
  return out;
}

template <class Start>
CompletionResult altmin_dispatch(const Observations& train, Index rank,
                                 const AltMinOptions& options, const Start& start,
                                 const Stopwatch& clock) {
  AltMinSolver solver = options.solver;
  if (solver == AltMinSolver::Auto) {
    // Exact costs ~ n_r p^2 / 2 + p^3 / 6 per row, CG ~ 2 s n_r p with s ~ 3-6 steps: the
    // Cholesky term decides on sparse rows (measured: MovieLens, 16 observations per row on
    // average, CG 2.7x faster at k = 50; 400 per row at k = 30, exact 1.5x faster).
    const double per_line =
        2.0 * static_cast<double>(train.size()) / static_cast<double>(train.rows() + train.cols());
    solver = rank <= 10 || per_line >= 4.0 * static_cast<double>(rank) ? AltMinSolver::Exact
                                                                       : AltMinSolver::Cg;
  }
  switch (solver) {
    case AltMinSolver::Exact:
      return altmin_run(train, rank, options, ExactRowSolver{}, start, clock);
    case AltMinSolver::Sketch:
      return altmin_run(train, rank, options, SketchRowSolver(options.sketch), start, clock);
    case AltMinSolver::Auto:
    case AltMinSolver::Cg:
    default:
      return altmin_run(train, rank, options, CgRowSolver(options.cg), start, clock);
  }
}

}  // namespace detail

/// Fits a rank-`rank` model to the observations by alternating minimization (`AltMinMethod`:
/// Jain, Netrapalli & Sanghavi, arXiv 1212.0467; Gu, Song, Yin & Zhang, arXiv 2302.11068;
/// ALS-WR, Zhou et al. 2008), from the spectral initialization.
///
/// @return the factors, biases, status, iterations, `residual` (the certificate), RMSEs,
///         counters (`oracle_calls`: row solves; `inner_iterations`: CG steps), history.
/// @throws iterum::invalid_argument for no observations, a rank outside [1, min(m, n)], a
///         validation set of another shape, or bad options.
[[nodiscard]] inline CompletionResult altmin(const Observations& train, Index rank,
                                             const AltMinOptions& options = {}) {
  const Stopwatch clock;
  detail::altmin_check(train, rank, options);
  return detail::altmin_dispatch(
      train, rank, options,
      [](const auto& method, const auto& problem, int) { return method.init(problem); }, clock);
}

/// The same with a row solver of your own (any model of `RowSolver`); `options.solver` and
/// its settings are then ignored.
template <RowSolver Solver>
[[nodiscard]] CompletionResult altmin(const Observations& train, Index rank,
                                      const AltMinOptions& options, const Solver& solver) {
  const Stopwatch clock;
  detail::altmin_check(train, rank, options);
  return detail::altmin_run(
      train, rank, options, solver,
      [](const auto& method, const auto& problem, int) { return method.init(problem); }, clock);
}

/// A warm start from an earlier fit (`start`: same shape; its rank, factors, biases and mean)
/// — e.g. after adding observations, or to continue with other options. `options.biases` must
/// match `start.biases`.
[[nodiscard]] inline CompletionResult altmin(const Observations& train,
                                             const CompletionResult& start,
                                             const AltMinOptions& options = {}) {
  const Stopwatch clock;
  const Index rank = start.rank();
  detail::altmin_check(train, rank, options);
  check::size(detail::altmin_name, "start", start.rows(), train.rows(),
              "must have as many rows as the observations");
  check::size(detail::altmin_name, "start", start.cols(), train.cols(),
              "must have as many columns as the observations");
  check::that(start.biases == options.biases, detail::altmin_name, "start",
              "must have biases exactly when options.biases is set");
  const Index off = options.biases ? 1 : 0;
  Matrix<double> x0(rank + off, train.rows());
  Matrix<double> y0(rank + off, train.cols());
  x0.bottomRows(rank) = start.u.transpose();
  y0.bottomRows(rank) = start.v.transpose();
  if (options.biases) {
    x0.row(0) = start.row_bias.transpose();
    y0.row(0) = start.col_bias.transpose();
  }
  return detail::altmin_dispatch(
      train, rank, options,
      [&](const auto& method, const auto& problem, int e) {
        if (e == 0) return method.init(problem, x0, y0, start.mean);
        // Into the unit scale the solve runs at (see detail::altmin_run).
        const int eu = detail::altmin_factor_exponents(e).first;
        const int ev = detail::altmin_factor_exponents(e).second;
        Matrix<double> xs = x0;
        Matrix<double> ys = y0;
        xs.bottomRows(rank) =
            xs.bottomRows(rank).unaryExpr([&](double t) { return std::ldexp(t, -eu); });
        ys.bottomRows(rank) =
            ys.bottomRows(rank).unaryExpr([&](double t) { return std::ldexp(t, -ev); });
        if (off == 1) {
          xs.row(0) = xs.row(0).unaryExpr([&](double t) { return std::ldexp(t, -e); });
          ys.row(0) = ys.row(0).unaryExpr([&](double t) { return std::ldexp(t, -e); });
        }
        return method.init(problem, xs, ys, std::ldexp(start.mean, -e));
      },
      clock);
}

}  // namespace iterum::completion
