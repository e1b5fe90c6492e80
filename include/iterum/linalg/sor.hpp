#pragma once

/// @file sor.hpp
/// @brief Successive over-relaxation: the method (`SorMethod`), the `LinearSolver` model
/// (`Sor`) and the facade `iterum::linalg::sor(A, b[, x0], options)`.
///
/// Algorithm: Young's SOR (D. M. Young, "Iterative methods for solving partial difference
/// equations of elliptic type", 1950), in the form Khodak, Chow, Balcan & Talwalkar use as the
/// cost oracle of their bandit tuner ("Learning to Relax", ICLR 2024, arXiv 2310.02246, Sec. 2,
/// eq. (1)): x_{k+1} = x_k + (D/w + L)^{-1} (b - A x_k), one forward sweep per iteration, with
/// 0 < w < 2 (w = 1 is Gauss-Seidel). Each iteration is the in-place sweep over the CSR arrays
/// followed by one pass that computes ||b - A x||, which the driver's stop rule reads (the
/// paper also tests the true residual after every sweep, so iteration counts match its costs).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/relaxation.hpp"
#include "iterum/linalg/detail/solver_model.hpp"
#include "iterum/linalg/detail/system_input.hpp"
#include "iterum/linalg/linear_system.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg {

/// Options of `sor` and `Sor`: the control fields (core/options.hpp), then the relaxation
/// parameter.
struct SorOptions {
  /// Stop when ||b - A x|| / ||b|| <= tolerance (||b - A x|| when b = 0): the true residual,
  /// recomputed after every sweep. From x0 = 0 this is the paper's ||r_k|| / ||r_0||.
  double tolerance = 1e-8;
  /// Sweep budget; unset means 10000 (the cap of the paper's experiments).
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, residual history, user callback.
  Monitor monitor{};
  /// Relaxation parameter w, in (0, 2); 1 is Gauss-Seidel.
  double omega = 1.0;

  /// Throws `iterum::invalid_argument` for omega outside (0, 2), a negative or non-finite
  /// tolerance, a negative sweep budget or a non-positive time limit.
  void validate(std::string_view function = "iterum::linalg::SorOptions::validate") const {
    validate_control(function, *this);
    detail::check_omega(function, "options.omega", omega);
  }

  /// The sweep budget.
  [[nodiscard]] Index iteration_budget() const noexcept {
    return iterum::iteration_budget(*this, default_max_iterations);
  }

  /// The sweep budget when `max_iterations` is unset.
  static constexpr Index default_max_iterations = 10000;
};

/// A compressed row-major sparse matrix with `int` indices: the storage SOR sweeps.
template <class Scalar>
using CsrMatrix = Eigen::SparseMatrix<Scalar, Eigen::RowMajor, int>;

/// The iterate of `SorMethod`.
template <class Scalar>
struct SorState {
  Vector<Scalar> x;  ///< current solution estimate
  /// The largest |b_i| (1 when b = 0): both norms below are taken of vectors divided by it,
  /// so that they neither underflow nor overflow for b of 1e-200 or 1e300.
  Scalar scale = 1;
  double residual_norm = 0.0;  ///< ||b - A x|| / scale of the current x
  double rhs_norm = 0.0;       ///< ||b|| / scale
  /// `matvecs` counts passes over A: one for the initial residual, then two per sweep (the
  /// sweep itself and the residual after it).
  Counters counters{};
};

/// The operator SOR runs on: a view of a compressed row-major matrix with int indices.
template <class Scalar>
using CsrOperator = SparseOperator<CsrMatrix<Scalar>>;

/// SOR as an `iterum::Method` over `LinearSystem<CsrOperator<Scalar>>` (build the matrix with
/// `Eigen::SparseMatrix<Scalar, Eigen::RowMajor, int>`, compressed). The diagonal positions
/// are found once (`prepare`, also done by `init`); `step` is one sweep plus the residual and
/// does not allocate.
template <class Scalar>
class SorMethod {
 public:
  using State = SorState<Scalar>;
  using Problem = LinearSystem<CsrOperator<Scalar>>;

  /// The method's settings.
  struct Params {
    double omega = 1.0;  ///< relaxation parameter, in (0, 2)
  };

  /// Throws `iterum::invalid_argument` unless 0 < omega < 2.
  explicit SorMethod(Params params = {}) { set_omega(params.omega); }

  void set_omega(double omega) {
    detail::check_omega("iterum::linalg::SorMethod::set_omega", "omega", omega);
    omega_ = static_cast<Scalar>(omega);
  }
  [[nodiscard]] double omega() const noexcept { return static_cast<double>(omega_); }

