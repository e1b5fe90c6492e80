#pragma once

/// @file result.hpp
/// @brief What every solve returns: `Counters`, `Summary` and `Result<State>`.

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

/// The outcome of a solve without its iterate: the common base of every facade result.
struct Summary {
  Status status = Status::MaxIterations;  ///< why the solve stopped
  Index iterations = 0;                   ///< completed iterations (steps of the method)
  double residual = std::numeric_limits<double>::infinity();  ///< the method's certificate
  double seconds = 0.0;                                       ///< wall-clock time of the solve
  Counters counters{};                                        ///< work done

  /// True when the certificate met the tolerance (`status == Status::Converged`).
  [[nodiscard]] bool ok() const noexcept { return status == Status::Converged; }
};

/// The outcome of `iterum::solve`: the summary, the method's final state, and the residual
/// history when an observer or option asked for it.
template <class State>
struct [[nodiscard]] Result : Summary {
  State state{};                ///< the final state (on a non-OK status: the last state reached)
  std::vector<double> history;  ///< residual per iteration, starting at iteration 0 (optional)
};

}  // namespace iterum
