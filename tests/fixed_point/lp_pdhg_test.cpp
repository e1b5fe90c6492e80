// PDHG for standard-form LPs, run by Halpern, against SciPy/HiGHS solutions recorded by
// bench/peers/lp_highs.py in tests/fixed_point/fixtures/lp_highs.txt, and its infeasible twin.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "iterum/fixed_point/halpern.hpp"
#include "iterum/fixed_point/operators.hpp"
#include "support/catch_compat.hpp"
#include "support/splitmix.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;
using iterum::fixed_point::HalpernRestart;

namespace {

struct HighsRecord {
  Index m = 0, n = 0;
  std::uint64_t seed = 0;
  double objective = 0;
  Eigen::VectorXd x;
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

}  // namespace

TEST_CASE("Halpern-PDHG solves LPs to HiGHS's vertex solutions", "[fixed_point][pdhg]") {
  const auto records = read_fixture();
  REQUIRE(records.size() == 2);
  for (const auto& rec : records) {
    const Lp lp = make_lp(rec.m, rec.n, rec.seed);
    const iterum::fixed_point::LpPdhg<double> t(lp.a, lp.b, lp.c);
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
  }
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
            (void)iterum::fixed_point::LpPdhg<double>(a, Eigen::VectorXd::Ones(2),
                                                      Eigen::VectorXd::Ones(3), 1.0);
          }) == "iterum::fixed_point::LpPdhg: argument 'step_fraction' must lie in (0, 1) (got 1)");
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("Halpern-PDHG steps do not allocate", "[fixed_point][pdhg][allocation]") {
  const Lp lp = make_lp(8, 20, 11);
  const iterum::fixed_point::LpPdhg<double> t(lp.a, lp.b, lp.c);
  const iterum::fixed_point::HalpernMethod<double> method({.reflect = true});
  auto state = method.init(t, Eigen::VectorXd::Zero(t.dim()));
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 10; ++k) method.step(t, state);
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(state.counters.oracle_calls == 11);
}
#endif
