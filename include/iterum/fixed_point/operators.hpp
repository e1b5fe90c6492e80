#pragma once

/// @file operators.hpp
/// @brief Building blocks for fixed-point problems, each a `FixedPointMap`: a map from a
/// callable (`make_map`), the proximal map of a function (`proximal_map`), the resolvent of a
/// monotone matrix (`LinearResolvent`), the reflection 2T - I (`Reflection`), forward-backward
/// (`ForwardBackward`), Douglas-Rachford (`DouglasRachford`) and PDHG for a standard-form LP
/// (`LpPdhg`). The proximal operators they are usually built from live in iterum/prox/.
///
/// A proximal operator here is any callable `prox(v, out)` that sets `out = prox_{gamma g}(v)`
/// for a step gamma the caller built into it (e.g. `prox::SoftThreshold<double>{gamma *
/// lambda}`). Maps that need scratch space keep it as a member, sized at construction, so
/// `apply` never allocates; such a map must not be applied from two threads at once.

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/prox/box.hpp"
#include "iterum/prox/least_squares.hpp"
#include "iterum/prox/soft_threshold.hpp"

namespace iterum::fixed_point {

/// A `FixedPointMap` whose action is a callable `f(x, tx)` (tx sized `dim`).
template <class S, class F>
class CallableMap {
 public:
  using Scalar = S;
  CallableMap(Index dim, F f) : dim_(dim), f_(std::move(f)) {
    check::not_empty("iterum::fixed_point::make_map", "dim", dim);
  }
  [[nodiscard]] Index dim() const noexcept { return dim_; }
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const { f_(x, tx); }

 private:
  Index dim_;
  F f_;
};

/// `CallableMap<Scalar, F>(dim, f)`: T x computed by `f(x, tx)`. T must be nonexpansive for
/// Halpern's guarantees.
template <class Scalar, class F>
[[nodiscard]] CallableMap<Scalar, F> make_map(Index dim, F f) {
  return CallableMap<Scalar, F>(dim, std::move(f));
}


/// T = prox_{gamma g} for a callable `prox(v, out)`: firmly nonexpansive for a proper closed
/// convex g; its fixed points are the minimizers of g (for an indicator: the set).
template <class Scalar, class Prox>
[[nodiscard]] CallableMap<Scalar, Prox> proximal_map(Index dim, Prox prox) {
  return CallableMap<Scalar, Prox>(dim, std::move(prox));
}

/// The resolvent J = (I + eta A)^{-1} of a monotone linear operator A (x^T A x >= 0 for all
/// x; A need not be symmetric, e.g. the skew matrix of a bilinear game). J is firmly
/// nonexpansive and its fixed points are the zeros of A (its null space). Factorized once
/// (partial-pivoting LU of I + eta A).
template <class S>
class LinearResolvent {
 public:
  using Scalar = S;
  LinearResolvent(const Matrix<Scalar>& a, Scalar eta) {
    constexpr std::string_view function = "iterum::fixed_point::LinearResolvent";
    check::not_empty(function, "A", a.size());
    check::square(function, "A", a.rows(), a.cols());
    check::all_finite(function, "A", a);
    check::positive(function, "eta", static_cast<double>(eta));
    check::finite(function, "eta", static_cast<double>(eta));
    // Monotone means the symmetric part is positive semidefinite; check its smallest
    // eigenvalue against round-off.
    const Matrix<Scalar> sym = (a + a.transpose()) / Scalar(2);
    const Scalar lowest = Eigen::SelfAdjointEigenSolver<Matrix<Scalar>>(sym, Eigen::EigenvaluesOnly)
                              .eigenvalues()
                              .minCoeff();
    const Scalar slack = Scalar(1e-12) * (Scalar(1) + sym.norm());
    if (!(lowest >= -slack)) {
      check::fail(function, "A", "must be monotone (A + A^T positive semidefinite)",
                  "smallest eigenvalue of (A + A^T)/2 " +
                      iterum::detail::format_number(static_cast<double>(lowest)));
    }
    Matrix<Scalar> m = eta * a;
    m.diagonal().array() += Scalar(1);
    lu_.compute(m);
  }
  [[nodiscard]] Index dim() const noexcept { return lu_.rows(); }
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const { tx.noalias() = lu_.solve(x); }

