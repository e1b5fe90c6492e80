// PDHG for standard-form LPs, run by Halpern, against SciPy/HiGHS solutions recorded by
// bench/peers/lp_highs.py in tests/fixed_point/fixtures/lp_highs.txt, and its infeasible twin.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "iterum/fixed_point/halpern.hpp"
#include "iterum/fixed_point/lp_pdhg.hpp"
#include "iterum/tuning/sequence.hpp"
#include "iterum/tuning/tsallis_inf.hpp"
#include "iterum/tuning/tuner.hpp"
#include "support/catch_compat.hpp"
#include "support/splitmix.hpp"
#include "support/throws.hpp"

#include "../../bench/fixed_point/random_lp.hpp"

using iterum::Index;
using iterum::Status;
using iterum::fixed_point::HalpernCertificate;
using iterum::fixed_point::HalpernRestart;

namespace {

struct HighsRecord {
  Index m = 0, n = 0;
  std::uint64_t seed = 0;
  double objective = 0;
  Eigen::VectorXd x;  // HiGHS's primal vertex
  Eigen::VectorXd y;  // HiGHS's equality marginals: the dual solution
  int twin_status = -1;
};

std::vector<HighsRecord> read_fixture() {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "fixtures" / "lp_highs.txt";
  std::ifstream in(path);
  std::vector<HighsRecord> records;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("lp ", 0) != 0) continue;
    HighsRecord r;
    std::istringstream head(line.substr(3));
    head >> r.m >> r.n >> r.seed >> r.objective;
    std::string tag;
    std::getline(in, line);
    std::istringstream xs(line);
    xs >> tag;
    r.x.resize(r.n);
    for (Index j = 0; j < r.n; ++j) xs >> r.x[j];
    std::getline(in, line);
    std::istringstream ys(line);
    ys >> tag;
    REQUIRE(tag == "y");
    r.y.resize(r.m);
    for (Index i = 0; i < r.m; ++i) ys >> r.y[i];
    std::getline(in, line);
    std::istringstream twin(line);
    twin >> tag >> r.twin_status;
    records.push_back(r);
  }
  return records;
}

/// The instance of bench/peers/lp_highs.py, rebuilt from the same SplitMix64 stream.
struct Lp {
  Eigen::MatrixXd a;
  Eigen::VectorXd b, c;
};

Lp make_lp(Index m, Index n, std::uint64_t seed) {
  iterum::test::SplitMix64 g(seed);
  Lp lp;
  lp.a.resize(m, n);
  for (Index i = 0; i < m; ++i)
    for (Index j = 0; j < n; ++j) lp.a(i, j) = g.next();
  Eigen::VectorXd x_feas(n);
  for (Index j = 0; j < n; ++j) x_feas[j] = g.next();
  lp.b = lp.a * x_feas;
  lp.c.resize(n);
  for (Index j = 0; j < n; ++j) lp.c[j] = iterum::test::splitmix_normal(g);
  return lp;
}

/// Calls f(record, lp, t) for each fixture record, its instance and its PDHG map.
template <class F>
void for_each_fixture_lp(F f) {
  const auto records = read_fixture();
  REQUIRE(records.size() == 2);
  for (const auto& rec : records) {
    const Lp lp = make_lp(rec.m, rec.n, rec.seed);
    const iterum::fixed_point::LpPdhg<double> t(lp.a, lp.b, lp.c);
    f(rec, lp, t);
  }
}

}  // namespace

TEST_CASE("Halpern-PDHG solves LPs to HiGHS's vertex solutions", "[fixed_point][pdhg]") {
  for_each_fixture_lp([](const HighsRecord& rec, const Lp& lp, const auto& t) {
    const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(t.dim()),
                                                {.tolerance = 1e-10,
                                                 .max_iterations = 100000,
                                                 .restart = HalpernRestart::Adaptive,
                                                 .reflect = true});
    // The primal point is that of T z (projected onto x >= 0); the Halpern iterate z itself
    // is an affine combination and may be slightly negative.
    Eigen::VectorXd tz(t.dim());
    t.apply(r.x, tz);
    const Eigen::VectorXd x = tz.head(rec.n);
    INFO("m " << rec.m << ", n " << rec.n << ": " << r.iterations << " iterations, " << r.restarts
              << " restarts, objective " << lp.c.dot(x) << " vs " << rec.objective);
    REQUIRE(r.ok());
    REQUIRE(std::abs(lp.c.dot(x) - rec.objective) <= 1e-7 * (1 + std::abs(rec.objective)));
    REQUIRE((x - rec.x).cwiseAbs().maxCoeff() <= 1e-6 * (1 + rec.x.cwiseAbs().maxCoeff()));
    REQUIRE((lp.a * x - lp.b).norm() <= 1e-8 * lp.b.norm());
    REQUIRE(x.minCoeff() >= 0);
  });
}

