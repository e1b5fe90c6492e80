#pragma once

/// @file sinkhorn_newton_sparse.hpp
/// @brief Sinkhorn-Newton-Sparse (SNS): Sinkhorn warm-up `then` sparse Newton on the dual,
/// with the Newton system solved by any `LinearSolver` policy. Facade:
/// `iterum::ot::sinkhorn_newton_sparse(a, b, C, epsilon, options)`.
///
/// Algorithm: Tang, Shavlovsky, Rahmanian, Tardini, Thekumparampil, Xiao, Ying, "Accelerating
/// Sinkhorn algorithm with sparse Newton iterations", ICLR 2024, arXiv 2401.12253, Algorithm 1:
/// N1 Sinkhorn iterations, then Newton steps on the concave dual (the Lyapunov potential)
///   F(f, g) = <f, a> + <g, b> - epsilon sum_ij exp((f_i + g_j - C_ij) / epsilon),
/// whose gradient is (a - P 1, b - P^T 1) and whose negative Hessian is
///   (1 / epsilon) [[diag(P 1), P], [P^T, diag(P^T 1)]],
/// with P replaced by a sparsification. Deliberate choices where the paper is silent or where
/// measurements (shared/research/sinkhorn.md, sections 1.4-1.6) showed its literal reading
/// fails:
/// - Sparsification keeps the exact diagonal (row and column sums of the full plan) and the
///   `entries_per_column` largest entries of each column of P (default 6, not the paper's 2n
///   total, which converges only linearly). The dropped mass makes the system positive
///   definite, so the (1, -1) null direction disappears; a 1e-12 relative diagonal shift
///   covers the case where nothing is dropped.
/// - Line search: backtracking from the full step, accepted when the marginal error
///   ||grad F||_1 decreases (the dual value is flat to rounding near the optimum).
/// - Robustness: Newton runs only when the kept entries carry `min_kept_mass` (99%) of the
///   plan; a step that cannot decrease the error doubles the entries kept per column (up to
///   `max_entries_per_column`); when that still fails, SNS runs Sinkhorn iterations
///   (`fallback_iterations`, four times longer after each fallback) and then tries Newton
///   again, so
///   that it does not end worse than Sinkhorn alone in the dense-plan regime.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/ot/entropic_problem.hpp"
#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/transport_result.hpp"

namespace iterum::ot {

/// Options of `sinkhorn_newton_sparse`.
struct SnsOptions {
  double tolerance = 1e-9;        ///< stop when the marginal error is at most this
  Index max_iterations = 100000;  ///< budget on Sinkhorn + Newton iterations together (the
                                  ///< same as Sinkhorn's, so a fallback-heavy run is not cut short)
  double time_limit_seconds = std::numeric_limits<double>::infinity();  ///< wall-clock budget
  Index sinkhorn_warmup = 20;           ///< N1: Sinkhorn iterations before the first Newton step
  Index entries_per_column = 6;         ///< plan entries kept per column at first
  Index max_entries_per_column = 96;    ///< growth limit of the sparsity budget
  double linear_tolerance = 1e-10;      ///< relative residual of the Newton-system solves
  Index max_backtracks = 8;             ///< step halvings tried by the line search
  double min_kept_mass = 0.99;          ///< Newton runs only if the kept entries carry this
                                        ///< fraction of the plan's mass
  Index fallback_iterations = 50;       ///< Sinkhorn iterations after a failed Newton attempt
  std::optional<Eigen::VectorXd> f0{};  ///< warm start: row potentials (m)
  std::optional<Eigen::VectorXd> g0{};  ///< warm start: column potentials (n)
  Monitor monitor{};                    ///< progress, history, callback

