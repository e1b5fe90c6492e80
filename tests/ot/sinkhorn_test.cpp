#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "support/catch_compat.hpp"
#include "support/densities_1d.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::test::invalid_argument_message;
using iterum::test::random_marginal;

namespace {

Eigen::MatrixXd uniform_cost(iterum::Index m, iterum::Index n, std::uint64_t seed) {
  return iterum::test::uniform_matrix(m, n, seed);
}

/// Exact 1-D OT cost between discrete measures on the same sorted grid, by the quantile
/// formula: integral over t in [0, 1] of |F^-1(t) - G^-1(t)|^p.
double quantile_cost(const Eigen::VectorXd& x, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                     double p) {
  double total = 0.0;
  iterum::Index i = 0, j = 0;
  double left_a = a[0], left_b = b[0];
  while (i < a.size() && j < b.size()) {
    const double w = std::min(left_a, left_b);
    total += w * std::pow(std::abs(x[i] - x[j]), p);
    left_a -= w;
    left_b -= w;
    if (left_a <= 1e-18 && ++i < a.size()) left_a = a[i];
    if (left_b <= 1e-18 && ++j < b.size()) left_b = b[j];
  }
  return total;
}

/// Sinkhorn in plain scaling form, in long double, run far past convergence: a separate
/// implementation to compare against on tiny instances.
Eigen::MatrixXd reference_plan(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                               const Eigen::MatrixXd& c, double epsilon) {
  using L = long double;
  const auto m = static_cast<std::size_t>(a.size()), n = static_cast<std::size_t>(b.size());
  std::vector<L> k(m * n), u(m, 1), v(n, 1);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      k[i * n + j] = std::exp(
          -static_cast<L>(c(static_cast<iterum::Index>(i), static_cast<iterum::Index>(j))) /
          static_cast<L>(epsilon));
  for (int it = 0; it < 20000; ++it) {
    for (std::size_t i = 0; i < m; ++i) {
      L s = 0;
      for (std::size_t j = 0; j < n; ++j) s += k[i * n + j] * v[j];
      u[i] = static_cast<L>(a[static_cast<iterum::Index>(i)]) / s;
    }
    for (std::size_t j = 0; j < n; ++j) {
      L s = 0;
      for (std::size_t i = 0; i < m; ++i) s += k[i * n + j] * u[i];
      v[j] = static_cast<L>(b[static_cast<iterum::Index>(j)]) / s;
    }
  }
  Eigen::MatrixXd p(a.size(), b.size());
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      p(static_cast<iterum::Index>(i), static_cast<iterum::Index>(j)) =
          static_cast<double>(u[i] * k[i * n + j] * v[j]);
  return p;
}

/// Rounds a nearly feasible plan onto the transport polytope (Altschuler, Weed, Rigollet,
/// NeurIPS 2017, Alg. 2), so that weak duality applies to it.
Eigen::MatrixXd round_to_feasible(Eigen::MatrixXd p, const Eigen::VectorXd& a,
                                  const Eigen::VectorXd& b) {
  const Eigen::VectorXd x = (a.array() / p.rowwise().sum().array()).min(1.0).matrix();
  p = x.asDiagonal() * p;
  const Eigen::VectorXd y = (b.array() / p.colwise().sum().transpose().array()).min(1.0).matrix();
  p = p * y.asDiagonal();
  const Eigen::VectorXd err_a = a - p.rowwise().sum();
  const Eigen::VectorXd err_b = b - p.colwise().sum().transpose();
  if (err_a.lpNorm<1>() > 0) p += err_a * err_b.transpose() / err_a.lpNorm<1>();
  return p;
}

}  // namespace

TEST_CASE("an additive cost gives the product plan for any epsilon", "[ot][sinkhorn]") {
  // C_ij = s_i + t_j: every coupling has the same cost, so the entropic plan is a b^T.
  const iterum::Index m = 7, n = 5;
  const Eigen::VectorXd a = random_marginal(m, 1), b = random_marginal(n, 2);
  const Eigen::VectorXd s = Eigen::VectorXd::LinSpaced(m, 0.0, 3.0);
  const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(n, -1.0, 2.0);
  const Eigen::MatrixXd c = s.replicate(1, n) + t.transpose().replicate(m, 1);
  for (double epsilon : {10.0, 1.0, 0.01, 1e-4}) {
    // The status is judged by the plan of the returned potentials, whose entries carry the
    // rounding of f + g - C amplified by 1 / epsilon: 1e-14 is out of reach below epsilon = 1.
    const auto r =
        iterum::ot::sinkhorn(a, b, c, epsilon, {.tolerance = 1e-14 / std::min(epsilon, 1.0)});
    INFO("epsilon " << epsilon);
    REQUIRE(r.ok());
    // exp amplifies the rounding of f + g - C by 1 / epsilon.
    REQUIRE((r.plan() - a * b.transpose()).cwiseAbs().maxCoeff() < 1e-16 / epsilon + 1e-14);
    REQUIRE_THAT(r.transport_cost,
                 Catch::Matchers::WithinRel(a.dot(s) + b.dot(t), 1e-14 / epsilon));
  }
}