TEST_CASE("LpPdhg's relative KKT error: exact on a closed-form LP, ~0 at HiGHS's optimum",
          "[fixed_point][pdhg][kkt]") {
  SECTION("min x1 + 2 x2 subject to x1 + x2 = 1, x >= 0") {
    // Optimum x = (1, 0), y = 1 (reduced costs c - A^T y = (0, 1) >= 0, both objectives 1).
    const Eigen::MatrixXd a = (Eigen::MatrixXd(1, 2) << 1, 1).finished();
    const iterum::fixed_point::LpPdhg<double> t(a, Eigen::VectorXd::Ones(1), Eigen::Vector2d(1, 2));
    const auto at_optimum = t.kkt(Eigen::Vector3d(1, 0, 1));
    REQUIRE(at_optimum.primal == 0);
    REQUIRE(at_optimum.dual == 0);
    REQUIRE(at_optimum.gap == 0);
    // z = (x, y) = ((1, 0.5), 1): A x - b = 0.5, so primal 0.5 / (1 + 1); dual 0; objectives
    // 2 and 1, gap 1 / (1 + 2 + 1).
    const auto off = t.kkt(Eigen::Vector3d(1, 0.5, 1));
    REQUIRE(off.primal == 0.25);
    REQUIRE(off.dual == 0);
    REQUIRE(off.gap == 0.25);
    REQUIRE(off.error() == 0.25);
    // z = ((-1, 2), 3): x+ = (0, 2), A x+ - b = 1 -> 1/2; c - A^T y = (-2, -1) ->
    // sqrt(5) / (1 + sqrt(5)); objectives 4 and 3 -> 1/8. The negative entry is projected.
    const Eigen::Vector3d z(-1, 2, 3);
    const auto k = t.kkt(z);
    REQUIRE(k.primal == 0.5);
    REQUIRE(std::abs(k.dual - std::sqrt(5.0) / (1 + std::sqrt(5.0))) <= 1e-15);
    REQUIRE(k.gap == 0.125);
    REQUIRE(k.error() == k.dual);
    REQUIRE(t.certificate(z, z) == k.error());
    REQUIRE(t.primal(z) == Eigen::Vector2d(0, 2));
    REQUIRE(t.dual(z) == Eigen::VectorXd::Constant(1, 3.0));
  }
  SECTION("HiGHS's primal-dual pairs from the fixture") {
    for_each_fixture_lp([](const HighsRecord& rec, const Lp& /*lp*/, const auto& t) {
      Eigen::VectorXd z(t.dim());
      z << rec.x, rec.y;
      const auto k = t.kkt(z);
      INFO("m " << rec.m << ": primal " << k.primal << ", dual " << k.dual << ", gap " << k.gap);
      REQUIRE(k.error() <= 1e-14);
      // ... and it is a fixed point of the PDHG map, which is what the KKT error stands for.
      Eigen::VectorXd tz(t.dim());
      t.apply(z, tz);
      REQUIRE((z - tz).norm() <= 1e-12 * z.norm());
      // Moving the dual off the optimum is seen (a sanity check that y is not ignored).
      z.tail(rec.m).array() += 0.1;
      REQUIRE(t.kkt(z).error() > 1e-3);
    });
  }
}

