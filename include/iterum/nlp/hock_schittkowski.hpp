#pragma once

/// @file hock_schittkowski.hpp
/// @brief Equality-constrained test problems of W. Hock & K. Schittkowski, "Test Examples for
/// Nonlinear Programming Codes", Lecture Notes in Economics and Mathematical Systems 187,
/// Springer 1981 (problems 6, 7, 27, 28, 40, 42, 48, 51), as `EqualityConstrainedProblem` models
/// with analytic derivatives, their standard starting points `x0()`, a solution `x_star()` and
/// the optimal value `f_star()` (as tabulated in research/sketching.md Sec. 6, B1).

#include <Eigen/Core>
#include <cmath>
#include <numbers>

#include "iterum/core/types.hpp"

namespace iterum::nlp::hs {

/// HS6: min (1 - x1)^2 s.t. 10 (x2 - x1^2) = 0; x0 = (-1.2, 1); f* = 0 at (1, 1).
struct Hs6 {
  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] Index constraints() const { return 1; }
  [[nodiscard]] double value(const Vector<double>& x) const { return (1 - x(0)) * (1 - x(0)); }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    g.resize(2);
    g << -2 * (1 - x(0)), 0;
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    c.resize(1);
    c << 10 * (x(1) - x(0) * x(0));
  }
  void jacobian(const Vector<double>& x, Matrix<double>& jac) const {
    jac.resize(1, 2);
    jac << -20 * x(0), 10;
  }
  void lagrangian_hessian(const Vector<double>& /*x*/, const Vector<double>& lambda,
                          Matrix<double>& h) const {
    h.setZero(2, 2);
    h(0, 0) = 2 - 20 * lambda(0);
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>{{-1.2, 1.0}}; }
  [[nodiscard]] static Vector<double> x_star() { return Vector<double>{{1.0, 1.0}}; }
  [[nodiscard]] static double f_star() { return 0.0; }
};

/// HS7: min ln(1 + x1^2) - x2 s.t. (1 + x1^2)^2 + x2^2 - 4 = 0; x0 = (2, 2); f* = -sqrt(3) at
/// (0, sqrt(3)).
struct Hs7 {
  [[nodiscard]] Index dim() const { return 2; }
  [[nodiscard]] Index constraints() const { return 1; }
  [[nodiscard]] double value(const Vector<double>& x) const {
    return std::log(1 + x(0) * x(0)) - x(1);
  }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    g.resize(2);
    g << 2 * x(0) / (1 + x(0) * x(0)), -1;
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    const double a = 1 + x(0) * x(0);
    c.resize(1);
    c << a * a + x(1) * x(1) - 4;
  }
  void jacobian(const Vector<double>& x, Matrix<double>& jac) const {
    jac.resize(1, 2);
    jac << 4 * x(0) * (1 + x(0) * x(0)), 2 * x(1);
  }
  void lagrangian_hessian(const Vector<double>& x, const Vector<double>& lambda,
                          Matrix<double>& h) const {
    const double a = 1 + x(0) * x(0);
    h.setZero(2, 2);
    h(0, 0) = 2 * (1 - x(0) * x(0)) / (a * a) + lambda(0) * (4 + 12 * x(0) * x(0));
    h(1, 1) = 2 * lambda(0);
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>{{2.0, 2.0}}; }
  [[nodiscard]] static Vector<double> x_star() {
    return Vector<double>{{0.0, std::numbers::sqrt3}};
  }
  [[nodiscard]] static double f_star() { return -std::numbers::sqrt3; }
};

/// HS27: min 0.01 (x1 - 1)^2 + (x2 - x1^2)^2 s.t. x1 + x3^2 + 1 = 0; x0 = (2, 2, 2); f* = 0.04
/// at (-1, 1, 0).
struct Hs27 {
  [[nodiscard]] Index dim() const { return 3; }
  [[nodiscard]] Index constraints() const { return 1; }
  [[nodiscard]] double value(const Vector<double>& x) const {
    const double r = x(1) - x(0) * x(0);
    return 0.01 * (x(0) - 1) * (x(0) - 1) + r * r;
  }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    const double r = x(1) - x(0) * x(0);
    g.resize(3);
    g << 0.02 * (x(0) - 1) - 4 * x(0) * r, 2 * r, 0;
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    c.resize(1);
    c << x(0) + x(2) * x(2) + 1;
  }
  void jacobian(const Vector<double>& x, Matrix<double>& jac) const {
    jac.resize(1, 3);
    jac << 1, 0, 2 * x(2);
  }
  void lagrangian_hessian(const Vector<double>& x, const Vector<double>& lambda,
                          Matrix<double>& h) const {
    h.setZero(3, 3);
    h(0, 0) = 0.02 - 4 * x(1) + 12 * x(0) * x(0);
    h(0, 1) = h(1, 0) = -4 * x(0);
    h(1, 1) = 2;
    h(2, 2) = 2 * lambda(0);
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>::Constant(3, 2.0); }
  [[nodiscard]] static Vector<double> x_star() { return Vector<double>{{-1.0, 1.0, 0.0}}; }
  [[nodiscard]] static double f_star() { return 0.04; }
};

