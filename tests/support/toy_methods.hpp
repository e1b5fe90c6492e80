#pragma once

// Small methods with known behaviour, for testing the driver and composition.

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <thread>

#include <Eigen/Core>

#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"

namespace iterum::test {

/// The problem every toy method reads: nothing but a starting value.
struct ScalarProblem {
  double start = 1.0;
};

/// x <- factor * x, residual |x|: after k steps the residual is exactly start * factor^k.
struct Scale {
  struct State {
    double value = 0.0;
    Counters counters;
  };
  double factor = 0.5;

  State init(const ScalarProblem& p) const { return {p.start, {}}; }
  template <class From>
  State init(const ScalarProblem&, const From& from) const {
    return {from.value, {}};
  }
  void step(const ScalarProblem&, State& s) const {
    s.value *= factor;
    ++s.counters.oracle_calls;
  }
  double residual(const ScalarProblem&, const State& s) const { return std::abs(s.value); }
};

/// Like Scale, but the step reports `verdict` at step number `at`.
struct FailAt {
  struct State {
    double value = 1.0;
    int steps = 0;
  };
  int at = 3;
  Status verdict = Status::Breakdown;

  State init(const ScalarProblem& p) const { return {p.start, 0}; }
  template <class From>
  State init(const ScalarProblem&, const From& from) const {
    return {from.value, 0};
  }
  std::optional<Status> step(const ScalarProblem&, State& s) const {
    s.value *= 0.5;
    if (++s.steps == at) return verdict;
    return std::nullopt;
  }
  double residual(const ScalarProblem&, const State& s) const { return std::abs(s.value); }
};

/// An Eigen iterate x whose entry 1 becomes NaN at step `nan_at` while the residual it reports
/// stays finite: only the driver's state check can catch it.
struct PoisonedIterate {
  struct State {
    Eigen::VectorXd x;
    int steps = 0;
  };
  int nan_at = 3;

  State init(const ScalarProblem&) const { return {Eigen::VectorXd::Ones(3), 0}; }
  void step(const ScalarProblem&, State& s) const {
    s.x *= 0.5;
    if (++s.steps == nan_at) s.x[1] = std::numeric_limits<double>::quiet_NaN();
  }
  double residual(const ScalarProblem&, const State& s) const { return std::abs(s.x[0]); }
};

/// A method whose residual becomes NaN at step `nan_at`.
struct NanResidual {
  struct State {
    double value = 1.0;
    int steps = 0;
  };
  int nan_at = 2;
  State init(const ScalarProblem& p) const { return {p.start, 0}; }
  void step(const ScalarProblem&, State& s) const {
    if (++s.steps == nan_at) s.value = std::numeric_limits<double>::quiet_NaN();
  }
  double residual(const ScalarProblem&, const State& s) const { return s.value; }
};

/// A method whose step takes about `milliseconds` of wall time.
struct Slow {
  struct State {
    double value = 1.0;
  };
  int milliseconds = 2;
  State init(const ScalarProblem& p) const { return {p.start}; }
  void step(const ScalarProblem&, State&) const {
    std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  }
  double residual(const ScalarProblem&, const State& s) const { return s.value; }
};

}  // namespace iterum::test
