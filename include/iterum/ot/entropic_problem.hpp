#pragma once

/// @file entropic_problem.hpp
/// @brief `EntropicProblem`: a validated entropic optimal-transport instance (marginals, cost,
/// epsilon), restricted to the support of the marginals.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::ot {
namespace detail {

/// log of the smallest normal double: exp below it is subnormal or 0.
inline constexpr double log_smallest_normal = -708.3964185322641;

/// exp(x) entrywise for an Eigen array expression `x`, with values below the smallest normal
/// double raised to it (x < -708.4 gives 2.2e-308): for sums with a term of order one (the
/// log-sum-exp updates), where that floor is rounding. Computing subnormal results costs the
/// processor a microcode assist per entry (an exp pass over a small-epsilon kernel, where
/// most arguments lie far below -709, ran about 3 times slower), and Eigen 3.4's vectorized
/// exp returns about 5.6e-309 there instead of underflowing anyway.
template <class Expr>
[[nodiscard]] auto clamped_exp(const Expr& x) {
  return x.max(log_smallest_normal).exp();
}

/// out = exp(x) entrywise (x an Eigen array expression, out an array of its size), with every
/// value below the smallest normal double stored as exactly 0: the vectorized exp of the
/// clamped argument (`clamped_exp`), then a zeroing pass (cheaper than Eigen 3.4's select,
/// which does not vectorize). The error, below 2.3e-308 per entry, is far below anything the
/// solvers certify at unit mass.
template <class Expr, class Out>
void flushed_exp(const Expr& x, Out&& out) {
  out = clamped_exp(x);
  for (Index i = 0; i < out.size(); ++i) {
    if (x.coeff(i) < log_smallest_normal) out.coeffRef(i) = 0.0;
  }
}

}  // namespace detail

/// The problem min <C, P> + epsilon sum_ij P_ij (log P_ij - 1) subject to P 1 = a, P^T 1 = b,
/// P >= 0, whose solution is P_ij = exp((f_i + g_j - C_ij) / epsilon) for dual potentials f, g.
///
/// Rows with a_i = 0 and columns with b_j = 0 carry no mass in any feasible plan, so the solvers
/// work on the support: `a`, `b` and `cost()` are restricted to the positive entries, and
/// `rows` / `cols` map support positions back to the caller's indices. The caller's cost matrix
/// is held by pointer and must outlive the problem.
class EntropicProblem {
 public:
  /// Validates the input (throwing `iterum::invalid_argument` naming `function`) and builds the
  /// support. `a` (m), `b` (n): nonnegative, finite, not all zero, equal total mass within 1e-12
  /// relative (compared overflow-safely) and a finite total; `c`: m x n, finite, with a finite
  /// range max C - min C on the support; `epsilon`: positive and finite, with
  /// max(1, max C - min C) / epsilon finite.
  EntropicProblem(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const Eigen::MatrixXd& c,
                  double epsilon, std::string_view function)
      : full_cost_(&c), epsilon_(epsilon) {
    check::not_empty(function, "a", a.size());
    check::not_empty(function, "b", b.size());
    check::size(function, "C", c.rows(), a.size(), "must have as many rows as a has entries");
    check::size(function, "C", c.cols(), b.size(), "must have as many columns as b has entries");
    check::all_finite(function, "a", a);
    check::all_finite(function, "b", b);
    check::all_finite(function, "C", c);
    check_nonnegative(function, "a", a);
    check_nonnegative(function, "b", b);
    check::positive(function, "epsilon", epsilon);
    check::finite(function, "epsilon", epsilon);
    const double mass_a = a.sum();
    const double mass_b = b.sum();
    check::positive(function, "a", mass_a);
    // The masses are compared scaled by the largest entry, so that sums past 1e308 (inf - inf)
    // cannot slip through.
    const double scale = std::max(a.maxCoeff(), b.maxCoeff());
    const double scaled_a = (a / scale).sum();
    const double scaled_b = (b / scale).sum();
    if (!(std::abs(scaled_a - scaled_b) <= 1e-12 * std::max(scaled_a, scaled_b))) {
      check::fail(
          function, "b",
          "must have the same total mass as a (" + check::text(mass_a) + ") within 1e-12 relative",
          "total mass " + check::text(mass_b));
    }
    // Equal masses whose sum overflows would make every certificate (errors relative to the
    // mass, the dual value) inf or NaN.
    if (!std::isfinite(mass_a)) {
      check::fail(function, "a", "must have a finite total mass", check::text(mass_a));
    }
    mass_ = mass_a;
    for (Index i = 0; i < a.size(); ++i)
      if (a[i] > 0) rows_.push_back(i);
    for (Index j = 0; j < b.size(); ++j)
      if (b[j] > 0) cols_.push_back(j);
    const auto m = static_cast<Index>(rows_.size());
    const auto n = static_cast<Index>(cols_.size());
    a_.resize(m);
    b_.resize(n);
    for (Index i = 0; i < m; ++i) a_[i] = a[rows_[static_cast<std::size_t>(i)]];
    for (Index j = 0; j < n; ++j) b_[j] = b[cols_[static_cast<std::size_t>(j)]];
    full_support_ = m == a.size() && n == b.size();
    if (!full_support_) {
      restricted_cost_.resize(m, n);
      for (Index j = 0; j < n; ++j)
        for (Index i = 0; i < m; ++i)
          restricted_cost_(i, j) =
              c(rows_[static_cast<std::size_t>(i)], cols_[static_cast<std::size_t>(j)]);
    }
    // The solvers work with C / epsilon up to a shift, and multiply by 1 / epsilon: the range
    // of C must be finite, and so must max(1, max C - min C) / epsilon.
    const double range = cost().maxCoeff() - cost().minCoeff();
    if (!std::isfinite(range)) {
      check::fail(function, "C", "must have a finite range max C - min C", check::text(range));
    }
    if (!std::isfinite(std::max(range, 1.0) / epsilon)) {
      check::fail(function, "epsilon",
                  "must be large enough that max(1, max C - min C) / epsilon is finite",
                  check::text(epsilon));
    }
    log_a_ = a_.array().log();
    log_b_ = b_.array().log();
  }

