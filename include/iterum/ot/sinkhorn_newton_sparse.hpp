#pragma once

/// @file sinkhorn_newton_sparse.hpp
/// @brief Sinkhorn-Newton-Sparse (SNS): Sinkhorn warm-up `then` sparse Newton on the dual,
/// with the Newton system solved by any `LinearSolver` policy. Facade:
/// `iterum::ot::sinkhorn_newton_sparse(a, b, C, epsilon, options)`.
///
/// Algorithm: Tang, Shavlovsky, Rahmanian, Tardini, Thekumparampil, Xiao, Ying, "Accelerating
/// Sinkhorn algorithm with sparse Newton iterations", ICLR 2024, arXiv 2401.12253, Sec. 4,
/// Algorithm 1:
/// N1 Sinkhorn iterations, then Newton steps on the concave dual (the Lyapunov potential)
///   F(f, g) = <f, a> + <g, b> - epsilon sum_ij exp((f_i + g_j - C_ij) / epsilon),
/// whose gradient is (a - P 1, b - P^T 1) and whose negative Hessian is
///   (1 / epsilon) [[diag(P 1), P], [P^T, diag(P^T 1)]],
/// with P replaced by a sparsification (Sec. 4, the Sparsify step). Deliberate choices where the
/// paper is silent or where measurements (docs/ot.md) showed its literal reading fails:
/// - Sparsification keeps the exact diagonal (row and column sums of the full plan) and the
///   `entries_per_column` largest entries of each column of P (default 6, not the paper's 2n
///   total, which converges only linearly), chosen by a per-column threshold that is reused
///   while it still passes between k and 2k entries. The dropped mass makes the system
///   positive definite, so the (1, -1) null direction disappears; a 1e-12 relative diagonal
///   shift covers the case where nothing is dropped. The system is written straight into
///   compressed storage.
/// - Inexact Newton: the inner solve's relative tolerance is the relative marginal error
///   (clamped to [linear_tolerance, 0.01]), and its work is bounded by `linear_work_limit`
///   dense products for solvers modelling `iterum::LinearSolverWithBudget` (the optional
///   `set_max_iterations` of the `LinearSolver` concept; the default CG does).
/// - Line search (the paper's Line_search on the dual): backtracking from a first trial that
///   moves no potential by more than `max_potential_step` epsilon; a trial is accepted on
///   Armijo ascent of the dual F, or on a decrease of the marginal error (near the optimum F
///   is flat to rounding).
/// - Robustness: Newton runs only when the kept entries carry `min_kept_mass` (99%) of the
///   plan; close to the solution (relative error below 1e-2) a step that does not halve the
///   error doubles the entries kept per column (up to `max_entries_per_column`) and, if the
///   inner solver ran out, its work budget. Farther away, such a step whose inner solve ran
///   out, a step with no acceptable trial even at the cap, or a plan too dense for the cap,
///   hands over to Sinkhorn for `fallback_iterations` (four times longer after each fallback)
///   before Newton is tried again, so SNS does not end much worse than Sinkhorn alone on
///   dense plans (fine 1-D grids) or non-unique optima (L1 costs).
/// - Cheap evidence: before each attempt (the hand-over from the warm-up, the end of a
///   fallback), 32 sampled columns of the Sinkhorn plan must pass the `min_kept_mass` test at
///   the cap; otherwise Sinkhorn goes on without the plan being built or selected.
/// - The stored plan is rescaled between full recomputations only while the entries that
///   underflowed could not have grown past 2^-60 of the mass (`SparseNewtonState::growth`).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/ot/entropic_problem.hpp"
#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/transport_result.hpp"

namespace iterum::ot {

/// Settings of `SparseNewtonMethod` (the Newton stage of SNS): the sparsification, the inexact
/// inner solve, the line search and the Sinkhorn fallback (`SnsOptions::newton`).
struct SparseNewtonParams {
  Index entries_per_column = 6;       ///< plan entries kept per column at first
  Index max_entries_per_column = 96;  ///< growth limit of the sparsity budget
  double linear_tolerance = 1e-10;    ///< tightest relative residual of the Newton-system solves
  Index max_backtracks = 8;           ///< step halvings tried by the line search
  double min_kept_mass = 0.99;        ///< Newton runs only if the kept entries carry this
                                      ///< fraction of the plan's mass
  Index fallback_iterations = 50;     ///< Sinkhorn iterations after a failed Newton attempt
  double max_potential_step = 20;     ///< first line-search trial moves no potential by more
                                      ///< than this many epsilon
  double linear_work_limit = 20;      ///< work budget of one Newton-system solve, in dense
                                      ///< m x n matrix-vector products (for solvers modelling
                                      ///< `LinearSolverWithBudget`, like the default CG)

