#pragma once

/// @file finite_sum_oracle.hpp
/// @brief `FiniteSumOracle<F>`: counted access to a `FiniteSum` (component, scaled
/// accumulation, full evaluation, resolvent), with the fallbacks for the optional members, so
/// that every finite-sum method counts its component evaluations the same way.
///
/// Problem: find u with 0 in F(u) + G(u), F = (1/n) sum_i F_i monotone (or cocoercive), G
/// maximal monotone with an easy resolvent J_{eta G} = (I + eta G)^{-1} (a projection onto a
/// constraint set, a proximal map), or G = 0. F is a `FiniteSum` (`Scalar`, `size()`, `dim()`,
/// `component(i, x, out)`); optional members `evaluate(x, out)` (F itself, faster than n
/// components), `add_component(i, x, scale, acc)` and `resolvent(eta, v, out)` (G).

#include <Eigen/Core>
#include <cstdint>

#include "iterum/core/types.hpp"

namespace iterum::fixed_point {
namespace detail {

template <class F>
concept HasFullEvaluation = requires(const F& f, const Vector<typename F::Scalar>& x,
                                     Vector<typename F::Scalar>& out) {
  f.evaluate(x, out);
};

template <class F>
concept HasAddComponent = requires(const F& f, Index i, const Vector<typename F::Scalar>& x,
                                   typename F::Scalar scale, Vector<typename F::Scalar>& acc) {
  f.add_component(i, x, scale, acc);
};

template <class F>
concept HasResolvent = requires(const F& f, typename F::Scalar eta,
                                const Vector<typename F::Scalar>& v,
                                Vector<typename F::Scalar>& out) {
  f.resolvent(eta, v, out);
};

}  // namespace detail

/// Counted access to a finite sum: every component evaluation adds one to `calls`, a full
/// evaluation n. Holds the scratch vector the fallbacks need, so nothing allocates after
/// construction (one oracle must not be used from two threads at once).
template <class F>
class FiniteSumOracle {
 public:
  using Scalar = typename F::Scalar;

  FiniteSumOracle() = default;
  explicit FiniteSumOracle(const F& f)
      : n_(static_cast<Index>(f.size())), scratch_(static_cast<Index>(f.dim())) {}

  /// n, the number of components.
  [[nodiscard]] Index size() const noexcept { return n_; }

  /// out = F_i(x).
  void component(const F& f, Index i, const Vector<Scalar>& x, Vector<Scalar>& out,
                 std::int64_t& calls) const {
    f.component(i, x, out);
    ++calls;
  }

  /// acc += scale * F_i(x).
  void add_component(const F& f, Index i, const Vector<Scalar>& x, Scalar scale,
                     Vector<Scalar>& acc, std::int64_t& calls) const {
    if constexpr (detail::HasAddComponent<F>) {
      f.add_component(i, x, scale, acc);
    } else {
      f.component(i, x, scratch_);
      acc += scale * scratch_;
    }
    ++calls;
  }

  /// out = F(x) = (1/n) sum_i F_i(x): n calls.
  void full(const F& f, const Vector<Scalar>& x, Vector<Scalar>& out, std::int64_t& calls) const {
    if constexpr (detail::HasFullEvaluation<F>) {
      f.evaluate(x, out);
    } else {
      out.setZero();
      const Scalar weight = Scalar(1) / static_cast<Scalar>(n_);
      std::int64_t ignored = 0;
      for (Index i = 0; i < n_; ++i) add_component(f, i, x, weight, out, ignored);
    }
    calls += n_;
  }

  /// out = J_{eta G}(v); the identity when F has no resolvent (G = 0). Not an oracle call.
  static void resolvent(const F& f, Scalar eta, const Vector<Scalar>& v, Vector<Scalar>& out) {
    if constexpr (detail::HasResolvent<F>) {
      f.resolvent(eta, v, out);
    } else {
      out = v;
    }
  }

  /// out = J_{eta G}(base - eta direction), through the scratch vector `trial`. Not an oracle
  /// call.
  static void forward_backward(const F& f, Scalar eta, const Vector<Scalar>& base,
                               const Vector<Scalar>& direction, Vector<Scalar>& trial,
                               Vector<Scalar>& out) {
    trial = base - eta * direction;
    resolvent(f, eta, trial, out);
  }

 private:
  Index n_ = 0;
  mutable Vector<Scalar> scratch_;
};

}  // namespace iterum::fixed_point
