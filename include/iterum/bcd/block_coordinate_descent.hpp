#pragma once

/// @file block_coordinate_descent.hpp
/// @brief `bcd::BlockCoordinateDescent<Partition, Selection, Update, Separable>`: block
/// coordinate descent on a composite problem f(x) + sum_i g_i(x_i), f a `BlockSmooth` problem,
/// as an `iterum::Method`; and `bcd::OptimalityCertificate`, its certificate recomputed from
/// scratch.
///
/// Algorithm: Nutini, Laradji & Schmidt, "Let's Make Block Coordinate Descent Converge
/// Faster: Faster Greedy Rules, Message-Passing, Active-Set Complexity, and Superlinear
/// Convergence", JMLR 23(131), 2022, arXiv 1712.08859. One iteration picks a block b of a fixed
/// partition (the `Partition` policy) by the `Selection` rule, computes g_b = grad_b f(x), and
/// moves x_b by the `Update` rule, proximal for g != 0 (the `Separable` policy). The problem's
/// bookkeeping (a residual or a gradient) is updated per moved coordinate, so a step costs
/// O(nnz of the block's columns) for the cyclic and random rules; the greedy rules read the
/// full gradient, maintained by the problem when it can (quadratics), else computed (n partial
/// derivatives).

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/bcd/detail/descent.hpp"
#include "iterum/bcd/partition.hpp"
#include "iterum/bcd/selection.hpp"
#include "iterum/bcd/separable.hpp"
#include "iterum/bcd/update.hpp"
#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd {

/// The work of a block coordinate descent run.
struct BcdWork {
  std::int64_t block_steps = 0;         ///< blocks updated (iterations)
  std::int64_t coordinate_updates = 0;  ///< coordinates moved (each: O(nnz of its column))
  std::int64_t gradient_entries = 0;    ///< partial derivatives computed (each: O(nnz of its
                                        ///< column) for least squares; none are computed when
                                        ///< the problem maintains its gradient)
};

/// The state of `BlockCoordinateDescent`.
template <class Scalar, class Factor>
struct BcdState {
  Vector<Scalar> x;                     ///< the iterate
  Vector<Scalar> tracked;               ///< the problem's bookkeeping at x (residual, gradient)
  std::vector<Index> order;             ///< the coordinates, block after block
  Index block_size = 1;                 ///< coordinates per block (the last may have fewer)
  std::vector<double> block_lipschitz;  ///< L_b per block
  std::vector<double> cumulative;       ///< prefix sums of L_b
  std::vector<double> scores;           ///< per-block scores of the greedy rules
  std::vector<Factor> factors;          ///< per-block data of the update (Cholesky of H_bb)
  Vector<Scalar> gradient;              ///< the full gradient, when a rule computes it
  Vector<Scalar> block_gradient;        ///< g_b of the last step
  Vector<Scalar> direction;             ///< the move of the last step
  Engine engine;                        ///< the random rules' engine (seeded by init)
  Index iteration = 0;                  ///< iterations completed
  Index last_block = -1;                ///< the block of the last step
  BcdWork work{};                       ///< block steps, coordinate updates, gradient entries
  Counters counters{};                  ///< oracle_calls = coordinate updates + gradient entries

  /// Number of blocks.
  [[nodiscard]] Index blocks() const noexcept { return static_cast<Index>(block_lipschitz.size()); }
  /// The coordinates of block b.
  [[nodiscard]] std::span<const Index> block(Index b) const noexcept {
    const auto n = static_cast<Index>(order.size());
    const Index begin = b * block_size;
    const Index end = std::min(n, begin + block_size);
    return {order.data() + begin, static_cast<std::size_t>(end - begin)};
  }
};

/// Settings of `BlockCoordinateDescent`.
struct BcdParams {
  Index block_size = 5;    ///< tau, coordinates per fixed block (1 <= tau <= n)
  std::uint64_t seed = 0;  ///< seed of the random rules' engine
};

