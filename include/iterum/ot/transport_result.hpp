#pragma once

/// @file transport_result.hpp
/// @brief `TransportResult`: what the entropic OT solvers return (potentials, certificate,
/// cost, and the plan on demand), and the one routine that certifies a pair of potentials.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"
#include "iterum/ot/entropic_problem.hpp"

namespace iterum::ot {

struct TransportResult;

namespace detail {

/// out = exp(arg) entrywise, with every value below the smallest normal double as std::exp
/// gives it (subnormal, or 0 below about -745). Eigen 3.4's vectorized exp returns about
/// 5.6e-309 for every argument below -709, a floor that m n plan entries would add to the
/// marginals of a plan of tiny total mass (1e-300).
inline void exact_exp(const Eigen::ArrayXd& arg, Eigen::ArrayXd& out) {
  constexpr double vanish = -745.1332191019412;  // below: exp rounds to 0
  flushed_exp(arg, out);
  // Only the subnormal band needs std::exp (few entries; the rest are 0 or normal).
  if (((arg < log_smallest_normal) && (arg >= vanish)).any()) {
    for (Index i = 0; i < arg.size(); ++i) {
      if (arg[i] < log_smallest_normal && arg[i] >= vanish) out[i] = std::exp(arg[i]);
    }
  }
}

struct PlanCertificate;
inline void certify(const EntropicProblem& problem, const Eigen::VectorXd& f,
                    const Eigen::VectorXd& g, TransportResult& out, const PlanCertificate* known);
}  // namespace detail

/// The outcome of `sinkhorn` (and of the other entropic OT solvers).
///
/// The plan is P_ij = exp((f_i + g_j - C_ij) / epsilon) on the support of the marginals and 0
/// on rows with a_i = 0 and columns with b_j = 0. On those rows (columns) f (g) holds the
/// c-transform of the other potential, a finite value that prices the row without sending
/// mass through it. From `Summary`: status, iterations, residual (the marginal error the stop
/// rule saw), seconds (entry to return), counters, and `history` (marginal error per iteration,
/// when `monitor.record_history`).
struct TransportResult : Summary {
  Eigen::VectorXd f;              ///< row potentials (m)
  Eigen::VectorXd g;              ///< column potentials (n)
  double marginal_error = 0.0;    ///< ||P 1 - a||_1 + ||P^T 1 - b||_1, recomputed from f, g
  double transport_cost = 0.0;    ///< <C, P>
  double dual_value = 0.0;        ///< <f, a> + <g, b> - epsilon sum_ij P_ij
  double epsilon = 0.0;           ///< the regularization the plan was computed for
  Index sinkhorn_iterations = 0;  ///< Sinkhorn iterations (all of `iterations` for sinkhorn)
  Index newton_iterations = 0;    ///< Newton iterations (Sinkhorn-Newton-Sparse only)
  Index stages = 1;  ///< epsilon stages solved (`options.epsilon_scaling`; 1 without it)

  /// The dense m x n plan, from the cost matrix the solve was given (which must still exist).
  [[nodiscard]] Eigen::MatrixXd plan() const {
    check::that(cost_ != nullptr, "iterum::ot::TransportResult::plan", "this",
                "has no cost matrix (default-constructed result)");
    return plan(*cost_);
  }

  /// The dense m x n plan for the cost matrix `c`.
  [[nodiscard]] Eigen::MatrixXd plan(const Eigen::MatrixXd& c) const {
    constexpr auto function = "iterum::ot::TransportResult::plan";
    check::size(function, "C", c.rows(), f.size(), "must have as many rows as f has entries");
    check::size(function, "C", c.cols(), g.size(), "must have as many columns as g has entries");
    Eigen::MatrixXd p(c.rows(), c.cols());
    const double inv = 1.0 / epsilon;
    Eigen::ArrayXd arg(c.rows()), column(c.rows());
    for (Index j = 0; j < c.cols(); ++j) {
      if (!col_support_[static_cast<std::size_t>(j)]) {
        p.col(j).setZero();
        continue;
      }
      arg = (f.array() + g[j] - c.col(j).array()) * inv;
      detail::exact_exp(arg, column);
      p.col(j) = column.matrix();
      for (Index i = 0; i < c.rows(); ++i)
        if (!row_support_[static_cast<std::size_t>(i)]) p(i, j) = 0.0;
    }
    return p;
  }

  /// Number of plan entries at least `threshold` times the largest one (plan sparsity).
  [[nodiscard]] Index count_plan_entries(double threshold) const {
    const Eigen::MatrixXd p = plan();
    const double cut = threshold * p.maxCoeff();
    return static_cast<Index>((p.array() >= cut).count());
  }

  /// Per row of the caller's problem: 1 where a_i > 0 (the row carries mass), else 0.
  [[nodiscard]] const std::vector<char>& row_support() const noexcept { return row_support_; }
  /// Per column: 1 where b_j > 0, else 0.
  [[nodiscard]] const std::vector<char>& col_support() const noexcept { return col_support_; }

 private:
  friend void detail::certify(const EntropicProblem& problem, const Eigen::VectorXd& f,
                              const Eigen::VectorXd& g, TransportResult& out,
                              const detail::PlanCertificate* known);

