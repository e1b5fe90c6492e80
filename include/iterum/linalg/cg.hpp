#pragma once

/// @file cg.hpp
/// @brief Preconditioned conjugate gradient: the method (`CgMethod`), the `LinearSolver` model
/// (`ConjugateGradient`) and the facade `iterum::linalg::conjugate_gradient(A, b, options)`.
///
/// Algorithm: Hestenes & Stiefel (1952), preconditioned form as in Saad, "Iterative Methods
/// for Sparse Linear Systems", 2nd ed., Algorithm 9.1. The search-direction update of
/// iteration k is deferred to the start of iteration k+1, so the iteration that converges does
/// no preconditioner application or direction update it does not need. Per iteration: one
/// matvec, the curvature p . Ap, one fused pass for x, r and ||r||^2, one fused pass for
/// z = M^{-1} r and r . z (when the preconditioner offers `apply_dot`), and p = z + beta p:
/// the arithmetic of Eigen's ConjugateGradient in fewer sweeps over memory.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/solver_model.hpp"
#include "iterum/linalg/detail/symmetry.hpp"
#include "iterum/linalg/detail/system_input.hpp"
#include "iterum/linalg/identity_preconditioner.hpp"
#include "iterum/linalg/jacobi_preconditioner.hpp"
#include "iterum/linalg/linear_system.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg {

/// Which preconditioner the facade uses.
enum class CgPreconditioner {
  Automatic,  ///< Jacobi when A exposes its diagonal (Eigen matrices do), identity otherwise
  Identity,   ///< none
  Jacobi,     ///< diag(A); A must expose a positive diagonal
};

/// Options of `conjugate_gradient` and `ConjugateGradient`: the control fields
/// (core/options.hpp), then CG's own.
struct CgOptions {
  /// Stop when ||b - A x|| / ||b|| <= tolerance (||b - A x|| when b = 0). The residual is
  /// the recursively updated one, as in Eigen and every CG code.
  double tolerance = 1e-10;
  /// Iteration budget; unset means 2 n (Eigen's default).
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, residual history, user callback (also honoured by every solve of a
  /// `ConjugateGradient`).
  Monitor monitor{};
  /// When set, A is checked for symmetry before solving (CG requires it, and silently solves
  /// another system for a non-symmetric sparse A): |A(i,j) - A(j,i)| <= this * max |A|, or for
  /// a `LinearOperator` a probe with two extra products. Unset: not checked (a precondition).
  std::optional<double> symmetry_tolerance{};
  /// The facade's preconditioner; `ConjugateGradient` takes its preconditioner as a template
  /// parameter instead and ignores this field.
  CgPreconditioner preconditioner = CgPreconditioner::Automatic;

  /// Throws `iterum::invalid_argument` for a negative or non-finite tolerance, a negative
  /// iteration budget, a non-positive time limit or a negative or non-finite
  /// `symmetry_tolerance`.
  void validate(std::string_view function = "iterum::linalg::CgOptions::validate") const {
    validate_control(function, *this);
    detail::validate_symmetry_tolerance(function, symmetry_tolerance);
  }

  /// The iteration budget for an n by n system.
  [[nodiscard]] Index iteration_budget(Index n) const noexcept {
    return iterum::iteration_budget(*this, 2 * n);
  }
};

/// The iterate of `CgMethod`. Every vector but x is stored divided by `scale` (the largest
/// |entry| of the initial residual), so that r, z, p, A p and their inner products stay near 1
/// whatever the scale of b and A (1e-200 or 1e300); x itself is not scaled.
template <class Scalar>
struct CgState {
  Vector<Scalar> x;              ///< current solution estimate
  Vector<Scalar> r;              ///< residual (b - A x) / scale (recursively updated)
  Vector<Scalar> z;              ///< preconditioned residual M^{-1} r
  Vector<Scalar> p;              ///< search direction
  Vector<Scalar> ap;             ///< A p
  Scalar rz = 0;                 ///< r . z of the residual that built p
  Scalar scale = 1;              ///< the scale of r, z, p and A p (1 for a zero residual)
  double residual_norm = 0.0;    ///< ||r|| (that is, ||b - A x|| / scale)
  double rhs_norm = 0.0;         ///< ||b|| / scale
  bool direction_stale = false;  ///< p must be updated from r before the next matvec
  Counters counters{};
};

namespace detail {

/// Length of the blocks that fused vector kernels work through: small enough that a block of
/// every operand stays in L1 between the operations on it, long enough to vectorize well.
inline constexpr Index fused_block = 256;

/// x += alpha scale p and r -= alpha A p (r and p are scaled, see `CgState`), returning ||r||^2,
/// block by block so r is still in cache when its norm is taken (Eigen's vectorized kernels inside
/// each block).
template <class Scalar>
Scalar update_iterate(Scalar alpha, CgState<Scalar>& s) {
  const Index n = s.x.size();
  const Scalar step = alpha * s.scale;
  Scalar norm2(0);
  for (Index i = 0; i < n; i += fused_block) {
    const Index m = (std::min)(fused_block, n - i);
    s.x.segment(i, m) += step * s.p.segment(i, m);
    auto r = s.r.segment(i, m);
    r -= alpha * s.ap.segment(i, m);
    norm2 += r.squaredNorm();
  }
  return norm2;
}

}  // namespace detail

/// Preconditioned conjugate gradient as an `iterum::Method` over `LinearSystem<Op>`, for
/// symmetric positive definite A. `Precond` models `Preconditioner`.
template <class Scalar, class Precond = JacobiPreconditioner<Scalar>>
class CgMethod {
 public:
  using State = CgState<Scalar>;