/// Block coordinate descent as an `iterum::Method` over a `BlockSmooth` problem `P`, with the
/// composite term g given by `Separable` (`NoPenalty`, `L1Penalty<S>`, `BoxConstraint<S>`).
/// Policies are held by value. `MatrixUpdate` needs g = 0 and a problem with `hessian(i, j)`.
///
/// `residual(problem, state)` is the first-order optimality violation
/// max_i dist(0, d_i f(x) + dg_i(x_i)) from the problem's bookkeeping (n partial derivatives:
/// O(nnz(A)) for least squares, so facades evaluate it through `iterum::Certified` with an
/// `OptimalityCertificate` once per epoch instead).
template <class Partition = Sort, class Selection = GaussSouthwellLipschitz,
          class Update = GradientUpdate, class Separable = NoPenalty, class Scalar = double>
class BlockCoordinateDescent {
 public:
  using Params = BcdParams;
  using State = BcdState<Scalar, typename Update::template Factor<Scalar>>;

  explicit BlockCoordinateDescent(Params params = {}, Separable separable = {},
                                  Partition partition = {}, Selection selection = {},
                                  Update update = {})
      : params_(params),
        separable_(std::move(separable)),
        partition_(std::move(partition)),
        selection_(std::move(selection)),
        update_(std::move(update)) {
    check::positive("iterum::bcd::BlockCoordinateDescent", "params.block_size",
                    static_cast<double>(params_.block_size));
  }

  /// Starts from x = 0 (projected onto dom g).
  template <class P>
  [[nodiscard]] State init(const P& problem) const {
    return init(problem, Vector<Scalar>::Zero(problem.dim()));
  }

  /// Starts from `x0`, projected onto dom g (a warm start). Builds the partition, the block
  /// constants L_b = lambda_max(H_bb) (sum of L_i without a Hessian bound) and, for
  /// `MatrixUpdate`, the Cholesky factor of every H_bb.
  /// @throws iterum::invalid_argument for x0 of the wrong size, a block size above n, or (for
  /// `MatrixUpdate`) a block H_bb that is not positive definite.
  template <class P>
  [[nodiscard]] State init(const P& problem, const Vector<Scalar>& x0) const {
    check_problem<P>();
    constexpr std::string_view function = "iterum::bcd::BlockCoordinateDescent::init";
    const Index n = problem.dim();
    detail::check_start(function, x0, n);
    check::in_range(function, "params.block_size", static_cast<double>(params_.block_size), 1.0,
                    static_cast<double>(n));
    State s;
    s.x.resize(n);
    for (Index i = 0; i < n; ++i) s.x[i] = separable_.feasible(i, x0[i]);
    detail::track(problem, s.x, s.tracked);
    s.order.resize(static_cast<std::size_t>(n));
    partition_.arrange(problem.coordinate_lipschitz(), s.order);
    s.block_size = params_.block_size;
    const Index blocks = (n + s.block_size - 1) / s.block_size;
    s.block_lipschitz.resize(static_cast<std::size_t>(blocks));
    s.cumulative.resize(static_cast<std::size_t>(blocks));
    s.scores.assign(static_cast<std::size_t>(blocks), 0.0);
    if constexpr (Update::uses_factor) s.factors.resize(static_cast<std::size_t>(blocks));
    Matrix<Scalar> h(s.block_size, s.block_size);
    double total = 0.0;
    for (Index b = 0; b < blocks; ++b) {
      const auto span = s.block(b);
      const Index* idx = span.data();
      const auto k = static_cast<Index>(span.size());
      double lb = 0.0;
      if constexpr (BlockHessian<P>) {
        auto hb = h.topLeftCorner(k, k);
        for (Index r = 0; r < k; ++r)
          for (Index c = 0; c < k; ++c) hb(r, c) = problem.hessian(idx[r], idx[c]);
        lb = k == 1 ? static_cast<double>(hb(0, 0))
                    : static_cast<double>(
                          Eigen::SelfAdjointEigenSolver<Matrix<Scalar>>(hb, Eigen::EigenvaluesOnly)
                              .eigenvalues()
                              .maxCoeff());
        if constexpr (Update::uses_factor) {
          auto& factor = s.factors[static_cast<std::size_t>(b)];
          factor.compute(hb);
          if (factor.info() != Eigen::Success) {
            check::fail(function, "problem",
                        "has a block of its Hessian bound that is not positive definite (block " +
                            std::to_string(b) + ", coordinates from " + std::to_string(idx[0]) +
                            ")",
                        {});
          }
        }
      } else {
        static_assert(!Update::uses_factor,
                      "iterum::bcd::BlockCoordinateDescent: MatrixUpdate needs a problem with "
                      "hessian(i, j) (iterum::BlockHessian); see docs/concepts.md#blocksmooth");
        for (const Index i : span) lb += static_cast<double>(problem.coordinate_lipschitz()[i]);
      }
      // A block on which f is constant (zero columns) has L_b = 0: any step is safe there, and
      // the step 1 (in units of the data) lets the prox act.
      if (!(lb > 0) || !std::isfinite(lb)) lb = 1.0;
      s.block_lipschitz[static_cast<std::size_t>(b)] = lb;
      total += lb;
      s.cumulative[static_cast<std::size_t>(b)] = total;
    }
    if constexpr (Selection::score != BlockScore::None && !MaintainedGradient<P>) {
      s.gradient.resize(n);
    }
    s.block_gradient = Vector<Scalar>::Zero(s.block_size);
    s.direction = Vector<Scalar>::Zero(s.block_size);
    s.engine = make_engine(params_.seed);
    return s;
  }