  void validate(std::string_view function = "iterum::ot::SnsOptions::validate") const {
    detail::validate_common_options(function, *this);
    check::nonnegative(function, "options.sinkhorn_warmup", static_cast<double>(sinkhorn_warmup));
    check::positive(function, "options.entries_per_column",
                    static_cast<double>(entries_per_column));
    check::that(max_entries_per_column >= entries_per_column, function,
                "options.max_entries_per_column", "must be at least options.entries_per_column");
    check::positive(function, "options.linear_tolerance", linear_tolerance);
    check::in_range(function, "options.min_kept_mass", min_kept_mass, 0.0, 1.0);
    check::nonnegative(function, "options.max_backtracks", static_cast<double>(max_backtracks));
    check::positive(function, "options.fallback_iterations",
                    static_cast<double>(fallback_iterations));
  }
};

/// The iterate of `SparseNewtonMethod`.
struct SparseNewtonState {
  Eigen::VectorXd f, g;                                    ///< potentials (support-sized)
  Eigen::MatrixXd plan;                                    ///< P for (f, g)
  Eigen::VectorXd row_sums, col_sums;                      ///< P 1, P^T 1
  double error = std::numeric_limits<double>::infinity();  ///< marginal error of P
  Eigen::VectorXd rhs, direction;      ///< Newton system: epsilon grad F, and its solution
  Eigen::SparseMatrix<double> system;  ///< [[diag(P 1), S], [S^T, diag(P^T 1)]]
  Eigen::MatrixXd trial;               ///< plan at a line-search trial point
  Eigen::VectorXd trial_f, trial_g, trial_rows, trial_cols;
  std::vector<Eigen::Triplet<double>> triplets;
  std::vector<Index> order;                 ///< scratch for the per-column selection
  std::vector<double> values;               ///< scratch for the kept-mass estimate
  Index entries_per_column = 6;             ///< current sparsity budget
  Index newton_steps = 0;                   ///< Newton steps taken
  Index sinkhorn_steps = 0;                 ///< fallback Sinkhorn iterations taken
  Index fallback_left = 0;                  ///< Sinkhorn iterations left in the current fallback
  Index next_fallback = 50;                 ///< length of the next fallback
  std::optional<SinkhornState> fallback{};  ///< Sinkhorn state during a fallback
  Index inner_iterations_last = 0;          ///< iterations of the last Newton-system solve
  Counters counters{};
};

namespace detail {

/// P = exp((f + g - C) / epsilon), its row and column sums, and the marginal error.
inline double evaluate_plan(const EntropicProblem& p, const Eigen::VectorXd& f,
                            const Eigen::VectorXd& g, Eigen::MatrixXd& plan, Eigen::VectorXd& rows,
                            Eigen::VectorXd& cols) {
  compute_kernel(p, f, g, plan);
  rows = plan.rowwise().sum();
  cols = plan.colwise().sum().transpose();
  const double error = (rows - p.a()).lpNorm<1>() + (cols - p.b()).lpNorm<1>();
  return std::isfinite(error) ? error : std::numeric_limits<double>::infinity();
}

}  // namespace detail

/// The default Newton-system solver: Jacobi-preconditioned CG on the sparsified system.
using DefaultNewtonSolver = linalg::ConjugateGradient<Eigen::SparseMatrix<double>>;

namespace detail {

/// A default-configured Newton-system solver. For the default CG the iteration budget is
/// raised far above CG's usual 2 n: near an assignment-like optimum the sparsified system is
/// badly conditioned, and a direction cut short by the budget stalls the Newton stage.
template <class Solver>
Solver make_newton_solver() {
  if constexpr (std::is_same_v<Solver, DefaultNewtonSolver>) {
    return Solver(linalg::CgOptions{.max_iterations = 100000});
  } else {
    return Solver();
  }
}

}  // namespace detail

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

  explicit SparseNewtonMethod(const SnsOptions& options = {},
                              Solver solver = detail::make_newton_solver<Solver>())
      : options_(options), solver_(std::move(solver)) {}

