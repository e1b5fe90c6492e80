#pragma once

/// @file sketch_and_project.hpp
/// @brief Sketch-and-project for consistent linear systems A x = b (A m x n, dense or sparse):
/// randomized Kaczmarz, block Kaczmarz and Gaussian sketch-and-project. The method
/// (`SketchAndProjectMethod`), the `LinearSolver` model (`SketchAndProject`) and the facade
/// `iterum::sketch::sketch_and_project(A, b, options)`.
///
/// Algorithm: R. M. Gower & P. Richtarik, "Randomized Iterative Methods for Linear Systems",
/// SIAM J. Matrix Anal. Appl. 36 (2015), arXiv 1506.03296, eq. (1.2)/(2.1) with B = I:
///   x+ = x - A^T S (S^T A A^T S)^+ S^T (A x - b),
/// the projection of x onto {y : S^T A y = S^T b} for a random sketch S. Three sketches:
/// - `Kaczmarz`: S = e_i with P(i) = ||a_i||^2 / ||A||_F^2, the randomized Kaczmarz method of
///   Strohmer & Vershynin (J. Fourier Anal. Appl. 15 (2009)): x+ = x + (b_i - a_i.x) /
///   ||a_i||^2 a_i; E||x_k - x*||^2 <= (1 - sigma_min(A)^2 / ||A||_F^2)^k ||x_0 - x*||^2 for
///   full-column-rank A (their Theorem 2; Gower-Richtarik Sec. 3.3);
/// - `BlockKaczmarz`: S = the columns of I of one block of a random partition of the rows
///   into blocks of `block_size` rows, drawn with P(block) proportional to ||A_block||_F^2
///   (Gower-Richtarik Sec. 3.5 "convenient probabilities"; Needell & Tropp, "Paved with good
///   intentions", Linear Algebra Appl. 441 (2014), for the row partition); the block's Gram
///   A_S A_S^T is factored once in `init`;
/// - `Gaussian`: S an m x `block_size` matrix of standard normals drawn each step (Gower-
///   Richtarik Sec. 3.4 with B = I: "Gaussian Kaczmarz"), which touches all of A each step;
/// - `Extended`: randomized extended Kaczmarz (A. Zouzias & N. M. Freris, "Randomized extended
///   Kaczmarz for solving least squares", SIAM J. Matrix Anal. Appl. 34 (2013), arXiv
///   1205.5770, Algorithm 3): z_0 = b, a column step z -= (a^(j).z / ||a^(j)||^2) a^(j) with
///   P(j) ~ ||a^(j)||^2 drives z to b - A x_LS, and a Kaczmarz row step on A x = b - z; x tends
///   to the minimum-norm least-squares solution, also for inconsistent systems.
/// The partition and every draw come from the state's engine seeded by `seed`.
///
/// Certificate: ||b - A x|| / ||b|| (||b - A x|| when b = 0), a full product with A, so the
/// facade and `SketchAndProject` evaluate it through `iterum::Certified` every
/// `certificate_every` epochs (m rows read) and once more on the returned x. The first three
/// variants converge only for consistent systems; on an inconsistent one they stall at a
/// residual of the order of the inconsistency and end `MaxIterations` or `TimeLimit`. For
/// `Extended`, whose residual need not vanish, the certificate is the least-squares one of
/// `lstsq` (||A^T r|| / (||A||_F ||r||), or ||r|| / (||b|| + ||A||_F ||x||) once that meets the
/// tolerance).

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/alias_table.hpp"
#include "iterum/core/certified.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/operators.hpp"
#include "iterum/sketch/lstsq.hpp"

