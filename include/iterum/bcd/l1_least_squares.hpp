#pragma once

/// @file l1_least_squares.hpp
/// @brief `bcd::l1_least_squares(A, b, lambda, options)`: min 1/2 ||A x - b||^2 + lambda
/// ||x||_1 by proximal block coordinate descent.

#include <cmath>
#include <string_view>

#include "iterum/bcd/bcd_options.hpp"
#include "iterum/bcd/nnls.hpp"
#include "iterum/bcd/separable.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// L1-regularized least squares (the Lasso objective without 1/m): min 1/2 ||A x - b||^2 +
/// lambda ||x||_1, by block coordinate descent with proximal block gradient steps (soft
/// thresholding, `prox::SoftThreshold`) and by default the GS-q rule (Nutini, Laradji &
/// Schmidt, arXiv 1712.08859, their GS-q rule for L1 problems) from x = 0.
///
/// @param lambda   the L1 weight, finite and >= 0.
/// @return as `nnls`; `support` is the number of nonzero entries of x.
/// @throws iterum::invalid_argument as `nnls`, and for a negative or non-finite lambda.
template <class A>
[[nodiscard]] BcdResult l1_least_squares(const A& a, const Vector<double>& b, double lambda,
                                         const BcdOptions& options = {}) {
  constexpr std::string_view function = "iterum::bcd::l1_least_squares";
  check::nonnegative(function, "lambda", lambda);
  check::finite(function, "lambda", lambda);
  return detail::least_squares_facade(function, a, b, options, [lambda](int shift, Index) {
    return L1Penalty<double>{std::ldexp(lambda, -shift)};
  });
}

}  // namespace iterum::bcd