 private:
  Eigen::PartialPivLU<Matrix<Scalar>> lu_;
};

/// R = 2T - I for a firmly nonexpansive T (then R is nonexpansive, with T's fixed points).
template <FixedPointMap Map>
class Reflection {
 public:
  using Scalar = typename Map::Scalar;
  explicit Reflection(Map map) : map_(std::move(map)) {}
  [[nodiscard]] Index dim() const noexcept { return static_cast<Index>(map_.dim()); }
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const {
    map_.apply(x, tx);
    tx = Scalar(2) * tx - x;
  }
  [[nodiscard]] const Map& inner() const noexcept { return map_; }

 private:
  Map map_;
};

/// Forward-backward: T x = prox_{gamma g}(x - gamma grad f(x)), for f convex with an
/// L-Lipschitz gradient and g proper closed convex; its fixed points minimize f + g.
/// For gamma in (0, 2/L), T is averaged, hence nonexpansive (Bauschke & Combettes, "Convex
/// Analysis and Monotone Operator Theory in Hilbert Spaces", 2nd ed., Prop. 26.1(iv)); when the
/// caller gives L, a step outside that range throws. `grad(x, g)` sets g = grad f(x);
/// `prox(v, out)` must be prox_{gamma g} for the same gamma.
template <class S, class Grad, class Prox>
class ForwardBackward {
 public:
  using Scalar = S;
  ForwardBackward(Index dim, Grad grad, Prox prox, Scalar gamma,
                  std::optional<Scalar> lipschitz = std::nullopt)
      : grad_(std::move(grad)), prox_(std::move(prox)), gamma_(gamma), work_(dim) {
    constexpr std::string_view function = "iterum::fixed_point::ForwardBackward";
    check::not_empty(function, "dim", dim);
    check::positive(function, "gamma", static_cast<double>(gamma));
    check::finite(function, "gamma", static_cast<double>(gamma));
    if (lipschitz) {
      check::positive(function, "lipschitz", static_cast<double>(*lipschitz));
      check::finite(function, "lipschitz", static_cast<double>(*lipschitz));
      check::in_range(function, "gamma", static_cast<double>(gamma), 0.0,
                      2.0 / static_cast<double>(*lipschitz), check::Bound::Open,
                      check::Bound::Open);
    }
  }
  [[nodiscard]] Index dim() const noexcept { return work_.size(); }
  void apply(const Vector<Scalar>& x, Vector<Scalar>& tx) const {
    grad_(x, work_);
    work_ = x - gamma_ * work_;
    prox_(work_, tx);
  }
  [[nodiscard]] Scalar gamma() const noexcept { return gamma_; }

 private:
  Grad grad_;
  Prox prox_;
  Scalar gamma_;
  mutable Vector<Scalar> work_;
};

/// Douglas-Rachford splitting for min f(x) + g(x) (Lions & Mercier, SIAM J. Numer. Anal. 16
/// (1979); Eckstein & Bertsekas, Math. Program. 55 (1992)), as the map on the governing
/// sequence z:
///
///   T z = z + prox_{gamma g}(2 x - z) - x,   x = prox_{gamma f}(z),
///
/// i.e. T = (I + R_g R_f) / 2 with R = 2 prox - I. T is firmly nonexpansive, so Halpern with
/// `reflect = true` runs on R_g R_f (Peaceman-Rachford). At a fixed point z*, x* =
/// prox_{gamma f}(z*) (`shadow`) minimizes f + g. `prox_f` and `prox_g` are callables
/// `prox(v, out)` for prox_{gamma f} and prox_{gamma g}.
template <class S, class ProxF, class ProxG>
class DouglasRachford {
 public:
  using Scalar = S;
  DouglasRachford(Index dim, ProxF prox_f, ProxG prox_g)
      : prox_f_(std::move(prox_f)), prox_g_(std::move(prox_g)), x_(dim), y_(dim) {
    check::not_empty("iterum::fixed_point::DouglasRachford", "dim", dim);
  }
  [[nodiscard]] Index dim() const noexcept { return x_.size(); }
  void apply(const Vector<Scalar>& z, Vector<Scalar>& tz) const {
    prox_f_(z, x_);
    y_ = Scalar(2) * x_ - z;
    prox_g_(y_, tz);
    tz += z - x_;
  }
  /// x = prox_{gamma f}(z): the primal point a governing iterate z stands for.
  void shadow(const Vector<Scalar>& z, Vector<Scalar>& x) const { prox_f_(z, x); }