TEST_CASE("Halpern-PDHG stopped on the relative KKT error", "[fixed_point][pdhg][kkt]") {
  for_each_fixture_lp([](const HighsRecord& rec, const Lp& lp, const auto& t) {
    for (const Index every : {Index{1}, Index{7}}) {
      const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(t.dim()),
                                                  {.tolerance = 1e-8,
                                                   .max_iterations = 100000,
                                                   .restart = HalpernRestart::Cupdlpx,
                                                   .reflect = true,
                                                   .certificate = HalpernCertificate::Map,
                                                   .certificate_every = every});
      const Eigen::VectorXd x = t.primal(r.x);
      const double objective = lp.c.dot(x);
      INFO("m " << rec.m << ", every " << every << ": " << r.iterations << " iterations, "
                << r.restarts << " restarts, objective " << objective << " vs " << rec.objective
                << ", ||z - Tz|| " << r.fixed_point_residual);
      REQUIRE(r.ok());
      REQUIRE(r.iterations % every == 0);
      // The reported certificate is the KKT error of the returned point, recomputed here.
      const double kkt = t.kkt(r.x).error();
      REQUIRE(r.residual == kkt);
      REQUIRE(kkt <= 1e-8);
      REQUIRE(std::abs(objective - rec.objective) <= 1e-7 * (1 + std::abs(rec.objective)));
      // The fixed-point residual is reported too, and is that of the returned iterate.
      Eigen::VectorXd tz(t.dim());
      t.apply(r.x, tz);
      REQUIRE(std::abs(r.fixed_point_residual - (r.x - tz).norm()) <= 1e-12 * r.x.norm());
    }
    // With a budget that ends between two evaluations, the result's certificate is refreshed
    // for the final iterate.
    const auto capped = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(t.dim()),
                                                     {.tolerance = 1e-8,
                                                      .max_iterations = 53,
                                                      .reflect = true,
                                                      .certificate = HalpernCertificate::Map,
                                                      .certificate_every = 10});
    REQUIRE(capped.status == Status::MaxIterations);
    REQUIRE(capped.iterations == 53);
    REQUIRE(capped.residual == t.kkt(capped.x).error());
  });
}

TEST_CASE("Halpern-PDHG on an infeasible LP: the displacement tends to a nonzero vector",
          "[fixed_point][pdhg][infeasible]") {
  const auto records = read_fixture();
  REQUIRE(!records.empty());
  const auto& rec = records.front();
  REQUIRE(rec.twin_status == 2);  // HiGHS: infeasible
  const Lp lp = make_lp(rec.m, rec.n, rec.seed);
  // The twin: row 0 repeated with right-hand side b_0 + 1, contradicting A x = b.
  Eigen::MatrixXd a(rec.m + 1, rec.n);
  a << lp.a, lp.a.row(0);
  Eigen::VectorXd b(rec.m + 1);
  b << lp.b, lp.b[0] + 1.0;
  const iterum::fixed_point::LpPdhg<double> twin(a, b, lp.c);
  const iterum::fixed_point::LpPdhg<double> feasible(lp.a, lp.b, lp.c);

  auto displacement = [](const auto& t, Index iterations) {
    const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(t.dim()),
                                                {.tolerance = 0, .max_iterations = iterations});
    Eigen::VectorXd tz(t.dim());
    t.apply(r.x, tz);
    return Eigen::VectorXd(r.x - tz);
  };
  const Eigen::VectorXd v1 = displacement(twin, 2000);
  const Eigen::VectorXd v2 = displacement(twin, 4000);
  INFO("||v|| " << v1.norm() << " -> " << v2.norm() << ", change " << (v2 - v1).norm());
  REQUIRE(v2.norm() > 1e-2);
  REQUIRE((v2 - v1).norm() <= 0.05 * v2.norm());
  // The feasible original's displacement keeps shrinking (at least like 1/k).
  const Eigen::VectorXd f1 = displacement(feasible, 2000);
  const Eigen::VectorXd f2 = displacement(feasible, 4000);
  REQUIRE(f2.norm() < 0.75 * f1.norm());
  REQUIRE(f2.norm() < 0.1 * v2.norm());
}

TEST_CASE("LpPdhg rejects bad input with exact messages", "[fixed_point][pdhg][errors]") {
  const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(2, 3);
  REQUIRE(iterum::test::invalid_argument_message([&] {
            (void)iterum::fixed_point::LpPdhg<double>(a, Eigen::VectorXd::Ones(3),
                                                      Eigen::VectorXd::Ones(3));
          }) ==
          "iterum::fixed_point::LpPdhg: argument 'b' must have as many entries as A has "
          "rows (2) (got 3)");
  REQUIRE(iterum::test::invalid_argument_message([&] {
            (void)iterum::fixed_point::LpPdhg<double>(
                a, Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(3), {.step_fraction = 1.0});
          }) == "iterum::fixed_point::LpPdhg: argument 'step_fraction' must lie in (0, 1) (got 1)");
  const iterum::fixed_point::LpPdhg<double> t(a, Eigen::VectorXd::Ones(2),
                                              Eigen::VectorXd::Ones(3));
  REQUIRE(iterum::test::invalid_argument_message([&] { (void)t.kkt(Eigen::VectorXd::Ones(4)); }) ==
          "iterum::fixed_point::LpPdhg::kkt: argument 'z' must have n + m entries (5) (got 4)");
}

