#pragma once

/// @file finite_sum.hpp
/// @brief What every method over a `FiniteSum` shares: oracle access with counting
/// (`detail::FiniteSumOracle`), the computable operator-residual certificate
/// (`OperatorResidual`), the run controls (`FiniteSumControl`), the result with its
/// residual-versus-oracle-calls trace (`FiniteSumResult`), and `Certified`, which wraps a
/// finite-sum method so that the driver stops on that certificate.
///
/// Problem: find u with 0 in F(u) + G(u), F = (1/n) sum_i F_i monotone (or cocoercive), G
/// maximal monotone with an easy resolvent J_{eta G} = (I + eta G)^{-1} (a projection onto a
/// constraint set, a proximal map), or G = 0.
///
/// Certificate. Evaluating F exactly costs n component calls, so the certificate is computed
/// every `certificate_every_epochs` epochs (an epoch is n component calls), and those calls are
/// counted apart from the method's (`certificate_calls`), as the papers do when they plot
/// residual against oracle calls. With G = 0 it is ||F(u)||. With a resolvent it is the norm of
///
///   r = (u - u+) / eta + F(u+) - F(u),   u+ = J_{eta G}(u - eta F(u)),
///
/// an element of (F + G)(u+) (u - eta F(u) - u+ is in eta G(u+) by definition of the
/// resolvent), so ||r|| bounds the distance of 0 to (F + G)(u+) and u+ is the point it
/// certifies: the result's `x` is u+, which lies in the domain of G (e.g. is feasible). For
/// L-Lipschitz F, ||r|| <= (1/eta + L) ||u - u+|| (Cai, Alacaoglu & Diakonikolas, "Variance
/// reduced Halpern iteration for finite-sum monotone inclusions", ICLR 2024, arXiv 2310.02987,
/// Sec. 2, which uses it as the stopping criterion).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// One evaluation of the certificate, recorded in `FiniteSumResult::trace`.
struct TracePoint {
  Index iteration = 0;            ///< method iterations completed
  std::int64_t oracle_calls = 0;  ///< the method's component evaluations so far
  double epochs = 0.0;            ///< oracle_calls / n
  double residual = 0.0;          ///< the certificate (see the file comment)
  double seconds = 0.0;           ///< wall-clock time since the solve started
};

/// Run controls shared by every finite-sum method (`VrHalpernOptions::control`,
/// `ExtragradientOptions::control`).
struct FiniteSumControl {
  /// Stop when the certificate is at most this (absolute).
  double tolerance = 1e-6;
  /// Iteration budget (`MaxIterations` when exhausted).
  Index max_iterations = 100000000;
  /// Budget on the method's component evaluations (`BudgetExhausted`); unset: none.
  std::optional<std::int64_t> max_oracle_calls{};
  /// Evaluate the certificate whenever this many epochs of the method's oracle calls passed
  /// since the last evaluation (and at the start and the end). Its cost, one or two epochs,
  /// is reported in `certificate_calls`, not in `oracle_calls`; with the default 5 it stays
  /// at most 20% (40% with a resolvent) of the method's work, and a solve stops at most 5
  /// epochs after its tolerance was reached.
  double certificate_every_epochs = 5.0;
  /// The step eta of the certificate's forward-backward point u+ (used only when F has a
  /// resolvent); unset: the method's step.
  std::optional<double> certificate_step{};
  /// Seed of the method's random draws (methods without randomness ignore it).
  std::uint64_t seed = 0;
  /// Wall-clock budget in seconds.
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// Progress printing, per-iteration history (the last certificate), user callback.
  Monitor monitor{};

  /// Throws `iterum::invalid_argument` naming `function` for a negative or non-finite
  /// tolerance, a negative iteration budget, an oracle budget below 1, a non-positive
  /// certificate interval or step, or a non-positive time limit.
  void validate(std::string_view function) const {
    check::nonnegative(function, "options.control.tolerance", tolerance);
    check::finite(function, "options.control.tolerance", tolerance);
    check::nonnegative(function, "options.control.max_iterations",
                       static_cast<double>(max_iterations));
    if (max_oracle_calls) {
      check::positive(function, "options.control.max_oracle_calls",
                      static_cast<double>(*max_oracle_calls));
    }
    check::positive(function, "options.control.certificate_every_epochs", certificate_every_epochs);
    check::finite(function, "options.control.certificate_every_epochs", certificate_every_epochs);
    if (certificate_step) {
      check::positive(function, "options.control.certificate_step", *certificate_step);
      check::finite(function, "options.control.certificate_step", *certificate_step);
    }
    check::positive(function, "options.control.time_limit_seconds", time_limit_seconds);
    monitor.validate(function);
  }
};

