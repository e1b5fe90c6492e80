#pragma once

/// @file randomized_svd.hpp
/// @brief `sketch::randomized_svd`: the Halko-Martinsson-Tropp randomized SVD of a dense or
/// sparse matrix, at a fixed rank or with the rank chosen for a tolerance, with an a-posteriori
/// error estimate; `RsvdOptions` and `RsvdResult`.

#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/rsvd_kernels.hpp"

namespace iterum::sketch {

/// Options of `randomized_svd`: the control fields, then the method's settings.
struct RsvdOptions {
  /// 0 (the default): fixed rank, the result has rank k. Above 0: tolerance mode, the rank is
  /// the smallest (at most k) found with an estimated ||A - U S V^T||_2 <= tolerance ||A||_2
  /// (`||A||_2` estimated by sigma_1), growing the basis by blocks.
  double tolerance = 0.0;
  /// Seed of the Gaussian test matrices.
  std::uint64_t seed = 0;
  /// p, extra sample columns beyond k (fixed rank: the basis has k + p columns; tolerance mode:
  /// the basis may grow to k + p). HMT recommend 5 to 10.
  Index oversampling = 10;
  /// q, power (subspace) iterations, each with a re-orthonormalization (HMT Alg. 4.4): 2 passes
  /// over A each. q = 1 or 2 suffices for slowly decaying spectra at these ranks.
  Index power_iterations = 2;
  /// Tolerance mode: columns added to the basis per block; unset: max(10, (k + p) / 4).
  std::optional<Index> block_size{};
  /// r, Gaussian probes of the residual for the error figures (the upper bound fails with
  /// probability 10^-r); capped at the number of columns of A.
  Index error_probes = 10;
  /// Steps of subspace iteration on the residual that refine `error_estimate` (2 passes each).
  Index error_power_steps = 2;