  /// Throws `iterum::invalid_argument` naming `function` and `<prefix><field>` for a bad field.
  void validate(std::string_view function = "iterum::ot::SparseNewtonParams::validate",
                std::string_view prefix = "params.") const {
    const auto name = [prefix](std::string_view field) {
      return std::string(prefix).append(field);
    };
    check::positive(function, name("entries_per_column"), static_cast<double>(entries_per_column));
    check::that(max_entries_per_column >= entries_per_column, function,
                name("max_entries_per_column"), "must be at least " + name("entries_per_column"));
    // The forcing term is clamped to [linear_tolerance, 0.01]: a larger lower bound would
    // invert the clamp.
    if (!(linear_tolerance > 0 && linear_tolerance <= 0.01)) {
      check::fail(function, name("linear_tolerance"), "must lie in (0, 0.01]",
                  check::text(linear_tolerance));
    }
    check::in_range(function, name("min_kept_mass"), min_kept_mass, 0.0, 1.0);
    check::nonnegative(function, name("max_backtracks"), static_cast<double>(max_backtracks));
    check::positive(function, name("fallback_iterations"),
                    static_cast<double>(fallback_iterations));
    check::positive(function, name("max_potential_step"), max_potential_step);
    check::positive(function, name("linear_work_limit"), linear_work_limit);
  }

  [[nodiscard]] friend bool operator==(const SparseNewtonParams&,
                                       const SparseNewtonParams&) = default;
};

/// Options of `sinkhorn_newton_sparse`: the control fields, the warm start, the warm-up length,
/// then the Newton stage's settings (`newton`, handed to `SparseNewtonMethod` as its Params).
struct SnsOptions {
  /// Stop when the marginal error (of the returned plan) is at most this; absolute unless
  /// `tolerance_kind` is `MarginalTolerance::Relative`.
  double tolerance = 1e-9;
  /// Budget on Sinkhorn and Newton iterations together; unset: `default_max_iterations(m, n)`
  /// (100000, fewer on large problems), the same as Sinkhorn's, so a fallback-heavy run is not
  /// cut short.
  std::optional<Index> max_iterations{};
  double time_limit_seconds = std::numeric_limits<double>::infinity();  ///< wall-clock budget
  Monitor monitor{};  ///< progress, history, callback (its iterate: the potentials (f; g))
  /// `Absolute` (default) or `Relative` (to the total mass), as for `sinkhorn`.
  MarginalTolerance tolerance_kind = MarginalTolerance::Absolute;
  std::optional<Eigen::VectorXd> f0{};  ///< warm start: row potentials (m)
  std::optional<Eigen::VectorXd> g0{};  ///< warm start: column potentials (n)
  /// N1 of Tang et al. (arXiv 2401.12253, Algorithm 1): Sinkhorn iterations before the first
  /// Newton step (more when a sample of the plan is then too spread for Newton). A scalar a
  /// tuner may set per instance (e.g. `tuning::TsallisInf`).
  Index sinkhorn_warmup = 20;
  SparseNewtonParams newton{};  ///< the Newton stage's settings (sparsity, inner solve, ...)
  /// Set: solve a sequence of epsilons down to the target, each stage (warm-up, then Newton)
  /// warm-started from the last (`EpsilonScaling`), as for `sinkhorn`.
  std::optional<EpsilonScaling> epsilon_scaling{};

  /// Throws `iterum::invalid_argument` naming `function` for a bad field.
  void validate(std::string_view function = "iterum::ot::SnsOptions::validate") const {
    validate_control(function, *this);
    detail::check_tolerance_kind(function, tolerance_kind);
    if (f0) check::all_finite(function, "options.f0", *f0);
    if (g0) check::all_finite(function, "options.g0", *g0);
    check::nonnegative(function, "options.sinkhorn_warmup", static_cast<double>(sinkhorn_warmup));
    newton.validate(function, "options.newton.");
    if (epsilon_scaling) epsilon_scaling->validate(function);
  }

