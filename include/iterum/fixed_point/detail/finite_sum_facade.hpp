#pragma once

/// @file detail/finite_sum_facade.hpp
/// @brief The skeleton the finite-sum facades (`vr_halpern`, `extragradient`) share: argument
/// checks, and running a method under `Certified` with the operator-residual certificate.

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "iterum/core/certified.hpp"
#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/finite_sum_result.hpp"
#include "iterum/fixed_point/operator_residual.hpp"

namespace iterum::fixed_point::detail {

/// The step options every finite-sum method shares: `step`, or `lipschitz` to derive it from
/// (at least one given unless `derivable`: the step can come from the component constants;
/// each positive and finite when given).
inline void validate_step_source(std::string_view function, const std::optional<double>& step,
                                 const std::optional<double>& lipschitz, bool derivable = false) {
  if (!step && !lipschitz && !derivable) {
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

/// The certificate step, when given: positive and finite.
inline void validate_certificate_step(std::string_view function,
                                      const std::optional<double>& certificate_step) {
  if (certificate_step) {
    check::positive(function, "options.certificate_step", *certificate_step);
    check::finite(function, "options.certificate_step", *certificate_step);
  }
}

/// The work measure of the default iteration budgets: a component call of F counts dim
/// (a dense component is dim multiply-adds), a resolvent evaluation dim (1 + log2 dim) (a
/// sort-based projection; nothing when F has no resolvent).
template <class F>
struct WorkModel {
  double call = 0.0;       ///< work of one component call
  double resolvent = 0.0;  ///< work of one resolvent evaluation

  explicit WorkModel(const F& f) : call(static_cast<double>(f.dim())) {
    if constexpr (HasResolvent<F>) resolvent = call * (1.0 + std::log2(std::max(call, 1.0)));
  }
};

/// Iterations whose work, at `work_per_iteration`, makes `budget` (at least 1).
[[nodiscard]] inline Index iterations_for(double budget, double work_per_iteration) {
  const double k = std::ceil(budget / std::max(work_per_iteration, 1.0));
  if (!(k < 9e18)) return std::numeric_limits<Index>::max();
  return std::max<Index>(1, static_cast<Index>(k));
}

template <class F>
constexpr bool check_finite_sum() {
  static_assert(FiniteSum<F>,
                "iterum::fixed_point: F must model iterum::FiniteSum (Scalar, size(), dim(), "
                "component(i, x, out)); see docs/concepts.md#finitesum");
  return FiniteSum<F>;
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

/// Runs `inner` from `inner_state` under `Certified` with the operator residual (step
/// `options.certificate_step`, else `step`; every `options.certificate_every` epochs), stops
/// by the options' control fields (`default_max_iterations` when `max_iterations` is unset),
/// certifies the final iterate and packs the result; `clock` was started at the facade's entry.
template <class F, class Inner, class Options>
[[nodiscard]] FiniteSumResult<typename F::Scalar> run_finite_sum(
    const F& f, const Inner& inner, typename Inner::State inner_state, const Options& options,
    double step, Index default_max_iterations, std::string_view label, const Stopwatch& clock) {
  Certified<Inner, OperatorResidual<F>> method(
      inner, OperatorResidual<F>(f, options.certificate_step.value_or(step)),
      CertifiedParams{options.certificate_every, static_cast<double>(f.size())});
  auto state = method.start(f, std::move(inner_state), clock);
  auto result = solve_with_options(f, method, std::move(state), options, default_max_iterations,
                                   label, clock);
  method.finish(f, result, static_cast<double>(options.tolerance));
  auto& s = result.state;
  FiniteSumResult<typename F::Scalar> out;
  out.x = std::move(s.x);
  out.size = static_cast<Index>(f.size());
  out.certificate_calls = s.certificate.calls();
  if constexpr (requires { s.inner.restarts; }) out.restarts = s.inner.restarts;
  pack_summary(out, result, clock);
  return out;
}

}  // namespace iterum::fixed_point::detail