TEST_CASE("tiny instances match a long high-precision scaling loop", "[ot][sinkhorn]") {
  const Eigen::MatrixXd c = uniform_cost(4, 6, 7);
  const Eigen::VectorXd a = random_marginal(4, 8), b = random_marginal(6, 9);
  for (double epsilon : {1.0, 0.1, 0.03}) {
    const auto r = iterum::ot::sinkhorn(a, b, c, epsilon, {.tolerance = 1e-15});
    INFO("epsilon " << epsilon << ", status " << iterum::to_string(r.status));
    REQUIRE(r.marginal_error < 1e-14);
    REQUIRE((r.plan() - reference_plan(a, b, c, epsilon)).cwiseAbs().maxCoeff() < 1e-13);
  }
}

TEST_CASE("1-D W1 and W2^2 are approached as epsilon -> 0", "[ot][sinkhorn]") {
  // Discretized densities on 200 grid points; exact costs from the quantile formula.
  const iterum::Index n = 200;
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(n, 0.0, 1.0);
  for (const double power : {1.0, 2.0}) {
    const auto [a, b, c] = iterum::test::densities_1d(power == 2.0, n);
    const double exact = quantile_cost(x, a, b, power);
    double previous_gap = std::numeric_limits<double>::infinity();
    for (double epsilon : {1e-2, 1e-3, 1e-4}) {
      const auto r =
          iterum::ot::sinkhorn(a, b, c, epsilon, {.tolerance = 1e-10, .max_iterations = 500000});
      INFO("p " << power << ", epsilon " << epsilon << ", exact " << exact << ", entropic "
                << r.transport_cost);
      REQUIRE(r.ok());
      const double gap = std::abs(r.transport_cost - exact);
      REQUIRE(gap < previous_gap);
      previous_gap = gap;
    }
    REQUIRE(previous_gap < 2e-3 * exact);
  }
}

TEST_CASE(
    "weak duality: the dual value is below the cost of the rounded plan, and the gap "
    "closes",
    "[ot][sinkhorn]") {
  const Eigen::MatrixXd c = uniform_cost(30, 40, 11);
  const Eigen::VectorXd a = random_marginal(30, 12), b = random_marginal(40, 13);
  const double epsilon = 0.05;
  double previous = std::numeric_limits<double>::infinity();
  for (double tolerance : {1e-3, 1e-6, 1e-10}) {
    const auto r = iterum::ot::sinkhorn(a, b, c, epsilon, {.tolerance = tolerance});
    const Eigen::MatrixXd p = round_to_feasible(r.plan(), a, b);
    const Eigen::ArrayXXd entropy =
        (p.array() > 0).select(p.array() * (p.array().log() - 1), Eigen::ArrayXXd::Zero(30, 40));
    const double primal = (c.array() * p.array()).sum() + epsilon * entropy.sum();
    INFO("tolerance " << tolerance << ": primal " << primal << ", dual " << r.dual_value);
    const double gap = primal - r.dual_value;
    REQUIRE(gap > -1e-12);
    REQUIRE(gap < previous);
    previous = gap;
  }
  REQUIRE(previous < 1e-9);
}

TEST_CASE("zero marginal entries carry no mass and keep finite potentials", "[ot][sinkhorn]") {
  Eigen::VectorXd a = random_marginal(6, 21), b = random_marginal(5, 22);
  a[0] = 0.0;
  a[4] = 0.0;
  b[2] = 0.0;
  a /= a.sum();
  b /= b.sum();
  const Eigen::MatrixXd c = uniform_cost(6, 5, 23);
  const auto r = iterum::ot::sinkhorn(a, b, c, 0.05, {.tolerance = 1e-12});
  REQUIRE(r.ok());
  REQUIRE(r.f.allFinite());
  REQUIRE(r.g.allFinite());
  const Eigen::MatrixXd p = r.plan();
  REQUIRE(p.row(0).isZero(0.0));
  REQUIRE(p.row(4).isZero(0.0));
  REQUIRE(p.col(2).isZero(0.0));
  REQUIRE((p.rowwise().sum() - a).lpNorm<1>() + (p.colwise().sum().transpose() - b).lpNorm<1>() <
          1e-12);
}

