#pragma once

/// @file certified.hpp
/// @brief `Certified<Inner, Certificate>`: runs a method whose optimality certificate is
/// costly (a full gradient, a duality gap, an operator residual over all components, a true
/// residual behind a sketch) and evaluates that certificate at a cadence of work, counting its
/// oracle calls apart from the method's own.
///
/// Finite-sum methods, coordinate descent, sketching and matrix completion all stop this way:
/// the method steps cheaply (one component, one block, one sketch), and every `every` work
/// units (epochs: `work_unit` oracle calls each) the certificate is evaluated at the current
/// iterate. The driver sees the last certificate as the residual, so it stops at most `every`
/// work units after the tolerance was reached, and `finish` certifies the last iterate before
/// the facade returns, so `x` and `residual` always describe the same point.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"

namespace iterum {

/// A costly certificate with its scratch space. Valid expressions, for `C& c`,
/// `const Problem& p` and an iterate `const X& x`:
///   `c.evaluate(p, x)` -> convertible to `double` (the certificate at x; may call oracles);
///   `c.point()` -> the certified point (what the facade returns as `x`: x itself, or a point
///                  derived from it, e.g. a feasible forward-backward point);
///   `c.calls()` -> convertible to `std::int64_t` (oracle calls spent on certificates so far).
template <class C, class Problem, class X>
concept Certificate = std::copy_constructible<C> &&
    requires(C& c, const C& cc, const Problem& p, const X& x) {
  { c.evaluate(p, x) } -> std::convertible_to<double>;
  cc.point();
  { cc.calls() } -> std::convertible_to<std::int64_t>;
};

/// When `Certified` evaluates its certificate.
struct CertifiedParams {
  /// Evaluate whenever this many work units of the method's oracle calls passed since the last
  /// evaluation (and at the start and the end).
  double every = 5.0;
  /// Oracle calls per work unit (n for an epoch over n components); the trace's `work` is
  /// oracle calls / work_unit.
  double work_unit = 1.0;

  /// Throws `iterum::invalid_argument` naming `function` for a non-positive or non-finite value.
  void validate(std::string_view function) const {
    check::positive(function, "certificate_every", every);
    check::finite(function, "certificate_every", every);
    check::positive(function, "work_unit", work_unit);
    check::finite(function, "work_unit", work_unit);
  }
};

/// Wraps `Inner` so that the driver sees `Cert`'s certificate, evaluated every
/// `params.every` work units of Inner's oracle calls. `Inner` provides `State` (with
/// `counters`), `init(problem)` (and `init(problem, warm)` for warm starts), `step(problem,
/// state)`, and its iterate (`iterate(state)` or `state.x`). When `Inner` has
/// `on_certificate(problem, state, residual, point)`, it is called after each certificate
/// (restart rules use it). `Certified` is itself an `iterum::Method`.
template <class Inner, class Cert>
class Certified {
 public:
  using Point = std::remove_cvref_t<decltype(std::declval<const Cert&>().point())>;

  struct State {
    typename Inner::State inner;    ///< the wrapped method's state
    Cert certificate;               ///< scratch and count of the certificate
    double residual = 0.0;          ///< the last certificate
    Point x{};                      ///< the last certified point
    std::int64_t next_check = 0;    ///< oracle-call count at which the next one is due
    Index iteration = 0;            ///< iterations completed
    Index certified_at = -1;        ///< iteration of the last certificate
    std::vector<TracePoint> trace;  ///< every certificate
    Counters counters{};            ///< the inner method's, for the driver
    Stopwatch clock{};              ///< the trace's seconds
  };

  /// `certificate` is the prototype (sized for the problem); each state gets a copy.
  Certified(Inner inner, Cert certificate, CertifiedParams params = {})
      : inner_(std::move(inner)), prototype_(std::move(certificate)), params_(params) {
    params_.validate("iterum::Certified");
  }

  template <class Problem>
  [[nodiscard]] State init(const Problem& problem) const {
    return start(problem, inner_.init(problem));
  }