  explicit CgMethod(Precond preconditioner = {}) : preconditioner_(std::move(preconditioner)) {}

  /// Sets up the preconditioner for `a`; `init` does this, `restart` does not.
  template <class Op>
  void precondition(const Op& a) {
    static_assert(Preconditioner<Precond, Op>,
                  "iterum::linalg::CgMethod: Precond must model iterum::Preconditioner for "
                  "this operator; see docs/concepts.md#preconditioner");
    preconditioner_.compute(a);
  }

  /// Starts from x = 0.
  template <class Op>
  [[nodiscard]] State init(const LinearSystem<Op>& problem) {
    return init(problem, Vector<Scalar>::Zero(problem.a.cols()));
  }

  /// Starts from `x0` (a warm start).
  template <class Op>
  [[nodiscard]] State init(const LinearSystem<Op>& problem, const Vector<Scalar>& x0) {
    precondition(problem.a);
    State state;
    restart(problem, x0, state);
    return state;
  }

  /// Re-initializes `state` in place for `problem` from `x0`, reusing its buffers and the
  /// preconditioner already computed (what an inner solver does between outer steps).
  template <class Op>
  void restart(const LinearSystem<Op>& problem, const Vector<Scalar>& x0, State& state) {
    const Index n = problem.a.cols();
    check::size("iterum::linalg::CgMethod::restart", "x0", x0.size(), n,
                "must have as many entries as A has columns");
    state.x = x0;
    state.r.resize(n);
    state.z.resize(n);
    state.p.resize(n);
    state.ap.resize(n);
    problem.a.apply(state.x, state.ap);
    state.r = problem.b - state.ap;
    state.counters = {};
    state.counters.matvecs = 1;
    // Scale r to a largest entry of 1: ||b||^2 and r . z neither underflow for b = 1e-200 nor
    // overflow for b = 1e300 (the step is scale-invariant; x moves by alpha scale p).
    const Scalar largest = n > 0 ? state.r.cwiseAbs().maxCoeff() : Scalar(0);
    state.scale = largest > 0 && std::isfinite(static_cast<double>(largest)) ? largest : Scalar(1);
    state.r /= state.scale;
    state.rhs_norm = static_cast<double>(problem.b.stableNorm() / state.scale);
    state.residual_norm = static_cast<double>(state.r.norm());
    state.rz = apply_preconditioner(state.r, state.z);
    state.p = state.z;
    state.direction_stale = false;
  }

  /// One CG iteration (no allocation). Returns `Status::Breakdown` when the curvature
  /// p . A p or the preconditioned norm r . z is not positive (A or M not SPD).
  template <class Op>
  std::optional<Status> step(const LinearSystem<Op>& problem, State& s) {
    if (s.direction_stale) {
      const Scalar rz_next = apply_preconditioner(s.r, s.z);
      if (!(rz_next > 0))
        return std::isfinite(rz_next) ? Status::Breakdown : Status::NumericalIssue;
      const Scalar beta = rz_next / s.rz;
      s.rz = rz_next;
      s.p = s.z + beta * s.p;
      s.direction_stale = false;
    }
    problem.a.apply(s.p, s.ap);
    ++s.counters.matvecs;
    const Scalar curvature = s.p.dot(s.ap);
    if (!(curvature > 0)) {
      return std::isfinite(curvature) ? Status::Breakdown : Status::NumericalIssue;
    }
    const Scalar alpha = s.rz / curvature;
    s.residual_norm = static_cast<double>(std::sqrt(detail::update_iterate(alpha, s)));
    s.direction_stale = true;
    return std::nullopt;
  }

