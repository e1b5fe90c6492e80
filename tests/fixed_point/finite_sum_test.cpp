#include "iterum/fixed_point/finite_sum_oracle.hpp"
#include "iterum/fixed_point/operator_residual.hpp"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "iterum/core/certified.hpp"
#include "iterum/core/concepts.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/fixed_point/extragradient.hpp"
#include "iterum/fixed_point/least_squares_sum.hpp"
#include "iterum/fixed_point/matrix_game.hpp"
#include "iterum/fixed_point/vr_halpern.hpp"
#include "iterum/prox/simplex.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::fixed_point::LeastSquaresSum;
using iterum::fixed_point::MatrixGame;
using iterum::fixed_point::OperatorResidual;
using iterum::test::invalid_argument_message;

namespace {

/// theta with sum_i max(v_i - theta, 0) = radius, by bisection (the sum is continuous and
/// decreasing in theta): an independent route to the simplex projection max(v - theta, 0).
double bisection_threshold(const Eigen::VectorXd& v, double radius) {
  double lo = v.minCoeff() - radius;  // sum >= radius here
  double hi = v.maxCoeff();           // sum = 0 here
  for (int k = 0; k < 200; ++k) {
    const double mid = 0.5 * (lo + hi);
    if ((v.array() - mid).cwiseMax(0.0).sum() > radius) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

/// Only the required member: every optional path of the oracle takes its fallback.
struct ComponentsOnly {
  using Scalar = double;
  const LeastSquaresSum<double>* inner;
  [[nodiscard]] Index size() const { return inner->size(); }
  [[nodiscard]] Index dim() const { return inner->dim(); }
  void component(Index i, const Eigen::VectorXd& x, Eigen::VectorXd& out) const {
    inner->component(i, x, out);
  }
};

LeastSquaresSum<double> small_least_squares(std::uint64_t seed) {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(12, 5, seed);
  const Eigen::VectorXd b = iterum::test::normal_matrix(12, 1, seed + 1).col(0);
  return LeastSquaresSum<double>(a, b);
}

}  // namespace

TEST_CASE("The operator residual is an element of (F + G)(u+) for the simplex game",
          "[fixed_point][finite_sum]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(3, 4, 7);
  const MatrixGame<double> game(a);
  auto engine = iterum::make_engine(8);
  for (int trial = 0; trial < 20; ++trial) {
    // Any u (feasible or not) and any step.
    const Eigen::VectorXd u = iterum::random::normal_vector(engine, game.dim());
    const double eta = iterum::random::uniform(engine, 0.05, 2.0);
    OperatorResidual<MatrixGame<double>> certificate(game, eta);
    const double norm = certificate.evaluate(game, u);
    const Eigen::VectorXd plus = certificate.point();
    REQUIRE(certificate.calls() == 2 * game.size());
    // u+ is feasible.
    REQUIRE(plus.minCoeff() >= 0.0);
    REQUIRE(std::abs(plus.head(4).sum() - 1.0) <= 1e-14);
    REQUIRE(std::abs(plus.tail(3).sum() - 1.0) <= 1e-14);
    // r recomputed from F = (A^T y, -A x) directly.
    const auto f = [&](const Eigen::VectorXd& z) {
      Eigen::VectorXd out(7);
      out << a.transpose() * z.tail(3), -(a * z.head(4));
      return out;
    };
    const Eigen::VectorXd r = (u - plus) / eta + f(plus) - f(u);
    REQUIRE(std::abs(r.norm() - norm) <= 1e-12 * (1.0 + norm));
    // r - F(u+) = (u - eta F(u) - u+)/eta lies in the normal cone of the simplices at u+:
    // <r - F(u+), v - u+> <= 0 for every vertex v of each simplex.
    const Eigen::VectorXd normal = r - f(plus);
    for (Index j = 0; j < 4; ++j) {
      REQUIRE(normal[j] - normal.head(4).dot(plus.head(4)) <= 1e-12);
    }
    for (Index i = 0; i < 3; ++i) {
      REQUIRE(normal[4 + i] - normal.tail(3).dot(plus.tail(3)) <= 1e-12);
    }
  }
}

TEST_CASE("The operator residual vanishes exactly at a saddle point", "[fixed_point][finite_sum]") {
  // Matching pennies: the unique equilibrium is x = y = (1/2, 1/2).
  Eigen::MatrixXd a(2, 2);
  a << 1, -1, -1, 1;
  const MatrixGame<double> game(a);
  OperatorResidual<MatrixGame<double>> certificate(game, 0.7);
  REQUIRE(certificate.evaluate(game, Eigen::VectorXd::Constant(4, 0.5)) <= 1e-15);
  REQUIRE((certificate.point() - Eigen::VectorXd::Constant(4, 0.5)).norm() <= 1e-15);
  // Away from it the certificate is positive: at x = (1, 0), y = (1/2, 1/2) player y gains by
  // moving to row 1.
  Eigen::VectorXd z(4);
  z << 1, 0, 0.5, 0.5;
  REQUIRE(certificate.evaluate(game, z) > 0.1);

  SECTION("without a resolvent it is ||F(u)|| at u itself") {
    const auto ls = small_least_squares(3);
    OperatorResidual<LeastSquaresSum<double>> plain(ls, 0.5);
    const Eigen::VectorXd u = Eigen::VectorXd::LinSpaced(5, -1.0, 1.0);
    const double norm = plain.evaluate(ls, u);
    const Eigen::VectorXd expected =
        ls.matrix().transpose() * (ls.matrix() * u - ls.rhs()) / static_cast<double>(ls.size());
    REQUIRE(std::abs(norm - expected.norm()) <= 1e-13 * expected.norm());
    REQUIRE(plain.point() == u);
    REQUIRE(plain.calls() == ls.size());
  }
}

TEST_CASE("FiniteSumOracle counts component evaluations, also through its fallbacks",
          "[fixed_point][finite_sum]") {
  const auto ls = small_least_squares(5);
  const ComponentsOnly bare{&ls};
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(5, 0.5, -0.5);
  Eigen::VectorXd direct(5), fallback(5), single(5);
  std::int64_t calls = 0;
  const iterum::fixed_point::FiniteSumOracle<LeastSquaresSum<double>> with(ls);
  const iterum::fixed_point::FiniteSumOracle<ComponentsOnly> without(bare);

  with.full(ls, x, direct, calls);
  REQUIRE(calls == 12);
  without.full(bare, x, fallback, calls);
  REQUIRE(calls == 24);
  REQUIRE((direct - fallback).norm() <= 1e-14 * direct.norm());

  with.component(ls, 3, x, single, calls);
  REQUIRE(calls == 25);
  const Eigen::VectorXd a3 = ls.matrix().row(3).transpose();
  REQUIRE((single - a3 * (a3.dot(x) - ls.rhs()[3])).norm() <= 1e-14);

  Eigen::VectorXd acc = Eigen::VectorXd::Ones(5);
  with.add_component(ls, 3, x, 2.0, acc, calls);
  without.add_component(bare, 3, x, -2.0, acc, calls);
  REQUIRE(calls == 27);
  REQUIRE((acc - Eigen::VectorXd::Ones(5)).norm() <= 1e-14);

  // The resolvent is not an oracle call; without one it is the identity.
  Eigen::VectorXd out(5);
  iterum::fixed_point::FiniteSumOracle<ComponentsOnly>::resolvent(bare, 0.3, x, out);
  REQUIRE(out == x);
  REQUIRE(calls == 27);
}

TEST_CASE("prox::Simplex is the exact Euclidean projection", "[fixed_point][simplex]") {
  auto engine = iterum::make_engine(17);
  for (const double radius : {1.0, 2.5}) {
    for (const Index d : {1, 2, 7, 50}) {
      const iterum::prox::Simplex<double> project(d, radius);
      Eigen::VectorXd out(d);
      INFO("radius " << radius << ", d " << d);
      // Points of the simplex are fixed.
      Eigen::VectorXd inside = iterum::random::uniform_vector(engine, d, 0.0, 1.0);
      inside *= radius / inside.sum();
      project(inside, out);
      REQUIRE((out - inside).norm() <= 1e-14 * radius);
      for (int trial = 0; trial < 20; ++trial) {
        const Eigen::VectorXd v = 3.0 * iterum::random::normal_vector(engine, d);
        project(v, out);
        // Against the bisection threshold.
        const double theta = bisection_threshold(v, radius);
        const Eigen::VectorXd reference = (v.array() - theta).cwiseMax(0.0).matrix();
        REQUIRE((out - reference).cwiseAbs().maxCoeff() <= 1e-12);
        // KKT: out feasible, and v - out = theta on the support, v - out <= theta off it.
        REQUIRE(out.minCoeff() >= 0.0);
        REQUIRE(std::abs(out.sum() - radius) <= 1e-12);
        for (Index i = 0; i < d; ++i) {
          if (out[i] > 0) {
            REQUIRE(std::abs(v[i] - out[i] - theta) <= 1e-12);
          } else {
            REQUIRE(v[i] <= theta + 1e-12);
          }
        }
      }
    }
  }
  SECTION("it works on vector blocks and in place of a block") {
    const iterum::prox::Simplex<double> project(3);
    Eigen::VectorXd z(5);
    z << 9, 0.2, 0.9, -0.4, 9;
    project(z.segment(1, 3), z.segment(1, 3));
    Eigen::VectorXd expected(5);
    expected << 9, 0.15, 0.85, 0, 9;
    REQUIRE((z - expected).norm() <= 1e-15);
  }
  SECTION("a non-finite input gives NaN, not undefined behaviour") {
    const iterum::prox::Simplex<double> project(4);
    Eigen::VectorXd v = Eigen::VectorXd::Ones(4);
    v[2] = std::numeric_limits<double>::quiet_NaN();
    Eigen::VectorXd out(4);
    project(v, out);
    REQUIRE(out.array().isNaN().all());
  }
  REQUIRE(invalid_argument_message([] { iterum::prox::Simplex<double> s(0); }) ==
          "iterum::prox::Simplex: argument 'dim' must be positive (got 0)");
  REQUIRE(invalid_argument_message([] { iterum::prox::Simplex<double> s(3, -1.0); }) ==
          "iterum::prox::Simplex: argument 'radius' must be positive (got -1)");
}

TEST_CASE("LeastSquaresSum: components average to F, constants against SVD and the inequality",
          "[fixed_point][finite_sum]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(30, 6, 21);
  const Eigen::VectorXd b = iterum::test::normal_matrix(30, 1, 22).col(0);
  const LeastSquaresSum<double> ls(a, b);
  REQUIRE(ls.size() == 30);
  REQUIRE(ls.dim() == 6);
  auto engine = iterum::make_engine(23);
  const Eigen::VectorXd x = iterum::random::normal_vector(engine, 6);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(6), fi(6), full(6);
  for (Index i = 0; i < 30; ++i) {
    ls.component(i, x, fi);
    mean += fi / 30.0;
  }
  ls.evaluate(x, full);
  REQUIRE((mean - full).norm() <= 1e-12 * full.norm());
  REQUIRE((full - a.transpose() * (a * x - b) / 30.0).norm() <= 1e-12 * full.norm());

  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(a);
  const double sigma = svd.singularValues()[0];
  REQUIRE(std::abs(ls.full_lipschitz() - sigma * sigma / 30.0) <= 1e-10 * ls.full_lipschitz());
  const double max_row = a.rowwise().squaredNorm().maxCoeff();
  REQUIRE(std::abs(ls.lipschitz() - max_row) <= 1e-14 * max_row);
  // E_i ||F_i(u) - F_i(v)||^2 <= L <F(u) - F(v), u - v> on random pairs.
  for (int trial = 0; trial < 10; ++trial) {
    const Eigen::VectorXd u = iterum::random::normal_vector(engine, 6);
    const Eigen::VectorXd v = iterum::random::normal_vector(engine, 6);
    double lhs = 0;
    Eigen::VectorXd fu(6), fv(6);
    for (Index i = 0; i < 30; ++i) {
      ls.component(i, u, fu);
      ls.component(i, v, fv);
      lhs += (fu - fv).squaredNorm() / 30.0;
    }
    ls.evaluate(u, fu);
    ls.evaluate(v, fv);
    REQUIRE(lhs <= ls.lipschitz() * (fu - fv).dot(u - v) * (1 + 1e-12));
  }

  REQUIRE(invalid_argument_message(
              [&] { LeastSquaresSum<double> bad(a, Eigen::VectorXd::Ones(29)); }) ==
          "iterum::fixed_point::LeastSquaresSum: argument 'b' must have as many entries as "
          "A has rows (30) (got 29)");
  Eigen::MatrixXd nan = a;
  nan(2, 3) = std::numeric_limits<double>::quiet_NaN();
  REQUIRE(invalid_argument_message([&] { LeastSquaresSum<double> bad(nan, b); }) ==
          "iterum::fixed_point::LeastSquaresSum: argument 'A' must be finite, but entry (2, 3) "
          "is not (got nan)");
  REQUIRE(invalid_argument_message(
              [&] { LeastSquaresSum<double> bad(Eigen::MatrixXd(0, 3), Eigen::VectorXd(0)); }) ==
          "iterum::fixed_point::LeastSquaresSum: argument 'A' must not be empty (got size 0)");
}

TEST_CASE("The finite-sum methods compose with core's Certified, solve and warm starts",
          "[fixed_point][finite_sum]") {
  using LS = LeastSquaresSum<double>;
  namespace fp = iterum::fixed_point;
  static_assert(iterum::WarmStartable<const fp::PageHalpernMethod<LS>, LS, Eigen::VectorXd>);
  static_assert(iterum::WarmStartable<const fp::ResolventHalpernMethod<LS>, LS, Eigen::VectorXd>);
  static_assert(iterum::WarmStartable<const fp::ExtragradientMethod<LS>, LS, Eigen::VectorXd>);
  static_assert(
      iterum::WarmStartable<const fp::AnchoredExtragradientMethod<LS>, LS, Eigen::VectorXd>);
  static_assert(iterum::WarmStartable<const fp::VrExtragradientMethod<LS>, LS, Eigen::VectorXd>);
  using Page = iterum::Certified<fp::PageHalpernMethod<LS>, OperatorResidual<LS>>;
  static_assert(iterum::Method<Page, LS>);
  static_assert(iterum::WarmStartable<const Page, LS, Eigen::VectorXd>);
  static_assert(iterum::Certificate<OperatorResidual<LS>, LS, Eigen::VectorXd>);

  // The method driven by hand under Certified reproduces the facade bit for bit (the facade
  // samples by importance here: L_Q = mean ||a_i||^2 < max ||a_i||^2, step 1/L_Q).
  const auto f = small_least_squares(3);
  const Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(5, 1.0, -1.0);
  const double l_q = fp::importance_lipschitz(f);
  REQUIRE(l_q < f.lipschitz());
  const double eta = 1.0 / l_q;
  const auto facade =
      fp::vr_halpern(f, x0, {.tolerance = 1e-9, .seed = 4, .lipschitz = f.lipschitz()});
  REQUIRE(facade.ok());
  Page method(
      fp::PageHalpernMethod<LS>({.step = eta, .sampling = fp::VrSampling::Importance, .seed = 4}),
      OperatorResidual<LS>(f, eta), {.every = 5.0, .work_unit = static_cast<double>(f.size())});
  auto result =
      iterum::solve_from(f, method, method.init(f, x0), iterum::stop::residual_below(1e-9));
  method.finish(f, result, 1e-9);
  REQUIRE(result.ok());
  REQUIRE(result.state.x == facade.x);
  REQUIRE(result.iterations == facade.iterations);
  REQUIRE(result.counters == facade.counters);
  REQUIRE(result.residual == facade.residual);
  REQUIRE(result.trace.size() == facade.trace.size());
  REQUIRE(result.state.certificate.calls() == facade.certificate_calls);
  REQUIRE(result.state.inner.restarts == facade.restarts);
  // The trace's work is in epochs.
  for (const auto& point : facade.trace) {
    REQUIRE(point.work == static_cast<double>(point.counters.oracle_calls) / 12.0);
  }
}
