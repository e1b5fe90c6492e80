#pragma once

/// @file elastic_net_problem.hpp
/// @brief `bcd::ElasticNetProblem`: the data of min 1/2 ||y - X w||^2 + alpha ||w||_1 +
/// mu/2 ||w||^2 laid out for coordinate descent (columns, their squared norms, optional
/// centering), with the column oracles a coordinate step and the duality gap need.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// The elastic-net least-squares problem in the unnormalized form coordinate descent works on:
///
///   P(w) = 1/2 ||y - X w||^2 + alpha ||w||_1 + mu/2 ||w||^2,
///
/// (the Lasso is mu = 0). With `center`, X's columns and y are centered (the problem of an
/// unpenalized intercept): a dense X is centered in a copy; a sparse X stays sparse and is
/// centered implicitly, through one scalar carried beside the residual (a coordinate step then
/// costs O(nnz of the column), as without centering).
///
/// The residual the methods maintain is r_true = r + shift (a vector plus a scalar times the
/// vector of ones; the shift is always 0 for dense data).
///
/// @tparam M `Matrix<double>` (column-major dense) or `Eigen::SparseMatrix<double>` (CSC).
template <class M>
class ElasticNetProblem {
 public:
  static constexpr bool sparse = std::is_base_of_v<Eigen::SparseMatrixBase<M>, M>;

  /// Owns X (moved in) and centers it in place when `center` (dense); `alpha` and `mu` are
  /// the weights of the unnormalized objective above (>= 0, finite or +inf).
  ElasticNetProblem(M&& x, Vector<double> y, double alpha, double mu, bool center)
      : owned_(std::move(x)),
        x_(&owned_),
        y_(std::move(y)),
        alpha_(alpha),
        mu_(mu),
        center_(center) {
    if constexpr (sparse) owned_.makeCompressed();
    prepare();
  }

  /// Refers to X without copying it (X must outlive the problem), except for a dense X with
  /// `center` or a sparse X that is not compressed: those are copied.
  ElasticNetProblem(const M& x, Vector<double> y, double alpha, double mu, bool center)
      : x_(&x), y_(std::move(y)), alpha_(alpha), mu_(mu), center_(center) {
    bool copy = !sparse && center;
    if constexpr (sparse) copy = copy || !x.isCompressed();
    if (copy) {
      owned_ = x;
      if constexpr (sparse) owned_.makeCompressed();
      x_ = &owned_;
    }
    prepare();
  }

  ElasticNetProblem(const ElasticNetProblem&) = delete;
  ElasticNetProblem& operator=(const ElasticNetProblem&) = delete;

  /// Changes the weights (the next lambda of a path); the data stay.
  void set_penalty(double alpha, double mu) noexcept {
    alpha_ = alpha;
    mu_ = mu;
  }

  [[nodiscard]] Index rows() const noexcept { return x_->rows(); }
  [[nodiscard]] Index dim() const noexcept { return x_->cols(); }
  [[nodiscard]] double alpha() const noexcept { return alpha_; }
  [[nodiscard]] double mu() const noexcept { return mu_; }
  [[nodiscard]] bool centered() const noexcept { return center_; }
  /// y, centered when the problem is.
  [[nodiscard]] const Vector<double>& y() const noexcept { return y_; }
  /// ||y||^2 of the (centered) y.
  [[nodiscard]] double yy() const noexcept { return yy_; }
  /// The mean of y removed by centering (0 otherwise).
  [[nodiscard]] double y_mean() const noexcept { return y_mean_; }
  /// The column means removed by centering (zeros otherwise).
  [[nodiscard]] const Vector<double>& x_mean() const noexcept { return mean_; }
  /// ||c_j||^2 of the (centered) column j.
  [[nodiscard]] double column_squared_norm(Index j) const { return col_sq_[j]; }
  /// The stored matrix (centered when dense and centered).
  [[nodiscard]] const M& matrix() const noexcept { return *x_; }

  /// c_j' r_true for r_true = r + shift 1. With centering, 1'r_true = 0 (y and every column
  /// are centered), so 1'r = -n shift and c_j' r_true = x_j' r + n mean_j shift.
  [[nodiscard]] double dot(Index j, const Vector<double>& r, double shift) const {
    if constexpr (sparse) {
      const auto* outer = x_->outerIndexPtr();
      const auto* inner = x_->innerIndexPtr();
      const double* value = x_->valuePtr();
      const double* rr = r.data();
      double s = 0.0;
      for (auto k = outer[j]; k < outer[j + 1]; ++k) s += value[k] * rr[inner[k]];
      return center_ ? s + static_cast<double>(rows()) * mean_[j] * shift : s;
    } else {
      (void)shift;
      return x_->col(j).dot(r);
    }
  }

