#pragma once

/// @file observations.hpp
/// @brief `completion::Observations`: the observed entries (row, column, value) of a partially
/// known m x n matrix, stored once by rows and once by columns; `split_holdout` draws a
/// reproducible train/test split.

#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"
#include "iterum/io/ratings.hpp"

namespace iterum::completion {

/// The observed entries Omega of an m x n matrix M: value M(i, j) for each (i, j) in Omega.
///
/// Built once, from coordinate lists (COO), an `Eigen::SparseMatrix` (every stored entry is an
/// observation, explicit zeros included) or `io::Ratings`; then read by rows (`row(i)`: the
/// observed columns of row i, increasing, and their values) and by columns (`col(j)`), both
/// contiguous, which is what the alternating half-steps walk. Input is checked: indices in
/// range, finite values, and no (row, column) pair observed twice — each error names the
/// offending entry. Memory: two copies of the index and value arrays.
class Observations {
 public:
  /// A view of one row's (or column's) observations.
  struct Line {
    std::span<const Index> index;   ///< columns of a row (rows of a column), increasing
    std::span<const double> value;  ///< the observed values, aligned with `index`
    [[nodiscard]] Index size() const noexcept { return static_cast<Index>(index.size()); }
  };

  Observations() = default;

  /// From coordinate lists: entry t is M(rows[t], cols[t]) = values[t]. Throws
  /// `iterum::invalid_argument` for m or n below 1, lists of different lengths, an index out
  /// of range, a non-finite value, or a pair given twice (naming both entries).
  Observations(Index m, Index n, std::span<const Index> rows, std::span<const Index> cols,
               std::span<const double> values) {
    build(m, n, rows, cols, values, "iterum::completion::Observations");
  }

  /// From the stored entries of a sparse matrix (any storage order).
  template <class Scalar, int Options, class StorageIndex>
  explicit Observations(const Eigen::SparseMatrix<Scalar, Options, StorageIndex>& matrix) {
    using Sparse = Eigen::SparseMatrix<Scalar, Options, StorageIndex>;
    std::vector<Index> r;
    std::vector<Index> c;
    std::vector<double> v;
    r.reserve(static_cast<std::size_t>(matrix.nonZeros()));
    c.reserve(r.capacity());
    v.reserve(r.capacity());
    for (Index k = 0; k < matrix.outerSize(); ++k) {
      for (typename Sparse::InnerIterator it(matrix, k); it; ++it) {
        r.push_back(static_cast<Index>(it.row()));
        c.push_back(static_cast<Index>(it.col()));
        v.push_back(static_cast<double>(it.value()));
      }
    }
    build(matrix.rows(), matrix.cols(), r, c, v, "iterum::completion::Observations");
  }

  /// From ratings read by `io::read_ratings`: rows are users, columns items.
  explicit Observations(const io::Ratings& ratings) {
    const std::vector<double> v(ratings.ratings.data(),
                                ratings.ratings.data() + ratings.ratings.size());
    build(ratings.n_users(), ratings.n_items(), ratings.users, ratings.items, v,
          "iterum::completion::Observations");
  }

  [[nodiscard]] Index rows() const noexcept { return m_; }
  [[nodiscard]] Index cols() const noexcept { return n_; }
  /// |Omega|, the number of observed entries.
  [[nodiscard]] Index size() const noexcept { return static_cast<Index>(row_value_.size()); }
  /// |Omega| / (m n).
  [[nodiscard]] double density() const noexcept {
    return m_ > 0 && n_ > 0
               ? static_cast<double>(size()) / (static_cast<double>(m_) * static_cast<double>(n_))
               : 0.0;
  }
  /// Mean of the observed values (0 when there are none).
  [[nodiscard]] double mean() const noexcept {
    if (row_value_.empty()) return 0.0;
    return std::accumulate(row_value_.begin(), row_value_.end(), 0.0) /
           static_cast<double>(row_value_.size());
  }

  /// The observations of row i (0 <= i < rows()), by increasing column.
  [[nodiscard]] Line row(Index i) const noexcept {
    return line(row_start_, row_index_, row_value_, i);
  }
  /// The observations of column j (0 <= j < cols()), by increasing row.
  [[nodiscard]] Line col(Index j) const noexcept {
    return line(col_start_, col_index_, col_value_, j);
  }

  /// Most observations in any one row, and in any one column.
  [[nodiscard]] Index max_row_size() const noexcept { return max_row_; }
  [[nodiscard]] Index max_col_size() const noexcept { return max_col_; }

