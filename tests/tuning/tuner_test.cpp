#include "iterum/tuning/tuner.hpp"

#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "iterum/linalg/sor.hpp"
#include "iterum/linalg/ssor_cg.hpp"
#include "iterum/tuning/cheb_cb.hpp"
#include "iterum/tuning/sequence.hpp"
#include "iterum/tuning/tsallis_inf.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::test::invalid_argument_message;
namespace tuning = iterum::tuning;

namespace {

using Csr = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;

/// A small shifted-Laplacian sequence: A_t = A + c_t I on a 6 x 6 grid, c_t in [-0.1, 0.5].
struct Shifts {
  Csr base = iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(6, 6);
  std::vector<double> c;
  std::vector<Eigen::VectorXd> b;
  explicit Shifts(Index instances) {
    auto engine = iterum::make_engine(5);
    for (Index t = 0; t < instances; ++t) {
      c.push_back(iterum::random::uniform(engine, -0.1, 0.5));
      b.push_back(iterum::random::normal_vector(engine, base.rows()));
    }
  }
  [[nodiscard]] Csr matrix(Index t) const {
    Csr a = base;
    for (Index i = 0; i < a.rows(); ++i) a.coeffRef(i, i) += c[static_cast<std::size_t>(t)];
    return a;
  }
};

}  // namespace

static_assert(tuning::Tuner<tuning::TsallisInf>);
static_assert(tuning::ContextualTuner<tuning::ChebCB>);
static_assert(tuning::Tuner<tuning::Fixed> && tuning::ContextualTuner<tuning::Fixed>);
static_assert(!tuning::Tuner<tuning::ChebCB>);

TEST_CASE("Parameter grids: uniform, and log-spaced in the gap to a limit", "[tuning][grid]") {
  const auto uniform = tuning::uniform_grid(1.0, 1.95, 20);
  REQUIRE(uniform.size() == 20);
  REQUIRE(uniform.front() == 1.0);
  REQUIRE(uniform.back() == 1.95);
  for (std::size_t i = 1; i < uniform.size(); ++i)
    REQUIRE_THAT(uniform[i] - uniform[i - 1], Catch::Matchers::WithinAbs(0.05, 1e-12));
  const auto log_gap = tuning::log_gap_grid(1.0, 1.99, 9);
  REQUIRE(log_gap.front() == 1.0);
  REQUIRE(log_gap.back() == 1.99);
  const double ratio = std::pow(0.01, 1.0 / 8.0);  // (2 - 1.99) / (2 - 1) over 8 steps
  for (std::size_t i = 1; i < log_gap.size(); ++i)
    REQUIRE_THAT((2 - log_gap[i]) / (2 - log_gap[i - 1]), Catch::Matchers::WithinRel(ratio, 1e-9));
  REQUIRE(tuning::uniform_grid(3.0, 5.0, 1) == std::vector<double>{3.0});
  REQUIRE(invalid_argument_message([] { (void)tuning::log_gap_grid(1.0, 2.0, 5); }) ==
          "iterum::tuning::log_gap_grid: argument 'hi' must lie in [-1.7976931348623157e+308, 2) "
          "(got 2)");
  REQUIRE(invalid_argument_message([] { (void)tuning::uniform_grid(0.0, 1.0, 0); }) ==
          "iterum::tuning::uniform_grid: argument 'count' must be positive (got 0)");
}

TEST_CASE("run_sequence and CostTable: totals, hindsight baselines and replay", "[tuning]") {
  tuning::CostTable table({0.5, 1.0, 1.5}, 4);
  const double costs[4][3] = {{5, 3, 9}, {4, 6, 1}, {7, 2, 8}, {1, 5, 5}};
  for (Index t = 0; t < 4; ++t)
    for (Index k = 0; k < 3; ++k) table.at(t, k) = costs[t][k];
  REQUIRE(table.best_fixed_arm() == 1);  // totals 17, 16, 23
  REQUIRE(table.best_fixed_total() == 16);
  REQUIRE(table.oracle_total() == 3 + 1 + 2 + 1);
  REQUIRE(table.best_fixed_total(2) == 9);  // first two instances: 9, 9, 10 -> first minimum
  tuning::Fixed fixed(1.5);
  const auto report = table.replay(fixed);
  REQUIRE(report.costs == std::vector<double>{9, 1, 8, 5});
  REQUIRE(report.cumulative == std::vector<double>{9, 10, 18, 23});
  REQUIRE(report.total() == 23);
  REQUIRE(report.mean() == 23.0 / 4);
  REQUIRE(invalid_argument_message([&] { (void)table.cost(0, 0.75); }) ==
          "iterum::tuning::CostTable::arm_of: argument 'value' is not a value of the grid (got "
          "0.75)");
}