TEST_CASE("LpPdhg's primal weight: tau = s / w, sigma = s w, the same fixed points",
          "[fixed_point][pdhg][primal_weight]") {
  for_each_fixture_lp([](const HighsRecord& rec, const Lp& lp, const auto& t) {
    // The default weight 1 is tau = sigma = 0.9 / ||A||_2.
    REQUIRE(t.params().primal_weight == 1.0);
    REQUIRE(t.tau() == t.sigma());
    REQUIRE(std::abs(t.tau() * lp.a.jacobiSvd().singularValues()[0] - 0.9) <= 1e-14);
    Eigen::VectorXd z(t.dim());
    z << rec.x, rec.y;
    for (const double w : {0.25, 4.0}) {
      const iterum::fixed_point::LpPdhg<double> weighted(lp.a, lp.b, lp.c, {.primal_weight = w});
      INFO("w = " << w);
      REQUIRE(std::abs(weighted.tau() - t.tau() / w) <= 1e-15 * t.tau() / w);
      REQUIRE(std::abs(weighted.sigma() - t.sigma() * w) <= 1e-15 * t.sigma() * w);
      REQUIRE(std::abs(weighted.tau() * weighted.sigma() - t.tau() * t.sigma()) <=
              1e-15 * t.tau() * t.sigma());
      // HiGHS's optimum is a fixed point for every weight ...
      Eigen::VectorXd tz(t.dim());
      weighted.apply(z, tz);
      REQUIRE((z - tz).norm() <= 1e-12 * z.norm());
      // ... while the map differs away from it: one step from 0 moves x by tau c-: x+ = max(0,
      // -tau c), and y by sigma (b - A (2 x+)).
      const Eigen::VectorXd zero = Eigen::VectorXd::Zero(t.dim());
      Eigen::VectorXd from_zero(t.dim());
      weighted.apply(zero, from_zero);
      const Eigen::VectorXd x_plus = (-weighted.tau() * lp.c).cwiseMax(0.0);
      REQUIRE((from_zero.head(rec.n) - x_plus).norm() <= 1e-15 * (1 + x_plus.norm()));
      const Eigen::VectorXd y_plus = weighted.sigma() * (lp.b - lp.a * (2 * x_plus));
      REQUIRE((from_zero.tail(rec.m) - y_plus).norm() <= 1e-13 * y_plus.norm());
    }
  });
  const Eigen::MatrixXd a = Eigen::MatrixXd::Ones(2, 3);
  REQUIRE(iterum::test::invalid_argument_message([&] {
            (void)iterum::fixed_point::LpPdhg<double>(
                a, Eigen::VectorXd::Ones(2), Eigen::VectorXd::Ones(3), {.primal_weight = 0.0});
          }) == "iterum::fixed_point::LpPdhg: argument 'primal_weight' must be positive (got 0)");
}

namespace {

/// Iterations of restarted reflected Halpern-PDHG (cuPDLPx restarts, KKT every 10 iterations,
/// the tour's configuration) to a relative KKT error of 1e-6, with primal weight w.
iterum::fixed_point::HalpernResult<double> solve_random_lp(const bench::RandomLp& lp, double w) {
  const iterum::fixed_point::LpPdhg<double> t(lp.a, lp.b, lp.c, {.primal_weight = w});
  return iterum::fixed_point::halpern(t, {.tolerance = 1e-6,
                                          .max_iterations = 20000,
                                          .restart = HalpernRestart::Cupdlpx,
                                          .reflect = true,
                                          .certificate = HalpernCertificate::Map,
                                          .certificate_every = 10});
}

}  // namespace

