#include "iterum/core/solve.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "iterum/core/stop.hpp"
#include "support/catch_compat.hpp"
#include "support/toy_methods.hpp"

using iterum::Status;
using iterum::test::ScalarProblem;

namespace {

/// A stop rule that counts its evaluations and fires `verdict` at iteration `fire_at`.
struct CountingRule {
  int* evaluations;
  iterum::Index fire_at;
  Status verdict;
  std::optional<Status> operator()(const iterum::IterationInfo& info) const {
    ++*evaluations;
    if (info.iteration == fire_at) return verdict;
    return std::nullopt;
  }
};

}  // namespace

TEST_CASE("the stop rule runs exactly once per iteration and its reason is recorded",
          "[core][solve]") {
  int evaluations = 0;
  iterum::test::Scale method;
  auto result =
      iterum::solve(ScalarProblem{}, method, CountingRule{&evaluations, 5, Status::Stalled});
  REQUIRE(result.status == Status::Stalled);
  REQUIRE(result.iterations == 5);
  REQUIRE(evaluations == 6);  // iterations 0 (the start) to 5
  REQUIRE(result.state.value == std::ldexp(1.0, -5));
  REQUIRE(result.residual == std::ldexp(1.0, -5));
  REQUIRE(result.counters.oracle_calls == 5);  // read from the state's counters
}

TEST_CASE("a residual tolerance stops at the first iteration that meets it", "[core][solve]") {
  auto result = iterum::solve(
      ScalarProblem{}, iterum::test::Scale{},
      iterum::stop::any_of(iterum::stop::residual_below(1e-3), iterum::stop::max_iterations(100)));
  REQUIRE(result.ok());
  REQUIRE(result.iterations == 10);  // 2^-10 < 1e-3 < 2^-9
  REQUIRE(result.residual == std::ldexp(1.0, -10));
}

TEST_CASE("a start that already meets the tolerance takes no step", "[core][solve]") {
  auto result =
      iterum::solve(ScalarProblem{1e-9}, iterum::test::Scale{}, iterum::stop::residual_below(1e-6));
  REQUIRE(result.ok());
  REQUIRE(result.iterations == 0);
  REQUIRE(result.counters.oracle_calls == 0);
}

TEST_CASE("an observer returning true stops the solve", "[core][solve][observe]") {
  std::vector<iterum::Index> seen;
  auto recorder = [&seen](const auto& info) { seen.push_back(info.iteration); };
  auto stopper = [](const auto& info) { return info.iteration == 3; };
  auto result = iterum::solve(ScalarProblem{}, iterum::test::Scale{},
                              iterum::stop::max_iterations(100), recorder, stopper);
  REQUIRE(result.status == Status::StoppedByObserver);
  REQUIRE(result.iterations == 3);
  REQUIRE(seen == std::vector<iterum::Index>{0, 1, 2, 3});  // every observer saw every iteration
  REQUIRE_FALSE(result.ok());
}

TEST_CASE("when the stop rule and an observer fire together, the rule's reason wins",
          "[core][solve][observe]") {
  auto result =
      iterum::solve(ScalarProblem{}, iterum::test::Scale{}, iterum::stop::max_iterations(4),
                    [](const auto& info) { return info.iteration == 4; });
  REQUIRE(result.status == Status::MaxIterations);
}

TEST_CASE("observers see the state and get on_finish once with the status",
          "[core][solve][observe]") {
  struct Finisher {
    int finished = 0;
    Status status = Status::Converged;
    double last_value = -1;
    void operator()(const iterum::Info<iterum::test::Scale::State>& info) {
      last_value = info.state.value;
    }
    void on_finish(const iterum::IterationInfo&, Status s) {
      ++finished;
      status = s;
    }
  } finisher;
  auto result = iterum::solve(ScalarProblem{}, iterum::test::Scale{},
                              iterum::stop::max_iterations(2), finisher);
  REQUIRE(finisher.finished == 1);
  REQUIRE(finisher.status == Status::MaxIterations);
  REQUIRE(finisher.last_value == 0.25);
  REQUIRE(result.iterations == 2);
}

TEST_CASE("a non-finite iterate gives NumericalIssue at once", "[core][solve]") {
  auto result = iterum::solve(ScalarProblem{}, iterum::test::PoisonedIterate{3},
                              iterum::stop::max_iterations(100));
  REQUIRE(result.status == Status::NumericalIssue);
  REQUIRE(result.iterations == 3);
  REQUIRE(std::isfinite(result.residual));  // only the state check could catch this one
}

TEST_CASE("a non-finite certificate gives NumericalIssue", "[core][solve]") {
  int evaluations = 0;
  auto result = iterum::solve(ScalarProblem{}, iterum::test::NanResidual{2},
                              CountingRule{&evaluations, 100, Status::Converged});
  REQUIRE(result.status == Status::NumericalIssue);
  REQUIRE(result.iterations == 2);
  REQUIRE(evaluations == 3);  // still exactly once per iteration, its verdict overridden
}