namespace iterum::sketch {

/// Which sketch `SketchAndProjectMethod` projects with.
enum class SapVariant {
  Kaczmarz,       ///< one row, P(i) proportional to ||a_i||^2 (Strohmer-Vershynin)
  BlockKaczmarz,  ///< `block_size` rows of a random partition, P(block) ~ ||A_block||_F^2
  Gaussian,       ///< S^T A with S an m x `block_size` Gaussian: all of A every step
  Extended,       ///< randomized extended Kaczmarz (REK): least squares, inconsistent systems
};

/// Options of `sketch_and_project` and `SketchAndProject`: the control fields
/// (core/options.hpp), then the method's own.
struct SketchAndProjectOptions {
  /// Stop when ||b - A x|| / ||b|| <= tolerance (||b - A x|| when b = 0), recomputed from x;
  /// for `Extended`, when the least-squares certificate is (see the file comment).
  double tolerance = 1e-8;
  /// Iteration budget; unset: 1000 epochs' worth (1000 ceil(m / rows per step) for the row
  /// variants, 1000 ceil(n / block_size) for `Gaussian`).
  std::optional<Index> max_iterations{};
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Seed of the row partition and of every draw.
  std::uint64_t seed = 0;
  /// Progress printing, certificate history, user callback.
  Monitor monitor{};
  /// The sketch; see `SapVariant`.
  SapVariant variant = SapVariant::Kaczmarz;
  /// Rows per step of `BlockKaczmarz`, columns of S for `Gaussian` (1 <= block_size <= m);
  /// unset: min(m, 8). Ignored by `Kaczmarz` and `Extended`.
  std::optional<Index> block_size{};
  /// Epochs (m rows read; for `Gaussian` one step, for `Extended` m steps) between two
  /// evaluations of the certificate (> 0).
  double certificate_every = 1.0;

  /// Throws `iterum::invalid_argument` for bad control fields or a non-positive `block_size`.
  void validate(
      std::string_view function = "iterum::sketch::SketchAndProjectOptions::validate") const {
    validate_control(function, *this);
    if (block_size)
      check::positive(function, "options.block_size", static_cast<double>(*block_size));
  }

