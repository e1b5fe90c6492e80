#pragma once

/// @file epsilon_scaling.hpp
/// @brief `EpsilonScaling`: the epsilon-scaling (annealing) schedule of the entropic OT solvers
/// (`SinkhornOptions::epsilon_scaling`, `SnsOptions::epsilon_scaling`), and the stage driver
/// that runs a solver through it.
///
/// Algorithm: Schmitzer, "Stabilized sparse scaling algorithms for entropy regularized transport
/// problems", SIAM J. Sci. Comput. 41(3), 2019, arXiv 1610.06519, Sec. 3.2 (epsilon-scaling):
/// solve a sequence of problems epsilon_0 > epsilon_1 > ... > epsilon_K = epsilon (the target),
/// epsilon_{k+1} = max(factor epsilon_k, epsilon), each started from the dual potentials (f, g)
/// of the previous one. The potentials converge as epsilon -> 0 (to a Kantorovich pair), so
/// each stage starts close to its solution, while a cold start at a small epsilon spends its
/// iterations moving mass across distances of order max C with steps of order epsilon.
/// Intermediate stages are solved loosely (relative marginal error `stage_tolerance`); only the
/// target stage is held to the caller's tolerance, and its certificate alone decides the status.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/ot/transport_result.hpp"

namespace iterum::ot {

/// The epsilon schedule of an epsilon-scaled solve (Schmitzer, arXiv 1610.06519, Sec. 3.2):
/// stages at epsilon_0 = `start`, then times `factor` each, down to the target epsilon, each
/// warm-started from the previous stage's potentials.
struct EpsilonScaling {
  /// epsilon of the first stage, in the cost's units; 0 (the default): the range max C - min C
  /// of the cost on the support of the marginals (at least the target). Must be at least the
  /// target epsilon when set.
  double start = 0.0;
  /// epsilon_{k+1} = factor epsilon_k (the last stage at the target), in (0, 1). 0.1 measured
  /// best (or as good as 0.25, within the noise) for SNS on 2-D clouds at n = 1000 (docs/ot.md).
  double factor = 0.1;
  /// Relative marginal error (divided by the total mass) to which intermediate stages are
  /// solved; the target stage uses the options' own `tolerance`.
  double stage_tolerance = 1e-3;

  /// Throws `iterum::invalid_argument` naming `function` and `<prefix><field>` for a bad field.
  void validate(std::string_view function = "iterum::ot::EpsilonScaling::validate",
                std::string_view prefix = "options.epsilon_scaling.") const {
    const auto name = [prefix](std::string_view field) {
      return std::string(prefix).append(field);
    };
    check::nonnegative(function, name("start"), start);
    check::finite(function, name("start"), start);
    check::in_range(function, name("factor"), factor, 0.0, 1.0, check::Bound::Open,
                    check::Bound::Open);
    check::positive(function, name("stage_tolerance"), stage_tolerance);
    check::finite(function, name("stage_tolerance"), stage_tolerance);
  }

  [[nodiscard]] friend bool operator==(const EpsilonScaling&, const EpsilonScaling&) = default;
};

namespace detail {

/// max C - min C on the support of the marginals: the default first epsilon of a schedule.
[[nodiscard]] inline double cost_range(const EntropicProblem& problem) {
  return problem.cost().maxCoeff() - problem.cost().minCoeff();
}

/// Runs an epsilon-scaled solve: `solve(epsilon_k, stage_options)` solves one stage (the
/// facade, with `epsilon_scaling` unset in `stage_options`), from the previous stage's
/// potentials. `cost_range` is max C - min C on the support (the default start),
/// `default_budget` the iteration budget of all stages when `options.max_iterations` is unset
/// (the facade's default for this size). Iterations, Sinkhorn and Newton iterations, counters
/// and history add up over the stages; the status, residual and every certificate are the
/// target stage's (a budget spent before the target: the last potentials certified at the
/// target with the caller's tolerance, in 0 iterations); `seconds` runs from `clock`.
template <class Options, class Solve>
[[nodiscard]] TransportResult epsilon_scaled(std::string_view function, double epsilon,
                                             double cost_range, Index default_budget,
                                             const Options& options, const EpsilonScaling& schedule,
                                             Solve&& solve, const Stopwatch& clock) {
  if (schedule.start > 0 && schedule.start < epsilon) {
    check::fail(function, "options.epsilon_scaling.start",
                "must be at least epsilon (" + check::text(epsilon) + ")",
                check::text(schedule.start));
  }
  const double start = schedule.start > 0 ? schedule.start : std::max(cost_range, epsilon);
  // One budget for all stages: the options' own, or the default for this size.
  const Index budget = options.max_iterations ? *options.max_iterations : default_budget;
  Options stage = options;
  stage.epsilon_scaling.reset();
  TransportResult total;
  Index used = 0;
  Index stages = 0;
  bool out_of_time = false;
  double current = start;
  for (;;) {
    const double stage_epsilon = std::max(current, epsilon);
    const bool last = stage_epsilon <= epsilon;
    const double left_seconds = options.time_limit_seconds - clock.seconds();
    out_of_time = out_of_time || !(left_seconds > 0);
    const Index left = budget - used;
    // A budget spent early still certifies the last potentials at the target epsilon.
    const bool spent = out_of_time || left <= 0;
    if (last || spent) {
      stage.tolerance = options.tolerance;
      stage.tolerance_kind = options.tolerance_kind;
    } else {
      stage.tolerance = schedule.stage_tolerance;
      // MarginalTolerance::Relative (declared with the options, in sinkhorn.hpp).
      stage.tolerance_kind = decltype(stage.tolerance_kind)::Relative;
    }
    stage.max_iterations = spent ? Index{0} : left;
    stage.time_limit_seconds =
        spent ? std::numeric_limits<double>::infinity() : std::max(left_seconds, 1e-9);
    const double run_epsilon = spent ? epsilon : stage_epsilon;
    TransportResult result = solve(run_epsilon, std::as_const(stage));
    ++stages;
    used += result.iterations;
    total.iterations += result.iterations;
    total.sinkhorn_iterations += result.sinkhorn_iterations;
    total.newton_iterations += result.newton_iterations;
    total.counters += result.counters;
    total.history.insert(total.history.end(), result.history.begin(), result.history.end());
    if (spent || run_epsilon <= epsilon) {
      const Index iterations = total.iterations;
      const Index sinkhorn_iterations = total.sinkhorn_iterations;
      const Index newton_iterations = total.newton_iterations;
      const Counters counters = total.counters;
      std::vector<double> history = std::move(total.history);
      total = std::move(result);
      total.iterations = iterations;
      total.sinkhorn_iterations = sinkhorn_iterations;
      total.newton_iterations = newton_iterations;
      total.counters = counters;
      total.history = std::move(history);
      total.stages = stages;
      if (total.status != Status::Converged && spent) {
        total.status = out_of_time ? Status::TimeLimit : Status::MaxIterations;
      }
      total.seconds = clock.seconds();
      return total;
    }
    if (result.f.allFinite() && result.g.allFinite()) {
      stage.f0 = std::move(result.f);
      stage.g0 = std::move(result.g);
    }
    current *= schedule.factor;
  }
}

}  // namespace detail
}  // namespace iterum::ot
