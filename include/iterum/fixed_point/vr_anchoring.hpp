#pragma once

/// @file vr_anchoring.hpp
/// @brief `VrAnchoring` and `VrRestart`: the anchor weights and the restart rule shared by the
/// variance-reduced Halpern methods (`PageHalpernMethod`, `ResolventHalpernMethod`).
///
/// Adaptive restarts re-anchor (u_0 <- the certified point, k <- 0) when a certificate fell to
/// `restart_decay` times the one at the anchor: the rule of the restarted stochastic Halpern
/// method of Cai, Song, Guzman & Diakonikolas, "Stochastic Halpern iteration with variance
/// reduction for stochastic monotone inclusions", NeurIPS 2022, arXiv 2203.09436 (decay 1/2).
/// On strongly monotone problems this turns Halpern's O(1/k) into a linear rate.

#include <Eigen/Core>
#include <cmath>
#include <limits>

#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// The anchor weights lambda_k.
enum class VrAnchoring {
  Auto,     ///< the algorithm's own: `Shifted` for `Page`, `Classic` for `InexactResolvent`
  Classic,  ///< lambda_k = 1/(k+2) (Halpern 1967)
  Shifted,  ///< lambda_k = 2/(k+4) (Alg. 1 of arXiv 2310.02987)
};

/// When the anchor moves.
enum class VrRestart {
  None,      ///< the methods as published
  Adaptive,  ///< re-anchor once a certificate is at most `restart_decay` times the anchor's
};

/// The anchored part of a variance-reduced Halpern state: the iterate, the anchor and the
/// restart bookkeeping that `on_certificate` updates.
template <class Scalar>
struct VrAnchorState {
  Vector<Scalar> u;        ///< the (outer) iterate u_k
  Vector<Scalar> u_prev;   ///< u_{k-1} (Alg. 1's PAGE differences)
  Vector<Scalar> anchor;   ///< u_0, or the point of the last restart
  Index since_anchor = 0;  ///< k: iterations since the anchor was set
  double anchor_residual = std::numeric_limits<double>::infinity();  ///< certificate at the anchor
  Index restarts = 0;                                                ///< anchor moves

  /// Starts and anchors at x0.
  void start_at(const Vector<Scalar>& x0) {
    u = x0;
    u_prev = x0;
    anchor = x0;
  }
};

namespace detail {

/// lambda_k of the anchoring.
template <class Scalar>
[[nodiscard]] Scalar vr_anchor_weight(VrAnchoring anchoring, Index k) noexcept {
  if (anchoring == VrAnchoring::Shifted) return Scalar(2) / static_cast<Scalar>(k + 4);
  return Scalar(1) / static_cast<Scalar>(k + 2);
}

/// The restart rule on a fresh certificate at `point` (see the file comment).
template <class Scalar>
void vr_restart_on_certificate(VrRestart rule, double decay, VrAnchorState<Scalar>& s,
                               double residual, const Vector<Scalar>& point) {
  if (rule != VrRestart::Adaptive) return;
  if (!std::isfinite(s.anchor_residual)) {
    s.anchor_residual = residual;
    return;
  }
  if (residual <= decay * s.anchor_residual && s.since_anchor > 0) {
    s.start_at(point);
    s.anchor_residual = residual;
    s.since_anchor = 0;
    ++s.restarts;
  }
}

}  // namespace detail
}  // namespace iterum::fixed_point
