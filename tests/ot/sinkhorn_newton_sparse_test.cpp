#include "iterum/ot/sinkhorn_newton_sparse.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iterum/linalg/direct_solver.hpp"
#include "iterum/ot/sinkhorn.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/splitmix.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::test::random_marginal;

namespace {

/// Potentials are unique up to f + t, g - t: compare after removing the mean of f.
double potential_distance(const iterum::ot::TransportResult& x,
                          const iterum::ot::TransportResult& y) {
  const double shift = (x.f.array() - y.f.array()).mean();
  return std::max((x.f.array() - y.f.array() - shift).abs().maxCoeff(),
                  (x.g.array() - y.g.array() + shift).abs().maxCoeff());
}

}  // namespace

TEST_CASE("SNS and Sinkhorn reach the same plan and potentials", "[ot][sns]") {
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(60, 45, 1);
  const Eigen::VectorXd a = random_marginal(60, 2), b = random_marginal(45, 3);
  for (double epsilon : {0.1, 0.01, 0.002}) {
    const auto sinkhorn =
        iterum::ot::sinkhorn(a, b, c, epsilon, {.tolerance = 1e-13, .max_iterations = 1000000});
    const auto sns = iterum::ot::sinkhorn_newton_sparse(a, b, c, epsilon, {.tolerance = 1e-13});
    INFO("epsilon " << epsilon << ": Sinkhorn " << sinkhorn.iterations << " iterations, SNS "
                    << sns.sinkhorn_iterations << " + " << sns.newton_iterations);
    REQUIRE(sinkhorn.ok());
    REQUIRE(sns.ok());
    REQUIRE(sns.marginal_error <= 1e-12);
    REQUIRE((sns.plan() - sinkhorn.plan()).cwiseAbs().maxCoeff() < 1e-11);
    REQUIRE(potential_distance(sns, sinkhorn) < 1e-9);
    REQUIRE_THAT(sns.transport_cost, Catch::Matchers::WithinRel(sinkhorn.transport_cost, 1e-9));
    REQUIRE(sns.iterations == sns.sinkhorn_iterations + sns.newton_iterations);
  }
}

TEST_CASE("SNS on the paper's random case needs few iterations", "[ot][sns]") {
  // Tang et al., Table 1 (random assignment, eta = 1200) at a smaller n: SNS's Newton stage
  // converges in a handful of steps where Sinkhorn needs thousands.
  const iterum::Index n = 150;
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(n, n, 42);
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / n);
  const auto sns = iterum::ot::sinkhorn_newton_sparse(u, u, c, 1.0 / 1200, {.tolerance = 1e-12});
  INFO("SNS " << sns.sinkhorn_iterations << " + " << sns.newton_iterations);
  REQUIRE(sns.ok());
  REQUIRE(sns.newton_iterations >= 1);
  REQUIRE(sns.iterations <= 60);
  const auto sinkhorn =
      iterum::ot::sinkhorn(u, u, c, 1.0 / 1200, {.tolerance = 1e-12, .max_iterations = 20 * 60});
  REQUIRE_FALSE(sinkhorn.ok());  // Sinkhorn is nowhere near in the same budget x 20
}

TEST_CASE("the Newton-system solver is a policy: an exact LDL^T gives the same answer",
          "[ot][sns]") {
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(40, 40, 5);
  const Eigen::VectorXd a = random_marginal(40, 6), b = random_marginal(40, 7);
  const auto with_cg = iterum::ot::sinkhorn_newton_sparse(a, b, c, 0.005, {.tolerance = 1e-12});
  const auto with_ldlt = iterum::ot::sinkhorn_newton_sparse(a, b, c, 0.005, {.tolerance = 1e-12},
                                                            iterum::linalg::SparseLdlt<>());
  REQUIRE(with_cg.ok());
  REQUIRE(with_ldlt.ok());
  REQUIRE(with_cg.counters.inner_iterations > with_cg.newton_iterations);       // CG iterated
  REQUIRE(with_ldlt.counters.inner_iterations == with_ldlt.newton_iterations);  // 1 per solve
  REQUIRE((with_cg.plan() - with_ldlt.plan()).cwiseAbs().maxCoeff() < 1e-11);
}