  /// Rows per step (block size) for an m-row system, checked against m.
  [[nodiscard]] Index rows_per_step(std::string_view function, Index m) const {
    if (variant == SapVariant::Kaczmarz || variant == SapVariant::Extended) return 1;
    const Index tau = block_size ? *block_size : std::min<Index>(m, 8);
    if (tau > m) {
      check::fail(function, "options.block_size",
                  "must be at most the number of rows of A (" +
                      check::text(static_cast<long long>(m)) + ")",
                  check::text(static_cast<long long>(tau)));
    }
    return tau;
  }
};

/// The system A x = b that `SketchAndProjectMethod` runs on, by reference (all must outlive
/// the solve). `Mat` is a row-major dense or sparse matrix: the methods read A by rows; the
/// `Extended` variant also reads its columns, as the rows of `transpose` (A^T, row-major).
template <class Mat>
struct RowSystem {
  const Mat& a;
  const Vector<double>& b;
  const Mat* transpose = nullptr;
};

/// The iterate of `SketchAndProjectMethod`.
struct SapState {
  Vector<double> x;                       ///< current solution estimate
  Engine engine{};                        ///< the draws
  random::AliasTable sampler{};           ///< rows or blocks, P ~ squared norms
  std::vector<Index> rows{};              ///< the partition: block k = rows[k tau, (k+1) tau)
  Vector<double> inverse_norms{};         ///< Kaczmarz, Extended: 1 / ||a_i||^2 (0 for a zero row)
  Vector<double> z{};                     ///< Extended: b minus its part in range(A), in the making
  random::AliasTable column_sampler{};    ///< Extended: columns, P ~ squared norms
  Vector<double> inverse_column_norms{};  ///< Extended: 1 / ||a^(j)||^2 (0 for a zero column)
  std::vector<Eigen::LDLT<Matrix<double>>> grams{};  ///< BlockKaczmarz: A_S A_S^T factored
  Matrix<double> s{};                                ///< Gaussian: S (m x tau)
  Matrix<double> w{};                                ///< Gaussian: S^T A (tau x n)
  Matrix<double> gram{};                             ///< Gaussian: S^T A A^T S
  Eigen::LDLT<Matrix<double>> factor{};              ///< Gaussian: its factorization
  Vector<double> ax{};                               ///< Gaussian: A x
  Vector<double> rs{};                               ///< S^T (b - A x)
  Vector<double> y{};                                ///< (S^T A A^T S)^+ S^T (b - A x)
  bool finite = true;                                ///< the last step's multipliers were finite
  Counters counters{};                               ///< oracle_calls: rows of A read
};

namespace detail {

template <class Mat>
inline constexpr bool is_sparse_rows_v =
    std::is_base_of_v<Eigen::SparseMatrixBase<std::remove_cv_t<Mat>>, std::remove_cv_t<Mat>>;

/// a_i . x.
template <class Mat>
double row_dot(const Mat& a, Index i, const Vector<double>& x) {
  if constexpr (is_sparse_rows_v<Mat>) {
    double sum = 0.0;
    for (typename std::remove_cv_t<Mat>::InnerIterator it(a, i); it; ++it)
      sum += it.value() * x[it.index()];
    return sum;
  } else {
    return a.row(i).dot(x);
  }
}

/// x += t a_i.
template <class Mat>
void row_axpy(const Mat& a, Index i, double t, Vector<double>& x) {
  if constexpr (is_sparse_rows_v<Mat>) {
    for (typename std::remove_cv_t<Mat>::InnerIterator it(a, i); it; ++it)
      x[it.index()] += t * it.value();
  } else {
    x += t * a.row(i).transpose();
  }
}

/// a_i . a_j.
template <class Mat>
double row_row_dot(const Mat& a, Index i, Index j) {
  if constexpr (is_sparse_rows_v<Mat>) {
    typename std::remove_cv_t<Mat>::InnerIterator p(a, i);
    typename std::remove_cv_t<Mat>::InnerIterator q(a, j);
    double sum = 0.0;
    while (p && q) {
      if (p.index() < q.index()) {
        ++p;
      } else if (q.index() < p.index()) {
        ++q;
      } else {
        sum += p.value() * q.value();
        ++p;
        ++q;
      }
    }
    return sum;
  } else {
    return a.row(i).dot(a.row(j));
  }
}

}  // namespace detail

/// Settings of `SketchAndProjectMethod`.
struct SketchAndProjectParams {
  SapVariant variant = SapVariant::Kaczmarz;
  Index block_size = 1;  ///< rows per step (BlockKaczmarz), columns of S (Gaussian)
  std::uint64_t seed = 0;
};

/// Sketch-and-project as an `iterum::Method` over `RowSystem<Mat>`. `residual` is the exact
/// relative residual (one product with A: the facades evaluate it through `Certified` at a
/// cadence instead of every step). `step` does not allocate.
class SketchAndProjectMethod {
 public:
  /// Settings.
  using Params = SketchAndProjectParams;
  using State = SapState;

  explicit SketchAndProjectMethod(Params p = {}) : params_(p) {
    check::positive("iterum::sketch::SketchAndProjectMethod", "block_size",
                    static_cast<double>(params_.block_size));
  }

  /// Starts from x = 0.
  template <class Mat>
  [[nodiscard]] State init(const RowSystem<Mat>& problem) const {
    return init(problem, Vector<double>::Zero(problem.a.cols()));
  }

