#pragma once

/// @file error.hpp
/// @brief `iterum::invalid_argument` and the validators every entry point uses on its input.
///
/// Bad input (a shape mismatch, a NaN, a negative mass, a parameter out of range) is a broken
/// precondition and throws `iterum::invalid_argument`. The message always reads
/// `<function>: argument '<argument>' <what is wrong> (got <value>)`, so a user can tell from
/// the message alone which call and which argument to fix. Non-convergence is never an
/// exception: it is a `Status` in the result.

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

#include "iterum/core/types.hpp"

namespace iterum {

/// Thrown for every broken precondition on the arguments of an iterum function.
class invalid_argument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

/// Shortest decimal text that reads back as the same double ("0.1", "1e-12", "nan", "-inf").
[[nodiscard]] inline std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  // std::to_chars is locale-independent and gives the shortest text that reads back exactly.
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

[[nodiscard]] inline std::string format_number(long long value) { return std::to_string(value); }

}  // namespace detail

/// Validators. Each throws `iterum::invalid_argument` naming `function`, `argument` and the
/// offending value; each returns normally when the check passes.
namespace check {

/// The text a message shows for a value: the shortest decimal that reads back as the same
/// double ("0.1", "1e-12", "nan", "-inf"), or the integer.
[[nodiscard]] inline std::string text(double value) { return detail::format_number(value); }
[[nodiscard]] inline std::string text(long long value) { return detail::format_number(value); }

/// Throws with the standard message shape; the building block of the checks below.
[[noreturn]] inline void fail(std::string_view function, std::string_view argument,
                              std::string_view problem, std::string_view got) {
  std::string message;
  message.append(function).append(": argument '").append(argument).append("' ");
  message.append(problem);
  if (!got.empty()) message.append(" (got ").append(got).append(")");
  throw invalid_argument(message);
}

/// `condition` must hold; otherwise the message says `problem`.
inline void that(bool condition, std::string_view function, std::string_view argument,
                 std::string_view problem) {
  if (!condition) fail(function, argument, problem, {});
}

/// `value` must be finite.
inline void finite(std::string_view function, std::string_view argument, double value) {
  if (!std::isfinite(value))
    fail(function, argument, "must be finite", detail::format_number(value));
}

/// `value` must be > 0 (NaN fails; +inf passes, e.g. an unlimited time budget).
inline void positive(std::string_view function, std::string_view argument, double value) {
  if (!(value > 0)) fail(function, argument, "must be positive", detail::format_number(value));
}

/// `value` must be >= 0 (NaN fails).
inline void nonnegative(std::string_view function, std::string_view argument, double value) {
  if (!(value >= 0)) fail(function, argument, "must be nonnegative", detail::format_number(value));
}

/// Whether an end of a range belongs to it.
enum class Bound { Closed, Open };

/// `value` must lie in the interval from `lo` to `hi`, each end open or closed.
inline void in_range(std::string_view function, std::string_view argument, double value, double lo,
                     double hi, Bound lo_bound = Bound::Closed, Bound hi_bound = Bound::Closed) {
  const bool above = lo_bound == Bound::Closed ? value >= lo : value > lo;
  const bool below = hi_bound == Bound::Closed ? value <= hi : value < hi;
  if (!(above && below)) {
    std::string range;
    range.append(lo_bound == Bound::Closed ? "[" : "(").append(detail::format_number(lo));
    range.append(", ").append(detail::format_number(hi));
    range.append(hi_bound == Bound::Closed ? "]" : ")");
    fail(function, argument, "must lie in " + range, detail::format_number(value));
  }
}

/// A size (rows, entries, ...) must equal `expected`; `what` says what it is and what
/// `expected` stands for, e.g. `"must have as many entries as A has rows"`.
inline void size(std::string_view function, std::string_view argument, Index actual, Index expected,
                 std::string_view what) {
  if (actual != expected) {
    fail(function, argument,
         std::string(what) + " (" + detail::format_number(static_cast<long long>(expected)) + ")",
         detail::format_number(static_cast<long long>(actual)));
  }
}

/// A size must be > 0.
inline void not_empty(std::string_view function, std::string_view argument, Index actual) {
  if (actual <= 0) {
    fail(function, argument, "must not be empty",
         "size " + detail::format_number(static_cast<long long>(actual)));
  }
}

/// A matrix must be square.
inline void square(std::string_view function, std::string_view argument, Index rows, Index cols) {
  if (rows != cols) {
    fail(function, argument, "must be square",
         detail::format_number(static_cast<long long>(rows)) + "x" +
             detail::format_number(static_cast<long long>(cols)));
  }
}

/// Every stored entry of a dense or sparse Eigen object must be finite; the message names the
/// first offending entry by position.
template <class Derived>
void all_finite(std::string_view function, std::string_view argument, const Derived& m) {
  auto report = [&](Index row, Index col, double value) {
    std::string where = m.cols() == 1
                            ? "entry " + std::to_string(row)
                            : "entry (" + std::to_string(row) + ", " + std::to_string(col) + ")";
    fail(function, argument, "must be finite, but " + where + " is not",
         detail::format_number(value));
  };
  if constexpr (requires { typename Derived::InnerIterator; }) {
    for (Index k = 0; k < m.outerSize(); ++k) {
      for (typename Derived::InnerIterator it(m, k); it; ++it) {
        if (!std::isfinite(static_cast<double>(it.value()))) {
          report(it.row(), it.col(), static_cast<double>(it.value()));
        }
      }
    }
  } else {
    const auto& e = m.derived();
    if (e.allFinite()) return;
    for (Index j = 0; j < e.cols(); ++j) {
      for (Index i = 0; i < e.rows(); ++i) {
        if (!std::isfinite(static_cast<double>(e(i, j))))
          report(i, j, static_cast<double>(e(i, j)));
      }
    }
  }
}

}  // namespace check
}  // namespace iterum
