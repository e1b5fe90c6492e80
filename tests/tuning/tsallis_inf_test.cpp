#include "iterum/tuning/tsallis_inf.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/tuning/sequence.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::test::invalid_argument_message;
namespace tuning = iterum::tuning;

namespace {

/// A stochastic cost table shaped like SOR's: arm k has mean cost m_k = 40 + 600 (w_k - 1.8)^2
/// scaled by 20 near omega = 2 (unimodal in w, minimum at 1.8), times a heavy-tailed instance
/// difficulty g_t (shared by all arms, as a hard system is hard for every w), rounded up.
tuning::CostTable sor_like_table(Index instances, std::uint64_t seed) {
  const auto grid = tuning::uniform_grid(1.0, 1.95, 20);
  tuning::CostTable table(grid, instances);
  auto engine = iterum::make_engine(seed);
  for (Index t = 0; t < instances; ++t) {
    const double g = std::exp(0.5 * iterum::random::normal(engine));
    for (Index k = 0; k < table.arms(); ++k) {
      const double w = grid[static_cast<std::size_t>(k)];
      const double mean = 40 + 600 * (w - 1.8) * (w - 1.8) * (w > 1.8 ? 20 : 1);
      table.at(t, k) = std::ceil(mean * g * (0.9 + 0.2 * iterum::random::uniform01(engine)));
    }
  }
  return table;
}

}  // namespace

TEST_CASE("Tsallis-INF proposes grid values from a probability vector", "[tuning][tsallis]") {
  const std::vector<double> grid{1.0, 1.2, 1.4};
  tuning::TsallisInf tuner(grid, {.seed = 9});
  for (int round = 0; round < 50; ++round) {
    const double v = tuner.propose();
    REQUIRE(std::find(grid.begin(), grid.end(), v) != grid.end());
    const auto& p = tuner.probabilities();
    REQUIRE_THAT(std::accumulate(p.begin(), p.end(), 0.0), Catch::Matchers::WithinAbs(1.0, 1e-12));
    REQUIRE(std::all_of(p.begin(), p.end(), [](double q) { return q > 0 && q <= 1; }));
    tuner.feedback(v == 1.2 ? 1.0 : 3.0);
  }
  REQUIRE(tuner.rounds() == 50);
  // The first round is uniform; the cheap arm then gathers the mass.
  REQUIRE(tuner.probabilities()[1] > 0.6);

  SECTION("the same seed replays the same choices; another seed differs") {
    auto run = [&](std::uint64_t seed) {
      tuning::TsallisInf t(tuning::uniform_grid(0, 1, 8), {.seed = seed});
      std::vector<double> values;
      for (int r = 0; r < 40; ++r) {
        values.push_back(t.propose());
        t.feedback(1 + values.back());
      }
      return values;
    };
    REQUIRE(run(1) == run(1));
    REQUIRE(run(1) != run(2));
  }
  SECTION("costs of any scale give finite weights") {
    for (double magnitude : {1e-9, 1.0, 1e12}) {
      tuning::TsallisInf t(tuning::uniform_grid(0, 1, 10), {.seed = 2});
      for (int r = 0; r < 200; ++r) {
        const double v = t.propose();
        t.feedback(magnitude * (1 + 5 * v));
      }
      const auto& p = t.probabilities();
      REQUIRE(std::all_of(p.begin(), p.end(), [](double q) { return std::isfinite(q) && q > 0; }));
      REQUIRE(p[0] == *std::max_element(p.begin(), p.end()));
    }
  }
}