  /// Locates and inverts the diagonal of `a` (throws for a missing, zero or non-finite entry).
  void prepare(const CsrMatrix<Scalar>& a,
               std::string_view function = "iterum::linalg::SorMethod::prepare") {
    check::that(a.isCompressed(), function, "A", "must be in compressed storage");
    diagonal_.prepare(a, function, "A");
  }

  /// Starts from x = 0.
  [[nodiscard]] State init(const Problem& problem) {
    return init(problem, Vector<Scalar>::Zero(problem.a.cols()));
  }

  /// Starts from `x0` (a warm start).
  [[nodiscard]] State init(const Problem& problem, const Vector<Scalar>& x0) {
    prepare(problem.a.matrix());
    State state;
    restart(problem, x0, state);
    return state;
  }

  /// Re-initializes `state` for `problem` from `x0`, reusing the prepared diagonal (which
  /// must belong to problem.a) and the state's buffer.
  void restart(const Problem& problem, const Vector<Scalar>& x0, State& state) {
    constexpr std::string_view function = "iterum::linalg::SorMethod::restart";
    const Index n = problem.a.cols();
    check::that(diagonal_.size() == n, function, "this",
                "needs prepare(A) for a matrix of this size before restart");
    check::size(function, "x0", x0.size(), n, "must have as many entries as A has columns");
    state.x = x0;
    const Scalar largest = n > 0 ? problem.b.cwiseAbs().maxCoeff() : Scalar(0);
    state.scale = largest > 0 && std::isfinite(static_cast<double>(largest)) ? largest : Scalar(1);
    state.rhs_norm = static_cast<double>((problem.b / state.scale).norm());
    state.residual_norm = std::sqrt(static_cast<double>(detail::csr_residual_norm2(
        problem.a.matrix(), problem.b.data(), state.x.data(), state.scale)));
    state.counters = {};
    state.counters.matvecs = 1;
  }

  /// One forward sweep and the residual after it (no allocation).
  void step(const Problem& problem, State& s) const {
    const auto& a = problem.a.matrix();
    detail::sor_forward_sweep(a, diagonal_, problem.b.data(), s.x.data(), omega_);
    s.residual_norm = std::sqrt(
        static_cast<double>(detail::csr_residual_norm2(a, problem.b.data(), s.x.data(), s.scale)));
    s.counters.matvecs += 2;
  }

  /// ||b - A x|| / ||b|| (||b - A x|| when b = 0, where scale = 1).
  [[nodiscard]] double residual(const Problem& /*problem*/, const State& s) const {
    return s.rhs_norm > 0 ? s.residual_norm / s.rhs_norm : s.residual_norm;
  }

  /// A finite residual norm means a finite x: every entry of x enters the residual.
  [[nodiscard]] bool is_finite(const Problem& /*problem*/, const State& s) const {
    return std::isfinite(s.residual_norm);
  }

 private:
  detail::CsrDiagonal<Scalar> diagonal_;
  Scalar omega_ = 1;
};

/// What `sor` returns: `x` and the summary (`history` when the monitor asked).
template <class Scalar>
using SorResult = Solution<Scalar>;

/// SOR as a `LinearSolver` model, for use as the inner solver of other methods. `A` is an
/// Eigen sparse matrix (either storage order) or dense matrix type; `compute(a)` keeps a
/// compressed row-major copy (so `a` need not outlive the solver); `solve(b, x)` starts from x
/// (warm start) and reuses its workspace.
template <class A>
class Sor {
 public:
  using Scalar = typename A::Scalar;

  explicit Sor(SorOptions options = {}) : options_(std::move(options)) {
    options_.validate("iterum::linalg::Sor");
    method_.set_omega(options_.omega);
  }

  /// Sets the sweep budget of the following solves (unset: 10000): the optional work budget
  /// of `LinearSolver` (`LinearSolverWithBudget`).
  void set_max_iterations(std::optional<Index> max_iterations) {
    detail::set_max_iterations("iterum::linalg::Sor::set_max_iterations", options_, max_iterations);
  }

  /// Copies `a` into CSR storage and locates its diagonal. If it throws (a missing, zero or
  /// non-finite diagonal entry), the solver keeps its previous matrix.
  Status compute(const A& a) {
    constexpr std::string_view function = "iterum::linalg::Sor::compute";
    check::not_empty(function, "A", a.rows());
    check::square(function, "A", a.rows(), a.cols());
    CsrMatrix<Scalar> csr = detail::to_csr(a);
    SorMethod<Scalar> method({.omega = options_.omega});
    method.prepare(csr, function);
    csr_ = std::move(csr);
    method_ = std::move(method);
    ready_ = true;
    return Status::Converged;
  }

