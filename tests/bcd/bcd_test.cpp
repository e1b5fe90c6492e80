#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "iterum/bcd/block_coordinate_descent.hpp"
#include "iterum/bcd/l1_least_squares.hpp"
#include "iterum/bcd/least_squares_problem.hpp"
#include "iterum/bcd/nnls.hpp"
#include "iterum/bcd/quadratic.hpp"
#include "iterum/bcd/quadratic_problem.hpp"
#include "iterum/core/concepts.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;
using iterum::bcd::BcdOptions;
using iterum::bcd::BcdPartition;
using iterum::bcd::BcdSelection;
using iterum::bcd::BcdUpdate;
using iterum::test::invalid_argument_message;
using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;

namespace {

/// A random SPD matrix G^T G / m + shift I with a diagonal spread by column scales.
Mat bcd_random_spd(Index n, std::uint64_t seed) {
  const Mat g = iterum::test::normal_matrix(2 * n, n, seed);
  auto engine = iterum::make_engine(seed + 1);
  Vec scale(n);
  for (Index i = 0; i < n; ++i) scale[i] = std::pow(10.0, iterum::random::uniform(engine, -1, 1));
  Mat a =
      scale.asDiagonal() * (g.transpose() * g / static_cast<double>(2 * n)) * scale.asDiagonal();
  a.diagonal().array() += 0.05;
  return Mat((a + a.transpose()) / 2);
}

/// An m x n matrix with standard normal entries and column j scaled by 10^u, u ~ U[-1, 1)
/// (non-uniform L_i, as the paper's least-squares data set).
Mat bcd_scaled_columns(Index m, Index n, std::uint64_t seed) {
  Mat a = iterum::test::normal_matrix(m, n, seed);
  auto engine = iterum::make_engine(seed + 7);
  for (Index j = 0; j < n; ++j) a.col(j) *= std::pow(10.0, iterum::random::uniform(engine, -1, 1));
  return a;
}

Vec bcd_normal_vector(Index n, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  return iterum::random::normal_vector(engine, n);
}

/// max_i dist(0, grad_i + dg_i(x_i)) for 1/2||Ax-b||^2 + lambda||x||_1 (bounds: x >= 0 when
/// nonnegative), computed directly from x (independent of the library).
double bcd_kkt_violation(const Mat& a, const Vec& b, const Vec& x, double lambda,
                         bool nonnegative) {
  const Vec g = a.transpose() * (a * x - b);
  double worst = 0.0;
  for (Index i = 0; i < x.size(); ++i) {
    double v = 0.0;
    if (nonnegative) {
      v = x[i] > 0 ? std::abs(g[i]) : std::max(0.0, -g[i]);
      if (x[i] < 0) v = std::numeric_limits<double>::infinity();
    } else if (x[i] != 0) {
      v = std::abs(g[i] + lambda * (x[i] > 0 ? 1.0 : -1.0));
    } else {
      v = std::max(0.0, std::abs(g[i]) - lambda);
    }
    worst = std::max(worst, v);
  }
  return worst;
}

/// NNLS by enumerating every support S: the unconstrained least-squares solution on the
/// columns in S, kept when it is positive on S and the gradient is >= 0 off S (the KKT point;
/// unique for A of full column rank).
Vec bcd_brute_force_nnls(const Mat& a, const Vec& b) {
  const Index n = a.cols();
  Vec best = Vec::Zero(n);
  double best_violation = std::numeric_limits<double>::infinity();
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    std::vector<Index> s;
    for (Index i = 0; i < n; ++i)
      if (mask & (1u << i)) s.push_back(i);
    Vec x = Vec::Zero(n);
    if (!s.empty()) {
      Mat as(a.rows(), static_cast<Index>(s.size()));
      for (std::size_t k = 0; k < s.size(); ++k) as.col(static_cast<Index>(k)) = a.col(s[k]);
      const Vec xs = (as.transpose() * as).ldlt().solve(as.transpose() * b);
      if ((xs.array() <= 0).any()) continue;
      for (std::size_t k = 0; k < s.size(); ++k) x[s[k]] = xs[static_cast<Index>(k)];
    }
    const double v = bcd_kkt_violation(a, b, x, 0.0, true);
    if (v < best_violation) {
      best_violation = v;
      best = x;
    }
  }
  return best;
}

