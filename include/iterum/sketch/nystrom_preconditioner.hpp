#pragma once

/// @file nystrom_preconditioner.hpp
/// @brief `sketch::NystromPreconditioner`: the randomized Nystrom preconditioner of Frangella,
/// Tropp & Udell for (A + mu I) x = b with A positive semidefinite, with an adaptive rank; a
/// `Preconditioner` model that `linalg::CgMethod` / `linalg::ConjugateGradient` take.
///
/// Algorithm (Z. Frangella, J. A. Tropp, M. Udell, "Randomized Nystrom Preconditioning", SIAM
/// J. Matrix Anal. Appl. 44 (2023), arXiv 2110.02820):
/// - the stable rank-l Nystrom approximation A_nys = U diag(lambda) U^T of their Algorithm 2.1:
///   Omega = orth(G) for an n x l Gaussian G, Y = A Omega, nu = sqrt(n) eps(||Y||_2),
///   Y_nu = Y + nu Omega, C = chol(Omega^T Y_nu), B = Y_nu C^{-1}, [U, Sigma, ~] = svd(B),
///   lambda = max(0, Sigma^2 - nu);
/// - the preconditioner of their eq. (5.3) (Section 5):
///   P^{-1} = (lambda_l + mu) U (Lambda + mu I)^{-1} U^T + (I - U U^T),
///   applied as z = r + U [((lambda_l + mu) / (lambda_i + mu) - 1) (U^T r)_i] (O(n l)).
/// With l about the effective dimension d_eff(mu) of A, kappa(P^{-1/2} (A + mu I) P^{-1/2}) is
/// bounded by a small constant (their Theorem 5.1), so PCG needs few iterations whatever
/// kappa(A + mu I) is, when the spectrum of A decays fast (kernel matrices). When it decays
/// slowly (a Laplacian), no small rank helps; see `reached_target`.
///
/// Adaptive rank (the doubling strategy of their Section 5.4, stopping on the ratio
/// lambda_l / mu they use to judge a rank): start with `initial_rank`, double l until the
/// smallest computed eigenvalue lambda_l <= `rank_factor` * mu or l reaches `max_rank`, or
/// (our addition) a doubling shrank lambda_l by less than `min_decay` (a flat spectrum). With
/// lambda_l <= rank_factor mu, the eigenvalues left out of A_nys are (up to the approximation
/// error) at most rank_factor mu, so the preconditioned spectrum lies in about
/// [1, 1 + rank_factor + error / mu]. Deviation: the paper's adaptive algorithm also estimates
/// ||A - A_nys|| by a power method; here only lambda_l is used, which costs nothing extra.
/// Doubling reuses the products already made: Omega's raw Gaussian columns are a pure function
/// of (seed, column) (the counter-based stream of `GaussianSketch`), so the first l columns of
/// the 2 l sketch are the previous ones; with G = Q R, A Q = (A G) R^{-1}, and only the new l
/// columns are multiplied by A. Total products with A: the final l.
///
/// `compute(a)` receives the operator CG runs on, that is A + mu I (the system matrix), and
/// forms A Omega = (A + mu I) Omega - mu Omega; `mu` must be the shift of that system.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/sketch/gaussian_sketch.hpp"

namespace iterum::sketch {

/// Settings of `NystromPreconditioner`.
struct NystromOptions {
  /// The shift mu > 0 of the system (A + mu I) x = b (required: the default 0 is rejected).
  double mu = 0.0;
  /// The first sketch size l (>= 1).
  Index initial_rank = 16;
  /// The largest sketch size; unset: min(n, 512). Capped at n.
  std::optional<Index> max_rank{};
  /// Doubling stops once lambda_l <= rank_factor * mu (> 0).
  double rank_factor = 10.0;
  /// Doubling also stops when it shrank lambda_l by less than this factor (>= 1; 1: never)
  /// while (lambda_1 + mu) / (lambda_l + mu) < `min_gain`: a flat spectrum, where more
  /// columns buy little.
  double min_decay = 1.5;
  /// When the target is not reached at the largest rank and (lambda_1 + mu) / (lambda_l + mu)
  /// is below this (>= 1), the spectrum decays too slowly for the rank: the preconditioner
  /// falls back to the identity (`active()` false) instead of slowing CG down. 1: never.
  double min_gain = 10.0;
  /// false: a single sketch of size `initial_rank` (no doubling).
  bool adaptive = true;
  /// Seed of the Gaussian test matrix.
  std::uint64_t seed = 0;

