#pragma once

/// @file minres.hpp
/// @brief MINRES for symmetric, possibly indefinite systems A x = b: the method
/// (`MinresMethod`), the `LinearSolver` model (`Minres`) and the facade
/// `iterum::linalg::minres(A, b[, x0], options)`.
///
/// Algorithm: Paige & Saunders, "Solution of sparse indefinite systems of linear equations",
/// SIAM J. Numer. Anal. 12(4), 1975: the Lanczos process, the QR
/// factorization of the tridiagonal T_k by plane rotations updated one column per step
/// and the three-term recurrence for the directions W_k = V_k R_k^{-1}; the residual
/// norm is the running product phi_bar_k (no extra product). The step follows the layout of
/// the authors' reference code (SOL minres, unpreconditioned). Per iteration: one product,
/// two inner products, four vector updates.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/solver_model.hpp"
#include "iterum/linalg/detail/symmetry.hpp"
#include "iterum/linalg/detail/system_input.hpp"
#include "iterum/linalg/linear_system.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg {

/// Options of `minres` and `Minres`: the control fields (core/options.hpp), then MINRES's own.
struct MinresOptions {
  /// Stop when ||b - A x|| / ||b|| <= tolerance (||b - A x|| when b = 0), read from the
  /// recurrence and confirmed on the returned x.
  double tolerance = 1e-10;
  /// Iteration budget; unset means 5 n.
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, residual history, user callback.
  Monitor monitor{};
  /// When set, A is checked for symmetry first (see `CgOptions::symmetry_tolerance`); unset:
  /// symmetry is a precondition, not checked.
  std::optional<double> symmetry_tolerance{};

  /// Throws `iterum::invalid_argument` for bad control fields or a bad `symmetry_tolerance`.
  void validate(std::string_view function = "iterum::linalg::MinresOptions::validate") const {
    validate_control(function, *this);
    detail::validate_symmetry_tolerance(function, symmetry_tolerance);
  }

  /// The iteration budget for an n by n system.
  [[nodiscard]] Index iteration_budget(Index n) const noexcept {
    return iterum::iteration_budget(*this, 5 * n);
  }
};

/// The iterate of `MinresMethod`.
template <class Scalar>
struct MinresState {
  Vector<Scalar> x;      ///< current solution estimate
  Vector<Scalar> v;      ///< Lanczos vector v_k
  Vector<Scalar> y;      ///< beta_{k+1} v_{k+1} in the making
  Vector<Scalar> r1;     ///< beta_{k-1} v_{k-1}
  Vector<Scalar> r2;     ///< beta_k v_k
  Vector<Scalar> w;      ///< direction w_k
  Vector<Scalar> w1;     ///< w_{k-2}
  Vector<Scalar> w2;     ///< w_{k-1}
  Scalar beta = 0;       ///< beta_{k+1}
  Scalar old_beta = 0;   ///< beta_k
  Scalar d_bar = 0;      ///< the rotated super-diagonal entry carried to the next column
  Scalar epsilon = 0;    ///< the second super-diagonal entry of R
  Scalar phi_bar = 0;    ///< ||b - A x|| (the rotated right-hand side's last entry)
  Scalar cs = -1;        ///< cosine of the last rotation
  Scalar sn = 0;         ///< sine of the last rotation
  double t_norm2 = 0.0;  ///< ||T_k||_F^2, an estimate of ||A||_F^2
  double b_norm = 0.0;   ///< ||b||
  Counters counters{};
};

/// MINRES (Paige & Saunders 1975) as an `iterum::Method` over `LinearSystem<Op>` for
/// symmetric (possibly indefinite or singular) A.
template <class Scalar>
class MinresMethod {
 public:
  using State = MinresState<Scalar>;

  /// Starts from x = 0.
  template <class Op>
  [[nodiscard]] State init(const LinearSystem<Op>& problem) const {
    return init(problem, Vector<Scalar>::Zero(problem.a.cols()));
  }

  /// Starts from `x0` (a warm start: the Lanczos process starts from b - A x0).
  template <class Op>
  [[nodiscard]] State init(const LinearSystem<Op>& problem, const Vector<Scalar>& x0) const {
    State state;
    restart(problem, x0, state);
    return state;
  }

