// Near-exact transport (issue 12, target 4): epsilon-scaled Sinkhorn and SNS against exact OT
// computed independently (brute force over permutations for uniform marginals, n <= 7; the
// Hungarian algorithm of tests/support for 2-D clouds), and Altschuler-Weed-Rigollet rounding
// (its feasibility and its Lemma 7 bound on random plans).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "iterum/linalg/direct_solver.hpp"
#include "iterum/ot/epsilon_scaling.hpp"
#include "iterum/ot/round_to_feasible.hpp"
#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "support/catch_compat.hpp"
#include "support/point_clouds.hpp"
#include "support/splitmix.hpp"
#include "support/throws.hpp"

namespace {

/// min over permutations p of (1/n) sum_i C(i, p(i)): the exact OT cost for uniform marginals
/// 1/n on both sides (Birkhoff), by enumerating all n! permutations.
double near_exact_brute_force(const Eigen::MatrixXd& c) {
  std::vector<Eigen::Index> p(static_cast<std::size_t>(c.rows()));
  std::iota(p.begin(), p.end(), Eigen::Index{0});
  double best = std::numeric_limits<double>::infinity();
  do {
    double sum = 0.0;
    for (Eigen::Index i = 0; i < c.rows(); ++i) sum += c(i, p[static_cast<std::size_t>(i)]);
    best = std::min(best, sum);
  } while (std::next_permutation(p.begin(), p.end()));
  return best / static_cast<double>(c.rows());
}

Eigen::MatrixXd near_exact_random_cost(Eigen::Index m, Eigen::Index n, std::uint64_t seed) {
  iterum::test::SplitMix64 draw(seed);
  Eigen::MatrixXd c(m, n);
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < m; ++i) c(i, j) = draw.next();
  return c;
}

double near_exact_l1_error(const Eigen::MatrixXd& p, const Eigen::VectorXd& a,
                           const Eigen::VectorXd& b) {
  return (p.rowwise().sum() - a).lpNorm<1>() + (p.colwise().sum().transpose() - b).lpNorm<1>();
}

}  // namespace

TEST_CASE("the brute-force reference agrees with the Hungarian algorithm", "[ot][near-exact]") {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Eigen::MatrixXd c = near_exact_random_cost(6, 6, seed);
    REQUIRE(std::abs(near_exact_brute_force(c) - iterum::test::assignment_cost(c) / 6.0) < 1e-14);
  }
}

TEST_CASE("epsilon-scaled Sinkhorn and SNS reach the exact OT cost on tiny instances",
          "[ot][near-exact][epsilon-scaling]") {
  // Uniform marginals, random costs in [0, 1), n = 5..7: the exact optimum by enumerating
  // permutations. At epsilon = 1e-4 the entropic plan is within 1e-3 (relative) of an optimal
  // permutation; rounding it to the marginals gives a feasible plan, which can never cost less
  // than the optimum.
  const iterum::ot::EpsilonScaling schedule{};
  for (const Eigen::Index n : {5, 6, 7}) {
    for (std::uint64_t seed = 10; seed < 13; ++seed) {
      const Eigen::MatrixXd c = near_exact_random_cost(n, n, seed + static_cast<std::uint64_t>(n));
      const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
      const double exact = near_exact_brute_force(c);
      const auto sinkhorn =
          iterum::ot::sinkhorn(u, u, c, 1e-4, {.tolerance = 1e-10, .epsilon_scaling = schedule});
      const auto sns = iterum::ot::sinkhorn_newton_sparse(
          u, u, c, 1e-4, {.tolerance = 1e-10, .epsilon_scaling = schedule});
      for (const auto* r : {&sinkhorn, &sns}) {
        INFO("n " << n << " seed " << seed << " cost " << r->transport_cost << " exact " << exact);
        REQUIRE(r->ok());
        REQUIRE(r->marginal_error <= 1e-10);
        REQUIRE(r->stages > 1);
        REQUIRE(r->epsilon == 1e-4);
        REQUIRE(r->iterations == r->sinkhorn_iterations + r->newton_iterations);
        REQUIRE(std::abs(r->transport_cost - exact) <= 1e-3 * exact);
        const auto rounded = iterum::ot::round_to_feasible(*r, u, u, c);
        REQUIRE(rounded.ok());
        REQUIRE(near_exact_l1_error(rounded.plan, u, u) <= 1e-12);
        REQUIRE(rounded.plan.minCoeff() >= 0);
        REQUIRE(rounded.cost >= exact - 1e-14);
        REQUIRE(rounded.cost <= exact * (1 + 1e-3));
        REQUIRE(std::abs(rounded.cost - rounded.input_cost) <= rounded.cost_change_bound);
      }
    }
  }
}