  /// Starts from `x0`: draws the partition, the sampling table and (BlockKaczmarz) factors
  /// every block's Gram matrix. Throws `iterum::invalid_argument` when A is zero or the block
  /// size exceeds m.
  template <class Mat>
  [[nodiscard]] State init(const RowSystem<Mat>& problem, const Vector<double>& x0) const {
    constexpr std::string_view function = "iterum::sketch::SketchAndProjectMethod::init";
    const auto& a = problem.a;
    const Index m = a.rows();
    const Index n = a.cols();
    check::size(function, "x0", x0.size(), n, "must have as many entries as A has columns");
    check::size(function, "b", problem.b.size(), m, "must have as many entries as A has rows");
    const bool single =
        params_.variant == SapVariant::Kaczmarz || params_.variant == SapVariant::Extended;
    const Index tau = single ? 1 : params_.block_size;
    if (tau > m) {
      check::fail(function, "block_size",
                  "must be at most the number of rows of A (" +
                      check::text(static_cast<long long>(m)) + ")",
                  check::text(static_cast<long long>(tau)));
    }
    State s;
    s.x = x0;
    s.engine = make_engine(params_.seed);
    Vector<double> norms(m);
    for (Index i = 0; i < m; ++i) norms[i] = detail::row_row_dot(a, i, i);
    check::that(norms.maxCoeff() > 0, function, "A", "must not be zero");
    s.rs.resize(tau);
    s.y.resize(tau);
    if (single) {
      s.inverse_norms = norms.unaryExpr([](double v) { return v > 0 ? 1.0 / v : 0.0; });
      s.sampler = random::AliasTable(
          std::span<const double>(norms.data(), static_cast<std::size_t>(norms.size())));
      if (params_.variant == SapVariant::Extended) {
        check::that(problem.transpose != nullptr && problem.transpose->rows() == n &&
                        problem.transpose->cols() == m,
                    function, "problem.transpose", "must be A^T for the Extended variant");
        Vector<double> columns(n);
        for (Index j = 0; j < n; ++j) columns[j] = detail::row_row_dot(*problem.transpose, j, j);
        s.inverse_column_norms = columns.unaryExpr([](double v) { return v > 0 ? 1.0 / v : 0.0; });
        s.column_sampler = random::AliasTable(
            std::span<const double>(columns.data(), static_cast<std::size_t>(columns.size())));
        s.z = problem.b;  // z_0 = b (Zouzias & Freris, Algorithm 3)
      }
    } else if (params_.variant == SapVariant::BlockKaczmarz) {
      // A random partition into ceil(m / tau) blocks of exactly tau distinct rows: the last
      // block is completed with the first rows of the permutation.
      s.rows.resize(static_cast<std::size_t>(m));
      std::iota(s.rows.begin(), s.rows.end(), Index{0});
      random::shuffle(s.engine, std::span<Index>(s.rows));
      const Index blocks = (m + tau - 1) / tau;
      std::vector<Index> padded(static_cast<std::size_t>(blocks * tau));
      for (Index k = 0; k < blocks * tau; ++k)
        padded[static_cast<std::size_t>(k)] = s.rows[static_cast<std::size_t>(k % m)];
      s.rows = std::move(padded);
      std::vector<double> weights(static_cast<std::size_t>(blocks));
      s.grams.reserve(static_cast<std::size_t>(blocks));
      Matrix<double> g(tau, tau);
      for (Index k = 0; k < blocks; ++k) {
        for (Index p = 0; p < tau; ++p)
          for (Index q = 0; q <= p; ++q)
            g(p, q) = g(q, p) = detail::row_row_dot(a, row(s, k, p, tau), row(s, k, q, tau));
        weights[static_cast<std::size_t>(k)] = g.trace();
        s.grams.emplace_back(g);
      }
      s.sampler = random::AliasTable(std::span<const double>(weights));
    } else {
      s.s.resize(m, tau);
      s.w.resize(tau, n);
      s.gram.resize(tau, tau);
      s.ax.resize(m);
      s.factor.compute(Matrix<double>::Identity(tau, tau));  // sizes its workspace
    }
    return s;
  }

