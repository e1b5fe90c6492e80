#pragma once

/// @file working_set_cd.hpp
/// @brief `bcd::WorkingSetCd`: cyclic coordinate descent for the Lasso and the elastic net on a
/// working set grown from the dual, with gap-safe screening and a duality-gap certificate.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "iterum/bcd/block_coordinate_descent.hpp"
#include "iterum/bcd/elastic_net_problem.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// Coordinate descent for P(w) = 1/2 ||y - X w||^2 + alpha ||w||_1 + mu/2 ||w||^2
/// (`ElasticNetProblem`), organised as the working-set solvers of Massias, Gramfort & Salmon
/// (celer, ICML 2018, arXiv 1802.07481) and Bertrand et al. (skglm, NeurIPS 2022,
/// arXiv 2204.07826):
///
/// - a *full pass* computes c_j' r for every column, a dual point theta (the residual, rescaled
///   into the dual feasible set when mu = 0), the duality gap P(w) - D(theta) (the certificate),
///   discards the coordinates the gap-safe sphere proves zero at the optimum (Fercoq, Gramfort &
///   Salmon, ICML 2015, arXiv 1505.03410; Ndiaye et al., JMLR 2017, arXiv 1611.05780: the
///   dual is 1-strongly concave, so ||theta* - theta|| <= sqrt(2 gap), and w*_j = 0 whenever
///   |c_j' theta| + ||c_j|| sqrt(2 gap) < alpha), and builds the working set: the support plus
///   the coordinates closest to violating their dual constraint, (alpha - |c_j' theta|) /
///   ||c_j||, twice the support in size (at least `working_set_start`);
/// - each *step* is one cyclic epoch of exact coordinate minimization over the working set,
///   w_j <- S(c_j' r + ||c_j||^2 w_j, alpha) / (||c_j||^2 + mu) with a maintained residual
///   (O(nnz of the column) per coordinate);
/// - after 1, 2, 4, ... epochs and then every `check_every` epochs the gap of the problem
///   restricted to the working set is computed; once it is below `inner_ratio` times the last
///   full gap, a full pass follows.
///
/// The dual: D(theta) = theta' y - 1/2 ||theta||^2 - sum_j h*(c_j' theta) with h(v) =
/// alpha |v| + mu/2 v^2, so h*(z) = max(|z| - alpha, 0)^2 / (2 mu) for mu > 0 (every theta is
/// feasible; theta = r) and h* is the indicator of |z| <= alpha for mu = 0 (theta = r scaled by
/// min(1, alpha / max_j |c_j' r|)).
///
/// `residual` is the gap of the last full pass relative to ||y||^2 (scikit-learn's test, gap <
/// tol ||y||^2 in this scaling); each full pass first rebuilds r from w, so the certificate is
/// that of the iterate. No allocation in `step`.
class WorkingSetCd {
 public:
  struct Params {
    Index working_set_start = 64;  ///< smallest working set
    Index check_every = 10;        ///< epochs between two working-set gaps
    double inner_ratio = 0.3;      ///< full pass once the working-set gap is below this x full gap
    bool screening = true;         ///< gap-safe screening at every full pass
  };

  struct State {
    Vector<double> x;  ///< w
    Vector<double> r;  ///< residual y - X_c w, up to `shift`
    double shift = 0.0;
    Vector<double> xtr;                   ///< c_j' r at the last full pass (or working-set gap)
    Vector<double> priority;              ///< working-set ranking buffer
    std::vector<Index> order;             ///< candidate buffer (all coordinates)
    std::vector<Index> working_set;       ///< coordinates of the current working set (sorted)
    std::vector<unsigned char> screened;  ///< 1: proven zero at the optimum
    double gap = std::numeric_limits<double>::infinity();  ///< last full duality gap
    double relative_gap = std::numeric_limits<double>::infinity();
    double primal = 0.0;  ///< P(w) at the last full pass
    Index epochs_since_full = 0;
    Index screened_count = 0;
    bool certified = false;  ///< gap, r and c' r are those of x (no step since the last pass)
    Vector<double> r_ref;    ///< r at the last full pass
    double shift_ref = 0.0;
    Vector<double> xtr_ref;  ///< c' r, exact, at the last full pass
    std::vector<unsigned char> in_working_set;
    std::int64_t bounded_passes = 0;  ///< certificates from bounds instead of a full pass
    std::int64_t full_passes = 0;
    BcdWork work{};
  };

