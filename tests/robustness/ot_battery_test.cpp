// The robustness battery on entropic optimal transport: sinkhorn and sinkhorn_newton_sparse
// (tests/robustness/battery.hpp).

#include <cmath>
#include <string>

#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "robustness/battery.hpp"
#include "support/catch_compat.hpp"

namespace {

using iterum::Index;
using iterum::robust::Args;
using iterum::robust::Control;
using iterum::robust::Facade;
using iterum::robust::Outcome;

/// a (4), b (5), C (4 x 5, C_ij = (i/3 - j/4)^2), epsilon = 0.1, warm starts f0 = 0, g0 = 0.
Args transport_args() {
  Eigen::VectorXd a(4), b(5);
  a << 0.1, 0.2, 0.3, 0.4;
  b.setConstant(0.2);
  Eigen::MatrixXd c(4, 5);
  for (Index i = 0; i < 4; ++i)
    for (Index j = 0; j < 5; ++j)
      c(i, j) = std::pow(static_cast<double>(i) / 3.0 - static_cast<double>(j) / 4.0, 2);
  Eigen::MatrixXd eps(1, 1);
  eps(0, 0) = 0.1;
  return {{"a", a},
          {"b", b},
          {"C", c},
          {"epsilon", eps, false},
          {"options.f0", Eigen::VectorXd::Zero(4)},
          {"options.g0", Eigen::VectorXd::Zero(5)}};
}

/// The marginal error of the plan P_ij = exp((f_i + g_j - C_ij) / epsilon) (zero off the
/// support of a and b), recomputed from the returned potentials. A plan of this Gibbs form with
/// the right marginals is the unique entropic optimum, so this certifies the answer. The
/// tolerance is absolute (the documented default), allowed to grow with the mass above 1.
Outcome transport_outcome(const Args& args, const iterum::ot::TransportResult& r, double tol) {
  const Eigen::VectorXd a = args[0].value;
  const Eigen::VectorXd b = args[1].value;
  const Eigen::MatrixXd& c = args[2].value;
  const double eps = args[3].value(0, 0);
  Outcome o;
  o.status = r.status;
  o.iterations = r.iterations;
  // <C, P> and the dual value may overflow to +-inf (never NaN) only when max|C| times the
  // mass does: then no finite double is right.
  const bool huge = c.size() > 0 && !std::isfinite(4.0 * c.cwiseAbs().maxCoeff() * a.sum());
  const auto value_ok = [huge](double v) { return std::isfinite(v) || (huge && !std::isnan(v)); };
  o.finite = iterum::robust::all_finite(r.f) && iterum::robust::all_finite(r.g) &&
             std::isfinite(r.marginal_error) && value_ok(r.transport_cost) &&
             value_ok(r.dual_value) &&
             (std::isfinite(r.residual) || r.status == iterum::Status::NumericalIssue);
  if (r.f.size() != a.size() || r.g.size() != b.size()) return o;
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(a.size(), b.size());
  for (Index i = 0; i < a.size(); ++i)
    for (Index j = 0; j < b.size(); ++j)
      if (a[i] > 0 && b[j] > 0) p(i, j) = std::exp((r.f[i] + r.g[j] - c(i, j)) / eps);
  o.certificate =
      (p.rowwise().sum() - a).lpNorm<1>() + (p.colwise().sum().transpose() - b).lpNorm<1>();
  o.tolerance = tol * std::max(1.0, a.sum());
  // Summing m n plan entries in another order than the library: a few ulps of the mass each.
  o.slack = 4.0 * std::numeric_limits<double>::epsilon() * static_cast<double>(p.size()) * a.sum();
  return o;
}

/// The slow input: 300 x 300, epsilon = 1e-3, tolerance 1e-14.
struct SlowTransport {
  Eigen::VectorXd a = Eigen::VectorXd::Constant(300, 1.0 / 300);
  Eigen::MatrixXd c = Eigen::MatrixXd::NullaryExpr(300, 300, [](Index i, Index j) {
    return std::pow((static_cast<double>(i) - static_cast<double>(j)) / 300.0, 2);
  });
};

Outcome slow_transport(const iterum::ot::TransportResult& r) {
  return iterum::robust::slow_outcome(
      r, iterum::robust::all_finite(r.f) && iterum::robust::all_finite(r.g));
}

template <class Options>
void set_warm_start(Options& o, const Args& args) {
  o.f0 = Eigen::VectorXd(args[4].value);
  o.g0 = Eigen::VectorXd(args[5].value);
}

Facade sinkhorn_facade() {
  Facade f;
  f.function = "iterum::ot::sinkhorn";
  f.args = transport_args();
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.run = [](const Args& args, Control& c) {
    // 5000 iterations bound the hostile cases (the nominal one converges in about 50); the
    // default budget (100000) is a matter of time, not of robustness.
    iterum::ot::SinkhornOptions o{.tolerance = 1e-9, .max_iterations = 5000};
    iterum::robust::apply_control(o, c);
    set_warm_start(o, args);
    const Eigen::VectorXd a = args[0].value;
    const Eigen::VectorXd b = args[1].value;
    const auto r = iterum::ot::sinkhorn(a, b, args[2].value, args[3].value(0, 0), o);
    return transport_outcome(args, r, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const SlowTransport s;
    iterum::ot::SinkhornOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    return slow_transport(iterum::ot::sinkhorn(s.a, s.a, s.c, 1e-3, o));
  };
  return f;
}

Facade sns_facade() {
  Facade f;
  f.function = "iterum::ot::sinkhorn_newton_sparse";
  f.args = transport_args();
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.fields = {
      {"options.sinkhorn_warmup", true},
      {"options.newton.entries_per_column", true, {"options.newton.max_entries_per_column"}},
      {"options.newton.max_entries_per_column", true},
      {"options.newton.linear_tolerance"},
      {"options.newton.max_backtracks", true},
      {"options.newton.min_kept_mass"},
      {"options.newton.fallback_iterations", true},
      {"options.newton.max_potential_step"},
      {"options.newton.linear_work_limit"}};
  f.run = [](const Args& args, Control& c) {
    iterum::ot::SnsOptions o{.tolerance = 1e-9, .max_iterations = 5000};
    iterum::robust::apply_control(o, c);
    set_warm_start(o, args);
    const auto count = static_cast<Index>(iterum::robust::as_count(c.value));
    auto& n = o.newton;
    if (c.field == "options.sinkhorn_warmup") o.sinkhorn_warmup = count;
    if (c.field == "options.newton.entries_per_column") n.entries_per_column = count;
    if (c.field == "options.newton.max_entries_per_column") n.max_entries_per_column = count;
    if (c.field == "options.newton.linear_tolerance") n.linear_tolerance = c.value;
    if (c.field == "options.newton.max_backtracks") n.max_backtracks = count;
    if (c.field == "options.newton.min_kept_mass") n.min_kept_mass = c.value;
    if (c.field == "options.newton.fallback_iterations") n.fallback_iterations = count;
    if (c.field == "options.newton.max_potential_step") n.max_potential_step = c.value;
    if (c.field == "options.newton.linear_work_limit") n.linear_work_limit = c.value;
    const Eigen::VectorXd a = args[0].value;
    const Eigen::VectorXd b = args[1].value;
    const auto r = iterum::ot::sinkhorn_newton_sparse(a, b, args[2].value, args[3].value(0, 0), o);
    return transport_outcome(args, r, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const SlowTransport s;
    iterum::ot::SnsOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    return slow_transport(iterum::ot::sinkhorn_newton_sparse(s.a, s.a, s.c, 1e-3, o));
  };
  return f;
}

}  // namespace

TEST_CASE("robustness battery: sinkhorn", "[robustness][ot]") {
  iterum::robust::check_battery(sinkhorn_facade());
}
TEST_CASE("robustness battery: sinkhorn_newton_sparse", "[robustness][ot]") {
  iterum::robust::check_battery(sns_facade());
}
