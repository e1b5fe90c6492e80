#pragma once

/// @file info.hpp
/// @brief What the driver tells stop rules and observers once per iteration.

#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"

namespace iterum {

/// The per-iteration facts that do not depend on the method: this is what type-erased callbacks
/// (`Monitor::callback`) see.
struct IterationInfo {
  Index iteration = 0;    ///< completed iterations; 0 is the initial point, before any step
  double residual = 0.0;  ///< the method's certificate at this iteration
  double seconds = 0.0;   ///< wall-clock time since the solve started
  Counters counters{};    ///< work done so far
};

/// `IterationInfo` plus read-only access to the method's state (the iterate and whatever the
/// method carries). Observers written as `[](const auto& info) {...}` see this type.
template <class State>
struct Info : IterationInfo {
  const State& state;
};

}  // namespace iterum