/// Cyclic coordinate descent for 1/2||Ax-b||^2 + lambda||x||_1 with exact coordinate
/// minimization on the Gram matrix, run until no coordinate moves by more than 1e-15 relative.
Vec bcd_reference_lasso(const Mat& a, const Vec& b, double lambda) {
  const Mat gram = a.transpose() * a;
  const Vec atb = a.transpose() * b;
  const Index n = a.cols();
  Vec x = Vec::Zero(n);
  for (int sweep = 0; sweep < 200000; ++sweep) {
    double change = 0.0;
    for (Index i = 0; i < n; ++i) {
      const double rho = atb[i] - gram.row(i).dot(x) + gram(i, i) * x[i];
      const double next = rho > lambda ? (rho - lambda) / gram(i, i)
                                       : (rho < -lambda ? (rho + lambda) / gram(i, i) : 0.0);
      change = std::max(change, std::abs(next - x[i]));
      x[i] = next;
    }
    if (change <= 1e-15 * std::max(1.0, x.cwiseAbs().maxCoeff())) break;
  }
  return x;
}

const BcdSelection bcd_all_selections[] = {BcdSelection::Cyclic,
                                           BcdSelection::Random,
                                           BcdSelection::Lipschitz,
                                           BcdSelection::GaussSouthwell,
                                           BcdSelection::GaussSouthwellLipschitz,
                                           BcdSelection::GaussSouthwellQ};

}  // namespace

TEST_CASE("bcd: the problems model BlockSmooth", "[bcd]") {
  using Ls = iterum::bcd::LeastSquaresProblem<Mat>;
  using Quad = iterum::bcd::QuadraticProblem<Eigen::SparseMatrix<double>>;
  STATIC_REQUIRE(iterum::BlockSmooth<Ls>);
  STATIC_REQUIRE(iterum::BlockHessian<Ls>);
  STATIC_REQUIRE(!iterum::MaintainedGradient<Ls>);
  STATIC_REQUIRE(iterum::BlockSmooth<Quad>);
  STATIC_REQUIRE(iterum::MaintainedGradient<Quad>);
  using M = iterum::bcd::BlockCoordinateDescent<>;
  STATIC_REQUIRE(iterum::Method<M, Ls>);
  STATIC_REQUIRE(iterum::WarmStartable<M, Ls, Vec>);
}

TEST_CASE("bcd::quadratic matches a dense Cholesky solve for every rule, partition and update",
          "[bcd]") {
  const Index n = 23;  // not a multiple of the block size: the last block is shorter
  const Mat a = bcd_random_spd(n, 3);
  const Vec b = bcd_normal_vector(n, 4);
  const Vec reference = a.llt().solve(b);
  const double f_star = 0.5 * reference.dot(a * reference) - b.dot(reference);
  const Eigen::SparseMatrix<double> sparse = a.sparseView();
  for (const auto selection : bcd_all_selections) {
    for (const auto partition : {BcdPartition::Order, BcdPartition::Sort}) {
      for (const auto update : {BcdUpdate::Gradient, BcdUpdate::Matrix}) {
        const BcdOptions options{.tolerance = 1e-11,
                                 .max_iterations = 200000,
                                 .seed = 5,
                                 .block_size = 4,
                                 .selection = selection,
                                 .partition = partition,
                                 .update = update};
        for (const bool use_sparse : {false, true}) {
          const auto r = use_sparse ? iterum::bcd::quadratic(sparse, b, options)
                                    : iterum::bcd::quadratic(a, b, options);
          INFO("selection " << static_cast<int>(selection) << " partition "
                            << static_cast<int>(partition) << " update " << static_cast<int>(update)
                            << " sparse " << use_sparse << " iterations " << r.iterations
                            << " residual " << r.residual);
          REQUIRE(r.ok());
          CHECK(r.residual <= 1e-11);
          CHECK((r.x - reference).cwiseAbs().maxCoeff() <= 1e-8 * reference.cwiseAbs().maxCoeff());
          CHECK(std::abs(r.objective - f_star) <= 1e-10 * std::abs(f_star));
          // Independent certificate from the returned x: max |A x - b| relative to max |b|,
          // which the library's power-of-two scaling bounds within a factor 2.
          CHECK((a * r.x - b).cwiseAbs().maxCoeff() <= 2e-11 * b.cwiseAbs().maxCoeff());
          CHECK(r.work.block_steps == r.iterations);
          CHECK(r.certificates >= 1);
        }
      }
    }
  }
}

