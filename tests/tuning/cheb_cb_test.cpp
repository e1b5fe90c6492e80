#include "iterum/tuning/cheb_cb.hpp"

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

/// A contextual cost table: context c_t ~ U[0, 1]; arm w's cost is 20 + 400 (w - w*(c))^2 with
/// the best value w*(c) = 1.1 + 0.8 c moving across the grid, plus 10 % noise.
struct ContextTable {
  std::vector<double> context;
  tuning::CostTable table;
};

ContextTable moving_optimum(Index instances, std::uint64_t seed) {
  ContextTable out{{}, tuning::CostTable(tuning::uniform_grid(1.0, 1.95, 20), instances)};
  auto engine = iterum::make_engine(seed);
  for (Index t = 0; t < instances; ++t) {
    const double c = iterum::random::uniform01(engine);
    out.context.push_back(c);
    for (Index k = 0; k < out.table.arms(); ++k) {
      const double w = out.table.grid()[static_cast<std::size_t>(k)];
      const double mean = 20 + 400 * (w - 1.1 - 0.8 * c) * (w - 1.1 - 0.8 * c);
      out.table.at(t, k) = std::round(mean * (0.95 + 0.1 * iterum::random::uniform01(engine)));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("ChebCB on a replayed contextual table: near the per-instance optimum",
          "[tuning][chebcb][regret]") {
  const ContextTable data = moving_optimum(4000, 23);
  const auto& table = data.table;
  // Brute force from the table: the per-instance optimum is far below the best fixed arm.
  REQUIRE(table.best_fixed_total() > 2.0 * table.oracle_total());
  const std::vector<Index> horizons{200, 1000, 4000};
  std::vector<double> ratio(horizons.size(), 0.0);
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    tuning::ChebCB tuner(table.grid(), {.seed = seed, .context_min = 0, .context_max = 1});
    const auto report =
        table.replay(tuner, [&](Index t) { return data.context[static_cast<std::size_t>(t)]; });
    for (std::size_t h = 0; h < horizons.size(); ++h) {
      const auto n = horizons[h];
      ratio[h] += report.cumulative[static_cast<std::size_t>(n - 1)] / table.oracle_total(n) / 3;
    }
  }
  INFO("cost / per-instance optimum at t = 200, 1000, 4000: " << ratio[0] << ", " << ratio[1]
                                                              << ", " << ratio[2]);
  for (std::size_t h = 1; h < ratio.size(); ++h) REQUIRE(ratio[h] - 1 < 0.8 * (ratio[h - 1] - 1));
  REQUIRE(ratio.back() < 1.15);
}

TEST_CASE("ChebCB learns the cost curve of each arm over the context", "[tuning][chebcb]") {
  const ContextTable data = moving_optimum(1500, 5);
  tuning::ChebCB tuner(data.table.grid(), {.seed = 1, .context_min = 0, .context_max = 1});
  (void)data.table.replay(tuner,
                          [&](Index t) { return data.context[static_cast<std::size_t>(t)]; });
  // Where the optimum sits (c = 0.5: w* = 1.5), the predicted best arm is the true best arm,
  // and its predicted cost is close to the true mean 20.
  const auto predicted = tuner.predict(0.5);
  const auto best = std::min_element(predicted.begin(), predicted.end()) - predicted.begin();
  REQUIRE(data.table.grid()[static_cast<std::size_t>(best)] == 1.5);
  REQUIRE_THAT(predicted[static_cast<std::size_t>(best)], Catch::Matchers::WithinRel(20.0, 0.15));
  const auto& p = tuner.probabilities();
  REQUIRE_THAT(std::accumulate(p.begin(), p.end(), 0.0), Catch::Matchers::WithinAbs(1.0, 1e-12));
}

TEST_CASE("ChebCB rejects bad input", "[tuning][chebcb][errors]") {
  const std::string f = "iterum::tuning::ChebCB";
  REQUIRE(invalid_argument_message([] { tuning::ChebCB t({}); }) ==
          f + ": argument 'grid' must not be empty (got size 0)");
  REQUIRE(invalid_argument_message([] {
            tuning::ChebCB t({1.0}, {.context_min = 1, .context_max = 1});
          }) == f + ": argument 'options.context_max' must be larger than options.context_min (1) "
                    "(got 1)");
  REQUIRE(invalid_argument_message([] { tuning::ChebCB t({1.0}, {.features = 0}); }) ==
          f + ": argument 'options.features' must lie in [1, 32] (got 0)");
  tuning::ChebCB t({1.0, 1.5}, {.context_min = -0.15, .context_max = 0.65});
  REQUIRE(invalid_argument_message([&] { (void)t.propose(0.7); }) ==
          f + "::propose: argument 'context' must lie in [-0.15, 0.65] (got 0.7)");
  REQUIRE(invalid_argument_message([&] { t.feedback(1); }) ==
          f + "::feedback: argument 'this' needs a propose() before each feedback()");
  (void)t.propose(0.0);
  REQUIRE(invalid_argument_message([&] { t.feedback(std::numeric_limits<double>::quiet_NaN()); }) ==
          f + "::feedback: argument 'cost' must be finite (got nan)");
}

TEST_CASE(
    "ChebCB: huge costs keep finite probabilities; an overflowing context range is rejected "
    "(D16)",
    "[tuning][chebcb][errors]") {
  const std::vector<double> grid{1.0, 1.5, 2.0};
  auto run = [&](double magnitude) {
    tuning::ChebCB t(grid, {.seed = 3});
    for (int r = 0; r < 200; ++r) {
      const double context = (r % 10) / 10.0;
      const double v = t.propose(context);
      t.feedback(magnitude * (1 + (v - 1.5) * (v - 1.5) + context));
    }
    (void)t.propose(0.5);
    return t.probabilities();
  };
  const auto unit = run(1.0);
  for (double magnitude : {1e155, 1e300, 1e307}) {
    INFO("magnitude " << magnitude);
    const auto p = run(magnitude);
    REQUIRE(std::all_of(p.begin(), p.end(), [](double q) { return std::isfinite(q) && q >= 0; }));
    REQUIRE_THAT(std::accumulate(p.begin(), p.end(), 0.0), Catch::Matchers::WithinAbs(1.0, 1e-12));
    for (std::size_t i = 0; i < p.size(); ++i)
      REQUIRE_THAT(p[i], Catch::Matchers::WithinAbs(unit[i], 1e-6));
  }
  REQUIRE(invalid_argument_message(
              [] { tuning::ChebCB t({1.0}, {.context_min = -1e308, .context_max = 1e308}); }) ==
          "iterum::tuning::ChebCB: argument 'options.context_max' minus options.context_min "
          "must be finite (got 1e+308 - -1e+308)");
}
