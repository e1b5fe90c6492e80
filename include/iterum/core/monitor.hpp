#pragma once

/// @file monitor.hpp
/// @brief `Monitor`: the observers a facade's options can ask for (progress printing, residual
/// history, a user callback that may see the iterate), and `solve_monitored` /
/// `solve_with_options` / `pack_summary`, the skeleton every facade runs its method with.

#include <Eigen/Core>
#include <concepts>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/observe.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/stopwatch.hpp"

namespace iterum {

/// A read-only view of the current iterate, as the monitor's callback sees it (no copy for
/// `double` iterates; other scalars are converted for the callback).
using IterateView = Eigen::Ref<const Eigen::VectorXd>;

/// The monitor's user callback, type-erased: built from any callable taking
/// `(const IterationInfo&)` or `(const IterationInfo&, IterateView)` and returning `void` or
/// something convertible to `bool` (`true` stops with `Status::StoppedByObserver`). Empty by
/// default.
class MonitorCallback {
 public:
  MonitorCallback() = default;
  MonitorCallback(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  MonitorCallback(const MonitorCallback&) = default;
  MonitorCallback(MonitorCallback&&) noexcept = default;
  MonitorCallback& operator=(const MonitorCallback&) = default;
  MonitorCallback& operator=(MonitorCallback&&) noexcept = default;
  // Not inlined: g++ 12 at -O2/-O3 otherwise reports a false -Wmaybe-uninitialized on the
  // std::function of an options temporary destroyed while a later field's initializer unwinds.
  [[gnu::noinline]] ~MonitorCallback() {}  // NOLINT(modernize-use-equals-default)

  template <class F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, MonitorCallback> &&
           (std::invocable<F&, const IterationInfo&, IterateView> ||
            std::invocable<F&, const IterationInfo&>))
      MonitorCallback(
          F f)  // NOLINT(google-explicit-constructor): callables convert, as to std::function
  {
    if constexpr (std::invocable<F&, const IterationInfo&, IterateView>) {
      wants_iterate_ = true;
      call_ = [g = std::move(f)](const IterationInfo& info, const IterateView* x) mutable {
        return ask(g, info, *x);
      };
    } else {
      call_ = [g = std::move(f)](const IterationInfo& info, const IterateView*) mutable {
        return ask(g, info);
      };
    }
  }

  /// True when a callable is held.
  explicit operator bool() const noexcept { return static_cast<bool>(call_); }
  /// True when the callable takes the iterate (so the driver builds the view).
  [[nodiscard]] bool wants_iterate() const noexcept { return wants_iterate_; }

  /// Calls the callable (the view is ignored by a one-argument callable; it may be null then).
  bool operator()(const IterationInfo& info, const IterateView* x = nullptr) const {
    return call_ && call_(info, x);
  }

 private:
  template <class G, class... A>
  static bool ask(G& g, const A&... a) {
    if constexpr (std::is_void_v<std::invoke_result_t<G&, const A&...>>) {
      std::invoke(g, a...);
      return false;
    } else {
      return static_cast<bool>(std::invoke(g, a...));
    }
  }

  std::function<bool(const IterationInfo&, const IterateView*)> call_{};
  bool wants_iterate_ = false;
};

/// Observation settings shared by every facade's options (`options.monitor`).
struct Monitor {
  /// Where to print progress (nullptr: silent). E.g. `&std::cerr`.
  std::ostream* progress = nullptr;
  Index progress_every_iterations = 0;  ///< a progress line every this many iterations (0: off)
  double progress_every_seconds = 1.0;  ///< a progress line every this many seconds (0: off)
  bool record_history = false;          ///< keep the certificate of every iteration
  /// Called once per iteration with the iteration's facts and, if it takes a second argument,
  /// a read-only view of the current iterate; returning `true` stops with
  /// `Status::StoppedByObserver`.
  MonitorCallback callback{};

  /// Throws `iterum::invalid_argument` naming `function` for a negative interval.
  void validate(std::string_view function) const {
    check::nonnegative(function, "options.monitor.progress_every_iterations",
                       static_cast<double>(progress_every_iterations));
    check::nonnegative(function, "options.monitor.progress_every_seconds", progress_every_seconds);
  }
};

namespace detail {

/// Adapts `Monitor::callback` to the observer protocol; builds the iterate view only when the
/// callback takes it.
template <class M>
struct CallbackObserver {
  const MonitorCallback* callback;
  const M* method;

  template <class State>
  bool operator()(const Info<State>& info) const {
    if (!*callback) return false;
    if (!callback->wants_iterate()) return (*callback)(info);
    if constexpr (HasIterate<M, State>) {
      const auto& x = iterate_of(*method, info.state);
      using X = std::remove_cvref_t<decltype(x)>;
      if constexpr (std::is_same_v<typename X::Scalar, double>) {
        const IterateView view(x);
        return (*callback)(info, &view);
      } else {
        const Eigen::VectorXd copy = x.template cast<double>();
        const IterateView view(copy);
        return (*callback)(info, &view);
      }
    } else {
      const Eigen::VectorXd none;
      const IterateView view(none);
      return (*callback)(info, &view);
    }
  }
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
/// progress output, and puts the recorded history into the result. `clock` was started when
/// the facade began (so the reported seconds include its set-up). `extra` observers (a
/// facade's own recorders) are notified after the monitor's.
template <class Problem, class M, class Stop, class... Extra>
[[nodiscard]] Result<typename M::State> solve_monitored(
    const Problem& problem, M& method, typename M::State state, Stop stop, const Monitor& monitor,
    std::string_view label, const Stopwatch& clock = Stopwatch{}, Extra&... extra) {
  static_assert(detail::check_solve_arguments<M, Problem, Stop, Extra...>());
  detail::OptionalProgress progress;
  if (monitor.progress != nullptr) {
    progress.progress.emplace(
        *monitor.progress,
        observe::ProgressOptions{monitor.progress_every_iterations, monitor.progress_every_seconds,
                                 std::string(label)});
  }
  detail::OptionalHistory history{monitor.record_history, {}};
  detail::CallbackObserver<M> callback{&monitor.callback, &method};
  auto result = detail::run(problem, method, std::move(state), std::move(stop), clock, progress,
                            history, callback, extra...);
  result.history = std::move(history.residuals);
  return result;
}

/// Runs `method` from `state` the way every facade does: the stop rule from the options'
/// control fields (`stop::from_options`, with `default_max_iterations` when
/// `options.max_iterations` is unset) and the observers of `options.monitor`.
template <class Problem, class M, class Options>
[[nodiscard]] Result<typename M::State> solve_with_options(
    const Problem& problem, M& method, typename M::State state, const Options& options,
    Index default_max_iterations, std::string_view label, const Stopwatch& clock) {
  return solve_monitored(problem, method, std::move(state),
                         stop::from_options(options, default_max_iterations), options.monitor,
                         label, clock);
}

/// Copies the summary of a driver result into a facade result `out` (a type derived from
/// `Summary`), moves the history and the trace, and stamps `seconds` from the facade's clock:
/// the one way every facade packs its result, so `seconds` means entry to return everywhere.
template <class Out, class State>
void pack_summary(Out& out, Result<State>& result, const Stopwatch& clock) {
  Summary& s = out;
  s.status = result.status;
  s.iterations = result.iterations;
  s.residual = result.residual;
  s.counters = result.counters;
  s.history = std::move(result.history);
  s.trace = std::move(result.trace);
  s.seconds = clock.seconds();
}

}  // namespace iterum