  WorkingSetCd() = default;
  explicit WorkingSetCd(Params p) : params_(p) {}
  [[nodiscard]] const Params& params() const noexcept { return params_; }

  /// Starts from w = 0.
  template <class M>
  [[nodiscard]] State init(const ElasticNetProblem<M>& problem) const {
    return init(problem, Vector<double>::Zero(problem.dim()));
  }

  /// Starts from w = x0 (a warm start; p entries).
  template <class M>
  [[nodiscard]] State init(const ElasticNetProblem<M>& problem, const Vector<double>& x0) const {
    const Index p = problem.dim();
    State s;
    s.x = x0;
    s.xtr = Vector<double>::Zero(p);
    s.priority = Vector<double>::Zero(p);
    s.order.resize(static_cast<std::size_t>(p));
    s.working_set.reserve(static_cast<std::size_t>(p));
    s.screened.assign(static_cast<std::size_t>(p), 0);
    s.in_working_set.assign(static_cast<std::size_t>(p), 0);
    s.r_ref = Vector<double>::Zero(problem.rows());
    s.xtr_ref = Vector<double>::Zero(p);
    full_pass(problem, s);
    return s;
  }

  template <class M>
  void step(const ElasticNetProblem<M>& problem, State& s) const {
    s.certified = false;
    for (const Index j : s.working_set) update(problem, s, j);
    ++s.work.block_steps;
    ++s.epochs_since_full;
    // The working-set gap after 1, 2, 4, ... epochs and then every `check_every`: a warm
    // start (the next lambda of a path) often needs only a few.
    const Index e = s.epochs_since_full;
    const bool power_of_two = e < params_.check_every && (e & (e - 1)) == 0;
    if (!power_of_two && e % params_.check_every != 0) return;
    for (const Index j : s.working_set) s.xtr[j] = problem.dot(j, s.r, s.shift);
    s.work.gradient_entries += static_cast<std::int64_t>(s.working_set.size());
    const double ws_gap = gap_of(problem, s, s.working_set.begin(), s.working_set.end()).gap;
    if (!(ws_gap <= params_.inner_ratio * s.gap)) return;
    // A certificate without a pass over X when the columns outside the working set are
    // provably far from their dual constraints; else the full pass.
    if (!bounded_pass(problem, s, ws_gap)) full_pass(problem, s);
  }

  template <class M>
  [[nodiscard]] double residual(const ElasticNetProblem<M>&, const State& s) const {
    return s.relative_gap;
  }

  /// The duality gap at w of the whole problem, from a residual rebuilt from w (what the
  /// facades report as the certificate of the returned point). Does not change the iterate.
  template <class M>
  [[nodiscard]] static double certify(const ElasticNetProblem<M>& problem, State& s) {
    if (s.certified) return s.relative_gap;  // computed from this x by the last full pass
    s.certified = true;
    problem.residual(s.x, s.r, s.shift);
    problem.correlations(s.r, s.shift, s.xtr);
    s.work.gradient_entries += problem.dim();
    return evaluate(problem, s);
  }

  /// Continues from a finished solve after the problem's penalty changed
  /// (`ElasticNetProblem::set_penalty`, the next lambda of a path): w, r and c' r are kept (they
  /// do not depend on the penalty), so the new gap, screening and working set cost O(p), not a
  /// pass over X. Requires the state's c' r to be that of its w, as after `certify` or a
  /// facade's return.
  template <class M>
  void restart(const ElasticNetProblem<M>& problem, State& s) const {
    std::fill(s.screened.begin(), s.screened.end(), static_cast<unsigned char>(0));
    s.screened_count = 0;
    s.epochs_since_full = 0;
    (void)evaluate(problem, s);
    select(problem, s);
  }

 private:
  struct Gap {
    double gap = 0.0;
    double primal = 0.0;
    double scale = 1.0;  ///< theta = scale r_true
  };

