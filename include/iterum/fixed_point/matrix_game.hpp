#pragma once

/// @file matrix_game.hpp
/// @brief `MatrixGame`: the bilinear saddle point min_{x in simplex} max_{y in simplex} y^T A x
/// as a `FiniteSum` with the simplex projection as resolvent, plus `policeman_burglar_matrix`,
/// Nemirovski's standard test game.
///
/// With z = (x, y) (x: the n columns' mixed strategy, y: the m rows'), the saddle point solves
/// 0 in F(z) + N(z), F(z) = (A^T y, -A x) (monotone, skew, ||A||_2-Lipschitz) and N the normal
/// cone of the product of simplices, whose resolvent is the projection. The finite sum pairs row
/// i and column i of A, as in the experiments of Cai, Alacaoglu & Diakonikolas (ICLR 2024,
/// arXiv 2310.02987, Sec. 5): with N = max(m, n) components,
///
///   F_i(z) = N (y_i a_i^T, -x_i A_{:,i})        (a part absent when i >= m or i >= n),
///
/// so (1/N) sum_i F_i = F. Each component costs O(m + n), a full evaluation O(mn), i.e. one
/// epoch. E_i ||F_i(z) - F_i(z')||^2 <= N max(max_i ||a_i||^2, max_j ||A_{:,j}||^2) ||z - z'||^2
/// gives the mean-square Lipschitz constant `mean_square_lipschitz()`.
///
/// `duality_gap(z)` = max_i (A x)_i - min_j (A^T y)_j >= 0 is the classical certificate of a
/// game (zero exactly at saddle points) and is independent of any step.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"
#include "iterum/prox/simplex.hpp"

namespace iterum::fixed_point {

/// A matrix game on two simplices as a `FiniteSum` with a resolvent. Holds A and A^T (rows of A
/// are read contiguously) and projection buffers: one object must not be used from two threads
/// at once.
template <class S = double>
class MatrixGame {
 public:
  using Scalar = S;

  /// @throws iterum::invalid_argument for an empty or non-finite A.
  explicit MatrixGame(const Eigen::Ref<const Matrix<Scalar>>& a)
      : a_(checked(a)), at_(a.transpose()), x_simplex_(a.cols()), y_simplex_(a.rows()) {}

  [[nodiscard]] Index rows() const noexcept { return a_.rows(); }  ///< m (the y player)
  [[nodiscard]] Index cols() const noexcept { return a_.cols(); }  ///< n (the x player)
  [[nodiscard]] Index size() const noexcept { return std::max(rows(), cols()); }
  [[nodiscard]] Index dim() const noexcept { return rows() + cols(); }

  /// out = F_i(z) (see the file comment).
  void component(Index i, const Vector<Scalar>& z, Vector<Scalar>& out) const {
    out.setZero();
    add_component(i, z, Scalar(1), out);
  }
  /// acc += scale F_i(z), touching only the O(m + n) entries F_i has.
  void add_component(Index i, const Vector<Scalar>& z, Scalar scale, Vector<Scalar>& acc) const {
    const Index n = cols();
    const Index m = rows();
    const Scalar weight = scale * static_cast<Scalar>(size());
    if (i < m) acc.head(n) += (weight * z[n + i]) * at_.col(i);
    if (i < n) acc.tail(m) -= (weight * z[i]) * a_.col(i);
  }
  /// out = F(z) = (A^T y, -A x).
  void evaluate(const Vector<Scalar>& z, Vector<Scalar>& out) const {
    const Index n = cols();
    const Index m = rows();
    out.head(n).noalias() = at_ * z.tail(m);
    // -= with a zeroed target: one product with factor -1 (= -(A x) would build a temporary).
    out.tail(m).setZero();
    out.tail(m).noalias() -= a_ * z.head(n);
  }
  /// out = the projection of v onto simplex x simplex (for every eta).
  void resolvent(Scalar /*eta*/, const Vector<Scalar>& v, Vector<Scalar>& out) const {
    x_simplex_(v.head(cols()), out.head(cols()));
    y_simplex_(v.tail(rows()), out.tail(rows()));
  }

  /// max_i (A x)_i - min_j (A^T y)_j for z = (x, y) with x, y in their simplices.
  [[nodiscard]] Scalar duality_gap(const Vector<Scalar>& z) const {
    const Scalar best_y = (a_ * z.head(cols())).maxCoeff();
    const Scalar best_x = (at_ * z.tail(rows())).minCoeff();
    return best_y - best_x;
  }

