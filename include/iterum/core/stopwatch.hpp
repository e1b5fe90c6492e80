#pragma once

/// @file stopwatch.hpp
/// @brief `Stopwatch`: the monotonic clock every facade times itself with, so that `seconds`
/// in every result means the same thing (from the facade's entry to its return).

#include <chrono>

namespace iterum {

/// A monotonic wall-clock stopwatch, started on construction.
class Stopwatch {
 public:
  using Clock = std::chrono::steady_clock;

  Stopwatch() noexcept : start_(Clock::now()) {}

  /// Starts again from now.
  void restart() noexcept { start_ = Clock::now(); }

  /// Seconds since construction or the last `restart()`.
  [[nodiscard]] double seconds() const noexcept {
    return std::chrono::duration<double>(Clock::now() - start_).count();
  }

  /// The instant it was started.
  [[nodiscard]] Clock::time_point started() const noexcept { return start_; }

 private:
  Clock::time_point start_;
};

}  // namespace iterum
