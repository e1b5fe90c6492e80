#include "iterum/core/stop.hpp"

#include <limits>

#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::IterationInfo;
using iterum::Status;

namespace {
IterationInfo at(iterum::Index iteration, double residual, double seconds = 0.0) {
  return IterationInfo{iteration, residual, seconds, {}};
}
}  // namespace

TEST_CASE("max_iterations fires at the limit, not before", "[core][stop]") {
  auto rule = iterum::stop::max_iterations(3);
  REQUIRE_FALSE(rule(at(2, 1.0)));
  REQUIRE(rule(at(3, 1.0)) == Status::MaxIterations);
  REQUIRE(iterum::stop::max_iterations(0)(at(0, 1.0)) == Status::MaxIterations);
}

TEST_CASE("residual_below fires at or under the tolerance", "[core][stop]") {
  auto rule = iterum::stop::residual_below(1e-6);
  REQUIRE_FALSE(rule(at(1, 1.1e-6)));
  REQUIRE(rule(at(1, 1e-6)) == Status::Converged);
  REQUIRE_FALSE(rule(at(1, std::numeric_limits<double>::quiet_NaN())));
}

TEST_CASE("time_limit fires once the seconds have passed", "[core][stop]") {
  auto rule = iterum::stop::time_limit(0.5);
  REQUIRE_FALSE(rule(at(10, 1.0, 0.49)));
  REQUIRE(rule(at(10, 1.0, 0.5)) == Status::TimeLimit);
}

TEST_CASE("stall fires after a window without enough decrease", "[core][stop]") {
  auto rule = iterum::stop::stall(3, 0.1);
  REQUIRE_FALSE(rule(at(0, 1.0)));
  REQUIRE_FALSE(rule(at(1, 0.5)));   // enough decrease: best = 0.5 at 1
  REQUIRE_FALSE(rule(at(2, 0.48)));  // < 10%: does not count
  REQUIRE_FALSE(rule(at(3, 0.47)));
  REQUIRE(rule(at(4, 0.46)) == Status::Stalled);  // 3 iterations since the best
  auto fresh = iterum::stop::stall(2, 0.1);
  REQUIRE_FALSE(fresh(at(0, 1.0)));
  REQUIRE_FALSE(fresh(at(1, 0.8)));
  REQUIRE_FALSE(fresh(at(2, 0.6)));
  REQUIRE_FALSE(fresh(at(3, 0.4)));  // steady decrease never stalls
}

TEST_CASE("any_of reports the first rule that fires, evaluating all", "[core][stop]") {
  int evaluated = 0;
  auto counting = [&evaluated](const IterationInfo&) -> std::optional<Status> {
    ++evaluated;
    return Status::Diverged;
  };
  auto rule = iterum::stop::any_of(iterum::stop::residual_below(1.0), counting);
  REQUIRE(rule(at(0, 0.5)) == Status::Converged);
  REQUIRE(evaluated == 1);  // the second rule still saw the iteration
  REQUIRE(rule(at(1, 2.0)) == Status::Diverged);
  REQUIRE(evaluated == 2);
}

TEST_CASE("all_of fires only when every rule fires, with the first's status", "[core][stop]") {
  auto rule =
      iterum::stop::all_of(iterum::stop::residual_below(1.0), iterum::stop::max_iterations(5));
  REQUIRE_FALSE(rule(at(4, 0.1)));
  REQUIRE_FALSE(rule(at(6, 2.0)));
  REQUIRE(rule(at(5, 0.1)) == Status::Converged);
}

TEST_CASE("standard combines tolerance, budget and time", "[core][stop]") {
  auto rule = iterum::stop::standard(1e-3, 10, 2.0);
  REQUIRE(rule(at(3, 1e-4)) == Status::Converged);
  REQUIRE(rule(at(10, 1.0)) == Status::MaxIterations);
  REQUIRE(rule(at(3, 1.0, 2.5)) == Status::TimeLimit);
  REQUIRE_FALSE(rule(at(3, 1.0, 1.0)));
}

TEST_CASE("stop rule factories reject bad parameters", "[core][stop][errors]") {
  using iterum::test::invalid_argument_message;
  REQUIRE(invalid_argument_message([] { (void)iterum::stop::max_iterations(-1); }) ==
          "iterum::stop::max_iterations: argument 'limit' must be nonnegative (got -1)");
  REQUIRE(invalid_argument_message([] { (void)iterum::stop::residual_below(-0.5); }) ==
          "iterum::stop::residual_below: argument 'tolerance' must be nonnegative (got -0.5)");
  REQUIRE(invalid_argument_message([] { (void)iterum::stop::time_limit(0.0); }) ==
          "iterum::stop::time_limit: argument 'seconds' must be positive (got 0)");
  REQUIRE(invalid_argument_message([] { (void)iterum::stop::stall(5, 1.0); }) ==
          "iterum::stop::stall: argument 'min_relative_decrease' must lie in [0, 1) (got 1)");
}
