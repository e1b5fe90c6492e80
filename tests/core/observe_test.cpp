#include "iterum/core/observe.hpp"

#include <sstream>
#include <string>
#include <vector>

#include "iterum/core/monitor.hpp"
#include "iterum/core/stop.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"
#include "support/toy_methods.hpp"

using iterum::Status;
using iterum::test::ScalarProblem;

namespace {
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

TEST_CASE("History records the certificate of every iteration", "[core][observe]") {
  iterum::observe::History history;
  auto result = iterum::solve(ScalarProblem{}, iterum::test::Scale{},
                              iterum::stop::max_iterations(4), history);
  REQUIRE(result.iterations == 4);
  REQUIRE(history.residuals == std::vector<double>{1.0, 0.5, 0.25, 0.125, 0.0625});
  REQUIRE(history.seconds.size() == 5);
  for (std::size_t i = 1; i < history.seconds.size(); ++i) {
    REQUIRE(history.seconds[i] >= history.seconds[i - 1]);
  }
}

TEST_CASE("Progress prints a line every N iterations and a final line", "[core][observe]") {
  std::ostringstream out;
  iterum::observe::Progress progress(out,
                                     {.every_iterations = 2, .every_seconds = 0.0, .label = "toy"});
  auto result = iterum::solve(ScalarProblem{}, iterum::test::Scale{},
                              iterum::stop::max_iterations(5), progress);
  REQUIRE(result.iterations == 5);
  const auto lines = lines_of(out.str());
  // label, column header, iterations 0, 2, 4, the last iteration 5, the summary
  REQUIRE(lines.size() == 7);
  REQUIRE(lines[0] == "toy");
  REQUIRE(iterum::test::contains(lines[1], "iter"));
  REQUIRE(iterum::test::contains(lines[1], "residual"));
  REQUIRE(iterum::test::contains(lines[2], "1.000000e+00"));
  REQUIRE(iterum::test::contains(lines[3], "2.500000e-01"));
  REQUIRE(iterum::test::contains(lines[5], "3.125000e-02"));
  REQUIRE(lines[6].rfind("toy: MaxIterations after 5 iterations, residual 3.125e-02", 0) == 0);
}

TEST_CASE("Progress by time alone prints the start and the end", "[core][observe]") {
  std::ostringstream out;
  iterum::observe::Progress progress(out,
                                     {.every_iterations = 0, .every_seconds = 1e6, .label = ""});
  (void)iterum::solve(ScalarProblem{}, iterum::test::Scale{}, iterum::stop::residual_below(1e-3),
                      progress);
  const auto lines = lines_of(out.str());
  REQUIRE(lines.size() == 4);  // header, iteration 0, iteration 10, summary
  REQUIRE(lines[3].rfind("solve: Converged after 10 iterations", 0) == 0);
}

TEST_CASE("Monitor: history, progress and a callback that stops", "[core][observe][monitor]") {
  std::ostringstream out;
  iterum::Monitor monitor{
      .progress = &out,
      .progress_every_iterations = 1,
      .progress_every_seconds = 0,
      .record_history = true,
      .callback = [](const iterum::IterationInfo& info) { return info.residual < 0.2; }};
  iterum::test::Scale method;
  const ScalarProblem problem{};
  auto result = iterum::solve_monitored(problem, method, method.init(problem),
                                        iterum::stop::max_iterations(100), monitor, "scale");
  REQUIRE(result.status == Status::StoppedByObserver);
  REQUIRE(result.iterations == 3);
  REQUIRE(result.history == std::vector<double>{1.0, 0.5, 0.25, 0.125});
  REQUIRE(iterum::test::contains(out.str(), "scale: StoppedByObserver after 3 iterations"));
}

TEST_CASE("Monitor defaults are silent and keep no history", "[core][observe][monitor]") {
  iterum::test::Scale method;
  const ScalarProblem problem{};
  auto result = iterum::solve_monitored(problem, method, method.init(problem),
                                        iterum::stop::max_iterations(3), iterum::Monitor{}, "x");
  REQUIRE(result.iterations == 3);
  REQUIRE(result.history.empty());
}

TEST_CASE("Monitor rejects negative intervals", "[core][observe][errors]") {
  iterum::Monitor monitor;
  monitor.progress_every_seconds = -1;
  REQUIRE(iterum::test::invalid_argument_message([&] { monitor.validate("f"); }) ==
          "f: argument 'options.monitor.progress_every_seconds' must be nonnegative (got -1)");
}