  /// out = X_c' r_true for all columns (one product with X' for dense data).
  void correlations(const Vector<double>& r, double shift, Vector<double>& out) const {
    if constexpr (sparse) {
      for (Index j = 0; j < dim(); ++j) out[j] = dot(j, r, shift);
    } else {
      (void)shift;
      out.noalias() = x_->transpose() * r;
    }
  }

  /// r_true -= delta c_j: r -= delta x_j and, for centered sparse data, shift += delta mean_j.
  void subtract(Index j, double delta, Vector<double>& r, double& shift) const {
    if constexpr (sparse) {
      const auto* outer = x_->outerIndexPtr();
      const auto* inner = x_->innerIndexPtr();
      const double* value = x_->valuePtr();
      double* rr = r.data();
      for (auto k = outer[j]; k < outer[j + 1]; ++k) rr[inner[k]] -= delta * value[k];
      if (center_) shift += delta * mean_[j];
    } else {
      (void)shift;
      r.noalias() -= delta * x_->col(j);
    }
  }

  /// ||r_true||^2 and r_true' y for r_true = r + shift 1 (y is centered when shift can be
  /// nonzero, so 1'y = 0).
  void residual_products(const Vector<double>& r, double shift, double& rr, double& ry) const {
    ry = r.dot(y_);
    rr = r.squaredNorm();
    if (shift != 0.0) {
      rr += 2.0 * shift * r.sum() + static_cast<double>(rows()) * shift * shift;
    }
  }

  /// r = y - X_c w recomputed from w (a sum over the nonzeros of w), with shift = 0.
  void residual(const Vector<double>& w, Vector<double>& r, double& shift) const {
    r = y_;
    shift = 0.0;
    if constexpr (sparse) {
      for (Index j = 0; j < dim(); ++j) {
        if (w[j] != 0.0) subtract(j, w[j], r, shift);
      }
      r.array() += shift;  // fold the shift into r
      shift = 0.0;
    } else {  // O(n |support|), not a product with all of X
      for (Index j = 0; j < dim(); ++j) {
        if (w[j] != 0.0) r.noalias() -= w[j] * x_->col(j);
      }
    }
  }

 private:
  /// Means, centering (dense: in owned_), squared column norms, ||y||^2.
  void prepare() {
    const Index n = x_->rows(), p = x_->cols();
    mean_ = Vector<double>::Zero(p);
    y_mean_ = 0.0;
    if (center_ && n > 0) {
      y_mean_ = y_.mean();
      y_.array() -= y_mean_;
      if constexpr (sparse) {
        for (Index j = 0; j < p; ++j) {
          double s = 0.0;
          for (typename M::InnerIterator it(*x_, j); it; ++it) s += it.value();
          mean_[j] = s / static_cast<double>(n);
        }
      } else {
        mean_ = owned_.colwise().mean().transpose();
        owned_.rowwise() -= mean_.transpose();
      }
    }
    col_sq_.resize(p);
    for (Index j = 0; j < p; ++j) {
      double s = 0.0;
      if constexpr (sparse) {
        // sum over the column of (x_ij - mean_j)^2, the implicit zeros included, without the
        // cancellation of ||x_j||^2 - n mean_j^2.
        const double m = mean_[j];
        Index stored = 0;
        for (typename M::InnerIterator it(*x_, j); it; ++it, ++stored) {
          s += (it.value() - m) * (it.value() - m);
        }
        s += static_cast<double>(n - stored) * m * m;
      } else {
        s = x_->col(j).squaredNorm();
      }
      col_sq_[j] = s;
    }
    yy_ = y_.squaredNorm();
  }

  M owned_{};
  const M* x_ = nullptr;
  Vector<double> y_;
  Vector<double> mean_;
  Vector<double> col_sq_;
  double alpha_ = 0.0, mu_ = 0.0;
  double y_mean_ = 0.0, yy_ = 0.0;
  bool center_ = false;
};

}  // namespace iterum::bcd
