#pragma once

/// @file solve.hpp
/// @brief The one driver loop, `iterum::solve`, and sequential composition, `iterum::then`.
///
/// Every facade function of every family runs on `solve`, so progress output, history, time
/// limits, user callbacks and non-finite detection behave the same everywhere.

#include <cmath>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"

namespace iterum {
namespace detail {

/// Calls an observer; `true` means it asks to stop.
template <class O, class I>
bool notify(O& observer, const I& info) {
  if constexpr (std::is_void_v<std::invoke_result_t<O&, const I&>>) {
    std::invoke(observer, info);
    return false;
  } else {
    return static_cast<bool>(std::invoke(observer, info));
  }
}

/// Calls the optional `on_finish(info, status)` hook.
template <class O, class I>
void notify_finish(O& observer, const I& info, Status status) {
  if constexpr (requires { observer.on_finish(info, status); }) observer.on_finish(info, status);
}

/// The state's work counters, if it keeps them.
template <class State>
[[nodiscard]] Counters counters_of(const State& state) noexcept {
  if constexpr (requires {
                  { state.counters } -> std::convertible_to<Counters>;
                }) {
    return state.counters;
  } else {
    return {};
  }
}

/// Whether the state holds only finite numbers: the method's own test when it has one, else
/// `state.x.allFinite()` when the state has an Eigen iterate `x`, else true.
template <class M, class P, class S>
[[nodiscard]] bool state_is_finite(const M& method, const P& problem, const S& state) {
  if constexpr (requires {
                  { method.is_finite(problem, state) } -> std::convertible_to<bool>;
                }) {
    return method.is_finite(problem, state);
  } else if constexpr (requires {
                         { state.x.allFinite() } -> std::convertible_to<bool>;
                       }) {
    return state.x.allFinite();
  } else {
    return true;
  }
}

/// The iterate of a state, as the method sees it: `method.iterate(state)` when the method
/// defines it (composites, wrappers, methods whose iterate is not `state.x`), else `state.x`.
template <class M, class S>
[[nodiscard]] decltype(auto) iterate_of(const M& method, const S& state) {
  if constexpr (requires { method.iterate(state); }) {
    return method.iterate(state);
  } else {
    return (state.x);
  }
}

/// Whether `iterate_of(method, state)` is defined.
template <class M, class S>
concept HasIterate = requires(const M& m, const S& s) {
  m.iterate(s);
}
|| requires(const S& s) { s.x; };

/// Runs one step; a returned status ends the solve.
template <class M, class P, class S>
std::optional<Status> step_once(M& method, const P& problem, S& state) {
  if constexpr (std::is_void_v<decltype(method.step(problem, state))>) {
    method.step(problem, state);
    return std::nullopt;
  } else {
    return method.step(problem, state);
  }
}

template <class M, class Problem, class Stop, class... Observers>
Result<typename M::State> run(const Problem& problem, M& method, typename M::State state, Stop stop,
                              const Stopwatch& clock, Observers&... observers) {
  using State = typename M::State;
  Result<State> result{Summary{}, std::move(state)};
  std::optional<Status> from_step;
  Index iteration = 0;
  for (;;) {
    const auto residual = static_cast<double>(method.residual(problem, result.state));
    const Info<State> info{{iteration, residual, clock.seconds(), counters_of(result.state)},
                           result.state};
    // The rule runs every iteration (stateful rules see them all); a non-finite value and a
    // status reported by the step take precedence over its verdict.
    std::optional<Status> verdict = stop(info);
    if (!std::isfinite(residual) || !state_is_finite(method, problem, result.state)) {
      verdict = Status::NumericalIssue;
    } else if (from_step) {
      verdict = from_step;
    }
    bool asked = false;
    ((asked = notify(observers, info) || asked), ...);
    if (!verdict && asked) verdict = Status::StoppedByObserver;
    if (verdict) {
      result.status = *verdict;
      result.iterations = iteration;
      result.residual = residual;
      result.counters = info.counters;
      result.seconds = clock.seconds();
      (notify_finish(observers, info, *verdict), ...);
      return result;
    }
    from_step = step_once(method, problem, result.state);
    ++iteration;
  }
}

template <class M, class Problem, class Stop, class... Observers>
constexpr bool check_solve_arguments() {
  static_assert(Method<M, Problem>,
                "iterum::solve: the method must model iterum::Method for this problem: "
                "State, init(problem) -> State, step(problem, state) -> void or "
                "std::optional<Status>, residual(problem, state) -> double; see "
                "docs/concepts.md#method");
  if constexpr (Method<M, Problem>) {
    static_assert(StopRule<Stop, typename M::State>,
                  "iterum::solve: the stop rule must model iterum::StopRule: rule(info) -> "
                  "std::optional<Status>; see docs/concepts.md#stoprule");
    static_assert((Observer<Observers, typename M::State> && ...),
                  "iterum::solve: every observer must model iterum::Observer: callable with "
                  "const Info<State>&, returning void or bool; see docs/concepts.md#observer");
    return StopRule<Stop, typename M::State> && (Observer<Observers, typename M::State> && ...);
  }
  return false;
}

}  // namespace detail

/// Runs `method` on `problem` from the state `method.init(problem)` until `stop` fires, an
/// observer asks to stop, a step reports a status, or a non-finite value appears.
///
/// Per iteration k = 0, 1, ... (k = 0 is the initial point): the certificate
/// `method.residual(problem, state)` is computed; `stop` is evaluated exactly once and its
/// status, if any, recorded, except that a non-finite certificate or state gives
/// `Status::NumericalIssue` and a status returned by the previous step ends the solve with that
/// status; then every observer is notified (also on the last iteration) and one returning
/// `true` stops with `Status::StoppedByObserver`; if nothing stopped, one `step` runs.
///
/// @param problem   the problem the method's oracles read; must outlive the call.
/// @param method    a model of `iterum::Method<M, Problem>`; used as an lvalue.
/// @param stop      a model of `iterum::StopRule`; copied, so every solve starts it afresh.
/// @param observers models of `iterum::Observer`, held by reference during the call.
/// @return the status, iterations, final certificate, seconds, counters and final state.
template <class Problem, class M, class Stop, class... Observers>
[[nodiscard]] auto solve(const Problem& problem, M&& method, Stop stop, Observers&&... observers) {
  using Mt = std::remove_cvref_t<M>;
  constexpr bool valid = detail::check_solve_arguments<Mt, Problem, Stop, Observers...>();
  if constexpr (valid) {
    const Stopwatch clock;
    auto state = method.init(problem);
    return detail::run(problem, method, std::move(state), std::move(stop), clock, observers...);
  } else {
    return Summary{};
  }
}

/// Like `solve`, but starts from a state the caller built (a warm start, e.g.
/// `method.init(problem, x0)`, or the state of an earlier solve).
template <class Problem, class M, class Stop, class... Observers>
[[nodiscard]] auto solve_from(const Problem& problem, M&& method,
                              typename std::remove_cvref_t<M>::State state, Stop stop,
                              Observers&&... observers) {
  using Mt = std::remove_cvref_t<M>;
  constexpr bool valid = detail::check_solve_arguments<Mt, Problem, Stop, Observers...>();
  if constexpr (valid) {
    const Stopwatch clock;
    return detail::run(problem, method, std::move(state), std::move(stop), clock, observers...);
  } else {
    return Summary{};
  }
}

namespace detail {

/// How `Then` builds Second's state at the switch: from First's whole state when Second offers
/// `init(problem, first_state)` (a hand-over that keeps more than the iterate, e.g. SNS's
/// potentials and plan), else from First's iterate, `init(problem, x)` (a warm start).
template <class Second, class Problem, class FirstState>
concept InitFromState = requires(Second& m, const Problem& p, const FirstState& s) {
  { m.init(p, s) } -> std::same_as<typename Second::State>;
};

template <class First, class Second, class Problem>
constexpr bool check_then_pair() {
  constexpr bool from_state = InitFromState<Second, Problem, typename First::State>;
  if constexpr (from_state) {
    return true;
  } else {
    constexpr bool has_iterate = HasIterate<First, typename First::State>;
    static_assert(has_iterate,
                  "iterum::then: First's state has no iterate: give First::State a member x, or "
                  "First a member iterate(state); see docs/concepts.md#method");
    if constexpr (has_iterate) {
      using X = std::remove_cvref_t<decltype(iterate_of(
          std::declval<const First&>(), std::declval<const typename First::State&>()))>;
      constexpr bool warm = WarmStartable<Second, Problem, X>;
      static_assert(warm,
                    "iterum::then: Second must accept a warm start from First's iterate, "
                    "second.init(problem, x) -> Second::State (or a hand-over "
                    "second.init(problem, first_state)); see docs/concepts.md#method");
      return warm;
    }
    return false;
  }
}

}  // namespace detail

/// Sequential composition: runs `First` until the switch rule fires on First's own iteration
/// info, then hands over to `Second` and runs it from there. It is itself a `Method` (and
/// accepts a warm start, `init(problem, x0)`, when First does), so it composes again and runs
/// on `solve`.
///
/// Hand-over: `second.init(problem, first_state)` when Second offers it, else
/// `second.init(problem, x)` with First's iterate `x` (every library method accepts such a
/// warm start); any other pair is rejected by one `static_assert`. The switch rule is a
/// `StopRule` evaluated once per iteration while First runs; the status it returns only means
/// "switch now". At the switch, Second's state is built (which may allocate, once) and stepped
/// in the same composite iteration: the driver has already certified First's state, which
/// Second starts from. Every other step is allocation-free if First's and Second's are.
/// Second's state must start its own counters at zero: the composite reports the sum of both.
/// The phase counts come back in the state (`first_iterations`, `second_iterations`).
template <class First, class Switch, class Second>
class Then {
 public:
  /// The composite state: First's state, Second's (once switched), and per-phase counts.
  struct State {
    typename First::State first;
    std::optional<typename Second::State> second;
    Switch rule;
    Index first_iterations = 0;   ///< iterations run by First
    Index second_iterations = 0;  ///< iterations run by Second
    Counters counters{};          ///< sum of both phases' counters
    Stopwatch clock{};            ///< started by init: the switch rule's seconds