  /// The iteration budget for an m x n problem.
  [[nodiscard]] Index iteration_budget(Index m, Index n) const noexcept {
    return iterum::iteration_budget(*this, default_max_iterations(m, n));
  }
};

/// The state of `SparseNewtonMethod`. Its iterate (`SparseNewtonMethod::iterate`) is the
/// stacked potentials (f; g), those of the Sinkhorn state during a fallback.
struct SparseNewtonState {
  Eigen::VectorXd f, g;                                    ///< potentials (support-sized)
  Eigen::MatrixXd plan;                                    ///< P for (f, g)
  Eigen::VectorXd row_sums, col_sums;                      ///< P 1, P^T 1
  double error = std::numeric_limits<double>::infinity();  ///< marginal error of P
  Eigen::VectorXd rhs, direction;      ///< Newton system: epsilon grad F, and its solution
  Eigen::SparseMatrix<double> system;  ///< [[diag(P 1), S], [S^T, diag(P^T 1)]]
  Eigen::MatrixXd trial;               ///< plan at a line-search trial point
  Eigen::VectorXd trial_f, trial_g, trial_rows, trial_cols;
  Eigen::VectorXd scale_rows, scale_cols;   ///< exp(step / epsilon) for a short step
  std::vector<double> thresholds;           ///< per column: entries at least this large are kept
  std::vector<int> kept_rows;               ///< row indices of the kept entries, column by column
  std::vector<Index> column_start;          ///< where each column's kept rows start in kept_rows
  std::vector<int> row_count;               ///< kept entries per row
  std::vector<double> values;               ///< scratch for the per-column selection
  Index entries_per_column = 6;             ///< current sparsity budget
  Index fallback_steps = 0;                 ///< Sinkhorn iterations taken in fallbacks (every
                                            ///< other step of the method is a Newton step)
  Index fallback_left = 0;                  ///< Sinkhorn iterations left in the current fallback
  Index next_fallback = 50;                 ///< length of the next fallback
  std::optional<SinkhornState> fallback{};  ///< Sinkhorn state during a fallback
  Index inner_iterations_last = 0;          ///< iterations of the last Newton-system solve
  bool inner_converged_last = true;         ///< whether that solve met its tolerance
  double linear_work_limit = 20;            ///< current work budget of a Newton-system solve
  /// Bound on the log-growth of any plan entry since the plan was last computed from the
  /// potentials: `plan` holds entries rescaled since then, and an entry that underflowed to 0
  /// (or lost bits as a subnormal) stays wrong by at most 4 DBL_MIN exp(growth).
  double growth = 0.0;
  Counters counters{};
};

namespace detail {

inline double plan_sums(const EntropicProblem& p, const Eigen::MatrixXd& plan,
                        Eigen::VectorXd& rows, Eigen::VectorXd& cols);

/// P = exp((f + g - C) / epsilon), its row and column sums, and the marginal error.
inline double evaluate_plan(const EntropicProblem& p, const Eigen::VectorXd& f,
                            const Eigen::VectorXd& g, Eigen::MatrixXd& plan, Eigen::VectorXd& rows,
                            Eigen::VectorXd& cols) {
  compute_kernel(p, f, g, plan);
  return plan_sums(p, plan, rows, cols);
}

/// Row and column sums of `plan` and its marginal error (infinite when not finite).
inline double plan_sums(const EntropicProblem& p, const Eigen::MatrixXd& plan,
                        Eigen::VectorXd& rows, Eigen::VectorXd& cols) {
  rows = plan.rowwise().sum();
  cols = plan.colwise().sum().transpose();
  const double error = (rows - p.a()).lpNorm<1>() + (cols - p.b()).lpNorm<1>();
  return std::isfinite(error) ? error : std::numeric_limits<double>::infinity();
}

}  // namespace detail

namespace detail {

/// Whether the plan diag(u) K diag(v) of a Sinkhorn state looks concentrated enough for a
/// Newton attempt: on up to 32 evenly spaced columns, the largest min(max_entries, m) entries
/// carry at least `min_kept_mass` of the sampled mass (the test the Newton stage applies to
/// all columns). Costs 32 columns' selection where the full test costs n, so that attempts
/// on dense plans (where the sparsified Hessian cannot carry the mass) cost almost nothing.
inline bool sampled_concentration(const EntropicProblem& p, const SinkhornState& from,
                                  Index max_entries, double min_kept_mass) {
  const Index m = p.a().size();
  const Index n = p.b().size();
  const Index cap = std::min(max_entries, m);
  if (cap >= m) return true;  // every entry is kept
  if (!(positive_finite(from.u) && positive_finite(from.v)) || from.kernel.rows() != m ||
      from.kernel.cols() != n) {
    return true;  // no cheap evidence: let the full test decide
  }
  const Index samples = std::min<Index>(n, 32);
  std::vector<double> column(static_cast<std::size_t>(m));
  double kept = 0.0;
  double total = 0.0;
  for (Index k = 0; k < samples; ++k) {
    const Index j = k * n / samples;
    for (Index i = 0; i < m; ++i)
      column[static_cast<std::size_t>(i)] = from.u[i] * from.kernel(i, j) * from.v[j];
    std::nth_element(column.begin(), column.begin() + (cap - 1), column.end(), std::greater<>());
    for (Index i = 0; i < cap; ++i) kept += column[static_cast<std::size_t>(i)];
    for (Index i = cap; i < m; ++i) total += column[static_cast<std::size_t>(i)];
  }
  total += kept;
  return !(total > 0) || kept >= min_kept_mass * total;
}

/// The switch rule of SNS's `then`: after `next` Sinkhorn iterations (the warm-up, N1 of Tang
/// et al., Algorithm 1), hand over to Newton only when a sample of the plan is concentrated
/// enough (`sampled_concentration`); otherwise Sinkhorn goes on and the sample is taken again
/// after `gap`, then 4 gap, ... iterations, so that where Newton cannot help SNS is Sinkhorn
/// plus a few sampled columns.
struct NewtonWhenConcentrated {
  const EntropicProblem* problem;
  Index next;
  Index gap;
  Index max_entries;
  double min_kept_mass;

  template <class I>
  bool operator()(const I& info) {
    if (info.iteration < next) return false;
    if (sampled_concentration(*problem, info.state, max_entries, min_kept_mass)) return true;
    constexpr Index most = std::numeric_limits<Index>::max();
    next = info.iteration > most - gap ? most : info.iteration + gap;
    gap = gap > most / 4 ? most : 4 * gap;
    return false;
  }
};

}  // namespace detail

/// The default Newton-system solver: Jacobi-preconditioned CG on the sparsified system.
using DefaultNewtonSolver = linalg::ConjugateGradient<Eigen::SparseMatrix<double>>;

/// The sparse-Newton stage of SNS as an `iterum::Method` over `EntropicProblem`, with the
/// Newton system solved by the `LinearSolver` policy `Solver` over
/// `Eigen::SparseMatrix<double>` (default: Jacobi-preconditioned CG).
template <class Solver = DefaultNewtonSolver>
class SparseNewtonMethod {
  static_assert(LinearSolver<Solver, Eigen::SparseMatrix<double>>,
                "iterum::ot::SparseNewtonMethod: Solver must model iterum::LinearSolver over "
                "Eigen::SparseMatrix<double>; see docs/concepts.md#linearsolver");

