#pragma once

/// @file lstsq.hpp
/// @brief `iterum::sketch::lstsq(A, b, options)`: randomized least squares min ||A x - b|| for
/// tall A (m >> n, dense or sparse) by sketch-and-solve, stable sketch-and-precondition, or
/// iterative sketching with momentum, with `LstsqOptions` and `LstsqResult`.
///
/// All three methods start alike: one pass over A forms the sketch S A (d x n, d ~ 12 n by
/// default) and S b; a Householder QR S A = Q R gives the sketch-and-solve point
/// x0 = R^{-1} Q^T S b (Sarlos 2006; Drineas, Mahoney, Muthukrishnan & Sarlos 2011) and the
/// preconditioner R, with kappa(A R^{-1}) <= (1 + eps) / (1 - eps) for an eps-embedding,
/// independent of kappa(A) (Rokhlin & Tygert 2008; Avron, Maymounkov & Toledo, "Blendenpik",
/// SISC 2010).
/// - `SketchAndSolve` returns x0: one pass, residual about sqrt(1 + n / (d - n - 1)) times the
///   optimum in expectation for Gaussian sketches (reported as `expected_residual_inflation`).
/// - `SketchAndPrecondition` (default) runs LSQR (Paige & Saunders 1982) on A R^{-1} for the
///   correction from x0: the stable variant of Meier, Nakatsukasa, Townsend & Webb (arXiv
///   2302.07202: plain LSQR on the preconditioned operator, warm-started at the
///   sketch-and-solve point), restarted from the current x when the certificate recomputed on
///   A misses the target.
/// - `IterativeSketching` runs x+ = x + alpha R^{-1} R^{-T} A^T (b - A x) + beta (x - x-) with
///   alpha = (1 - n/d)^2, beta = n/d: iterative sketching with heavy-ball momentum (Epperly,
///   "Fast and forward stable randomized algorithms for linear least-squares problems", arXiv
///   2311.04362, and its reference code; Ozaslan, Pilanci & Arikan, arXiv 1911.09747);
///   forward stable, each step certified exactly from the residual it computes anyway.
/// Rank-deficient A (kappa of the sketch above 1 / rank_tolerance): the preconditioner becomes
/// N = V_r Sigma_r^{-1} from an SVD of R, as in LSRN (Meng, Saunders & Mahoney, SISC 2014), and the
/// iterations run on A N (r columns): the minimum-norm least-squares solution; `rank` < n tells.
///
/// The certificate (`residual`) is ||A^T r|| / (||A|| ||r||), r = b - A x, ||A|| the Frobenius
/// norm, recomputed from the returned x (Paige and Saunders' stopping rule S2); when x already
/// solves a consistent system, ||r|| / (||b|| + ||A|| ||x||) <= tolerance (their rule S1), it is
/// that value instead (0 when A x = b exactly). The rounding floor of S2 is about
/// u ||A|| ||x|| / ||r||
/// (u = 2^-53: the error of the computed r, amplified as the condition of the problem grows),
/// which exceeds any fixed tolerance for ill-conditioned A; the stop test is therefore scaled:
/// `target` = max(tolerance, 10 u ||A|| ||x|| / ||r||). `Converged` means residual <= tolerance;
/// an iteration that reaches the target but not the tolerance (the floor is above it) ends
/// `Stalled`: x is then as accurate as a backward-stable QR solve, without the certificate asked
/// for.

#include <Eigen/Core>
#include <Eigen/Householder>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/least_squares_system.hpp"
#include "iterum/linalg/lsqr.hpp"
#include "iterum/linalg/operators.hpp"
#include "iterum/linalg/right_preconditioned_operator.hpp"
#include "iterum/linalg/triangular_preconditioner.hpp"
#include "iterum/sketch/count_sketch.hpp"
#include "iterum/sketch/gaussian_sketch.hpp"
#include "iterum/sketch/sparse_sign.hpp"
#include "iterum/sketch/srht.hpp"

