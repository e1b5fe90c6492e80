#include "iterum/fixed_point/halpern.hpp"

#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iterum/core/observe.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/fixed_point/operators.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;
using iterum::fixed_point::HalpernOptions;
using iterum::fixed_point::HalpernRestart;
using iterum::test::invalid_argument_message;

namespace {

/// x -> M x for a fixed matrix M.
auto linear_map(const Eigen::MatrixXd& m) {
  return iterum::fixed_point::make_map<double>(
      m.rows(), [m](const Eigen::VectorXd& x, Eigen::VectorXd& tx) { tx.noalias() = m * x; });
}

/// A Haar-like random orthogonal matrix: the Q factor of a Gaussian matrix, columns signed so
/// that R has a positive diagonal.
Eigen::MatrixXd random_orthogonal(Index n, std::uint64_t seed) {
  const Eigen::MatrixXd g = iterum::test::normal_matrix(n, n, seed);
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  Eigen::MatrixXd q = qr.householderQ();
  const Eigen::MatrixXd r = qr.matrixQR().triangularView<Eigen::Upper>();
  for (Index j = 0; j < n; ++j)
    if (r(j, j) < 0) q.col(j) *= -1.0;
  return q;
}

/// The orthogonal projection of x0 onto the null space of B (singular values below 1e-9 times
/// the largest count as zero), by an SVD: the nearest fixed point when Fix T = null(T - I).
Eigen::VectorXd project_onto_null_space(const Eigen::MatrixXd& b, const Eigen::VectorXd& x0) {
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(b, Eigen::ComputeFullV);
  const Eigen::VectorXd& s = svd.singularValues();
  Eigen::VectorXd p = Eigen::VectorXd::Zero(x0.size());
  for (Index j = 0; j < b.cols(); ++j) {
    const double sj = j < s.size() ? s[j] : 0.0;
    if (sj <= 1e-9 * s[0]) p += svd.matrixV().col(j).dot(x0) * svd.matrixV().col(j);
  }
  return p;
}

/// The largest efficiency ratio (k+1) ||x_k - T x_k|| / (scale ||x0 - x*||), k >= 1, of a
/// residual history; scale = 2 for plain Halpern, 1 for reflected.
double max_efficiency(const std::vector<double>& history, double distance, double scale) {
  double worst = 0;
  for (std::size_t k = 1; k < history.size(); ++k) {
    worst = std::max(worst, static_cast<double>(k + 1) * history[k] / (scale * distance));
  }
  return worst;
}

/// Plain and reflected Halpern on the projection `t` onto a convex set, from x0 whose
/// projection is x_star: efficiency ratios within 2D/(k+1) and D/(k+1), limit x_star.
template <class T>
void check_projection(const T& t, const Eigen::VectorXd& x0, const Eigen::VectorXd& x_star) {
  const double d = (x0 - x_star).norm();
  for (const bool reflect : {false, true}) {
    const auto r = iterum::fixed_point::halpern(t, x0,
                                                {.tolerance = 0,
                                                 .max_iterations = 300,
                                                 .reflect = reflect,
                                                 .monitor = {.record_history = true}});
    INFO("reflect " << reflect);
    // Reflected Halpern on a firmly nonexpansive T halves the constant: D/(k+1).
    REQUIRE(max_efficiency(r.history, d, reflect ? 1.0 : 2.0) <= 1.0 + 1e-12);
    REQUIRE((r.x - x_star).norm() <= 0.05 * d);
  }
}

}  // namespace