TEST_CASE("SNS converges where Newton cannot help: dense plans and non-unique optima",
          "[ot][sns]") {
  const iterum::Index n = 120;
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(n, 0.0, 1.0);
  const Eigen::VectorXd a = random_marginal(n, 11), b = random_marginal(n, 12);
  Eigen::MatrixXd squared(n, n), absolute(n, n);
  for (iterum::Index j = 0; j < n; ++j) {
    for (iterum::Index i = 0; i < n; ++i) {
      squared(i, j) = (x[i] - x[j]) * (x[i] - x[j]);
      absolute(i, j) = std::abs(x[i] - x[j]);
    }
  }
  // Fine 1-D grid with a wide kernel (many non-negligible entries per row), and an L1 cost
  // (non-unique optimum); both must still be solved to the tolerance.
  for (const auto& [c, epsilon] : {std::pair<const Eigen::MatrixXd*, double>{&squared, 1e-3},
                                   std::pair<const Eigen::MatrixXd*, double>{&absolute, 2e-3}}) {
    const auto sinkhorn = iterum::ot::sinkhorn(a, b, *c, epsilon, {.tolerance = 1e-10});
    const auto sns = iterum::ot::sinkhorn_newton_sparse(a, b, *c, epsilon, {.tolerance = 1e-10});
    INFO("Sinkhorn " << sinkhorn.iterations << "; SNS " << sns.sinkhorn_iterations << " + "
                     << sns.newton_iterations);
    REQUIRE(sinkhorn.ok());
    REQUIRE(sns.ok());
    REQUIRE(sns.marginal_error <= 1e-10);
    REQUIRE_THAT(sns.transport_cost, Catch::Matchers::WithinRel(sinkhorn.transport_cost, 1e-7));
  }
}

TEST_CASE("SNS handles zero marginals and additive costs", "[ot][sns]") {
  Eigen::VectorXd a = random_marginal(8, 21), b = random_marginal(6, 22);
  a[3] = 0.0;
  b[0] = 0.0;
  a /= a.sum();
  b /= b.sum();
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(8, 6, 23);
  const auto r = iterum::ot::sinkhorn_newton_sparse(a, b, c, 0.01, {.tolerance = 1e-12});
  REQUIRE(r.ok());
  REQUIRE(r.f.allFinite());
  REQUIRE(r.g.allFinite());
  REQUIRE(r.plan().row(3).isZero(0.0));
  REQUIRE(r.plan().col(0).isZero(0.0));

  const Eigen::VectorXd s = Eigen::VectorXd::LinSpaced(8, 0.0, 1.0);
  const Eigen::VectorXd t = Eigen::VectorXd::LinSpaced(6, 2.0, 0.0);
  const Eigen::VectorXd p = random_marginal(8, 24), q = random_marginal(6, 25);
  const Eigen::MatrixXd additive = s.replicate(1, 6) + t.transpose().replicate(8, 1);
  const auto product =
      iterum::ot::sinkhorn_newton_sparse(p, q, additive, 0.001, {.tolerance = 1e-13});
  REQUIRE(product.ok());
  REQUIRE((product.plan() - p * q.transpose()).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("SNS rejects bad input and bad options", "[ot][sns][errors]") {
  using iterum::test::invalid_argument_message;
  const Eigen::VectorXd a = Eigen::VectorXd::Constant(3, 1.0 / 3);
  const Eigen::MatrixXd c = Eigen::MatrixXd::Ones(3, 3);
  const std::string f = "iterum::ot::sinkhorn_newton_sparse: ";
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(a, a, c, -2.0);
          }) == f + "argument 'epsilon' must be positive (got -2)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(a, a, c, 1.0,
                                                     {.newton = {.entries_per_column = 0}});
          }) == f + "argument 'options.newton.entries_per_column' must be positive (got 0)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(
                a, a, c, 1.0, {.newton = {.entries_per_column = 8, .max_entries_per_column = 4}});
          }) == f + "argument 'options.newton.max_entries_per_column' must be at least "
                    "options.newton.entries_per_column");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(a, a, c, 1.0,
                                                     {.newton = {.max_potential_step = 0}});
          }) == f + "argument 'options.newton.max_potential_step' must be positive (got 0)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(a, a, c, 1.0,
                                                     {.newton = {.linear_work_limit = -1}});
          }) == f + "argument 'options.newton.linear_work_limit' must be positive (got -1)");
}