/// HS28: min (x1 + x2)^2 + (x2 + x3)^2 s.t. x1 + 2 x2 + 3 x3 - 1 = 0; x0 = (-4, 1, 1); f* = 0
/// at (1/2, -1/2, 1/2).
struct Hs28 {
  [[nodiscard]] Index dim() const { return 3; }
  [[nodiscard]] Index constraints() const { return 1; }
  [[nodiscard]] double value(const Vector<double>& x) const {
    return (x(0) + x(1)) * (x(0) + x(1)) + (x(1) + x(2)) * (x(1) + x(2));
  }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    const double a = 2 * (x(0) + x(1));
    const double b = 2 * (x(1) + x(2));
    g.resize(3);
    g << a, a + b, b;
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    c.resize(1);
    c << x(0) + 2 * x(1) + 3 * x(2) - 1;
  }
  void jacobian(const Vector<double>& /*x*/, Matrix<double>& jac) const {
    jac.resize(1, 3);
    jac << 1, 2, 3;
  }
  void lagrangian_hessian(const Vector<double>& /*x*/, const Vector<double>& /*lambda*/,
                          Matrix<double>& h) const {
    h.resize(3, 3);
    h << 2, 2, 0, 2, 4, 2, 0, 2, 2;
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>{{-4.0, 1.0, 1.0}}; }
  [[nodiscard]] static Vector<double> x_star() { return Vector<double>{{0.5, -0.5, 0.5}}; }
  [[nodiscard]] static double f_star() { return 0.0; }
};

/// HS40: min -x1 x2 x3 x4 s.t. x1^3 + x2^2 - 1 = 0, x1^2 x4 - x3 = 0, x4^2 - x2 = 0;
/// x0 = 0.8 (1, 1, 1, 1); f* = -1/4 at (2^{-1/3}, 2^{-1/2}, 2^{-11/12}, 2^{-1/4}).
struct Hs40 {
  [[nodiscard]] Index dim() const { return 4; }
  [[nodiscard]] Index constraints() const { return 3; }
  [[nodiscard]] double value(const Vector<double>& x) const { return -x(0) * x(1) * x(2) * x(3); }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    g.resize(4);
    g << -x(1) * x(2) * x(3), -x(0) * x(2) * x(3), -x(0) * x(1) * x(3), -x(0) * x(1) * x(2);
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    c.resize(3);
    c << x(0) * x(0) * x(0) + x(1) * x(1) - 1, x(0) * x(0) * x(3) - x(2), x(3) * x(3) - x(1);
  }
  void jacobian(const Vector<double>& x, Matrix<double>& jac) const {
    jac.resize(3, 4);
    jac << 3 * x(0) * x(0), 2 * x(1), 0, 0,   //
        2 * x(0) * x(3), 0, -1, x(0) * x(0),  //
        0, -1, 0, 2 * x(3);
  }
  void lagrangian_hessian(const Vector<double>& x, const Vector<double>& lambda,
                          Matrix<double>& h) const {
    h.setZero(4, 4);
    for (Index i = 0; i < 4; ++i) {
      for (Index j = 0; j < 4; ++j) {
        if (i == j) continue;
        double prod = -1;
        for (Index k = 0; k < 4; ++k) {
          if (k != i && k != j) prod *= x(k);
        }
        h(i, j) = prod;
      }
    }
    h(0, 0) += lambda(0) * 6 * x(0);
    h(1, 1) += lambda(0) * 2;
    h(0, 0) += lambda(1) * 2 * x(3);
    h(0, 3) += lambda(1) * 2 * x(0);
    h(3, 0) += lambda(1) * 2 * x(0);
    h(3, 3) += lambda(2) * 2;
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>::Constant(4, 0.8); }
  [[nodiscard]] static Vector<double> x_star() {
    return Vector<double>{{std::pow(2.0, -1.0 / 3), std::pow(2.0, -0.5), std::pow(2.0, -11.0 / 12),
                           std::pow(2.0, -0.25)}};
  }
  [[nodiscard]] static double f_star() { return -0.25; }
};

/// HS42: min sum_i (x_i - i)^2 s.t. x1 - 2 = 0, x3^2 + x4^2 - 2 = 0; x0 = (1, 1, 1, 1);
/// f* = 28 - 10 sqrt(2) at (2, 2, 0.6 sqrt(2), 0.8 sqrt(2)).
struct Hs42 {
  [[nodiscard]] Index dim() const { return 4; }
  [[nodiscard]] Index constraints() const { return 2; }
  [[nodiscard]] double value(const Vector<double>& x) const {
    double f = 0;
    for (Index i = 0; i < 4; ++i) f += (x(i) - double(i + 1)) * (x(i) - double(i + 1));
    return f;
  }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    g.resize(4);
    for (Index i = 0; i < 4; ++i) g(i) = 2 * (x(i) - double(i + 1));
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    c.resize(2);
    c << x(0) - 2, x(2) * x(2) + x(3) * x(3) - 2;
  }
  void jacobian(const Vector<double>& x, Matrix<double>& jac) const {
    jac.resize(2, 4);
    jac << 1, 0, 0, 0, 0, 0, 2 * x(2), 2 * x(3);
  }
  void lagrangian_hessian(const Vector<double>& /*x*/, const Vector<double>& lambda,
                          Matrix<double>& h) const {
    h = 2 * Matrix<double>::Identity(4, 4);
    h(2, 2) += 2 * lambda(1);
    h(3, 3) += 2 * lambda(1);
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>::Ones(4); }
  [[nodiscard]] static Vector<double> x_star() {
    return Vector<double>{{2.0, 2.0, 0.6 * std::numbers::sqrt2, 0.8 * std::numbers::sqrt2}};
  }
  [[nodiscard]] static double f_star() { return 28 - 10 * std::numbers::sqrt2; }
};

