#pragma once

/// @file sketched_kkt_solver.hpp
/// @brief `SketchedKktSolver`: the KKT-solver policy of `EalNewton` that solves K z = b by
/// sketch-and-project (`sketch::SketchAndProject`: randomized Kaczmarz, block Kaczmarz or
/// Gaussian sketches; Gower & Richtarik, SIAM J. Matrix Anal. Appl. 36 (2015), arXiv
/// 1506.03296), as in Hong, Na, Mahoney & Kolar (arXiv 2305.18379, Sec. 3), and hands the
/// solve to MINRES (`linalg::Minres`, warm-started from the sketched iterate) when the sketch
/// steps hit their cap without reaching the accuracy asked.
///
/// Why the fallback: the number of sketch steps grows like kappa_F(K)^2 log(1 / accuracy)
/// (Strohmer & Vershynin's rate), so on an ill-conditioned KKT matrix a capped sketch solve
/// returns a poor direction; the study (research/sketching.md Sec. 1.7, advice 2; Sec. 6 B1)
/// saw such directions fail the descent test until the penalty mu was driven to 1e8 and the
/// run diverged (HS27, Gaussian sketches, paper rule). Deviation from the authors' code: the
/// Kaczmarz rows are drawn with probability proportional to ||k_i||^2, not uniformly.

#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"
#include "iterum/linalg/minres.hpp"
#include "iterum/sketch/sketch_and_project.hpp"

namespace iterum::nlp {

/// Settings of `SketchedKktSolver`.
struct SketchedKktOptions {
  /// The sketch (`Kaczmarz`, `BlockKaczmarz` or `Gaussian`; `Extended` is for least squares).
  sketch::SapVariant variant = sketch::SapVariant::Kaczmarz;
  /// Rows per step of `BlockKaczmarz`, columns of S for `Gaussian`; unset: min(N, 8).
  std::optional<Index> block_size{};
  /// The inner cap: sketch steps per solve before MINRES takes over (> 0).
  Index max_sketch_steps = 100000;
  /// Seed of the first solve's draws; solve k uses seed + k.
  std::uint64_t seed = 0;

  void validate(std::string_view function = "iterum::nlp::SketchedKktOptions::validate") const {
    check::that(variant != sketch::SapVariant::Extended, function, "options.variant",
                "must be Kaczmarz, BlockKaczmarz or Gaussian");
    if (block_size)
      check::positive(function, "options.block_size", static_cast<double>(*block_size));
    check::positive(function, "options.max_sketch_steps", static_cast<double>(max_sketch_steps));
  }
};

/// Sketch-and-project with a MINRES fallback, a `LinearSolver` over the dense KKT matrix.
/// `iterations` of a solve = sketch steps + MINRES iterations; `fallbacks()` counts the solves
/// MINRES finished.
class SketchedKktSolver {
 public:
  using Scalar = double;

  explicit SketchedKktSolver(SketchedKktOptions options = {}) : options_(options) {
    options_.validate("iterum::nlp::SketchedKktSolver");
  }

  /// Prepares for `k` (square, symmetric), which must outlive the following solves.
  Status compute(const Matrix<double>& k) {
    sketch::SketchAndProjectOptions so;
    so.variant = options_.variant;
    so.block_size = options_.block_size;
    so.seed = options_.seed + static_cast<std::uint64_t>(computes_++);
    so.tolerance = tolerance_;
    so.max_iterations = options_.max_sketch_steps;
    sketch_ = sketch::SketchAndProject<Matrix<double>>(so);
    if (sketch_.compute(k) != Status::Converged) return Status::NumericalIssue;
    return minres_.compute(k);
  }
  Status compute(Matrix<double>&&) = delete;

  /// Solves K z = b from the initial guess in z.
  Summary solve(const Vector<double>& b, Vector<double>& z) {
    sketch_.set_tolerance(tolerance_);
    sketch_.set_max_iterations(cap_ ? cap_ : std::optional<Index>(options_.max_sketch_steps));
    Summary out = sketch_.solve(b, z);
    sketch_steps_ += out.iterations;
    if (out.status == Status::Converged) return out;
    ++fallbacks_;
    minres_.set_tolerance(tolerance_);
    const Summary tail = minres_.solve(b, z);
    Summary merged = tail;
    merged.iterations += out.iterations;
    merged.counters += out.counters;
    return merged;
  }

  /// Relative residual wanted from the following solves.
  void set_tolerance(double tolerance) {
    check::nonnegative("iterum::nlp::SketchedKktSolver::set_tolerance", "tolerance", tolerance);
    tolerance_ = tolerance;
  }

  /// The inner cap on sketch steps of the following solves (unset: `max_sketch_steps`). Not
  /// `set_max_iterations`: a capped solve is finished by MINRES instead of ending
  /// `MaxIterations`, so this policy does not model `LinearSolverWithBudget`.
  void set_sketch_cap(std::optional<Index> cap) {
    if (cap) {
      check::positive("iterum::nlp::SketchedKktSolver::set_sketch_cap", "cap",
                      static_cast<double>(*cap));
    }
    cap_ = cap;
  }

  /// Solves that hit the sketch cap and were finished by MINRES.
  [[nodiscard]] std::int64_t fallbacks() const noexcept { return fallbacks_; }
  /// Sketch steps over all solves.
  [[nodiscard]] std::int64_t sketch_steps() const noexcept { return sketch_steps_; }

 private:
  SketchedKktOptions options_;
  sketch::SketchAndProject<Matrix<double>> sketch_{};
  linalg::Minres<Matrix<double>> minres_{};
  double tolerance_ = 1e-8;
  std::optional<Index> cap_{};
  std::int64_t computes_ = 0;
  std::int64_t fallbacks_ = 0;
  std::int64_t sketch_steps_ = 0;
};

}  // namespace iterum::nlp
