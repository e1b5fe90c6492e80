#pragma once

/// @file ssor_cg.hpp
/// @brief SSOR-preconditioned conjugate gradient: the facade
/// `iterum::linalg::ssor_conjugate_gradient(A, b[, x0], options)` and the `LinearSolver` model
/// `SsorConjugateGradient<A>`.
///
/// Algorithm: preconditioned CG (`CgMethod`, Saad Alg. 9.1) with the SSOR preconditioner
/// (`SsorPreconditioner`), the second solver whose relaxation parameter Khodak, Chow, Balcan &
/// Talwalkar tune online ("Learning to Relax", ICLR 2024, arXiv 2310.02246, Sec. 5; their
/// heat-equation experiment). The cost a tuner sees is the CG iteration count.

#include <Eigen/Core>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/linalg/detail/relaxation.hpp"
#include "iterum/linalg/detail/symmetry.hpp"
#include "iterum/linalg/detail/system_input.hpp"
#include "iterum/linalg/linear_system.hpp"
#include "iterum/linalg/operators.hpp"
#include "iterum/linalg/sor.hpp"
#include "iterum/linalg/ssor_preconditioner.hpp"

namespace iterum::linalg {

/// Options of `ssor_conjugate_gradient` and `SsorConjugateGradient`: the control fields
/// (core/options.hpp), then the relaxation parameter.
struct SsorCgOptions {
  /// Stop when ||b - A x|| / ||b|| <= tolerance (the recursive CG residual, as MATLAB's pcg
  /// and Eigen test it).
  double tolerance = 1e-8;
  /// Iteration budget; unset means 2 n.
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, residual history, user callback.
  Monitor monitor{};
  /// When set, A is checked for symmetry before solving, as `CgOptions::symmetry_tolerance`.
  std::optional<double> symmetry_tolerance{};
  /// Relaxation parameter w of the SSOR preconditioner, in (0, 2); 1 is symmetric
  /// Gauss-Seidel.
  double omega = 1.0;

  /// Throws `iterum::invalid_argument` for omega outside (0, 2) or bad control fields.
  void validate(std::string_view function = "iterum::linalg::SsorCgOptions::validate") const {
    validate_control(function, *this);
    detail::validate_symmetry_tolerance(function, symmetry_tolerance);
    detail::check_omega(function, "options.omega", omega);
  }

  /// The options of the underlying CG.
  [[nodiscard]] CgOptions cg_options() const {
    return {.tolerance = tolerance,
            .max_iterations = max_iterations,
            .time_limit_seconds = time_limit_seconds,
            .monitor = monitor,
            .symmetry_tolerance = symmetry_tolerance,
            .preconditioner = CgPreconditioner::Automatic};
  }
};

/// SSOR-preconditioned CG as a `LinearSolver` model. `A` is an Eigen sparse matrix (assumed
/// symmetric) or dense matrix type; `compute(a)` sets up the preconditioner (a must outlive
/// the following solves, as for `ConjugateGradient`); `solve(b, x)` warm-starts from x.
template <class A>
class SsorConjugateGradient {
 public:
  using Scalar = typename A::Scalar;

  explicit SsorConjugateGradient(SsorCgOptions options = {})
      : omega_(options.omega), cg_(validated(options), SsorPreconditioner<Scalar>(options.omega)) {}

  Status compute(const A& a) { return cg_.compute(a); }
  Status compute(A&&) = delete;

  Summary solve(const Vector<Scalar>& b, Vector<Scalar>& x) { return cg_.solve(b, x); }

  void set_tolerance(double tolerance) { cg_.set_tolerance(tolerance); }

  /// The work budget of the following solves (unset: 2 n), as for `ConjugateGradient`.
  void set_max_iterations(std::optional<Index> max_iterations) {
    cg_.set_max_iterations(max_iterations);
  }

  /// Sets w (in (0, 2)) for the following solves; no new set-up is needed.
  void set_omega(double omega) {
    detail::check_omega("iterum::linalg::SsorConjugateGradient::set_omega", "omega", omega);
    cg_.preconditioner().set_omega(omega);
    omega_ = omega;
  }
  [[nodiscard]] double omega() const noexcept { return omega_; }

 private:
  static CgOptions validated(const SsorCgOptions& options) {
    options.validate("iterum::linalg::SsorConjugateGradient");
    return options.cg_options();
  }

  double omega_;
  ConjugateGradient<A, SsorPreconditioner<Scalar>> cg_;
};

namespace detail {

template <class A, class B, class X0>
auto ssor_cg_impl(const A& a, const B& b, const X0* x0, const SsorCgOptions& options) {
  constexpr std::string_view function = "iterum::linalg::ssor_conjugate_gradient";
  const Stopwatch clock;
  using Scalar = typename A::Scalar;
  const auto input = check_symmetric_system_input(function, a, b, x0, options);
  // The preconditioner's set-up is checked here so its errors name this function.
  CsrDiagonal<Scalar> diagonal;
  diagonal.prepare(to_csr(a), function, "A");
  return with_operator<Symmetry::Symmetric>(a, [&](const auto& op) {
    return run_cg<Scalar>(op, input.b, input.x0, options, clock,
                          SsorPreconditioner<Scalar>(options.omega), function);
  });
}

}  // namespace detail

/// Solves A x = b for symmetric positive definite A by CG with the SSOR preconditioner.
///
/// @param a        n by n SPD matrix: an Eigen sparse (either storage order, assumed symmetric)
///                 or dense matrix.
/// @param b        n by 1 right-hand side.
/// @param options  omega, tolerance, budgets, monitoring.
/// @return `x`, `status`, `iterations`, `residual` (relative), `seconds`, `counters`,
///         `history` (a `CgResult`). Never throws for non-convergence: read `status`.
///         `Converged` is confirmed on the returned x, as in `conjugate_gradient`.
/// @throws iterum::invalid_argument for an empty or non-square A, a size mismatch, a
///         non-finite entry in A, b or x0, a zero or missing diagonal entry, omega outside
///         (0, 2), or bad options.
template <class A, class B>
[[nodiscard]] auto ssor_conjugate_gradient(const A& a, const B& b,
                                           const SsorCgOptions& options = {}) {
  constexpr bool valid = detail::check_sor_operand<A>();
  if constexpr (valid) {
    return detail::ssor_cg_impl(a, b, static_cast<const B*>(nullptr), options);
  } else {
    return Summary{};
  }
}

/// As above, starting from the initial guess `x0` (n by 1) instead of zero.
template <class A, class B, class X0>
requires(!std::is_same_v<X0, SsorCgOptions>)
    [[nodiscard]] auto ssor_conjugate_gradient(const A& a, const B& b, const X0& x0,
                                               const SsorCgOptions& options = {}) {
  constexpr bool valid = detail::check_sor_operand<A>();
  if constexpr (valid) {
    return detail::ssor_cg_impl(a, b, &x0, options);
  } else {
    return Summary{};
  }
}

}  // namespace iterum::linalg