  /// One block step (no allocation): select, compute g_b, move x_b.
  template <class P>
  void step(const P& problem, State& s) const {
    const Vector<Scalar>* full = nullptr;
    if constexpr (Selection::score != BlockScore::None) {
      full = &full_gradient(problem, s);
      score_blocks(*full, s);
    }
    const SelectionInput input{s.iteration, std::span<const double>(s.scores),
                               std::span<const double>(s.block_lipschitz),
                               std::span<const double>(s.cumulative)};
    const Index b = selection_.choose(input, s.engine);
    const auto span = s.block(b);
    const Index* idx = span.data();
    const auto k = static_cast<Index>(span.size());
    auto gb = s.block_gradient.head(k);
    for (Index j = 0; j < k; ++j)
      gb[j] = full ? (*full)[idx[j]] : problem.partial(idx[j], s.tracked);
    if (!full) s.work.gradient_entries += k;
    auto d = s.direction.head(k);
    if constexpr (Update::uses_factor) {
      static_assert(std::is_same_v<Separable, NoPenalty>,
                    "iterum::bcd::BlockCoordinateDescent: MatrixUpdate needs g = 0 (NoPenalty); "
                    "use GradientUpdate (the proximal gradient step) for L1 and bounds");
      // d = -H_bb^{-1} g_b by the cached Cholesky factor (two triangular solves in place).
      const auto& factor = s.factors[static_cast<std::size_t>(b)];
      d = -gb;
      factor.matrixL().solveInPlace(d);
      factor.matrixU().solveInPlace(d);
      for (Index j = 0; j < k; ++j) move(problem, s, idx[j], s.x[idx[j]] + d[j]);
    } else {
      // The proximal gradient step with 1/L_b (for g = 0 the gradient step).
      const auto lb = static_cast<Scalar>(s.block_lipschitz[static_cast<std::size_t>(b)]);
      const Scalar t = Scalar(1) / lb;
      for (Index j = 0; j < k; ++j) {
        const Index i = idx[j];
        const Scalar next = separable_.prox(i, s.x[i] - t * gb[j], t);
        d[j] = next - s.x[i];
        move(problem, s, i, next);
      }
    }
    s.last_block = b;
    ++s.iteration;
    ++s.work.block_steps;
    s.counters.oracle_calls = s.work.coordinate_updates + s.work.gradient_entries;
  }

  /// max_i dist(0, d_i f(x) + dg_i(x_i)) from the bookkeeping (n partial derivatives).
  template <class P>
  [[nodiscard]] double residual(const P& problem, const State& s) const {
    return detail::largest_violation(s.x.size(), [&](Index i) {
      return static_cast<double>(separable_.violation(i, s.x[i], problem.partial(i, s.tracked)));
    });
  }

  /// O(tau) finiteness test: a step changes only the entries of its block, so x is finite when
  /// it was before and the last block's entries are (the whole of x before the first step).
  template <class P>
  [[nodiscard]] bool is_finite(const P& /*problem*/, const State& s) const {
    return detail::finite_after_step(
        s.x, s.last_block >= 0,
        s.last_block >= 0 ? s.block(s.last_block) : std::span<const Index>{});
  }

  /// F(x) = f(x) + g(x) of the state's iterate.
  template <class P>
  [[nodiscard]] Scalar objective(const P& problem, const State& s) const {
    return problem.value(s.x, s.tracked) + separable_.value(s.x);
  }