  /// ||A||_2, the Lipschitz constant of F (by 200 power iterations on A^T A from a fixed start;
  /// relative accuracy far below the 1e-3 a step size needs).
  [[nodiscard]] Scalar lipschitz() const {
    Vector<Scalar> v = Vector<Scalar>::Ones(cols()) / std::sqrt(static_cast<Scalar>(cols()));
    Vector<Scalar> w(rows());
    Scalar sigma(0);
    for (int k = 0; k < 200; ++k) {
      w.noalias() = a_ * v;
      v.noalias() = at_ * w;
      const Scalar norm = v.norm();
      if (norm == Scalar(0)) return Scalar(0);
      sigma = std::sqrt(norm);
      v /= norm;
    }
    return sigma;
  }
  /// ||A||_F, the constant the experiments of arXiv 2310.02987 set the variance-reduced steps
  /// from.
  [[nodiscard]] Scalar frobenius_norm() const { return a_.norm(); }
  /// sqrt(N max(max_i ||a_i||^2, max_j ||A_{:,j}||^2)) (see the file comment).
  [[nodiscard]] Scalar mean_square_lipschitz() const {
    const Scalar row = a_.rowwise().squaredNorm().maxCoeff();
    const Scalar col = a_.colwise().squaredNorm().maxCoeff();
    return std::sqrt(static_cast<Scalar>(size()) * std::max(row, col));
  }

  /// L_i = N max(||a_i||, ||A_{:,i}||) (a part absent when i >= m or i >= n): the Lipschitz
  /// constant of F_i, the optional `FiniteSum` member importance sampling draws by
  /// (component_sampler.hpp). O(m + n).
  [[nodiscard]] Scalar component_lipschitz(Index i) const {
    Scalar c(0);
    if (i < rows()) c = at_.col(i).squaredNorm();
    if (i < cols()) c = std::max(c, a_.col(i).squaredNorm());
    return static_cast<Scalar>(size()) * std::sqrt(c);
  }

  [[nodiscard]] const Matrix<Scalar>& matrix() const noexcept { return a_; }
  /// The uniform strategies (x, y), the usual starting point.
  [[nodiscard]] Vector<Scalar> uniform_start() const {
    Vector<Scalar> z(dim());
    z.head(cols()).setConstant(Scalar(1) / static_cast<Scalar>(cols()));
    z.tail(rows()).setConstant(Scalar(1) / static_cast<Scalar>(rows()));
    return z;
  }

 private:
  /// Validates A before any member is built from it (the projections reject empty sizes with
  /// their own, less helpful, message).
  static const Eigen::Ref<const Matrix<Scalar>>& checked(
      const Eigen::Ref<const Matrix<Scalar>>& a) {
    constexpr std::string_view function = "iterum::fixed_point::MatrixGame";
    check::not_empty(function, "A", a.size());
    check::all_finite(function, "A", a);
    return a;
  }

  Matrix<Scalar> a_;
  Matrix<Scalar> at_;
  prox::Simplex<Scalar> x_simplex_;
  prox::Simplex<Scalar> y_simplex_;
};

/// Nemirovski's "policeman and burglar" game on n houses: A_ij = w_j (1 - exp(-theta |i - j|)),
/// w_j = |N(0, 1)| drawn from `engine`: the test game attributed to Nemirovski that the matrix-game
/// experiments of Alacaoglu & Malitsky (COLT 2022, arXiv 2102.08352) and of arXiv 2310.02987
/// (n = 500, theta = 0.8) use.
/// @throws iterum::invalid_argument for n < 1 or a negative or non-finite theta.
[[nodiscard]] inline Matrix<double> policeman_burglar_matrix(Index n, double theta,
                                                             Engine& engine) {
  constexpr std::string_view function = "iterum::fixed_point::policeman_burglar_matrix";
  check::positive(function, "n", static_cast<double>(n));
  check::nonnegative(function, "theta", theta);
  check::finite(function, "theta", theta);
  Vector<double> w(n);
  for (Index j = 0; j < n; ++j) w[j] = std::abs(random::normal(engine));
  Matrix<double> a(n, n);
  for (Index j = 0; j < n; ++j) {
    for (Index i = 0; i < n; ++i) {
      a(i, j) = w[j] * (1.0 - std::exp(-theta * std::abs(static_cast<double>(i - j))));
    }
  }
  return a;
}

}  // namespace iterum::fixed_point