TEST_CASE("small epsilon, rectangular shapes and a huge cost range stay finite and certified",
          "[ot][sinkhorn]") {
  const Eigen::MatrixXd base = uniform_cost(40, 25, 31);
  const Eigen::VectorXd a = random_marginal(40, 32), b = random_marginal(25, 33);
  Eigen::MatrixXd wide = base;
  wide(0, 0) = 1e6;  // a huge dynamic range
  for (const Eigen::MatrixXd* c : std::array<const Eigen::MatrixXd*, 2>{&base, &wide}) {
    const double max_c = c->maxCoeff();
    for (double relative : {1.0, 1e-2, 1e-4}) {
      const auto r = iterum::ot::sinkhorn(a, b, *c, relative * max_c,
                                          {.tolerance = 1e-9, .max_iterations = 20000});
      INFO("epsilon / max C = " << relative << ", status " << iterum::to_string(r.status));
      REQUIRE(r.f.allFinite());
      REQUIRE(r.g.allFinite());
      REQUIRE(std::isfinite(r.marginal_error));
      REQUIRE(std::isfinite(r.transport_cost));
      REQUIRE(r.plan().allFinite());
      if (r.ok()) REQUIRE(r.marginal_error < 1e-8);
    }
  }
}

TEST_CASE("a warm start from a solution converges at once", "[ot][sinkhorn]") {
  const Eigen::MatrixXd c = uniform_cost(20, 20, 41);
  const Eigen::VectorXd a = random_marginal(20, 42), b = random_marginal(20, 43);
  const auto cold = iterum::ot::sinkhorn(a, b, c, 0.01, {.tolerance = 1e-11});
  REQUIRE(cold.ok());
  REQUIRE(cold.iterations > 5);
  const auto warm =
      iterum::ot::sinkhorn(a, b, c, 0.01, {.tolerance = 1e-9, .f0 = cold.f, .g0 = cold.g});
  REQUIRE(warm.ok());
  REQUIRE(warm.iterations <= 1);
}

TEST_CASE("sinkhorn rejects bad input naming the argument", "[ot][sinkhorn][errors]") {
  const Eigen::VectorXd a = Eigen::VectorXd::Constant(3, 1.0 / 3), b = a;
  const Eigen::MatrixXd c = Eigen::MatrixXd::Ones(3, 3);
  const std::string f = "iterum::ot::sinkhorn: ";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd negative = a;
  negative[1] = -0.1;
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(negative, b, c, 1.0); }) ==
          f + "argument 'a' must be nonnegative, but entry 1 is not (got -0.1)");
  Eigen::VectorXd with_nan = b;
  with_nan[2] = nan;
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(a, with_nan, c, 1.0); }) ==
          f + "argument 'b' must be finite, but entry 2 is not (got nan)");
  Eigen::MatrixXd c_inf = c;
  c_inf(1, 2) = std::numeric_limits<double>::infinity();
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(a, b, c_inf, 1.0); }) ==
          f + "argument 'C' must be finite, but entry (1, 2) is not (got inf)");
  const Eigen::VectorXd heavy = 2 * b;
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(a, heavy, c, 1.0); }) ==
          f + "argument 'b' must have the same total mass as a (1) within 1e-12 relative (got "
              "total mass 2)");
  const Eigen::MatrixXd c_small = Eigen::MatrixXd::Ones(3, 2);
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(a, b, c_small, 1.0); }) ==
          f + "argument 'C' must have as many columns as b has entries (3) (got 2)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(a, b, c, 0.0); }) ==
          f + "argument 'epsilon' must be positive (got 0)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(a, b, c, -1.0); }) ==
          f + "argument 'epsilon' must be positive (got -1)");
  const Eigen::VectorXd empty(0);
  const Eigen::MatrixXd c_empty(0, 3);
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(empty, b, c_empty, 1.0); }) ==
          f + "argument 'a' must not be empty (got size 0)");
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(3);
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(zero, zero, c, 1.0); }) ==
          f + "argument 'a' must be positive (got 0)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn(a, b, c, 1.0, {.f0 = Eigen::VectorXd::Zero(2)});
          }) == f + "argument 'options.f0' must have as many entries as a (3) (got 2)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn(a, b, c, 1.0, {.tolerance = -1.0});
          }) == f + "argument 'options.tolerance' must be nonnegative (got -1)");
}