TEST_CASE("SNS reproduces POT's entropic cost on the random anchor instance",
          "[ot][sns][fixture]") {
  // Case B1 (the random case of Tang et al., arXiv 2401.12253, Sec. 6, Table 1, at a fixed seed): n
  // = 500, C ~ U[0, 1] from SplitMix64 seed 42 (row major; C[0,0] = 0.7415648787718233, C[0,1] =
  // 0.1599103928769201), uniform marginals, eta = 1200. POT 0.8.2 gives the entropic <C, P> =
  // 0.003459030807 there; the exact EMD (POT's ot.emd2) is 0.003228138621320, which the
  // entropic cost must exceed.
  const Eigen::MatrixXd c = iterum::test::splitmix_cost(500, 42);
  REQUIRE(c(0, 0) == 0.7415648787718233);
  REQUIRE(c(0, 1) == 0.1599103928769201);
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(500, 1.0 / 500);
  const auto sns = iterum::ot::sinkhorn_newton_sparse(u, u, c, 1.0 / 1200, {.tolerance = 1e-12});
  INFO("SNS " << sns.sinkhorn_iterations << " + " << sns.newton_iterations << ", cost "
              << sns.transport_cost);
  REQUIRE(sns.ok());
  REQUIRE(sns.iterations <= 60);
  REQUIRE_THAT(sns.transport_cost, Catch::Matchers::WithinRel(0.003459030807, 1e-8));
  REQUIRE(sns.transport_cost > 0.003228138621320);
}

TEST_CASE("SNS's Newton stage: Params, warm starts, the solver's work budget", "[ot][sns]") {
  using Newton = iterum::ot::SparseNewtonMethod<>;
  // The facade's options carry the Newton stage's settings.
  REQUIRE(iterum::ot::SnsOptions{}.newton == iterum::ot::SparseNewtonParams{});
  static_assert(iterum::WarmStartable<Newton, iterum::ot::EntropicProblem, Eigen::VectorXd>);
  static_assert(
      iterum::WarmStartable<Newton, iterum::ot::EntropicProblem, iterum::ot::SinkhornState>);
  // CG takes a work budget per Newton system; an exact factorization has none.
  static_assert(
      iterum::LinearSolverWithBudget<iterum::ot::DefaultNewtonSolver, Eigen::SparseMatrix<double>>);
  static_assert(
      !iterum::LinearSolverWithBudget<iterum::linalg::SparseLdlt<>, Eigen::SparseMatrix<double>>);
  using iterum::test::invalid_argument_message;
  REQUIRE(invalid_argument_message([] { Newton method({.entries_per_column = 0}); }) ==
          "iterum::ot::SparseNewtonMethod: argument 'params.entries_per_column' must be positive "
          "(got 0)");
  REQUIRE(invalid_argument_message([] { Newton method({.min_kept_mass = 1.5}); }) ==
          "iterum::ot::SparseNewtonMethod: argument 'params.min_kept_mass' must lie in [0, 1] "
          "(got 1.5)");

  // Newton alone from a warm start near the solution converges in a few steps.
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(50, 40, 81);
  const Eigen::VectorXd a = random_marginal(50, 82), b = random_marginal(40, 83);
  const auto reference = iterum::ot::sinkhorn(a, b, c, 0.01, {.tolerance = 1e-6});
  REQUIRE(reference.ok());
  const iterum::ot::EntropicProblem problem(a, b, c, 0.01, "test");
  Newton newton;
  Eigen::VectorXd x0(90);
  x0 << reference.f, reference.g;
  const auto run = iterum::solve_from(
      problem, newton, newton.init(problem, x0),
      iterum::stop::any_of(iterum::stop::residual_below(1e-12), iterum::stop::max_iterations(30)));
  REQUIRE(run.ok());
  REQUIRE(run.state.fallback_steps == 0);
  REQUIRE(run.iterations <= 10);
  REQUIRE(newton.iterate(run.state).size() == 90);
}