  /// Entry t by rows (0 <= t < size()): its row, column and value; the order is row-major.
  [[nodiscard]] Index row_of(Index t) const noexcept {
    return row_of_[static_cast<std::size_t>(t)];
  }
  [[nodiscard]] Index col_of(Index t) const noexcept {
    return row_index_[static_cast<std::size_t>(t)];
  }
  [[nodiscard]] double value_of(Index t) const noexcept {
    return row_value_[static_cast<std::size_t>(t)];
  }

  /// A copy with every value multiplied by 2^e (exact unless a value leaves the normal range);
  /// how `altmin` brings extreme data to unit scale.
  [[nodiscard]] Observations scaled_by_power_of_two(int e) const {
    Observations out = *this;
    for (double& v : out.row_value_) v = std::ldexp(v, e);
    for (double& v : out.col_value_) v = std::ldexp(v, e);
    return out;
  }

  /// The largest |value| (0 when there are none).
  [[nodiscard]] double max_abs() const noexcept {
    double m = 0.0;
    for (const double v : row_value_) m = std::max(m, std::abs(v));
    return m;
  }

  /// The m x n sparse matrix of the observations (column-major, int indices).
  [[nodiscard]] Eigen::SparseMatrix<double> matrix() const {
    Eigen::SparseMatrix<double> out(m_, n_);
    std::vector<Eigen::Triplet<double>> triplets;
    triplets.reserve(row_value_.size());
    for (Index t = 0; t < size(); ++t) {
      triplets.emplace_back(static_cast<int>(row_of(t)), static_cast<int>(col_of(t)), value_of(t));
    }
    out.setFromTriplets(triplets.begin(), triplets.end());
    return out;
  }

 private:
  static Line line(const std::vector<Index>& start, const std::vector<Index>& index,
                   const std::vector<double>& value, Index i) noexcept {
    const auto b = static_cast<std::size_t>(start[static_cast<std::size_t>(i)]);
    const auto e = static_cast<std::size_t>(start[static_cast<std::size_t>(i) + 1]);
    return {std::span<const Index>(index.data() + b, e - b),
            std::span<const double>(value.data() + b, e - b)};
  }

  void build(Index m, Index n, std::span<const Index> rows, std::span<const Index> cols,
             std::span<const double> values, std::string_view function) {
    check::positive(function, "m (rows)", static_cast<double>(m));
    check::positive(function, "n (cols)", static_cast<double>(n));
    check::size(function, "cols", static_cast<Index>(cols.size()), static_cast<Index>(rows.size()),
                "must have as many entries as rows");
    check::size(function, "values", static_cast<Index>(values.size()),
                static_cast<Index>(rows.size()), "must have as many entries as rows");
    const std::size_t count = rows.size();
    auto where = [&](std::size_t t) {
      return "entry " + std::to_string(t) + " (" + std::to_string(rows[t]) + ", " +
             std::to_string(cols[t]) + ")";
    };
    for (std::size_t t = 0; t < count; ++t) {
      if (rows[t] < 0 || rows[t] >= m) {
        check::fail(function, "rows",
                    "must lie in [0, " + std::to_string(m) + "), but entry " + std::to_string(t) +
                        " does not",
                    std::to_string(rows[t]));
      }
      if (cols[t] < 0 || cols[t] >= n) {
        check::fail(function, "cols",
                    "must lie in [0, " + std::to_string(n) + "), but entry " + std::to_string(t) +
                        " does not",
                    std::to_string(cols[t]));
      }
      if (!std::isfinite(values[t])) {
        check::fail(function, "values", "must be finite, but " + where(t) + " is not",
                    check::text(values[t]));
      }
    }
    m_ = m;
    n_ = n;
    // Counting sort by row, then by column within a row (stable, O(|Omega| + m + n)).
    std::vector<std::size_t> by_col(count);
    {
      std::vector<Index> start(static_cast<std::size_t>(n) + 1, 0);
      for (std::size_t t = 0; t < count; ++t) ++start[static_cast<std::size_t>(cols[t]) + 1];
      std::partial_sum(start.begin(), start.end(), start.begin());
      for (std::size_t t = 0; t < count; ++t) {
        by_col[static_cast<std::size_t>(start[static_cast<std::size_t>(cols[t])]++)] = t;
      }
    }
    row_start_.assign(static_cast<std::size_t>(m) + 1, 0);
    for (std::size_t t = 0; t < count; ++t) ++row_start_[static_cast<std::size_t>(rows[t]) + 1];
    std::partial_sum(row_start_.begin(), row_start_.end(), row_start_.begin());
    std::vector<std::size_t> order(count);
    {
      std::vector<Index> next(row_start_.begin(), row_start_.end() - 1);
      for (const std::size_t t : by_col) {
        order[static_cast<std::size_t>(next[static_cast<std::size_t>(rows[t])]++)] = t;
      }
    }
    row_index_.resize(count);
    row_value_.resize(count);
    row_of_.resize(count);
    for (std::size_t s = 0; s < count; ++s) {
      const std::size_t t = order[s];
      if (s > 0 && rows[order[s - 1]] == rows[t] && cols[order[s - 1]] == cols[t]) {
        check::fail(function, "entries",
                    "must observe each (row, col) pair once, but " + where(order[s - 1]) + " and " +
                        where(t) + " repeat it",
                    {});
      }
      row_index_[s] = cols[t];
      row_value_[s] = values[t];
      row_of_[s] = rows[t];
    }
    col_start_.assign(static_cast<std::size_t>(n) + 1, 0);
    for (std::size_t t = 0; t < count; ++t) ++col_start_[static_cast<std::size_t>(cols[t]) + 1];
    std::partial_sum(col_start_.begin(), col_start_.end(), col_start_.begin());
    col_index_.resize(count);
    col_value_.resize(count);
    {
      std::vector<Index> next(col_start_.begin(), col_start_.end() - 1);
      for (std::size_t s = 0; s < count; ++s) {  // row-major order: rows increase in a column
        const auto j = static_cast<std::size_t>(row_index_[s]);
        const auto at = static_cast<std::size_t>(next[j]++);
        col_index_[at] = row_of_[s];
        col_value_[at] = row_value_[s];
      }
    }
    max_row_ = 0;
    for (Index i = 0; i < m; ++i) max_row_ = std::max(max_row_, row(i).size());
    max_col_ = 0;
    for (Index j = 0; j < n; ++j) max_col_ = std::max(max_col_, col(j).size());
  }

