// The robustness battery for completion::altmin: a fully observed 12 x 10 rank-2 matrix (the
// observations' values are the battery's argument "values"; their shape is free, so shapes are
// not mutated), exact completion (lambda = 0, no biases) at tolerance 1e-10. The certificate is
// recomputed here from the returned factors, at the unit scale the facade documents.

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "iterum/completion/altmin.hpp"
#include "iterum/completion/planted.hpp"
#include "robustness/battery.hpp"
#include "support/catch_compat.hpp"

namespace {

using iterum::Index;
using iterum::robust::Args;
using iterum::robust::Control;
using iterum::robust::Facade;
using iterum::robust::Outcome;

iterum::completion::Observations fully_observed(const Eigen::MatrixXd& values) {
  std::vector<Index> r;
  std::vector<Index> c;
  std::vector<double> v;
  for (Index j = 0; j < values.cols(); ++j) {
    for (Index i = 0; i < values.rows(); ++i) {
      r.push_back(i);
      c.push_back(j);
      v.push_back(values(i, j));
    }
  }
  return iterum::completion::Observations(values.rows(), values.cols(), r, c, v);
}

// docs/completion.md's certificate of the returned model, for a fully observed matrix, after
// the facade's scaling of extreme data (largest |value| outside 2^+-64) to unit scale.
double completion_certificate(const Eigen::MatrixXd& m_in,
                              const iterum::completion::CompletionResult& r) {
  const double top = m_in.cwiseAbs().maxCoeff();
  int e = 0;
  if (top > 0.0) (void)std::frexp(top, &e);
  if (e >= -64 && e <= 64) e = 0;
  const int eu = e >= 0 ? (e + 1) / 2 : -((-e) / 2);
  auto scaled = [](const auto& x, int by) {
    return x.unaryExpr([by](double t) { return std::ldexp(t, by); }).eval();
  };
  const Eigen::MatrixXd m = scaled(m_in, -e);
  const Eigen::MatrixXd u = scaled(r.u, -eu);
  const Eigen::MatrixXd v = scaled(r.v, eu - e);
  const Eigen::VectorXd b = scaled(r.row_bias, -e);
  const Eigen::VectorXd c = scaled(r.col_bias, -e);
  const double mean = std::ldexp(r.mean, -e);
  const double lambda = std::ldexp(r.lambda, -e);
  Eigen::MatrixXd pred = u * v.transpose();
  pred.colwise() += b;
  pred.rowwise() += c.transpose();
  pred.array() += mean;
  const Eigen::MatrixXd err = m - pred;
  const double wr = r.weighted_lambda ? static_cast<double>(m.cols()) : 1.0;
  const double wc = r.weighted_lambda ? static_cast<double>(m.rows()) : 1.0;
  const Eigen::MatrixXd gu = -err * v + lambda * wr * u;
  const Eigen::MatrixXd gv = -err.transpose() * u + lambda * wc * v;
  double gx2 = gu.squaredNorm();
  double gy2 = gv.squaredNorm();
  double fx2 = u.squaredNorm();
  double fy2 = v.squaredNorm();
  if (r.biases) {
    gx2 += (-err.rowwise().sum() + r.bias_lambda * b).squaredNorm();
    gy2 += (-err.colwise().sum().transpose() + r.bias_lambda * c).squaredNorm();
    fx2 += static_cast<double>(m.rows());
    fy2 += static_cast<double>(m.cols());
  }
  double rho = (m.array() - mean).matrix().norm();
  if (!(rho > 0.0)) rho = m.norm() > 0.0 ? m.norm() : 1.0;
  const double nx = std::sqrt(u.squaredNorm() + (r.biases ? b.squaredNorm() : 0.0));
  const double ny = std::sqrt(v.squaredNorm() + (r.biases ? c.squaredNorm() : 0.0));
  auto term = [&](double g2, double f2, double own) {
    return g2 > 0.0 ? std::sqrt(g2) / (rho * (f2 > 0.0 ? std::sqrt(f2) : own)) : 0.0;
  };
  return term(gx2, fy2, nx) + term(gy2, fx2, ny);
}

Facade completion_altmin_facade() {
  auto engine = iterum::make_engine(12);
  Eigen::MatrixXd a(12, 2);
  Eigen::MatrixXd b(10, 2);
  for (Index j = 0; j < 2; ++j) {
    for (Index i = 0; i < 12; ++i) a(i, j) = iterum::random::normal(engine);
    for (Index i = 0; i < 10; ++i) b(i, j) = iterum::random::normal(engine);
  }
  Facade f;
  f.function = "iterum::completion::altmin";
  f.also = {"iterum::completion::Observations"};
  f.args = {{"values", a * b.transpose(), false}};
  f.controls = {"tolerance", "max_iterations", "max_oracle_calls", "time_limit_seconds"};
  f.fields = {{"options.lambda"},
              {"options.bias_lambda"},
              {"options.forcing"},
              {"options.max_inner_tolerance"},
              {"options.init_power_iterations", true},
              {"options.init_clip"},
              {"options.clip_min", false, {"options.clip_max"}},
              {"options.clip_max", false, {"options.clip_min"}}};
  f.oracle_overshoot = 64;
  f.run = [](const Args& args, Control& ctl) {
    iterum::completion::AltMinOptions o;
    o.lambda = 0.0;
    o.biases = false;
    o.tolerance = 1e-10;
    iterum::robust::apply_control(o, ctl);
    const std::string& field = ctl.field;
    if (field == "options.lambda") o.lambda = ctl.value;
    if (field == "options.bias_lambda") o.bias_lambda = ctl.value;
    if (field == "options.forcing") o.forcing = ctl.value;
    if (field == "options.max_inner_tolerance") o.max_inner_tolerance = ctl.value;
    if (field == "options.init_power_iterations") {
      o.init_power_iterations = static_cast<Index>(iterum::robust::as_count(ctl.value));
    }
    if (field == "options.init_clip") o.init_clip = ctl.value;
    if (field == "options.clip_min") o.clip_min = ctl.value;
    if (field == "options.clip_max") o.clip_max = ctl.value;
    const auto r = iterum::completion::altmin(fully_observed(args[0].value), 2, o);
    Outcome out;
    out.status = r.status;
    out.iterations = r.iterations;
    out.oracle_calls = r.counters.oracle_calls;
    out.tolerance = o.tolerance;
    out.slack = 1e-12;
    out.finite = iterum::robust::all_finite(r.u) && iterum::robust::all_finite(r.v) &&
                 iterum::robust::all_finite(r.row_bias) && iterum::robust::all_finite(r.col_bias) &&
                 std::isfinite(r.residual) && std::isfinite(r.mean);
    out.certificate = completion_certificate(args[0].value, r);
    return out;
  };
  // 2000 x 2000, rank 20, oversampling 3: seconds of iterations to a certificate of 1e-14
  // (drawn here, outside the timed call).
  auto slow =
      std::make_shared<iterum::completion::PlantedMatrix>(iterum::completion::planted_low_rank(
          {.rows = 2000, .cols = 2000, .rank = 20, .oversampling = 3.0, .seed = 4}));
  f.run_slow = [slow](Control& ctl) {
    const auto& p = *slow;
    iterum::completion::AltMinOptions o;
    o.lambda = 0.0;
    o.biases = false;
    o.tolerance = 1e-14;
    iterum::robust::apply_control(o, ctl);
    const auto r = iterum::completion::altmin(p.observed, 20, o);
    return iterum::robust::slow_outcome(
        r, iterum::robust::all_finite(r.u) && iterum::robust::all_finite(r.v));
  };
  return f;
}

}  // namespace

TEST_CASE("robustness battery: completion::altmin", "[robustness][completion]") {
  iterum::robust::check_battery(completion_altmin_facade());
}
