#pragma once

/// @file fwht.hpp
/// @brief The in-place fast Walsh-Hadamard transform (unnormalized, +-1 entries).

#include "iterum/core/types.hpp"

namespace iterum::sketch::detail {

/// x <- H x for the n x n Sylvester-Hadamard matrix H (n a power of two), in n log2 n additions:
/// the radix-2 butterflies of Fino & Algazi (IEEE Trans. Computers, 1976).
inline void fwht(double* x, Index n) {
  for (Index h = 1; h < n; h *= 2) {
    for (Index i = 0; i < n; i += 2 * h) {
      double* lo = x + i;
      double* hi = x + i + h;
      for (Index j = 0; j < h; ++j) {
        const double a = lo[j];
        const double b = hi[j];
        lo[j] = a + b;
        hi[j] = a - b;
      }
    }
  }
}

}  // namespace iterum::sketch::detail