TEST_CASE("epsilon-scaled SNS is near-exact on 2-D clouds", "[ot][near-exact][epsilon-scaling]") {
  // 2-D uniform clouds, squared Euclidean cost scaled to max 1, n = 40: the Hungarian
  // algorithm gives the exact cost; epsilon = 1e-5 of the largest cost.
  const Eigen::Index n = 40;
  const Eigen::MatrixXd c = iterum::test::squared_distance_cost(
      iterum::test::point_cloud(n, 7, false), iterum::test::point_cloud(n, 8, false));
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  const double exact = iterum::test::assignment_cost(c) / static_cast<double>(n);
  const auto sns = iterum::ot::sinkhorn_newton_sparse(
      u, u, c, 1e-5, {.tolerance = 1e-10, .epsilon_scaling = iterum::ot::EpsilonScaling{}});
  INFO("cost " << sns.transport_cost << " exact " << exact);
  REQUIRE(sns.ok());
  REQUIRE(sns.marginal_error <= 1e-10);
  REQUIRE(std::abs(sns.transport_cost - exact) <= 1e-3 * exact);
  // The Newton-system solver is a policy in every stage, copyable or not (an exact LDL^T).
  const auto ldlt = iterum::ot::sinkhorn_newton_sparse(
      u, u, c, 1e-5, {.tolerance = 1e-10, .epsilon_scaling = iterum::ot::EpsilonScaling{}},
      iterum::linalg::SparseLdlt<>());
  REQUIRE(ldlt.ok());
  REQUIRE(ldlt.stages == sns.stages);
  REQUIRE(std::abs(ldlt.transport_cost - sns.transport_cost) <= 1e-9 * exact);
  const auto rounded = iterum::ot::round_to_feasible(sns, u, u, c);
  REQUIRE(near_exact_l1_error(rounded.plan, u, u) <= 1e-12);
  REQUIRE(rounded.cost >= exact - 1e-14);
  REQUIRE(rounded.cost <= exact * (1 + 1e-3));
}