TEST_CASE("bcd::nnls matches a brute-force active-set enumeration on tiny problems", "[bcd]") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const Index n = 2 + static_cast<Index>(seed % 7);  // 2..8
    const Mat a = bcd_scaled_columns(n + 6, n, 100 + seed);
    const Vec b = bcd_normal_vector(n + 6, 200 + seed);
    const Vec reference = bcd_brute_force_nnls(a, b);
    for (const auto selection : {BcdSelection::Automatic, BcdSelection::Cyclic,
                                 BcdSelection::GaussSouthwell, BcdSelection::Random}) {
      const auto r = iterum::bcd::nnls(a, b,
                                       {.tolerance = 1e-12,
                                        .max_iterations = 500000,
                                        .seed = seed,
                                        .block_size = std::min<Index>(2, n),
                                        .selection = selection});
      INFO("seed " << seed << " n " << n << " selection " << static_cast<int>(selection)
                   << " iterations " << r.iterations);
      REQUIRE(r.ok());
      CHECK((r.x.array() >= 0).all());
      CHECK((r.x - reference).cwiseAbs().maxCoeff() <=
            1e-7 * std::max(1.0, reference.cwiseAbs().maxCoeff()));
      CHECK(r.support == (reference.array() > 0).count());
      // KKT from the returned x, computed here: relative to max|A| max|b|, within a factor 4.
      CHECK(bcd_kkt_violation(a, b, r.x, 0.0, true) <=
            4e-12 * a.cwiseAbs().maxCoeff() * b.cwiseAbs().maxCoeff());
    }
  }
}

TEST_CASE("bcd::l1_least_squares matches a coordinate-descent reference and its support", "[bcd]") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Mat a = bcd_scaled_columns(40, 30, 300 + seed);
    const Vec b = bcd_normal_vector(40, 400 + seed);
    const double lambda_max = (a.transpose() * b).cwiseAbs().maxCoeff();
    for (const double fraction : {0.05, 0.3}) {
      const double lambda = fraction * lambda_max;
      const Vec reference = bcd_reference_lasso(a, b, lambda);
      for (const auto selection : {BcdSelection::Automatic, BcdSelection::GaussSouthwell,
                                   BcdSelection::Cyclic, BcdSelection::Lipschitz}) {
        for (const auto partition : {BcdPartition::Order, BcdPartition::Sort}) {
          const auto r = iterum::bcd::l1_least_squares(a, b, lambda,
                                                       {.tolerance = 1e-12,
                                                        .max_iterations = 1000000,
                                                        .seed = seed,
                                                        .block_size = 3,
                                                        .selection = selection,
                                                        .partition = partition});
          INFO("seed " << seed << " fraction " << fraction << " selection "
                       << static_cast<int>(selection) << " iterations " << r.iterations);
          REQUIRE(r.ok());
          CHECK((r.x - reference).cwiseAbs().maxCoeff() <=
                1e-7 * std::max(1.0, reference.cwiseAbs().maxCoeff()));
          CHECK(((r.x.array() != 0) == (reference.array() != 0)).all());
          CHECK(r.support == (reference.array() != 0).count());
          const double f = 0.5 * (a * r.x - b).squaredNorm() + lambda * r.x.lpNorm<1>();
          CHECK(std::abs(r.objective - f) <= 1e-12 * f);
          CHECK(bcd_kkt_violation(a, b, r.x, lambda, false) <=
                4e-12 * a.cwiseAbs().maxCoeff() * b.cwiseAbs().maxCoeff());
        }
      }
    }
  }
}

