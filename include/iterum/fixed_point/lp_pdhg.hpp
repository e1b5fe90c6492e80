#pragma once

/// @file lp_pdhg.hpp
/// @brief `LpPdhg`: the primal-dual hybrid gradient map of a standard-form linear program, with
/// PDLP's relative KKT error as its certificate and a primal weight (`LpPdhgParams`).

#include <Eigen/Core>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// The settings of `LpPdhg` (`LpPdhg<S>::Params`).
struct LpPdhgParams {
  /// s ||A||_2, in (0, 1): the steps satisfy tau sigma ||A||_2^2 = step_fraction^2 < 1.
  double step_fraction = 0.9;
  /// The primal weight w > 0: tau = s / w, sigma = s w (PDLP, arXiv 2106.04756, Sec. 3.3).
  /// Larger w means smaller primal and larger dual steps; 1 means tau = sigma.
  double primal_weight = 1.0;

  /// Throws `iterum::invalid_argument` naming `function` for a step fraction outside (0, 1) or a
  /// primal weight that is not positive and finite.
  void validate(std::string_view function = "iterum::fixed_point::LpPdhgParams::validate") const {
    check::in_range(function, "step_fraction", step_fraction, 0.0, 1.0, check::Bound::Open,
                    check::Bound::Open);
    check::positive(function, "primal_weight", primal_weight);
    check::finite(function, "primal_weight", primal_weight);
  }
};

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
///
/// Steps: tau = s / w and sigma = s w with s = step_fraction / ||A||_2 and w the primal weight
/// (PDLP: Applegate et al., NeurIPS 2021, arXiv 2106.04756, Sec. 3.3, tau = eta / omega,
/// sigma = eta omega). The product tau sigma = s^2 does not depend on w, so the map is firmly
/// nonexpansive for every w (in the M-norm above) with the same fixed points; w only balances
/// the primal and dual progress. w = 1 (the default) is tau = sigma. PDLP adapts w during the
/// solve; here it is a fixed scalar, which `tuning::` tuners can choose over a sequence of LPs
/// (docs/fixed_point.md#primal-weight).
template <class S>
class LpPdhg {
 public:
  using Scalar = S;
  using Params = LpPdhgParams;
  /// Throws `iterum::invalid_argument` for an empty A, size mismatches, non-finite data, A = 0,
  /// a step fraction outside (0, 1), or a primal weight that is not positive and finite.
  LpPdhg(Matrix<Scalar> a, Vector<Scalar> b, Vector<Scalar> c, Params params = {})
      : a_(std::move(a)), b_(std::move(b)), c_(std::move(c)), params_(params) {
    constexpr std::string_view function = "iterum::fixed_point::LpPdhg";
    check::not_empty(function, "A", a_.size());
    check::size(function, "b", b_.size(), a_.rows(), "must have as many entries as A has rows");
    check::size(function, "c", c_.size(), a_.cols(), "must have as many entries as A has columns");
    check::all_finite(function, "A", a_);
    check::all_finite(function, "b", b_);
    check::all_finite(function, "c", c_);
    params.validate(function);
    const Scalar norm = Eigen::JacobiSVD<Matrix<Scalar>>(a_).singularValues()[0];
    check::positive(function, "A", static_cast<double>(norm));
    const Scalar s = static_cast<Scalar>(params.step_fraction) / norm;
    const auto w = static_cast<Scalar>(params.primal_weight);
    tau_ = s / w;  // w = 1: exactly s, the steps of the unweighted map
    sigma_ = s * w;
    b_norm_ = b_.stableNorm();  // no overflow for data near 1e200 (squares would)
    c_norm_ = c_.stableNorm();
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
    /// A NaN part makes the error NaN (never a smaller one: std::max would drop it).
    [[nodiscard]] double error() const noexcept {
      if (std::isnan(primal) || std::isnan(dual) || std::isnan(gap)) {
        return std::numeric_limits<double>::quiet_NaN();
      }
      return std::max({primal, dual, gap});
    }
  };
  [[nodiscard]] Index dim() const noexcept { return a_.cols() + a_.rows(); }
  [[nodiscard]] Index primal_size() const noexcept { return a_.cols(); }
  /// The primal step tau = s / w.
  [[nodiscard]] Scalar tau() const noexcept { return tau_; }
  /// The dual step sigma = s w.
  [[nodiscard]] Scalar sigma() const noexcept { return sigma_; }
  /// The settings the map was built with.
  [[nodiscard]] const Params& params() const noexcept { return params_; }

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
    out.primal = static_cast<double>(r_.stableNorm()) / (1.0 + static_cast<double>(b_norm_));
    out.dual = static_cast<double>(w_.stableNorm()) / (1.0 + static_cast<double>(c_norm_));
    // |p - d| / (1 + |p| + |d|) lies in [0, 1]; an objective that overflowed (data near 1e200
    // and a dual far off) gives inf / inf: the gap is then 1, its largest value.
    out.gap = std::isfinite(primal_objective) && std::isfinite(dual_objective)
                  ? std::abs(primal_objective - dual_objective) /
                        (1.0 + std::abs(primal_objective) + std::abs(dual_objective))
                  : 1.0;
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
  Params params_{};
  Scalar tau_{};
  Scalar sigma_{};
  Scalar b_norm_{};
  Scalar c_norm_{};
  mutable Vector<Scalar> x_;
  mutable Vector<Scalar> w_;
  mutable Vector<Scalar> r_;
};

}  // namespace iterum::fixed_point