namespace iterum::sketch {

/// Which randomized least-squares method `lstsq` runs.
enum class LstsqMethod {
  SketchAndSolve,         ///< x = argmin ||S (A x - b)||: one pass, a few percent residual excess
  SketchAndPrecondition,  ///< LSQR on A R^{-1} from the sketch-and-solve point (default)
  IterativeSketching,     ///< iterative sketching with momentum (Epperly)
};

/// Which sketch `lstsq` draws.
enum class SketchKind {
  SparseSign,   ///< `SparseSign`, 8 nonzeros per column (default): O(8 nnz(A))
  Srht,         ///< `Srht`: O(m n log m), dense-type guarantees
  Gaussian,     ///< `GaussianSketch`: O(d m n), slow on tall A
  CountSketch,  ///< `CountSketch`: O(nnz(A)), needs d ~ n^2 in theory
};

/// Options of `lstsq`: the control fields (core/options.hpp), then the method's own.
struct LstsqOptions {
  /// Stop when the certificate is at most max(tolerance, its rounding floor): see `target`.
  double tolerance = 1e-12;
  /// Iteration budget of the iterative methods; unset: 100 (their count does not grow with
  /// kappa(A): about 25 at d = 12 n).
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Seed of the sketch.
  std::uint64_t seed = 0;
  /// Progress printing, certificate history, user callback (iterative methods).
  Monitor monitor{};
  /// The method; see `LstsqMethod`.
  LstsqMethod method = LstsqMethod::SketchAndPrecondition;
  /// The sketch; see `SketchKind`.
  SketchKind sketch = SketchKind::SparseSign;
  /// d, the rows of the sketch (n <= d); unset: 12 n.
  std::optional<Index> sketch_rows{};
  /// Singular values of S A below rank_tolerance times the largest count as zero; unset:
  /// max(d, n) u (u = 2^-53), the usual numerical-rank threshold.
  std::optional<double> rank_tolerance{};

  /// Throws `iterum::invalid_argument` for bad control fields, a non-positive `sketch_rows` or
  /// a `rank_tolerance` outside (0, 1).
  void validate(std::string_view function = "iterum::sketch::LstsqOptions::validate") const {
    validate_control(function, *this);
    if (sketch_rows)
      check::positive(function, "options.sketch_rows", static_cast<double>(*sketch_rows));
    if (rank_tolerance) {
      check::in_range(function, "options.rank_tolerance", *rank_tolerance, 0.0, 1.0,
                      check::Bound::Open, check::Bound::Open);
    }
  }
};

/// What `lstsq` returns: `x`, the summary (`residual` is the certificate recomputed from x,
/// `counters.matvecs` the products with A or A^T, certificate included) and the fields below.
struct [[nodiscard]] LstsqResult : Solution<double> {
  double residual_norm = 0.0;  ///< ||b - A x||
  double target =
      0.0;  ///< max(tolerance, 10 u ||A||_F ||x|| / ||r||), the rounding floor of the stop test
  double condition_estimate =
      0.0;  ///< kappa_2 of S A (within the embedding's distortion of kappa(A)); inf if singular
  Index rank = 0;         ///< numerical rank of S A; < n means A is (numerically) rank deficient
  Index sketch_rows = 0;  ///< d
  double expected_residual_inflation =
      1.0;  ///< sqrt(1 + r / (d - r - 1)): sketch-and-solve's expected ||r|| / ||r*||
  std::int64_t passes = 0;  ///< passes over A (the sketch, then one per product)

  /// True when A was found rank deficient (`rank` < number of columns).
  [[nodiscard]] bool rank_deficient() const noexcept { return rank < x.size(); }
};

namespace detail {

/// N = V_r diag(1 / sigma_r) (n by r), the LSRN preconditioner of a rank-deficient sketch.
class SvdPreconditioner {
 public:
  using Scalar = double;
  SvdPreconditioner(Matrix<double> v, Vector<double> inverse_sigma)
      : v_(std::move(v)), inverse_sigma_(std::move(inverse_sigma)) {}
  [[nodiscard]] Index rows() const noexcept { return v_.rows(); }
  [[nodiscard]] Index cols() const noexcept { return v_.cols(); }
  void apply(const Vector<double>& y, Vector<double>& x) const {
    x.noalias() = v_ * inverse_sigma_.cwiseProduct(y);
  }
  void apply_adjoint(const Vector<double>& x, Vector<double>& y) const {
    y.noalias() = v_.transpose() * x;
    y.array() *= inverse_sigma_.array();
  }

