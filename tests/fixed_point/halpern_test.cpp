#include "iterum/fixed_point/halpern.hpp"

#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "iterum/core/observe.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/fixed_point/callable_map.hpp"
#include "iterum/fixed_point/linear_resolvent.hpp"
#include "iterum/prox/box.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;
using iterum::fixed_point::HalpernAnchoring;
using iterum::fixed_point::HalpernCertificate;
using iterum::fixed_point::HalpernOptions;
using iterum::fixed_point::HalpernParams;
using iterum::fixed_point::HalpernRestart;
using iterum::fixed_point::HalpernRestartAnchor;
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
                                                 .monitor = {.record_history = true},
                                                 .reflect = reflect});
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
  // The bound is nearly attained (ratios 0.66-0.86 on such maps), so the check above has teeth.
  REQUIRE(worst_seen > 0.5);
}

TEST_CASE("Halpern's efficiency ratio never exceeds 1 on projections", "[fixed_point][halpern]") {
  const Index n = 40;
  auto engine = iterum::make_engine(5);
  const Eigen::VectorXd x0 = 3.0 * iterum::random::normal_vector(engine, n);

  SECTION("onto a box") {
    const iterum::prox::Box<double> box{Eigen::VectorXd::Constant(n, -1.0),
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

  for (const auto anchor : {HalpernRestartAnchor::Iterate, HalpernRestartAnchor::MapOutput}) {
    const HalpernOptions options{.tolerance = target,
                                 .max_iterations = 2000,
                                 .restart = HalpernRestart::Adaptive,
                                 .restart_decay = 0.2,
                                 .restart_anchor = anchor};
    // Run the method on the driver directly to see every state: between restarts,
    // ||x_k - T x_k|| <= 2 ||a - x*|| / (j + 1) with a the anchor and j the steps since it.
    const iterum::fixed_point::HalpernMethod<double> method(options.params());
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
        // A restart happened because the residual had fallen to at most 0.2 times the previous
        // anchor's; the new anchor (x_k, or T x_k whose residual is at most x_k's) has the
        // residual recorded for it, recomputed here.
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
    INFO("anchor at T x: " << (anchor == HalpernRestartAnchor::MapOutput) << ", restarted: "
                           << r.iterations << " iterations, " << r.state.restarts << " restarts");
    REQUIRE(r.iterations < 400);
    // The facade reports the same run.
    const auto facade = iterum::fixed_point::halpern(t, x0, options);
    REQUIRE(facade.ok());
    REQUIRE(facade.iterations == r.iterations);
    REQUIRE(facade.restarts == r.state.restarts);
    REQUIRE(facade.x.norm() <= 1e-9 * x0.norm());
  }
}

namespace {

/// Park & Ryu's tight bound for the OHM schedule on a map with Lipschitz constant c < 1,
/// divided by ||x0 - x*||: (1 + 1/gamma)(gamma - 1)/(gamma^{n+1} - 1) with gamma = 1/c,
/// rewritten as (1 - c^2) c^n / (1 - c^{n+1}).
double ohm_bound(double c, std::size_t n) {
  const auto k = static_cast<double>(n);
  return (1 - c * c) * std::pow(c, k) / (1 - std::pow(c, k + 1));
}

/// Runs Halpern with the contractive schedule for `iterations` steps and returns the largest
/// ratio residual_n / (bound_n ||x0 - x*||) over the n whose bound is above 1e-9 ||x0 - x*||
/// (below that, round-off in ||x - T x|| is no longer small against the bound).
template <class T>
double max_ohm_ratio(const T& t, const Eigen::VectorXd& x0, const Eigen::VectorXd& x_star, double c,
                     Index iterations) {
  const auto r = iterum::fixed_point::halpern(t, x0,
                                              {.tolerance = 0,
                                               .max_iterations = iterations,
                                               .monitor = {.record_history = true},
                                               .anchoring = HalpernAnchoring::Contractive,
                                               .contraction = c});
  const double d = (x0 - x_star).norm();
  double worst = 0;
  for (std::size_t n = 0; n < r.history.size(); ++n) {
    const double bound = ohm_bound(c, n);
    if (bound < 1e-9) break;
    worst = std::max(worst, r.history[n] / (bound * d));
  }
  return worst;
}

}  // namespace

TEST_CASE("The contractive schedule (Park & Ryu's OHM) meets its tight bound",
          "[fixed_point][halpern][contractive]") {
  const Index n = 12;
  auto engine = iterum::make_engine(61);
  const Eigen::VectorXd x0 = iterum::random::normal_vector(engine, n);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(n);

  SECTION("T = -c I attains the bound at every even n") {
    for (const double c : {0.3, 0.5, 0.9, 0.99}) {
      const auto t = linear_map(-c * Eigen::MatrixXd::Identity(n, n));
      const auto r = iterum::fixed_point::halpern(t, x0,
                                                  {.tolerance = 0,
                                                   .max_iterations = 250,
                                                   .monitor = {.record_history = true},
                                                   .anchoring = HalpernAnchoring::Contractive,
                                                   .contraction = c});
      INFO("c = " << c);
      // 250 steps keep ||x_n|| ~ c^n above 1e-150, where Eigen's norm() (no rescaling) would
      // underflow to 0.
      REQUIRE(r.history.size() == 251);
      for (std::size_t k = 0; k < r.history.size(); ++k) {
        const double bound = ohm_bound(c, k) * x0.norm();
        INFO("n = " << k);
        REQUIRE(r.history[k] <= bound * (1 + 1e-12));
        if (k % 2 == 0) REQUIRE(r.history[k] >= bound * (1 - 1e-12));
      }
    }
  }
  SECTION("T = c Q, Q random orthogonal: within the bound, and nearly on it") {
    for (const double c : {0.5, 0.8, 0.95}) {
      const auto t = linear_map(c * random_orthogonal(n, 62));
      const double worst = max_ohm_ratio(t, x0, zero, c, 2000);
      INFO("c = " << c << ": max ratio " << worst);
      REQUIRE(worst <= 1 + 1e-12);
      REQUIRE(worst >= 0.9);
    }
  }
  SECTION("a contractive projection-like map T x = P_box(c x + d)") {
    const double c = 0.8;
    const Eigen::VectorXd d = iterum::random::normal_vector(engine, n);
    const auto t = iterum::fixed_point::make_map<double>(
        n, [c, d](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
          tx = (c * x + d).cwiseMax(-0.5).cwiseMin(0.5);
        });
    // The fixed point by Picard iteration (a c-contraction: 400 steps reach round-off).
    Eigen::VectorXd x_star = Eigen::VectorXd::Zero(n), next(n);
    for (int k = 0; k < 400; ++k) {
      t.apply(x_star, next);
      x_star = next;
    }
    t.apply(x_star, next);
    REQUIRE((next - x_star).norm() <= 1e-15);
    const double worst = max_ohm_ratio(t, 3.0 * x0, x_star, c, 300);
    INFO("max ratio " << worst);
    REQUIRE(worst <= 1 + 1e-12);
  }
}

TEST_CASE(
    "The contractive schedule tends to Classic as the contraction tends to 1, and never "
    "produces NaN or Inf",
    "[fixed_point][halpern][contractive]") {
  const iterum::fixed_point::HalpernMethod<double> classic;
  for (const double gap : {1e-6, 1e-10}) {
    const iterum::fixed_point::HalpernMethod<double> ohm(
        {.anchoring = HalpernAnchoring::Contractive, .contraction = 1 - gap});
    double worst = 0;
    for (Index k = 0; k <= 2000; ++k) {
      worst = std::max(worst, std::abs(ohm.anchor_weight(k) / classic.anchor_weight(k) - 1) /
                                  static_cast<double>(k + 2));
    }
    // To first order beta_k (k + 2) = 1 - (k + 1)(1 - c) + ...: the gap closes linearly.
    INFO("1 - c = " << gap << ": max relative difference / (k + 2) " << worst);
    REQUIRE(worst <= 1.01 * gap);
  }
  // The contraction just below 1: the same weights and the same iterates as Classic to 1e-12.
  const double c = std::nextafter(1.0, 0.0);
  const iterum::fixed_point::HalpernMethod<double> ohm(
      {.anchoring = HalpernAnchoring::Contractive, .contraction = c});
  for (Index k = 0; k <= 2000; ++k) {
    INFO("k = " << k);
    REQUIRE(std::abs(ohm.anchor_weight(k) - classic.anchor_weight(k)) <=
            1e-12 * classic.anchor_weight(k));
  }
  const Index n = 20;
  const auto t = linear_map(random_orthogonal(n, 63));
  const Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(n, -1.0, 2.0);
  const HalpernOptions plain{
      .tolerance = 0, .max_iterations = 1000, .monitor = {.record_history = true}};
  HalpernOptions contractive = plain;
  contractive.anchoring = HalpernAnchoring::Contractive;
  contractive.contraction = c;
  const auto a = iterum::fixed_point::halpern(t, x0, plain);
  const auto b = iterum::fixed_point::halpern(t, x0, contractive);
  REQUIRE(a.history.size() == b.history.size());
  for (std::size_t k = 0; k < a.history.size(); ++k) {
    REQUIRE(std::abs(a.history[k] - b.history[k]) <= 1e-12 * a.history[k]);
  }
  REQUIRE((a.x - b.x).norm() <= 1e-12 * a.x.norm());
  // phi_k = sum gamma^{2i} overflows a double for large k; the weights underflow to 0 instead.
  const iterum::fixed_point::HalpernMethod<double> strong(
      {.anchoring = HalpernAnchoring::Contractive, .contraction = 0.5});
  REQUIRE(std::abs(strong.anchor_weight(0) - 0.2) <= 1e-16);  // 1 / (1 + gamma^2) = 1/5
  for (const Index k : {Index{10}, Index{600}, Index{100000}, Index{1} << 40}) {
    const double beta = strong.anchor_weight(k);
    INFO("k = " << k << ": beta " << beta);
    REQUIRE(std::isfinite(beta));
    REQUIRE(beta >= 0);
    REQUIRE(beta <= std::pow(0.25, static_cast<double>(k)));
  }
  REQUIRE(strong.anchor_weight(Index{1} << 40) == 0);
}

namespace {

/// Runs `method` on `t` from x0 for `iterations` steps and returns the iterations k at which a
/// restart set the anchor (`anchor_iteration` after each restart).
template <class T>
std::vector<Index> restart_iterations(const T& t,
                                      const iterum::fixed_point::HalpernMethod<double>& method,
                                      const Eigen::VectorXd& x0, Index iterations) {
  std::vector<Index> at;
  auto state = method.init(t, x0);
  for (Index k = 0; k < iterations; ++k) {
    const Index before = state.restarts;
    method.step(t, state);
    if (state.restarts > before) at.push_back(state.anchor_iteration);
  }
  return at;
}

}  // namespace

TEST_CASE("Restart rules fire exactly when predicted", "[fixed_point][halpern][restart]") {
  const Index n = 5;
  const Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(n, 1.0, 3.0);

  SECTION("sufficient decay on T = 0: ||x_j - T x_j|| = ||a|| / (j + 1) from an anchor a") {
    // 1/(j+1) <= 0.3 first at j = 3. Checked every iteration: restarts at 3, 6, 9, ...;
    // checked every second iteration: at 4 (j = 4), then j = 2 at 6 is too early: 8, 12, ...
    // (Anchored at the iterate: at T x = 0 the run would be over after the first restart.)
    const auto t = linear_map(Eigen::MatrixXd::Zero(n, n));
    for (const auto rule : {HalpernRestart::Adaptive, HalpernRestart::Cupdlpx}) {
      const HalpernParams every{.restart = rule,
                                .restart_decay = 0.3,
                                .restart_necessary_decay = 0,
                                .restart_artificial_fraction = 2,
                                .restart_anchor = HalpernRestartAnchor::Iterate};
      REQUIRE(restart_iterations(t, iterum::fixed_point::HalpernMethod<double>(every), x0, 20) ==
              std::vector<Index>{3, 6, 9, 12, 15, 18});
      HalpernParams second = every;
      second.restart_check_every = 2;
      REQUIRE(restart_iterations(t, iterum::fixed_point::HalpernMethod<double>(second), x0, 20) ==
              std::vector<Index>{4, 8, 12, 16});
    }
  }
  SECTION("necessary decay without progress on a rotation by 2.7 rad") {
    const double theta = 2.7;
    Eigen::MatrixXd rotation(2, 2);
    rotation << std::cos(theta), -std::sin(theta), std::sin(theta), std::cos(theta);
    const auto t = linear_map(rotation);
    const Eigen::Vector2d start(1.0, 0.0);
    // Until the first restart the run is plain Halpern: predict it from a plain history.
    const auto plain = iterum::fixed_point::halpern(
        t, start, {.tolerance = 0, .max_iterations = 50, .monitor = {.record_history = true}});
    const std::vector<double>& h = plain.history;
    Index predicted = 0;
    for (std::size_t k = 1; k < h.size(); ++k) {
      REQUIRE(h[k] > 0.2 * h[0]);  // the sufficient rule does not fire first
      if (h[k] <= 0.5 * h[0] && h[k] > h[k - 1]) {
        predicted = static_cast<Index>(k);
        break;
      }
    }
    INFO("h1/h0 " << h[1] / h[0] << ", h2/h0 " << h[2] / h[0]);
    REQUIRE(predicted == 2);
    const HalpernParams rules{.restart = HalpernRestart::Cupdlpx,
                              .restart_necessary_decay = 0.5,
                              .restart_artificial_fraction = 2};
    const auto at = restart_iterations(t, iterum::fixed_point::HalpernMethod<double>(rules),
                                       Eigen::VectorXd(start), 3);
    REQUIRE(at == std::vector<Index>{predicted});
    // Without the necessary rule nothing happens at that iteration.
    HalpernParams off = rules;
    off.restart_necessary_decay = 0;
    REQUIRE(restart_iterations(t, iterum::fixed_point::HalpernMethod<double>(off),
                               Eigen::VectorXd(start), 3)
                .empty());
  }
  SECTION("artificial restarts on a translation (constant residual, no fixed point)") {
    const Eigen::VectorXd v = Eigen::VectorXd::Constant(n, 0.25);
    const auto t = iterum::fixed_point::make_map<double>(
        n, [v](const Eigen::VectorXd& x, Eigen::VectorXd& tx) { tx = x + v; });
    // A check at k restarts once the cycle k - k0 is at least 0.36 k (k0: the last restart).
    for (const Index every : {Index{1}, Index{5}}) {
      std::vector<Index> expected;
      Index last = 0;
      for (Index k = every; k < 200; k += every) {
        if (100 * (k - last) >= 36 * k) {
          expected.push_back(k);
          last = k;
        }
      }
      for (const auto anchor : {HalpernRestartAnchor::Iterate, HalpernRestartAnchor::MapOutput}) {
        const HalpernParams rules{.restart = HalpernRestart::Cupdlpx,
                                  .restart_check_every = every,
                                  .restart_anchor = anchor};
        INFO("every " << every);
        REQUIRE(restart_iterations(t, iterum::fixed_point::HalpernMethod<double>(rules), x0, 200) ==
                expected);
      }
      if (every == 1) {
        REQUIRE(expected == std::vector<Index>{1, 2, 4, 7, 11, 18, 29, 46, 72, 113, 177});
      }
    }
  }
}

TEST_CASE("Restarting at the map's output", "[fixed_point][halpern][restart]") {
  // T = c I: from an anchor a, x_j = s_j a with s_0 = 1, s_{j+1} = beta_j + (1 - beta_j) c s_j,
  // so the residual ratio to the anchor's is s_j, and sufficient decay 0.3 fires at the first
  // j* with s_j* <= 0.3. Anchored at the iterate, restarts come every j* iterations; at the
  // map's output, the restart iteration itself moves to a = T x and (H) restarts after it:
  // every j* + 1 iterations.
  const Index n = 4;
  const double c = 0.5;
  const auto t = linear_map(c * Eigen::MatrixXd::Identity(n, n));
  const Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(n, -2.0, 1.0);
  Index j_star = 0;
  for (double s = 1; s > 0.3; ++j_star) {
    s = 1.0 / static_cast<double>(j_star + 2) + (1 - 1.0 / static_cast<double>(j_star + 2)) * c * s;
  }
  REQUIRE(j_star == 6);
  for (const auto anchor : {HalpernRestartAnchor::Iterate, HalpernRestartAnchor::MapOutput}) {
    const iterum::fixed_point::HalpernMethod<double> method(
        {.restart = HalpernRestart::Adaptive, .restart_decay = 0.3, .restart_anchor = anchor});
    const Index period = anchor == HalpernRestartAnchor::Iterate ? j_star : j_star + 1;
    const std::vector<Index> expected{j_star, j_star + period, j_star + 2 * period};
    REQUIRE(restart_iterations(t, method, x0, j_star + 2 * period + 1) == expected);
  }
  // The state right after a restart at the map's output: x = a = T x_k (exactly), the
  // anchor's residual is that of a, and (H) has not stepped from it yet.
  const iterum::fixed_point::HalpernMethod<double> method(
      {.restart = HalpernRestart::Adaptive,
       .restart_decay = 0.3,
       .restart_anchor = HalpernRestartAnchor::MapOutput});
  auto s = method.init(t, x0);
  for (Index k = 0; k < j_star; ++k) method.step(t, s);
  const Eigen::VectorXd tx = s.tx;
  method.step(t, s);
  REQUIRE(s.restarts == 1);
  REQUIRE(s.anchor_iteration == j_star);
  REQUIRE(s.anchor == tx);
  REQUIRE(s.x == tx);
  REQUIRE(s.since_anchor == 0);
  REQUIRE(std::abs(s.anchor_residual - (1 - c) * tx.norm()) <= 1e-15 * tx.norm());
  REQUIRE(s.residual_norm == s.anchor_residual);
  REQUIRE(s.counters.oracle_calls == j_star + 2);
  method.step(t, s);
  REQUIRE(s.since_anchor == 1);
  REQUIRE((s.x - (0.5 * tx + 0.5 * c * tx)).norm() <= 1e-15 * tx.norm());
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
  // Without max_iterations the budget is max(100000, 10 dim).
  REQUIRE(HalpernOptions::default_max_iterations(6) == 100000);
  REQUIRE(HalpernOptions::default_max_iterations(20000) == 200000);
  const auto default_budget = iterum::fixed_point::halpern(linear_map(q), x0, {.tolerance = 0});
  REQUIRE(default_budget.status == Status::MaxIterations);
  REQUIRE(default_budget.iterations == 100000);

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
  // Each bad option with the message it must produce.
  const std::vector<std::pair<HalpernOptions, std::string>> bad_options{
      {{.restart_decay = 1.0}, "'options.restart_decay' must lie in (0, 1) (got 1)"},
      {{.max_oracle_calls = 0}, "'options.max_oracle_calls' must be positive (got 0)"},
      {{.tolerance = -1e-3}, "'options.tolerance' must be nonnegative (got -0.001)"},
      {{.anchoring = HalpernAnchoring::Contractive},
       "'options.contraction' must be set with HalpernAnchoring::Contractive"},
      {{.anchoring = HalpernAnchoring::Contractive, .contraction = 1.0},
       "'options.contraction' must lie in (0, 1) (got 1)"},
      {{.restart_necessary_decay = 1.0},
       "'options.restart_necessary_decay' must lie in [0, 1) (got 1)"},
      {{.restart_artificial_fraction = 0},
       "'options.restart_artificial_fraction' must be positive (got 0)"},
      {{.restart_check_every = 0}, "'options.restart_check_every' must be positive (got 0)"},
      {{.certificate_every = 0}, "'options.certificate_every' must be positive (got 0)"},
      {{.certificate = HalpernCertificate::Map},
       "'options.certificate' is HalpernCertificate::Map, but T has no member certificate(x, "
       "tx)"},
  };
  for (const auto& bad_option : bad_options) {
    const HalpernOptions& options = bad_option.first;  // clang 14 cannot capture a binding
    REQUIRE(invalid_argument_message([&] {
              (void)iterum::fixed_point::halpern(negate, good, options);
            }) == "iterum::fixed_point::halpern: argument " + bad_option.second);
  }
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

namespace {

/// T x = x / 2 with a map certificate ||x - T x|| that turns NaN from its `nan_from`-th call.
struct NanCertificateMap {
  using Scalar = double;
  int nan_from = 4;
  mutable int calls = 0;
  [[nodiscard]] Index dim() const { return 2; }
  void apply(const Eigen::VectorXd& x, Eigen::VectorXd& tx) const { tx = 0.5 * x; }
  [[nodiscard]] double certificate(const Eigen::VectorXd& x, const Eigen::VectorXd& tx) const {
    return ++calls >= nan_from ? std::numeric_limits<double>::quiet_NaN() : (x - tx).norm();
  }
};

}  // namespace

TEST_CASE("halpern reports a map certificate that turns NaN at the final refresh (D11)",
          "[halpern]") {
  const NanCertificateMap t;
  HalpernOptions options;
  options.tolerance = 1e-300;
  options.max_iterations = 12;
  options.certificate = HalpernCertificate::Map;
  options.certificate_every = 5;
  const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Ones(2), options);
  REQUIRE(t.calls == 4);  // iterations 0, 5, 10 and the final refresh
  REQUIRE(r.status == Status::NumericalIssue);
  REQUIRE(r.x.allFinite());
}

TEST_CASE("Halpern rejects a map that writes tx of the wrong size",
          "[fixed_point][halpern][errors]") {
  // Issue 11, D23: an Eigen assertion abort before.
  const auto longer =
      iterum::fixed_point::make_map<double>(3, [](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
        tx = Eigen::VectorXd::Zero(x.size() + 1);
      });
  REQUIRE(invalid_argument_message(
              [&] { (void)iterum::fixed_point::halpern(longer, Eigen::VectorXd::Ones(3)); }) ==
          "iterum::fixed_point::HalpernMethod: argument 'T' must write tx with as many "
          "entries as x (3) (got 4)");
}