/// What the finite-sum facades return.
template <class Scalar>
struct FiniteSumResult : Summary {
  /// The certified point: u+ of the last certificate (feasible for constrained problems), or
  /// the last iterate when G = 0. `residual` is its certificate.
  Vector<Scalar> x;
  Index size = 0;                      ///< n, the number of components
  std::int64_t certificate_calls = 0;  ///< component evaluations spent on certificates
  std::vector<TracePoint> trace;       ///< every certificate evaluation, in order
  std::vector<double> history;         ///< per iteration, if `monitor.record_history`
  Index restarts = 0;                  ///< anchor moves, for methods that restart

  /// counters.oracle_calls / n: the method's work in passes over the data.
  [[nodiscard]] double epochs() const noexcept {
    return size > 0 ? static_cast<double>(counters.oracle_calls) / static_cast<double>(size) : 0.0;
  }
};

namespace detail {

template <class F>
concept HasFullEvaluation = requires(const F& f, const Vector<typename F::Scalar>& x,
                                     Vector<typename F::Scalar>& out) {
  f.evaluate(x, out);
};

template <class F>
concept HasAddComponent = requires(const F& f, Index i, const Vector<typename F::Scalar>& x,
                                   typename F::Scalar scale, Vector<typename F::Scalar>& acc) {
  f.add_component(i, x, scale, acc);
};

template <class F>
concept HasResolvent = requires(const F& f, typename F::Scalar eta,
                                const Vector<typename F::Scalar>& v,
                                Vector<typename F::Scalar>& out) {
  f.resolvent(eta, v, out);
};

/// The step options every finite-sum method shares: `step`, or `lipschitz` to derive it from
/// (at least one given; each positive and finite when given).
inline void validate_step_source(std::string_view function, const std::optional<double>& step,
                                 const std::optional<double>& lipschitz) {
  if (!step && !lipschitz) {
    check::fail(function, "options.step",
                "must be given, or options.lipschitz from which it is derived", "unset");
  }
  if (step) {
    check::positive(function, "options.step", *step);
    check::finite(function, "options.step", *step);
  }
  if (lipschitz) {
    check::positive(function, "options.lipschitz", *lipschitz);
    check::finite(function, "options.lipschitz", *lipschitz);
  }
}

template <class F>
constexpr bool check_finite_sum() {
  static_assert(FiniteSum<F>,
                "iterum::fixed_point: F must model iterum::FiniteSum (Scalar, size(), dim(), "
                "component(i, x, out)); see docs/concepts.md#finitesum");
  return FiniteSum<F>;
}

/// Counted access to a finite sum: every component evaluation adds one to `calls`. Holds the
/// scratch vector the fallbacks need, so nothing allocates after construction.
template <class F>
class FiniteSumOracle {
 public:
  using Scalar = typename F::Scalar;

  FiniteSumOracle() = default;
  explicit FiniteSumOracle(const F& f)
      : n_(static_cast<Index>(f.size())), scratch_(static_cast<Index>(f.dim())) {}

  [[nodiscard]] Index size() const noexcept { return n_; }

  /// out = F_i(x).
  void component(const F& f, Index i, const Vector<Scalar>& x, Vector<Scalar>& out,
                 std::int64_t& calls) const {
    f.component(i, x, out);
    ++calls;
  }

  /// acc += scale * F_i(x).
  void add_component(const F& f, Index i, const Vector<Scalar>& x, Scalar scale,
                     Vector<Scalar>& acc, std::int64_t& calls) const {
    if constexpr (HasAddComponent<F>) {
      f.add_component(i, x, scale, acc);
    } else {
      f.component(i, x, scratch_);
      acc += scale * scratch_;
    }
    ++calls;
  }

  /// out = F(x) = (1/n) sum_i F_i(x): n calls.
  void full(const F& f, const Vector<Scalar>& x, Vector<Scalar>& out, std::int64_t& calls) const {
    if constexpr (HasFullEvaluation<F>) {
      f.evaluate(x, out);
    } else {
      out.setZero();
      const Scalar weight = Scalar(1) / static_cast<Scalar>(n_);
      std::int64_t ignored = 0;
      for (Index i = 0; i < n_; ++i) add_component(f, i, x, weight, out, ignored);
    }
    calls += n_;
  }

