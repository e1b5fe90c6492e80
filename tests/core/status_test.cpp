#include "iterum/core/status.hpp"

#include "iterum/core/result.hpp"
#include "support/catch_compat.hpp"

using iterum::Status;

TEST_CASE("to_string names every status", "[core][status]") {
  REQUIRE(iterum::to_string(Status::Converged) == "Converged");
  REQUIRE(iterum::to_string(Status::StoppedByObserver) == "StoppedByObserver");
  REQUIRE(iterum::to_string(Status::MaxIterations) == "MaxIterations");
  REQUIRE(iterum::to_string(Status::TimeLimit) == "TimeLimit");
  REQUIRE(iterum::to_string(Status::Stalled) == "Stalled");
  REQUIRE(iterum::to_string(Status::NumericalIssue) == "NumericalIssue");
  REQUIRE(iterum::to_string(Status::Breakdown) == "Breakdown");
  REQUIRE(iterum::to_string(Status::InnerSolverFailed) == "InnerSolverFailed");
  REQUIRE(iterum::to_string(Status::Diverged) == "Diverged");
  REQUIRE(iterum::to_string(Status::BudgetExhausted) == "BudgetExhausted");
  STATIC_REQUIRE(iterum::to_string(Status::Converged) == "Converged");
}

TEST_CASE("only Converged is ok; failures are negative", "[core][status]") {
  iterum::Summary s;
  REQUIRE_FALSE(s.ok());  // a default summary claims nothing
  s.status = Status::Converged;
  REQUIRE(s.ok());
  s.status = Status::StoppedByObserver;
  REQUIRE_FALSE(s.ok());
  REQUIRE(iterum::succeeded(Status::StoppedByObserver));
  for (Status bad :
       {Status::MaxIterations, Status::TimeLimit, Status::Stalled, Status::NumericalIssue,
        Status::Breakdown, Status::InnerSolverFailed, Status::Diverged, Status::BudgetExhausted}) {
    REQUIRE_FALSE(iterum::succeeded(bad));
  }
}

TEST_CASE("counters add up", "[core][result]") {
  iterum::Counters a{1, 2, 3};
  const iterum::Counters b{10, 20, 30};
  REQUIRE(a + b == iterum::Counters{11, 22, 33});
  a += b;
  REQUIRE(a == iterum::Counters{11, 22, 33});
}
