#pragma once

/// @file altmin_method.hpp
/// @brief `completion::AltMinMethod<RowSolver>`: alternating minimization for low-rank matrix
/// completion (a core Method), and `CompletionProblem`, what it solves.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/completion/cg_row_solver.hpp"
#include "iterum/completion/detail/small_kernels.hpp"
#include "iterum/completion/observations.hpp"
#include "iterum/completion/row_solver.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/step_limits.hpp"
#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/counter_stream.hpp"
#include "iterum/sketch/randomized_svd.hpp"

#if defined(ITERUM_USE_OPENMP)
#include <omp.h>
#endif

namespace iterum::completion {

/// What `AltMinMethod` solves: fit the observations `train`; when `validation` is given, every
/// iteration also reports the RMSE on it (it never influences the fit).
struct CompletionProblem {
  const Observations& train;
  const Observations* validation = nullptr;
};

/// Alternating minimization for low-rank matrix completion: the Jain-Netrapalli-Sanghavi
/// skeleton (STOC 2013, arXiv 1212.0467, Alg. 2) as made robust to inexact updates by Gu, Song,
/// Yin & Zhang (ICLR 2024, arXiv 2302.11068, Alg. 1), extended to the regularized recommender
/// model (ALS-WR: Zhou, Wilkinson, Schreiber & Pan, AAIM 2008) with biases. The model is
///
///     predict(i, j) = mu + b_i + c_j + u_i^T v_j     (mu, b, c only with `biases`)
///
/// fitted by minimizing over U (m x k), V (n x k), b, c
///
///     F = 1/2 sum_Omega (M_ij - predict(i, j))^2 + lambda/2 sum_i w_i ||u_i||^2
///         + lambda/2 sum_j w_j ||v_j||^2 + bias_lambda/2 (||b||^2 + ||c||^2),
///
/// with w_i = |Omega_i| (the observations of row i; `weighted_lambda`, ALS-WR) or 1, and mu the
/// mean of the observations. One iteration is two half-steps: with V fixed, each row's
/// (b_i, u_i) solves an independent ridge least-squares problem (`RowSystem`, solved by the
/// `Solver` policy); then the same for the columns with U fixed.
///
/// - Initialization (GSYZ Alg. 1 / JNS13 Alg. 2 line 3): biases by a few alternating sweeps,
///   then the top-k SVD of the rescaled residual (1/p) P_Omega(M - mu - b - c) by the
///   randomized range finder with power iterations (`sketch::randomized_svd`), rows clipped to
///   `init_clip` sqrt(k/m) (the incoherence trimming), then the first column half-step.
/// - QR of the fixed factor before each half-step (JNS13, GSYZ; `orthonormalize`), when
///   lambda = 0: the product U V^T, hence F, is unchanged, and each row's normal matrix becomes
///   ~ p I whatever the condition number of M (CholeskyQR2; the free factor is transformed too,
///   so warm starts stay valid).
/// - Inexact solves (GSYZ Thm. 1.2: a forward error that shrinks with the outer accuracy): the
///   row tolerance is `forcing` times the current certificate, at most `max_inner_tolerance`.
///
/// Certificate (`residual`): r = ||grad_X F||_F / (rho ||F_Y||_F) + ||grad_Y F||_F /
/// (rho ||F_X||_F), where X = [b U] and Y = [c V] are the fitted unknowns, F_X = [1 U] and
/// F_Y = [1 V] the features they offer the other side (without biases: X = F_X = U), and
/// rho = ||P_Omega(M - mu)||_F (when a feature matrix is zero, the norm of the side's own
/// unknowns replaces it). It is zero exactly at a stationary point of F, invariant to
/// U -> U t, V -> V / t, and dimensionless; recomputed from the factors after every step.
template <RowSolver Solver = CgRowSolver>
class AltMinMethod {
 public:
  struct Params {
    Index rank = 10;                   ///< k
    double lambda = 0.0;               ///< ridge on the factors
    bool weighted_lambda = true;       ///< lambda |Omega_i| per row (ALS-WR), else lambda
    bool biases = false;               ///< fit mu + b_i + c_j
    double bias_lambda = 5.0;          ///< ridge on the biases (unweighted)
    bool orthonormalize = true;        ///< QR of the fixed factor (only when lambda = 0)
    double forcing = 0.1;              ///< inner tolerance / certificate
    double max_inner_tolerance = 0.1;  ///< inner tolerance cap
    Index init_power_iterations = 6;   ///< power iterations of the initial SVD
    double init_clip = 3.0;            ///< row clipping of the initial U (0: none)
    Index bias_sweeps = 4;             ///< alternating sweeps of the initial biases
    double clip_min = -std::numeric_limits<double>::infinity();  ///< RMSE predictions
    double clip_max = std::numeric_limits<double>::infinity();   ///< are clipped to these
    /// Sample splitting (off: 0): Omega split at random into this many parts (2T + 1 for T
    /// iterations, JNS13 Alg. 2); part 0 initializes, half-step h uses part 1 + h mod
    /// (parts - 1). A proof device: each row then sees |Omega_i| / parts observations.
    Index split_parts = 0;
    std::uint64_t seed = 0;  ///< seed of the initial SVD and of randomized row solvers
    StepLimits limits{};     ///< time and row-solve budgets polled inside a half-step