  /// out = J_{eta G}(v); the identity when F has no resolvent (G = 0). Not an oracle call.
  static void resolvent(const F& f, Scalar eta, const Vector<Scalar>& v, Vector<Scalar>& out) {
    if constexpr (HasResolvent<F>) {
      f.resolvent(eta, v, out);
    } else {
      out = v;
    }
  }

 private:
  Index n_ = 0;
  mutable Vector<Scalar> scratch_;
};

/// out = J_{eta G}(base - eta direction), through `trial`.
template <class F>
void forward_backward(const F& f, typename F::Scalar eta, const Vector<typename F::Scalar>& base,
                      const Vector<typename F::Scalar>& direction,
                      Vector<typename F::Scalar>& trial, Vector<typename F::Scalar>& out) {
  trial = base - eta * direction;
  FiniteSumOracle<F>::resolvent(f, eta, trial, out);
}
}  // namespace detail

/// The certificate of the file comment, with its scratch space. `evaluate(f, u)` returns
/// ||r|| and leaves the certified point in `point()`; it costs n component calls when G = 0
/// and 2n with a resolvent, added to `calls()`.
template <class F>
class OperatorResidual {
 public:
  using Scalar = typename F::Scalar;

  OperatorResidual() = default;
  /// `eta` is the forward-backward step (ignored when F has no resolvent).
  OperatorResidual(const F& f, double eta)
      : oracle_(f),
        eta_(static_cast<Scalar>(eta)),
        point_(static_cast<Index>(f.dim())),
        fu_(static_cast<Index>(f.dim())),
        fplus_(detail::HasResolvent<F> ? static_cast<Index>(f.dim()) : Index(0)),
        trial_(detail::HasResolvent<F> ? static_cast<Index>(f.dim()) : Index(0)) {}

  /// The certificate at u; see the file comment.
  double evaluate(const F& f, const Vector<Scalar>& u) {
    oracle_.full(f, u, fu_, calls_);
    if constexpr (detail::HasResolvent<F>) {
      detail::forward_backward(f, eta_, u, fu_, trial_, point_);
      oracle_.full(f, point_, fplus_, calls_);
      return static_cast<double>(((u - point_) / eta_ + fplus_ - fu_).norm());
    } else {
      point_ = u;
      return static_cast<double>(fu_.norm());
    }
  }

  [[nodiscard]] const Vector<Scalar>& point() const noexcept { return point_; }
  [[nodiscard]] std::int64_t calls() const noexcept { return calls_; }

 private:
  detail::FiniteSumOracle<F> oracle_;
  Scalar eta_ = Scalar(1);
  Vector<Scalar> point_, fu_, fplus_, trial_;
  std::int64_t calls_ = 0;
};

/// Wraps a finite-sum method `Inner` so that the driver sees the operator-residual
/// certificate, evaluated every `certificate_every_epochs` epochs of the inner method's oracle
/// calls. `Inner` provides `State` (with `counters`), `step(f, state)` and `point(state)` (the
/// iterate to certify); `Certified` is then an `iterum::Method` on F. When `Inner` has
/// `on_certificate(f, state, residual, point)`, it is called after each certificate (restart
/// rules use it).
template <class Inner, class F>
class Certified {
 public:
  using Scalar = typename F::Scalar;

  struct State {
    typename Inner::State inner;      ///< the wrapped method's state
    OperatorResidual<F> certificate;  ///< scratch and count of the certificate
    double residual = 0.0;            ///< the last certificate
    Vector<Scalar> x;                 ///< the last certified point
    std::int64_t next_check = 0;      ///< oracle-call count at which the next one is due
    Index iteration = 0;              ///< iterations completed
    Index certified_at = 0;           ///< iteration of the last certificate
    std::vector<TracePoint> trace;    ///< every certificate
    Counters counters{};              ///< the inner method's, for the driver
    iterum::detail::Clock::time_point start{};
  };

  Certified(Inner inner, double certificate_step, double every_epochs)
      : inner_(std::move(inner)), eta_(certificate_step), every_epochs_(every_epochs) {}

  /// Needed by the `Method` concept; the facades build the state with `start`.
  [[nodiscard]] State init(const F& f) const { return start(f, inner_.init(f)); }

  /// Wraps an initialized inner state and certifies its starting point.
  [[nodiscard]] State start(
      const F& f, typename Inner::State inner,
      iterum::detail::Clock::time_point t0 = iterum::detail::Clock::now()) const {
    State s{std::move(inner), OperatorResidual<F>(f, eta_), 0.0, {}, 0, 0, 0, {}, {}, t0};
    s.trace.reserve(64);
    s.counters = s.inner.counters;
    certify(f, s);
    return s;
  }

