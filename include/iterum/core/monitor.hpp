#pragma once

/// @file monitor.hpp
/// @brief `Monitor`: the observers a facade's options can ask for (progress printing, residual
/// history, a user callback), and `solve_monitored`, which every facade runs its method with.

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/observe.hpp"
#include "iterum/core/solve.hpp"

namespace iterum {

/// Observation settings shared by every facade's options (`options.monitor`).
struct Monitor {
  /// Where to print progress (nullptr: silent). E.g. `&std::cerr`.
  std::ostream* progress = nullptr;
  Index progress_every_iterations = 0;  ///< a progress line every this many iterations (0: off)
  double progress_every_seconds = 1.0;  ///< a progress line every this many seconds (0: off)
  bool record_history = false;          ///< keep the certificate of every iteration
  /// Called once per iteration; returning `true` stops with `Status::StoppedByObserver`.
  std::function<bool(const IterationInfo&)> callback{};

  /// Throws `iterum::invalid_argument` naming `function` for a negative interval.
  void validate(std::string_view function) const {
    check::nonnegative(function, "monitor.progress_every_iterations",
                       static_cast<double>(progress_every_iterations));
    check::nonnegative(function, "monitor.progress_every_seconds", progress_every_seconds);
  }
};

namespace detail {

/// Adapts `Monitor::callback` to the observer protocol.
struct CallbackObserver {
  const std::function<bool(const IterationInfo&)>* callback;
  bool operator()(const IterationInfo& info) const { return *callback && (*callback)(info); }
};

/// Prints only when a stream is set.
struct OptionalProgress {
  std::optional<observe::Progress> progress;
  void operator()(const IterationInfo& info) {
    if (progress) (*progress)(info);
  }
  void on_finish(const IterationInfo& info, Status status) {
    if (progress) progress->on_finish(info, status);
  }
};

/// Records only when asked.
struct OptionalHistory {
  bool enabled = false;
  std::vector<double> residuals;
  void operator()(const IterationInfo& info) {
    if (enabled) residuals.push_back(info.residual);
  }
};

}  // namespace detail

/// Runs the driver from `state` with the observers `monitor` asks for, labelled `label` in the
/// progress output, and puts the recorded history into the result. `start` is when the
/// facade began (so the reported seconds include its set-up).
template <class Problem, class M, class Stop>
[[nodiscard]] Result<typename M::State> solve_monitored(
    const Problem& problem, M& method, typename M::State state, Stop stop, const Monitor& monitor,
    std::string_view label, detail::Clock::time_point start = detail::Clock::now()) {
  static_assert(detail::check_solve_arguments<M, Problem, Stop>());
  detail::OptionalProgress progress;
  if (monitor.progress != nullptr) {
    progress.progress.emplace(
        *monitor.progress,
        observe::ProgressOptions{monitor.progress_every_iterations, monitor.progress_every_seconds,
                                 std::string(label)});
  }
  detail::OptionalHistory history{monitor.record_history, {}};
  detail::CallbackObserver callback{&monitor.callback};
  auto result = detail::run(problem, method, std::move(state), std::move(stop), start, progress,
                            history, callback);
  result.history = std::move(history.residuals);
  return result;
}

}  // namespace iterum