  /// ||b - A x|| / ||b|| (or ||b - A x|| when b = 0), from the recursive residual (both norms
  /// are held divided by `scale`, so the ratio needs no rescaling).
  template <class Op>
  [[nodiscard]] double residual(const LinearSystem<Op>& /*problem*/, const State& s) const {
    return s.rhs_norm > 0 ? s.residual_norm / s.rhs_norm
                          : s.residual_norm * static_cast<double>(s.scale);
  }

  /// O(1) finiteness test: x changes only by alpha p, and a non-finite alpha or p makes the
  /// residual non-finite in the same step, so a finite residual norm implies a finite state.
  template <class Op>
  [[nodiscard]] bool is_finite(const LinearSystem<Op>& /*problem*/, const State& s) const {
    return std::isfinite(s.residual_norm);
  }

  [[nodiscard]] Precond& preconditioner() noexcept { return preconditioner_; }
  [[nodiscard]] const Precond& preconditioner() const noexcept { return preconditioner_; }

 private:
  /// z = M^{-1} r, returning r . z; fused in one pass when the preconditioner offers it.
  Scalar apply_preconditioner(const Vector<Scalar>& r, Vector<Scalar>& z) const {
    if constexpr (requires {
                    { preconditioner_.apply_dot(r, z) } -> std::convertible_to<Scalar>;
                  }) {
      return preconditioner_.apply_dot(r, z);
    } else {
      preconditioner_.apply(r, z);
      return r.dot(z);
    }
  }

  Precond preconditioner_;
};

/// Conjugate gradient as a `LinearSolver` model, for use as the inner solver of other
/// methods. The operand `A` is a `LinearOperator`, an `Eigen::SparseMatrix` (assumed
/// symmetric, as CG requires) or a dense `Eigen::Matrix`. `compute(a)` sets up the
/// preconditioner; `solve(b, x)` starts from x (warm start) and reuses its workspace.
template <class A, class Precond = JacobiPreconditioner<typename A::Scalar>>
class ConjugateGradient {
 public:
  using Scalar = typename A::Scalar;
  /// The operator the iterations apply.
  using Op = typename detail::symmetric_operator<A>::type;

  explicit ConjugateGradient(CgOptions options = {}, Precond preconditioner = {})
      : options_(std::move(options)), method_(std::move(preconditioner)) {
    options_.validate("iterum::linalg::ConjugateGradient");
  }

  /// Prepares for `a`, which must outlive the following solves. If it throws (e.g. Jacobi on a
  /// non-positive diagonal), the solver keeps its previous operator.
  Status compute(const A& a) requires Preconditioner<Precond, Op> {
    detail::check_symmetric_operand("iterum::linalg::ConjugateGradient::compute", a, options_);
    if constexpr (std::is_same_v<Op, A>) {
      method_.precondition(a);
    } else {
      const Op view(a);
      method_.precondition(view);
    }
    operand_.bind(a);
    return Status::Converged;
  }
  Status compute(A&&) = delete;

  /// Solves A x = b from the initial guess in x.
  Summary solve(const Vector<Scalar>& b, Vector<Scalar>& x) {
    const Op* op = operand_.get();
    detail::check_solve_arguments("iterum::linalg::ConjugateGradient::solve", op, b, x);
    const Stopwatch clock;
    const LinearSystem<Op> system{*op, b};
    method_.restart(system, x, state_);
    auto result = solve_with_options(system, method_, std::move(state_), options_, 2 * op->cols(),
                                     "iterum::linalg::ConjugateGradient", clock);
    state_ = std::move(result.state);
    x = state_.x;
    Summary out;
    pack_summary(out, result, clock);
    return out;
  }

  /// Sets the relative-residual tolerance of the following solves.
  void set_tolerance(double tolerance) {
    detail::set_tolerance("iterum::linalg::ConjugateGradient::set_tolerance", options_, tolerance);
  }

  /// Sets the iteration budget of the following solves (unset: 2 n): the optional work-budget
  /// extension of `LinearSolver` (`LinearSolverWithBudget`), which inexact-Newton callers
  /// (the Newton stage of SNS) use when a solver offers it.
  void set_max_iterations(std::optional<Index> max_iterations) {
    detail::set_max_iterations("iterum::linalg::ConjugateGradient::set_max_iterations", options_,
                               max_iterations);
  }

  [[nodiscard]] const CgOptions& options() const noexcept { return options_; }

  /// The preconditioner (e.g. to change a parameter between solves).
  [[nodiscard]] Precond& preconditioner() noexcept { return method_.preconditioner(); }
  [[nodiscard]] const Precond& preconditioner() const noexcept { return method_.preconditioner(); }