    void validate(std::string_view function) const {
      check::positive(function, "rank", static_cast<double>(rank));
      for (const auto& [name, value] :
           {std::pair<std::string_view, double>{"options.lambda", lambda},
            {"options.bias_lambda", bias_lambda},
            {"options.forcing", forcing},
            {"options.init_clip", init_clip}}) {
        check::nonnegative(function, name, value);
        check::finite(function, name, value);
      }
      check::in_range(function, "options.max_inner_tolerance", max_inner_tolerance, 0.0, 1.0);
      check::in_range(function, "options.init_power_iterations",
                      static_cast<double>(init_power_iterations), 0.0, 100.0);
      check::nonnegative(function, "options.bias_sweeps", static_cast<double>(bias_sweeps));
      if (split_parts != 0) {
        check::in_range(function, "split_parts", static_cast<double>(split_parts), 3.0, 1e9);
      }
      if (std::isnan(clip_min) || std::isnan(clip_max) || !(clip_min < clip_max)) {
        check::fail(function, "options.clip_max",
                    "must exceed options.clip_min (" + check::text(clip_min) + ")",
                    check::text(clip_max));
      }
    }
  };

  /// The iterate: x = [b; U^T] (p x m) and y = [c; V^T] (p x n), p = k (+1 with biases), and
  /// the buffers of the half-steps.
  struct State {
    Matrix<double> x;  ///< row unknowns, one column per row
    Matrix<double> y;  ///< column unknowns, one column per column
    double mean = 0.0;
    double certificate = std::numeric_limits<double>::infinity();
    double rmse = 0.0;  ///< on the observations (clipped predictions)
    double validation_rmse = std::numeric_limits<double>::quiet_NaN();
    double passes = 0.0;           ///< passes over Omega (work unit)
    Index regularized_solves = 0;  ///< solves that needed the safeguard ridge
    Index failed_solves = 0;       ///< solves that kept the previous value
    std::uint64_t half_steps = 0;
    Counters counters{};
    // Buffers (made by init; step never allocates them again).
    std::vector<typename Solver::Workspace> work;
    std::vector<Matrix<double>> design;
    std::vector<Vector<double>> target, ridge, grad;
    Matrix<double> gram, transform;
    Matrix<double> scratch;
  };

  AltMinMethod() = default;
  explicit AltMinMethod(Params p, Solver solver = {}) : params_(p), solver_(solver) {
    params_.validate("iterum::completion::AltMinMethod");
  }

  [[nodiscard]] const Params& params() const noexcept { return params_; }
  [[nodiscard]] const Solver& solver() const noexcept { return solver_; }

  /// Spectral initialization, then the first column half-step.
  [[nodiscard]] State init(const CompletionProblem& problem) const {
    const Observations& o = problem.train;
    State s = allocate(o);
    init_biases(o, s);
    spectral_init(o, s);
    (void)half_step<false>(o, s, params_.max_inner_tolerance);
    certify(problem, s);
    return s;
  }