namespace {

/// Runs `steps` steps of `method` on a least-squares problem and checks every step's decrease
/// against its progress bound: ||g_b||^2 / (2 L_b) for the gradient step, 1/2 g_b^T H_bb^-1 g_b
/// (= -1/2 g_b . d for d = -H_bb^-1 g_b) for the matrix step.
template <class Method>
void bcd_check_progress(const Method& method, bool matrix, std::uint64_t seed) {
  const Mat a = bcd_scaled_columns(50, 40, seed);
  const Vec b = bcd_normal_vector(50, seed + 1);
  const iterum::bcd::LeastSquaresProblem<Mat> problem(a, b);
  auto s = method.init(problem);
  for (int k = 0; k < 300; ++k) {
    const double before = problem.value(s.x, s.tracked);
    method.step(problem, s);
    const double after = problem.value(s.x, s.tracked);
    const auto size = static_cast<Index>(s.block(s.last_block).size());
    const Vec g = s.block_gradient.head(size);
    const double lb = s.block_lipschitz[static_cast<std::size_t>(s.last_block)];
    const double bound =
        matrix ? -0.5 * g.dot(s.direction.head(size)) : g.squaredNorm() / (2.0 * lb);
    // The matrix step attains its bound on a quadratic; the gradient step may exceed it.
    INFO("step " << k << " decrease " << before - after << " bound " << bound);
    REQUIRE(before - after >= bound - 1e-12 * before);
    if (matrix) {
      // The bound is also at least the gradient step's (||g||^2_{H^-1} >= ||g||^2 / lambda_max).
      REQUIRE(bound >= g.squaredNorm() / (2.0 * lb) * (1 - 1e-12));
    }
  }
  // The maintained residual is still the true one.
  CHECK((s.tracked - (a * s.x - b)).cwiseAbs().maxCoeff() <= 1e-10 * b.cwiseAbs().maxCoeff());
}

}  // namespace

TEST_CASE("bcd: every step decreases f at least by its progress bound", "[bcd]") {
  namespace bcd = iterum::bcd;
  const iterum::bcd::BcdParams params{.block_size = 4, .seed = 9};
  for (std::uint64_t seed = 11; seed <= 13; ++seed) {
    bcd_check_progress(
        bcd::BlockCoordinateDescent<bcd::Order, bcd::Cyclic, bcd::GradientUpdate>(params), false,
        seed);
    bcd_check_progress(
        bcd::BlockCoordinateDescent<bcd::Sort, bcd::Random, bcd::GradientUpdate>(params), false,
        seed);
    bcd_check_progress(
        bcd::BlockCoordinateDescent<bcd::Sort, bcd::GaussSouthwellLipschitz, bcd::GradientUpdate>(
            params),
        false, seed);
    bcd_check_progress(
        bcd::BlockCoordinateDescent<bcd::Order, bcd::Cyclic, bcd::MatrixUpdate>(params), true,
        seed);
    bcd_check_progress(
        bcd::BlockCoordinateDescent<bcd::Sort, bcd::GaussSouthwell, bcd::MatrixUpdate>(params),
        true, seed);
  }
}