 public:
  using State = SparseNewtonState;

  using Params = SparseNewtonParams;

  /// Throws `iterum::invalid_argument` for a bad parameter.
  explicit SparseNewtonMethod(Params params = {}, Solver solver = Solver())
      : params_(params), solver_(std::move(solver)) {
    params_.validate("iterum::ot::SparseNewtonMethod");
  }

  /// Warm start from support-sized potentials x0 = (f0; g0) (m + n entries, the layout of
  /// `iterate`).
  [[nodiscard]] State init(const EntropicProblem& p, const Eigen::VectorXd& x0) const {
    const Index m = p.a().size();
    check::size("iterum::ot::SparseNewtonMethod::init", "x0", x0.size(), m + p.b().size(),
                "must have as many entries as the support of a and b together");
    State s = allocate(p, x0.head(m), x0.tail(p.b().size()));
    resync(p, s);
    return s;
  }

  /// Starts where a Sinkhorn run left off (the hand-over of `then`). Its plan is
  /// diag(u) K diag(v): no exponentials, unless a scaling is not positive and finite. When a
  /// sample of the plan's columns shows it too spread for Newton (`concentrated`), the state
  /// starts in a Sinkhorn fallback instead, without building the plan.
  [[nodiscard]] State init(const EntropicProblem& p, const SinkhornState& from) const {
    State s = allocate(p, from.row_potentials(), from.column_potentials());
    if (!concentrated(p, from)) {
      s.fallback.emplace(from);
      start_fallback(s);
      return s;
    }
    take_plan(p, from, s);
    return s;
  }

  /// Starts from f = g = 0 (for use without a warm-up).
  [[nodiscard]] State init(const EntropicProblem& p) const {
    return init(p, Eigen::VectorXd::Zero(p.a().size() + p.b().size()));
  }

  /// The current potentials, stacked: (f; g), support-sized (the Sinkhorn state's during a
  /// fallback).
  [[nodiscard]] Eigen::VectorXd iterate(const State& s) const {
    if (s.fallback) return sinkhorn_.iterate(*s.fallback);
    Eigen::VectorXd x(s.f.size() + s.g.size());
    x << s.f, s.g;
    return x;
  }

  /// One Newton step (or one fallback Sinkhorn iteration).
  ///
  /// The sparsity budget is the smallest of entries_per_column, 2x, 4x, ... (capped) whose kept
  /// entries carry `min_kept_mass` of the plan; when even the cap does not (a dense entropic
  /// plan), or when no step along the Newton direction decreases the marginal error at the
  /// cap, SNS runs Sinkhorn iterations instead (each fallback four times longer than the
  /// last) and then tries Newton again.
  void step(const EntropicProblem& p, State& s) {
    if (s.fallback_left > 0) {
      fallback_step(p, s);
      return;
    }
    const Index cap = std::min(params_.max_entries_per_column, p.a().size());
    Index keep = std::min(s.entries_per_column, cap);  // the budget persists across steps
    double mass = select(s, keep);
    if (mass < params_.min_kept_mass && keep < cap) {
      const double at_cap = select(s, cap);  // one look tells whether any budget can work
      if (at_cap >= params_.min_kept_mass) {
        while (mass < params_.min_kept_mass) {
          keep = std::min(2 * keep, cap);
          mass = select(s, keep);
        }
      } else {
        keep = cap;
        mass = at_cap;
      }
    }
    while (mass >= params_.min_kept_mass) {
      s.entries_per_column = keep;
      const double before = s.error;
      if (const auto alpha = newton_step(p, s)) {
        if (s.error <= 0.5 * before) return;
        // Close to the solution, a step that did not halve the error marks a Newton system
        // approximated too coarsely (local convergence only linear): after a full step, keep
        // more entries, and if the inner solver ran out of work, give it twice as much, from
        // the next step on.
        const double relative = s.error / std::max(p.a().sum(), std::numeric_limits<double>::min());
        if (relative < 1e-2) {
          if (*alpha == 1.0 && s.error < before) s.entries_per_column = std::min(2 * keep, cap);
          if (!s.inner_converged_last) s.linear_work_limit *= 2;
          return;
        }
        // Far from the solution, a step that did not halve the error although its Newton
        // system exhausted the inner solver's work budget marks a sparsified Hessian too
        // ill-conditioned to pay (a non-unique optimum, e.g. W1 costs on a grid): Sinkhorn
        // takes over for a while. Cheap steps, which need not halve the error there, go on.
        if (!s.inner_converged_last) start_fallback(s);
        return;
      }
      if (keep == cap) break;
      keep = std::min(2 * keep, cap);
      mass = select(s, keep);
    }
    start_fallback(s);
    fallback_step(p, s);
  }

  [[nodiscard]] double residual(const EntropicProblem& /*p*/, const State& s) const {
    return s.fallback ? s.fallback->error : s.error;
  }

  /// Recomputes the plan, its sums and its error from the potentials (m n exponentials),
  /// discarding the rounding and underflow that rescaling accumulated; during a fallback,
  /// recomputes the Sinkhorn state's kernel instead.
  void resync(const EntropicProblem& p, State& s) const {
    if (s.fallback) {
      sinkhorn_.resync(p, *s.fallback);
      return;
    }
    s.error = detail::evaluate_plan(p, s.f, s.g, s.plan, s.row_sums, s.col_sums);
    s.growth = 0.0;
  }

