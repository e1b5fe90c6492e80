#pragma once

/// @file result.hpp
/// @brief What every solve returns: `Counters`, `TracePoint`, `Summary`, `Solution<Scalar>` and
/// `Result<State>`.

#include <cstdint>
#include <limits>
#include <vector>

#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"

namespace iterum {

/// Work counters, so that methods are compared on oracle calls and not only on iterations.
struct Counters {
  std::int64_t matvecs = 0;           ///< products with a linear operator (or its transpose)
  std::int64_t oracle_calls = 0;      ///< calls of a problem oracle (map, component, gradient)
  std::int64_t inner_iterations = 0;  ///< iterations spent inside sub-problem solvers

  Counters& operator+=(const Counters& other) noexcept {
    matvecs += other.matvecs;
    oracle_calls += other.oracle_calls;
    inner_iterations += other.inner_iterations;
    return *this;
  }
  [[nodiscard]] friend Counters operator+(Counters lhs, const Counters& rhs) noexcept {
    lhs += rhs;
    return lhs;
  }
  [[nodiscard]] friend bool operator==(const Counters&, const Counters&) = default;
};

/// One certified point of a solve: what convergence plots draw (certificate against work or
/// time). Methods whose certificate is cheap record none; methods that certify at a cadence of
/// work (`iterum::Certified`) record every evaluation.
struct TracePoint {
  Index iteration = 0;    ///< iterations completed when the certificate was evaluated
  Counters counters{};    ///< the method's work so far (certificate evaluations excluded)
  double work = 0.0;      ///< the family's work unit so far, e.g. epochs (passes over the data)
  double residual = 0.0;  ///< the certificate
  double seconds = 0.0;   ///< wall-clock time since the facade was entered
};

/// The outcome of a solve without its iterate: the common base of every facade result.
struct Summary {
  Status status = Status::MaxIterations;  ///< why the solve stopped
  Index iterations = 0;                   ///< completed iterations (steps of the method)
  double residual = std::numeric_limits<double>::infinity();  ///< the method's certificate
  double seconds = 0.0;             ///< wall-clock time from the facade's entry to its return
  Counters counters{};              ///< work done
  std::vector<double> history{};    ///< certificate per iteration, from iteration 0, when the
                                    ///< monitor asked (`monitor.record_history`)
  std::vector<TracePoint> trace{};  ///< every certified point, for methods that certify at a
                                    ///< cadence of work (empty otherwise)

  /// True when the certificate met the tolerance (`status == Status::Converged`).
  [[nodiscard]] bool ok() const noexcept { return status == Status::Converged; }
};

/// A summary with a solution vector: what facades that compute one point return (or derive
/// from).
template <class Scalar>
struct Solution : Summary {
  Vector<Scalar> x{};  ///< the returned point; `residual` is its certificate
};

/// The outcome of `iterum::solve`: the summary and the method's final state.
template <class State>
struct [[nodiscard]] Result : Summary {
  State state{};  ///< the final state (on a non-OK status: the last state reached)
};

}  // namespace iterum
