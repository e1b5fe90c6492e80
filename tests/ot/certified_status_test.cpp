// The status of the entropic OT solvers is decided by the certificate of what they return
// (issue 12): a sweep over 2-D point clouds down to epsilon = 1e-5 of the largest cost, where
// every `Converged` result must have a recomputed marginal error within the tolerance and a
// cost no lower than the exact optimal transport cost (Hungarian algorithm: with uniform
// marginals of equal size, an optimal plan is a permutation scaled by 1 / n).

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "support/catch_compat.hpp"
#include "support/point_clouds.hpp"

TEST_CASE("the Hungarian reference solves small assignments exactly", "[ot][certified]") {
  Eigen::MatrixXd c(3, 3);
  c << 4, 1, 3, 2, 0, 5, 3, 2, 2;
  REQUIRE(iterum::test::assignment_cost(c) == 5.0);  // 1 + 2 + 2
}

TEST_CASE("every Converged result of Sinkhorn and SNS is certified by what it returns",
          "[ot][certified][sns][sinkhorn]") {
  const double tolerance = 1e-6;
  for (const iterum::Index n : {60, 150}) {
    for (const bool mixture : {false, true}) {
      const auto seed = static_cast<std::uint64_t>(n);
      const Eigen::MatrixXd c =
          iterum::test::squared_distance_cost(iterum::test::point_cloud(n, seed, mixture),
                                              iterum::test::point_cloud(n, seed + 1, mixture));
      const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
      const double exact = iterum::test::assignment_cost(c) / static_cast<double>(n);
      for (const double epsilon : {1e-2, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5}) {
        const auto sns = iterum::ot::sinkhorn_newton_sparse(
            u, u, c, epsilon, {.tolerance = tolerance, .max_iterations = 20000});
        const auto sinkhorn = iterum::ot::sinkhorn(
            u, u, c, epsilon, {.tolerance = tolerance, .max_iterations = 20000});
        for (const auto* r : {&sns, &sinkhorn}) {
          INFO("n " << n << (mixture ? " mixture" : " uniform") << ", epsilon " << epsilon
                    << (r == &sns ? ", SNS" : ", Sinkhorn") << ": " << iterum::to_string(r->status)
                    << " after " << r->iterations << " iterations, marginal error "
                    << r->marginal_error << ", cost " << r->transport_cost << ", exact " << exact);
          REQUIRE(r->residual == r->marginal_error);  // the status is judged by it
          if (r->status != iterum::Status::Converged) {
            REQUIRE(r->marginal_error > tolerance);
            continue;
          }
          REQUIRE(r->marginal_error <= tolerance);
          // A plan whose marginals are off by delta in L1 costs at least exact - delta max C.
          REQUIRE(r->transport_cost >= exact - tolerance);
        }
      }
    }
  }
}

namespace {

/// Sinkhorn that claims convergence after every step (a method whose own error is wrong).
struct OptimistSinkhorn {
  using State = iterum::ot::SinkhornState;
  iterum::ot::SinkhornMethod base{};
  [[nodiscard]] State init(const iterum::ot::EntropicProblem& p) const { return base.init(p); }
  void step(const iterum::ot::EntropicProblem& p, State& s) const { base.step(p, s); }
  [[nodiscard]] double residual(const iterum::ot::EntropicProblem&, const State&) const {
    return 0.0;
  }
  [[nodiscard]] bool is_finite(const iterum::ot::EntropicProblem& p, const State& s) const {
    return base.is_finite(p, s);
  }
  [[nodiscard]] Eigen::VectorXd iterate(const State& s) const { return base.iterate(s); }
};

}  // namespace

TEST_CASE("the OT stop rule trusts only the certificate recomputed from the potentials",
          "[ot][certified]") {
  const Eigen::MatrixXd c = iterum::test::squared_distance_cost(
      iterum::test::point_cloud(40, 7, false), iterum::test::point_cloud(40, 8, false));
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(40, 1.0 / 40);
  const iterum::ot::EntropicProblem problem(u, u, c, 0.01, "test");
  iterum::Index resyncs = 0;
  const auto resync = [&resyncs](const OptimistSinkhorn& m, const iterum::ot::EntropicProblem& p,
                                 iterum::ot::SinkhornState& s) {
    ++resyncs;
    m.base.resync(p, s);
  };
  iterum::ot::detail::CertifiedStop method(OptimistSinkhorn{}, resync, 1e-9, 1.0);
  auto run = iterum::solve_monitored(
      problem, method, method.init(problem),
      iterum::stop::any_of(iterum::stop::residual_below(1e-9), iterum::stop::max_iterations(5000)),
      iterum::Monitor{}, "test");
  REQUIRE(run.status == iterum::Status::Converged);
  const Eigen::VectorXd x = method.iterate(run.state);
  const double certificate =
      iterum::ot::detail::certify_plan(problem, x.head(40), x.tail(40)).marginal_error;
  REQUIRE(certificate <= 1e-9);
  REQUIRE(run.residual == certificate);
  // The claim failed at first, with checks after 1, 2, 4, ... iterations: a handful of
  // certificates over hundreds of iterations, not one per iteration.
  REQUIRE(run.iterations > 50);
  REQUIRE(resyncs >= 1);
  REQUIRE(run.state.certificates <= 20);
}

TEST_CASE("SNS decides from a sample of columns whether a Newton attempt can pay", "[ot][sns]") {
  // Issue 12, target 3: on plans too spread for the sparsity cap, the hand-over from the
  // warm-up starts a Sinkhorn fallback without building the plan or selecting entries.
  const iterum::Index n = 200;
  const Eigen::MatrixXd c = iterum::test::squared_distance_cost(
      iterum::test::point_cloud(n, 11, false), iterum::test::point_cloud(n, 12, false));
  const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
  const iterum::ot::SinkhornMethod sinkhorn;
  const iterum::ot::SparseNewtonMethod<> newton;
  for (const double epsilon : {0.03, 0.001}) {
    const iterum::ot::EntropicProblem problem(u, u, c, epsilon, "test");
    auto warm = sinkhorn.init(problem);
    for (int k = 0; k < 20; ++k) sinkhorn.step(problem, warm);
    const auto state = newton.init(problem, warm);
    INFO("epsilon " << epsilon);
    REQUIRE(state.fallback.has_value() == (epsilon == 0.03));
  }
  // Where Newton never engages, SNS is Sinkhorn: same iterations, same answer.
  const auto s = iterum::ot::sinkhorn(u, u, c, 0.03, {.tolerance = 1e-9});
  const auto r = iterum::ot::sinkhorn_newton_sparse(u, u, c, 0.03, {.tolerance = 1e-9});
  REQUIRE(s.ok());
  REQUIRE(r.ok());
  REQUIRE(r.newton_iterations == 0);
  REQUIRE(r.iterations == s.iterations);
  REQUIRE(r.counters.inner_iterations == 0);
}