  /// One projection (no allocation).
  template <class Mat>
  void step(const RowSystem<Mat>& problem, State& s) const {
    const auto& a = problem.a;
    const auto& b = problem.b;
    switch (params_.variant) {
      case SapVariant::Kaczmarz: {
        const Index i = s.sampler(s.engine);
        const double t = (b[i] - detail::row_dot(a, i, s.x)) * s.inverse_norms[i];
        detail::row_axpy(a, i, t, s.x);
        s.finite = std::isfinite(t);
        s.counters.oracle_calls += 1;
        return;
      }
      case SapVariant::Extended: {
        // Zouzias & Freris, Algorithm 3: a column step drives z to b - A x_LS (the part of b
        // outside range(A)), then a Kaczmarz row step on A x = b - z.
        const auto& at = *problem.transpose;
        const Index j = s.column_sampler(s.engine);
        const double tz = detail::row_dot(at, j, s.z) * s.inverse_column_norms[j];
        detail::row_axpy(at, j, -tz, s.z);
        const Index i = s.sampler(s.engine);
        const double t = (b[i] - s.z[i] - detail::row_dot(a, i, s.x)) * s.inverse_norms[i];
        detail::row_axpy(a, i, t, s.x);
        s.finite = std::isfinite(t) && std::isfinite(tz);
        s.counters.oracle_calls += 2;
        return;
      }
      case SapVariant::BlockKaczmarz: {
        const Index tau = params_.block_size;
        const Index k = s.sampler(s.engine);
        for (Index p = 0; p < tau; ++p) {
          const Index i = row(s, k, p, tau);
          s.rs[p] = b[i] - detail::row_dot(a, i, s.x);
        }
        s.y = s.grams[static_cast<std::size_t>(k)].solve(s.rs);
        for (Index p = 0; p < tau; ++p) detail::row_axpy(a, row(s, k, p, tau), s.y[p], s.x);
        s.finite = s.y.allFinite();
        s.counters.oracle_calls += tau;
        return;
      }
      case SapVariant::Gaussian: {
        const Index m = a.rows();
        for (Index j = 0; j < s.s.cols(); ++j)
          for (Index i = 0; i < m; ++i) s.s(i, j) = random::normal(s.engine);
        // W = S^T A, row by row (rank-one updates: no product temporaries).
        s.w.setZero();
        for (Index i = 0; i < m; ++i) {
          if constexpr (detail::is_sparse_rows_v<Mat>) {
            for (typename std::remove_cv_t<Mat>::InnerIterator it(a, i); it; ++it)
              s.w.col(it.index()) += it.value() * s.s.row(i).transpose();
          } else {
            s.w.noalias() += s.s.row(i).transpose() * a.row(i);
          }
        }
        for (Index i = 0; i < m; ++i) s.ax[i] = b[i] - detail::row_dot(a, i, s.x);
        s.rs.noalias() = s.s.transpose() * s.ax;
        const Index tau = s.w.rows();
        for (Index p = 0; p < tau; ++p)
          for (Index q = 0; q <= p; ++q) s.gram(p, q) = s.gram(q, p) = s.w.row(p).dot(s.w.row(q));
        s.factor.compute(s.gram);
        s.y = s.factor.solve(s.rs);
        s.x.noalias() += s.w.transpose() * s.y;
        s.finite = s.y.allFinite();
        s.counters.oracle_calls += 2 * m;
        return;
      }
    }
  }

  /// ||b - A x|| / ||b|| (||b - A x|| when b = 0), one product with A; for `Extended` the
  /// least-squares certificate ||A^T r|| / (||A||_F ||r||) (`least_squares_residual`, two).
  template <class Mat>
  [[nodiscard]] double residual(const RowSystem<Mat>& problem, const State& s) const {
    if (params_.variant == SapVariant::Extended) {
      return least_squares_residual(problem, s.x, problem.a.norm(), 0.0);
    }
    return relative_residual(problem, s.x);
  }

  /// O(1) finiteness test: x moves only by the last step's multipliers times rows of the
  /// finite A, so finite multipliers keep a finite x finite.
  template <class Mat>
  [[nodiscard]] bool is_finite(const RowSystem<Mat>& /*problem*/, const State& s) const {
    return s.finite;
  }

  /// ||b - A x|| / ||b|| (||b - A x|| when b = 0).
  template <class Mat>
  [[nodiscard]] static double relative_residual(const RowSystem<Mat>& problem,
                                                const Vector<double>& x) {
    const double miss = (problem.b - problem.a * x).stableNorm();
    const double rhs = problem.b.stableNorm();
    return rhs > 0 ? miss / rhs : miss;
  }