  /// Re-initializes `state` in place from `x0`, reusing its buffers.
  template <class Op>
  void restart(const LinearSystem<Op>& problem, const Vector<Scalar>& x0, State& s) const {
    const Index n = problem.a.cols();
    check::size("iterum::linalg::MinresMethod::restart", "x0", x0.size(), n,
                "must have as many entries as A has columns");
    s.x = x0;
    s.v.resize(n);
    s.y.resize(n);
    s.w = Vector<Scalar>::Zero(n);
    s.w1 = Vector<Scalar>::Zero(n);
    s.w2 = Vector<Scalar>::Zero(n);
    problem.a.apply(s.x, s.y);
    s.r1 = problem.b - s.y;
    s.r2 = s.r1;
    s.y = s.r1;
    s.counters = {};
    s.counters.matvecs = 1;
    s.beta = s.r1.norm();
    s.old_beta = 0;
    s.d_bar = 0;
    s.epsilon = 0;
    s.phi_bar = s.beta;
    s.cs = -1;
    s.sn = 0;
    s.t_norm2 = 0.0;
    s.b_norm = static_cast<double>(problem.b.norm());
  }

  /// One MINRES iteration (no allocation). Returns `Status::Breakdown` when the Krylov space is
  /// exhausted without meeting the tolerance (A singular and b not in its range).
  template <class Op>
  std::optional<Status> step(const LinearSystem<Op>& problem, State& s) const {
    if (!std::isfinite(static_cast<double>(s.beta))) return Status::NumericalIssue;
    // The Krylov space is exhausted (beta_{k+1} = 0 up to round-off relative to ||T_k||):
    // had x solved the system, the stop rule would have ended the solve already. Going on
    // would build Lanczos vectors from round-off (A singular, b not in its range).
    const double exhausted =
        10.0 * static_cast<double>(std::numeric_limits<Scalar>::epsilon()) * std::sqrt(s.t_norm2);
    if (!(static_cast<double>(s.beta) > exhausted)) return Status::Breakdown;
    // Lanczos: beta_{k+1} v_{k+1} = A v_k - alpha_k v_k - beta_k v_{k-1}.
    s.v = s.y / s.beta;
    problem.a.apply(s.v, s.y);
    ++s.counters.matvecs;
    if (s.old_beta > 0) s.y -= (s.beta / s.old_beta) * s.r1;
    const Scalar alpha = s.v.dot(s.y);
    s.y -= (alpha / s.beta) * s.r2;
    s.r1.swap(s.r2);
    s.r2 = s.y;
    s.old_beta = s.beta;
    s.beta = s.r2.norm();
    s.t_norm2 += static_cast<double>(alpha * alpha + s.old_beta * s.old_beta + s.beta * s.beta);
    // Apply the previous rotation to the new column of T_k, then the new rotation.
    const Scalar old_epsilon = s.epsilon;
    const Scalar delta = s.cs * s.d_bar + s.sn * alpha;
    const Scalar g_bar = s.sn * s.d_bar - s.cs * alpha;
    s.epsilon = s.sn * s.beta;
    s.d_bar = -s.cs * s.beta;
    // gamma_k = 0 (up to round-off) means T_k is singular: A is singular and the last
    // direction lies in its null space. Stop before the step that would divide by it; x is
    // then the minimum-residual point of the previous Krylov space.
    const Scalar gamma = std::hypot(g_bar, s.beta);
    if (!(static_cast<double>(gamma) > exhausted)) return Status::Breakdown;
    s.cs = g_bar / gamma;
    s.sn = s.beta / gamma;
    const Scalar phi = s.cs * s.phi_bar;
    s.phi_bar = s.sn * s.phi_bar;
    // w_k = (v_k - epsilon_{k-1} w_{k-2} - delta_k w_{k-1}) / gamma_k; x += phi_k w_k.
    s.w1.swap(s.w2);
    s.w2.swap(s.w);
    s.w = (s.v - old_epsilon * s.w1 - delta * s.w2) / gamma;
    s.x += phi * s.w;
    return std::nullopt;
  }

  /// ||b - A x|| / ||b|| (||b - A x|| when b = 0) from the recurrence.
  template <class Op>
  [[nodiscard]] double residual(const LinearSystem<Op>& /*problem*/, const State& s) const {
    const auto r = static_cast<double>(std::abs(s.phi_bar));
    return s.b_norm > 0 ? r / s.b_norm : r;
  }

  /// O(1) finiteness test (a non-finite product shows in beta and phi_bar the same step).
  template <class Op>
  [[nodiscard]] bool is_finite(const LinearSystem<Op>& /*problem*/, const State& s) const {
    return std::isfinite(static_cast<double>(s.phi_bar)) &&
           std::isfinite(static_cast<double>(s.beta));
  }
};

namespace detail {

/// Runs MINRES on a checked system from `x0` and packs the result; `Converged` is confirmed on
/// the returned x (one uncounted product), else `NumericalIssue` with x's true residual.
template <class Scalar, class Op>
Solution<Scalar> run_minres(const Op& op, const Vector<Scalar>& b, const Vector<Scalar>& x0,
                            const MinresOptions& options, const Stopwatch& clock,
                            std::string_view label) {
  MinresMethod<Scalar> method;
  const LinearSystem<Op> system{op, b};
  auto state = method.init(system, x0);
  auto result = solve_with_options(system, method, std::move(state), options,
                                   options.iteration_budget(op.cols()), label, clock);
  confirm_converged<NormKind::Plain>(result, op, b, options.tolerance);
  Solution<Scalar> out;
  out.x = std::move(result.state.x);
  pack_summary(out, result, clock);
  return out;
}

}  // namespace detail

