#pragma once

/// @file extragradient_method.hpp
/// @brief `ExtragradientMethod<F>`: Korpelevich's extragradient (EG) for a finite-sum monotone
/// inclusion 0 in F(u) + G(u) (finite_sum_oracle.hpp): G. M. Korpelevich, "The extragradient
/// method for finding saddle points and other problems", Ekonomika i Mat. Metody 12 (1976)
/// 747-756, with the projections replaced by the resolvent J = J_{tau G}:
///
///   u_{k+1/2} = J(u_k - tau F(u_k)),   u_{k+1} = J(u_k - tau F(u_{k+1/2})),          (EG)
///
/// convergent for monotone L-Lipschitz F and 0 < tau < 1/L (ibid.). Cost: two full
/// evaluations, 2n component calls, per iteration. `ExtragradientState` is also the work space
/// of `AnchoredExtragradientMethod`.

#include <Eigen/Core>

#include "iterum/core/result.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/finite_sum_oracle.hpp"

namespace iterum::fixed_point {

/// The vectors every extragradient step needs: the iterate, the half step, F at the first and
/// second points, a resolvent input, the counted oracle and the counters.
template <class F>
struct ExtragradientState {
  using Scalar = typename F::Scalar;
  Vector<Scalar> z;         ///< u_k
  Vector<Scalar> half;      ///< u_{k+1/2}
  Vector<Scalar> f_first;   ///< F at the first point
  Vector<Scalar> f_second;  ///< F(u_{k+1/2})
  Vector<Scalar> trial;     ///< resolvent input
  FiniteSumOracle<F> oracle;
  Counters counters{};

  ExtragradientState() = default;
  ExtragradientState(const F& f, const Vector<Scalar>& z0)
      : z(z0),
        half(z0.size()),
        f_first(z0.size()),
        f_second(z0.size()),
        trial(z0.size()),
        oracle(f) {}

  /// One extragradient step from `base` (which may be `z`) with step eta:
  /// z <- J(base - eta F(J(base - eta F(z)))).
  void step(const F& f, Scalar eta, const Vector<Scalar>& base) {
    oracle.full(f, z, f_first, counters.oracle_calls);
    FiniteSumOracle<F>::forward_backward(f, eta, base, f_first, trial, half);
    oracle.full(f, half, f_second, counters.oracle_calls);
    FiniteSumOracle<F>::forward_backward(f, eta, base, f_second, trial, z);
  }
};

/// Korpelevich's extragradient (EG) with resolvents, an `Inner` method for `Certified`.
template <class F>
class ExtragradientMethod {
 public:
  using Scalar = typename F::Scalar;
  using State = ExtragradientState<F>;

  /// The method's settings.
  struct Params {
    double step = 1.0;  ///< tau (0 < tau < 1/L for the guarantee)
  };

  explicit ExtragradientMethod(Params params = {}) : tau_(static_cast<Scalar>(params.step)) {}

  /// Starts from 0.
  [[nodiscard]] State init(const F& f) const { return init(f, Vector<Scalar>::Zero(f.dim())); }
  /// Starts from `z0` (`f.dim()` entries); no oracle call.
  [[nodiscard]] State init(const F& f, const Vector<Scalar>& z0) const { return State(f, z0); }

  /// One step of (EG): 2n component calls, no allocation.
  void step(const F& f, State& s) const { s.step(f, tau_, s.z); }

  /// The iterate u_k.
  [[nodiscard]] const Vector<Scalar>& iterate(const State& s) const noexcept { return s.z; }
  [[nodiscard]] double step_size() const noexcept { return static_cast<double>(tau_); }

 private:
  Scalar tau_;
};

}  // namespace iterum::fixed_point
