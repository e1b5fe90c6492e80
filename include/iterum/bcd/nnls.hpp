#pragma once

/// @file nnls.hpp
/// @brief `bcd::nnls(A, b, options)`: nonnegative least squares, min 1/2 ||A x - b||^2 subject
/// to x >= 0, by block coordinate descent (projected block gradient steps).

#include <string_view>

#include "iterum/bcd/bcd_options.hpp"
#include "iterum/bcd/detail/run.hpp"
#include "iterum/bcd/least_squares_problem.hpp"
#include "iterum/bcd/separable.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

namespace detail {

/// The body of `nnls` and `l1_least_squares`: scales A and b by powers of two, runs the
/// proximal block gradient method with the separable term `make_separable(shift)` (shift: the
/// exponent the penalty is scaled by), and packs the result.
template <class A, class MakeSeparable>
BcdResult least_squares_facade(std::string_view function, const A& a, const Vector<double>& b,
                               const BcdOptions& options, MakeSeparable make_separable) {
  const Stopwatch clock;
  options.validate(function);
  const auto data = scaled_data(function, a, b);
  const Index tau = block_size(function, options, a.cols());
  check::that(options.update != BcdUpdate::Matrix, function, "options.update",
              "must be Gradient or Automatic: the matrix update needs a smooth problem, and "
              "this one has bounds or an L1 term (the proximal gradient step handles them)");
  const int ea = data.ea;
  const int eb = data.eb;
  const LeastSquaresProblem<work_matrix_t<A>> problem(data.a, data.b);
  // With A = 2^ea A^, b = 2^eb b^ and x = 2^(eb - ea) x^: F(x) = 2^(2 eb) F^(x^), and an
  // L1 weight lambda becomes lambda 2^-(ea + eb).
  const auto separable = make_separable(ea + eb, problem.dim());
  return with_partition(options.partition, [&](auto partition) {
    return with_selection<GaussSouthwellQ>(options.selection, [&](auto selection) {
      using Partition = decltype(partition);
      using Selection = decltype(selection);
      auto result = run_policies<Partition, Selection, GradientUpdate>(problem, separable, options,
                                                                       tau, clock, function);
      return pack(result, problem, separable, eb - ea, 2 * eb, options.tolerance, clock);
    });
  });
}

}  // namespace detail

/// Nonnegative least squares: min 1/2 ||A x - b||^2 subject to x >= 0, by block coordinate
/// descent with projected block gradient steps (Nutini, Laradji & Schmidt, arXiv 1712.08859,
/// their proximal BCD with g the indicator of x >= 0) from x = 0.
///
/// @param a        m by n matrix: dense or (column-major) sparse Eigen matrix.
/// @param b        m by 1.
/// @param options  tolerance (on the optimality violation, see `BcdOptions`), budgets, block
///                 size, selection (default GS-q), partition (default Sort); update Gradient.
/// @return `x` (>= 0), `status`, `iterations`, `residual` (the certificate recomputed from x),
///         `objective`, `support` (entries x_i > 0), `work`, `certificates`, `seconds`.
/// @throws iterum::invalid_argument for an empty A, a size mismatch, a NaN/Inf entry, a block
///         size outside [1, n], the matrix update, or bad options.
template <class A>
[[nodiscard]] BcdResult nnls(const A& a, const Vector<double>& b, const BcdOptions& options = {}) {
  return detail::least_squares_facade("iterum::bcd::nnls", a, b, options, [](int, Index n) {
    return BoxConstraint<double>::nonnegative(n);
  });
}

}  // namespace iterum::bcd