  /// The least-squares certificate of `lstsq` (LSQR's stopping rules S1/S2, Paige &
  /// Saunders 1982): ||r|| / (||b|| + ||A|| ||x||) when that is at most `tolerance` (x solves
  /// a consistent system), else ||A^T r|| / (||A|| ||r||), r = b - A x, ||A|| = `a_norm`
  /// (Frobenius). Two products with A.
  template <class Mat>
  [[nodiscard]] static double least_squares_residual(const RowSystem<Mat>& problem,
                                                     const Vector<double>& x, double a_norm,
                                                     double tolerance) {
    const Vector<double> r = problem.b - problem.a * x;
    const Vector<double> g = problem.a.transpose() * r;
    return detail::certify(a_norm, problem.b.norm(), tolerance, x, r, g).residual;
  }

  [[nodiscard]] const Params& params() const noexcept { return params_; }

 private:
  static Index row(const State& s, Index block, Index p, Index tau) {
    return s.rows[static_cast<std::size_t>(block * tau + p)];
  }

  Params params_;
};

/// The certificate of a point, recomputed from scratch: the relative residual (one product
/// with A), or for least squares (`Extended`) `least_squares_residual` (two). Models
/// `iterum::Certificate` for `iterum::Certified`.
class SapCertificate {
 public:
  /// For x of length n; `least_squares`: with ||A||_F = `a_norm` and the `tolerance` of S1.
  SapCertificate(Index n, bool least_squares, double a_norm, double tolerance)
      : point_(Vector<double>::Zero(n)),
        least_squares_(least_squares),
        a_norm_(a_norm),
        tolerance_(tolerance) {}
  template <class Mat>
  [[nodiscard]] double evaluate(const RowSystem<Mat>& problem, const Vector<double>& x) {
    point_ = x;
    ++calls_;
    products_ += least_squares_ ? 2 : 1;
    return least_squares_ ? SketchAndProjectMethod::least_squares_residual(problem, point_, a_norm_,
                                                                           tolerance_)
                          : SketchAndProjectMethod::relative_residual(problem, point_);
  }
  [[nodiscard]] const Vector<double>& point() const noexcept { return point_; }
  [[nodiscard]] std::int64_t calls() const noexcept { return calls_; }
  /// Products with A or A^T the evaluations made.
  [[nodiscard]] std::int64_t products() const noexcept { return products_; }