  Index m_ = 0;
  Index n_ = 0;
  std::vector<Index> row_start_{0};
  std::vector<Index> row_index_;
  std::vector<double> row_value_;
  std::vector<Index> row_of_;
  std::vector<Index> col_start_{0};
  std::vector<Index> col_index_;
  std::vector<double> col_value_;
  Index max_row_ = 0;
  Index max_col_ = 0;
};

/// A reproducible random split of `all` into (train, test): exactly round(test_fraction |Omega|)
/// entries, drawn uniformly without replacement with `seed`, go to test; both keep the shape
/// m x n. Throws `iterum::invalid_argument` for a fraction outside [0, 1).
[[nodiscard]] inline std::pair<Observations, Observations> split_holdout(const Observations& all,
                                                                         double test_fraction,
                                                                         std::uint64_t seed = 0) {
  constexpr std::string_view function = "iterum::completion::split_holdout";
  check::in_range(function, "test_fraction", test_fraction, 0.0, 1.0);
  check::that(test_fraction < 1.0, function, "test_fraction", "must be below 1");
  const Index total = all.size();
  const auto test_count =
      static_cast<Index>(std::llround(test_fraction * static_cast<double>(total)));
  std::vector<Index> perm(static_cast<std::size_t>(total));
  std::iota(perm.begin(), perm.end(), Index{0});
  Engine engine = make_engine(seed);
  for (Index t = 0; t < test_count; ++t) {  // partial Fisher-Yates
    const Index pick = t + random::uniform_index(engine, total - t);
    std::swap(perm[static_cast<std::size_t>(t)], perm[static_cast<std::size_t>(pick)]);
  }
  std::vector<char> is_test(static_cast<std::size_t>(total), 0);
  for (Index t = 0; t < test_count; ++t)
    is_test[static_cast<std::size_t>(perm[static_cast<std::size_t>(t)])] = 1;
  std::vector<Index> r[2];
  std::vector<Index> c[2];
  std::vector<double> v[2];
  for (Index t = 0; t < total; ++t) {
    const int side = is_test[static_cast<std::size_t>(t)];
    r[side].push_back(all.row_of(t));
    c[side].push_back(all.col_of(t));
    v[side].push_back(all.value_of(t));
  }
  return {Observations(all.rows(), all.cols(), r[0], c[0], v[0]),
          Observations(all.rows(), all.cols(), r[1], c[1], v[1])};
}

}  // namespace iterum::completion