 private:
  ProxF prox_f_;
  ProxG prox_g_;
  mutable Vector<Scalar> x_;
  mutable Vector<Scalar> y_;
};

/// `DouglasRachford<Scalar, ProxF, ProxG>(dim, prox_f, prox_g)`.
template <class Scalar, class ProxF, class ProxG>
[[nodiscard]] DouglasRachford<Scalar, ProxF, ProxG> douglas_rachford(Index dim, ProxF prox_f,
                                                                     ProxG prox_g) {
  return DouglasRachford<Scalar, ProxF, ProxG>(dim, std::move(prox_f), std::move(prox_g));
}

/// The primal-dual hybrid gradient (PDHG) map of the standard-form linear program
/// min c^T x subject to A x = b, x >= 0, on z = (x, y) (x: n primal entries, then y: m dual):
///
///   x+ = max(0, x - tau (c - A^T y)),   y+ = y + sigma (b - A (2 x+ - x))
///
/// (Chambolle & Pock, J. Math. Imaging Vis. 40 (2011), Alg. 1 on the Lagrangian
/// c^T x - y^T (A x - b); the LP form of PDLP, Applegate et al., arXiv 2106.04756).
/// For tau sigma ||A||_2^2 < 1 (checked) it is firmly nonexpansive in the norm of
/// M = [I/tau, A^T; A, I/sigma], so Halpern runs on it (the iteration does not depend on the
/// norm; the bound of (H) holds in the M-norm). Its fixed points are the primal-dual optimal
/// pairs. When the LP is infeasible or unbounded there is no fixed point and z - T z tends to a
/// nonzero vector (the minimal displacement; Park & Ryu, arXiv 2303.15876), which certifies it.
///
/// Optimality certificate (`kkt`, and `certificate` for `halpern`'s `HalpernCertificate::Map`):
/// the relative KKT error of PDLP (Applegate et al., "Practical large-scale linear programming
/// using primal-dual hybrid gradient", NeurIPS 2021, arXiv 2106.04756, the relative optimality
/// termination criteria with eps_abs = eps_rel) of z = (x, y), at x+ = max(x, 0):
///
///   primal  ||A x+ - b|| / (1 + ||b||),
///   dual    ||min(0, c - A^T y)|| / (1 + ||c||),
///   gap     |c^T x+ - b^T y| / (1 + |c^T x+| + |b^T y|),
///
/// combined as their maximum, so `kkt(z).error() <= eps` is exactly PDLP's test that all three
/// are at most eps (cuPDLPx tests the same three quantities, in the same l2 norms, on its
/// scaled problem). It costs two products with A (one with A^T).
template <class S>
class LpPdhg {
 public:
  using Scalar = S;
  /// Steps tau = sigma = step_fraction / ||A||_2, step_fraction in (0, 1).
  LpPdhg(Matrix<Scalar> a, Vector<Scalar> b, Vector<Scalar> c, Scalar step_fraction = Scalar(0.9))
      : a_(std::move(a)), b_(std::move(b)), c_(std::move(c)) {
    constexpr std::string_view function = "iterum::fixed_point::LpPdhg";
    check::not_empty(function, "A", a_.size());
    check::size(function, "b", b_.size(), a_.rows(), "must have as many entries as A has rows");
    check::size(function, "c", c_.size(), a_.cols(), "must have as many entries as A has columns");
    check::all_finite(function, "A", a_);
    check::all_finite(function, "b", b_);
    check::all_finite(function, "c", c_);
    check::in_range(function, "step_fraction", static_cast<double>(step_fraction), 0.0, 1.0,
                    check::Bound::Open, check::Bound::Open);
    const Scalar norm = Eigen::JacobiSVD<Matrix<Scalar>>(a_).singularValues()[0];
    check::positive(function, "A", static_cast<double>(norm));
    tau_ = sigma_ = step_fraction / norm;
    b_norm_ = b_.norm();
    c_norm_ = c_.norm();
    x_.resize(a_.cols());
    w_.resize(a_.cols());
    r_.resize(a_.rows());
  }