  [[nodiscard]] const Params& params() const noexcept { return params_; }
  [[nodiscard]] const Separable& separable() const noexcept { return separable_; }

 private:
  template <class P>
  static constexpr void check_problem() {
    static_assert(BlockSmooth<P>,
                  "iterum::bcd::BlockCoordinateDescent: the problem must model "
                  "iterum::BlockSmooth (Scalar, dim(), tracked_size(), reset(x, t), value(x, t), "
                  "partial(i, t), move(i, delta, t), coordinate_lipschitz()); see "
                  "docs/concepts.md#blocksmooth");
  }

  /// Sets x_i = value and updates the bookkeeping.
  template <class P>
  static void move(const P& problem, State& s, Index i, Scalar value) {
    const auto delta = value - s.x[i];
    if (delta == 0) return;
    s.x[i] = value;
    problem.move(i, delta, s.tracked);
    ++s.work.coordinate_updates;
  }

  /// The full gradient at x: the maintained one, or n partial derivatives into s.gradient.
  template <class P>
  static const Vector<Scalar>& full_gradient(const P& problem, State& s) {
    if constexpr (MaintainedGradient<P>) {
      return problem.gradient(s.tracked);
    } else {
      const Index n = s.x.size();
      for (Index i = 0; i < n; ++i) s.gradient[i] = problem.partial(i, s.tracked);
      s.work.gradient_entries += n;
      return s.gradient;
    }
  }

  /// The per-block scores the greedy rule reads.
  void score_blocks(const Vector<Scalar>& g, State& s) const {
    for (Index b = 0; b < s.blocks(); ++b) {
      double score = 0.0;
      if constexpr (Selection::score == BlockScore::Violation) {
        for (const Index i : s.block(b)) {
          const auto v = static_cast<double>(separable_.violation(i, s.x[i], g[i]));
          score += v * v;
        }
      } else {
        // GS-q: -(g_i d_i + L_b/2 d_i^2 + g_i(x_i + d_i) - g_i(x_i)) summed over the block,
        // d_i the proximal-gradient move with 1/L_b.
        const auto lb = static_cast<Scalar>(s.block_lipschitz[static_cast<std::size_t>(b)]);
        const Scalar t = Scalar(1) / lb;
        for (const Index i : s.block(b)) {
          const Scalar x = s.x[i];
          const Scalar next = separable_.prox(i, x - t * g[i], t);
          const Scalar di = next - x;
          const Scalar change = separable_.value_change(i, x, next);
          score += static_cast<double>(-(g[i] * di + Scalar(0.5) * lb * di * di + change));
        }
      }
      s.scores[static_cast<std::size_t>(b)] = score;
    }
  }

  Params params_;
  Separable separable_;
  Partition partition_;
  Selection selection_;
  Update update_;
};

/// The first-order optimality violation max_i dist(0, d_i f(x) + dg_i(x_i)) of a point,
/// recomputed from scratch (the bookkeeping rebuilt from x, not the one the iterations
/// maintained): models `iterum::Certificate` for `iterum::Certified`.
template <class P, class Separable>
class OptimalityCertificate {
 public:
  using Scalar = typename P::Scalar;
  OptimalityCertificate(const P& problem, Separable separable)
      : separable_(std::move(separable)),
        tracked_(Vector<Scalar>::Zero(problem.tracked_size())),
        point_(Vector<Scalar>::Zero(problem.dim())) {}

  [[nodiscard]] double evaluate(const P& problem, const Vector<Scalar>& x) {
    point_ = x;
    problem.reset(point_, tracked_);
    ++calls_;
    return detail::largest_violation(point_.size(), [&](Index i) {
      return static_cast<double>(separable_.violation(i, point_[i], problem.partial(i, tracked_)));
    });
  }
  [[nodiscard]] const Vector<Scalar>& point() const noexcept { return point_; }
  /// Certificates evaluated (each: the bookkeeping rebuilt and n partial derivatives).
  [[nodiscard]] std::int64_t calls() const noexcept { return calls_; }
  /// The bookkeeping rebuilt at the last certified point (e.g. for its objective).
  [[nodiscard]] const Vector<Scalar>& tracked() const noexcept { return tracked_; }

 private:
  Separable separable_;
  Vector<Scalar> tracked_;
  Vector<Scalar> point_;
  std::int64_t calls_ = 0;
};

}  // namespace iterum::bcd