TEST_CASE("SNS reports the phases of `then`: warm-up, then Newton", "[ot][sns]") {
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(80, 80, 91);
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(80, 1.0 / 80);
  for (const iterum::Index warmup : {0, 5, 40}) {
    std::vector<double> sizes;
    const auto r = iterum::ot::sinkhorn_newton_sparse(
        u, u, c, 1.0 / 500,
        {.tolerance = 1e-11,
         .monitor = {.callback =
                         [&](const iterum::IterationInfo&, iterum::IterateView x) {
                           sizes.push_back(static_cast<double>(x.size()));
                         }},
         .sinkhorn_warmup = warmup});
    INFO("warm-up " << warmup << ": " << r.sinkhorn_iterations << " + " << r.newton_iterations);
    REQUIRE(r.ok());
    REQUIRE(r.sinkhorn_iterations >= warmup);
    REQUIRE(r.newton_iterations >= 1);
    REQUIRE(r.iterations == r.sinkhorn_iterations + r.newton_iterations);
    REQUIRE(sizes.size() == static_cast<std::size_t>(r.iterations) + 1);
    REQUIRE(std::all_of(sizes.begin(), sizes.end(), [](double s) { return s == 160; }));
  }
}

TEST_CASE("SNS rejects a linear_tolerance above the forcing term's cap (issue 11, D7)",
          "[ot][sns][errors]") {
  using iterum::test::invalid_argument_message;
  const Eigen::VectorXd a = Eigen::VectorXd::Constant(3, 1.0 / 3);
  const Eigen::MatrixXd c = Eigen::MatrixXd::Ones(3, 3);
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(a, a, c, 1.0,
                                                     {.newton = {.linear_tolerance = 0.5}});
          }) ==
          "iterum::ot::sinkhorn_newton_sparse: argument 'options.newton.linear_tolerance' "
          "must lie in (0, 0.01] (got 0.5)");
  const auto r =
      iterum::ot::sinkhorn_newton_sparse(a, a, c, 1.0, {.newton = {.linear_tolerance = 0.01}});
  REQUIRE(r.ok());
}

TEST_CASE("SNS saturates a huge fallback_iterations instead of overflowing (issue 11, D8)",
          "[ot][sns]") {
  // Newton is made to fail at once (no mass kept is ever enough), so the first fallback
  // starts and the next one is scheduled: 4e18 * 4 must not overflow.
  const iterum::Index n = 8;
  Eigen::MatrixXd c(n, n);
  for (iterum::Index i = 0; i < n; ++i)
    for (iterum::Index j = 0; j < n; ++j) c(i, j) = static_cast<double>((i - j) * (i - j)) / 64.0;
  const Eigen::VectorXd a = Eigen::VectorXd::Constant(n, 1.0 / n);
  iterum::ot::SparseNewtonParams params{.fallback_iterations = 4'000'000'000'000'000'000LL};
  params.min_kept_mass = 1.0;
  params.entries_per_column = 1;
  params.max_entries_per_column = 1;
  const auto r = iterum::ot::sinkhorn_newton_sparse(
      a, a, c, 1.0,
      {.tolerance = 1e-9, .max_iterations = 60, .sinkhorn_warmup = 1, .newton = params});
  REQUIRE(std::isfinite(r.marginal_error));
  REQUIRE(r.f.allFinite());
}

TEST_CASE(
    "SNS rejects overflowing masses, cost ranges and epsilon naming the user's argument "
    "(issue 11, D3, D5, D6)",
    "[ot][sns][errors]") {
  using iterum::test::invalid_argument_message;
  const std::string f = "iterum::ot::sinkhorn_newton_sparse: ";
  const Eigen::VectorXd huge = Eigen::VectorXd::Constant(2, 1e308);
  const Eigen::VectorXd uneven{{1e308, 1.0}};
  const Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(2, 2);
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(huge, uneven, ones, 1.0);
          }) == f + "argument 'b' must have the same total mass as a (inf) within 1e-12 relative "
                    "(got total mass 1e+308)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(huge, huge, ones, 1.0);
          }) == f + "argument 'a' must have a finite total mass (got inf)");
  const Eigen::VectorXd half = Eigen::VectorXd::Constant(2, 0.5);
  const Eigen::MatrixXd wild{{1e308, -1e308}, {-1e308, 1e308}};
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(half, half, wild, 1.0);
          }) == f + "argument 'C' must have a finite range max C - min C (got inf)");
  const Eigen::MatrixXd spread{{0.0, 1.0}, {1.0, 0.0}};
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(half, half, spread, 5e-324);
          }) == f + "argument 'epsilon' must be large enough that max(1, max C - min C) / epsilon "
                    "is finite (got 5e-324)");
}