  [[nodiscard]] bool is_finite(const EntropicProblem& p, const State& s) const {
    return std::isfinite(residual(p, s)) && s.f.allFinite() && s.g.allFinite();
  }

  [[nodiscard]] const Solver& solver() const noexcept { return solver_; }
  [[nodiscard]] const Params& params() const noexcept { return params_; }

 private:
  /// A state with potentials (f, g) and every workspace sized; the plan is not yet computed.
  [[nodiscard]] State allocate(const EntropicProblem& p, Eigen::VectorXd f,
                               Eigen::VectorXd g) const {
    State s;
    const Index m = p.a().size();
    const Index n = p.b().size();
    s.f = std::move(f);
    s.g = std::move(g);
    s.plan.resize(m, n);
    s.trial.resize(m, n);
    s.rhs.resize(m + n);
    s.direction.resize(m + n);
    s.thresholds.assign(static_cast<std::size_t>(n), 0.0);
    s.column_start.assign(static_cast<std::size_t>(n) + 1, 0);
    s.row_count.assign(static_cast<std::size_t>(m), 0);
    s.values.reserve(static_cast<std::size_t>(m));
    s.system.resize(m + n, m + n);
    s.entries_per_column = std::min(params_.entries_per_column, m);
    s.next_fallback = params_.fallback_iterations;
    s.linear_work_limit = params_.linear_work_limit;
    return s;
  }

  /// Chooses the kept entries: in column j those with P_ij >= thresholds[j], where the
  /// threshold lets at least `keep` and at most 2 keep entries through. The previous step's
  /// threshold is reused while it does (one comparison per entry; the plan changes little
  /// between Newton steps); otherwise it becomes the keep-th largest value of the column.
  /// Fills kept_rows, column_start and row_count, and returns the fraction of the plan's mass
  /// kept.
  static double select(State& s, Index keep) {
    const Index m = s.plan.rows();
    const Index n = s.plan.cols();
    keep = std::min(keep, m);
    std::fill(s.row_count.begin(), s.row_count.end(), 0);
    s.kept_rows.clear();
    double kept = 0.0;
    const auto gather = [&](const double* column, double threshold) {
      double mass = 0.0;
      for (Index i = 0; i < m; ++i) {
        if (column[i] >= threshold) {
          s.kept_rows.push_back(static_cast<int>(i));
          mass += column[i];
        }
      }
      return mass;
    };
    for (Index j = 0; j < n; ++j) {
      const double* column = s.plan.col(j).data();
      const auto begin = static_cast<std::size_t>(s.column_start[static_cast<std::size_t>(j)]);
      double& threshold = s.thresholds[static_cast<std::size_t>(j)];
      double mass = threshold > 0 ? gather(column, threshold) : 0.0;
      const auto count = static_cast<Index>(s.kept_rows.size() - begin);
      if (!(threshold > 0) || count < keep || count > 2 * keep) {
        s.kept_rows.resize(begin);
        s.values.assign(column, column + m);
        std::nth_element(s.values.begin(), s.values.begin() + (keep - 1), s.values.end(),
                         std::greater<>());
        // Zero (underflowed) entries are never kept: they would only add empty couplings.
        threshold = std::max(s.values[static_cast<std::size_t>(keep - 1)],
                             std::numeric_limits<double>::min());
        mass = gather(column, threshold);
      }
      kept += mass;
      for (std::size_t k = begin; k < s.kept_rows.size(); ++k) {
        ++s.row_count[static_cast<std::size_t>(s.kept_rows[k])];
      }
      s.column_start[static_cast<std::size_t>(j) + 1] = static_cast<Index>(s.kept_rows.size());
    }
    const double total = s.col_sums.sum();
    return total > 0 ? kept / total : 0.0;
  }

  /// Writes the sparsified system [[diag(P 1), S], [S^T, diag(P^T 1)]] + shift I straight
  /// into compressed column storage from the selection (both triangles, rows sorted): no
  /// triplets and no sort, and no allocation unless the kept set outgrows its storage.
  static void assemble(State& s, double shift) {
    const Index m = s.plan.rows();
    const Index n = s.plan.cols();
    const auto kept = static_cast<Index>(s.kept_rows.size());
    s.system.resize(m + n, m + n);
    s.system.resizeNonZeros(m + n + 2 * kept);
    int* outer = s.system.outerIndexPtr();
    int* inner = s.system.innerIndexPtr();
    double* value = s.system.valuePtr();
    outer[0] = 0;
    for (Index i = 0; i < m; ++i) {
      outer[i + 1] = outer[i] + 1 + s.row_count[static_cast<std::size_t>(i)];
    }
    for (Index j = 0; j < n; ++j) {
      const auto count = s.column_start[static_cast<std::size_t>(j) + 1] -
                         s.column_start[static_cast<std::size_t>(j)];
      outer[m + j + 1] = outer[m + j] + static_cast<int>(count) + 1;
    }
    // Column i < m: the diagonal, then (m + j, P_ij) for increasing j; the row counts serve
    // as write cursors from here on.
    for (Index i = 0; i < m; ++i) {
      inner[outer[i]] = static_cast<int>(i);
      value[outer[i]] = s.row_sums[i] + shift;
      s.row_count[static_cast<std::size_t>(i)] = outer[i] + 1;
    }
    for (Index j = 0; j < n; ++j) {
      const double* column = s.plan.col(j).data();
      int at = outer[m + j];
      for (auto k = s.column_start[static_cast<std::size_t>(j)];
           k < s.column_start[static_cast<std::size_t>(j) + 1]; ++k) {
        const int i = s.kept_rows[static_cast<std::size_t>(k)];
        inner[at] = i;
        value[at++] = column[i];
        int& cursor = s.row_count[static_cast<std::size_t>(i)];
        inner[cursor] = static_cast<int>(m + j);
        value[cursor++] = column[i];
      }
      inner[at] = static_cast<int>(m + j);
      value[at] = s.col_sums[j] + shift;
    }
  }