TEST_CASE("bcd: steps do not allocate and count their work", "[bcd]") {
  namespace bcd = iterum::bcd;
  const Mat a = bcd_scaled_columns(30, 20, 21);
  const Vec b = bcd_normal_vector(30, 22);
  const bcd::LeastSquaresProblem<Mat> ls(a, b);
  const bcd::BlockCoordinateDescent<bcd::Sort, bcd::GaussSouthwellQ, bcd::GradientUpdate,
                                    bcd::L1Penalty<double>>
      greedy({.block_size = 3}, {0.1});
  const bcd::BlockCoordinateDescent<bcd::Order, bcd::Random, bcd::GradientUpdate,
                                    bcd::BoxConstraint<double>>
      random({.block_size = 3}, bcd::BoxConstraint<double>::nonnegative(20));
  const Mat q = bcd_random_spd(20, 23);
  const Eigen::SparseMatrix<double> qs = q.sparseView();
  const Vec c = b.head(20);
  const bcd::QuadraticProblem<Eigen::SparseMatrix<double>> quad(qs, c);
  const bcd::BlockCoordinateDescent<bcd::Sort, bcd::GaussSouthwellLipschitz, bcd::MatrixUpdate>
      matrix({.block_size = 3});
  auto s1 = greedy.init(ls);
  auto s2 = random.init(ls);
  auto s3 = matrix.init(quad);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 10; ++k) {
    greedy.step(ls, s1);
    random.step(ls, s2);
    matrix.step(quad, s3);
  }
  Eigen::internal::set_is_malloc_allowed(true);
  // Greedy on least squares: n partial derivatives per step to score the blocks.
  CHECK(s1.work.block_steps == 10);
  CHECK(s1.work.gradient_entries == 10 * 20);
  CHECK(s1.work.coordinate_updates <= 10 * 3);
  // Random: only the block's partial derivatives (blocks of 3, the last of 2).
  CHECK(s2.work.gradient_entries <= 10 * 3);
  CHECK(s2.work.gradient_entries >= 10 * 2);
  // Quadratic: the greedy rule reads the maintained gradient; nothing is computed.
  CHECK(s3.work.gradient_entries == 0);
  CHECK(s3.work.coordinate_updates > 0);
  CHECK(s3.counters.oracle_calls == s3.work.coordinate_updates);
  CHECK((s2.x.array() >= 0).all());
  // The finiteness test reads only the last block (a step changes nothing else).
  CHECK(random.is_finite(ls, s2));
  const Index moved = s2.block(s2.last_block)[0];
  s2.x[moved] = std::numeric_limits<double>::quiet_NaN();
  CHECK(!random.is_finite(ls, s2));
}

TEST_CASE("bcd: sparse matrices and matrix expressions give the dense answers", "[bcd]") {
  const Mat a = bcd_scaled_columns(15, 8, 71);
  const Vec b = bcd_normal_vector(15, 72);
  Mat sparse_pattern = a;
  for (Index j = 0; j < a.cols(); ++j)
    for (Index i = 0; i < a.rows(); ++i)
      if ((i + 2 * j) % 3 == 0) sparse_pattern(i, j) = 0.0;
  const Eigen::SparseMatrix<double> as = sparse_pattern.sparseView();
  const Eigen::SparseMatrix<double, Eigen::RowMajor> as_rows = as;
  const BcdOptions options{.tolerance = 1e-12, .max_iterations = 500000, .block_size = 3};
  const auto dense = iterum::bcd::nnls(sparse_pattern, b, options);
  const auto by_columns = iterum::bcd::nnls(as, b, options);
  const auto by_rows = iterum::bcd::nnls(as_rows, b, options);
  REQUIRE(dense.ok());
  REQUIRE(by_columns.ok());
  REQUIRE(by_rows.ok());
  const Vec reference = bcd_brute_force_nnls(sparse_pattern, b);
  CHECK((dense.x - reference).cwiseAbs().maxCoeff() <= 1e-7 * reference.cwiseAbs().maxCoeff());
  CHECK((by_columns.x - reference).cwiseAbs().maxCoeff() <= 1e-7 * reference.cwiseAbs().maxCoeff());
  CHECK((by_rows.x - reference).cwiseAbs().maxCoeff() <= 1e-7 * reference.cwiseAbs().maxCoeff());
  // A dense expression is evaluated once.
  const auto from_expression = iterum::bcd::quadratic(a.transpose() * a, a.transpose() * b);
  REQUIRE(from_expression.ok());
  const Vec exact = (a.transpose() * a).llt().solve(a.transpose() * b);
  CHECK((from_expression.x - exact).cwiseAbs().maxCoeff() <= 1e-7 * exact.cwiseAbs().maxCoeff());
}