TEST_CASE("epsilon scaling matches the direct solve, and pays at small epsilon",
          "[ot][near-exact][epsilon-scaling]") {
  const Eigen::Index n = 30;
  const Eigen::MatrixXd c = iterum::test::squared_distance_cost(
      iterum::test::point_cloud(n, 3, true), iterum::test::point_cloud(n, 4, true));
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  // Moderate epsilon: the same optimum (the entropic problem is strictly convex), so the same
  // plan within what the tolerance allows.
  const iterum::ot::EpsilonScaling schedule{.factor = 0.5};
  const auto direct = iterum::ot::sinkhorn(u, u, c, 0.02, {.tolerance = 1e-11});
  const auto scaled =
      iterum::ot::sinkhorn(u, u, c, 0.02, {.tolerance = 1e-11, .epsilon_scaling = schedule});
  REQUIRE(direct.ok());
  REQUIRE(scaled.ok());
  REQUIRE(scaled.stages == 7);  // 1 (the cost range), 0.5, ..., 0.03125, then 0.02
  REQUIRE((direct.plan() - scaled.plan()).cwiseAbs().sum() <= 1e-9);
  REQUIRE(std::abs(direct.transport_cost - scaled.transport_cost) <= 1e-10);
  // Small epsilon: far fewer iterations in all stages together than one cold solve.
  const auto cold = iterum::ot::sinkhorn_newton_sparse(u, u, c, 1e-4, {.tolerance = 1e-9});
  const auto warm = iterum::ot::sinkhorn_newton_sparse(
      u, u, c, 1e-4, {.tolerance = 1e-9, .epsilon_scaling = iterum::ot::EpsilonScaling{}});
  INFO("cold " << cold.iterations << " warm " << warm.iterations);
  REQUIRE(cold.ok());
  REQUIRE(warm.ok());
  REQUIRE(2 * warm.iterations < cold.iterations);
  // Sinkhorn gains less: the last stage converges at Sinkhorn's rate at the target epsilon
  // whatever the start; the warm start saves the transient (with factor 0.25: 4188 -> 3994
  // iterations on this uniform cloud, 1438 -> 891 at n = 300 and epsilon = 1e-3, and nothing
  // on the mixture above).
  const Eigen::MatrixXd uniform = iterum::test::squared_distance_cost(
      iterum::test::point_cloud(n, 5, false), iterum::test::point_cloud(n, 6, false));
  const auto sinkhorn_cold = iterum::ot::sinkhorn(u, u, uniform, 5e-3, {.tolerance = 1e-9});
  const auto sinkhorn_warm = iterum::ot::sinkhorn(
      u, u, uniform, 5e-3, {.tolerance = 1e-9, .epsilon_scaling = iterum::ot::EpsilonScaling{}});
  INFO("Sinkhorn cold " << sinkhorn_cold.iterations << " warm " << sinkhorn_warm.iterations);
  REQUIRE(sinkhorn_cold.ok());
  REQUIRE(sinkhorn_warm.ok());
  REQUIRE(std::abs(sinkhorn_cold.transport_cost - sinkhorn_warm.transport_cost) <= 1e-8);
  REQUIRE(sinkhorn_warm.iterations < sinkhorn_cold.iterations);
}

TEST_CASE("an epsilon-scaled solve is judged at the target epsilon, within one budget",
          "[ot][near-exact][epsilon-scaling]") {
  const Eigen::Index n = 30;
  const Eigen::MatrixXd c = iterum::test::squared_distance_cost(
      iterum::test::point_cloud(n, 5, false), iterum::test::point_cloud(n, 6, false));
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  iterum::Monitor monitor;
  monitor.record_history = true;
  const auto short_run = iterum::ot::sinkhorn(u, u, c, 1e-4,
                                              {.tolerance = 1e-9,
                                               .max_iterations = 12,
                                               .monitor = monitor,
                                               .epsilon_scaling = iterum::ot::EpsilonScaling{}});
  REQUIRE(short_run.status == iterum::Status::MaxIterations);
  REQUIRE(short_run.iterations <= 12);
  REQUIRE(short_run.epsilon == 1e-4);
  REQUIRE(std::abs(short_run.residual - short_run.marginal_error) <=
          1e-12 * short_run.marginal_error);  // the target's certificate
  REQUIRE(short_run.marginal_error > 1e-9);
  // One history entry per iteration and one start per stage.
  REQUIRE(short_run.history.size() ==
          static_cast<std::size_t>(short_run.iterations + short_run.stages));
  const auto sns_short = iterum::ot::sinkhorn_newton_sparse(
      u, u, c, 1e-4,
      {.tolerance = 1e-9, .max_iterations = 12, .epsilon_scaling = iterum::ot::EpsilonScaling{}});
  REQUIRE(sns_short.status != iterum::Status::Converged);
  REQUIRE(sns_short.iterations <= 12);
  REQUIRE(sns_short.epsilon == 1e-4);
  // Budgets spent before the target stage: the last potentials are certified at the target
  // epsilon against the caller's tolerance (not the loose stage tolerance).
  for (const iterum::Index budget : {0, 1, 2, 3}) {
    const auto spent = iterum::ot::sinkhorn(u, u, c, 1e-4,
                                            {.tolerance = 1e-9,
                                             .max_iterations = budget,
                                             .epsilon_scaling = iterum::ot::EpsilonScaling{}});
    INFO("budget " << budget);
    REQUIRE(spent.status == iterum::Status::MaxIterations);
    REQUIRE(spent.iterations <= budget);
    REQUIRE(spent.epsilon == 1e-4);
    REQUIRE(spent.marginal_error > 1e-9);
    REQUIRE(std::abs(spent.residual - spent.marginal_error) <= 1e-12 * spent.marginal_error);
  }
  const auto late =
      iterum::ot::sinkhorn_newton_sparse(u, u, c, 1e-4,
                                         {.tolerance = 1e-9,
                                          .time_limit_seconds = 1e-12,
                                          .epsilon_scaling = iterum::ot::EpsilonScaling{}});
  REQUIRE(late.status == iterum::Status::TimeLimit);
  REQUIRE(late.epsilon == 1e-4);
  REQUIRE(late.marginal_error > 1e-9);
  // A start at the target is a single stage.
  const auto single = iterum::ot::sinkhorn(
      u, u, c, 0.5,
      {.tolerance = 1e-9, .epsilon_scaling = iterum::ot::EpsilonScaling{.start = 0.5}});
  REQUIRE(single.ok());
  REQUIRE(single.stages == 1);
}

