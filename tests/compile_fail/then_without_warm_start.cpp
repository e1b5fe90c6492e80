// Compile-fail test: `then` with a second method that accepts no warm start from the first
// method's iterate must give exactly one error, saying what the second method lacks.
// expect-error: Second must accept a warm start from First's iterate

#include <Eigen/Core>

#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"

namespace {
struct Problem {};

/// A method with an iterate x.
struct WithIterate {
  struct State {
    Eigen::VectorXd x = Eigen::VectorXd::Ones(2);
  };
  State init(const Problem&) const { return {}; }
  void step(const Problem&, State& s) const { s.x *= 0.5; }
  double residual(const Problem&, const State& s) const { return s.x.norm(); }
};

/// A method that can only start from scratch.
struct ColdOnly {
  struct State {
    double value = 1.0;
  };
  State init(const Problem&) const { return {}; }
  void step(const Problem&, State& s) const { s.value *= 0.5; }
  double residual(const Problem&, const State& s) const { return s.value; }
};
}  // namespace

int main() {
  auto both = iterum::then(WithIterate{}, iterum::stop::max_iterations(2), ColdOnly{});
  const auto result = iterum::solve(Problem{}, both, iterum::stop::max_iterations(5));
  return result.ok() ? 0 : 1;
}