 private:
  Vector<double> point_;
  bool least_squares_;
  double a_norm_;
  double tolerance_;
  std::int64_t calls_ = 0;
  std::int64_t products_ = 0;
};

/// What `sketch_and_project` returns: `x` and the summary; `residual` is ||b - A x|| / ||b||
/// of the returned x (for `Extended`, the least-squares certificate), `counters.oracle_calls`
/// the rows (and columns) of A the steps read and `counters.matvecs` the full products with A
/// or A^T (the Gaussian variant's and the certificates').
using SketchAndProjectResult = Solution<double>;

namespace detail {

/// The row-major matrix the methods work on for an operand type.
template <class A>
using sap_matrix_t =
    std::conditional_t<linalg::detail::is_sparse_matrix_v<A>,
                       Eigen::SparseMatrix<double, Eigen::RowMajor>,
                       Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

/// Runs the method under `Certified` from `x0` on a checked system and packs the result:
/// `Converged` only when the residual recomputed from the returned x meets the tolerance.
template <class Mat>
SketchAndProjectResult run_sap(const Mat& a, const Mat* transpose, const Vector<double>& b,
                               const Vector<double>& x0, const SketchAndProjectOptions& options,
                               const Stopwatch& clock, std::string_view label) {
  const Index m = a.rows();
  const Index tau = options.rows_per_step(label, m);
  const SketchAndProjectMethod method({options.variant, tau, options.seed});
  const RowSystem<Mat> system{a, b, transpose};
  const bool least_squares = options.variant == SapVariant::Extended;
  // An epoch: m rows read (Gaussian and Extended steps count two reads each).
  const double epoch = options.variant == SapVariant::Gaussian || least_squares
                           ? 2.0 * static_cast<double>(m)
                           : static_cast<double>(m);
  const SapCertificate prototype(a.cols(), least_squares, least_squares ? a.norm() : 0.0,
                                 options.tolerance);
  iterum::Certified<SketchAndProjectMethod, SapCertificate> certified(
      method, prototype, {.every = options.certificate_every, .work_unit = epoch});
  auto state = certified.start(system, method.init(system, x0), clock);
  const Index per_epoch =
      options.variant == SapVariant::Gaussian ? (a.cols() + tau - 1) / tau : (m + tau - 1) / tau;
  auto result = solve_with_options(system, certified, std::move(state), options, 1000 * per_epoch,
                                   label, clock);
  certified.finish(system, result, options.tolerance);
  SketchAndProjectResult out;
  out.x = result.state.certificate.point();
  // The certificate of the returned x, recomputed.
  SapCertificate check = result.state.certificate;
  result.residual = check.evaluate(system, out.x);
  if (result.status == Status::Converged && !(result.residual <= options.tolerance))
    result.status = Status::NumericalIssue;
  const std::int64_t products = check.products();
  pack_summary(out, result, clock);
  out.counters.matvecs =
      products +
      (options.variant == SapVariant::Gaussian ? 2 * static_cast<std::int64_t>(out.iterations) : 0);
  return out;
}

/// Checks and converts (A, b, x0) for the facade and the adapter.
template <class A>
sap_matrix_t<A> sap_matrix(std::string_view function, const A& a) {
  check::not_empty(function, "A", a.rows() * a.cols());
  sap_matrix_t<A> out = a.template cast<double>();
  check::all_finite(function, "A", out);
  return out;
}

}  // namespace detail

/// Sketch-and-project as a `LinearSolver` model (also `LinearSolverWithBudget`). The operand
/// `A` is an Eigen dense or sparse matrix (square here, as `LinearSolver` solves A x = b);
/// `compute(a)` copies it into row-major storage, so `a` need not outlive the solves.
template <class A>
class SketchAndProject {
 public:
  using Scalar = double;

  explicit SketchAndProject(SketchAndProjectOptions options = {}) : options_(std::move(options)) {
    options_.validate("iterum::sketch::SketchAndProject");
  }

  /// Prepares for `a` (non-empty, finite entries, not zero).
  Status compute(const A& a) {
    constexpr std::string_view function = "iterum::sketch::SketchAndProject::compute";
    check::square(function, "A", a.rows(), a.cols());
    a_ = detail::sap_matrix(function, a);
    check::that(a_.norm() > 0, function, "A", "must not be zero");
    (void)options_.rows_per_step(function, a_.rows());
    if (options_.variant == SapVariant::Extended) at_ = a_.transpose();
    ready_ = true;
    return Status::Converged;
  }

  /// Solves A x = b from the initial guess in x.
  Summary solve(const Vector<double>& b, Vector<double>& x) {
    constexpr std::string_view function = "iterum::sketch::SketchAndProject::solve";
    check::that(ready_, function, "this", "needs compute(A) before solve");
    check::size(function, "b", b.size(), a_.rows(), "must have as many entries as A has rows");
    check::size(function, "x", x.size(), a_.cols(), "must have as many entries as A has columns");
    check::all_finite(function, "b", b);
    check::all_finite(function, "x", x);
    const Stopwatch clock;
    const auto* at = options_.variant == SapVariant::Extended ? &at_ : nullptr;
    auto out = detail::run_sap(a_, at, b, x, options_, clock, "iterum::sketch::SketchAndProject");
    x = std::move(out.x);
    return static_cast<Summary&&>(std::move(out));
  }

