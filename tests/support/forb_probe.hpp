#pragma once

// The points at which the fixed-point tests check that the VR-FoRB direction of vr_halpern is
// unbiased (uniform and importance sampling).

#include <Eigen/Core>

#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"

namespace iterum::test {

/// Phi = eta F + I - u at random points u, v, w, w_prev (standard normal, drawn in this order
/// from `engine`), with Phi(w) and the expectation of the direction,
/// E [Phi(w) + Phi_i(v) - Phi_i(w_prev)] = Phi(w) + Phi(v) - Phi(w_prev).
struct ForbProbe {
  Vector<double> u, v, w, w_prev;
  Vector<double> phi_w, expected;
};

/// The probe for the finite sum `f` (d unknowns) and the step `eta`.
template <class Sum>
ForbProbe forb_probe(const Sum& f, Index d, double eta, Engine& engine) {
  ForbProbe p;
  p.u = random::normal_vector(engine, d);
  p.v = random::normal_vector(engine, d);
  p.w = random::normal_vector(engine, d);
  p.w_prev = random::normal_vector(engine, d);
  auto phi = [&](const Vector<double>& x) {
    Vector<double> fx(d);
    f.evaluate(x, fx);
    return Vector<double>(eta * fx + x - p.u);
  };
  p.phi_w = phi(p.w);
  p.expected = p.phi_w + phi(p.v) - phi(p.w_prev);
  return p;
}

}  // namespace iterum::test