TEST_CASE("sinkhorn reports budgets as a status and records history", "[ot][sinkhorn]") {
  const Eigen::MatrixXd c = uniform_cost(50, 50, 51);
  const Eigen::VectorXd a = random_marginal(50, 52), b = random_marginal(50, 53);
  const auto r = iterum::ot::sinkhorn(
      a, b, c, 1e-3,
      {.tolerance = 1e-14, .max_iterations = 7, .monitor = {.record_history = true}});
  REQUIRE(r.status == Status::MaxIterations);
  REQUIRE(r.iterations == 7);
  REQUIRE(r.sinkhorn_iterations == 7);
  REQUIRE(r.history.size() == 8);
  REQUIRE(r.counters.matvecs >= 2 * 7);
  REQUIRE_THAT(r.history.back(), Catch::Matchers::WithinRel(r.marginal_error, 1e-6));
}

TEST_CASE("the monitor's callback sees the potentials (f; g) on the support", "[ot][sinkhorn]") {
  Eigen::VectorXd a = random_marginal(12, 61), b = random_marginal(9, 62);
  a[5] = 0.0;  // one row off the support: the iterate has 11 + 9 entries
  a /= a.sum();
  const Eigen::MatrixXd c = uniform_cost(12, 9, 63);
  Eigen::VectorXd last;
  iterum::Index calls = 0;
  const auto r = iterum::ot::sinkhorn(
      a, b, c, 0.05,
      {.tolerance = 1e-12,
       .monitor = {.callback = [&](const iterum::IterationInfo&, iterum::IterateView x) {
         last = x;
         ++calls;
       }}});
  REQUIRE(r.ok());
  REQUIRE(calls == r.iterations + 1);
  REQUIRE(last.size() == 11 + 9);
  // The last view is the solution: the result's potentials on the support rows.
  Eigen::VectorXd f_support(11);
  for (iterum::Index i = 0, k = 0; i < 12; ++i)
    if (i != 5) f_support[k++] = r.f[i];
  REQUIRE((last.head(11) - f_support).cwiseAbs().maxCoeff() < 1e-12);
  REQUIRE((last.tail(9) - r.g).cwiseAbs().maxCoeff() < 1e-12);
  REQUIRE(r.row_support()[5] == 0);
  REQUIRE(r.row_support()[4] == 1);
  REQUIRE(r.col_support() == std::vector<char>(9, 1));
}

TEST_CASE("SinkhornMethod accepts a warm start from stacked potentials", "[ot][sinkhorn]") {
  static_assert(iterum::WarmStartable<iterum::ot::SinkhornMethod, iterum::ot::EntropicProblem,
                                      Eigen::VectorXd>);
  const Eigen::MatrixXd c = uniform_cost(10, 8, 71);
  const Eigen::VectorXd a = random_marginal(10, 72), b = random_marginal(8, 73);
  const iterum::ot::EntropicProblem problem(a, b, c, 0.05, "test");
  iterum::ot::SinkhornMethod method;
  const auto cold = iterum::solve(problem, method,
                                  iterum::stop::any_of(iterum::stop::residual_below(1e-13),
                                                       iterum::stop::max_iterations(10000)));
  REQUIRE(cold.ok());
  const Eigen::VectorXd x = method.iterate(cold.state);
  REQUIRE(x.size() == 18);
  const auto warm = method.init(problem, x);
  REQUIRE(method.residual(problem, warm) < 1e-12);
  REQUIRE(invalid_argument_message([&] { (void)method.init(problem, Eigen::VectorXd(17)); }) ==
          "iterum::ot::SinkhornMethod::init: argument 'x0' must have as many entries as the "
          "support of a and b together (18) (got 17)");
}

TEST_CASE("the default iteration budget scales down on large problems", "[ot][sinkhorn]") {
  REQUIRE(iterum::ot::default_max_iterations(300, 300) == 100000);
  REQUIRE(iterum::ot::default_max_iterations(500, 500) == 40000);
  REQUIRE(iterum::ot::default_max_iterations(2000, 2000) == 2500);
  REQUIRE(iterum::ot::default_max_iterations(100000, 100000) == 100);
  REQUIRE(iterum::ot::SinkhornOptions{}.iteration_budget(500, 500) == 40000);
  REQUIRE(iterum::ot::SinkhornOptions{.max_iterations = 7}.iteration_budget(500, 500) == 7);
}

