#pragma once

/// @file srht.hpp
/// @brief `sketch::Srht`: the subsampled randomized Hadamard transform, S = sqrt(1/d) P H D.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/counter_stream.hpp"
#include "iterum/sketch/detail/fwht.hpp"
#include "iterum/sketch/sketch_operator.hpp"

namespace iterum::sketch {

/// A d x m subsampled randomized Hadamard transform (Ailon & Chazelle's fast JL transform;
/// analysis: Tropp, arXiv 1011.1595, Sec. 1): S = (1/sqrt(d)) P H D, where D flips the sign of
/// each of the m coordinates at random, H is the unnormalized (+-1) Walsh-Hadamard matrix of
/// order M = the smallest power of two >= m (the data are zero-padded to M rows), and P keeps d
/// distinct rows of the M drawn uniformly (sorted). E[S^T S] = I. A dense sketch (every entry
/// is +-1/sqrt(d)) applied in O(M log M) per column with an in-place fast Walsh-Hadamard
/// transform. The sign of column j is a pure function of (seed, j); the sampled rows are a
/// function of the seed alone, so entry (i, j) = sign_j (-1)^popcount(p_i & j) / sqrt(d) can be
/// made anywhere.
class Srht : public SketchOperator<Srht> {
 public:
  static constexpr std::string_view name = "iterum::sketch::Srht";

  /// A `rows` x `cols` SRHT, 1 <= rows <= cols (row sampling is without replacement). Throws
  /// `iterum::invalid_argument` naming `rows` or `cols`.
  Srht(Index rows, Index cols, std::uint64_t seed)
      : SketchOperator<Srht>(rows, cols, seed),
        padded_(static_cast<Index>(std::bit_ceil(static_cast<std::uint64_t>(cols)))),
        sign_key_(detail::stream_key(seed, sign_tag)) {
    if (rows > cols) {
      check::fail(name, "rows",
                  "must be at most cols (" + check::text(static_cast<long long>(cols)) + ")",
                  check::text(static_cast<long long>(rows)));
    }
    sample_rows(detail::stream_key(seed, sample_tag));
  }

  /// M, the power of two the data are padded to.
  [[nodiscard]] Index padded_size() const noexcept { return padded_; }
  /// The sampled rows p_0 < ... < p_{d-1} of the M x M Hadamard matrix.
  [[nodiscard]] const std::vector<Index>& sampled_rows() const noexcept { return sampled_; }
  /// The random sign of column j (+1 or -1).
  [[nodiscard]] double sign(Index j) const {
    return (detail::CounterStream(sign_key_, static_cast<std::uint64_t>(j)).bits() & 1u) != 0
               ? 1.0
               : -1.0;
  }

  /// S as a dense d x m matrix, entry by entry from the closed form (independent of the fast
  /// transform; for tests and small problems).
  [[nodiscard]] Matrix<double> materialize() const {
    Matrix<double> s(rows(), cols());
    const double scale = 1.0 / std::sqrt(static_cast<double>(rows()));
    for (Index j = 0; j < cols(); ++j) {
      const double sj = sign(j) * scale;
      for (Index i = 0; i < rows(); ++i) {
        const auto bits = static_cast<std::uint64_t>(sampled_[static_cast<std::size_t>(i)] & j);
        s(i, j) = (std::popcount(bits) % 2 == 0) ? sj : -sj;
      }
    }
    return s;
  }

 private:
  friend class SketchOperator<Srht>;
  static constexpr std::uint64_t sign_tag = 0x5352485400000001ull;
  static constexpr std::uint64_t sample_tag = 0x5352485400000002ull;

  // Floyd's algorithm: d distinct rows of M uniformly, with one mark per row of M.
  void sample_rows(std::uint64_t key) {
    detail::CounterStream stream(key, 0);
    std::vector<bool> taken(static_cast<std::size_t>(padded_), false);
    sampled_.reserve(static_cast<std::size_t>(rows()));
    for (Index k = padded_ - rows(); k < padded_; ++k) {
      const Index t = stream.below(k + 1);
      const Index pick = taken[static_cast<std::size_t>(t)] ? k : t;
      taken[static_cast<std::size_t>(pick)] = true;
      sampled_.push_back(pick);
    }
    std::sort(sampled_.begin(), sampled_.end());
  }

  template <class Out>
  void add_dense(Index j0, const Eigen::Ref<const Matrix<double>>& block, Out& out) const {
    const Index b = block.rows();
    Vector<double> signs(b);
    for (Index j = 0; j < b; ++j) signs[j] = sign(j0 + j);
    const double scale = 1.0 / std::sqrt(static_cast<double>(rows()));
    Vector<double> buffer(padded_);
    for (Index c = 0; c < block.cols(); ++c) {
      buffer.setZero();
      buffer.segment(j0, b) = signs.cwiseProduct(block.col(c));
      detail::fwht(buffer.data(), padded_);
      for (Index i = 0; i < rows(); ++i) {
        out(i, c) += scale * buffer[sampled_[static_cast<std::size_t>(i)]];
      }
    }
  }
  template <class Out>
  void add_sparse(Index j0, const Eigen::SparseMatrix<double, Eigen::RowMajor>& block,
                  Out& out) const {
    // The transform mixes every row, so a sparse block is densified a few columns at a time.
    constexpr Index width = 32;
    const Eigen::SparseMatrix<double> by_column = block;
    for (Index c0 = 0; c0 < block.cols(); c0 += width) {
      const Index nc = std::min(width, block.cols() - c0);
      const Matrix<double> dense = by_column.middleCols(c0, nc);
      auto target = out.middleCols(c0, nc);
      add_dense(j0, dense, target);
    }
  }

  Index padded_;
  std::uint64_t sign_key_;
  std::vector<Index> sampled_{};
};

}  // namespace iterum::sketch