  /// One inner step, then the certificate if it is due.
  void step(const F& f, State& s) const {
    inner_.step(f, s.inner);
    ++s.iteration;
    s.counters = s.inner.counters;
    if (s.counters.oracle_calls >= s.next_check) certify(f, s);
  }

  [[nodiscard]] double residual(const F& /*f*/, const State& s) const { return s.residual; }

  /// The inner iterate must stay finite between certificates too.
  [[nodiscard]] bool is_finite(const F& /*f*/, const State& s) const {
    return std::isfinite(s.residual) && inner_.point(s.inner).allFinite();
  }

  /// Evaluates the certificate at the inner iterate (unless it was evaluated there already).
  void certify(const F& f, State& s) const {
    const double n = static_cast<double>(f.size());
    if (!s.trace.empty() && s.certified_at == s.iteration) return;
    s.residual = s.certificate.evaluate(f, inner_.point(s.inner));
    s.x = s.certificate.point();
    s.certified_at = s.iteration;
    s.next_check =
        s.counters.oracle_calls +
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(every_epochs_ * n)));
    s.trace.push_back({s.iteration, s.counters.oracle_calls,
                       static_cast<double>(s.counters.oracle_calls) / n, s.residual,
                       iterum::detail::seconds_since(s.start)});
    // A method may act on a fresh certificate (e.g. re-anchor when it fell enough).
    if constexpr (requires { inner_.on_certificate(f, s.inner, s.residual, s.x); }) {
      inner_.on_certificate(f, s.inner, s.residual, s.x);
    }
  }

  [[nodiscard]] const Inner& inner() const noexcept { return inner_; }

 private:
  Inner inner_;
  double eta_ = 1.0;
  double every_epochs_ = 1.0;
};

namespace detail {

/// Runs `inner` from `inner_state` under the controls, certifies the final iterate, and
/// packs the result. `step` is the method's step (the default certificate step).
template <class F, class Inner>
[[nodiscard]] FiniteSumResult<typename F::Scalar> run_finite_sum(
    const F& f, const Inner& inner, typename Inner::State inner_state,
    const FiniteSumControl& control, double step, std::string_view label,
    iterum::detail::Clock::time_point start) {
  using Method = Certified<Inner, F>;
  Method method(inner, control.certificate_step.value_or(step), control.certificate_every_epochs);
  auto state = method.start(f, std::move(inner_state), start);
  auto stop = stop::any_of(
      stop::ResidualBelow{control.tolerance}, stop::MaxIterations{control.max_iterations},
      stop::OracleCalls{control.max_oracle_calls}, stop::TimeLimit{control.time_limit_seconds});
  auto result =
      solve_monitored(f, method, std::move(state), std::move(stop), control.monitor, label, start);
  auto& s = result.state;
  // The last iterate may be newer than the last certificate: certify it, so that `x` and
  // `residual` describe the same point.
  if (s.certified_at != s.iteration && std::isfinite(s.residual) &&
      inner.point(s.inner).allFinite()) {
    method.certify(f, s);
    result.residual = s.residual;
    if (s.residual <= control.tolerance && result.status != Status::NumericalIssue) {
      result.status = Status::Converged;
    }
  }
  FiniteSumResult<typename F::Scalar> out;
  static_cast<Summary&>(out) = result;
  out.residual = s.residual;
  out.x = std::move(s.x);
  out.size = static_cast<Index>(f.size());
  out.certificate_calls = s.certificate.calls();
  out.trace = std::move(s.trace);
  if constexpr (requires { s.inner.restarts; }) out.restarts = s.inner.restarts;
  out.history = std::move(result.history);
  out.seconds = iterum::detail::seconds_since(start);
  return out;
}

/// Checks the starting point against F and returns it in F's scalar type.
template <class F, class X0>
[[nodiscard]] Vector<typename F::Scalar> checked_start(std::string_view function, const F& f,
                                                       const X0& x0) {
  check::positive(function, "F.size()", static_cast<double>(f.size()));
  check::size(function, "x0", static_cast<Index>(x0.size()), static_cast<Index>(f.dim()),
              "must have as many entries as F has dimensions");
  Vector<typename F::Scalar> start = x0.template cast<typename F::Scalar>();
  check::all_finite(function, "x0", start);
  return start;
}

}  // namespace detail
}  // namespace iterum::fixed_point