  /// Sets the relative-residual tolerance of the following solves.
  void set_tolerance(double tolerance) {
    check::nonnegative("iterum::sketch::SketchAndProject::set_tolerance", "tolerance", tolerance);
    check::finite("iterum::sketch::SketchAndProject::set_tolerance", "tolerance", tolerance);
    options_.tolerance = tolerance;
  }

  /// Sets the iteration budget of the following solves (unset: 1000 epochs' worth).
  void set_max_iterations(std::optional<Index> max_iterations) {
    if (max_iterations) {
      check::nonnegative("iterum::sketch::SketchAndProject::set_max_iterations", "max_iterations",
                         static_cast<double>(*max_iterations));
    }
    options_.max_iterations = max_iterations;
  }

  [[nodiscard]] const SketchAndProjectOptions& options() const noexcept { return options_; }

 private:
  SketchAndProjectOptions options_;
  detail::sap_matrix_t<A> a_{};
  detail::sap_matrix_t<A> at_{};  // A^T, for the Extended variant
  bool ready_ = false;
};

namespace detail {

template <class A, class B, class X0>
SketchAndProjectResult sketch_and_project_impl(const A& a, const B& b, const X0* x0,
                                               const SketchAndProjectOptions& options) {
  constexpr std::string_view function = "iterum::sketch::sketch_and_project";
  const Stopwatch clock;
  options.validate(function);
  const auto mat = sap_matrix(function, a);
  check::size(function, "b", b.size(), mat.rows(), "must have as many entries as A has rows");
  check::that(b.cols() == 1, function, "b", "must be a column vector");
  const Vector<double> rhs = b.template cast<double>();
  check::all_finite(function, "b", rhs);
  Vector<double> start = Vector<double>::Zero(mat.cols());
  if (x0 != nullptr) {
    check::size(function, "x0", x0->size(), mat.cols(),
                "must have as many entries as A has columns");
    start = x0->template cast<double>();
    check::all_finite(function, "x0", start);
  }
  check::that(mat.norm() > 0, function, "A", "must not be zero");
  using Mat = std::remove_cvref_t<decltype(mat)>;
  const Mat at = options.variant == SapVariant::Extended ? Mat(mat.transpose()) : Mat();
  return run_sap(mat, options.variant == SapVariant::Extended ? &at : nullptr, rhs, start, options,
                 clock, function);
}

}  // namespace detail

/// Solves the consistent system A x = b (A m x n, dense or sparse) by sketch-and-project.
///
/// @param a        m by n Eigen dense or sparse matrix (copied once into row-major storage).
/// @param b        m by 1 right-hand side in the range of A.
/// @param options  tolerance, budgets, seed, variant, block size, certificate cadence.
/// @return `x`, `status`, `iterations`, `residual` (||b - A x|| / ||b|| of the returned x),
///         `seconds`, `counters`, `history`, `trace` (the certificate per evaluation).
///         `Converged` only when that recomputed residual meets the tolerance. Started from 0
///         on a consistent system, x tends to the minimum-norm solution.
/// @throws iterum::invalid_argument for an empty or zero A, a size mismatch, a non-finite
///         entry in A, b or x0, a block size above m, or bad options.
///
/// Example:
/// @code
///   auto r = iterum::sketch::sketch_and_project(A, b, {.tolerance = 1e-8, .seed = 1});
///   if (r.ok()) use(r.x);
/// @endcode
template <class A, class B>
[[nodiscard]] SketchAndProjectResult sketch_and_project(
    const A& a, const B& b, const SketchAndProjectOptions& options = {}) {
  return detail::sketch_and_project_impl(a, b, static_cast<const B*>(nullptr), options);
}

/// As above, starting from `x0` (n by 1) instead of zero.
template <class A, class B, class X0>
requires(!std::is_same_v<X0, SketchAndProjectOptions>) [[nodiscard]] SketchAndProjectResult
    sketch_and_project(const A& a, const B& b, const X0& x0,
                       const SketchAndProjectOptions& options = {}) {
  return detail::sketch_and_project_impl(a, b, &x0, options);
}

}  // namespace iterum::sketch
