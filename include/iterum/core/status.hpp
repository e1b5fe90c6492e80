#pragma once

/// @file status.hpp
/// @brief How a solve ended: `iterum::Status` and `to_string`.

#include <cstdint>
#include <string_view>

namespace iterum {

/// The reason a solve stopped. `Converged` is zero, a stop the user asked for is positive, and
/// every way of ending without a certified answer is negative, so `static_cast<int>(s) >= 0`
/// reads as "nothing went wrong".
enum class Status : std::int8_t {
  Converged = 0,           ///< the certificate met the tolerance
  StoppedByObserver = 1,   ///< an observer or user callback returned `true`
  MaxIterations = -1,      ///< the iteration budget ran out
  TimeLimit = -2,          ///< the wall-clock budget ran out
  Stalled = -3,            ///< the certificate stopped improving
  NumericalIssue = -4,     ///< a non-finite value appeared, or a factorization failed
  Breakdown = -5,          ///< the method cannot continue (e.g. CG met a non-positive curvature)
  InnerSolverFailed = -6,  ///< a sub-problem solver did not deliver what the method needs
  Diverged = -7,           ///< the certificate grew without bound
  BudgetExhausted = -8,    ///< an oracle or component-call budget ran out
};

/// The enumerator's name, e.g. `"Converged"`.
[[nodiscard]] constexpr std::string_view to_string(Status status) noexcept {
  switch (status) {
    case Status::Converged:
      return "Converged";
    case Status::StoppedByObserver:
      return "StoppedByObserver";
    case Status::MaxIterations:
      return "MaxIterations";
    case Status::TimeLimit:
      return "TimeLimit";
    case Status::Stalled:
      return "Stalled";
    case Status::NumericalIssue:
      return "NumericalIssue";
    case Status::Breakdown:
      return "Breakdown";
    case Status::InnerSolverFailed:
      return "InnerSolverFailed";
    case Status::Diverged:
      return "Diverged";
    case Status::BudgetExhausted:
      return "BudgetExhausted";
  }
  return "Unknown";
}

/// True for `Converged` and `StoppedByObserver`: the run ended as asked, not by a failure.
[[nodiscard]] constexpr bool succeeded(Status status) noexcept {
  return static_cast<int>(status) >= 0;
}

}  // namespace iterum