/// MINRES as a `LinearSolver` model for symmetric (possibly indefinite) A. The operand `A` is
/// a `LinearOperator`, an `Eigen::SparseMatrix` (assumed symmetric) or a dense `Eigen::Matrix`.
template <class A>
class Minres {
 public:
  using Scalar = typename A::Scalar;
  /// The operator the iterations apply.
  using Op = typename detail::symmetric_operator<A>::type;

  explicit Minres(MinresOptions options = {}) : options_(std::move(options)) {
    options_.validate("iterum::linalg::Minres");
  }

  /// Prepares for `a` (square, symmetric), which must outlive the following solves.
  Status compute(const A& a) {
    detail::check_symmetric_operand("iterum::linalg::Minres::compute", a, options_);
    operand_.bind(a);
    return Status::Converged;
  }
  Status compute(A&&) = delete;

  /// Solves A x = b from the initial guess in x.
  Summary solve(const Vector<Scalar>& b, Vector<Scalar>& x) {
    const Op* op = operand_.get();
    detail::check_solve_arguments("iterum::linalg::Minres::solve", op, b, x);
    const Stopwatch clock;
    return detail::take_solution(
        detail::run_minres<Scalar>(*op, b, x, options_, clock, "iterum::linalg::Minres"), x);
  }

  /// Sets the relative-residual tolerance of the following solves.
  void set_tolerance(double tolerance) {
    detail::set_tolerance("iterum::linalg::Minres::set_tolerance", options_, tolerance);
  }

  /// Sets the iteration budget of the following solves (unset: 5 n).
  void set_max_iterations(std::optional<Index> max_iterations) {
    detail::set_max_iterations("iterum::linalg::Minres::set_max_iterations", options_,
                               max_iterations);
  }

  [[nodiscard]] const MinresOptions& options() const noexcept { return options_; }

 private:
  MinresOptions options_;
  detail::SolverOperand<A, Op> operand_;
};

/// What `minres` returns: `x` and the summary.
template <class Scalar>
using MinresResult = Solution<Scalar>;

namespace detail {

template <class A, class B, class X0>
auto minres_impl(const A& a, const B& b, const X0* x0, const MinresOptions& options) {
  constexpr std::string_view function = "iterum::linalg::minres";
  const Stopwatch clock;
  using Scalar = typename A::Scalar;
  const auto input = check_symmetric_system_input(function, a, b, x0, options);
  return with_operator<Symmetry::Symmetric>(a, [&](const auto& op) {
    return run_minres<Scalar>(op, input.b, input.x0, options, clock, function);
  });
}

}  // namespace detail

/// Solves A x = b for symmetric, possibly indefinite A by MINRES.
///
/// @param a        n by n symmetric matrix: an Eigen dense or sparse matrix (a sparse one is
///                 read as symmetric) or any `LinearOperator`.
/// @param b        n by 1 right-hand side.
/// @param options  tolerance, budgets, symmetry check, monitoring.
/// @return `x`, `status`, `iterations`, `residual` (relative), `seconds`, `counters`,
///         `history`. `Converged` is confirmed on the returned x. For singular A with b not in
///         its range the residual cannot reach the tolerance: `Breakdown` or `MaxIterations`.
/// @throws iterum::invalid_argument for an empty or non-square A, a size mismatch, a
///         non-finite entry in A, b or x0, an asymmetric A (when checked) or bad options.
///
/// Example:
/// @code
///   Eigen::MatrixXd K(2, 2);
///   K << 1, 2, 2, -1;  // symmetric indefinite
///   auto r = iterum::linalg::minres(K, Eigen::VectorXd::Ones(2));
/// @endcode
template <class A, class B>
[[nodiscard]] auto minres(const A& a, const B& b, const MinresOptions& options = {}) {
  constexpr bool valid = detail::check_linear_operand<A>();
  if constexpr (valid) {
    return detail::minres_impl(a, b, static_cast<const B*>(nullptr), options);
  } else {
    return Summary{};
  }
}

/// As above, starting from the initial guess `x0` (n by 1) instead of zero.
template <class A, class B, class X0>
requires(!std::is_same_v<X0, MinresOptions>)
    [[nodiscard]] auto minres(const A& a, const B& b, const X0& x0,
                              const MinresOptions& options = {}) {
  constexpr bool valid = detail::check_linear_operand<A>();
  if constexpr (valid) {
    return detail::minres_impl(a, b, &x0, options);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::linalg