  /// Starts from potentials (f, g) (support-sized).
  [[nodiscard]] State init(const EntropicProblem& p, const Eigen::VectorXd& f,
                           const Eigen::VectorXd& g) const {
    State s;
    const Index m = p.a().size();
    const Index n = p.b().size();
    s.f = f;
    s.g = g;
    s.plan.resize(m, n);
    s.trial.resize(m, n);
    s.rhs.resize(m + n);
    s.direction.resize(m + n);
    s.order.resize(static_cast<std::size_t>(m));
    s.system.resize(m + n, m + n);
    s.entries_per_column = std::min(options_.entries_per_column, m);
    s.next_fallback = options_.fallback_iterations;
    s.error = detail::evaluate_plan(p, s.f, s.g, s.plan, s.row_sums, s.col_sums);
    return s;
  }

  /// Starts where a Sinkhorn run left off (the hand-over of `then`).
  [[nodiscard]] State init(const EntropicProblem& p, const SinkhornState& from) const {
    return init(p, from.row_potentials(p.epsilon()), from.column_potentials(p.epsilon()));
  }

  /// Starts from f = g = 0 (for use without a warm-up).
  [[nodiscard]] State init(const EntropicProblem& p) const {
    return init(p, Eigen::VectorXd::Zero(p.a().size()), Eigen::VectorXd::Zero(p.b().size()));
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
    const Index cap = std::min(options_.max_entries_per_column, p.a().size());
    Index keep = std::min(s.entries_per_column, cap);  // the budget persists across steps
    double mass = kept_mass(s, keep);
    if (mass < options_.min_kept_mass && keep < cap) {
      const double at_cap = kept_mass(s, cap);  // one look tells whether any budget can work
      if (at_cap >= options_.min_kept_mass) {
        while (mass < options_.min_kept_mass) {
          keep = std::min(2 * keep, cap);
          mass = keep == cap ? at_cap : kept_mass(s, keep);
        }
      } else {
        keep = cap;
        mass = at_cap;
      }
    }
    while (mass >= options_.min_kept_mass) {
      s.entries_per_column = keep;
      const double before = s.error;
      if (newton_step(p, s)) {
        ++s.newton_steps;
        // A step that did not halve the error points at a Hessian sparsified too far (its
        // convergence is then only linear): keep more entries from the next step on.
        if (s.error > 0.5 * before) s.entries_per_column = std::min(2 * keep, cap);
        return;
      }
      if (keep == cap) break;
      keep = std::min(2 * keep, cap);
      mass = kept_mass(s, keep);
    }
    s.fallback_left = s.next_fallback;
    s.next_fallback *= 4;
    s.entries_per_column = std::min(options_.entries_per_column, cap);
    fallback_step(p, s);
  }

  [[nodiscard]] double residual(const EntropicProblem& /*p*/, const State& s) const {
    return s.fallback ? s.fallback->error : s.error;
  }

  [[nodiscard]] bool is_finite(const EntropicProblem& p, const State& s) const {
    return std::isfinite(residual(p, s)) && s.f.allFinite() && s.g.allFinite();
  }

  [[nodiscard]] const Solver& solver() const noexcept { return solver_; }

 private:
  /// Fraction of the plan's mass in the `keep` largest entries of every column.
  static double kept_mass(State& s, Index keep) {
    const Index m = s.plan.rows();
    const auto k = static_cast<std::ptrdiff_t>(std::min(keep, m));
    double kept = 0.0;
    for (Index j = 0; j < s.plan.cols(); ++j) {
      const double* column = s.plan.col(j).data();
      s.values.assign(column, column + m);  // select on values: no index indirection
      std::nth_element(s.values.begin(), s.values.begin() + (k - 1), s.values.end(),
                       std::greater<>());
      kept = std::accumulate(s.values.begin(), s.values.begin() + k, kept);
    }
    const double total = s.col_sums.sum();
    return total > 0 ? kept / total : 0.0;
  }