  /// A warm start handed to the inner method.
  template <class Problem, class Warm>
  requires WarmStartable<const Inner, Problem, Warm>
  [[nodiscard]] State init(const Problem& problem, const Warm& warm) const {
    return start(problem, inner_.init(problem, warm));
  }

  /// Wraps an initialized inner state and certifies its starting point; `clock` is the
  /// facade's, so the trace's seconds run from the facade's entry.
  template <class Problem>
  [[nodiscard]] State start(const Problem& problem, typename Inner::State inner,
                            const Stopwatch& clock = Stopwatch{}) const {
    State s{std::move(inner), prototype_, 0.0, {}, 0, 0, -1, {}, {}, clock};
    s.trace.reserve(64);
    s.counters = detail::counters_of(s.inner);
    certify(problem, s);
    return s;
  }

  /// One inner step, then the certificate if it is due.
  template <class Problem>
  std::optional<Status> step(const Problem& problem, State& s) const {
    auto verdict = detail::step_once(inner_, problem, s.inner);
    ++s.iteration;
    s.counters = detail::counters_of(s.inner);
    if (!verdict && s.counters.oracle_calls >= s.next_check) certify(problem, s);
    return verdict;
  }

  template <class Problem>
  [[nodiscard]] double residual(const Problem& /*problem*/, const State& s) const {
    return s.residual;
  }

  /// The inner iterate must stay finite between certificates too: the inner method's own test
  /// when it has one (`inner.is_finite(problem, state)`, e.g. one block's entries for a
  /// coordinate method, whose step is far cheaper than a pass over the iterate), else every
  /// entry of its iterate.
  template <class Problem>
  [[nodiscard]] bool is_finite(const Problem& problem, const State& s) const {
    if (!std::isfinite(s.residual)) return false;
    if constexpr (requires {
                    { inner_.is_finite(problem, s.inner) } -> std::convertible_to<bool>;
                  }) {
      return inner_.is_finite(problem, s.inner);
    } else {
      return detail::iterate_of(inner_, s.inner).allFinite();
    }
  }

  /// The certified point (what the facade returns).
  [[nodiscard]] const Point& iterate(const State& s) const noexcept { return s.x; }

  /// Evaluates the certificate at the inner iterate (unless it was evaluated there already).
  template <class Problem>
  void certify(const Problem& problem, State& s) const {
    if (s.certified_at == s.iteration) return;
    s.residual =
        static_cast<double>(s.certificate.evaluate(problem, detail::iterate_of(inner_, s.inner)));
    s.x = s.certificate.point();
    s.certified_at = s.iteration;
    s.next_check =
        s.counters.oracle_calls + static_cast<std::int64_t>(std::clamp(
                                      std::ceil(params_.every * params_.work_unit), 1.0, 0x1p61));
    s.trace.push_back({s.iteration, s.counters,
                       static_cast<double>(s.counters.oracle_calls) / params_.work_unit, s.residual,
                       s.clock.seconds()});
    // A method may act on a fresh certificate (e.g. re-anchor when it fell enough).
    if constexpr (requires { inner_.on_certificate(problem, s.inner, s.residual, s.x); }) {
      inner_.on_certificate(problem, s.inner, s.residual, s.x);
    }
  }

  /// After the driver returned: certifies the last iterate if it is newer than the last
  /// certificate (so `x` and `residual` describe the same point), judges the status by that
  /// certificate, and moves the trace into the result.
  template <class Problem>
  void finish(const Problem& problem, Result<State>& result, double tolerance) const {
    State& s = result.state;
    if (s.certified_at != s.iteration && std::isfinite(s.residual) &&
        detail::iterate_of(inner_, s.inner).allFinite()) {
      certify(problem, s);
      if (s.residual <= tolerance && result.status != Status::NumericalIssue) {
        result.status = Status::Converged;
      }
    }
    result.residual = s.residual;
    result.trace = std::move(s.trace);
  }

  [[nodiscard]] const Inner& inner() const noexcept { return inner_; }
  [[nodiscard]] const CertifiedParams& params() const noexcept { return params_; }

 private:
  Inner inner_;
  Cert prototype_;
  CertifiedParams params_;
};

}  // namespace iterum
