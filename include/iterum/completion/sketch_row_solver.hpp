#pragma once

/// @file sketch_row_solver.hpp
/// @brief `completion::SketchRowSolver`: the sketch-preconditioned row solve of Gu, Song, Yin &
/// Zhang (arXiv 2302.11068) — a CountSketch of each row's design, QR of the sketch, and
/// preconditioned CG — the "theory mode" of alternating minimization.

#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include "iterum/completion/detail/row_pcg.hpp"
#include "iterum/completion/detail/small_kernels.hpp"
#include "iterum/completion/row_solver.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/sketch/detail/counter_stream.hpp"

namespace iterum::completion {

/// Sketch-and-precondition for each row (Gu, Song, Yin & Zhang, ICLR 2024, arXiv 2302.11068,
/// §4: a high-accuracy regression solver with a sketching preconditioner makes each half-step
/// nearly linear in |Omega| k). For a row with design a (p x count): S a^T with a CountSketch S
/// of s = `sketch_factor` p rows (Clarkson & Woodruff, arXiv 1207.6365), stacked on
/// diag(sqrt(ridge)), is factored by Householder QR into Q R; then CG on H x = a b with the
/// preconditioner (R^T R)^{-1}, from the previous solution, to the method's accuracy. The
/// sketch is drawn from `RowSystem::key` (reproducible, independent of threads).
///
/// Measured (docs/completion.md): at practical ranks (k <= 100, ~100-600 observations per
/// row) it is slower per iteration than `ExactRowSolver` and `CgRowSolver`, as the per-row
/// QR (s p^2) is not amortized: it is offered to reproduce the paper, not as a default.
struct SketchRowSolver {
  struct Params {
    /// Sketch rows per unknown (s = sketch_factor p).
    Index sketch_factor = 4;
    /// Steps per solve; unset: 2 p.
    std::optional<Index> max_steps{};

    void validate(std::string_view function = "iterum::completion::SketchRowSolver::Params") const {
      check::positive(function, "sketch_factor", static_cast<double>(sketch_factor));
      if (max_steps) check::positive(function, "max_steps", static_cast<double>(*max_steps));
    }
  };

  struct Workspace {
    Matrix<double> sa;
    Eigen::HouseholderQR<Matrix<double>> qr;
    detail::PcgVectors pcg;
    Matrix<double> packed;  ///< a copy of a when its columns are not contiguous
  };

  SketchRowSolver() = default;
  explicit SketchRowSolver(Params p) : params_(p) { params_.validate(); }

  [[nodiscard]] const Params& params() const noexcept { return params_; }

  [[nodiscard]] Workspace workspace(Index p, Index max_count) const {
    const Index s = params_.sketch_factor * p;
    return {Matrix<double>(s + p, p), Eigen::HouseholderQR<Matrix<double>>(s + p, p),
            detail::PcgVectors(p), Matrix<double>(p, std::max<Index>(max_count, 1))};
  }

  RowSolveStats solve(const RowSystem& sys, Eigen::Ref<Vector<double>> x, Workspace& w) const {
    const Index p = x.size();
    const Index count = sys.b.size();
    const Index s = params_.sketch_factor * p;
    const double* a = detail::contiguous_columns(sys.a, w.packed);
    // S a^T: observation t goes to bucket h(t) with sign +-1; below it diag(sqrt(ridge)).
    w.sa.setZero();
    for (Index t = 0; t < count; ++t) {
      sketch::detail::CounterStream stream(sys.key, static_cast<std::uint64_t>(t));
      const std::uint64_t bits = stream.bits();
      const auto bucket = static_cast<Index>((bits >> 1) % static_cast<std::uint64_t>(s));
      const double sign = (bits & 1u) != 0u ? 1.0 : -1.0;
      for (Index l = 0; l < p; ++l) w.sa(bucket, l) += sign * a[t * p + l];
    }
    for (Index l = 0; l < p; ++l) w.sa(s + l, l) = std::sqrt(sys.ridge[l]);
    w.qr.compute(w.sa);
    const auto diag = w.qr.matrixQR().diagonal().head(p).cwiseAbs();
    if (!(diag.minCoeff() > 1e-13 * diag.maxCoeff())) {
      RowSolveStats failed;
      failed.failed = true;  // the sketch is rank-deficient: keep x
      return failed;
    }
    const auto rfac = w.qr.matrixQR().topLeftCorner(p, p).template triangularView<Eigen::Upper>();
    const Index steps = params_.max_steps ? *params_.max_steps : 2 * p;
    return detail::row_pcg(a, count, sys, x, sys.tolerance, steps, w.pcg,
                           [&](const Vector<double>& r, Vector<double>& z) {
                             z = r;  // z = (R^T R)^{-1} r
                             rfac.transpose().solveInPlace(z);
                             rfac.solveInPlace(z);
                           });
  }

 private:
  Params params_{};
};

}  // namespace iterum::completion