  /// Marginals on the support (all entries positive).
  [[nodiscard]] const Eigen::VectorXd& a() const noexcept { return a_; }
  [[nodiscard]] const Eigen::VectorXd& b() const noexcept { return b_; }
  [[nodiscard]] const Eigen::VectorXd& log_a() const noexcept { return log_a_; }
  [[nodiscard]] const Eigen::VectorXd& log_b() const noexcept { return log_b_; }
  /// Cost on the support (support rows by support columns).
  [[nodiscard]] const Eigen::MatrixXd& cost() const noexcept {
    return full_support_ ? *full_cost_ : restricted_cost_;
  }
  /// The caller's full cost matrix.
  [[nodiscard]] const Eigen::MatrixXd& full_cost() const noexcept { return *full_cost_; }
  [[nodiscard]] double epsilon() const noexcept { return epsilon_; }
  [[nodiscard]] double mass() const noexcept { return mass_; }
  /// Caller's index of each support row / column.
  [[nodiscard]] const std::vector<Index>& rows() const noexcept { return rows_; }
  [[nodiscard]] const std::vector<Index>& cols() const noexcept { return cols_; }
  [[nodiscard]] bool full_support() const noexcept { return full_support_; }

 private:
  static void check_nonnegative(std::string_view function, std::string_view argument,
                                const Eigen::VectorXd& v) {
    for (Index i = 0; i < v.size(); ++i) {
      if (v[i] < 0) {
        check::fail(function, argument,
                    "must be nonnegative, but entry " + std::to_string(i) + " is not",
                    check::text(v[i]));
      }
    }
  }

  const Eigen::MatrixXd* full_cost_;
  Eigen::MatrixXd restricted_cost_;
  Eigen::VectorXd a_, b_, log_a_, log_b_;
  std::vector<Index> rows_, cols_;
  double epsilon_ = 1.0;
  double mass_ = 0.0;
  bool full_support_ = true;
};

}  // namespace iterum::ot