  // Set by the solvers (detail::certify).
  const Eigen::MatrixXd* cost_ = nullptr;
  std::vector<char> row_support_{};
  std::vector<char> col_support_{};
};

namespace detail {

/// What one pass over the plan P = exp((f + g - C) / epsilon) of support potentials (f, g)
/// certifies: its marginal error, its cost <C, P> and its total mass.
struct PlanCertificate {
  double marginal_error = 0.0;  ///< ||P 1 - a||_1 + ||P^T 1 - b||_1
  double cost = 0.0;            ///< <C, P>
  double total = 0.0;           ///< sum_ij P_ij
};

/// The certificate of the plan of support potentials (f, g), recomputed from them (m n
/// exponentials): the one number every status of the entropic OT solvers is judged by.
[[nodiscard]] inline PlanCertificate certify_plan(const EntropicProblem& problem,
                                                  const Eigen::VectorXd& f,
                                                  const Eigen::VectorXd& g) {
  const Eigen::MatrixXd& c = problem.cost();
  const double inv = 1.0 / problem.epsilon();
  const Index m = c.rows();
  const Index n = c.cols();
  Eigen::VectorXd row_sums = Eigen::VectorXd::Zero(m);
  double col_error = 0.0;
  PlanCertificate out;
  Eigen::ArrayXd arg(m), column(m);
  for (Index j = 0; j < n; ++j) {
    arg = (f.array() + g[j] - c.col(j).array()) * inv;
    exact_exp(arg, column);
    row_sums.array() += column;
    const double sum = column.sum();
    col_error += std::abs(sum - problem.b()[j]);
    out.cost += (column * c.col(j).array()).sum();
    out.total += sum;
  }
  out.marginal_error = (row_sums - problem.a()).lpNorm<1>() + col_error;
  return out;
}

/// Fills `out` from support potentials (f, g): full-size potentials (c-transforms off the
/// support), and the certificate, cost and dual value recomputed in one pass over the plan
/// (`known`, when given, is `certify_plan(problem, f, g)` already computed for these f, g).
inline void certify(const EntropicProblem& problem, const Eigen::VectorXd& f,
                    const Eigen::VectorXd& g, TransportResult& out,
                    const PlanCertificate* known = nullptr) {
  const double eps = problem.epsilon();
  const double inv = 1.0 / eps;
  const Index m = problem.cost().rows();
  const Index n = problem.cost().cols();
  const PlanCertificate certificate = known ? *known : certify_plan(problem, f, g);
  out.marginal_error = certificate.marginal_error;
  out.transport_cost = certificate.cost;
  // Per unit of mass, then scaled back: a dual beyond the double range comes out +-inf, not
  // inf - inf = NaN (e.g. masses and costs of 1e200).
  const double mass = problem.a().sum();
  const double unit = mass > 0 && std::isfinite(mass) ? mass : 1.0;
  out.dual_value = unit * (f.dot(problem.a() / unit) + g.dot(problem.b() / unit) -
                           eps * (certificate.total / unit));
  out.epsilon = eps;

  const Eigen::MatrixXd& full = problem.full_cost();
  out.f.resize(full.rows());
  out.g.resize(full.cols());
  out.row_support_.assign(static_cast<std::size_t>(full.rows()), 0);
  out.col_support_.assign(static_cast<std::size_t>(full.cols()), 0);
  for (Index i = 0; i < m; ++i) {
    const auto r = problem.rows()[static_cast<std::size_t>(i)];
    out.f[r] = f[i];
    out.row_support_[static_cast<std::size_t>(r)] = 1;
  }
  for (Index j = 0; j < n; ++j) {
    const auto s = problem.cols()[static_cast<std::size_t>(j)];
    out.g[s] = g[j];
    out.col_support_[static_cast<std::size_t>(s)] = 1;
  }
  // Off the support: the c-transform with unit mass, f_i = -eps log sum_j exp((g_j - C_ij)/eps).
  for (Index i = 0; i < full.rows(); ++i) {
    if (out.row_support_[static_cast<std::size_t>(i)]) continue;
    double top = -std::numeric_limits<double>::infinity();
    for (Index j = 0; j < n; ++j)
      top = std::max(top, g[j] - full(i, problem.cols()[static_cast<std::size_t>(j)]));
    double sum = 0.0;
    for (Index j = 0; j < n; ++j)
      sum += std::exp((g[j] - full(i, problem.cols()[static_cast<std::size_t>(j)]) - top) * inv);
    out.f[i] = -(top + eps * std::log(sum));
  }
  for (Index j = 0; j < full.cols(); ++j) {
    if (out.col_support_[static_cast<std::size_t>(j)]) continue;
    double top = -std::numeric_limits<double>::infinity();
    for (Index i = 0; i < m; ++i)
      top = std::max(top, f[i] - full(problem.rows()[static_cast<std::size_t>(i)], j));
    double sum = 0.0;
    for (Index i = 0; i < m; ++i)
      sum += std::exp((f[i] - full(problem.rows()[static_cast<std::size_t>(i)], j) - top) * inv);
    out.g[j] = -(top + eps * std::log(sum));
  }
  out.cost_ = &full;
}

}  // namespace detail
}  // namespace iterum::ot