  /// The dual objective F(f, g) = <f, a> + <g, b> - epsilon sum_ij P_ij, given P's row sums.
  static double dual_value(const EntropicProblem& p, const Eigen::VectorXd& f,
                           const Eigen::VectorXd& g, const Eigen::VectorXd& rows) {
    return f.dot(p.a()) + g.dot(p.b()) - p.epsilon() * rows.sum();
  }

  /// Assembles the sparsified system from the current selection, solves it, and
  /// line-searches; returns the accepted step length, or nothing when no trial step was
  /// acceptable.
  std::optional<double> newton_step(const EntropicProblem& p, State& s) {
    const Index m = p.a().size();
    const Index n = p.b().size();
    const double eps = p.epsilon();
    // Right-hand side epsilon grad F = epsilon (a - P 1, b - P^T 1).
    s.rhs.head(m) = eps * (p.a() - s.row_sums);
    s.rhs.tail(n) = eps * (p.b() - s.col_sums);
    // The exact diagonal with truncated off-diagonal blocks is positive definite as soon as
    // some mass is dropped; a 1e-12 relative shift covers the case where nothing is.
    const double mean_diagonal = (s.row_sums.sum() + s.col_sums.sum()) / static_cast<double>(m + n);
    assemble(s, 1e-12 * mean_diagonal);
    // Inexact Newton: the system is solved only as accurately as the current error warrants
    // (a forcing term equal to the relative marginal error, at most 0.01 and at least
    // params.linear_tolerance), which keeps the local convergence superlinear while early
    // steps, far from the solution, cost a few inner iterations.
    const double relative_error =
        s.error / std::max(p.a().sum(), std::numeric_limits<double>::min());
    solver_.set_tolerance(
        std::clamp(relative_error, std::min(params_.linear_tolerance, 0.01), 0.01));
    // Work budget of the solve, for solvers that take an iteration budget: one iteration of
    // an iterative solver costs about one product with the system, nnz / (m n) of a dense
    // product with P.
    if constexpr (LinearSolverWithBudget<Solver, Eigen::SparseMatrix<double>>) {
      const double dense = static_cast<double>(m) * static_cast<double>(n);
      const double budget = s.linear_work_limit * dense / static_cast<double>(s.system.nonZeros());
      solver_.set_max_iterations(
          std::optional<Index>(static_cast<Index>(std::clamp(budget, 10.0, 1e9))));
    }
    if (solver_.compute(s.system) != Status::Converged) return std::nullopt;
    s.direction.setZero();
    const Summary solve = solver_.solve(s.rhs, s.direction);
    s.inner_iterations_last = solve.iterations;
    s.inner_converged_last = solve.status == Status::Converged;
    s.counters.inner_iterations += solve.iterations;
    s.counters.matvecs += solve.counters.matvecs;
    if (!s.direction.allFinite()) return std::nullopt;
    // Backtracking from the full step. A trial is accepted when the dual value rises by the
    // Armijo fraction of its first-order prediction (the paper's line search on the concave
    // dual), or when the marginal error falls: near the solution the dual is flat to rounding
    // and only the error still measures progress.
    const double dual = dual_value(p, s.f, s.g, s.row_sums);
    const double slope = s.rhs.dot(s.direction) / eps;  // grad F . direction
    // The first trial moves no potential by more than params.max_potential_step epsilon,
    // so that no plan entry changes by more than exp(2 max_potential_step): far from the
    // solution, or with a nearly singular system, the full step can be huge and every
    // halving of it would still overflow.
    const double largest = s.direction.cwiseAbs().maxCoeff();
    const double reach = params_.max_potential_step * eps;
    double alpha = largest > reach ? reach / largest : 1.0;
    // Largest log-growth of a plan entry per unit step: max df_i + max dg_j (positive parts).
    const double rise = (std::max(s.direction.head(m).maxCoeff(), 0.0) +
                         std::max(s.direction.tail(n).maxCoeff(), 0.0)) /
                        eps;
    const double most_growth = growth_limit(p);
    for (Index t = 0; t <= params_.max_backtracks; ++t, alpha *= 0.5) {
      s.trial_f = s.f + alpha * s.direction.head(m);
      s.trial_g = s.g + alpha * s.direction.tail(n);
      // A short step rescales the plan, P_ij exp((alpha df_i + alpha dg_j) / epsilon), with
      // m + n exponentials instead of m n; a long one recomputes it from the potentials, so
      // entries that underflowed can come back. Rescaling never revives an entry that
      // underflowed to 0: once the steps since the last recomputation could have grown such
      // an entry past 2^-60 of the mass in total (`growth_limit`), the plan is recomputed,
      // or the stored plan (and the error it certifies) would drift from the potentials'.
      double error;
      const double grown = s.growth + alpha * rise;
      const bool rescale = alpha * largest <= 20 * eps && grown <= most_growth;
      if (rescale) {
        s.scale_rows = (alpha / eps * s.direction.head(m)).array().exp();
        s.scale_cols = (alpha / eps * s.direction.tail(n)).array().exp();
        s.trial.noalias() = s.scale_rows.asDiagonal() * s.plan * s.scale_cols.asDiagonal();
        error = detail::plan_sums(p, s.trial, s.trial_rows, s.trial_cols);
      } else {
        error = detail::evaluate_plan(p, s.trial_f, s.trial_g, s.trial, s.trial_rows, s.trial_cols);
      }
      ++s.counters.oracle_calls;
      const bool finite = std::isfinite(error);
      const bool ascent = finite && dual_value(p, s.trial_f, s.trial_g, s.trial_rows) >=
                                        dual + 1e-4 * alpha * slope;
      if (finite && (error < s.error || ascent)) {
        std::swap(s.f, s.trial_f);
        std::swap(s.g, s.trial_g);
        std::swap(s.plan, s.trial);
        std::swap(s.row_sums, s.trial_rows);
        std::swap(s.col_sums, s.trial_cols);
        s.error = error;
        s.growth = rescale ? grown : 0.0;
        return alpha;
      }
    }
    return std::nullopt;
  }