  /// Solves A x = b from the initial guess in x.
  Summary solve(const Vector<Scalar>& b, Vector<Scalar>& x) {
    detail::check_solve_arguments("iterum::linalg::Sor::solve", ready_, csr_.rows(), csr_.cols(), b,
                                  x);
    const Stopwatch clock;
    const CsrOperator<Scalar> op(csr_);
    const LinearSystem<CsrOperator<Scalar>> system{op, b};
    method_.restart(system, x, state_);
    auto result =
        solve_with_options(system, method_, std::move(state_), options_,
                           SorOptions::default_max_iterations, "iterum::linalg::Sor", clock);
    state_ = std::move(result.state);
    x = state_.x;
    Summary out;
    pack_summary(out, result, clock);
    return out;
  }

  /// Sets the relative-residual tolerance of the following solves.
  void set_tolerance(double tolerance) {
    detail::set_tolerance("iterum::linalg::Sor::set_tolerance", options_, tolerance);
  }

  /// Sets omega (in (0, 2)) for the following solves, e.g. the value a tuner proposes.
  void set_omega(double omega) {
    detail::check_omega("iterum::linalg::Sor::set_omega", "omega", omega);
    method_.set_omega(omega);
    options_.omega = omega;
  }

  [[nodiscard]] const SorOptions& options() const noexcept { return options_; }

 private:
  SorOptions options_;
  SorMethod<Scalar> method_;
  SorState<Scalar> state_;
  CsrMatrix<Scalar> csr_;
  bool ready_ = false;
};

namespace detail {

template <class A, class B, class X0>
auto sor_impl(const A& a, const B& b, const X0* x0, const SorOptions& options) {
  constexpr std::string_view function = "iterum::linalg::sor";
  const Stopwatch clock;
  using Scalar = typename A::Scalar;
  options.validate(function);
  const auto input = check_system_input(function, a, b, x0);
  const CsrMatrix<Scalar> csr = to_csr(a);
  SorMethod<Scalar> method({.omega = options.omega});
  method.prepare(csr, function);
  const CsrOperator<Scalar> op(csr);
  const LinearSystem<CsrOperator<Scalar>> system{op, input.b};
  SorState<Scalar> state;
  method.restart(system, input.x0, state);
  auto result = solve_with_options(system, method, std::move(state), options,
                                   SorOptions::default_max_iterations, function, clock);
  Solution<Scalar> out;
  out.x = std::move(result.state.x);
  pack_summary(out, result, clock);
  return out;
}

template <class A>
constexpr bool check_sor_operand() {
  constexpr bool ok = is_dense_matrix_v<A> || is_sparse_matrix_v<A>;
  static_assert(ok,
                "iterum::linalg::sor / ssor_conjugate_gradient: A must be an Eigen dense or "
                "sparse matrix (relaxation reads the entries of A, so a matrix-free "
                "LinearOperator cannot be used)");
  return ok;
}

}  // namespace detail

/// Solves A x = b by successive over-relaxation.
///
/// @param a        n by n matrix with a nonzero diagonal: an Eigen sparse matrix (a compressed
///                 row-major one is swept directly after one copy; any other storage is
///                 converted once) or dense matrix. SOR converges for SPD A and 0 < w < 2, and
///                 for strictly diagonally dominant A with 0 < w <= 1.
/// @param b        n by 1 right-hand side.
/// @param options  omega, tolerance, budgets, monitoring.
/// @return `x`, `status`, `iterations` (sweeps), `residual` (relative), `seconds`, `counters`,
///         `history`. Never throws for non-convergence: read `status` (a diverging sweep ends
///         with `NumericalIssue` once the residual overflows, else `MaxIterations`).
/// @throws iterum::invalid_argument for an empty or non-square A, a size mismatch, a
///         non-finite entry in A, b or x0, a zero or missing diagonal entry, omega outside
///         (0, 2), or bad options.
///
/// Example:
/// @code
///   Eigen::SparseMatrix<double, Eigen::RowMajor> A = iterum::linalg::laplacian_2d(32, 32);
///   Eigen::VectorXd b = Eigen::VectorXd::Ones(A.rows());
///   auto r = iterum::linalg::sor(A, b, {.tolerance = 1e-8, .omega = 1.83});
/// @endcode
template <class A, class B>
[[nodiscard]] auto sor(const A& a, const B& b, const SorOptions& options = {}) {
  constexpr bool valid = detail::check_sor_operand<A>();
  if constexpr (valid) {
    return detail::sor_impl(a, b, static_cast<const B*>(nullptr), options);
  } else {
    return Summary{};
  }
}

/// As above, starting from the initial guess `x0` (n by 1) instead of zero.
template <class A, class B, class X0>
requires(!std::is_same_v<X0, SorOptions>)
    [[nodiscard]] auto sor(const A& a, const B& b, const X0& x0, const SorOptions& options = {}) {
  constexpr bool valid = detail::check_sor_operand<A>();
  if constexpr (valid) {
    return detail::sor_impl(a, b, &x0, options);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::linalg