TEST_CASE("bcd: the method runs on iterum::solve with its own certificate; facades trace",
          "[bcd]") {
  namespace bcd = iterum::bcd;
  const Mat a = bcd_scaled_columns(25, 10, 81);
  const Vec b = bcd_normal_vector(25, 82);
  const bcd::LeastSquaresProblem<Mat> problem(a, b);
  const bcd::BlockCoordinateDescent<bcd::Sort, bcd::GaussSouthwellQ, bcd::GradientUpdate,
                                    bcd::BoxConstraint<double>>
      method({.block_size = 2}, bcd::BoxConstraint<double>::nonnegative(10));
  const auto r =
      iterum::solve(problem, method,
                    iterum::stop::standard(1e-9 * a.cwiseAbs().maxCoeff() * b.cwiseAbs().maxCoeff(),
                                           100000, 60.0));
  REQUIRE(r.ok());
  CHECK((r.state.x - bcd_brute_force_nnls(a, b)).cwiseAbs().maxCoeff() <= 1e-6);
  CHECK(r.counters.oracle_calls == r.state.work.coordinate_updates + r.state.work.gradient_entries);
  // A facade records the certificate per iteration on request and a trace of certificates.
  BcdOptions options{.tolerance = 1e-10};
  options.monitor.record_history = true;
  const auto f = iterum::bcd::nnls(a, b, options);
  REQUIRE(f.ok());
  CHECK(f.history.size() == static_cast<std::size_t>(f.iterations + 1));
  CHECK(f.history.back() == f.residual);
  REQUIRE(!f.trace.empty());
  CHECK(f.trace.back().residual == f.residual);
  CHECK(static_cast<std::int64_t>(f.trace.size()) == f.certificates);
}

TEST_CASE("bcd: a two-sided box matches a long projected-gradient reference", "[bcd]") {
  namespace bcd = iterum::bcd;
  const Mat a = bcd_scaled_columns(12, 6, 91);
  const Vec b = 3.0 * bcd_normal_vector(12, 92);
  const Vec lower = Vec::Constant(6, -0.2);
  const Vec upper = Vec::Constant(6, 0.3);
  // Reference: projected gradient with step 1/||A||_2^2, 200000 iterations.
  const double step = 1.0 / (a.transpose() * a).eigenvalues().real().maxCoeff();
  Vec reference = Vec::Zero(6);
  for (int k = 0; k < 200000; ++k) {
    reference =
        (reference - step * a.transpose() * (a * reference - b)).cwiseMax(lower).cwiseMin(upper);
  }
  const bcd::LeastSquaresProblem<Mat> problem(a, b);
  const bcd::BlockCoordinateDescent<bcd::Order, bcd::Random, bcd::GradientUpdate,
                                    bcd::BoxConstraint<double>>
      method({.block_size = 2, .seed = 3}, bcd::BoxConstraint<double>{{lower, upper}});
  const auto r = iterum::solve(problem, method, iterum::stop::standard(1e-13, 1000000, 60.0));
  REQUIRE(r.ok());
  CHECK((r.state.x - reference).cwiseAbs().maxCoeff() <= 1e-9);
  CHECK(((r.state.x.array() >= -0.2) && (r.state.x.array() <= 0.3)).all());
  // Some bounds are active at this solution (otherwise the test would not test the box).
  CHECK(((reference.array() == -0.2) || (reference.array() == 0.3)).count() >= 1);
}

TEST_CASE("bcd: the seed determines the random rules", "[bcd]") {
  const Mat a = bcd_scaled_columns(40, 30, 31);
  const Vec b = bcd_normal_vector(40, 32);
  for (const auto selection : {BcdSelection::Random, BcdSelection::Lipschitz}) {
    const BcdOptions options{.max_iterations = 40, .seed = 77, .selection = selection};
    const auto r1 = iterum::bcd::nnls(a, b, options);
    const auto r2 = iterum::bcd::nnls(a, b, options);
    BcdOptions other = options;
    other.seed = 78;
    const auto r3 = iterum::bcd::nnls(a, b, other);
    CHECK(r1.x == r2.x);
    CHECK(r1.work.coordinate_updates == r2.work.coordinate_updates);
    CHECK(r1.x != r3.x);
  }
}

