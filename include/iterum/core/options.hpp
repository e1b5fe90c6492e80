#pragma once

/// @file options.hpp
/// @brief The control fields every facade's options share, and their one validator.
///
/// Every `XxxOptions` of every family spells its control fields the same way, flat (no
/// nesting), where they apply, and in this order:
///
/// - `tolerance` (`double`): stop with `Converged` once the certificate is at most this;
/// - `max_iterations` (`std::optional<Index>`): iteration budget; unset: the family's default,
///   which scales with the problem;
/// - `max_oracle_calls` (`std::optional<std::int64_t>`): budget on oracle calls
///   (`BudgetExhausted`); unset: none;
/// - `time_limit_seconds` (`double`): wall-clock budget (`TimeLimit`); infinity: none;
/// - `seed` (`std::uint64_t`): seed of every random draw (methods without randomness have none);
/// - `monitor` (`iterum::Monitor`): progress printing, history, a callback seeing the iterate;
///
/// followed by the family's own settings. `validate_control(function, options)` checks the
/// fields an options type has (one function for all), and `stop::from_options` turns them into
/// the stop rule. What `tolerance` measures is the family's certificate: a relative residual
/// for linear solvers, an absolute one elsewhere (docs/concepts.md, "Control fields and
/// tolerances", lists them).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum {

/// Checks the control fields that `Options` has, naming `function` and `options.<field>`:
/// `tolerance` finite and >= 0, `max_iterations` >= 0 when set, `max_oracle_calls` >= 1 when
/// set, `time_limit_seconds` > 0 (infinity allowed), `certificate_every` > 0 and finite, and
/// the monitor's intervals. Throws `iterum::invalid_argument`.
template <class Options>
void validate_control(std::string_view function, const Options& o) {
  if constexpr (requires { o.tolerance; }) {
    check::nonnegative(function, "options.tolerance", static_cast<double>(o.tolerance));
    check::finite(function, "options.tolerance", static_cast<double>(o.tolerance));
  }
  if constexpr (requires { o.max_iterations; }) {
    static_assert(
        std::is_same_v<std::remove_cvref_t<decltype(o.max_iterations)>, std::optional<Index>>,
        "iterum: options.max_iterations must be std::optional<Index>");
    if (o.max_iterations) {
      check::nonnegative(function, "options.max_iterations",
                         static_cast<double>(*o.max_iterations));
    }
  }
  if constexpr (requires { o.max_oracle_calls; }) {
    if (o.max_oracle_calls) {
      check::positive(function, "options.max_oracle_calls",
                      static_cast<double>(*o.max_oracle_calls));
    }
  }
  if constexpr (requires { o.time_limit_seconds; }) {
    check::positive(function, "options.time_limit_seconds",
                    static_cast<double>(o.time_limit_seconds));
  }
  if constexpr (requires { o.certificate_every; }) {
    check::positive(function, "options.certificate_every",
                    static_cast<double>(o.certificate_every));
    check::finite(function, "options.certificate_every", static_cast<double>(o.certificate_every));
  }
  if constexpr (requires { o.monitor.validate(function); }) o.monitor.validate(function);
}

/// The iteration budget of `options`: `max_iterations` when set, else `default_budget` (the
/// family's default for this problem's size).
template <class Options>
[[nodiscard]] Index iteration_budget(const Options& options, Index default_budget) noexcept {
  return options.max_iterations ? *options.max_iterations : default_budget;
}

}  // namespace iterum