  /// The largest total log-growth `growth` of rescaled plan entries that keeps the mass that
  /// underflowed entries may have lost below 2^-60 of the plan's mass: m n floor
  /// exp(growth) <= 2^-60 mass, where floor = 4 DBL_MIN bounds the error of an entry whose
  /// exponential underflowed (Eigen's vectorized exp returns about 2.5 DBL_MIN there, not
  /// 0). Negative (always recompute) for tiny masses.
  static double growth_limit(const EntropicProblem& p) {
    const double entries = static_cast<double>(p.a().size()) * static_cast<double>(p.b().size());
    return std::log(p.a().sum()) - 60 * std::log(2.0) - std::log(entries) -
           std::log(4 * std::numeric_limits<double>::min());
  }

  /// The plan, its sums and its error for the potentials of Sinkhorn state `from` (already in
  /// s.f, s.g): diag(u) K diag(v), with no exponentials unless a scaling is not positive and
  /// finite, or the scalings are so large that entries of K which underflowed could matter.
  void take_plan(const EntropicProblem& p, const SinkhornState& from, State& s) const {
    if (detail::positive_finite(from.u) && detail::positive_finite(from.v) &&
        from.kernel.rows() == s.plan.rows() && from.kernel.cols() == s.plan.cols()) {
      const double grown =
          std::max(std::log(from.u.maxCoeff()), 0.0) + std::max(std::log(from.v.maxCoeff()), 0.0);
      if (grown <= growth_limit(p)) {
        s.plan.noalias() = from.u.asDiagonal() * from.kernel * from.v.asDiagonal();
        s.error = detail::plan_sums(p, s.plan, s.row_sums, s.col_sums);
        s.growth = grown;
        return;
      }
    }
    s.error = detail::evaluate_plan(p, s.f, s.g, s.plan, s.row_sums, s.col_sums);
    s.growth = 0.0;
  }

  /// Whether the plan of a Sinkhorn state looks concentrated enough for a Newton attempt
  /// (`detail::sampled_concentration` at this method's cap and `min_kept_mass`).
  bool concentrated(const EntropicProblem& p, const SinkhornState& from) const {
    return detail::sampled_concentration(p, from, params_.max_entries_per_column,
                                         params_.min_kept_mass);
  }

  /// Schedules the next fallback: Sinkhorn iterations from the next step on.
  static void start_fallback(State& s) {
    s.fallback_left = s.next_fallback;
    // Saturates instead of overflowing for a huge params.fallback_iterations.
    constexpr Index most = std::numeric_limits<Index>::max();
    s.next_fallback = s.next_fallback > most / 4 ? most : 4 * s.next_fallback;
  }

  /// One Sinkhorn iteration of a fallback; at its end, hands the potentials back to Newton.
  void fallback_step(const EntropicProblem& p, State& s) const {
    // The Newton state's plan is the kernel of (f, g): no exponentials at the hand-over.
    // A plan rescaled since it was last computed is recomputed first, so that the kernel the
    // Sinkhorn iterations rescale in turn starts exact.
    if (!s.fallback) {
      if (s.growth > 0) resync(p, s);
      s.fallback.emplace(sinkhorn_.init_with_kernel(p, s.f, s.g, s.plan));
    }
    const auto before = s.fallback->counters.matvecs;
    sinkhorn_.step(p, *s.fallback);
    s.counters.matvecs += s.fallback->counters.matvecs - before;
    ++s.fallback_steps;
    if (--s.fallback_left == 0) {
      // Cheap evidence first: a plan whose sampled columns are too spread for the sparsity
      // cap stays with Sinkhorn for the next (longer) fallback, at the cost of a few columns,
      // instead of paying for the plan, its selection passes and a failed Newton attempt.
      if (!concentrated(p, *s.fallback)) {
        start_fallback(s);
        return;
      }
      // And back: P = diag(u) K diag(v), again without exponentials.
      s.f = s.fallback->row_potentials();
      s.g = s.fallback->column_potentials();
      take_plan(p, *s.fallback, s);
      s.fallback.reset();
    }
  }

