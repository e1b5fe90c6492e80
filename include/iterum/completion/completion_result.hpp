#pragma once

/// @file completion_result.hpp
/// @brief `completion::CompletionResult`: the fitted low-rank model with its certificate, and
/// what users do with it — `predict`, `recommend` (top-n unseen), `fold_in` (a new row
/// against the fixed column factors).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iterum/completion/exact_row_solver.hpp"
#include "iterum/completion/observations.hpp"
#include "iterum/completion/row_solver.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"

namespace iterum::completion {

/// A row that was not in the training data, fitted against the fixed column factors by
/// `CompletionResult::fold_in`.
struct FoldedRow {
  Vector<double> factor{};    ///< u (k)
  double bias = 0.0;          ///< b (0 without biases)
  std::vector<Index> seen{};  ///< the columns it rated, increasing
};

/// One recommended column and its predicted value.
struct Recommendation {
  Index col = 0;
  double score = 0.0;
};

/// What `altmin` returns: M ~ mean + row_bias 1^T + 1 col_bias^T + U V^T, with the summary
/// (`residual`: the first-order certificate of `AltMinMethod`, recomputed from these factors;
/// `status` is `Converged` only when it meets the tolerance).
struct CompletionResult : Summary {
  Matrix<double> u{};         ///< m x k row factors
  Matrix<double> v{};         ///< n x k column factors
  Vector<double> row_bias{};  ///< b (m; zeros without biases)
  Vector<double> col_bias{};  ///< c (n; zeros without biases)
  double mean = 0.0;          ///< mu (0 without biases)
  double rmse = 0.0;          ///< RMSE on the training observations (clipped predictions)
  std::optional<double> validation_rmse{};   ///< on `options.validation`, when given
  std::vector<double> rmse_history{};        ///< `rmse` per iteration, from iteration 0
  std::vector<double> validation_history{};  ///< `validation_rmse` per iteration
  double passes = 0.0;           ///< passes over the observations, initialization included
  Index regularized_solves = 0;  ///< row solves that needed the safeguard ridge
  Index failed_solves = 0;       ///< row solves that kept the previous value
  // The model's settings, which fold_in and predict use.
  double lambda = 0.0;
  bool weighted_lambda = true;
  bool biases = false;
  double bias_lambda = 0.0;
  double clip_min = -std::numeric_limits<double>::infinity();
  double clip_max = std::numeric_limits<double>::infinity();
  std::vector<Index> seen_start{0};  ///< training columns of row i: seen_cols[seen_start[i] ..
  std::vector<Index> seen_cols{};    ///< seen_start[i + 1]), increasing

  [[nodiscard]] Index rank() const noexcept { return u.cols(); }
  [[nodiscard]] Index rows() const noexcept { return u.rows(); }
  [[nodiscard]] Index cols() const noexcept { return v.rows(); }

  /// The predicted value of (row, col), clipped to [clip_min, clip_max]. A row or column with
  /// no training observations is predicted from the biases alone (cold start). Throws
  /// `iterum::invalid_argument` for an index out of range.
  [[nodiscard]] double predict(Index row, Index col) const {
    constexpr std::string_view function = "iterum::completion::CompletionResult::predict";
    check_index(function, "row", row, rows());
    check_index(function, "col", col, cols());
    return clip(mean + row_bias[row] + col_bias[col] + u.row(row).dot(v.row(col)));
  }

  /// The `n` columns with the highest predictions for `row` among those it did not rate in
  /// the training data, best first (ties: lower column first).
  [[nodiscard]] std::vector<Recommendation> recommend(Index row, Index n) const {
    constexpr std::string_view function = "iterum::completion::CompletionResult::recommend";
    check_index(function, "row", row, rows());
    const auto b = static_cast<std::size_t>(seen_start[static_cast<std::size_t>(row)]);
    const auto e = static_cast<std::size_t>(seen_start[static_cast<std::size_t>(row) + 1]);
    return top(function, n, row_bias[row], u.row(row).transpose(),
               std::span<const Index>(seen_cols.data() + b, e - b));
  }