TEST_CASE("epsilon-scaling options are validated", "[ot][near-exact][errors]") {
  using iterum::test::invalid_argument_message;
  const Eigen::VectorXd a = Eigen::VectorXd::Constant(3, 1.0 / 3);
  const Eigen::MatrixXd c = Eigen::MatrixXd::Ones(3, 3);
  const std::string s = "iterum::ot::sinkhorn: ";
  const std::string sns = "iterum::ot::sinkhorn_newton_sparse: ";
  for (const double factor : {0.0, 1.0, -0.5, 2.0}) {
    const iterum::ot::EpsilonScaling bad{.factor = factor};
    const std::string got = iterum::check::text(factor);
    REQUIRE(invalid_argument_message(
                [&] { (void)iterum::ot::sinkhorn(a, a, c, 0.1, {.epsilon_scaling = bad}); }) ==
            s + "argument 'options.epsilon_scaling.factor' must lie in (0, 1) (got " + got + ")");
    REQUIRE(invalid_argument_message([&] {
              (void)iterum::ot::sinkhorn_newton_sparse(a, a, c, 0.1, {.epsilon_scaling = bad});
            }) ==
            sns + "argument 'options.epsilon_scaling.factor' must lie in (0, 1) (got " + got + ")");
  }
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn(
                a, a, c, 0.1, {.epsilon_scaling = iterum::ot::EpsilonScaling{.start = 0.05}});
          }) == s + "argument 'options.epsilon_scaling.start' must be at least epsilon (0.1) "
                    "(got 0.05)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(
                a, a, c, 0.1, {.epsilon_scaling = iterum::ot::EpsilonScaling{.start = 0.05}});
          }) == sns +
                    "argument 'options.epsilon_scaling.start' must be at least epsilon (0.1) "
                    "(got 0.05)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn(
                a, a, c, 0.1,
                {.epsilon_scaling = iterum::ot::EpsilonScaling{.stage_tolerance = 0}});
          }) == s + "argument 'options.epsilon_scaling.stage_tolerance' must be positive (got 0)");
}

