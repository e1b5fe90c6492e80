#pragma once

/// @file anchored_extragradient_method.hpp
/// @brief `AnchoredExtragradientMethod<F>`: the extra anchored gradient method EAG-C of T. Yoon
/// & E. K. Ryu, "Accelerated algorithms for smooth convex-concave minimax problems with
/// O(1/k^2) rate on squared gradient norm", ICML 2021, arXiv 2102.07922, Sec. 2, eq. (EAG)
/// with constant step eta and anchor weight beta_k = 1/(k+2), for a finite-sum monotone
/// inclusion 0 in F(u) + G(u) with J = J_{eta G}:
///
///   u_{k+1/2} = J(u_k + beta_k (u_0 - u_k) - eta F(u_k)),
///   u_{k+1}   = J(u_k + beta_k (u_0 - u_k) - eta F(u_{k+1/2})).                       (EAG)
///
/// For G = 0 (J = I) this is exactly EAG-C, and Yoon & Ryu's Thm. 1 gives, for
/// 0 < eta <= 1/(8L), ||F(u_k)||^2 <= 260 ||u_0 - u*||^2 / (eta^2 (k+1)^2): the optimal O(1/k)
/// last-iterate rate of the operator norm. With a resolvent (G != 0) both half steps are
/// projected, as in the EAG baseline of the experiments of Cai, Alacaoglu & Diakonikolas
/// (ICLR 2024, arXiv 2310.02987, Sec. 5; their public script); this form is not covered by Yoon
/// & Ryu's theorem. (Projected anchored extragradient with an O(1/k) guarantee for constrained
/// monotone problems is analysed by Cai, Oikonomou & Zheng, arXiv 2206.05248, with a slightly
/// different anchoring; we keep the form of the experiments we reproduce.) Cost: 2n component
/// calls per iteration.

#include <Eigen/Core>

#include "iterum/core/types.hpp"
#include "iterum/fixed_point/extragradient_method.hpp"

namespace iterum::fixed_point {

/// The state of `AnchoredExtragradientMethod`: the extragradient work vectors, the anchor u_0
/// and k.
template <class F>
struct AnchoredExtragradientState : ExtragradientState<F> {
  Vector<typename F::Scalar> anchor;  ///< u_0
  Vector<typename F::Scalar> base;    ///< u_k + beta_k (u_0 - u_k)
  Index k = 0;                        ///< iterations taken (beta_k = 1/(k+2))

  AnchoredExtragradientState() = default;
  AnchoredExtragradientState(const F& f, const Vector<typename F::Scalar>& z0)
      : ExtragradientState<F>(f, z0), anchor(z0), base(z0.size()) {}
};

/// The extra anchored gradient method EAG-C (Yoon & Ryu 2021), projected when F has a
/// resolvent; an `Inner` method for `Certified`.
template <class F>
class AnchoredExtragradientMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = AnchoredExtragradientState<F>;

  /// The method's settings.
  struct Params {
    double step = 1.0;  ///< eta (eta <= 1/(8L) for Yoon & Ryu's guarantee)
  };

  explicit AnchoredExtragradientMethod(Params params = {})
      : eta_(static_cast<Scalar>(params.step)) {}

  /// Starts and anchors at 0.
  [[nodiscard]] State init(const F& f) const { return init(f, Vector<Scalar>::Zero(f.dim())); }
  /// Starts and anchors at `z0`; no oracle call.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& z0) const { return State(f, z0); }

  /// One step of (EAG): 2n component calls, no allocation.
  void step(const F& f, State& s) const {
    const Scalar beta = Scalar(1) / static_cast<Scalar>(s.k + 2);
    s.base = beta * s.anchor + (Scalar(1) - beta) * s.z;
    s.step(f, eta_, s.base);
    ++s.k;
  }

  /// The iterate u_k.
  [[nodiscard]] const Vector<Scalar>& iterate(const State& s) const noexcept { return s.z; }
  [[nodiscard]] double step_size() const noexcept { return static_cast<double>(eta_); }

 private:
  Scalar eta_;
};

}  // namespace iterum::fixed_point
