#pragma once

/// @file finite_sum_result.hpp
/// @brief `FiniteSumResult<Scalar>`: what the finite-sum facades (`vr_halpern`,
/// `extragradient`) return.

#include <cstdint>

#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// The result of a finite-sum facade: a `Solution` whose `x` is the certified point (u+ of the
/// last certificate, feasible for constrained problems, or the last iterate when G = 0) and
/// whose `residual` is its operator-residual certificate (operator_residual.hpp).
/// `counters.oracle_calls` counts the method's component evaluations (certificates excluded);
/// `trace` holds every certificate evaluation, its `work` in epochs (oracle calls / n).
template <class Scalar>
struct FiniteSumResult : Solution<Scalar> {
  Index size = 0;                      ///< n, the number of components
  std::int64_t certificate_calls = 0;  ///< component evaluations spent on certificates
  Index restarts = 0;                  ///< anchor moves, for methods that restart

  /// counters.oracle_calls / n: the method's work in passes over the data.
  [[nodiscard]] double epochs() const noexcept {
    return size > 0 ? static_cast<double>(this->counters.oracle_calls) / static_cast<double>(size)
                    : 0.0;
  }
};

}  // namespace iterum::fixed_point
