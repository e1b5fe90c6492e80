// Tour case of the finite-sum methods: the least-squares problem P2 (n = 2500, d = 100) to
// ||F(x)|| <= 1e-2 ||F(0)||, deterministic Halpern on T = I - (2/L_F) F against the
// variance-reduced PAGE-Halpern (Alg. 1 of arXiv 2310.02987) at its default step 1/L as
// published (no restarts) and with the default adaptive restarts, and at 2/L with and without
// restarts. "iterations" here are epochs (component evaluations / n),
// the work measure that the variance-reduced methods are compared on.

#include <Eigen/Core>
#include <cmath>
#include <memory>
#include <vector>

#include <iterum/fixed_point/halpern.hpp>
#include <iterum/fixed_point/operators.hpp>
#include <iterum/fixed_point/vr_halpern.hpp>

#include "fixed_point/least_squares_problem.hpp"
#include "tour.hpp"

namespace {

namespace fp = iterum::fixed_point;

std::vector<tour::Method> least_squares_methods() {
  const Eigen::Index n = 2500, d = 100;
  auto f =
      std::make_shared<const fp::LeastSquaresSum<double>>(bench::least_squares_problem(n, d, 7));
  Eigen::VectorXd f0(d);
  f->evaluate(Eigen::VectorXd::Zero(d), f0);
  const double target = 1e-2 * f0.norm();
  const double gamma = 2.0 / f->full_lipschitz();
  const double lipschitz = f->lipschitz();
  std::vector<tour::Method> methods;
  methods.push_back(
      {"Halpern (2/L_F)", [=] {
         Eigen::VectorXd scratch(d);
         const auto t = fp::make_map<double>(d, [&](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
           f->evaluate(x, scratch);
           tx = x - gamma * scratch;
         });
         const auto r = fp::halpern(t, Eigen::VectorXd::Zero(d), {.tolerance = gamma * target});
         return tour::Outcome{static_cast<long>(r.counters.oracle_calls), r.residual / gamma,
                              r.ok()};
       }});
  auto page = [=](double step, bool restart) {
    return [=] {
      fp::VrHalpernOptions options;
      options.step = step;
      options.restart = restart ? fp::VrRestart::Adaptive : fp::VrRestart::None;
      options.tolerance = target;
      options.seed = 1;
      const auto r = fp::vr_halpern(*f, Eigen::VectorXd::Zero(d), options);
      return tour::Outcome{std::lround(r.epochs()), r.residual, r.ok()};
    };
  };
  methods.push_back({"PAGE-Halpern (1/L)", page(1.0 / lipschitz, false)});
  methods.push_back({"PAGE-Halpern, restarts (1/L, default)", page(1.0 / lipschitz, true)});
  methods.push_back({"PAGE-Halpern (2/L)", page(2.0 / lipschitz, false)});
  methods.push_back({"PAGE-Halpern, restarts (2/L)", page(2.0 / lipschitz, true)});
  return methods;
}

const tour::Register least_squares{
    {"fixed_point", "LS sum n=2500 (epochs)", [] { return least_squares_methods(); }, 5}};

}  // namespace