  /// A warm start from x0 = [b; U^T] (p x m) and y0 = [c; V^T] (p x n), e.g. an earlier fit;
  /// `mean` is the model's mu (used only with biases).
  [[nodiscard]] State init(const CompletionProblem& problem, const Matrix<double>& x0,
                           const Matrix<double>& y0, double mean) const {
    const Observations& o = problem.train;
    State s = allocate(o);
    constexpr std::string_view function = "iterum::completion::AltMinMethod::init";
    check::size(function, "x0", x0.rows(), s.x.rows(), "must have rank (+1 with biases) rows");
    check::size(function, "x0", x0.cols(), s.x.cols(), "must have a column per row of M");
    check::size(function, "y0", y0.rows(), s.y.rows(), "must have rank (+1 with biases) rows");
    check::size(function, "y0", y0.cols(), s.y.cols(), "must have a column per column of M");
    check::all_finite(function, "x0", x0);
    check::all_finite(function, "y0", y0);
    s.x = x0;
    s.y = y0;
    if (params_.biases) s.mean = mean;
    certify(problem, s);
    return s;
  }

  /// One iteration: the row half-step, then the column half-step, then the certificate.
  std::optional<Status> step(const CompletionProblem& problem, State& s) const {
    const double tol = inner_tolerance(s.certificate);
    std::optional<Status> stop = half_step<true>(problem.train, s, tol);
    if (!stop) stop = half_step<false>(problem.train, s, tol);
    certify(problem, s);
    return stop;
  }

  [[nodiscard]] double residual(const CompletionProblem&, const State& s) const noexcept {
    return s.certificate;
  }

  [[nodiscard]] bool is_finite(const CompletionProblem&, const State& s) const {
    return s.x.allFinite() && s.y.allFinite();
  }

  /// The unknowns per row: k, plus one with biases.
  [[nodiscard]] Index unknowns() const noexcept { return params_.rank + (params_.biases ? 1 : 0); }

 private:
  [[nodiscard]] Index offset() const noexcept { return params_.biases ? 1 : 0; }

  // The part of entry (i, j) in a sample split: a hash of (seed, i, j), uniform over the parts.
  [[nodiscard]] Index part_of(Index i, Index j, Index n) const noexcept {
    const auto cell = static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(n) +
                      static_cast<std::uint64_t>(j);
    const std::uint64_t h =
        sketch::detail::mix64(sketch::detail::stream_key(params_.seed, 0x5B117ull) ^ cell);
    return static_cast<Index>(h % static_cast<std::uint64_t>(params_.split_parts));
  }
  [[nodiscard]] bool orthonormal_mode() const noexcept {
    return params_.orthonormalize && params_.lambda == 0.0;
  }
  [[nodiscard]] double inner_tolerance(double certificate) const noexcept {
    const double t = params_.forcing * certificate;
    if (!(t < params_.max_inner_tolerance)) return params_.max_inner_tolerance;
    return std::max(t, 1e-15);
  }

  static int threads() noexcept {
#if defined(ITERUM_USE_OPENMP)
    return std::max(1, omp_get_max_threads());
#else
    return 1;
#endif
  }
  static int thread_id() noexcept {
#if defined(ITERUM_USE_OPENMP)
    return omp_get_thread_num();
#else
    return 0;
#endif
  }

  State allocate(const Observations& o) const {
    const Index p = unknowns();
    const Index k = params_.rank;
    const Index longest = std::max(o.max_row_size(), o.max_col_size());
    State s;
    s.x = Matrix<double>::Zero(p, o.rows());
    s.y = Matrix<double>::Zero(p, o.cols());
    const int t = threads();
    for (int i = 0; i < t; ++i) {
      s.work.push_back(solver_.workspace(p, longest));
      s.design.emplace_back(p, std::max<Index>(longest, 1));
      s.target.emplace_back(std::max<Index>(longest, 1));
      s.ridge.emplace_back(p);
      s.grad.emplace_back(p);
    }
    s.gram.resize(k, k);
    s.transform.resize(k, k);
    s.scratch.resize(k, std::max(o.rows(), o.cols()));
    return s;
  }

  // Biases alone (mu + b_i + c_j), a few alternating sweeps of their exact updates.
  void init_biases(const Observations& o, State& s) const {
    if (!params_.biases) return;
    s.mean = o.mean();
    for (Index sweep = 0; sweep < params_.bias_sweeps; ++sweep) {
      for (Index i = 0; i < o.rows(); ++i) {
        const auto line = o.row(i);
        double sum = 0.0;
        for (Index t = 0; t < line.size(); ++t) {
          sum += line.value[static_cast<std::size_t>(t)] - s.mean -
                 s.y(0, line.index[static_cast<std::size_t>(t)]);
        }
        s.x(0, i) = sum / (static_cast<double>(line.size()) + params_.bias_lambda);
      }
      for (Index j = 0; j < o.cols(); ++j) {
        const auto line = o.col(j);
        double sum = 0.0;
        for (Index t = 0; t < line.size(); ++t) {
          sum += line.value[static_cast<std::size_t>(t)] - s.mean -
                 s.x(0, line.index[static_cast<std::size_t>(t)]);
        }
        s.y(0, j) = sum / (static_cast<double>(line.size()) + params_.bias_lambda);
      }
      s.passes += 2.0;
    }
  }