  [[nodiscard]] static double soft(double z, double t) {
    return z > t ? z - t : (z < -t ? z + t : 0.0);
  }

  template <class M>
  [[nodiscard]] static double relative(const ElasticNetProblem<M>& problem, double gap) {
    return problem.yy() > 0 ? gap / problem.yy() : gap;
  }

  /// One exact coordinate minimization.
  template <class M>
  static void update(const ElasticNetProblem<M>& problem, State& s, Index j) {
    const double curvature = problem.column_squared_norm(j) + problem.mu();
    if (!(curvature > 0)) return;  // a zero column (mu = 0): w_j = 0 is optimal
    const double g = problem.dot(j, s.r, s.shift);
    const double w = s.x[j];
    const double w_new = soft(g + problem.column_squared_norm(j) * w, problem.alpha()) / curvature;
    ++s.work.gradient_entries;
    if (w_new != w) {
      problem.subtract(j, w_new - w, s.r, s.shift);
      s.x[j] = w_new;
      ++s.work.coordinate_updates;
    }
  }

  /// The duality gap of the problem restricted to the coordinates [first, last) (which hold
  /// every nonzero of w), from s.xtr on them.
  template <class M, class It>
  [[nodiscard]] static Gap gap_of(const ElasticNetProblem<M>& problem, const State& s, It first,
                                  It last) {
    const double alpha = problem.alpha(), mu = problem.mu();
    double rr = 0.0, ry = 0.0;
    problem.residual_products(s.r, s.shift, rr, ry);
    double l1 = 0.0, l2 = 0.0, largest = 0.0, conjugate = 0.0;
    for (It it = first; it != last; ++it) {
      const Index j = *it;
      const double w = s.x[j];
      l1 += std::abs(w);
      l2 += w * w;
      const double z = std::abs(s.xtr[j]);
      largest = std::max(largest, z);
      if (mu > 0 && z > alpha) conjugate += (z - alpha) * (z - alpha);
    }
    Gap g;
    g.primal = 0.5 * rr + (l1 > 0 ? alpha * l1 : 0.0) + 0.5 * mu * l2;
    double dual = 0.0;
    if (mu > 0) {
      dual = ry - 0.5 * rr - conjugate / (2.0 * mu);
    } else {
      g.scale = largest > alpha ? alpha / largest : 1.0;
      dual = g.scale * ry - 0.5 * g.scale * g.scale * rr;
    }
    g.gap = std::max(0.0, g.primal - dual);
    return g;
  }

  /// The duality gap of the whole problem from s.r and s.xtr (no pass over X).
  template <class M>
  static double evaluate(const ElasticNetProblem<M>& problem, State& s) {
    const Index p = problem.dim();
    std::vector<Index>& all = s.order;
    for (Index j = 0; j < p; ++j) all[static_cast<std::size_t>(j)] = j;
    const Gap g = gap_of(problem, s, all.begin(), all.end());
    s.gap = g.gap;
    s.primal = g.primal;
    s.relative_gap = relative(problem, g.gap);
    return s.relative_gap;
  }

  /// The full pass: r rebuilt from w, c_j' r for all j, the gap, screening, a new working set.
  template <class M>
  void full_pass(const ElasticNetProblem<M>& problem, State& s) const {
    ++s.full_passes;
    s.epochs_since_full = 0;
    s.certified = false;
    (void)certify(problem, s);
    s.r_ref = s.r;
    s.shift_ref = s.shift;
    s.xtr_ref = s.xtr;
    select(problem, s);
  }