  /// The three relative KKT errors of a point and their maximum.
  struct Kkt {
    double primal = 0.0;  ///< ||A x+ - b|| / (1 + ||b||)
    double dual = 0.0;    ///< ||min(0, c - A^T y)|| / (1 + ||c||)
    double gap = 0.0;     ///< |c^T x+ - b^T y| / (1 + |c^T x+| + |b^T y|)
    /// max(primal, dual, gap): PDLP's relative optimality test passes at eps iff error <= eps.
    [[nodiscard]] double error() const noexcept { return std::max({primal, dual, gap}); }
  };
  [[nodiscard]] Index dim() const noexcept { return a_.cols() + a_.rows(); }
  [[nodiscard]] Index primal_size() const noexcept { return a_.cols(); }
  [[nodiscard]] Scalar tau() const noexcept { return tau_; }
  [[nodiscard]] Scalar sigma() const noexcept { return sigma_; }

  void apply(const Vector<Scalar>& z, Vector<Scalar>& tz) const {
    const Index n = a_.cols();
    const Index m = a_.rows();
    w_.noalias() = a_.transpose() * z.tail(m);
    x_ = (z.head(n) - tau_ * (c_ - w_)).cwiseMax(Scalar(0));
    tz.head(n) = x_;
    w_ = Scalar(2) * x_ - z.head(n);
    r_.noalias() = a_ * w_;
    tz.tail(m) = z.tail(m) + sigma_ * (b_ - r_);
  }

  /// The relative KKT errors of z = (x, y) at x+ = max(x, 0) (see the class comment); uses the
  /// map's scratch space, so it does not allocate.
  [[nodiscard]] Kkt kkt(const Vector<Scalar>& z) const {
    check::size("iterum::fixed_point::LpPdhg::kkt", "z", z.size(), dim(),
                "must have n + m entries");
    const Index n = a_.cols();
    const Index m = a_.rows();
    x_ = z.head(n).cwiseMax(Scalar(0));
    r_.noalias() = a_ * x_;
    r_ -= b_;
    w_.noalias() = a_.transpose() * z.tail(m);
    w_ = (c_ - w_).cwiseMin(Scalar(0));
    const auto primal_objective = static_cast<double>(c_.dot(x_));
    const auto dual_objective = static_cast<double>(b_.dot(z.tail(m)));
    Kkt out;
    out.primal = static_cast<double>(r_.norm()) / (1.0 + static_cast<double>(b_norm_));
    out.dual = static_cast<double>(w_.norm()) / (1.0 + static_cast<double>(c_norm_));
    out.gap = std::abs(primal_objective - dual_objective) /
              (1.0 + std::abs(primal_objective) + std::abs(dual_objective));
    return out;
  }

  /// `kkt(z).error()`: makes LpPdhg a `CertifiedFixedPointMap` (T z is not needed).
  [[nodiscard]] double certificate(const Vector<Scalar>& z, const Vector<Scalar>& /*tz*/) const {
    return kkt(z).error();
  }

  /// The primal point max(x, 0) of z = (x, y) (the point `kkt` certifies).
  [[nodiscard]] Vector<Scalar> primal(const Vector<Scalar>& z) const {
    return z.head(a_.cols()).cwiseMax(Scalar(0));
  }
  /// The dual point y of z = (x, y).
  [[nodiscard]] Vector<Scalar> dual(const Vector<Scalar>& z) const { return z.tail(a_.rows()); }

 private:
  Matrix<Scalar> a_;
  Vector<Scalar> b_;
  Vector<Scalar> c_;
  Scalar tau_{};
  Scalar sigma_{};
  Scalar b_norm_{};
  Scalar c_norm_{};
  mutable Vector<Scalar> x_;
  mutable Vector<Scalar> w_;
  mutable Vector<Scalar> r_;
};

}  // namespace iterum::fixed_point