    /// True once Second has taken over.
    [[nodiscard]] bool switched() const noexcept { return second.has_value(); }
  };

  Then(First first, Switch rule, Second second)
      : first_(std::move(first)), rule_(std::move(rule)), second_(std::move(second)) {}

  /// Starts First from its own initial point.
  template <class Problem>
  [[nodiscard]] State init(const Problem& problem) {
    return wrap(first_.init(problem));
  }

  /// Starts First from a warm start (whatever First's `init(problem, warm)` accepts).
  template <class Problem, class Warm>
  requires WarmStartable<First, Problem, Warm>
  [[nodiscard]] State init(const Problem& problem, const Warm& warm) {
    return wrap(first_.init(problem, warm));
  }

  template <class Problem>
  std::optional<Status> step(const Problem& problem, State& s) {
    constexpr bool valid = detail::check_then_pair<First, Second, Problem>();
    if constexpr (valid) {
      return step_valid(problem, s);
    } else {
      return Status::Breakdown;
    }
  }

  template <class Problem>
  [[nodiscard]] double residual(const Problem& problem, const State& s) {
    return s.second ? static_cast<double>(second_.residual(problem, *s.second))
                    : static_cast<double>(first_.residual(problem, s.first));
  }

  template <class Problem>
  [[nodiscard]] bool is_finite(const Problem& problem, const State& s) const {
    return s.second ? detail::state_is_finite(second_, problem, *s.second)
                    : detail::state_is_finite(first_, problem, s.first);
  }