  /// The duality gap of the whole problem without a pass over X: r rebuilt from w, c_j' r exact
  /// on the working set, and outside it (where w_j = 0) the upper bound |c_j' r_ref| +
  /// ||c_j|| ||r - r_ref|| from the last full pass. With these upper bounds the rescaled dual
  /// point stays feasible and the conjugate terms are overestimated, so the gap is a valid
  /// (larger) certificate. Accepted when it is at most twice the working set's own gap.
  template <class M>
  bool bounded_pass(const ElasticNetProblem<M>& problem, State& s, double ws_gap) const {
    problem.residual(s.x, s.r, s.shift);
    for (const Index j : s.working_set) s.xtr[j] = problem.dot(j, s.r, s.shift);
    s.work.gradient_entries += static_cast<std::int64_t>(s.working_set.size());
    const double ds = s.shift - s.shift_ref;
    const double drift = std::sqrt(
        (s.r - s.r_ref).array().unaryExpr([ds](double v) { return (v + ds) * (v + ds); }).sum());
    const Index p = problem.dim();
    for (Index j = 0; j < p; ++j) {
      if (s.in_working_set[static_cast<std::size_t>(j)]) continue;
      s.xtr[j] = std::abs(s.xtr_ref[j]) + std::sqrt(problem.column_squared_norm(j)) * drift;
    }
    const double bound = evaluate(problem, s);
    (void)bound;
    s.certified = true;
    s.epochs_since_full = 0;
    if (!(s.gap <= 2.0 * ws_gap)) return false;
    ++s.bounded_passes;
    select(problem, s);
    return true;
  }

  /// Gap-safe screening from the current gap and c' r, then the working set.
  template <class M>
  void select(const ElasticNetProblem<M>& problem, State& s) const {
    const Index p = problem.dim();
    const double alpha = problem.alpha();
    const Gap g{s.gap, s.primal, problem.mu() > 0 ? 1.0 : dual_scale(alpha, s.xtr)};
    bool moved = false;
    if (params_.screening && alpha > 0) {
      // Round-off in the gap (a difference of terms of size ~P) and in c_j' theta must never
      // discard a coordinate at the boundary |c_j' theta*| = alpha: the radius uses the gap
      // plus 1e-12 P, and the test leaves a margin of 1e-9 alpha.
      const double radius = std::sqrt(2.0 * (g.gap + 1e-12 * std::abs(g.primal)));
      const double limit = alpha * (1.0 - 1e-9);
      for (Index j = 0; j < p; ++j) {
        if (s.screened[static_cast<std::size_t>(j)]) continue;
        const double bound =
            g.scale * std::abs(s.xtr[j]) + std::sqrt(problem.column_squared_norm(j)) * radius;
        if (bound < limit) {
          s.screened[static_cast<std::size_t>(j)] = 1;
          ++s.screened_count;
          if (s.x[j] != 0.0) {  // proven zero at the optimum: move it there now
            problem.subtract(j, -s.x[j], s.r, s.shift);
            s.x[j] = 0.0;
            moved = true;
          }
        }
      }
    }
    if (moved) {  // the certificate is always that of the iterate
      s.certified = false;
      (void)certify(problem, s);
    }
    // The working set: the support first, then by distance to the dual constraint.
    Index candidates = 0, support = 0;
    for (Index j = 0; j < p; ++j) {
      if (s.screened[static_cast<std::size_t>(j)]) continue;
      const double norm = std::sqrt(problem.column_squared_norm(j));
      double d = std::numeric_limits<double>::infinity();
      if (s.x[j] != 0.0) {
        d = -std::numeric_limits<double>::infinity();
        ++support;
      } else if (norm > 0) {
        d = (alpha - g.scale * std::abs(s.xtr[j])) / norm;
      }
      s.priority[j] = d;
      s.order[static_cast<std::size_t>(candidates++)] = j;
    }
    const Index size = std::min(candidates, std::max(params_.working_set_start, 2 * support));
    const auto begin = s.order.begin();
    const auto end = begin + candidates;
    if (size < candidates) {
      std::nth_element(begin, begin + size, end,
                       [&s](Index a, Index b) { return s.priority[a] < s.priority[b]; });
    }
    for (const Index j : s.working_set) s.in_working_set[static_cast<std::size_t>(j)] = 0;
    s.working_set.assign(begin, begin + size);
    std::sort(s.working_set.begin(), s.working_set.end());
    for (const Index j : s.working_set) s.in_working_set[static_cast<std::size_t>(j)] = 1;
  }

  [[nodiscard]] static double dual_scale(double alpha, const Vector<double>& xtr) {
    const double largest = xtr.size() > 0 ? xtr.cwiseAbs().maxCoeff() : 0.0;
    return largest > alpha ? alpha / largest : 1.0;
  }

  Params params_{};
};

}  // namespace iterum::bcd