  // U0: top-k left singular vectors of (1/p) P_Omega(M - mu - b - c) (GSYZ Alg. 1 line 3),
  // clipped, then orthonormalized (or balanced by sqrt(sigma) when regularized).
  void spectral_init(const Observations& o, State& s) const {
    const Index k = params_.rank;
    const Index off = offset();
    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(static_cast<std::size_t>(o.size()));
    const double parts = params_.split_parts > 0 ? static_cast<double>(params_.split_parts) : 1.0;
    const double scale = parts / o.density();
    for (Index t = 0; t < o.size(); ++t) {
      const Index i = o.row_of(t);
      const Index j = o.col_of(t);
      if (params_.split_parts > 0 && part_of(i, j, o.cols()) != 0) continue;
      double v = o.value_of(t) - s.mean;
      if (params_.biases) v -= s.x(0, i) + s.y(0, j);
      entries.emplace_back(static_cast<int>(i), static_cast<int>(j), scale * v);
    }
    Eigen::SparseMatrix<double> r0(o.rows(), o.cols());
    r0.setFromTriplets(entries.begin(), entries.end());
    sketch::RsvdOptions ro;
    ro.seed = params_.seed;
    ro.power_iterations = params_.init_power_iterations;
    ro.error_probes = 1;
    ro.error_power_steps = 0;
    const sketch::RsvdResult svd = sketch::randomized_svd(r0, k, ro);
    s.passes += static_cast<double>(svd.passes);
    Matrix<double> u = svd.u;
    if (params_.init_clip > 0.0) {
      const double cap =
          params_.init_clip * std::sqrt(static_cast<double>(k) / static_cast<double>(o.rows()));
      for (Index i = 0; i < u.rows(); ++i) {
        const double norm = u.row(i).norm();
        if (norm > cap) u.row(i) *= cap / norm;
      }
    }
    if (orthonormal_mode()) {
      s.x.bottomRows(k) = u.transpose();
      auto none = s.scratch.leftCols(0);
      orthonormalize(s, s.x.bottomRows(k), none);
    } else {
      s.x.bottomRows(k) = svd.sigma.cwiseMax(0.0).cwiseSqrt().asDiagonal() * u.transpose();
    }
    (void)off;
  }

  // CholeskyQR2 of the rows of f (k x N): f <- L^{-1} f with f f^T = L L^T, twice; the free
  // factor g (k x M) becomes L^T g, so that g^T f is unchanged. A rank-deficient f is left as
  // it is (the next solve is then ridge-safeguarded).
  template <class F, class G>
  void orthonormalize(State& s, F&& f, G&& g) const {
    const Index k = f.rows();
    for (int pass = 0; pass < 2; ++pass) {
      s.gram.setZero();
      s.gram.template selfadjointView<Eigen::Lower>().rankUpdate(f);
      if (!detail::cholesky_lower(s.gram.data(), k)) return;  // L in the lower triangle
      const auto l = s.gram.template triangularView<Eigen::Lower>();
      const auto diag = s.gram.diagonal();
      if (!(diag.minCoeff() > 1e-10 * diag.maxCoeff())) return;
      s.transform.setIdentity();
      l.solveInPlace(s.transform);  // L^{-1}
      auto fs = s.scratch.leftCols(f.cols());
      fs.noalias() = s.transform.template triangularView<Eigen::Lower>() * f;
      f = fs;
      if (g.cols() > 0) {
        auto gs = s.scratch.leftCols(g.cols());
        const Matrix<double>& lower = s.gram;
        gs.noalias() = lower.transpose().template triangularView<Eigen::Upper>() * g;
        g = gs;
      }
    }
  }