TEST_CASE("a status returned by step ends the solve with that status", "[core][solve]") {
  int evaluations = 0;
  auto result = iterum::solve(ScalarProblem{}, iterum::test::FailAt{4, Status::Breakdown},
                              CountingRule{&evaluations, 4, Status::Converged});
  REQUIRE(result.status == Status::Breakdown);  // the step's report wins over the rule
  REQUIRE(result.iterations == 4);
  REQUIRE(evaluations == 5);
}

TEST_CASE("a time limit stops a slow method", "[core][solve]") {
  auto result = iterum::solve(
      ScalarProblem{}, iterum::test::Slow{2},
      iterum::stop::any_of(iterum::stop::time_limit(0.03), iterum::stop::max_iterations(100000)));
  REQUIRE(result.status == Status::TimeLimit);
  REQUIRE(result.seconds >= 0.03);
  REQUIRE(result.iterations >= 1);
  REQUIRE(result.iterations < 100000);
}

TEST_CASE("solve_from continues from a given state", "[core][solve]") {
  iterum::test::Scale method;
  const ScalarProblem problem{};
  auto first = iterum::solve(problem, method, iterum::stop::max_iterations(3));
  auto second = iterum::solve_from(problem, method, first.state, iterum::stop::max_iterations(2));
  REQUIRE(second.state.value == std::ldexp(1.0, -5));
  REQUIRE(second.counters.oracle_calls == 5);  // the state carries its counters along
}

TEST_CASE("then runs the first method until the switch rule fires, then the second",
          "[core][solve][then]") {
  // Phase 1 halves (slow), phase 2 multiplies by 1/100 (fast). The switch fires at the first
  // iteration with residual < 0.1: 1/16 after 4 halvings. Then 0.0625 * 0.01^k <= 1e-9 needs
  // k = 4.
  auto composed = iterum::then(iterum::test::Scale{0.5}, iterum::stop::residual_below(0.1),
                               iterum::test::Scale{0.01});
  std::vector<double> residuals;
  auto result = iterum::solve(
      ScalarProblem{}, composed,
      iterum::stop::any_of(iterum::stop::residual_below(1e-9), iterum::stop::max_iterations(100)),
      [&](const auto& info) { residuals.push_back(info.residual); });
  REQUIRE(result.ok());
  REQUIRE(result.state.switched());
  REQUIRE(result.state.first_iterations == 4);
  REQUIRE(result.state.second_iterations == 4);
  REQUIRE(result.iterations == 8);
  REQUIRE_THAT(result.residual, Catch::Matchers::WithinRel(0.0625e-8, 1e-12));
  REQUIRE(result.counters.oracle_calls == 8);  // both phases' counters, summed
  REQUIRE(residuals.size() == 9);
  REQUIRE(residuals[4] == 0.0625);  // the hand-over keeps the iterate
  REQUIRE_THAT(residuals[5], Catch::Matchers::WithinRel(0.000625, 1e-12));
}

TEST_CASE("then never switches when the first method finishes the job", "[core][solve][then]") {
  auto composed = iterum::then(iterum::test::Scale{0.5}, iterum::stop::max_iterations(1000),
                               iterum::test::Scale{0.01});
  auto result = iterum::solve(ScalarProblem{}, composed, iterum::stop::residual_below(1e-2));
  REQUIRE(result.ok());
  REQUIRE_FALSE(result.state.switched());
  REQUIRE(result.state.first_iterations == 7);
}

TEST_CASE("then passes a step's status through", "[core][solve][then]") {
  auto composed = iterum::then(iterum::test::Scale{0.5}, iterum::stop::max_iterations(2),
                               iterum::test::FailAt{3, Status::InnerSolverFailed});
  auto result = iterum::solve(ScalarProblem{}, composed, iterum::stop::max_iterations(100));
  REQUIRE(result.status == Status::InnerSolverFailed);
  REQUIRE(result.iterations == 5);
}

TEST_CASE("then reports the first method's counters from iteration 0", "[core][solve][then]") {
  struct CountsInit {
    struct State {
      double value = 1.0;
      iterum::Counters counters{};
    };
    State init(const ScalarProblem& p) const { return {p.start, {1, 0, 0}}; }
    void step(const ScalarProblem&, State& s) const { s.value *= 0.5; }
    double residual(const ScalarProblem&, const State& s) const { return s.value; }
  };
  auto composed =
      iterum::then(CountsInit{}, iterum::stop::max_iterations(5), iterum::test::Scale{});
  std::vector<std::int64_t> matvecs;
  (void)iterum::solve(ScalarProblem{}, composed, iterum::stop::max_iterations(2),
                      [&](const auto& info) { matvecs.push_back(info.counters.matvecs); });
  REQUIRE(matvecs == std::vector<std::int64_t>{1, 1, 1});
}