 private:
  Matrix<double> v_;
  Vector<double> inverse_sigma_;
};

/// Calls f(sketch) with the sketch `options` asks for.
template <class F>
auto with_sketch(SketchKind kind, Index d, Index m, std::uint64_t seed, F&& f) {
  switch (kind) {
    case SketchKind::Srht:
      return f(Srht(d, m, seed));
    case SketchKind::Gaussian:
      return f(GaussianSketch(d, m, seed));
    case SketchKind::CountSketch:
      return f(CountSketch(d, m, seed));
    case SketchKind::SparseSign:
      break;
  }
  return f(SparseSign(d, m, seed));
}

/// ||R||_2 and ||R^{-1}||_2 of an upper triangular R by 20 power steps each (O(n^2) per step);
/// the second is infinite when a diagonal entry vanishes.
inline std::pair<double, double> triangular_norms(const Matrix<double>& r) {
  const Index n = r.cols();
  const auto upper = r.triangularView<Eigen::Upper>();
  Vector<double> x = Vector<double>::Ones(n) / std::sqrt(static_cast<double>(n));
  double big = 0.0;
  for (int k = 0; k < 20; ++k) {
    const Vector<double> y = upper * x;
    x = upper.transpose() * y;
    big = std::sqrt(x.norm());
    const double nx = x.norm();
    if (!(nx > 0) || !std::isfinite(nx)) break;
    x /= nx;
  }
  for (Index i = 0; i < n; ++i) {
    if (r(i, i) == 0.0) return {big, std::numeric_limits<double>::infinity()};
  }
  x = Vector<double>::Ones(n) / std::sqrt(static_cast<double>(n));
  double small_inv = 0.0;
  for (int k = 0; k < 20; ++k) {
    Vector<double> y = x;
    upper.transpose().solveInPlace(y);
    upper.solveInPlace(y);
    const double ny = y.norm();
    if (!std::isfinite(ny)) return {big, std::numeric_limits<double>::infinity()};
    small_inv = std::sqrt(ny);
    if (!(ny > 0)) break;
    x = y / ny;
  }
  return {big, small_inv};
}

/// The certificate of x and the facts the result reports, from r = b - A x and g = A^T r.
struct Certified {
  double residual = 0.0;
  double residual_norm = 0.0;
  double target = 0.0;
};

inline Certified certify(double a_norm, double b_norm, double tolerance, const Vector<double>& x,
                         const Vector<double>& r, const Vector<double>& g) {
  Certified c;
  c.residual_norm = r.norm();
  const double x_norm = x.norm();
  // ||A^T r|| / (||A|| ||r||), unless x already solves a consistent system to the tolerance,
  // ||r|| / (||b|| + ||A|| ||x||) <= tolerance (then the first is round-off over round-off).
  const double consistent = c.residual_norm / (b_norm + a_norm * x_norm);
  if (c.residual_norm == 0 || consistent <= tolerance) {
    c.residual = c.residual_norm == 0 ? 0.0 : consistent;
  } else {
    c.residual = a_norm > 0 ? g.norm() / (a_norm * c.residual_norm)
                            : std::numeric_limits<double>::infinity();
  }
  const double floor = c.residual_norm > 0 ? 10.0 * std::numeric_limits<double>::epsilon() / 2 *
                                                 a_norm * x_norm / c.residual_norm
                                           : 0.0;
  c.target = std::max(tolerance, std::isfinite(floor) ? floor : tolerance);
  return c;
}

/// r = b - A x and g = A^T r (two passes over A).
template <class A>
void residual_and_gradient(const A& a, const Vector<double>& b, const Vector<double>& x,
                           Vector<double>& r, Vector<double>& g) {
  r.noalias() = a * x;
  r = b - r;
  g.noalias() = a.transpose() * r;
}

template <class A, class B>
LstsqResult lstsq_impl(const A& a_in, const B& b_in, const LstsqOptions& options) {
  constexpr std::string_view function = "iterum::sketch::lstsq";
  const Stopwatch clock;
  options.validate(function);
  const Index m = a_in.rows();
  const Index n = a_in.cols();
  check::not_empty(function, "A", m);
  if (n == 0) check::fail(function, "A", "must have at least one column", "0 columns");
  check::size(function, "b", b_in.size(), m, "must have as many entries as A has rows");
  check::that(b_in.cols() == 1, function, "b", "must be a column vector");
  const Vector<double> b = b_in.template cast<double>();
  check::all_finite(function, "b", b);
  check::all_finite(function, "A", a_in);
  const Index d = options.sketch_rows.value_or(12 * n);
  if (d < n) {
    check::fail(function, "options.sketch_rows",
                "must be at least the number of columns of A (" +
                    check::text(static_cast<long long>(n)) + ")",
                check::text(static_cast<long long>(d)));
  }
  const double rank_tolerance = options.rank_tolerance.value_or(
      static_cast<double>(std::max(d, n)) * std::numeric_limits<double>::epsilon() / 2);
  const auto& a = a_in;  // dense or sparse Eigen matrix, used by reference
  const double a_norm = a.norm();
  const double b_norm = b.norm();

  LstsqResult out;
  out.sketch_rows = d;
  // One pass over A: S A and S b, then S A = Q R in place.
  Matrix<double> sa;
  Vector<double> sb;
  with_sketch(options.sketch, d, m, options.seed, [&](const auto& s) {
    sa = s.apply(a);
    sb = s.apply(b);
    return 0;
  });
  out.passes = 1;
  Eigen::HouseholderQR<Eigen::Ref<Matrix<double>>> qr(sa);
  const Matrix<double> r_factor = sa.topRows(n).triangularView<Eigen::Upper>();
  Vector<double> qtb = qr.householderQ().adjoint() * sb;
  const Vector<double> qtb_head = qtb.head(n);
  const auto [r_big, r_inv] = triangular_norms(r_factor);
  out.condition_estimate = r_big * r_inv;
  Vector<double> x(n);
  std::optional<linalg::TriangularPreconditioner<double>> triangular;
  std::optional<SvdPreconditioner> svd_preconditioner;
  const bool full_rank = std::isfinite(out.condition_estimate) && r_big > 0 &&
                         out.condition_estimate * rank_tolerance < 1.0;
  if (full_rank) {
    out.rank = n;
    triangular.emplace(r_factor);
    x = r_factor.triangularView<Eigen::Upper>().solve(qtb_head);
  } else {
    // LSRN (Meng, Saunders & Mahoney, SISC 2014): S A = Q U Sigma V^T; keep sigma_i > tol sigma_1.
    const Eigen::BDCSVD<Matrix<double>> svd(r_factor, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Vector<double>& sigma = svd.singularValues();
    Index rank = 0;
    while (rank < n && sigma[rank] > rank_tolerance * sigma[0]) ++rank;
    out.rank = rank;
    out.condition_estimate =
        sigma[n - 1] > 0 ? sigma[0] / sigma[n - 1] : std::numeric_limits<double>::infinity();
    if (rank == 0) {
      x.setZero();
    } else {
      const Vector<double> inverse_sigma = sigma.head(rank).cwiseInverse();
      svd_preconditioner.emplace(svd.matrixV().leftCols(rank), inverse_sigma);
      const Vector<double> coefficients = svd.matrixU().leftCols(rank).transpose() * qtb_head;
      x = svd.matrixV().leftCols(rank) * inverse_sigma.cwiseProduct(coefficients);
    }
  }
  const auto r_eff = static_cast<double>(out.rank);
  out.expected_residual_inflation =
      static_cast<double>(d) > r_eff + 1
          ? std::sqrt(1.0 + r_eff / (static_cast<double>(d) - r_eff - 1))
          : std::numeric_limits<double>::infinity();

  Vector<double> r(m);
  Vector<double> g(n);
  Result<int> run;  // the iterative part's summary
  run.status = Status::MaxIterations;
  const Index budget = iteration_budget(options, 100);
  Certified cert;
  bool certified_current = false;  // cert describes x

  if (options.method == LstsqMethod::SketchAndPrecondition && out.rank > 0) {
    auto solve_on = [&](const auto& preconditioner) {
      using P = std::remove_cvref_t<decltype(preconditioner)>;
      const linalg::MatrixOperator<A> op(a);
      const linalg::RightPreconditionedOperator<linalg::MatrixOperator<A>, P> ap(op,
                                                                                 preconditioner);
      // The inner stop reads the preconditioned problem's estimates; A N is well conditioned,
      // so its certificate is below the one on A by at most a modest factor: ask for 10x less.
      linalg::LsqrMethod<double> method({.certificate = linalg::LsqrCertificate::LeastSquares});
      LstsqOptions inner = options;
      for (int attempt = 0; attempt < 3 && run.iterations < budget; ++attempt) {
        // r = b - A x for the correction problem; from the second attempt on (after LSQR said
        // converged) also A^T r, to certify x and stop when it meets the target.
        r.noalias() = a * x;
        r = b - r;
        ++run.counters.matvecs;
        if (attempt > 0) {
          g.noalias() = a.transpose() * r;
          ++run.counters.matvecs;
          cert = certify(a_norm, b_norm, options.tolerance, x, r, g);
          certified_current = true;
          if (cert.residual <= cert.target) break;
        } else {
          cert.target = options.tolerance;
        }
        inner.tolerance = 0.1 * cert.target;
        inner.max_iterations = budget - run.iterations;
        const linalg::LeastSquaresSystem<decltype(ap)> system{ap, r};
        auto state = method.init(system);
        auto result =
            solve_with_options(system, method, std::move(state), inner, budget, function, clock);
        Vector<double> dx(n);
        preconditioner.apply(result.state.x, dx);
        x += dx;
        certified_current = false;
        run.iterations += result.iterations;
        run.counters += result.counters;
        for (double h : result.history) run.history.push_back(h);
        run.status = result.status;
        if (result.status != Status::Converged) break;
      }
    };
    if (triangular) {
      solve_on(*triangular);
    } else {
      solve_on(*svd_preconditioner);
    }
  } else if (options.method == LstsqMethod::IterativeSketching && out.rank > 0) {
    // Epperly (arXiv 2311.04362), iterative sketching with momentum:
    // x+ = x + alpha N N^T A^T (b - A x) + beta (x - x-), alpha = (1 - n/d)^2, beta = n/d.
    const double ratio = r_eff / static_cast<double>(d);
    const double alpha = (1.0 - ratio) * (1.0 - ratio);
    const double beta = ratio;
    Vector<double> previous = x;
    Vector<double> step(n);
    Vector<double> reduced(out.rank);
    const double forward_floor =
        std::numeric_limits<double>::epsilon() / 2 * std::max(1.0, out.condition_estimate);
    double last_step = std::numeric_limits<double>::infinity();
    double previous_step = std::numeric_limits<double>::infinity();
    for (Index k = 0;; ++k) {
      residual_and_gradient(a, b, x, r, g);
      run.counters.matvecs += 2;
      cert = certify(a_norm, b_norm, options.tolerance, x, r, g);
      certified_current = true;
      if (options.monitor.record_history) run.history.push_back(cert.residual);
      if (!std::isfinite(cert.residual)) {
        run.status = Status::NumericalIssue;
        break;
      }
      // The certificate bounds the backward error only; the forward error of x can still be
      // kappa times larger, so also wait until the step is at the forward-error floor
      // u kappa ||x|| (the stop test scaled by the estimated kappa) or stops shrinking.
      if (cert.residual <= cert.target &&
          (k > 0 && (last_step <= forward_floor * x.norm() || last_step > 0.5 * previous_step))) {
        run.status = Status::Converged;
        break;
      }
      if (k >= budget) {
        run.status = Status::MaxIterations;
        break;
      }
      if (clock.seconds() >= options.time_limit_seconds) {
        run.status = Status::TimeLimit;
        break;
      }
      if (triangular) {
        triangular->apply_adjoint(g, step);
        triangular->apply(step, step);
      } else {
        svd_preconditioner->apply_adjoint(g, reduced);
        svd_preconditioner->apply(reduced, step);
      }
      step *= alpha;
      step += beta * (x - previous);
      previous = x;
      x += step;
      previous_step = last_step;
      last_step = step.norm();
      ++run.iterations;
    }
  } else if (options.method != LstsqMethod::SketchAndSolve && out.rank == 0) {
    run.status = Status::Converged;  // A = 0 numerically: x = 0 is a solution; certified below
  }
  if (!certified_current) {
    residual_and_gradient(a, b, x, r, g);
    run.counters.matvecs += 2;
    cert = certify(a_norm, b_norm, options.tolerance, x, r, g);
  }
  // Converged only on the caller's tolerance; a certificate at the rounding floor above it
  // (ill-conditioned A) is reported as Stalled: x is as good as the arithmetic allows, but not
  // certified to the tolerance asked for.
  if (cert.residual <= options.tolerance) {
    run.status = Status::Converged;
  } else if (cert.residual <= cert.target && options.method != LstsqMethod::SketchAndSolve) {
    run.status = Status::Stalled;
  } else if (options.method == LstsqMethod::SketchAndSolve) {
    run.status = Status::MaxIterations;  // one pass, no iterations to spend
  } else if (run.status == Status::Converged) {
    run.status = Status::Stalled;  // the iterations' estimate met it, x does not
  }
  run.residual = cert.residual;
  out.residual_norm = cert.residual_norm;
  out.target = cert.target;
  out.passes += run.counters.matvecs;
  out.x = std::move(x);
  pack_summary(out, run, clock);
  return out;
}

}  // namespace detail

/// Solves min ||A x - b|| for a tall A by randomized sketching (see the file comment).
///
/// @param a        m by n Eigen dense or sparse matrix of doubles (m >= n expected; any m works).
/// @param b        m by 1 right-hand side.
/// @param options  method, sketch, sketch size, tolerance, budgets, seed, monitoring.
/// @return `LstsqResult`: `x`, `status` (`Converged` iff the certificate recomputed from x is
///         at most `options.tolerance`; `Stalled` when it only reaches the rounding floor
///         `target`; `MaxIterations` for sketch-and-solve when it is not certified), `iterations`,
///         `residual` (the certificate), `residual_norm`, `target`, `condition_estimate`,
///         `rank` (< n: rank deficient, x is then the minimum-norm solution within the
///         sketch's accuracy), `sketch_rows`, `expected_residual_inflation`, `passes`,
///         `seconds`, `counters`, `history`. Never a NaN.
/// @throws iterum::invalid_argument for an empty A or one without columns, a size mismatch,
///         a non-finite entry in A or b, `options.sketch_rows` < n or other bad options.
///
/// Example:
/// @code
///   auto r = iterum::sketch::lstsq(A, b);  // sparse sign sketch, d = 12 n, LSQR on A R^{-1}
///   if (r.ok()) use(r.x);
/// @endcode
template <class A, class B>
[[nodiscard]] LstsqResult lstsq(const A& a, const B& b, const LstsqOptions& options = {}) {
  constexpr bool dense = std::is_base_of_v<Eigen::MatrixBase<A>, A>;
  constexpr bool sparse = std::is_base_of_v<Eigen::SparseMatrixBase<A>, A>;
  static_assert(dense || sparse,
                "iterum::sketch::lstsq: A must be an Eigen dense or sparse matrix of doubles");
  if constexpr (dense) {
    if constexpr (std::is_same_v<A, Matrix<double>>) {
      return detail::lstsq_impl(a, b, options);
    } else {
      const Matrix<double> plain = a.template cast<double>();
      return detail::lstsq_impl(plain, b, options);
    }
  } else {
    if constexpr (std::is_same_v<A, Eigen::SparseMatrix<double>>) {
      return detail::lstsq_impl(a, b, options);
    } else {
      const Eigen::SparseMatrix<double> plain = a.template cast<double>();
      return detail::lstsq_impl(plain, b, options);
    }
  }
}

}  // namespace iterum::sketch
