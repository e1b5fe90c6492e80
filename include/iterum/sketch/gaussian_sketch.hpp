#pragma once

/// @file gaussian_sketch.hpp
/// @brief `sketch::GaussianSketch`: a dense sketch of independent N(0, 1/d) entries.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/counter_stream.hpp"
#include "iterum/sketch/sketch_operator.hpp"

namespace iterum::sketch {

/// A d x m Gaussian sketch: independent N(0, 1/d) entries, so E[S^T S] = I; the best embedding
/// constants of all (Halko, Martinsson & Tropp, arXiv 0909.4061, Sec. 10), but S A costs a full
/// 2 d m n GEMM and d m normal draws: the right sketch for range finding (`randomized_svd`) and
/// small d, not for tall least squares. Column j (d normals from a counter-based stream) is a
/// pure function of (seed, j); S A is computed by generating S in blocks of 256 columns, each
/// multiplied into the result (no d x m matrix is ever stored).
class GaussianSketch : public SketchOperator<GaussianSketch> {
 public:
  static constexpr std::string_view name = "iterum::sketch::GaussianSketch";

  /// A `rows` x `cols` sketch (rows = d >= 1, cols = m >= 1). Throws `iterum::invalid_argument`
  /// naming `rows` or `cols`.
  GaussianSketch(Index rows, Index cols, std::uint64_t seed)
      : SketchOperator<GaussianSketch>(rows, cols, seed), key_(detail::stream_key(seed, tag)) {}

  /// Column j of S (0 <= j < cols()) written into `out` (length rows()).
  template <class Out>
  void column(Index j, Out&& out) const {
    detail::CounterStream stream(key_, static_cast<std::uint64_t>(j));
    const double scale = 1.0 / std::sqrt(static_cast<double>(rows()));
    const Index d = rows();
    for (Index i = 0; i < d; i += 2) {
      double first = 0.0;
      double second = 0.0;
      stream.normal_pair(first, second);
      out[i] = scale * first;
      if (i + 1 < d) out[i + 1] = scale * second;
    }
  }

  /// S as a dense d x m matrix (for tests and small problems).
  [[nodiscard]] Matrix<double> materialize() const {
    Matrix<double> s(rows(), cols());
    for (Index j = 0; j < cols(); ++j) column(j, s.col(j));
    return s;
  }

 private:
  friend class SketchOperator<GaussianSketch>;
  static constexpr std::uint64_t tag = 0x4741555353000001ull;
  static constexpr Index chunk = 256;

  void fill(Index j0, Index count, Matrix<double>& s) const {
    for (Index j = 0; j < count; ++j) column(j0 + j, s.col(j));
  }

  template <class Out>
  void add_dense(Index j0, const Eigen::Ref<const Matrix<double>>& block, Out& out) const {
    Matrix<double> s(rows(), std::min(chunk, block.rows()));
    for (Index r0 = 0; r0 < block.rows(); r0 += chunk) {
      const Index nb = std::min(chunk, block.rows() - r0);
      fill(j0 + r0, nb, s);
      out.noalias() += s.leftCols(nb) * block.middleRows(r0, nb);
    }
  }
  template <class Out>
  void add_sparse(Index j0, const Eigen::SparseMatrix<double, Eigen::RowMajor>& block,
                  Out& out) const {
    Matrix<double> s(rows(), std::min(chunk, block.rows()));
    for (Index r0 = 0; r0 < block.rows(); r0 += chunk) {
      const Index nb = std::min(chunk, block.rows() - r0);
      fill(j0 + r0, nb, s);
      out += s.leftCols(nb) * block.middleRows(r0, nb);
    }
  }

  std::uint64_t key_;
};

}  // namespace iterum::sketch