TEST_CASE("Halpern on T = -I attains Lieder's bound 2||x0 - x*||/(k+1) at every even k",
          "[fixed_point][halpern]") {
  auto engine = iterum::make_engine(11);
  const Eigen::VectorXd x0 = iterum::random::normal_vector(engine, 10);
  const auto t = iterum::fixed_point::make_map<double>(
      10, [](const Eigen::VectorXd& x, Eigen::VectorXd& tx) { tx = -x; });
  // The residual is exactly 0 at odd k, so any tolerance would stop the facade at k = 1: run
  // the method on the driver with an iteration budget only.
  const iterum::fixed_point::HalpernMethod<double> method;
  iterum::observe::History history;
  const auto r =
      iterum::solve_from(t, method, method.init(t, x0), iterum::stop::max_iterations(400), history);
  const std::vector<double>& residuals = history.residuals;
  REQUIRE(r.status == Status::MaxIterations);
  REQUIRE(r.iterations == 400);
  REQUIRE(r.counters.oracle_calls == 401);
  REQUIRE(residuals.size() == 401);
  const double d = x0.norm();  // x* = 0
  REQUIRE(std::abs(residuals[0] - 2 * d) <= 1e-15 * d);
  for (std::size_t k = 1; k < residuals.size(); ++k) {
    INFO("k = " << k);
    if (k % 2 == 0) {
      const double bound = 2 * d / static_cast<double>(k + 1);
      REQUIRE(std::abs(residuals[k] - bound) <= 1e-12 * bound);
    } else {
      REQUIRE(residuals[k] <= 1e-14 * d);
    }
  }
  // The state's residual is that of its iterate, recomputed here.
  REQUIRE(std::abs(2 * r.state.x.norm() - r.residual) <= 1e-15 * d);
}

TEST_CASE("Halpern's efficiency ratio never exceeds 1 on random orthogonal maps",
          "[fixed_point][halpern]") {
  double worst_seen = 0;
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    const Index n = 30 + static_cast<Index>(seed);  // odd and even dimensions
    const Eigen::MatrixXd q = random_orthogonal(n, seed);
    const auto t = linear_map(q);
    auto engine = iterum::make_engine(100 + seed);
    const Eigen::VectorXd x0 = iterum::random::normal_vector(engine, n);
    const Eigen::MatrixXd q_minus_i = q - Eigen::MatrixXd::Identity(n, n);
    const Eigen::VectorXd x_star = project_onto_null_space(q_minus_i, x0);
    REQUIRE((q * x_star - x_star).norm() <= 1e-12 * x0.norm());
    const double d = (x0 - x_star).norm();
    const auto r = iterum::fixed_point::halpern(
        t, x0, {.tolerance = 0, .max_iterations = 1500, .monitor = {.record_history = true}});
    const double worst = max_efficiency(r.history, d, 2.0);
    INFO("seed " << seed << ": n " << n << ", max ratio " << worst);
    REQUIRE(worst <= 1.0 + 1e-12);
    worst_seen = std::max(worst_seen, worst);
    // Halpern converges to the projection of its anchor onto Fix T.
    REQUIRE((r.x - x_star).norm() <= 0.05 * d);
  }
  // The bound is nearly attained (research note P1: 0.66-0.86), so the check above has teeth.
  REQUIRE(worst_seen > 0.5);
}

TEST_CASE("Halpern's efficiency ratio never exceeds 1 on projections", "[fixed_point][halpern]") {
  const Index n = 40;
  auto engine = iterum::make_engine(5);
  const Eigen::VectorXd x0 = 3.0 * iterum::random::normal_vector(engine, n);

  SECTION("onto a box") {
    const iterum::fixed_point::prox::Box<double> box{Eigen::VectorXd::Constant(n, -1.0),
                                                     Eigen::VectorXd::Constant(n, 0.5)};
    check_projection(iterum::fixed_point::proximal_map<double>(n, box), x0,
                     x0.cwiseMax(-1.0).cwiseMin(0.5));
  }
  SECTION("onto a subspace") {
    const Eigen::MatrixXd basis = iterum::test::normal_matrix(n, 12, 9);
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(basis);
    const Eigen::MatrixXd u = qr.householderQ() * Eigen::MatrixXd::Identity(n, 12);
    const Eigen::MatrixXd p = u * u.transpose();
    check_projection(linear_map(p), x0, p * x0);
  }
}