  // Solves every row (Rows) or column of the free factor against the fixed one.
  template <bool Rows>
  std::optional<Status> half_step(const Observations& o, State& s, double tol) const {
    const Index k = params_.rank;
    const Index off = offset();
    Matrix<double>& free = Rows ? s.x : s.y;
    Matrix<double>& fixed = Rows ? s.y : s.x;
    if (orthonormal_mode()) orthonormalize(s, fixed.bottomRows(k), free.bottomRows(k));
    const Index lines = Rows ? o.rows() : o.cols();
    const std::uint64_t half = s.half_steps++;
    // Sample splitting (JNS13 Alg. 2): half-step h uses part 1 + h mod (parts - 1) only.
    const Index part =
        params_.split_parts > 0
            ? 1 + static_cast<Index>(half % static_cast<std::uint64_t>(params_.split_parts - 1))
            : -1;
    const std::uint64_t key =
        sketch::detail::stream_key(params_.seed, 0x5EED0000ull + half);  // per half-step
    const std::int64_t base_calls = s.counters.oracle_calls;
    std::atomic<bool> out_of_budget{false};
    std::optional<Status> stop;
    std::int64_t solves = 0;
    std::int64_t inner = 0;
    std::int64_t matvecs = 0;
    Index regularized = 0;
    Index failed = 0;
#if defined(ITERUM_USE_OPENMP)
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : solves, inner, matvecs, regularized, failed)
#endif
    for (Index i = 0; i < lines; ++i) {
      if (out_of_budget.load(std::memory_order_relaxed)) continue;
      if ((i & 31) == 0) {
        if (auto reached = params_.limits.reached(base_calls + i)) {
          if (!out_of_budget.exchange(true)) stop = reached;  // one writer
          continue;
        }
      }
      const int tid = thread_id();
      const auto line = Rows ? o.row(i) : o.col(i);
      auto xi = free.col(i);
      Matrix<double>& a = s.design[static_cast<std::size_t>(tid)];
      Vector<double>& b = s.target[static_cast<std::size_t>(tid)];
      const Index p = off + k;
      const double* yf = fixed.data();
      double* ad = a.data();
      Index count = 0;  // the observations this half-step uses (all, or one part of a split)
      for (Index t = 0; t < line.size(); ++t) {
        const Index j = line.index[static_cast<std::size_t>(t)];
        if (part >= 0 && (Rows ? part_of(i, j, o.cols()) : part_of(j, i, o.cols())) != part) {
          continue;
        }
        const double* yj = yf + j * p;
        double* at = ad + count * p;
        std::copy(yj + off, yj + p, at + off);
        double target = line.value[static_cast<std::size_t>(t)] - s.mean;
        if (params_.biases) {
          at[0] = 1.0;
          target -= yj[0];
        }
        b[count++] = target;
      }
      Vector<double>& d = s.ridge[static_cast<std::size_t>(tid)];
      d.tail(k).setConstant(params_.lambda *
                            (params_.weighted_lambda ? static_cast<double>(count) : 1.0));
      if (params_.biases) d[0] = params_.bias_lambda;
      if (count == 0) {  // nothing observed: the minimizer is 0 (a cold start: biases only)
        xi.setZero();
        continue;
      }
      const RowSystem sys{a.leftCols(count), b.head(count), d, tol,
                          sketch::detail::mix64(key ^ static_cast<std::uint64_t>(i))};
      const RowSolveStats st =
          solver_.solve(sys, Eigen::Ref<Vector<double>>(xi), s.work[static_cast<std::size_t>(tid)]);
      ++solves;
      inner += st.iterations;
      matvecs += st.matvecs;
      regularized += st.regularized ? 1 : 0;
      failed += st.failed ? 1 : 0;
    }
    s.counters.oracle_calls += solves;
    s.counters.inner_iterations += inner;
    s.counters.matvecs += matvecs;
    s.regularized_solves += regularized;
    s.failed_solves += failed;
    s.passes += 1.0;
    return stop;
  }