TEST_CASE("Tsallis-INF tunes LpPdhg's primal weight over a sequence of random LPs",
          "[fixed_point][pdhg][tuning]") {
  namespace tuning = iterum::tuning;
  const Index instances = 16;
  std::vector<bench::RandomLp> lps;
  for (Index i = 0; i < instances; ++i) {
    lps.push_back(bench::random_lp(20, 40, 1000 + static_cast<std::uint64_t>(i)));
  }
  const std::vector<double> grid{1.0 / 64, 1.0 / 16, 1.0 / 4, 1.0, 4.0, 16.0, 64.0};
  // Every fixed weight on every instance.
  tuning::CostTable table(grid, instances);
  for (Index i = 0; i < instances; ++i) {
    for (Index arm = 0; arm < table.arms(); ++arm) {
      const auto r =
          solve_random_lp(lps[static_cast<std::size_t>(i)], grid[static_cast<std::size_t>(arm)]);
      table.at(i, arm) = static_cast<double>(r.iterations);
    }
  }
  const Eigen::VectorXd totals = table.fixed_totals();
  const double default_total = totals[3];  // w = 1
  INFO("fixed totals " << totals.transpose());
  // The weight matters on these LPs: the best fixed weight saves a third of the default's
  // iterations.
  REQUIRE(table.best_fixed_total() < 0.67 * default_total);

  // The live sequence: the tuner proposes w before each solve and sees its iterations.
  auto live = [&](std::uint64_t seed) {
    tuning::TsallisInf tuner(grid, {.seed = seed});
    return tuning::run_sequence(tuner, instances, [&](Index i, double w) {
      return solve_random_lp(lps[static_cast<std::size_t>(i)], w);
    });
  };
  const auto report = live(1);
  INFO("tuner total " << report.total() << ", default " << default_total << ", worst "
                      << totals.maxCoeff());
  REQUIRE(report.costs.size() == static_cast<std::size_t>(instances));
  // Each live cost is the table's cost of the proposed weight (the solves are deterministic).
  for (Index i = 0; i < instances; ++i) {
    const auto k = static_cast<std::size_t>(i);
    REQUIRE(report.costs[k] == table.cost(i, report.values[k]));
  }
  REQUIRE(report.total() < totals.maxCoeff());
  REQUIRE(report.total() < 0.5 * (totals.maxCoeff() + table.best_fixed_total()));
  // Reproducible for a seed.
  const auto again = live(1);
  REQUIRE(again.values == report.values);
  REQUIRE(again.costs == report.costs);
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("Halpern-PDHG steps do not allocate", "[fixed_point][pdhg][allocation]") {
  const Lp lp = make_lp(8, 20, 11);
  const iterum::fixed_point::LpPdhg<double> t(lp.a, lp.b, lp.c);
  // With the KKT certificate and restarts at the map's output, too.
  for (const bool certified : {false, true}) {
    const iterum::fixed_point::HalpernMethod<double> method(
        {.restart = certified ? HalpernRestart::Cupdlpx : HalpernRestart::None,
         .restart_anchor = iterum::fixed_point::HalpernRestartAnchor::MapOutput,
         .reflect = true,
         .certificate =
             certified ? HalpernCertificate::Map : HalpernCertificate::FixedPointResidual});
    auto state = method.init(t, Eigen::VectorXd::Zero(t.dim()));
    Eigen::internal::set_is_malloc_allowed(false);
    for (int k = 0; k < 10; ++k) method.step(t, state);
    Eigen::internal::set_is_malloc_allowed(true);
    REQUIRE(state.counters.oracle_calls == 11);
    REQUIRE(state.restarts == (certified ? 4 : 0));  // artificial restarts at k = 1, 2, 4, 7
    REQUIRE(state.certificate_iteration == (certified ? 10 : 0));
  }
}
#endif

TEST_CASE("LpPdhg's KKT error never hides an overflow (b near 1e200)",
          "[fixed_point][pdhg][errors]") {
  // min x1 + 2 x2 + 3 x3 s.t. x1 + x2 + x3 = 1e200, x1 = x2, x >= 0: x* = (5e199, 5e199, 0),
  // y* = (1.5, -0.5). A dual far off makes b'y overflow: the gap must read 1, not NaN that
  // std::max drops (Halpern-PDHG reported Converged here at relative gap ~1).
  Eigen::MatrixXd a(2, 3);
  a << 1, 1, 1, 1, -1, 0;
  const Eigen::Vector2d b(1e200, 0);
  const iterum::fixed_point::LpPdhg<double> t(a, b, Eigen::Vector3d(1, 2, 3));
  Eigen::VectorXd z(5);
  z << 1e200 / 3, 1e200 / 3, 1e200 / 3, -1.25e192, 0;
  const auto kkt = t.kkt(z);
  CHECK(kkt.gap == 1.0);
  CHECK(kkt.error() >= 1.0);
  const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(5),
                                              {.tolerance = 1e-8,
                                               .max_iterations = 3000,
                                               .restart = HalpernRestart::Adaptive,
                                               .reflect = true,
                                               .certificate = HalpernCertificate::Map});
  if (r.ok()) {
    CHECK(t.kkt(r.x).error() <= 1e-8);  // a Converged must be certified
  } else {
    CHECK(r.x.allFinite());
  }
  // The primal and dual residuals of data near 1e200 are computed without overflow.
  Eigen::VectorXd optimum(5);
  optimum << 5e199, 5e199, 0, 1.5, -0.5;
  CHECK(t.kkt(optimum).error() <= 1e-15);
}