  /// Throws `iterum::invalid_argument` for a negative or non-finite tolerance, a negative
  /// oversampling, power_iterations or error_power_steps, a block_size or error_probes below 1.
  void validate(std::string_view function = "iterum::sketch::RsvdOptions::validate") const {
    validate_control(function, *this);
    check::nonnegative(function, "options.oversampling", static_cast<double>(oversampling));
    check::nonnegative(function, "options.power_iterations", static_cast<double>(power_iterations));
    if (block_size) {
      check::positive(function, "options.block_size", static_cast<double>(*block_size));
    }
    check::positive(function, "options.error_probes", static_cast<double>(error_probes));
    check::nonnegative(function, "options.error_power_steps",
                       static_cast<double>(error_power_steps));
  }
};

/// What `randomized_svd` returns: A ~ U diag(sigma) V^T, U (m x r) and V (n x r) with
/// orthonormal columns, sigma decreasing (r = `rank`), and the error figures of these factors.
/// `residual` = error_estimate / sigma_1 (0 for A = 0); `status` is `Converged` in fixed-rank
/// mode once the factors are computed, and in tolerance mode only when `residual` <=
/// tolerance (else `MaxIterations`: the rank cap k or min(m, n) was reached first).
/// `iterations`: power iterations (fixed rank) or basis blocks (tolerance mode).
/// `counters.matvecs`: columns multiplied by A or A^T, error figures included.
struct RsvdResult : Summary {
  Matrix<double> u{};           ///< m x rank, orthonormal columns
  Vector<double> sigma{};       ///< the rank singular value estimates, decreasing
  Matrix<double> v{};           ///< n x rank, orthonormal columns
  Index rank = 0;               ///< columns of U and V
  double error_estimate = 0.0;  ///< ~ ||A - U S V^T||_2 from below (subspace iteration)
  double error_bound = 0.0;     ///< ||A - U S V^T||_2 from above, except w.p. 10^-error_probes
  Index basis_size = 0;         ///< columns of the sampled basis Q
  Index passes = 0;             ///< passes over A (products with A or A^T), error figures included
};

namespace detail {

inline constexpr std::string_view rsvd_name = "iterum::sketch::randomized_svd";

struct RsvdFactors {
  Matrix<double> u;
  Vector<double> sigma;
  Matrix<double> v;
};

/// B = U_B S V^T (thin SVD of the small l x n matrix), U = Q U_B.
inline RsvdFactors rsvd_factor(const Matrix<double>& q, const Matrix<double>& b) {
  Eigen::BDCSVD<Matrix<double>> svd(b, Eigen::ComputeThinU | Eigen::ComputeThinV);
  return {q * svd.matrixU(), svd.singularValues(), svd.matrixV()};
}

inline void rsvd_truncate(RsvdFactors& f, Index r) {
  f.u.conservativeResize(Eigen::NoChange, r);
  f.sigma.conservativeResize(r);
  f.v.conservativeResize(Eigen::NoChange, r);
}

// Fixed rank: Halko, Martinsson & Tropp, arXiv 0909.4061, Alg. 4.4 (randomized subspace
// iteration: Y = A Omega, Q = qr(Y); q times: Z = qr(A^T Q), Q = qr(A Z)) then Alg. 5.1
// (B = Q^T A, B = U_B S V^T, U = Q U_B), truncated to rank k.
template <class A>
RsvdFactors rsvd_fixed(const CountedMatrix<A>& a, Index k, const RsvdOptions& o, Engine& engine,
                       Index& iterations, Index& basis) {
  const Index l = std::min(k + o.oversampling, std::min(a.rows(), a.cols()));
  Matrix<double> q = a.times(gaussian_block(engine, a.cols(), l));
  orthonormalize(q);
  for (Index t = 0; t < o.power_iterations; ++t) {
    Matrix<double> z = a.adjoint_times(q);
    orthonormalize(z);
    q = a.times(z);
    orthonormalize(q);
    ++iterations;
  }
  basis = l;
  RsvdFactors f = rsvd_factor(q, a.adjoint_times(q).transpose());
  rsvd_truncate(f, k);
  return f;
}

// Tolerance mode: the blocked adaptive range finder (HMT Alg. 4.2 with blocks and the power
// scheme of Alg. 4.4 on the deflated matrix (I - Q Q^T) A, as in Martinsson & Voronin's
// blocked randQB, arXiv 1503.07157, Alg. 2, and MATLAB's svdsketch). After a block Q_i is
// added, sigma_max(Q_i^T A) estimates ||(I - Q Q^T) A||_2 before it; growth stops once that is
// below tolerance * sigma_1(B) or the basis reaches k + p columns.
template <class A>
RsvdFactors rsvd_adaptive(const CountedMatrix<A>& a, Index k, const RsvdOptions& o, Engine& engine,
                          Index& iterations, Index& basis, Index& proposed) {
  const Index cap = std::min(k + o.oversampling, std::min(a.rows(), a.cols()));
  const Index block = o.block_size ? *o.block_size : std::max<Index>(10, (k + o.oversampling) / 4);
  Matrix<double> q(a.rows(), 0);
  Matrix<double> b(0, a.cols());
  double norm_a = 0.0;
  while (q.cols() < cap) {
    const Index c = std::min(block, cap - q.cols());
    Matrix<double> y = a.times(gaussian_block(engine, a.cols(), c));
    orthonormalize_against(q, y, engine);
    for (Index t = 0; t < o.power_iterations; ++t) {
      Matrix<double> z = a.adjoint_times(y);  // = ((I - QQ^T) A)^T y, as y is orthogonal to Q
      orthonormalize(z);
      y = a.times(z);
      orthonormalize_against(q, y, engine);
    }
    const Matrix<double> bi = a.adjoint_times(y).transpose();
    const double deflated = largest_singular_value(bi.transpose());
    q.conservativeResize(Eigen::NoChange, q.cols() + c);
    q.rightCols(c) = y;
    b.conservativeResize(b.rows() + c, Eigen::NoChange);
    b.bottomRows(c) = bi;
    ++iterations;
    norm_a = std::max(norm_a, deflated);
    if (deflated <= o.tolerance * norm_a) break;
  }
  basis = q.cols();
  RsvdFactors f = rsvd_factor(q, b);
  // The proposed rank: the smallest whose dropped singular values of B are below half the
  // target (the other half is left to ||A - Q B||); the caller checks the returned factors.
  const double sigma1 = f.sigma.size() > 0 ? f.sigma[0] : 0.0;
  proposed = 0;
  while (proposed < std::min(k, f.sigma.size()) && f.sigma[proposed] > 0.5 * o.tolerance * sigma1) {
    ++proposed;
  }
  proposed = std::max<Index>(proposed, 1);
  return f;
}

template <class A>
RsvdResult rsvd_run(const A& matrix, Index k, const RsvdOptions& options, const Stopwatch& clock) {
  RsvdResult out;
  CountedMatrix<A> a{matrix, out.counters, out.passes};
  Engine engine = make_engine(options.seed);
  const Index probes = std::min(options.error_probes, a.cols());
  RsvdFactors f;
  Index iterations = 0;
  auto relative = [](double e, const RsvdFactors& g) {
    const double sigma1 = g.sigma.size() > 0 ? g.sigma[0] : 0.0;
    return sigma1 > 0.0 ? e / sigma1 : (e > 0.0 ? 1.0 : 0.0);
  };
  ResidualNorms norms;
  bool met = true;
  if (options.tolerance == 0.0) {
    f = rsvd_fixed(a, k, options, engine, iterations, out.basis_size);
    norms = residual_norms(a, f.u, f.sigma, f.v, probes, options.error_power_steps, engine);
  } else {
    Index proposed = 1;
    const RsvdFactors all =
        rsvd_adaptive(a, k, options, engine, iterations, out.basis_size, proposed);
    f = all;
    rsvd_truncate(f, proposed);
    norms = residual_norms(a, f.u, f.sigma, f.v, probes, options.error_power_steps, engine);
    met = relative(norms.estimate, f) <= options.tolerance;
    // The truncation dropped too much: the largest rank allowed, certified again.
    const Index largest = std::min(k, all.sigma.size());
    if (!met && proposed < largest) {
      f = all;
      rsvd_truncate(f, largest);
      norms = residual_norms(a, f.u, f.sigma, f.v, probes, options.error_power_steps, engine);
      met = relative(norms.estimate, f) <= options.tolerance;
    }
  }
  out.residual = relative(norms.estimate, f);
  out.u = std::move(f.u);
  out.sigma = std::move(f.sigma);
  out.v = std::move(f.v);
  out.rank = out.sigma.size();
  out.error_estimate = norms.estimate;
  out.error_bound = norms.bound;
  out.iterations = iterations;
  out.status = met ? Status::Converged : Status::MaxIterations;
  if (!(out.u.allFinite() && out.sigma.allFinite() && out.v.allFinite() &&
        std::isfinite(out.residual))) {
    out.status = Status::NumericalIssue;
  }
  out.seconds = clock.seconds();
  return out;
}

template <class A>
void rsvd_check(const A& a, Index k, const RsvdOptions& options) {
  options.validate(rsvd_name);
  check::not_empty(rsvd_name, "A", a.rows() * a.cols());
  const Index small = std::min(a.rows(), a.cols());
  if (k < 1 || k > small) {
    check::fail(rsvd_name, "k",
                "must lie in [1, min(rows, cols)] = [1, " +
                    check::text(static_cast<long long>(small)) + "]",
                check::text(static_cast<long long>(k)));
  }
  check::all_finite(rsvd_name, "A", a);
}

}  // namespace detail

/// A rank-k (or, with `options.tolerance` > 0, rank <= k chosen for the tolerance) randomized
/// SVD of a dense m x n A: Halko, Martinsson & Tropp, "Finding structure with randomness",
/// arXiv 0909.4061, Alg. 4.4 + 5.1 (fixed rank) and blocked Alg. 4.2 (tolerance mode); the
/// error figures of the returned factors from Lemma 4.1 and subspace iteration on the residual.
/// Cost: (2q + 2) passes over A with k + p columns, plus 1 + 2 error_power_steps passes with
/// error_probes columns. Throws `iterum::invalid_argument` for an empty A, a non-finite entry,
/// k outside [1, min(m, n)], or bad options.
template <class Derived>
[[nodiscard]] RsvdResult randomized_svd(const Eigen::MatrixBase<Derived>& a, Index k,
                                        const RsvdOptions& options = {}) {
  const Stopwatch clock;
  const Eigen::Ref<const Matrix<double>> ref(a.derived());
  detail::rsvd_check(ref, k, options);
  return detail::rsvd_run(ref, k, options, clock);
}

/// The same for a sparse A (products with A and A^T only; A is never densified).
template <class Derived>
[[nodiscard]] RsvdResult randomized_svd(const Eigen::SparseMatrixBase<Derived>& a, Index k,
                                        const RsvdOptions& options = {}) {
  const Stopwatch clock;
  if constexpr (std::is_same_v<Derived, Eigen::SparseMatrix<double>>) {
    detail::rsvd_check(a.derived(), k, options);
    return detail::rsvd_run(a.derived(), k, options, clock);
  } else {
    const Eigen::SparseMatrix<double> matrix = a.derived();
    detail::rsvd_check(matrix, k, options);
    return detail::rsvd_run(matrix, k, options, clock);
  }
}

}  // namespace iterum::sketch
