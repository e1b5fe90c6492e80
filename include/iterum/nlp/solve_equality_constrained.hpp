#pragma once

/// @file solve_equality_constrained.hpp
/// @brief The facade `iterum::nlp::solve_equality_constrained(problem, x0, options)`: min f(x)
/// s.t. c(x) = 0 by the exact-augmented-Lagrangian inexact Newton method of Hong, Na, Mahoney
/// & Kolar (ICML 2023, arXiv 2305.18379; `EalNewton`, eal_newton.hpp), with its options
/// (`EalOptions`) and result (`NlpResult`).

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/direct_solver.hpp"
#include "iterum/linalg/minres.hpp"
#include "iterum/nlp/eal_newton.hpp"
#include "iterum/nlp/sketched_kkt_solver.hpp"
#include "iterum/sketch/sketch_and_project.hpp"

namespace iterum::nlp {

/// The solver of the Newton (KKT) systems.
enum class KktSolverKind {
  Ldlt,    ///< dense LDL^T of K (`linalg::DenseLdlt<>`): exact directions
  Minres,  ///< MINRES on K (`linalg::Minres<Matrix<double>>`) to the adaptive accuracy
  Sketch,  ///< sketch-and-project on K, MINRES past the inner cap (`SketchedKktSolver`)
};

/// Options of `solve_equality_constrained`: the control fields (core/options.hpp), then the
/// method's settings (those of `EalParams`, same names and defaults) and the KKT solver.
struct EalOptions {
  /// Stop when the KKT residual max(||grad f + G^T lambda||, ||c||) (absolute, 2-norms) is at
  /// most this.
  double tolerance = 1e-8;
  /// Newton iteration budget; unset means 1000.
  std::optional<Index> max_iterations{};
  /// Budget on callback evaluations (f, grad f, c, G and the Hessian each count one).
  std::optional<std::int64_t> max_oracle_calls{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Seed of the sketches (`KktSolverKind::Sketch`; the other solvers draw nothing).
  std::uint64_t seed = 0;
  /// Progress printing, residual history, a callback seeing x.
  Monitor monitor{};
  /// Which solver solves the KKT systems.
  KktSolverKind kkt_solver = KktSolverKind::Ldlt;
  /// With `KktSolverKind::Sketch`: the sketch and its block size (unset: min(n + m, 8)); the
  /// inner cap on sketch steps is `method.inner_max_iterations` (unset: 100000).
  sketch::SapVariant sketch_variant = sketch::SapVariant::Kaczmarz;
  std::optional<Index> sketch_block_size{};
  /// The method's settings (accuracy rule, eta, superlinear mode, mu0, nu0, delta, beta, rho,
  /// xi_B, safeguards, inner budget); see `EalParams`.
  EalParams method{};

  /// Throws `iterum::invalid_argument` naming `function` and the bad field.
  void validate(std::string_view function = "iterum::nlp::EalOptions::validate") const {
    validate_control(function, *this);
    method.validate(function);
    check::that(sketch_variant != sketch::SapVariant::Extended, function, "options.sketch_variant",
                "must be Kaczmarz, BlockKaczmarz or Gaussian");
    if (sketch_block_size) {
      check::positive(function, "options.sketch_block_size",
                      static_cast<double>(*sketch_block_size));
    }
  }

  static constexpr Index default_max_iterations = 1000;
};

/// What `solve_equality_constrained` returns: `x`, the multipliers, the summary (`iterations`
/// = Newton steps, `residual` = the KKT residual recomputed at the returned (x, lambda),
/// `counters.oracle_calls` = callback evaluations, `counters.inner_iterations` = iterations of
/// the KKT solver) and the method's final parameters.
struct NlpResult : Solution<double> {
  Vector<double> lambda{};            ///< multipliers: grad f + G^T lambda = 0 at a KKT point
  double objective = 0.0;             ///< f(x)
  double constraint_violation = 0.0;  ///< ||c(x)||
  double mu = 0.0;                    ///< final penalty mu
  double nu = 0.0;                    ///< final weight nu
  std::int64_t fallbacks = 0;         ///< KKT solves redone by the dense LU fallback
  std::int64_t sketch_fallbacks = 0;  ///< sketched KKT solves that hit the cap, finished by MINRES
  std::int64_t hessian_shifts = 0;    ///< Newton steps whose Hessian was modified
  NlpEvaluations evaluations{};       ///< callback evaluations by kind
};

namespace detail {

template <class P>
constexpr bool check_equality_constrained_problem() {
  static_assert(EqualityConstrainedProblem<P>,
                "iterum::nlp::solve_equality_constrained: the problem must model "
                "iterum::EqualityConstrainedProblem (dim(), constraints(), value(x), "
                "gradient(x, g), constraint(x, c), jacobian(x, G), lagrangian_hessian(x, "
                "lambda, H)); see docs/nlp.md");
  return EqualityConstrainedProblem<P>;
}

/// Checks the sizes and finiteness of every callback's output at x0, naming the callback.
template <class P>
void check_problem_at(std::string_view function, const P& p, const Vector<double>& x0) {
  const Index n = p.dim();
  const Index m = p.constraints();
  const double f = static_cast<double>(p.value(x0));
  check::finite(function, "problem.value(x0)", f);
  Vector<double> g, c;
  Matrix<double> jac, h;
  p.gradient(x0, g);
  check::size(function, "problem.gradient(x0)", g.size(), n, "must have problem.dim() entries");
  check::all_finite(function, "problem.gradient(x0)", g);
  p.constraint(x0, c);
  check::size(function, "problem.constraint(x0)", c.size(), m,
              "must have problem.constraints() entries");
  check::all_finite(function, "problem.constraint(x0)", c);
  p.jacobian(x0, jac);
  check::size(function, "problem.jacobian(x0) rows", jac.rows(), m,
              "must equal problem.constraints()");
  check::size(function, "problem.jacobian(x0) cols", jac.cols(), n, "must equal problem.dim()");
  check::all_finite(function, "problem.jacobian(x0)", jac);
  p.lagrangian_hessian(x0, Vector<double>::Zero(m), h);
  check::size(function, "problem.lagrangian_hessian(x0) rows", h.rows(), n,
              "must equal problem.dim()");
  check::size(function, "problem.lagrangian_hessian(x0) cols", h.cols(), n,
              "must equal problem.dim()");
  check::all_finite(function, "problem.lagrangian_hessian(x0)", h);
}

template <class Solver, class P>
NlpResult run_eal(const P& p, Vector<double> x0, const EalOptions& options, Solver solver,
                  const Stopwatch& clock, std::string_view function) {
  EalNewton<Solver> method(options.method, std::move(solver));
  auto state = method.init(p, x0);
  auto result = solve_with_options(p, method, std::move(state), options,
                                   EalOptions::default_max_iterations, function, clock);
  EalState& s = result.state;
  NlpResult out;
  pack_summary(out, result, clock);
  // The certificate, recomputed from fresh evaluations at the returned (x, lambda).
  Vector<double> g, c;
  Matrix<double> jac;
  p.gradient(s.x, g);
  p.constraint(s.x, c);
  p.jacobian(s.x, jac);
  out.objective = static_cast<double>(p.value(s.x));
  Vector<double> grad_l = g;
  grad_l.noalias() += jac.transpose() * s.lambda;
  out.residual = kkt_residual(grad_l, c);
  out.constraint_violation = c.norm();
  if (out.status == Status::Converged && !(out.residual <= options.tolerance))
    out.status = Status::NumericalIssue;
  out.x = std::move(s.x);
  out.lambda = std::move(s.lambda);
  out.mu = s.mu;
  out.nu = s.nu;
  out.fallbacks = s.fallbacks;
  out.sketch_fallbacks = s.policy_fallbacks;
  out.hessian_shifts = s.hessian_shifts;
  out.evaluations = s.evaluations;
  out.seconds = clock.seconds();
  return out;
}

}  // namespace detail

/// Solves min f(x) s.t. c(x) = 0 by `EalNewton` (Hong, Na, Mahoney & Kolar, arXiv 2305.18379,
/// Algorithm 1) from x0 and lambda = 0.
///
/// @param problem  an `EqualityConstrainedProblem` with 0 <= m <= n.
/// @param x0       starting point, problem.dim() entries, finite.
/// @param options  tolerance and budgets, the KKT solver and the method's settings.
/// @return `x`, `lambda`, `status` (`Converged` only when the KKT residual recomputed at the
///         returned (x, lambda) meets the tolerance; `Stalled` when the line search fails,
///         `Breakdown` when the constraint gradients are linearly dependent, `NumericalIssue`
///         when a callback returns a non-finite value mid-run, budgets otherwise), `iterations`,
///         `residual`, `objective`, `constraint_violation`, `mu`, `nu`, `fallbacks`,
///         `evaluations`, `counters`, `seconds`.
/// @throws iterum::invalid_argument for m > n, x0 of the wrong size or not finite, a callback
///         whose output at x0 has the wrong shape or is not finite, or bad options.
template <class Problem>
[[nodiscard]] NlpResult solve_equality_constrained(const Problem& problem, Vector<double> x0,
                                                   const EalOptions& options = {}) {
  constexpr bool valid = detail::check_equality_constrained_problem<Problem>();
  if constexpr (valid) {
    constexpr std::string_view function = "iterum::nlp::solve_equality_constrained";
    const Stopwatch clock;
    options.validate(function);
    const Index n = problem.dim();
    const Index m = problem.constraints();
    check::not_empty(function, "problem.dim()", n);
    check::nonnegative(function, "problem.constraints()", static_cast<double>(m));
    if (m > n) {
      check::fail(function, "problem.constraints()", "must not exceed problem.dim()",
                  check::text(static_cast<long long>(m)));
    }
    check::size(function, "x0", x0.size(), n, "must have problem.dim() entries");
    check::all_finite(function, "x0", x0);
    detail::check_problem_at(function, problem, x0);
    switch (options.kkt_solver) {
      case KktSolverKind::Minres:
        return detail::run_eal(problem, std::move(x0), options, linalg::Minres<Matrix<double>>{},
                               clock, function);
      case KktSolverKind::Sketch: {
        SketchedKktOptions so;
        so.variant = options.sketch_variant;
        so.block_size = options.sketch_block_size;
        so.seed = options.seed;
        if (options.method.inner_max_iterations)
          so.max_sketch_steps = *options.method.inner_max_iterations;
        return detail::run_eal(problem, std::move(x0), options, SketchedKktSolver(so), clock,
                               function);
      }
      case KktSolverKind::Ldlt:
        break;
    }
    return detail::run_eal(problem, std::move(x0), options, linalg::DenseLdlt<>{}, clock, function);
  } else {
    return NlpResult{};
  }
}

}  // namespace iterum::nlp
