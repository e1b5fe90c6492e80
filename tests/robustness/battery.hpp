#pragma once

// The robustness battery (issue 11, item 2): every public facade runs through one shared list of
// hostile inputs, and every case must end in exactly one of three accepted ways:
//   (a) iterum::invalid_argument whose message reads "<function>: argument '<name>' ..." for
//       the facade's function (or a constructor it documents) and an argument to blame;
//   (b) a non-OK status (not Converged) whose returned values are finite;
//   (c) Converged, with the certificate RECOMPUTED here from the returned values (not read from
//       the result) within the tolerance, and, where the adapter knows it, the truth.
// A facade joins by writing one adapter: a `Facade` (nominal arguments, option fields, a `run`
// that solves and recomputes the certificate); `cases_for` derives every case from it. See
// tests/robustness/README.md.

#include <Eigen/Core>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/info.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"
#include "support/catch_compat.hpp"

namespace iterum::robust {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double denormal = 4.9e-324;  ///< the smallest positive double

/// Factors every argument is scaled by, alone and all together.
inline const std::vector<double>& hostile_scales() {
  static const std::vector<double> scales{1e-300, 1e-200, denormal, 1e200, 1e300};
  return scales;
}
/// Values injected into one entry of an argument.
inline const std::vector<double>& poison_values() {
  static const std::vector<double> values{nan, inf, -inf};
  return values;
}
/// Values a real option field is set to.
inline const std::vector<double>& hostile_reals() {
  static const std::vector<double> values{0.0, -1.0, denormal, 1e300, -1e300, inf, -inf, nan};
  return values;
}
/// Values an integer option field is set to.
inline const std::vector<std::int64_t>& hostile_counts() {
  static const std::vector<std::int64_t> values{0, -1, 4'000'000'000'000'000'000,
                                                std::numeric_limits<std::int64_t>::max(),
                                                std::numeric_limits<std::int64_t>::min()};
  return values;
}

/// The exception a user callback or operator throws: it must reach the caller unchanged.
struct UserError : std::runtime_error {
  UserError() : std::runtime_error("user callback or operator failed on purpose") {}
};

/// What a hooked callback or operator does once it has been called `after` times.
enum class Hook { None, Throw, NaN, Stop };

/// Counts the calls of a callback or operator and misbehaves from call `after` + 1 on.
struct Tripwire {
  Hook hook = Hook::None;
  Index after = 0;
  Index calls = 0;
  bool fired = false;
  /// Called with the operator's output; throws or poisons it when due.
  template <class V>
  void visit(V& out) {
    ++calls;
    if (hook == Hook::None || calls <= after) return;
    fired = true;
    if (hook == Hook::Throw) throw UserError();
    if (hook == Hook::NaN && out.size() > 0) out(0) = nan;
  }
  /// For a monitor callback: whether to stop (Hook::Stop); throws for Hook::Throw.
  bool tick() {
    ++calls;
    if (hook == Hook::None || calls <= after) return false;
    fired = true;
    if (hook == Hook::Throw) throw UserError();
    return hook == Hook::Stop;
  }
};

/// One option field the battery sets by name, to a hostile real or count.
struct Field {
  std::string name;  ///< as messages name it, e.g. "options.omega"
  bool integer = false;
  std::vector<std::string> related{};  ///< other fields a rejection may name (an order)
};

/// The shared control fields and hooks a case sets (unset: the adapter's nominal value).
struct Control {
  std::optional<double> tolerance{};
  std::optional<std::int64_t> max_iterations{};
  std::optional<std::int64_t> max_oracle_calls{};
  std::optional<double> time_limit_seconds{};
  std::string field{};  ///< one family field set to `value` ("" for none)
  double value = 0.0;
  Tripwire callback{};  ///< the monitor callback
  Tripwire oracle{};    ///< the problem's operator (adapters that have one)
};

/// Sets the control fields `Options` has from `c` and installs the monitor callback.
template <class Options>
void apply_control(Options& o, Control& c) {
  if constexpr (requires { o.tolerance; }) {
    if (c.tolerance) o.tolerance = *c.tolerance;
  }
  if constexpr (requires { o.max_iterations; }) {
    if (c.max_iterations) o.max_iterations = static_cast<Index>(*c.max_iterations);
  }
  if constexpr (requires { o.max_oracle_calls; }) {
    if (c.max_oracle_calls) o.max_oracle_calls = *c.max_oracle_calls;
  }
  if constexpr (requires { o.time_limit_seconds; }) {
    if (c.time_limit_seconds) o.time_limit_seconds = *c.time_limit_seconds;
  }
  if constexpr (requires { o.monitor.callback; }) {
    if (c.callback.hook != Hook::None) {
      Tripwire* wire = &c.callback;
      o.monitor.callback = [wire](const IterationInfo&) { return wire->tick(); };
    }
  }
}

/// An integer field's value from a case: hostile counts travel as doubles.
[[nodiscard]] inline std::int64_t as_count(double v) {
  if (!(v == v)) return 0;
  if (v >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
  if (v <= -9.2e18) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v);
}

/// What an adapter's `run` reports.
struct Outcome {
  Status status = Status::MaxIterations;
  double certificate = nan;  ///< recomputed from the returned values by the adapter
  double tolerance = 0.0;    ///< what `certificate` must meet when Converged
  double slack = 0.0;        ///< the round-off of recomputing the certificate (absolute)
  bool finite = true;        ///< every returned value (x, potentials, residual) finite
  Index iterations = 0;
  std::int64_t oracle_calls = -1;       ///< -1: the facade has no oracle counter
  std::optional<double> truth_error{};  ///< distance to an independent truth, when known
  double truth_tolerance = 0.0;
};

/// A named argument: a dense matrix or a column vector (a scalar is 1 x 1).
struct Arg {
  std::string name;
  Eigen::MatrixXd value;
  bool reshape = true;  ///< false: shape mutations are meaningless (a scalar, the map's data)
  bool blame = true;    ///< false: the facade never sees it (a map's data): it cannot be named
  /// true: a column more or less is another valid problem (A of a least-squares facade with no
  /// x0 to fix n), so those two shape cases are skipped.
  bool free_columns = false;
};
using Args = std::vector<Arg>;

/// One facade under test: its adapter.
struct Facade {
  std::string function;                 ///< the facade's name in its messages
  std::string name{};                   ///< for the case count ("" = `function`)
  std::vector<std::string> also{};      ///< constructors whose messages may reject the data
  Args args;                            ///< a nominal, valid input (must converge)
  std::vector<Field> fields{};          ///< the family's option fields
  std::vector<std::string> controls{};  ///< the control fields it has ("tolerance", ...)
  /// Option fields the adapter derives from the data (e.g. a Lipschitz constant): a rejection
  /// of hostile data may name them.
  std::vector<std::string> derived{};
  /// The iteration budget of the hostile option-value cases (0: the facade's default). A
  /// family whose default budget is large (about 1e9 multiply-adds) sets it, so a zero tolerance
  /// takes milliseconds; the cases on max_iterations itself never get it.
  std::int64_t option_case_iterations = 0;
  std::function<Outcome(const Args&, Control&)> run;
  /// A run on a problem that takes long (seconds), for the time-limit case; empty: none.
  std::function<Outcome(Control&)> run_slow{};
  std::int64_t oracle_overshoot =
      -1;                    ///< calls past max_oracle_calls one step may take; -1: no promise
  bool callback = true;      ///< has options.monitor.callback
  bool oracle_hook = false;  ///< `run` honours Control::oracle
};

/// What a case requires beyond the three accepted endings.
enum class Expect { Any, Reject, Converge };

struct Case {
  std::string label;
  Args args;
  Control control;
  Expect expect = Expect::Any;
  std::vector<std::string> blame{};  ///< the argument names a rejection may name
  bool slow = false;                 ///< run `run_slow` (time-limit case)
  double wall_limit = 0.0;           ///< > 0: the call must return within this many seconds
};

[[nodiscard]] inline std::string describe(double v) { return check::text(v); }

[[nodiscard]] inline bool has(const std::vector<std::string>& list, const std::string& s) {
  for (const auto& x : list)
    if (x == s) return true;
  return false;
}

/// Every case of the shared hostile list for `f`.
inline std::vector<Case> cases_for(const Facade& f) {
  std::vector<Case> out;
  std::vector<std::string> all_names;
  for (const auto& a : f.args)
    if (a.blame) all_names.push_back(a.name);
  all_names.insert(all_names.end(), f.derived.begin(), f.derived.end());
  auto add = [&](std::string label, Args args, Control c, Expect e, std::vector<std::string> b) {
    out.push_back(Case{std::move(label), std::move(args), std::move(c), e, std::move(b)});
  };
  add("nominal", f.args, {}, Expect::Converge, {});
  for (std::size_t k = 0; k < f.args.size(); ++k) {
    const Arg& arg = f.args[k];
    std::vector<std::string> blame;
    if (arg.blame) blame.push_back(arg.name);
    blame.insert(blame.end(), f.derived.begin(), f.derived.end());
    // NaN / Inf in each argument, at its first, middle and last entry.
    const Index size = arg.value.size();
    const Index where[] = {0, size / 2, size - 1};
    for (std::size_t p = 0; p < poison_values().size() && size > 0; ++p) {
      Args args = f.args;
      args[k].value(where[p]) = poison_values()[p];
      add(arg.name + "[" + std::to_string(where[p]) + "] = " + describe(poison_values()[p]),
          std::move(args), {}, Expect::Any, blame);
    }
    // Scaled by 1e+-300 and the smallest denormal (which may break a relation with another
    // argument, e.g. equal masses: any argument may be blamed).
    for (double s : hostile_scales()) {
      Args args = f.args;
      args[k].value *= s;
      add(arg.name + " * " + describe(s), std::move(args), {}, Expect::Any, all_names);
    }
    if (!arg.reshape) continue;
    // Wrong shapes: the mismatch may be blamed on any argument the facade sees.
    const Index r = arg.value.rows(), c = arg.value.cols();
    auto reshaped = [&](std::string what, Index rows, Index cols) {
      Args args = f.args;
      Eigen::MatrixXd m = Eigen::MatrixXd::Ones(rows, cols);
      const Index rr = std::min(rows, r), cc = std::min(cols, c);
      m.topLeftCorner(rr, cc) = arg.value.topLeftCorner(rr, cc);
      args[k].value = m;
      add(arg.name + " " + what, std::move(args), {}, Expect::Reject, all_names);
    };
    reshaped("with a row more", r + 1, c);
    if (r > 1) reshaped("with a row less", r - 1, c);
    reshaped("empty", 0, c);
    if (c > 1 && !arg.free_columns) reshaped("with a column less", r, c - 1);
    if (c > 1 && !arg.free_columns) reshaped("with a column more", r, c + 1);
  }
  for (double s : hostile_scales()) {
    Args args = f.args;
    for (auto& a : args) a.value *= s;
    add("every argument * " + describe(s), std::move(args), {}, Expect::Any, all_names);
  }
  // Hostile option values: the control fields, then the family's own.
  for (const auto& name : f.controls) {
    const std::string field = "options." + name;
    if (name == "tolerance" || name == "time_limit_seconds") {
      for (double v : hostile_reals()) {
        Control c;
        (name == "tolerance" ? c.tolerance : c.time_limit_seconds) = v;
        if (f.option_case_iterations > 0) c.max_iterations = f.option_case_iterations;
        // A zero tolerance runs the whole default budget: bounded by the family's default.
        add(field + " = " + describe(v), f.args, c, Expect::Any, {field});
      }
    } else {
      for (std::int64_t v : hostile_counts()) {
        Control c;
        (name == "max_iterations" ? c.max_iterations : c.max_oracle_calls) = v;
        if (name != "max_iterations" && f.option_case_iterations > 0)
          c.max_iterations = f.option_case_iterations;
        add(field + " = " + std::to_string(v), f.args, c, Expect::Any, {field});
      }
    }
  }
  for (const auto& field : f.fields) {
    auto values = hostile_reals();
    if (field.integer) {
      values.clear();
      for (auto v : hostile_counts()) values.push_back(static_cast<double>(v));
    }
    for (double v : values) {
      Control c;
      c.field = field.name;
      c.value = v;
      if (f.option_case_iterations > 0) c.max_iterations = f.option_case_iterations;
      std::vector<std::string> blame{field.name};
      blame.insert(blame.end(), field.related.begin(), field.related.end());
      add(field.name + " = " + describe(v), f.args, c, Expect::Any, std::move(blame));
    }
  }
  // Budgets that must be honoured (tolerance 0: the budget, not convergence, ends the run).
  if (has(f.controls, "max_iterations")) {
    for (std::int64_t k : {0, 1, 3}) {
      Control c;
      c.tolerance = 0.0;
      c.max_iterations = k;
      add("max_iterations = " + std::to_string(k) + " with tolerance 0", f.args, c, Expect::Any,
          {});
    }
  }
  if (f.oracle_overshoot >= 0) {
    for (std::int64_t k : {1, 7, 50}) {
      Control c;
      c.tolerance = 0.0;
      c.max_oracle_calls = k;
      add("max_oracle_calls = " + std::to_string(k) + " with tolerance 0", f.args, c, Expect::Any,
          {});
    }
  }
  if (f.run_slow) {
    Control c;
    c.time_limit_seconds = 0.05;
    Case slow{"time_limit_seconds = 0.05 on a long problem", {}, c, Expect::Any, {}};
    slow.slow = true;
    slow.wall_limit = 2.0;
    out.push_back(std::move(slow));
  }
  // Callbacks that throw or stop, operators that throw or turn NaN, after k calls.
  if (f.callback) {
    for (Index k : {0, 2}) {
      Control c;
      c.callback = {Hook::Throw, k};
      add("monitor callback throws at call " + std::to_string(k + 1), f.args, c, Expect::Any, {});
      Control s;
      s.callback = {Hook::Stop, k};
      add("monitor callback stops at call " + std::to_string(k + 1), f.args, s, Expect::Any, {});
    }
  }
  if (f.oracle_hook) {
    for (Index k : {0, 1, 4}) {
      for (Hook h : {Hook::Throw, Hook::NaN}) {
        Control c;
        c.oracle = {h, k};
        add(std::string("operator ") + (h == Hook::Throw ? "throws" : "returns NaN") + " at call " +
                std::to_string(k + 1),
            f.args, c, Expect::Any, {});
      }
    }
  }
  return out;
}

/// Runs one case; returns "" when it ended in an accepted way, else what went wrong.
inline std::string run_case(const Facade& f, Case& c) {
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Outcome o;
  try {
    o = c.slow ? f.run_slow(c.control) : f.run(c.args, c.control);
  } catch (const iterum::invalid_argument& e) {
    const std::string what = e.what();
    if (c.expect == Expect::Converge) return "nominal input rejected: " + what;
    if (c.blame.empty()) return "rejected, but nothing here is invalid: " + what;
    std::vector<std::string> functions{f.function};
    functions.insert(functions.end(), f.also.begin(), f.also.end());
    for (const auto& fn : functions) {
      for (const auto& arg : c.blame) {
        if (what.rfind(fn + ": argument '" + arg + "'", 0) == 0) return "";
      }
    }
    return "rejected, but the message does not name the function and the argument: " + what;
  } catch (const UserError&) {
    if (c.control.callback.fired || c.control.oracle.fired) return "";
    return "UserError thrown although no hook fired";
  } catch (const std::exception& e) {
    return std::string("unexpected exception: ") + e.what();
  }
  const double seconds = elapsed();
  if (c.control.callback.fired && c.control.callback.hook == Hook::Throw)
    return "the callback threw, but the exception was swallowed";
  if (c.control.oracle.fired && c.control.oracle.hook == Hook::Throw)
    return "the operator threw, but the exception was swallowed";
  if (c.wall_limit > 0 && seconds > c.wall_limit)
    return "returned after " + describe(seconds) + " s (limit " + describe(c.wall_limit) + " s)";
  if (c.expect == Expect::Reject)
    return "accepted an invalid input (status " + std::string(to_string(o.status)) + ")";
  const std::string status(to_string(o.status));
  if (c.control.max_iterations && *c.control.max_iterations >= 0 &&
      o.iterations > *c.control.max_iterations)
    return status + " after " + std::to_string(o.iterations) + " iterations, over the budget";
  if (c.control.max_oracle_calls && *c.control.max_oracle_calls > 0 && o.oracle_calls >= 0 &&
      f.oracle_overshoot >= 0 && o.oracle_calls - f.oracle_overshoot > *c.control.max_oracle_calls)
    return status + " after " + std::to_string(o.oracle_calls) + " oracle calls, budget " +
           std::to_string(*c.control.max_oracle_calls);
  if (o.status == Status::Converged) {
    const double slack = 1e-9 * o.tolerance + o.slack + 1e-300;
    if (!(o.certificate <= o.tolerance + slack))
      return "Converged, but the recomputed certificate " + describe(o.certificate) +
             " misses the tolerance " + describe(o.tolerance);
    if (o.truth_error && !(*o.truth_error <= o.truth_tolerance))
      return "Converged, but off the truth by " + describe(*o.truth_error);
    if (!o.finite) return "Converged with non-finite returned values";
    return "";
  }
  if (c.expect == Expect::Converge)
    return "the nominal input did not converge: " + status + ", certificate " +
           describe(o.certificate);
  if (!o.finite) return status + " with non-finite returned values";
  return "";
}

/// The outcome of a time-limit run on a long problem (`run_slow`): its status and iterations,
/// and whether the returned values are finite. A Converged there is not expected (the
/// problem takes seconds) and its certificate is not recomputed.
[[nodiscard]] inline Outcome slow_outcome(const Summary& s, bool finite) {
  Outcome o;
  o.status = s.status;
  o.iterations = s.iterations;
  o.finite = finite;
  o.certificate = s.status == Status::Converged ? 0.0 : nan;
  return o;
}

/// Runs every case of `f`, reports each failure through `fail(label, why)`, prints the count,
/// and returns the number of cases.
template <class Fail>
std::size_t run_battery(const Facade& f, Fail&& fail) {
  auto cases = cases_for(f);
  // ITERUM_BATTERY_TRACE=1 prints each case before it runs and its wall time (to find a hang).
  const char* trace = std::getenv("ITERUM_BATTERY_TRACE");
  for (auto& c : cases) {
    const auto start = std::chrono::steady_clock::now();
    if (trace != nullptr) std::cout << f.function << ": " << c.label << std::flush;
    const std::string why = run_case(f, c);
    if (trace != nullptr) {
      std::cout << " ("
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
                << " s)\n";
    }
    if (!why.empty()) fail(c.label, why);
  }
  std::cout << "robustness battery: " << (f.name.empty() ? f.function : f.name) << ": "
            << cases.size() << " cases\n";
  return cases.size();
}

/// Runs the battery of `f` inside a Catch2 test case: one failed CHECK per failing case.
inline void check_battery(const Facade& f) {
  const auto count = run_battery(f, [](const std::string& label, const std::string& why) {
    INFO(label);
    INFO(why);
    CHECK(false);
  });
  CHECK(count > 0);
}

/// A small, well-conditioned 6 x 4 least-squares problem (A, b) several adapters share; A's
/// column count is free (no x0 fixes it).
inline Args least_squares_6x4() {
  Eigen::MatrixXd a(6, 4);
  a << 1, 0.2, 0, 0.1, 0.3, 1, 0.2, 0, 0, 0.4, 1, 0.3, 0.1, 0, 0.2, 1, 0.5, 0.1, 0, 0.2, 0, 0.3,
      0.6, 0.1;
  Eigen::VectorXd b(6);
  b << 1, -2, 0.5, 3, -1, 0.25;
  Args args{{"A", a}, {"b", b}};
  args[0].free_columns = true;
  return args;
}

/// ||v|| without overflow or underflow (the certificates recompute residuals at 1e+-300).
template <class V>
[[nodiscard]] double safe_norm(const V& v) {
  return static_cast<double>(v.stableNorm());
}

/// Whether every entry of `v` is finite.
template <class V>
[[nodiscard]] bool all_finite(const V& v) {
  return v.size() == 0 || v.array().isFinite().all();
}

}  // namespace iterum::robust