TEST_CASE("sinkhorn rejects overflowing masses, cost ranges and epsilon (issue 11, D3, D5, D6)",
          "[ot][sinkhorn][errors]") {
  using iterum::test::invalid_argument_message;
  const std::string f = "iterum::ot::sinkhorn: ";
  const Eigen::VectorXd huge = Eigen::VectorXd::Constant(2, 1e308);
  const Eigen::VectorXd uneven{{1e308, 1.0}};
  const Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(2, 2);
  // inf - inf is NaN, which no longer slips past the mass comparison.
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(huge, uneven, ones, 1.0); }) ==
          f + "argument 'b' must have the same total mass as a (inf) within 1e-12 relative (got "
              "total mass 1e+308)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(uneven, huge, ones, 1.0); }) ==
          f + "argument 'b' must have the same total mass as a (1e+308) within 1e-12 relative "
              "(got total mass inf)");
  // Equal masses whose sum overflows: rejected rather than Converged with a NaN dual value.
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(huge, huge, ones, 1.0); }) ==
          f + "argument 'a' must have a finite total mass (got inf)");
  // Huge but summable masses are still solved.
  const Eigen::VectorXd big = Eigen::VectorXd::Constant(2, 1e300);
  const auto ok = iterum::ot::sinkhorn(big, big, ones, 1.0, {.tolerance = 1e288});
  REQUIRE(ok.ok());
  REQUIRE(std::isfinite(ok.dual_value));
  const Eigen::VectorXd half = Eigen::VectorXd::Constant(2, 0.5);
  const Eigen::MatrixXd wild{{1e308, -1e308}, {-1e308, 1e308}};
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(half, half, wild, 1.0); }) ==
          f + "argument 'C' must have a finite range max C - min C (got inf)");
  const Eigen::MatrixXd spread{{0.0, 1.0}, {1.0, 0.0}};
  REQUIRE(
      invalid_argument_message([&] { (void)iterum::ot::sinkhorn(half, half, spread, 5e-324); }) ==
      f + "argument 'epsilon' must be large enough that max(1, max C - min C) / epsilon is "
          "finite (got 5e-324)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::sinkhorn(half, half, ones, 5e-324); }) ==
          f + "argument 'epsilon' must be large enough that max(1, max C - min C) / epsilon is "
              "finite (got 5e-324)");
  // A constant cost has range 0: a tiny epsilon whose inverse is finite is accepted. But the
  // plan's potentials need f + g - C = epsilon log(1/4) = -1.4e-300 with C = 1, which doubles
  // cannot hold (1 - 1.4e-300 rounds to 1): the returned plan exp((f + g - C) / epsilon) is all
  // ones, and the status says so instead of Converged (issue 12).
  const auto flat = iterum::ot::sinkhorn(half, half, ones, 1e-300);
  REQUIRE(flat.status != iterum::Status::Converged);
  REQUIRE(flat.marginal_error > 1e-9);
  REQUIRE(flat.f.allFinite());
  REQUIRE(std::isfinite(flat.transport_cost));
}

TEST_CASE("warm starts shifted by a huge constant are re-centred (issue 11, D4)",
          "[ot][sinkhorn]") {
  const iterum::Index n = 6;
  Eigen::MatrixXd c(n, n);
  for (iterum::Index i = 0; i < n; ++i)
    for (iterum::Index j = 0; j < n; ++j) c(i, j) = static_cast<double>((i - j) * (i - j)) / 25.0;
  const Eigen::VectorXd a = random_marginal(n, 51), b = random_marginal(n, 52);
  const double tolerance = 1e-9;
  const auto recomputed_error = [&](const iterum::ot::TransportResult& r) {
    const Eigen::MatrixXd plan = r.plan();
    return (plan.rowwise().sum() - a).lpNorm<1>() +
           (plan.colwise().sum().transpose() - b).lpNorm<1>();
  };
  for (const double shift : {1e8, 1e12, 1e308}) {
    INFO("shift " << shift);
    const Eigen::VectorXd f0 = Eigen::VectorXd::Constant(n, shift);
    const Eigen::VectorXd g0 = Eigen::VectorXd::Constant(n, -shift);
    const auto r =
        iterum::ot::sinkhorn(a, b, c, 0.05, {.tolerance = tolerance, .f0 = f0, .g0 = g0});
    REQUIRE(r.ok());
    REQUIRE(r.marginal_error <= tolerance);
    REQUIRE(recomputed_error(r) <= tolerance);
    const auto s = iterum::ot::sinkhorn_newton_sparse(a, b, c, 0.05,
                                                      {.tolerance = tolerance, .f0 = f0, .g0 = g0});
    REQUIRE(s.ok());
    REQUIRE(s.marginal_error <= tolerance);
    REQUIRE(recomputed_error(s) <= tolerance);
  }
}