  /// Throws `iterum::invalid_argument` for a non-positive or non-finite `mu` or `rank_factor`,
  /// a non-positive `initial_rank`, or a `max_rank` below `initial_rank`.
  void validate(std::string_view function = "iterum::sketch::NystromOptions::validate") const {
    check::positive(function, "options.mu", mu);
    check::finite(function, "options.mu", mu);
    check::positive(function, "options.initial_rank", static_cast<double>(initial_rank));
    check::positive(function, "options.rank_factor", rank_factor);
    check::finite(function, "options.rank_factor", rank_factor);
    check::in_range(function, "options.min_decay", min_decay, 1.0,
                    std::numeric_limits<double>::infinity(), check::Bound::Closed,
                    check::Bound::Open);
    check::in_range(function, "options.min_gain", min_gain, 1.0,
                    std::numeric_limits<double>::infinity(), check::Bound::Closed,
                    check::Bound::Open);
    if (max_rank && *max_rank < initial_rank) {
      check::fail(function, "options.max_rank",
                  "must be at least options.initial_rank (" +
                      check::text(static_cast<long long>(initial_rank)) + ")",
                  check::text(static_cast<long long>(*max_rank)));
    }
  }
};

/// The randomized Nystrom preconditioner for (A + mu I), A symmetric positive semidefinite.
/// Models `Preconditioner` for every `LinearOperator` (a block product is used when the
/// operator exposes `matrix()`, as the CG operators over Eigen matrices do). `apply` uses a
/// scratch vector of the object: one preconditioner must not be applied from two threads at
/// once.
template <class Scalar = double>
class NystromPreconditioner {
 public:
  /// Checks `options` (`iterum::invalid_argument` naming the field).
  explicit NystromPreconditioner(NystromOptions options = {}) : options_(options) {
    options_.validate("iterum::sketch::NystromPreconditioner");
  }