TEST_CASE("Reflected Halpern on (I + Q)/2 runs plain Halpern on Q", "[fixed_point][halpern]") {
  // 2 (I + Q)/2 - I = Q, and x - (I + Q)x/2 = (x - Qx)/2: the two residual histories must
  // differ by exactly the factor 2, which also gives the halved constant D/(k+1).
  const Index n = 24;
  const Eigen::MatrixXd q = random_orthogonal(n, 21);
  const Eigen::MatrixXd half = 0.5 * (Eigen::MatrixXd::Identity(n, n) + q);
  auto engine = iterum::make_engine(22);
  const Eigen::VectorXd x0 = iterum::random::normal_vector(engine, n);
  const HalpernOptions plain{
      .tolerance = 0, .max_iterations = 200, .monitor = {.record_history = true}};
  HalpernOptions reflected = plain;
  reflected.reflect = true;
  const auto on_q = iterum::fixed_point::halpern(linear_map(q), x0, plain);
  const auto on_half = iterum::fixed_point::halpern(linear_map(half), x0, reflected);
  REQUIRE(on_q.history.size() == on_half.history.size());
  for (std::size_t k = 0; k < on_q.history.size(); ++k) {
    INFO("k = " << k);
    REQUIRE(std::abs(2 * on_half.history[k] - on_q.history[k]) <= 1e-12 * on_q.history[0]);
  }
  REQUIRE((on_q.x - on_half.x).norm() <= 1e-12 * x0.norm());
}

TEST_CASE("Adaptive restarts keep the bound between anchors and converge linearly",
          "[fixed_point][halpern][restart]") {
  // T = 0.8 Q with Q orthogonal: a contraction with x* = 0. Plain Halpern is stuck at its
  // O(1/k) rate; restarted Halpern re-anchors every few steps and converges linearly.
  const Index n = 20;
  const Eigen::MatrixXd m = 0.8 * random_orthogonal(n, 31);
  const auto t = linear_map(m);
  auto engine = iterum::make_engine(32);
  const Eigen::VectorXd x0 = iterum::random::normal_vector(engine, n);
  const double target = 1e-10 * x0.norm();

  const auto plain =
      iterum::fixed_point::halpern(t, x0, {.tolerance = target, .max_iterations = 2000});
  REQUIRE(plain.status == Status::MaxIterations);
  REQUIRE(plain.residual > 1e4 * target);
  REQUIRE(plain.restarts == 0);

  const HalpernOptions options{.tolerance = target,
                               .max_iterations = 2000,
                               .restart = HalpernRestart::Adaptive,
                               .restart_decay = 0.2};
  // Run the method on the driver directly to see every state: between restarts,
  // ||x_k - T x_k|| <= 2 ||a - x*|| / (j + 1) with a the anchor and j the steps since it.
  const iterum::fixed_point::HalpernMethod<double> method(options);
  double worst = 0;
  Index restarts_seen = 0;
  double previous_anchor_residual = (x0 - m * x0).norm();
  auto observer = [&](const auto& info) {
    const auto& s = info.state;
    const auto j = static_cast<double>(s.since_anchor);
    if (s.since_anchor > 0) {
      worst = std::max(worst, (j + 1) * s.residual_norm / (2 * s.anchor.norm()));
    }
    if (s.restarts > restarts_seen) {
      // A restart happened because the new anchor's residual, recomputed here, had fallen to
      // at most 0.2 times the previous anchor's.
      const double anchor_residual = (s.anchor - m * s.anchor).norm();
      REQUIRE(std::abs(anchor_residual - s.anchor_residual) <= 1e-12 * anchor_residual);
      REQUIRE(anchor_residual <= 0.2 * previous_anchor_residual * (1 + 1e-12));
      previous_anchor_residual = anchor_residual;
      restarts_seen = s.restarts;
    }
  };
  auto r = iterum::solve_from(t, method, method.init(t, x0),
                              iterum::stop::standard(target, 2000, 1e9), observer);
  REQUIRE(r.status == Status::Converged);
  REQUIRE(r.residual <= target);
  REQUIRE(worst <= 1.0 + 1e-12);
  REQUIRE(r.state.restarts >= 3);
  INFO("restarted: " << r.iterations << " iterations, " << r.state.restarts << " restarts");
  REQUIRE(r.iterations < 400);
  // The facade reports the same run.
  const auto facade = iterum::fixed_point::halpern(t, x0, options);
  REQUIRE(facade.ok());
  REQUIRE(facade.iterations == r.iterations);
  REQUIRE(facade.restarts == r.state.restarts);
  REQUIRE(facade.x.norm() <= 1e-9 * x0.norm());
}

