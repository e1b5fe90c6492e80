#pragma once

/// @file quadratic.hpp
/// @brief `bcd::quadratic(A, b, options)`: min 1/2 x^T A x - b^T x for symmetric positive
/// definite A (dense or sparse), that is A x = b, by block coordinate descent.

#include <cmath>
#include <string>
#include <string_view>

#include "iterum/bcd/bcd_options.hpp"
#include "iterum/bcd/detail/run.hpp"
#include "iterum/bcd/quadratic_problem.hpp"
#include "iterum/bcd/separable.hpp"
#include "iterum/bcd/update.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/detail/symmetry.hpp"

namespace iterum::bcd {

/// Minimizes 1/2 x^T A x - b^T x for symmetric positive definite A by block coordinate
/// descent from x = 0 (Nutini, Laradji & Schmidt, arXiv 1712.08859): by default blocks of
/// coordinates sorted by A_ii, the GSL rule read from the maintained gradient A x - b, and the
/// matrix update (an exact block solve with the cached Cholesky factor of A_bb).
///
/// @param a        n by n symmetric positive definite: dense or (column-major) sparse Eigen
///                 matrix, both triangles stored.
/// @param b        n by 1.
/// @return `x`, `status`, `iterations`, `residual` (max_i |(A x - b)_i| / max |b|, in powers
///         of two, recomputed from x), `objective`, `support` (nonzeros), `work`, `seconds`.
/// @throws iterum::invalid_argument for an empty or non-square A, a size mismatch, a NaN/Inf
///         entry, an asymmetric A, a non-positive diagonal entry, a diagonal block that is not
///         positive definite (matrix update), a block size outside [1, n], or bad options.
template <class A>
[[nodiscard]] BcdResult quadratic(const A& a, const Vector<double>& b,
                                  const BcdOptions& options = {}) {
  constexpr std::string_view function = "iterum::bcd::quadratic";
  const Stopwatch clock;
  options.validate(function);
  check::square(function, "A", a.rows(), a.cols());
  const auto data = detail::scaled_data(function, a, b);
  const Index tau = detail::block_size(function, options, a.cols());
  const int ea = data.ea;
  const int eb = data.eb;
  linalg::detail::check_symmetric(function, "A", data.a, options.symmetry_tolerance);
  const QuadraticProblem<detail::work_matrix_t<A>> problem(data.a, data.b);
  for (Index i = 0; i < problem.dim(); ++i) {
    if (!(problem.coordinate_lipschitz()[i] > 0)) {
      check::fail(
          function, "A",
          "must be positive definite, but diagonal entry " + std::to_string(i) + " is not positive",
          check::text(std::ldexp(problem.coordinate_lipschitz()[i], ea)));
    }
  }
  // With A = 2^ea A^, b = 2^eb b^ and x = 2^(eb - ea) x^: f(x) = 2^(2 eb - ea) f^(x^).
  const NoPenalty separable;
  return detail::with_partition(options.partition, [&](auto partition) {
    return detail::with_selection<GaussSouthwellLipschitz>(options.selection, [&](auto selection) {
      using Partition = decltype(partition);
      using Selection = decltype(selection);
      if (options.update == BcdUpdate::Gradient) {
        auto result = detail::run_policies<Partition, Selection, GradientUpdate>(
            problem, separable, options, tau, clock, function);
        return detail::pack(result, problem, separable, eb - ea, 2 * eb - ea, options.tolerance,
                            clock);
      }
      try {
        auto result = detail::run_policies<Partition, Selection, MatrixUpdate>(
            problem, separable, options, tau, clock, function);
        return detail::pack(result, problem, separable, eb - ea, 2 * eb - ea, options.tolerance,
                            clock);
      } catch (const invalid_argument&) {
        // The only input error left for init: a block A_bb without a Cholesky factor.
        check::fail(function, "A",
                    "must be positive definite, but a diagonal block A_bb of it has no Cholesky "
                    "factorization",
                    {});
      }
    });
  });
}

}  // namespace iterum::bcd