/// HS48: min (x1 - 1)^2 + (x2 - x3)^2 + (x4 - x5)^2 s.t. x1 + ... + x5 - 5 = 0,
/// x3 - 2 (x4 + x5) + 3 = 0; x0 = (3, 5, -3, 2, -2); f* = 0 at (1, ..., 1).
struct Hs48 {
  [[nodiscard]] Index dim() const { return 5; }
  [[nodiscard]] Index constraints() const { return 2; }
  [[nodiscard]] double value(const Vector<double>& x) const {
    return (x(0) - 1) * (x(0) - 1) + (x(1) - x(2)) * (x(1) - x(2)) + (x(3) - x(4)) * (x(3) - x(4));
  }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    g.resize(5);
    g << 2 * (x(0) - 1), 2 * (x(1) - x(2)), -2 * (x(1) - x(2)), 2 * (x(3) - x(4)),
        -2 * (x(3) - x(4));
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    c.resize(2);
    c << x.sum() - 5, x(2) - 2 * (x(3) + x(4)) + 3;
  }
  void jacobian(const Vector<double>& /*x*/, Matrix<double>& jac) const {
    jac.resize(2, 5);
    jac << 1, 1, 1, 1, 1, 0, 0, 1, -2, -2;
  }
  void lagrangian_hessian(const Vector<double>& /*x*/, const Vector<double>& /*lambda*/,
                          Matrix<double>& h) const {
    h.setZero(5, 5);
    h(0, 0) = 2;
    h(1, 1) = h(2, 2) = h(3, 3) = h(4, 4) = 2;
    h(1, 2) = h(2, 1) = h(3, 4) = h(4, 3) = -2;
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>{{3.0, 5.0, -3.0, 2.0, -2.0}}; }
  [[nodiscard]] static Vector<double> x_star() { return Vector<double>::Ones(5); }
  [[nodiscard]] static double f_star() { return 0.0; }
};

/// HS51: min (x1 - x2)^2 + (x2 + x3 - 2)^2 + (x4 - 1)^2 + (x5 - 1)^2 s.t. x1 + 3 x2 - 4 = 0,
/// x3 + x4 - 2 x5 = 0, x2 - x5 = 0; x0 = (2.5, 0.5, 2, -1, 0.5); f* = 0 at (1, ..., 1).
struct Hs51 {
  [[nodiscard]] Index dim() const { return 5; }
  [[nodiscard]] Index constraints() const { return 3; }
  [[nodiscard]] double value(const Vector<double>& x) const {
    return (x(0) - x(1)) * (x(0) - x(1)) + (x(1) + x(2) - 2) * (x(1) + x(2) - 2) +
           (x(3) - 1) * (x(3) - 1) + (x(4) - 1) * (x(4) - 1);
  }
  void gradient(const Vector<double>& x, Vector<double>& g) const {
    const double a = 2 * (x(0) - x(1));
    const double b = 2 * (x(1) + x(2) - 2);
    g.resize(5);
    g << a, -a + b, b, 2 * (x(3) - 1), 2 * (x(4) - 1);
  }
  void constraint(const Vector<double>& x, Vector<double>& c) const {
    c.resize(3);
    c << x(0) + 3 * x(1) - 4, x(2) + x(3) - 2 * x(4), x(1) - x(4);
  }
  void jacobian(const Vector<double>& /*x*/, Matrix<double>& jac) const {
    jac.resize(3, 5);
    jac << 1, 3, 0, 0, 0, 0, 0, 1, 1, -2, 0, 1, 0, 0, -1;
  }
  void lagrangian_hessian(const Vector<double>& /*x*/, const Vector<double>& /*lambda*/,
                          Matrix<double>& h) const {
    h.setZero(5, 5);
    h(0, 0) = 2;
    h(0, 1) = h(1, 0) = -2;
    h(1, 1) = 4;
    h(1, 2) = h(2, 1) = 2;
    h(2, 2) = 2;
    h(3, 3) = h(4, 4) = 2;
  }
  [[nodiscard]] static Vector<double> x0() { return Vector<double>{{2.5, 0.5, 2.0, -1.0, 0.5}}; }
  [[nodiscard]] static Vector<double> x_star() { return Vector<double>::Ones(5); }
  [[nodiscard]] static double f_star() { return 0.0; }
};

}  // namespace iterum::nlp::hs