TEST_CASE("Halpern stops on its budgets and reports non-finite maps", "[fixed_point][halpern]") {
  const Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(6, -1.0, 1.0);
  const auto negate = iterum::fixed_point::make_map<double>(
      6, [](const Eigen::VectorXd& x, Eigen::VectorXd& tx) { tx = -x; });

  const Eigen::MatrixXd q = random_orthogonal(6, 51);
  const auto budget =
      iterum::fixed_point::halpern(linear_map(q), x0, {.tolerance = 0, .max_oracle_calls = 10});
  REQUIRE(budget.status == Status::BudgetExhausted);
  REQUIRE(budget.counters.oracle_calls == 10);
  REQUIRE(budget.iterations == 9);

  // At k = 1 the residual of T = -I is exactly 0 (x_1 = 0).
  const auto converged = iterum::fixed_point::halpern(negate, x0, {.tolerance = 1e-14});
  REQUIRE(converged.ok());
  REQUIRE(converged.iterations == 1);
  REQUIRE(converged.x.norm() <= 1e-15);

  const auto nan_map =
      iterum::fixed_point::make_map<double>(6, [](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
        tx = -x;
        if (x.norm() < 0.5) tx[0] = std::numeric_limits<double>::quiet_NaN();
      });
  const auto broken = iterum::fixed_point::halpern(nan_map, x0, {.tolerance = 0});
  REQUIRE(broken.status == Status::NumericalIssue);
  REQUIRE(broken.iterations == 1);
}

TEST_CASE("Halpern rejects bad input with exact messages", "[fixed_point][halpern][errors]") {
  const auto negate = iterum::fixed_point::make_map<double>(
      3, [](const Eigen::VectorXd& x, Eigen::VectorXd& tx) { tx = -x; });
  const Eigen::VectorXd good = Eigen::VectorXd::Ones(3);
  REQUIRE(invalid_argument_message(
              [&] { (void)iterum::fixed_point::halpern(negate, Eigen::VectorXd::Ones(4)); }) ==
          "iterum::fixed_point::halpern: argument 'x0' must have as many entries as T has "
          "dimensions (3) (got 4)");
  Eigen::VectorXd bad = good;
  bad[1] = std::numeric_limits<double>::infinity();
  REQUIRE(invalid_argument_message([&] { (void)iterum::fixed_point::halpern(negate, bad); }) ==
          "iterum::fixed_point::halpern: argument 'x0' must be finite, but entry 1 is not (got "
          "inf)");
  REQUIRE(invalid_argument_message(
              [&] { (void)iterum::fixed_point::halpern(negate, good, {.restart_decay = 1.0}); }) ==
          "iterum::fixed_point::halpern: argument 'options.restart_decay' must lie in "
          "(0, 1) (got 1)");
  REQUIRE(invalid_argument_message(
              [&] { (void)iterum::fixed_point::halpern(negate, good, {.max_oracle_calls = 0}); }) ==
          "iterum::fixed_point::halpern: argument 'options.max_oracle_calls' must be "
          "positive (got 0)");
  REQUIRE(invalid_argument_message(
              [&] { (void)iterum::fixed_point::halpern(negate, good, {.tolerance = -1e-3}); }) ==
          "iterum::fixed_point::halpern: argument 'options.tolerance' must be "
          "nonnegative (got -0.001)");
  const iterum::fixed_point::HalpernMethod<double> method;
  REQUIRE(invalid_argument_message([&] { (void)method.init(negate, Eigen::VectorXd::Ones(2)); }) ==
          "iterum::fixed_point::HalpernMethod::init: argument 'x0' must have as many entries as "
          "T has dimensions (3) (got 2)");
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("Halpern steps do not allocate", "[fixed_point][halpern][allocation]") {
  const Index n = 15;
  const Eigen::MatrixXd a = iterum::test::normal_matrix(n, n, 41);
  const Eigen::MatrixXd skew = a - a.transpose();
  const iterum::fixed_point::LinearResolvent<double> t(skew, 0.5);
  const Eigen::VectorXd x0 = Eigen::VectorXd::Ones(n);
  for (const bool reflect : {false, true}) {
    const iterum::fixed_point::HalpernMethod<double> method(
        {.restart = HalpernRestart::Adaptive, .restart_decay = 0.9, .reflect = reflect});
    auto state = method.init(t, x0);
    Eigen::internal::set_is_malloc_allowed(false);
    for (int k = 0; k < 20; ++k) method.step(t, state);
    Eigen::internal::set_is_malloc_allowed(true);
    REQUIRE(state.counters.oracle_calls == 21);
    REQUIRE(state.restarts > 0);
  }
}
#endif