  Params params_;
  Solver solver_;
  SinkhornMethod sinkhorn_{};
};

/// Entropic optimal transport by Sinkhorn-Newton-Sparse: `options.sinkhorn_warmup` Sinkhorn
/// iterations `then` sparse Newton steps, with the Newton systems solved by `Solver` (a
/// `LinearSolver` over `Eigen::SparseMatrix<double>`; Jacobi-preconditioned CG by default,
/// e.g. `linalg::SparseLdlt<>` for exact solves). Same problem, conventions, result and errors
/// as `sinkhorn`; `sinkhorn_iterations` counts warm-up and fallback Sinkhorn iterations,
/// `newton_iterations` the Newton steps (the two add up to `iterations`),
/// `counters.inner_iterations` the linear-solver iterations.
template <class Solver = DefaultNewtonSolver>
[[nodiscard]] TransportResult sinkhorn_newton_sparse(const Eigen::VectorXd& a,
                                                     const Eigen::VectorXd& b,
                                                     const Eigen::MatrixXd& c, double epsilon,
                                                     const SnsOptions& options = {},
                                                     Solver solver = Solver()) {
  constexpr std::string_view function = "iterum::ot::sinkhorn_newton_sparse";
  const Stopwatch clock;
  options.validate(function);
  const EntropicProblem caller(a, b, c, epsilon, function);
  if (options.epsilon_scaling) {
    // The target stage gets the caller's solver; earlier stages a copy (a default-constructed
    // one for solvers that cannot be copied, e.g. the factorizations).
    const auto stage = [&](double stage_epsilon, const SnsOptions& stage_options) {
      if (stage_epsilon <= epsilon) {
        return sinkhorn_newton_sparse<Solver>(a, b, c, stage_epsilon, stage_options,
                                              std::move(solver));
      }
      if constexpr (std::is_copy_constructible_v<Solver>) {
        return sinkhorn_newton_sparse<Solver>(a, b, c, stage_epsilon, stage_options, solver);
      } else {
        return sinkhorn_newton_sparse<Solver>(a, b, c, stage_epsilon, stage_options, Solver());
      }
    };
    return detail::epsilon_scaled(function, epsilon, detail::cost_range(caller),
                                  default_max_iterations(caller.a().size(), caller.b().size()),
                                  options, *options.epsilon_scaling, stage, clock);
  }
  const detail::UnitMassProblem scaled(caller, a, b, c, function);
  const EntropicProblem& problem = scaled.problem();
  Eigen::VectorXd x0 = detail::warm_start(function, options, caller, a.size(), b.size());
  x0.array() -= scaled.shift();
  // Tang et al., Algorithm 1: N1 = options.sinkhorn_warmup Sinkhorn iterations, then Newton,
  // unless a sample of the plan shows it too spread for Newton (then Sinkhorn goes on).
  const detail::NewtonWhenConcentrated warmup{
      &problem, options.sinkhorn_warmup, options.newton.fallback_iterations,
      options.newton.max_entries_per_column, options.newton.min_kept_mass};
  auto phases =
      then(SinkhornMethod{}, warmup, SparseNewtonMethod<Solver>(options.newton, std::move(solver)));
  // The status is decided by the certificate of the returned potentials (detail::CertifiedStop):
  // a plan the Newton stage rescaled is re-synchronized with its potentials when it fails it.
  const auto resync = [](const auto& inner, const EntropicProblem& p, auto& state) {
    if (state.second) {
      inner.second().resync(p, *state.second);
    } else {
      inner.first().resync(p, state.first);
    }
  };
  detail::CertifiedStop method(std::move(phases), resync, options.tolerance,
                               scaled.unit(options.tolerance_kind));
  auto run = solve_with_options(problem, method, method.init(problem, x0), options,
                                default_max_iterations(problem.a().size(), problem.b().size()),
                                function, clock);
  TransportResult out;
  // Phase counts from `then`: the warm-up is the first phase; the Newton stage's own Sinkhorn
  // fallback iterations count as Sinkhorn iterations.
  const auto& s = run.state.inner;
  const Index fallback = s.second ? s.second->fallback_steps : 0;
  out.sinkhorn_iterations = s.first_iterations + fallback;
  out.newton_iterations = s.second_iterations - fallback;
  detail::certify(scaled, caller, method.iterate(run.state), run.state, out);
  detail::judge_by_certificate(run, out, options.tolerance, scaled.divisor(options.tolerance_kind));
  pack_summary(out, run, clock);
  return out;
}

/// Deleted: the result's `plan()` reads `c`, so `c` must not be a temporary.
template <class Solver = DefaultNewtonSolver>
TransportResult sinkhorn_newton_sparse(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                       Eigen::MatrixXd&& c, double epsilon,
                                       const SnsOptions& options = {},
                                       Solver solver = Solver()) = delete;

}  // namespace iterum::ot