TEST_CASE("bcd: budgets end with a status and finite results, never NaN", "[bcd]") {
  const Mat a = bcd_scaled_columns(60, 40, 41);
  const Vec b = bcd_normal_vector(60, 42);
  const auto r = iterum::bcd::l1_least_squares(a, b, 0.1, {.max_iterations = 3});
  CHECK(r.status == Status::MaxIterations);
  CHECK(r.iterations == 3);
  CHECK(r.x.allFinite());
  CHECK(std::isfinite(r.residual));
  CHECK(r.residual > 1e-10);
  CHECK(std::isfinite(r.objective));
  const auto t = iterum::bcd::nnls(a, b, {.time_limit_seconds = 1e-9});
  CHECK(t.status == Status::TimeLimit);
  CHECK(t.x.allFinite());
  CHECK(std::isfinite(t.residual));
  const auto q =
      iterum::bcd::quadratic(Mat(a.transpose() * a), Vec(a.transpose() * b), {.max_iterations = 0});
  CHECK(q.status == Status::MaxIterations);
  CHECK(q.x == Vec::Zero(40));
  CHECK(std::isfinite(q.residual));
}

TEST_CASE("bcd: Converged is certified from the returned x, at extreme scales too", "[bcd]") {
  const Mat a0 = bcd_scaled_columns(12, 7, 51);
  const Vec b0 = bcd_normal_vector(12, 52);
  const Mat q0 = a0.transpose() * a0 + Mat::Identity(7, 7);
  const Vec c0 = a0.transpose() * b0;
  const Vec x_quad = q0.llt().solve(c0);
  const Vec x_nnls = bcd_brute_force_nnls(a0, b0);
  for (const double sa : {1.0, 1e-200, 1e200}) {
    for (const double sb : {1.0, 1e-200, 1e200}) {
      if (sb / sa > 1e250 || sa / sb > 1e250) continue;  // x itself would not be representable
      INFO("scale of A " << sa << ", scale of b " << sb);
      const double tolerance = 1e-10;
      const auto q = iterum::bcd::quadratic(Mat(sa * q0), Vec(sb * c0), {.tolerance = tolerance});
      REQUIRE(q.ok());
      CHECK(q.residual <= tolerance);
      CHECK((q.x / (sb / sa) - x_quad).cwiseAbs().maxCoeff() <=
            1e-8 * x_quad.cwiseAbs().maxCoeff());
      // Recomputed here on the unit-scale data: the certificate is relative to max|b|.
      const Vec xq = q.x / (sb / sa);
      CHECK((q0 * xq - c0).cwiseAbs().maxCoeff() <= 2 * tolerance * c0.cwiseAbs().maxCoeff());
      const auto r = iterum::bcd::nnls(Mat(sa * a0), Vec(sb * b0), {.tolerance = tolerance});
      REQUIRE(r.ok());
      CHECK(r.x.allFinite());
      const Vec xn = r.x / (sb / sa);
      CHECK((xn - x_nnls).cwiseAbs().maxCoeff() <= 1e-8 * x_nnls.cwiseAbs().maxCoeff());
      CHECK(bcd_kkt_violation(a0, b0, xn, 0.0, true) <=
            4 * tolerance * a0.cwiseAbs().maxCoeff() * b0.cwiseAbs().maxCoeff());
      // L1 with lambda scaled like A^T b: the same x up to the scale factor (when the scaled
      // lambda is itself representable).
      const double lambda = 0.2 * (a0.transpose() * b0).cwiseAbs().maxCoeff();
      const double weight = sa * sb;
      if (!(weight > 1e-300 && weight < 1e300)) continue;
      const auto l1 = iterum::bcd::l1_least_squares(Mat(sa * a0), Vec(sb * b0), lambda * weight,
                                                    {.tolerance = tolerance});
      REQUIRE(l1.ok());
      const Vec xl = l1.x / (sb / sa);
      CHECK(bcd_kkt_violation(a0, b0, xl, lambda, false) <=
            4 * tolerance * a0.cwiseAbs().maxCoeff() * b0.cwiseAbs().maxCoeff());
    }
  }
}