TEST_CASE("Tsallis-INF on a replayed cost table: regret against the best fixed arm shrinks",
          "[tuning][tsallis][regret]") {
  const tuning::CostTable table = sor_like_table(8000, 17);
  const Index best = table.best_fixed_arm();
  REQUIRE_THAT(table.grid()[static_cast<std::size_t>(best)],
               Catch::Matchers::WithinAbs(1.8, 1e-12));  // brute force, as built
  std::vector<double> excess;  // cumulative cost / best fixed cumulative cost - 1, averaged
  const std::vector<Index> horizons{250, 1000, 4000, 8000};
  std::vector<double> sum(horizons.size(), 0.0);
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    tuning::TsallisInf tuner(table.grid(), {.seed = seed});
    const auto report = table.replay(tuner);
    for (std::size_t h = 0; h < horizons.size(); ++h) {
      const auto n = horizons[h];
      sum[h] += report.cumulative[static_cast<std::size_t>(n - 1)] / table.best_fixed_total(n) - 1;
    }
  }
  for (double s : sum) excess.push_back(s / 4);
  INFO("excess over the best fixed arm at t = 250, 1000, 4000, 8000: "
       << excess[0] << ", " << excess[1] << ", " << excess[2] << ", " << excess[3]);
  for (std::size_t h = 1; h < excess.size(); ++h) REQUIRE(excess[h] < 0.85 * excess[h - 1]);
  REQUIRE(excess.back() < 0.25);
  // Sublinear regret: the excess at 8000 is far below the uniform-play excess.
  const double uniform = table.fixed_totals().mean() / table.best_fixed_total() - 1;
  REQUIRE(excess.back() < 0.1 * uniform);
}

TEST_CASE("Tsallis-INF rejects bad input", "[tuning][tsallis][errors]") {
  const std::string f = "iterum::tuning::TsallisInf";
  REQUIRE(invalid_argument_message([] { tuning::TsallisInf t({}); }) ==
          f + ": argument 'grid' must not be empty (got size 0)");
  REQUIRE(invalid_argument_message([] {
            tuning::TsallisInf t({1.0, std::numeric_limits<double>::quiet_NaN()});
          }) == f + ": argument 'grid' must be finite, but entry 1 is not (got nan)");
  REQUIRE(invalid_argument_message([] { tuning::TsallisInf t({1.0}, {.learning_rate = 0}); }) ==
          f + ": argument 'options.learning_rate' must be positive (got 0)");
  tuning::TsallisInf t({1.0, 1.5});
  REQUIRE(invalid_argument_message([&] { t.feedback(3); }) ==
          f + "::feedback: argument 'this' needs a propose() before each feedback()");
  (void)t.propose();
  REQUIRE(invalid_argument_message([&] { t.feedback(-1); }) ==
          f + "::feedback: argument 'cost' must be nonnegative (got -1)");
  REQUIRE(invalid_argument_message([&] { t.feedback(std::numeric_limits<double>::infinity()); }) ==
          f + "::feedback: argument 'cost' must be finite (got inf)");
}

TEST_CASE("Tsallis-INF: huge costs and extreme learning rates (D15)", "[tuning][tsallis][errors]") {
  // Costs near the top of the double range: their sum overflows unless the learner rescales.
  auto run = [](double magnitude) {
    tuning::TsallisInf t(tuning::uniform_grid(0, 1, 10), {.seed = 2});
    for (int r = 0; r < 300; ++r) {
      const double v = t.propose();
      t.feedback(magnitude * (1 + 5 * v));
    }
    (void)t.propose();
    return t.probabilities();
  };
  const auto unit = run(1.0);
  for (double magnitude : {1e300, 1e307}) {
    const auto p = run(magnitude);
    REQUIRE(std::all_of(p.begin(), p.end(), [](double q) { return std::isfinite(q) && q > 0; }));
    REQUIRE_THAT(std::accumulate(p.begin(), p.end(), 0.0), Catch::Matchers::WithinAbs(1.0, 1e-12));
    REQUIRE(p[0] == *std::max_element(p.begin(), p.end()));
    for (std::size_t i = 0; i < p.size(); ++i)
      REQUIRE_THAT(p[i], Catch::Matchers::WithinAbs(unit[i], 1e-9));
  }
  const std::string f = "iterum::tuning::TsallisInf";
  REQUIRE(invalid_argument_message([] { tuning::TsallisInf t({1.0}, {.learning_rate = 1e50}); }) ==
          f + ": argument 'options.learning_rate' must lie in [1e-06, 1e+06] (got 1e+50)");
  REQUIRE(invalid_argument_message([] {
            tuning::TsallisInf t({1.0}, {.learning_rate = 5e-324});
          }) == f + ": argument 'options.learning_rate' must lie in [1e-06, 1e+06] (got 5e-324)");
}