  // Certificate and RMSEs from the current factors: one pass by rows (grad_X), one by
  // columns (grad_Y).
  void certify(const CompletionProblem& problem, State& s) const {
    const Observations& o = problem.train;
    const Index k = params_.rank;
    // Sums of squares in long double: gradients of ridge terms near 1e300 square beyond double.
    long double gx2 = 0.0L;
    long double gy2 = 0.0L;
    double se = 0.0;
    double ref2 = 0.0;
    for (int side = 0; side < 2; ++side) {
      const bool rows = side == 0;
      const Matrix<double>& free = rows ? s.x : s.y;
      const Matrix<double>& fixed = rows ? s.y : s.x;
      const Index lines = rows ? o.rows() : o.cols();
      long double g2 = 0.0L;
#if defined(ITERUM_USE_OPENMP)
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : g2, se, ref2)
#endif
      for (Index i = 0; i < lines; ++i) {
        const int tid = thread_id();
        const auto line = rows ? o.row(i) : o.col(i);
        const Index count = line.size();
        Vector<double>& gv = s.grad[static_cast<std::size_t>(tid)];
        const double w = params_.weighted_lambda ? static_cast<double>(count) : 1.0;
        const Index off = offset();
        const Index p = off + k;
        const double* xi = free.data() + i * p;
        const double* yf = fixed.data();
        double* g = gv.data();
        for (Index l = off; l < p; ++l) g[l] = params_.lambda * w * xi[l];
        if (params_.biases) g[0] = params_.bias_lambda * xi[0];
        const double base = s.mean + (params_.biases ? xi[0] : 0.0);
        for (Index t = 0; t < count; ++t) {
          const Index j = line.index[static_cast<std::size_t>(t)];
          const double value = line.value[static_cast<std::size_t>(t)];
          const double* yj = yf + j * p;
          double pred = base + (params_.biases ? yj[0] : 0.0);
          for (Index l = off; l < p; ++l) pred += xi[l] * yj[l];
          const double e = value - pred;
          for (Index l = off; l < p; ++l) g[l] -= e * yj[l];
          if (params_.biases) g[0] -= e;
          if (rows) {
            const double c = std::clamp(pred, params_.clip_min, params_.clip_max);
            se += (value - c) * (value - c);
            ref2 += (value - s.mean) * (value - s.mean);
          }
        }
        for (Index l = 0; l < p; ++l) g2 += static_cast<long double>(g[l]) * g[l];
      }
      (rows ? gx2 : gy2) = g2;
    }
    s.passes += 2.0;
    const double n = static_cast<double>(o.size());
    s.rmse = n > 0 ? std::sqrt(se / n) : 0.0;
    double rho = std::sqrt(ref2);
    if (!(rho > 0.0)) {
      double all = 0.0;
      for (Index t = 0; t < o.size(); ++t) all += o.value_of(t) * o.value_of(t);
      rho = all > 0.0 ? std::sqrt(all) : 1.0;
    }
    // Feature norms: [1; v_j] over the columns offer the rows, [1; u_i] over the rows.
    // Norms without underflow (factors of 1e-300 under a ridge of 1e300).
    const double fy = std::hypot(s.y.bottomRows(k).stableNorm(),
                                 params_.biases ? std::sqrt(static_cast<double>(o.cols())) : 0.0);
    const double fx = std::hypot(s.x.bottomRows(k).stableNorm(),
                                 params_.biases ? std::sqrt(static_cast<double>(o.rows())) : 0.0);
    // A side whose partner offers no features (all zero) has gradient D X: measured against
    // its own norm then, so the certificate stays finite.
    const double nx = s.x.stableNorm();
    const double ny = s.y.stableNorm();
    auto term = [&](long double g2, double f, double own) -> long double {
      if (!(g2 > 0.0L)) return 0.0L;
      return std::sqrt(g2) / (static_cast<long double>(rho) * (f > 0.0 ? f : own));
    };
    // Capped at the largest double: "at least 1.8e308" rather than +inf.
    const long double r = term(gx2, fy, nx) + term(gy2, fx, ny);
    s.certificate =
        std::isnan(r)
            ? std::numeric_limits<double>::quiet_NaN()
            : static_cast<double>(std::min<long double>(r, std::numeric_limits<double>::max()));
    if (problem.validation != nullptr) s.validation_rmse = rmse_on(*problem.validation, s);
  }

  double rmse_on(const Observations& v, const State& s) const {
    const Index k = params_.rank;
    if (v.size() == 0) return 0.0;
    double se = 0.0;
    for (Index t = 0; t < v.size(); ++t) {
      const Index i = v.row_of(t);
      const Index j = v.col_of(t);
      double pred = s.mean + s.x.col(i).tail(k).dot(s.y.col(j).tail(k));
      if (params_.biases) pred += s.x(0, i) + s.y(0, j);
      const double e = v.value_of(t) - std::clamp(pred, params_.clip_min, params_.clip_max);
      se += e * e;
    }
    return std::sqrt(se / static_cast<double>(v.size()));
  }

  Params params_{};
  Solver solver_{};
};

}  // namespace iterum::completion
