#pragma once

/// @file solver_model.hpp
/// @brief Internals: the parts every iterative `LinearSolver` model of linalg/
/// (`ConjugateGradient`, `Minres`, `Lsqr`, `Sor`) and its facade share: the operand a solver holds
/// between `compute` and `solve`, the argument checks of `solve`, the setters of the work-budget
/// extension, and the confirmation of `Converged` on the returned x.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/operators.hpp"

namespace iterum::linalg::detail {

/// The operator a solver for symmetric A runs on for an operand type: symmetric sparse matrices
/// get the row-wise symmetric product, dense matrices the plain one, LinearOperators are used as
/// they are (CG, MINRES).
template <class A>
struct symmetric_operator {
  using type = A;
};
template <class S, int Options, class StorageIndex>
struct symmetric_operator<Eigen::SparseMatrix<S, Options, StorageIndex>> {
  using type = SymmetricSparseOperator<Eigen::SparseMatrix<S, Options, StorageIndex>>;
};
template <class S, int Rows, int Cols, int Options, int MaxRows, int MaxCols>
struct symmetric_operator<Eigen::Matrix<S, Rows, Cols, Options, MaxRows, MaxCols>> {
  using type = DenseOperator<Eigen::Matrix<S, Rows, Cols, Options, MaxRows, MaxCols>>;
};

/// The operand of a solver between `compute(a)` and `solve`: a pointer to `a` when the solver
/// applies it as it is (`Op` = `A`, a user operator, which must outlive the solves), else the
/// view `Op` of the matrix `a` (which also refers to `a`).
template <class A, class Op>
class SolverOperand {
 public:
  /// Holds `a` for the following solves (replacing the previous operand).
  void bind(const A& a) {
    if constexpr (std::is_same_v<Op, A>) {
      a_ = &a;
    } else {
      view_.emplace(a);
    }
  }

  /// The operator bound last, or nullptr before the first `bind`.
  [[nodiscard]] const Op* get() const noexcept {
    if constexpr (std::is_same_v<Op, A>) {
      return a_;
    } else {
      return view_ ? &*view_ : nullptr;
    }
  }

 private:
  const A* a_ = nullptr;      // a LinearOperator operand
  std::optional<Op> view_{};  // the view of a matrix operand
};

/// The checks of a solver's `solve(b, x)`: `compute` has run (`ready`) and b, x fit A (rows by
/// cols).
template <class Scalar>
void check_solve_arguments(std::string_view function, bool ready, Index rows, Index cols,
                           const Vector<Scalar>& b, const Vector<Scalar>& x) {
  check::that(ready, function, "this", "needs compute(A) before solve");
  check::size(function, "b", b.size(), rows, "must have as many entries as A has rows");
  check::size(function, "x", x.size(), cols, "must have as many entries as A has columns");
}

/// As above for a solver holding its operator through `op` (nullptr before `compute`).
template <class Op, class Scalar>
void check_solve_arguments(std::string_view function, const Op* op, const Vector<Scalar>& b,
                           const Vector<Scalar>& x) {
  check_solve_arguments(function, op != nullptr, op != nullptr ? op->rows() : 0,
                        op != nullptr ? op->cols() : 0, b, x);
}

/// A solver's `set_tolerance`: a finite, non-negative tolerance into `options`.
template <class Options>
void set_tolerance(std::string_view function, Options& options, double tolerance) {
  check::nonnegative(function, "tolerance", tolerance);
  check::finite(function, "tolerance", tolerance);
  options.tolerance = tolerance;
}

/// A solver's `set_max_iterations` (the work-budget extension of `LinearSolver`): a
/// non-negative budget, or unset for the solver's default, into `options`.
template <class Options>
void set_max_iterations(std::string_view function, Options& options,
                        std::optional<Index> max_iterations) {
  if (max_iterations) {
    check::nonnegative(function, "max_iterations", static_cast<double>(*max_iterations));
  }
  options.max_iterations = max_iterations;
}

/// How a residual recomputed from x measures its vectors.
enum class NormKind {
  Plain,   ///< `norm()`
  Stable,  ///< `stableNorm()` (no underflow for b of denormals, no overflow near the maximum)
};

/// ||b - A x|| / ||b|| (||b - A x|| when b = 0) recomputed with one product.
template <NormKind Norm, class Op, class Scalar>
[[nodiscard]] double relative_residual(const Op& op, const Vector<Scalar>& b,
                                       const Vector<Scalar>& x) {
  Vector<Scalar> ax(b.size());
  op.apply(x, ax);
  double rhs = 0.0;
  double miss = 0.0;
  if constexpr (Norm == NormKind::Stable) {
    rhs = static_cast<double>(b.stableNorm());
    miss = static_cast<double>((b - ax).stableNorm());
  } else {
    rhs = static_cast<double>(b.norm());
    miss = static_cast<double>((b - ax).norm());
  }
  return rhs > 0 ? miss / rhs : miss;
}

/// A `Converged` result is confirmed on the returned x: when its recomputed relative residual
/// does not meet `tolerance` (x not representable closely enough, e.g. b of denormals), the
/// status becomes `NumericalIssue` with that residual. The product is a check, like a
/// certificate, and not counted in `counters.matvecs`.
template <NormKind Norm, class State, class Op, class Scalar>
void confirm_converged(Result<State>& result, const Op& op, const Vector<Scalar>& b,
                       double tolerance) {
  if (result.status != Status::Converged) return;
  const double true_residual = relative_residual<Norm>(op, b, result.state.x);
  if (!(true_residual <= tolerance)) {
    result.status = Status::NumericalIssue;
    result.residual = true_residual;
  }
}

/// Moves the solution of a facade body into the caller's x and returns the summary: the end of
/// a solver's `solve` that runs its facade's body.
template <class Scalar>
Summary take_solution(Solution<Scalar>&& out, Vector<Scalar>& x) {
  x = std::move(out.x);
  return static_cast<Summary&&>(std::move(out));
}

}  // namespace iterum::linalg::detail