  /// The iterate of the running phase (Second's once switched). Both phases' iterates must
  /// have the same type.
  [[nodiscard]] decltype(auto) iterate(
      const State& s) const requires detail::HasIterate<First, typename First::State> &&
      detail::HasIterate<Second, typename Second::State> {
    return s.second ? detail::iterate_of(second_, *s.second) : detail::iterate_of(first_, s.first);
  }

  [[nodiscard]] const First& first() const noexcept { return first_; }
  [[nodiscard]] const Second& second() const noexcept { return second_; }

 private:
  template <class Problem>
  std::optional<Status> step_valid(const Problem& problem, State& s) {
    if (!s.second) {
      const auto residual = static_cast<double>(first_.residual(problem, s.first));
      const Info<typename First::State> info{
          {s.first_iterations, residual, s.clock.seconds(), detail::counters_of(s.first)}, s.first};
      if (s.rule(info)) s.second.emplace(hand_over(problem, s.first));
    }
    std::optional<Status> verdict;
    if (!s.second) {
      verdict = detail::step_once(first_, problem, s.first);
      ++s.first_iterations;
      s.counters = detail::counters_of(s.first);
    } else {
      verdict = detail::step_once(second_, problem, *s.second);
      ++s.second_iterations;
      s.counters = detail::counters_of(s.first) + detail::counters_of(*s.second);
    }
    return verdict;
  }

  State wrap(typename First::State first) const {
    State state{std::move(first), std::nullopt, rule_, 0, 0, {}, Stopwatch{}};
    state.counters = detail::counters_of(state.first);
    return state;
  }

  template <class Problem>
  typename Second::State hand_over(const Problem& problem, const typename First::State& first) {
    if constexpr (detail::InitFromState<Second, Problem, typename First::State>) {
      return second_.init(problem, first);
    } else {
      return second_.init(problem, detail::iterate_of(first_, first));
    }
  }

  First first_;
  Switch rule_;
  Second second_;
};

/// `Then{first, switch_rule, second}`: run `first` until `switch_rule` fires, then `second`.
template <class First, class Switch, class Second>
[[nodiscard]] Then<First, Switch, Second> then(First first, Switch switch_rule, Second second) {
  return Then<First, Switch, Second>(std::move(first), std::move(switch_rule), std::move(second));
}

}  // namespace iterum