  /// Assembles the sparsified system, solves it, and line-searches; false when no trial step
  /// decreased the marginal error.
  bool newton_step(const EntropicProblem& p, State& s) {
    const Index m = p.a().size();
    const Index n = p.b().size();
    const double eps = p.epsilon();
    // Right-hand side epsilon grad F = epsilon (a - P 1, b - P^T 1).
    s.rhs.head(m) = eps * (p.a() - s.row_sums);
    s.rhs.tail(n) = eps * (p.b() - s.col_sums);
    // System [[diag(P 1), S], [S^T, diag(P^T 1)]], S = the largest entries of each column.
    const Index keep = s.entries_per_column;
    s.triplets.clear();
    s.triplets.reserve(static_cast<std::size_t>(2 * keep * n + m + n));
    // Levenberg-Marquardt shift proportional to the current error (per marginal entry): it
    // bounds the conditioning of the nearly singular assignment-like systems and vanishes as
    // the error does, so the local convergence stays superlinear.
    const double mean_diagonal = (s.row_sums.sum() + s.col_sums.sum()) / static_cast<double>(m + n);
    const double shift = 1e-12 * mean_diagonal + s.error / static_cast<double>(m + n);
    for (Index i = 0; i < m; ++i) s.triplets.emplace_back(i, i, s.row_sums[i] + shift);
    for (Index j = 0; j < n; ++j) s.triplets.emplace_back(m + j, m + j, s.col_sums[j] + shift);
    for (Index j = 0; j < n; ++j) {
      std::iota(s.order.begin(), s.order.end(), Index{0});
      const auto column = s.plan.col(j);
      std::nth_element(s.order.begin(), s.order.begin() + (keep - 1), s.order.end(),
                       [&](Index x, Index y) { return column[x] > column[y]; });
      for (Index k = 0; k < keep; ++k) {
        const Index i = s.order[static_cast<std::size_t>(k)];
        const double value = column[i];
        if (value <= 0) continue;
        s.triplets.emplace_back(i, m + j, value);
        s.triplets.emplace_back(m + j, i, value);
      }
    }
    s.system.setFromTriplets(s.triplets.begin(), s.triplets.end());
    solver_.set_tolerance(options_.linear_tolerance);
    if (solver_.compute(s.system) != Status::Converged) return false;
    s.direction.setZero();
    const Summary solve = solver_.solve(s.rhs, s.direction);
    s.inner_iterations_last = solve.iterations;
    s.counters.inner_iterations += solve.iterations;
    s.counters.matvecs += solve.counters.matvecs;
    if (!s.direction.allFinite()) return false;
    // Backtracking on the marginal error.
    double alpha = 1.0;
    for (Index t = 0; t <= options_.max_backtracks; ++t, alpha *= 0.5) {
      s.trial_f = s.f + alpha * s.direction.head(m);
      s.trial_g = s.g + alpha * s.direction.tail(n);
      const double error =
          detail::evaluate_plan(p, s.trial_f, s.trial_g, s.trial, s.trial_rows, s.trial_cols);
      ++s.counters.oracle_calls;
      if (error < s.error) {
        std::swap(s.f, s.trial_f);
        std::swap(s.g, s.trial_g);
        std::swap(s.plan, s.trial);
        std::swap(s.row_sums, s.trial_rows);
        std::swap(s.col_sums, s.trial_cols);
        s.error = error;
        return true;
      }
    }
    return false;
  }

  /// One Sinkhorn iteration of a fallback; at its end, hands the potentials back to Newton.
  void fallback_step(const EntropicProblem& p, State& s) const {
    // The Newton state's plan is the kernel of (f, g): no exponentials at the hand-over.
    if (!s.fallback) s.fallback.emplace(sinkhorn_.init_with_kernel(p, s.f, s.g, s.plan));
    const auto before = s.fallback->counters.matvecs;
    sinkhorn_.step(p, *s.fallback);
    s.counters.matvecs += s.fallback->counters.matvecs - before;
    ++s.sinkhorn_steps;
    if (--s.fallback_left == 0) {
      // And back: P = diag(u) K diag(v), again without exponentials.
      const SinkhornState& f = *s.fallback;
      s.f = f.row_potentials(p.epsilon());
      s.g = f.column_potentials(p.epsilon());
      s.plan = f.u.asDiagonal() * f.kernel * f.v.asDiagonal();
      s.row_sums = s.plan.rowwise().sum();
      s.col_sums = s.plan.colwise().sum().transpose();
      s.error = (s.row_sums - p.a()).lpNorm<1>() + (s.col_sums - p.b()).lpNorm<1>();
      s.fallback.reset();
    }
  }