TEST_CASE("rounding makes any plan feasible within Lemma 7's bound", "[ot][near-exact][round]") {
  // Random nonnegative plans with random marginals (equal masses): perturbations of a
  // feasible plan (the product a b^T / mass), plans of the wrong mass, and plans with empty rows
  // and columns.
  iterum::test::SplitMix64 draw(99);
  for (int trial = 0; trial < 40; ++trial) {
    const Eigen::Index m = 2 + trial % 7;
    const Eigen::Index n = 3 + (trial * 5) % 6;
    Eigen::VectorXd a(m), b(n);
    for (Eigen::Index i = 0; i < m; ++i) a[i] = draw.next() + 0.01;
    for (Eigen::Index j = 0; j < n; ++j) b[j] = draw.next() + 0.01;
    b *= a.sum() / b.sum();
    Eigen::MatrixXd p = a * b.transpose() / a.sum();
    const double noise = trial % 4 == 0 ? 1.0 : 0.1;
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = 0; i < m; ++i)
        p(i, j) *= std::max(0.0, 1 + noise * (2 * draw.next() - 1));
    if (trial % 5 == 1) p.row(0).setZero();
    if (trial % 5 == 2) p.col(n - 1).setZero();
    if (trial % 5 == 3) p *= 3.0;
    const Eigen::MatrixXd c =
        near_exact_random_cost(m, n, 1000 + static_cast<std::uint64_t>(trial));
    const auto r = iterum::ot::round_to_feasible(p, a, b, c);
    const double error = near_exact_l1_error(p, a, b);
    INFO("trial " << trial);
    REQUIRE(r.ok());
    REQUIRE(r.plan.minCoeff() >= 0);
    REQUIRE(near_exact_l1_error(r.plan, a, b) <= 1e-12 * a.sum());
    REQUIRE(std::abs(r.input_marginal_error - error) <= 1e-13);
    REQUIRE(r.change_bound == 2 * r.input_marginal_error);
    const double change = (r.plan - p).cwiseAbs().sum();
    REQUIRE(std::abs(r.change - change) <= 1e-13);
    REQUIRE(change <= r.change_bound + 1e-13);
    REQUIRE(std::abs(r.cost - (r.plan.array() * c.array()).sum()) <= 1e-13);
    REQUIRE(std::abs(r.cost - r.input_cost) <= r.cost_change_bound + 1e-13);
    // Without a cost: the same plan.
    REQUIRE(iterum::ot::round_to_feasible(p, a, b).plan == r.plan);
  }
  // A feasible plan is left as it is.
  const Eigen::Vector2d half(0.5, 0.5);
  Eigen::Matrix2d feasible;
  feasible << 0.2, 0.3, 0.3, 0.2;
  REQUIRE(iterum::ot::round_to_feasible(feasible, half, half).plan == feasible);
  // A hand-computed case: P = [[0.6, 0], [0, 0.1]] for a = b = (0.5, 0.5): rows scaled to
  // (0.5, 0), (0, 0.1); columns already within b; missing mass err_r = (0, 0.4),
  // err_c = (0, 0.4): G = [[0.5, 0], [0, 0.5]].
  Eigen::Matrix2d skewed;
  skewed << 0.6, 0, 0, 0.1;
  const auto r = iterum::ot::round_to_feasible(skewed, half, half);
  REQUIRE((r.plan - Eigen::Matrix2d(Eigen::Vector2d(0.5, 0.5).asDiagonal())).norm() < 1e-15);
  REQUIRE(std::abs(r.change - 0.5) < 1e-15);
  REQUIRE(std::abs(r.change_bound - 2 * (0.1 + 0.4 + 0.1 + 0.4)) < 1e-15);
}

TEST_CASE("rounding rejects bad input", "[ot][near-exact][errors]") {
  using iterum::test::invalid_argument_message;
  const std::string f = "iterum::ot::round_to_feasible: ";
  const Eigen::Vector2d a(0.5, 0.5);
  Eigen::Matrix2d p;
  p << 0.5, -0.1, 0, 0.5;
  REQUIRE(invalid_argument_message([&] { (void)iterum::ot::round_to_feasible(p, a, a); }) ==
          f + "argument 'P' must be nonnegative (got -0.1)");
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::round_to_feasible(Eigen::MatrixXd::Ones(3, 2), a, a);
          }).rfind(f + "argument 'P' must have as many rows as a has entries", 0) == 0);
  REQUIRE(invalid_argument_message([&] {
            (void)iterum::ot::round_to_feasible(Eigen::Matrix2d::Identity(), a,
                                                Eigen::Vector2d(0.5, 0.6));
          }).rfind(f + "argument 'b' must have the same finite total mass as a", 0) == 0);
}
