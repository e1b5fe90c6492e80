#pragma once

/// @file operator_residual.hpp
/// @brief `OperatorResidual<F>`: the computable certificate of a finite-sum monotone inclusion
/// 0 in F(u) + G(u) (see finite_sum_oracle.hpp), an `iterum::Certificate` for
/// `iterum::Certified`.
///
/// Evaluating F exactly costs n component calls, so the finite-sum facades evaluate it every
/// `certificate_every` epochs (an epoch is n component calls), and those calls are counted apart
/// from the method's (`calls()`, reported as `certificate_calls`), as the papers do when they
/// plot residual against oracle calls. With G = 0 it is ||F(u)||. With a resolvent it is the
/// norm of
///
///   r = (u - u+) / eta + F(u+) - F(u),   u+ = J_{eta G}(u - eta F(u)),
///
/// an element of (F + G)(u+) (u - eta F(u) - u+ is in eta G(u+) by definition of the
/// resolvent), so ||r|| bounds the distance of 0 to (F + G)(u+) and u+ is the point it
/// certifies: the facades return u+ as `x`, which lies in the domain of G (e.g. is feasible).
/// For L-Lipschitz F, ||r|| <= (1/eta + L) ||u - u+|| (Cai, Alacaoglu & Diakonikolas, "Variance
/// reduced Halpern iteration for finite-sum monotone inclusions", ICLR 2024, arXiv 2310.02987,
/// Sec. 2, which uses it as the stopping criterion).

#include <Eigen/Core>
#include <cstdint>

#include "iterum/core/types.hpp"
#include "iterum/fixed_point/finite_sum_oracle.hpp"

namespace iterum::fixed_point {

/// The certificate of the file comment, with its scratch space. `evaluate(f, u)` returns
/// ||r|| and leaves the certified point in `point()`; it costs n component calls when G = 0
/// and 2n with a resolvent, added to `calls()`.
template <class F>
class OperatorResidual {
 public:
  using Scalar = typename F::Scalar;

  OperatorResidual() = default;
  /// `eta` is the forward-backward step (ignored when F has no resolvent).
  OperatorResidual(const F& f, double eta)
      : oracle_(f),
        eta_(static_cast<Scalar>(eta)),
        point_(static_cast<Index>(f.dim())),
        fu_(static_cast<Index>(f.dim())),
        fplus_(detail::HasResolvent<F> ? static_cast<Index>(f.dim()) : Index(0)),
        trial_(detail::HasResolvent<F> ? static_cast<Index>(f.dim()) : Index(0)) {}

  /// The certificate at u; see the file comment.
  double evaluate(const F& f, const Vector<Scalar>& u) {
    oracle_.full(f, u, fu_, calls_);
    if constexpr (detail::HasResolvent<F>) {
      FiniteSumOracle<F>::forward_backward(f, eta_, u, fu_, trial_, point_);
      oracle_.full(f, point_, fplus_, calls_);
      return static_cast<double>(((u - point_) / eta_ + fplus_ - fu_).norm());
    } else {
      point_ = u;
      return static_cast<double>(fu_.norm());
    }
  }

  /// The certified point of the last evaluation: u+ (u itself when G = 0).
  [[nodiscard]] const Vector<Scalar>& point() const noexcept { return point_; }
  /// Component evaluations spent on certificates so far.
  [[nodiscard]] std::int64_t calls() const noexcept { return calls_; }

 private:
  FiniteSumOracle<F> oracle_;
  Scalar eta_ = Scalar(1);
  Vector<Scalar> point_, fu_, fplus_, trial_;
  std::int64_t calls_ = 0;
};

}  // namespace iterum::fixed_point