  SnsOptions options_;
  Solver solver_;
  SinkhornMethod sinkhorn_{};
};

/// Entropic optimal transport by Sinkhorn-Newton-Sparse: `options.sinkhorn_warmup` Sinkhorn
/// iterations `then` sparse Newton steps, with the Newton systems solved by `Solver` (a
/// `LinearSolver` over `Eigen::SparseMatrix<double>`; Jacobi-preconditioned CG by default,
/// e.g. `linalg::SparseLdlt<>` for exact solves). Same problem, conventions, result and errors
/// as `sinkhorn`; `sinkhorn_iterations` counts warm-up and fallback Sinkhorn iterations,
/// `newton_iterations` the Newton steps, `counters.inner_iterations` the linear-solver
/// iterations.
template <class Solver = DefaultNewtonSolver>
[[nodiscard]] TransportResult sinkhorn_newton_sparse(
    const Eigen::VectorXd& a, const Eigen::VectorXd& b, const Eigen::MatrixXd& c, double epsilon,
    const SnsOptions& options = {}, Solver solver = detail::make_newton_solver<Solver>()) {
  constexpr std::string_view function = "iterum::ot::sinkhorn_newton_sparse";
  const auto start = iterum::detail::Clock::now();
  options.validate(function);
  const EntropicProblem problem(a, b, c, epsilon, function);
  const auto [f0, g0] = detail::warm_start(function, options, problem, a.size(), b.size());
  SinkhornMethod sinkhorn;
  auto method = then(sinkhorn, stop::max_iterations(options.sinkhorn_warmup),
                     SparseNewtonMethod<Solver>(options, std::move(solver)));
  using Composite = decltype(method);
  typename Composite::State state{sinkhorn.init(problem, f0, g0),
                                  std::nullopt,
                                  stop::max_iterations(options.sinkhorn_warmup),
                                  0,
                                  0,
                                  {},
                                  iterum::detail::Clock::now()};
  state.counters = state.first.counters;
  auto run = solve_monitored(
      problem, method, std::move(state),
      stop::standard(options.tolerance, options.max_iterations, options.time_limit_seconds),
      options.monitor, function, start);
  TransportResult out;
  static_cast<Summary&>(out) = run;
  out.history = std::move(run.history);
  const auto& s = run.state;
  if (s.second) {
    out.sinkhorn_iterations = s.first_iterations + s.second->sinkhorn_steps;
    out.newton_iterations = s.second->newton_steps;
    if (s.second->fallback) {
      detail::certify(problem, s.second->fallback->row_potentials(epsilon),
                      s.second->fallback->column_potentials(epsilon), out);
    } else {
      detail::certify(problem, s.second->f, s.second->g, out);
    }
  } else {
    out.sinkhorn_iterations = s.first_iterations;
    detail::certify(problem, s.first.row_potentials(epsilon), s.first.column_potentials(epsilon),
                    out);
  }
  out.seconds = iterum::detail::seconds_since(start);
  return out;
}

/// Deleted: the result's `plan()` reads `c`, so `c` must not be a temporary.
template <class Solver = DefaultNewtonSolver>
TransportResult sinkhorn_newton_sparse(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                       Eigen::MatrixXd&& c, double epsilon,
                                       const SnsOptions& options = {},
                                       Solver solver = Solver()) = delete;

}  // namespace iterum::ot