  /// Builds the approximation of A = a - mu I for the operator `a` = A + mu I (n x n, A PSD),
  /// doubling the rank as `NystromOptions` says. Throws `iterum::invalid_argument` when `a` is
  /// not square or its sketch is not finite, or the Cholesky factor of Omega^T Y_nu fails
  /// (A is then not positive semidefinite: a - mu I is indefinite).
  template <class Op>
  requires LinearOperator<Op>
  void compute(const Op& a) {
    constexpr std::string_view function = "iterum::sketch::NystromPreconditioner::compute";
    check::square(function, "A", a.rows(), a.cols());
    check::not_empty(function, "A", a.rows());
    const Index n = a.rows();
    const Index cap = std::min<Index>(n, options_.max_rank ? *options_.max_rank : 512);
    Index l = std::min(options_.initial_rank, cap);
    const GaussianSketch gauss(n, cap, options_.seed);
    Matrix<double> g(n, 0);   // raw Gaussian columns
    Matrix<double> ag(n, 0);  // A times them
    matvecs_ = 0;
    double previous_last = 0.0;
    for (;;) {
      const Index old = g.cols();
      g.conservativeResize(n, l);
      ag.conservativeResize(n, l);
      for (Index j = old; j < l; ++j) gauss.column(j, g.col(j));
      multiply(a, g.middleCols(old, l - old), ag.middleCols(old, l - old));
      matvecs_ += l - old;
      check::all_finite(function, "A", ag);
      approximate(function, g, ag);
      const double last = lambda_.size() > 0 ? lambda_[lambda_.size() - 1] : 0.0;
      reached_ = last <= options_.rank_factor * options_.mu;
      // A doubling that did not shrink lambda_l by min_decay, on a spectrum whose captured
      // part spans less than min_gain: it is flat here and more columns would buy little
      // (2-D Poisson), so stop before the sketch grows to n.
      const bool stalled = previous_last > 0 && last * options_.min_decay > previous_last &&
                           lambda_[0] + options_.mu < options_.min_gain * (last + options_.mu);
      if (reached_ || stalled || !options_.adaptive || l >= cap) break;
      previous_last = last;
      l = std::min<Index>(2 * l, cap);
    }
    const double last = lambda_.size() > 0 ? lambda_[lambda_.size() - 1] : 0.0;
    const double first = lambda_.size() > 0 ? lambda_[0] : 0.0;
    // A slowly decaying spectrum: lambda_1 / lambda_l small at the largest rank allowed. The
    // preconditioner could then only shrink kappa by (lambda_1 + mu) / (lambda_l + mu), and the
    // error of a poor approximation costs more than that (measured on 2-D Poisson: 40% more
    // iterations than plain CG); it falls back to the identity and says so (`active`).
    active_ = reached_ || (first + options_.mu) >= options_.min_gain * (last + options_.mu);
    const Index used = active_ ? lambda_.size() : 0;
    scale_.resize(used);
    for (Index i = 0; i < used; ++i)
      scale_[i] = static_cast<Scalar>((last + options_.mu) / (lambda_[i] + options_.mu) - 1.0);
    basis_ = u_.leftCols(used).template cast<Scalar>();
    work_.resize(used);
  }

  /// z = P^{-1} r (eq. (5.3)), O(n l), no allocation.
  void apply(const Eigen::Ref<const Vector<Scalar>>& r, Eigen::Ref<Vector<Scalar>> z) const {
    work_.noalias() = basis_.transpose() * r;
    work_.array() *= scale_.array();
    z = r;
    z.noalias() += basis_ * work_;
  }

  /// z = P^{-1} r and r . z.
  [[nodiscard]] Scalar apply_dot(const Eigen::Ref<const Vector<Scalar>>& r,
                                 Eigen::Ref<Vector<Scalar>> z) const {
    apply(r, z);
    return r.dot(z);
  }

  /// The sketch size l the last `compute` ended with (the rank of A_nys).
  [[nodiscard]] Index rank() const noexcept { return lambda_.size(); }
  /// The eigenvalues lambda_1 >= ... >= lambda_l of A_nys.
  [[nodiscard]] const Vector<double>& eigenvalues() const noexcept { return lambda_; }
  /// The orthonormal eigenvectors U (n x l) of A_nys.
  [[nodiscard]] const Matrix<double>& eigenvectors() const noexcept { return u_; }
  /// True when the last `compute` stopped because lambda_l <= rank_factor * mu; false when it
  /// stopped at `max_rank`, on a flat spectrum (`min_decay`) or without `adaptive`, with
  /// lambda_l above that: the spectrum of A decays too slowly for a rank this small, and the
  /// preconditioner may not beat plain CG (see `active`).
  [[nodiscard]] bool reached_target() const noexcept { return reached_; }
  /// False when the last `compute` fell back to the identity: the target was not reached and
  /// (lambda_1 + mu) / (lambda_l + mu) < `min_gain` (slow spectral decay; see `NystromOptions`).
  [[nodiscard]] bool active() const noexcept { return active_; }
  /// An estimate of kappa of the preconditioned system, (lambda_l + mu) / mu: exact for the
  /// directions A_nys captures, a lower bound when A - A_nys is not small.
  [[nodiscard]] double condition_estimate() const noexcept {
    return lambda_.size() > 0 ? (lambda_[lambda_.size() - 1] + options_.mu) / options_.mu : 1.0;
  }
  /// Products with A the last `compute` made (one per sketch column).
  [[nodiscard]] Index matvecs() const noexcept { return matvecs_; }
  [[nodiscard]] const NystromOptions& options() const noexcept { return options_; }

