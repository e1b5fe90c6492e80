#pragma once

/// @file round_to_feasible.hpp
/// @brief `round_to_feasible`: a nonnegative plan with any marginals made into one with exactly
/// the marginals a and b, with a bound on how far it moved (and so on how much its cost changed).
///
/// Algorithm: Altschuler, Weed, Rigollet, "Near-linear time approximation algorithms for optimal
/// transport via Sinkhorn iteration", NeurIPS 2017, arXiv 1705.09634, Algorithm 2 (ROUND) and
/// Lemma 7: scale down the rows whose sums exceed a, then the columns whose sums exceed b, and
/// add the rank-one matrix err_r err_c^T / ||err_c||_1 of the missing mass. The output G has
/// G 1 = a and G^T 1 = b, and ||G - P||_1 <= 2 (||P 1 - a||_1 + ||P^T 1 - b||_1), so
/// |<C, G> - <C, P>| <= that times max |C_ij|. Being feasible, G costs at least the exact
/// optimal transport cost: the rounded cost is an upper bound on it.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/ot/transport_result.hpp"

namespace iterum::ot {

/// The outcome of `round_to_feasible`. `residual` is the marginal error of `plan` recomputed
/// from it (rounding level); status `Converged` when it is at most 1e-12 of the mass (always,
/// barring overflow), else `NumericalIssue`.
struct RoundedPlan : Summary {
  Eigen::MatrixXd plan;             ///< G: nonnegative, G 1 = a, G^T 1 = b (to rounding)
  double input_marginal_error = 0;  ///< ||P 1 - a||_1 + ||P^T 1 - b||_1 of the input plan
  double change_bound = 0;          ///< 2 input_marginal_error >= ||G - P||_1 (Lemma 7)
  double change = 0;                ///< ||G - P||_1, measured
  double input_cost = 0;            ///< <C, P> (with a cost matrix; else 0)
  double cost = 0;                  ///< <C, G> (with a cost matrix; else 0)
  double cost_change_bound = 0;     ///< change_bound max |C_ij| >= |<C, G> - <C, P>|
};

namespace detail {

inline void check_round_input(std::string_view function, const Eigen::MatrixXd& p,
                              const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  check::not_empty(function, "a", a.size());
  check::not_empty(function, "b", b.size());
  check::size(function, "P", p.rows(), a.size(), "must have as many rows as a has entries");
  check::size(function, "P", p.cols(), b.size(), "must have as many columns as b has entries");
  check::all_finite(function, "P", p);
  check::all_finite(function, "a", a);
  check::all_finite(function, "b", b);
  if (!(p.minCoeff() >= 0))
    check::fail(function, "P", "must be nonnegative", check::text(p.minCoeff()));
  if (!(a.minCoeff() >= 0))
    check::fail(function, "a", "must be nonnegative", check::text(a.minCoeff()));
  if (!(b.minCoeff() >= 0))
    check::fail(function, "b", "must be nonnegative", check::text(b.minCoeff()));
  const double mass_a = a.sum();
  const double mass_b = b.sum();
  if (!(std::abs(mass_a - mass_b) <= 1e-12 * std::max(mass_a, mass_b)) || !std::isfinite(mass_a)) {
    check::fail(function, "b",
                "must have the same finite total mass as a (" + check::text(mass_a) +
                    ") within 1e-12 relative",
                "total mass " + check::text(mass_b));
  }
}

}  // namespace detail

namespace detail {

/// `round_to_feasible` with an optional cost matrix.
[[nodiscard]] inline RoundedPlan round_plan(const Eigen::MatrixXd& p, const Eigen::VectorXd& a,
                                            const Eigen::VectorXd& b, const Eigen::MatrixXd* c) {
  constexpr std::string_view function = "iterum::ot::round_to_feasible";
  const Stopwatch clock;
  detail::check_round_input(function, p, a, b);
  if (c) {
    check::size(function, "C", c->rows(), p.rows(), "must have as many rows as P");
    check::size(function, "C", c->cols(), p.cols(), "must have as many columns as P");
    check::all_finite(function, "C", *c);
  }
  RoundedPlan out;
  const Eigen::VectorXd rows = p.rowwise().sum();
  const Eigen::VectorXd cols = p.colwise().sum().transpose();
  out.input_marginal_error = (rows - a).lpNorm<1>() + (cols - b).lpNorm<1>();
  out.change_bound = 2 * out.input_marginal_error;
  // Algorithm 2, lines 1-2: X = diag(x) P with x_i = min(a_i / r_i(P), 1) (1 on empty rows).
  Eigen::VectorXd x(a.size());
  for (Index i = 0; i < a.size(); ++i) x[i] = rows[i] > a[i] ? a[i] / rows[i] : 1.0;
  out.plan = x.asDiagonal() * p;
  // Lines 3-4: F' = X diag(y), y_j = min(b_j / c_j(X), 1).
  const Eigen::VectorXd scaled_cols = out.plan.colwise().sum().transpose();
  for (Index j = 0; j < b.size(); ++j) {
    if (scaled_cols[j] > b[j]) out.plan.col(j) *= b[j] / scaled_cols[j];
  }
  // Lines 5-6: the missing mass err_r = a - F' 1 >= 0, err_c = b - F'^T 1 >= 0 (clamped at 0
  // against rounding), spread as the rank-one err_r err_c^T / ||err_c||_1.
  const Eigen::VectorXd err_r = (a - out.plan.rowwise().sum()).cwiseMax(0.0);
  const Eigen::VectorXd err_c = (b - out.plan.colwise().sum().transpose()).cwiseMax(0.0);
  const double missing = err_c.sum();
  if (missing > 0) out.plan.noalias() += err_r * (err_c / missing).transpose();
  out.change = (out.plan - p).lpNorm<1>();
  if (c) {
    out.input_cost = (p.array() * c->array()).sum();
    out.cost = (out.plan.array() * c->array()).sum();
    out.cost_change_bound = out.change_bound * c->cwiseAbs().maxCoeff();
  }
  out.residual = (out.plan.rowwise().sum() - a).lpNorm<1>() +
                 (out.plan.colwise().sum().transpose() - b).lpNorm<1>();
  out.status =
      out.residual <= 1e-12 * std::max(a.sum(), 0.0) ? Status::Converged : Status::NumericalIssue;
  out.seconds = clock.seconds();
  return out;
}

}  // namespace detail

/// Rounds a nonnegative m x n plan `P` to the transport polytope of `a` and `b` (equal total
/// masses) by Altschuler-Weed-Rigollet's ROUND (arXiv 1705.09634, Algorithm 2), in O(m n).
/// @throws iterum::invalid_argument for mismatched sizes, negative or non-finite entries, or
///         unequal masses.
[[nodiscard]] inline RoundedPlan round_to_feasible(const Eigen::MatrixXd& p,
                                                   const Eigen::VectorXd& a,
                                                   const Eigen::VectorXd& b) {
  return detail::round_plan(p, a, b, nullptr);
}

/// As above, and reports <C, P>, <C, G> and the bound on their difference for the cost `c`.
[[nodiscard]] inline RoundedPlan round_to_feasible(const Eigen::MatrixXd& p,
                                                   const Eigen::VectorXd& a,
                                                   const Eigen::VectorXd& b,
                                                   const Eigen::MatrixXd& c) {
  return detail::round_plan(p, a, b, &c);
}

/// Rounds the plan of an entropic solve (`result.plan(c)`) to the marginals `a`, `b` the solve
/// was given, and reports its cost against `c` with the bound of Lemma 7 (arXiv 1705.09634).
[[nodiscard]] inline RoundedPlan round_to_feasible(const TransportResult& result,
                                                   const Eigen::VectorXd& a,
                                                   const Eigen::VectorXd& b,
                                                   const Eigen::MatrixXd& c) {
  return detail::round_plan(result.plan(c), a, b, &c);
}

}  // namespace iterum::ot
