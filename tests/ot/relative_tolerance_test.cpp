// The marginal tolerance relative to the total mass (issue 11: with masses of 1e-300 an
// absolute 1e-9 holds for any plan, so Sinkhorn "converged" at iteration 0).

#include <Eigen/Core>
#include <cmath>
#include <string>

#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::ot::MarginalTolerance;

TEST_CASE("a relative tolerance gives the same plan at masses 1e-300 and 1e300",
          "[ot][relative-tolerance]") {
  const iterum::Index n = 40;
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(n, n, 3);
  const Eigen::VectorXd a = iterum::test::random_marginal(n, 1);
  const Eigen::VectorXd b = iterum::test::random_marginal(n, 2);
  const double epsilon = 0.01;
  const auto reference = iterum::ot::sinkhorn(a, b, c, epsilon, {.tolerance = 1e-13});
  REQUIRE(reference.ok());
  const Eigen::MatrixXd plan = reference.plan();
  for (const double mass : {1e-300, 1e-150, 1e150, 1e300}) {
    const Eigen::VectorXd sa = mass * a, sb = mass * b;
    const auto sinkhorn = iterum::ot::sinkhorn(
        sa, sb, c, epsilon, {.tolerance = 1e-10, .tolerance_kind = MarginalTolerance::Relative});
    const auto sns = iterum::ot::sinkhorn_newton_sparse(
        sa, sb, c, epsilon, {.tolerance = 1e-10, .tolerance_kind = MarginalTolerance::Relative});
    for (const auto* r : {&sinkhorn, &sns}) {
      INFO("mass " << mass << (r == &sns ? ", SNS" : ", Sinkhorn") << ": "
                   << iterum::to_string(r->status) << " after " << r->iterations
                   << " iterations, relative marginal error " << r->marginal_error / mass);
      REQUIRE(r->status == iterum::Status::Converged);
      REQUIRE(r->iterations > 10);  // not at iteration 0
      REQUIRE(r->residual <= 1e-10);
      // The residual is the certificate in the tolerance's units (the mass is sa.sum()).
      REQUIRE(r->residual == r->marginal_error / sa.sum());
      REQUIRE((r->plan() / mass - plan).cwiseAbs().sum() < 1e-8);
      REQUIRE_THAT(r->transport_cost / mass,
                   Catch::Matchers::WithinRel(reference.transport_cost, 1e-8));
    }
  }
}

TEST_CASE("an absolute tolerance is the default, and says so at extreme masses",
          "[ot][relative-tolerance]") {
  const iterum::Index n = 20;
  const Eigen::MatrixXd c = iterum::test::uniform_matrix(n, n, 4);
  const Eigen::VectorXd a = iterum::test::random_marginal(n, 5);
  REQUIRE(iterum::ot::SinkhornOptions{}.tolerance_kind == MarginalTolerance::Absolute);
  REQUIRE(iterum::ot::SnsOptions{}.tolerance_kind == MarginalTolerance::Absolute);
  // Mass 1e-300: any plan meets an absolute 1e-9, and the certificate of the returned plan
  // says it does.
  const Eigen::VectorXd tiny = 1e-300 * a;
  const auto small = iterum::ot::sinkhorn(tiny, tiny, c, 0.01);
  REQUIRE(small.ok());
  REQUIRE(small.marginal_error <= 1e-9);
  // Mass 1e300: an absolute 1e-9 is far below the rounding of the plan: not Converged.
  const Eigen::VectorXd huge = 1e300 * a;
  const auto large = iterum::ot::sinkhorn(huge, huge, c, 0.01, {.max_iterations = 2000});
  const auto large_sns =
      iterum::ot::sinkhorn_newton_sparse(huge, huge, c, 0.01, {.max_iterations = 2000});
  REQUIRE(large.status == iterum::Status::MaxIterations);
  REQUIRE(large_sns.status == iterum::Status::MaxIterations);
  REQUIRE(large.marginal_error > 1e-9);
  // ... while its relative error is at rounding level.
  REQUIRE(large.marginal_error / 1e300 < 1e-12);
}

TEST_CASE("the tolerance kind is validated", "[ot][relative-tolerance][errors]") {
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(3, 1.0 / 3);
  const Eigen::MatrixXd c = Eigen::MatrixXd::Ones(3, 3);
  const auto bad = static_cast<MarginalTolerance>(7);
  REQUIRE(iterum::test::invalid_argument_message(
              [&] { (void)iterum::ot::sinkhorn(u, u, c, 1.0, {.tolerance_kind = bad}); }) ==
          "iterum::ot::sinkhorn: argument 'options.tolerance_kind' must be "
          "MarginalTolerance::Absolute or ::Relative (got 7)");
  REQUIRE(iterum::test::invalid_argument_message([&] {
            (void)iterum::ot::sinkhorn_newton_sparse(u, u, c, 1.0, {.tolerance_kind = bad});
          }) ==
          "iterum::ot::sinkhorn_newton_sparse: argument 'options.tolerance_kind' must be "
          "MarginalTolerance::Absolute or ::Relative (got 7)");
}