TEST_CASE("One tuner, three parameters: SOR's omega, SSOR-CG's omega, a step size",
          "[tuning][sequence]") {
  const Shifts s(120);
  const auto grid = tuning::uniform_grid(1.0, 1.9, 10);

  SECTION("SOR's omega: a live run equals the replay of its cost table") {
    iterum::linalg::Sor<Csr> solver({.tolerance = 1e-8});
    Eigen::VectorXd x;
    auto solve_sor = [&](Index t, double omega) {
      const Csr a = s.matrix(t);
      (void)solver.compute(a);
      solver.set_omega(omega);
      x = Eigen::VectorXd::Zero(a.rows());
      return solver.solve(s.b[static_cast<std::size_t>(t)], x);  // cost = its iterations
    };
    tuning::TsallisInf live_tuner(grid, {.seed = 3});
    const auto live = tuning::run_sequence(live_tuner, 120, solve_sor);
    tuning::CostTable table(grid, 120);
    for (Index t = 0; t < 120; ++t)
      for (Index k = 0; k < table.arms(); ++k)
        table.at(t, k) =
            static_cast<double>(solve_sor(t, grid[static_cast<std::size_t>(k)]).iterations);
    tuning::TsallisInf replay_tuner(grid, {.seed = 3});
    const auto replay = table.replay(replay_tuner);
    REQUIRE(live.values == replay.values);
    REQUIRE(live.costs == replay.costs);
    // Even in 120 rounds over 10 arms the tuner is well ahead of Gauss-Seidel (arm 0).
    REQUIRE(live.total() < 0.75 * table.fixed_totals()[0]);
  }
  SECTION("SSOR-CG's omega, with the shift as the context of ChebCB") {
    iterum::linalg::SsorConjugateGradient<Csr> solver({.tolerance = 1e-8});
    Eigen::VectorXd x;
    tuning::ChebCB tuner(grid, {.seed = 4, .context_min = -0.1, .context_max = 0.5});
    const auto report = tuning::run_sequence(
        tuner, 120, [&](Index t) { return s.c[static_cast<std::size_t>(t)]; },
        [&](Index t, double omega) {
          const Csr a = s.matrix(t);
          (void)solver.compute(a);
          solver.set_omega(omega);
          x = Eigen::VectorXd::Zero(a.rows());
          const auto r = solver.solve(s.b[static_cast<std::size_t>(t)], x);
          REQUIRE(r.ok());
          return r;
        });
    REQUIRE(report.costs.size() == 120);
    for (double v : report.values) REQUIRE(std::find(grid.begin(), grid.end(), v) != grid.end());
  }
  SECTION("a step size of gradient descent on a quadratic, cost = steps to converge") {
    // f(x) = 1/2 x' diag(1..10) x: gradient descent with step h converges for h < 0.2 and is
    // fastest near h = 2 / (1 + 10) = 0.18; the tuner knows nothing of this.
    const auto steps = tuning::uniform_grid(0.02, 0.19, 18);
    auto descend = [](Index, double h) {
      Eigen::VectorXd x = Eigen::VectorXd::Ones(10);
      const Eigen::VectorXd d = Eigen::VectorXd::LinSpaced(10, 1.0, 10.0);
      int k = 0;
      while (x.norm() > 1e-6 && k < 5000) {
        x -= h * d.cwiseProduct(x);
        ++k;
      }
      return static_cast<double>(k);
    };
    tuning::CostTable table(steps, 1);
    for (Index k = 0; k < table.arms(); ++k)
      table.at(0, k) = descend(0, steps[static_cast<std::size_t>(k)]);
    tuning::TsallisInf tuner(steps, {.seed = 1});
    const auto report = tuning::run_sequence(tuner, 2000, descend);
    // The arm drawn most often in the last rounds is the brute-force best step size.
    const auto& p = tuner.probabilities();
    const auto favourite = std::max_element(p.begin(), p.end()) - p.begin();
    REQUIRE(favourite == table.best_fixed_arm());
    REQUIRE(report.total() < 1.35 * 2000 * table.best_fixed_total());
  }
}

TEST_CASE("CostTable::at checks both indices (D13)", "[tuning][errors]") {
  tuning::CostTable table({0.5, 1.0}, 3);
  table.at(2, 1) = 4.0;
  REQUIRE(std::as_const(table).at(2, 1) == 4.0);
  REQUIRE(invalid_argument_message([&] { (void)table.at(5, 0); }) ==
          "iterum::tuning::CostTable::at: argument 'instance' must lie in [0, 3) (got 5)");
  REQUIRE(invalid_argument_message([&] { (void)std::as_const(table).at(0, -1); }) ==
          "iterum::tuning::CostTable::at: argument 'arm' must lie in [0, 2) (got -1)");
}

TEST_CASE("uniform_grid spans the whole double range without overflow (D17)", "[tuning][grid]") {
  const double big = std::numeric_limits<double>::max();
  REQUIRE(tuning::uniform_grid(-1e308, 1e308, 3) == std::vector<double>{-1e308, 0.0, 1e308});
  const auto grid = tuning::uniform_grid(-big, big, 5);
  for (double v : grid) REQUIRE(std::isfinite(v));
  REQUIRE(std::is_sorted(grid.begin(), grid.end()));
  REQUIRE(grid.front() == -big);
  REQUIRE(grid.back() == big);
}

TEST_CASE("CostTable rejects a negative instance count before sizing the table (D12)", "[tuning]") {
  // Issue 11, D12: an Eigen assertion abort (or bad_alloc) before.
  REQUIRE(iterum::test::invalid_argument_message([] {
            tuning::CostTable table({0.5, 1.0}, -3);
          }) == "iterum::tuning::CostTable: argument 'instances' must be nonnegative (got -3)");
  REQUIRE(tuning::CostTable({0.5, 1.0}, 0).instances() == 0);
}