TEST_CASE("bcd: bad input throws iterum::invalid_argument naming the argument", "[bcd]") {
  const Mat a = bcd_scaled_columns(6, 4, 61);
  const Vec b = bcd_normal_vector(6, 62);
  const Mat q = bcd_random_spd(4, 63);
  const Vec c = b.head(4);
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::nnls(a, Vec(Vec::Zero(5))); }) ==
        "iterum::bcd::nnls: argument 'b' must have as many entries as A has rows (6) (got 5)");
  Mat bad = a;
  bad(2, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::nnls(bad, b); }) ==
        "iterum::bcd::nnls: argument 'A' must be finite, but entry (2, 1) is not (got nan)");
  Vec bad_b = b;
  bad_b[3] = std::numeric_limits<double>::infinity();
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::l1_least_squares(a, bad_b, 1.0); }) ==
        "iterum::bcd::l1_least_squares: argument 'b' must be finite, but entry 3 is not (got inf)");
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::l1_least_squares(a, b, -1.0); }) ==
        "iterum::bcd::l1_least_squares: argument 'lambda' must be nonnegative (got -1)");
  CHECK(invalid_argument_message([&] {
          (void)iterum::bcd::l1_least_squares(a, b, std::numeric_limits<double>::infinity());
        }) == "iterum::bcd::l1_least_squares: argument 'lambda' must be finite (got inf)");
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::nnls(a, b, {.block_size = 0}); }) ==
        "iterum::bcd::nnls: argument 'options.block_size' must be positive (got 0)");
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::nnls(a, b, {.block_size = 5}); }) ==
        "iterum::bcd::nnls: argument 'options.block_size' must be at most the number of "
        "coordinates (4) (got 5)");
  CHECK(invalid_argument_message(
            [&] { (void)iterum::bcd::nnls(a, b, {.update = BcdUpdate::Matrix}); }) ==
        "iterum::bcd::nnls: argument 'options.update' must be Gradient or Automatic: the "
        "matrix update needs a smooth problem, and this one has bounds or an L1 term (the "
        "proximal gradient step handles them)");
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::nnls(a, b, {.tolerance = -1.0}); }) ==
        "iterum::bcd::nnls: argument 'options.tolerance' must be nonnegative (got -1)");
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::quadratic(a, b); }) ==
        "iterum::bcd::quadratic: argument 'A' must be square (got 6x4)");
  Mat asym = q;
  asym(0, 1) += 1.0;
  CHECK(invalid_argument_message([&] {
          (void)iterum::bcd::quadratic(asym, c);
        }).starts_with("iterum::bcd::quadratic: argument 'A' must be symmetric"));
  Mat negative = q;
  negative(2, 2) = -1.0;
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::quadratic(negative, c); }) ==
        "iterum::bcd::quadratic: argument 'A' must be positive definite, but diagonal entry 2 "
        "is not positive (got -1)");
  // Positive diagonal, indefinite 2 x 2 block.
  Mat indefinite = Mat::Identity(4, 4);
  indefinite(0, 1) = indefinite(1, 0) = 2.0;
  CHECK(invalid_argument_message([&] {
          (void)iterum::bcd::quadratic(indefinite, c,
                                       {.block_size = 2, .partition = BcdPartition::Order});
        }) ==
        "iterum::bcd::quadratic: argument 'A' must be positive definite, but a diagonal "
        "block A_bb of it has no Cholesky factorization");
  CHECK(invalid_argument_message([&] { (void)iterum::bcd::nnls(Mat(0, 0), Vec(0)); }) ==
        "iterum::bcd::nnls: argument 'A' must not be empty (got size 0)");
}