 private:
  CgOptions options_;
  CgMethod<Scalar, Precond> method_;
  CgState<Scalar> state_;
  detail::SolverOperand<A, Op> operand_;
};

/// What `conjugate_gradient` returns: `x` and the summary (`history` when the monitor asked).
template <class Scalar>
using CgResult = Solution<Scalar>;

namespace detail {

/// Runs preconditioned CG on a checked system from `x0` and packs the facade's result: the one
/// body of `conjugate_gradient` and `ssor_conjugate_gradient`.
template <class Scalar, class Precond, class Op, class Options>
Solution<Scalar> run_cg(const Op& op, const Vector<Scalar>& b, const Vector<Scalar>& x0,
                        const Options& options, const Stopwatch& clock, Precond preconditioner,
                        std::string_view label) {
  CgMethod<Scalar, Precond> method(std::move(preconditioner));
  const LinearSystem<Op> system{op, b};
  auto state = method.init(system, x0);
  auto result =
      solve_with_options(system, method, std::move(state), options, 2 * op.cols(), label, clock);
  // The stop test read the recursive residual; the returned x must meet the tolerance too.
  // It cannot when x is not representable closely enough (b of denormals, e.g. 1e-323):
  // that is reported, with the true residual, instead of a Converged that does not hold.
  detail::confirm_converged<NormKind::Stable>(result, op, b, options.tolerance);
  Solution<Scalar> out;
  out.x = std::move(result.state.x);
  pack_summary(out, result, clock);
  return out;
}

template <class A, class B, class X0>
auto conjugate_gradient_impl(const A& a, const B& b, const X0* x0, const CgOptions& options) {
  constexpr std::string_view function = "iterum::linalg::conjugate_gradient";
  const Stopwatch clock;
  using Scalar = typename A::Scalar;
  const auto input = check_symmetric_system_input(function, a, b, x0, options);
  // CG assumes A symmetric, so sparse matrices use the faster symmetric product.
  return with_operator<Symmetry::Symmetric>(a, [&](const auto& op) {
    using Op = std::remove_cvref_t<decltype(op)>;
    constexpr bool has_diagonal = DiagonalAccess<Op>;
    bool jacobi = options.preconditioner == CgPreconditioner::Jacobi ||
                  (options.preconditioner == CgPreconditioner::Automatic && has_diagonal);
    if constexpr (has_diagonal) {
      if (jacobi) {
        check_positive_diagonal(function, "A", Vector<Scalar>(op.diagonal()));
        return run_cg<Scalar>(op, input.b, input.x0, options, clock, JacobiPreconditioner<Scalar>{},
                              function);
      }
    } else {
      check::that(!jacobi, function, "options.preconditioner",
                  "is Jacobi, but A has no diagonal(): use Identity or Automatic");
    }
    return run_cg<Scalar>(op, input.b, input.x0, options, clock, IdentityPreconditioner<Scalar>{},
                          function);
  });
}

}  // namespace detail

/// Solves A x = b for symmetric positive definite A by preconditioned conjugate gradient.
///
/// @param a        n by n SPD matrix: an Eigen dense or sparse matrix (expressions are
///                 evaluated once), or any `LinearOperator`.
/// @param b        n by 1 right-hand side.
/// @param options  tolerance, budgets, preconditioner, monitoring.
/// @return `x`, `status`, `iterations`, `residual` (relative), `seconds`, `counters`,
///         `history`. Never throws for non-convergence: read `status`. `Converged` is
///         confirmed on the returned x (one uncounted product): when x cannot meet the
///         tolerance (b of denormals), the status is `NumericalIssue` with x's true residual.
/// @throws iterum::invalid_argument for an empty or non-square A, a size mismatch, a
///         non-finite entry in A or b, a non-positive diagonal with Jacobi, or bad options.
///
/// Example:
/// @code
///   Eigen::SparseMatrix<double> A = iterum::linalg::laplacian_2d(64, 64);
///   Eigen::VectorXd b = Eigen::VectorXd::Ones(A.rows());
///   auto r = iterum::linalg::conjugate_gradient(A, b, {.tolerance = 1e-8});
///   if (r.ok()) use(r.x);
/// @endcode
template <class A, class B>
[[nodiscard]] auto conjugate_gradient(const A& a, const B& b, const CgOptions& options = {}) {
  constexpr bool valid = detail::check_linear_operand<A>();
  if constexpr (valid) {
    return detail::conjugate_gradient_impl(a, b, static_cast<const B*>(nullptr), options);
  } else {
    return Summary{};
  }
}

/// As above, starting from the initial guess `x0` (n by 1) instead of zero.
template <class A, class B, class X0>
requires(!std::is_same_v<X0, CgOptions>)
    [[nodiscard]] auto conjugate_gradient(const A& a, const B& b, const X0& x0,
                                          const CgOptions& options = {}) {
  constexpr bool valid = detail::check_linear_operand<A>();
  if constexpr (valid) {
    return detail::conjugate_gradient_impl(a, b, &x0, options);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::linalg