  /// Fits a new row from its ratings (`cols[t]` rated `values[t]`) against the fixed V and
  /// column biases: the same ridge problem a row solves in training (ALS-WR weight included),
  /// solved exactly. Throws `iterum::invalid_argument` for lists of different lengths, a
  /// column out of range or given twice, or a non-finite value.
  [[nodiscard]] FoldedRow fold_in(std::span<const Index> cols_rated,
                                  std::span<const double> values) const {
    constexpr std::string_view function = "iterum::completion::CompletionResult::fold_in";
    check::size(function, "values", static_cast<Index>(values.size()),
                static_cast<Index>(cols_rated.size()), "must have as many entries as cols");
    const Index k = rank();
    const Index off = biases ? 1 : 0;
    const Index p = k + off;
    const auto count = static_cast<Index>(cols_rated.size());
    FoldedRow out;
    out.seen.assign(cols_rated.begin(), cols_rated.end());
    std::sort(out.seen.begin(), out.seen.end());
    for (std::size_t t = 0; t < cols_rated.size(); ++t) {
      check_index(function, "cols", cols_rated[t], cols());
      if (!std::isfinite(values[t])) {
        check::fail(function, "values",
                    "must be finite, but entry " + std::to_string(t) + " is not",
                    check::text(values[t]));
      }
    }
    if (std::adjacent_find(out.seen.begin(), out.seen.end()) != out.seen.end()) {
      check::fail(function, "cols", "must not rate a column twice",
                  std::to_string(*std::adjacent_find(out.seen.begin(), out.seen.end())));
    }
    out.factor = Vector<double>::Zero(k);
    if (count == 0) return out;
    Matrix<double> a(p, count);
    Vector<double> b(count);
    for (Index t = 0; t < count; ++t) {
      const Index j = cols_rated[static_cast<std::size_t>(t)];
      a.col(t).tail(k) = v.row(j).transpose();
      if (biases) a(0, t) = 1.0;
      b[t] = values[static_cast<std::size_t>(t)] - mean - col_bias[j];
    }
    Vector<double> ridge =
        Vector<double>::Constant(p, lambda * (weighted_lambda ? static_cast<double>(count) : 1.0));
    if (biases) ridge[0] = bias_lambda;
    Vector<double> x = Vector<double>::Zero(p);
    const ExactRowSolver solver;
    auto w = solver.workspace(p, count);
    (void)solver.solve(RowSystem{a, b, ridge, 0.0, 0}, x, w);
    if (biases) out.bias = x[0];
    out.factor = x.tail(k);
    return out;
  }

  /// The prediction of a folded-in row for `col`, clipped.
  [[nodiscard]] double predict(const FoldedRow& row, Index col) const {
    constexpr std::string_view function = "iterum::completion::CompletionResult::predict";
    check::size(function, "row.factor", row.factor.size(), rank(), "must have rank() entries");
    check_index(function, "col", col, cols());
    return clip(mean + row.bias + col_bias[col] + v.row(col).dot(row.factor));
  }

  /// Top-n unseen columns for a folded-in row.
  [[nodiscard]] std::vector<Recommendation> recommend(const FoldedRow& row, Index n) const {
    constexpr std::string_view function = "iterum::completion::CompletionResult::recommend";
    check::size(function, "row.factor", row.factor.size(), rank(), "must have rank() entries");
    return top(function, n, row.bias, row.factor, row.seen);
  }

  /// RMSE of the (clipped) predictions on `test` (same shape as the training data).
  [[nodiscard]] double rmse_on(const Observations& test) const {
    constexpr std::string_view function = "iterum::completion::CompletionResult::rmse_on";
    check::size(function, "test", test.rows(), rows(), "must have as many rows as the model");
    check::size(function, "test", test.cols(), cols(), "must have as many columns as the model");
    if (test.size() == 0) return 0.0;
    double se = 0.0;
    for (Index t = 0; t < test.size(); ++t) {
      const double e = test.value_of(t) - predict(test.row_of(t), test.col_of(t));
      se += e * e;
    }
    return std::sqrt(se / static_cast<double>(test.size()));
  }

 private:
  [[nodiscard]] double clip(double value) const noexcept {
    return std::clamp(value, clip_min, clip_max);
  }

  static void check_index(std::string_view function, std::string_view name, Index i, Index n) {
    if (i < 0 || i >= n) {
      check::fail(function, name, "must lie in [0, " + std::to_string(n) + ")", std::to_string(i));
    }
  }

  template <class Factor>
  [[nodiscard]] std::vector<Recommendation> top(std::string_view function, Index n, double bias,
                                                const Factor& factor,
                                                std::span<const Index> seen) const {
    check::nonnegative(function, "n", static_cast<double>(n));
    std::vector<Recommendation> all;
    all.reserve(static_cast<std::size_t>(cols()));
    std::size_t next = 0;
    for (Index j = 0; j < cols(); ++j) {
      while (next < seen.size() && seen[next] < j) ++next;
      if (next < seen.size() && seen[next] == j) continue;
      all.push_back({j, clip(mean + bias + col_bias[j] + v.row(j).dot(factor))});
    }
    const auto keep = std::min(all.size(), static_cast<std::size_t>(n));
    auto better = [](const Recommendation& a, const Recommendation& b) {
      return a.score > b.score || (a.score == b.score && a.col < b.col);
    };
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                      better);
    all.resize(keep);
    return all;
  }
};

}  // namespace iterum::completion