 private:
  /// out = A in = (a - mu I) in, one block product when `a` exposes its matrix.
  template <class Op, class In, class Out>
  void multiply(const Op& a, const In& in, Out&& out) const {
    if constexpr (requires { a.matrix(); }) {
      out.noalias() =
          (a.matrix() * in.template cast<typename Op::Scalar>()).template cast<double>();
    } else {
      using S = typename Op::Scalar;
      Vector<S> x(in.rows());
      Vector<S> y(in.rows());
      for (Index j = 0; j < in.cols(); ++j) {
        x = in.col(j).template cast<S>();
        a.apply(x, y);
        out.col(j) = y.template cast<double>();
      }
    }
    out -= options_.mu * in;
  }

  /// FTU Algorithm 2.1 on the raw columns G and A G: Omega = G R^{-1} (Householder QR), so
  /// Y = A Omega = (A G) R^{-1}; sets u_ and lambda_.
  void approximate(std::string_view function, const Matrix<double>& g, const Matrix<double>& ag) {
    const Index n = g.rows();
    const Index l = g.cols();
    const Eigen::HouseholderQR<Matrix<double>> qr(g);
    const Matrix<double> r = qr.matrixQR().topRows(l).template triangularView<Eigen::Upper>();
    const Matrix<double> omega = qr.householderQ() * Matrix<double>::Identity(n, l);
    // Y = (A G) R^{-1}: solve Y R = A G from the right.
    Matrix<double> y =
        r.transpose().template triangularView<Eigen::Lower>().solve(ag.transpose()).transpose();
    // nu = sqrt(n) eps(||Y||_2); ||Y||_2 <= ||Y||_F, a safe (slightly larger) shift.
    const double nu = std::sqrt(static_cast<double>(n)) * std::numeric_limits<double>::epsilon() *
                      std::max(y.norm(), std::numeric_limits<double>::min());
    y += nu * omega;
    Matrix<double> core = omega.transpose() * y;
    core = 0.5 * (core + core.transpose()).eval();
    const Eigen::LLT<Matrix<double>> chol(core);
    if (chol.info() != Eigen::Success) {
      check::fail(function, "A",
                  "must be A + mu I with A positive semidefinite (the Cholesky factor of the "
                  "Nystrom core failed: is options.mu larger than the smallest eigenvalue of "
                  "the system?)",
                  check::text(options_.mu));
    }
    // B = Y_nu C^{-1} with C = L^T upper: B C = Y_nu, i.e. C^T B^T = Y_nu^T.
    const Matrix<double> b = chol.matrixL().solve(y.transpose()).transpose();  // L B^T = Y^T
    // Thin SVD of the tall B through its QR: B = Q_b R_b, R_b = W Sigma V^T, U = Q_b W.
    const Eigen::HouseholderQR<Matrix<double>> bqr(b);
    const Matrix<double> rb = bqr.matrixQR().topRows(l).template triangularView<Eigen::Upper>();
    const Eigen::BDCSVD<Matrix<double>> svd(rb, Eigen::ComputeThinU | Eigen::ComputeThinV);
    u_ = bqr.householderQ() * Matrix<double>::Identity(n, l);
    u_ = (u_ * svd.matrixU()).eval();
    lambda_ = (svd.singularValues().array().square() - nu).max(0.0).matrix();
  }

  NystromOptions options_;
  Matrix<double> u_{};
  Vector<double> lambda_{};
  Matrix<Scalar> basis_{};
  Vector<Scalar> scale_{};
  mutable Vector<Scalar> work_{};
  Index matvecs_ = 0;
  bool reached_ = false;
  bool active_ = false;
};

}  // namespace iterum::sketch
