// The robustness battery on the fixed-point family: halpern, vr_halpern, extragradient (on a
// least-squares finite sum and on a matrix game) (tests/robustness/battery.hpp).

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "iterum/core/random.hpp"
#include "iterum/fixed_point/callable_map.hpp"
#include "iterum/fixed_point/douglas_rachford.hpp"
#include "iterum/fixed_point/extragradient.hpp"
#include "iterum/fixed_point/halpern.hpp"
#include "iterum/fixed_point/least_squares_sum.hpp"
#include "iterum/fixed_point/lp_pdhg.hpp"
#include "iterum/fixed_point/matrix_game.hpp"
#include "iterum/fixed_point/vr_halpern.hpp"
#include "iterum/prox/least_squares.hpp"
#include "iterum/prox/soft_threshold.hpp"
#include "robustness/battery.hpp"
#include "support/catch_compat.hpp"

namespace {

using iterum::Index;
using iterum::robust::Args;
using iterum::robust::Control;
using iterum::robust::Facade;
using iterum::robust::Outcome;

/// What every halpern adapter reports before its certificate: status, counts, and whether x
/// (and the residual, unless NumericalIssue) is finite.
template <class R>
Outcome halpern_outcome(const R& r, double tolerance) {
  Outcome out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.oracle_calls = r.counters.oracle_calls;
  out.tolerance = tolerance;
  out.finite = iterum::robust::all_finite(r.x) &&
               (std::isfinite(r.residual) || r.status == iterum::Status::NumericalIssue);
  return out;
}

// ---------------------------------------------------------------------------------------------
// halpern: T x = M x + c with M = 0.9 times a rotation (a contraction); x* = (I - M)^{-1} c.
// M and c are the map's data: the facade never sees them, so it can only report what T does.

Args halpern_args() {
  Eigen::MatrixXd m(3, 3);
  const double s = std::sin(0.7), co = std::cos(0.7);
  m << co, -s, 0, s, co, 0, 0, 0, 1;
  m *= 0.9;
  Eigen::VectorXd c(3);
  c << 1, -2, 0.5;
  return {{"x0", Eigen::VectorXd::Zero(3)}, {"M", m, false, false}, {"c", c, false, false}};
}

Facade halpern_facade() {
  Facade f;
  f.function = "iterum::fixed_point::halpern";
  f.args = halpern_args();
  f.controls = {"tolerance", "max_iterations", "max_oracle_calls", "time_limit_seconds"};
  f.fields = {{"options.contraction"},
              {"options.restart_decay"},
              {"options.restart_necessary_decay"},
              {"options.restart_artificial_fraction"},
              {"options.restart_check_every", true},
              {"options.certificate_every", true}};
  f.oracle_overshoot = 0;  // "each iteration costs one", the initial evaluation included
  f.oracle_hook = true;
  f.run = [](const Args& args, Control& c) {
    const Eigen::MatrixXd& m = args[1].value;
    const Eigen::VectorXd shift = args[2].value;
    iterum::robust::Tripwire* wire = &c.oracle;
    const auto t = iterum::fixed_point::make_map<double>(
        3, [&m, &shift, wire](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
          tx.noalias() = m * x;
          tx += shift;
          wire->visit(tx);
        });
    // Adaptive restarts: linear convergence on a contraction (classic anchoring is O(1/k)).
    iterum::fixed_point::HalpernOptions o{.tolerance = 1e-8,
                                          .restart = iterum::fixed_point::HalpernRestart::Adaptive};
    iterum::robust::apply_control(o, c);
    const auto count = static_cast<Index>(iterum::robust::as_count(c.value));
    if (c.field == "options.contraction") o.contraction = c.value;
    if (c.field == "options.restart_decay") o.restart_decay = c.value;
    if (c.field == "options.restart_necessary_decay") o.restart_necessary_decay = c.value;
    if (c.field == "options.restart_artificial_fraction") o.restart_artificial_fraction = c.value;
    if (c.field == "options.restart_check_every") o.restart_check_every = count;
    if (c.field == "options.certificate_every") o.certificate_every = count;
    if (c.field == "options.contraction")
      o.anchoring = iterum::fixed_point::HalpernAnchoring::Contractive;
    if (c.field.rfind("options.restart", 0) == 0)
      o.restart = iterum::fixed_point::HalpernRestart::Cupdlpx;
    const auto r = iterum::fixed_point::halpern(t, args[0].value, o);
    Outcome out = halpern_outcome(r, o.tolerance);
    out.certificate = iterum::robust::safe_norm((r.x - (m * r.x + shift)).eval());
    const Eigen::VectorXd truth =
        (Eigen::MatrixXd::Identity(3, 3) - m).colPivHouseholderQr().solve(shift);
    if (iterum::robust::all_finite(truth) && std::isfinite(iterum::robust::safe_norm(truth))) {
      out.truth_error = iterum::robust::safe_norm((r.x - truth).eval());
      // ||x - x*|| <= ||x - T x|| / (1 - 0.9), plus the rounding of T x at the scale of x*.
      out.truth_tolerance = 10.1 * o.tolerance + 1e-12 + 1e-13 * iterum::robust::safe_norm(truth);
    }
    return out;
  };
  // A rotation of R^200000: nonexpansive, fixed point 0, Halpern's residual ~ 1 / k.
  f.run_slow = [](Control& c) {
    const Index n = 200000;
    const auto t =
        iterum::fixed_point::make_map<double>(n, [](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
          tx.head(n / 2) = -x.tail(n / 2);
          tx.tail(n / 2) = x.head(n / 2);
        });
    iterum::fixed_point::HalpernOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Ones(n), o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

// ---------------------------------------------------------------------------------------------
// Finite sums: F(x) = (1/n) A^T (A x - b) of an 8 x 3 least-squares problem; certificate
// ||F(x)|| recomputed here, truth the least-squares solution.

Args least_squares_args() {
  Eigen::MatrixXd a(8, 3);
  a << 1, 0.2, -0.3, 0.5, 1, 0.1, -0.2, 0.4, 1, 0.3, -0.5, 0.8, 1, 1, 0, 0, 1, 1, 0.6, -0.1, 0.2,
      -0.7, 0.3, 0.9;
  Eigen::VectorXd b(8);
  b << 1, -1, 0.5, 2, 0.3, -0.4, 1.5, 0.1;
  return {{"A", a}, {"b", b}, {"x0", Eigen::VectorXd::Zero(3)}};
}

/// The least-squares sum seen through `component` only, each call watched by the tripwire.
struct HookedSum {
  using Scalar = double;
  const iterum::fixed_point::LeastSquaresSum<double>* inner;
  iterum::robust::Tripwire* wire;
  [[nodiscard]] Index size() const { return inner->size(); }
  [[nodiscard]] Index dim() const { return inner->dim(); }
  void component(Index i, const Eigen::VectorXd& x, Eigen::VectorXd& out) const {
    inner->component(i, x, out);
    wire->visit(out);
  }
};

Outcome least_squares_outcome(const Args& args, const iterum::Summary& r, const Eigen::VectorXd& x,
                              double tolerance) {
  const Eigen::MatrixXd& a = args[0].value;
  const Eigen::VectorXd b = args[1].value;
  Outcome out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.oracle_calls = r.counters.oracle_calls;
  out.tolerance = tolerance;
  out.finite = iterum::robust::all_finite(x) &&
               (std::isfinite(r.residual) || r.status == iterum::Status::NumericalIssue);
  const double n = static_cast<double>(a.rows());
  out.certificate = iterum::robust::safe_norm(Eigen::VectorXd(a.transpose() * (a * x - b) / n));
  // ||x - x*|| <= ||F(x)|| / lambda_min(A^T A / n) for the unique least-squares solution x*.
  const Eigen::VectorXd truth = a.colPivHouseholderQr().solve(b);
  const Eigen::MatrixXd gram = a.transpose() * a / n;
  const double mu = gram.selfadjointView<Eigen::Lower>().eigenvalues().minCoeff();
  if (iterum::robust::all_finite(truth) && mu > 0 && std::isfinite(mu)) {
    out.truth_error = iterum::robust::safe_norm((x - truth).eval());
    out.truth_tolerance = 1.01 * tolerance / mu + 1e-12;
  }
  return out;
}

/// `solve(sum, x0)` on the least-squares sum of `args`, through `HookedSum` when the case
/// hooks the operator, and its outcome.
template <class Solve>
Outcome solve_least_squares(const Args& args, Control& c,
                            const iterum::fixed_point::LeastSquaresSum<double>& sum,
                            double tolerance, Solve&& solve) {
  const Eigen::VectorXd x0 = args[2].value;
  if (c.oracle.hook != iterum::robust::Hook::None) {
    const auto r = solve(HookedSum{&sum, &c.oracle}, x0);
    return least_squares_outcome(args, r, r.x, tolerance);
  }
  const auto r = solve(sum, x0);
  return least_squares_outcome(args, r, r.x, tolerance);
}

/// Sets a real or optional field of vr_halpern's or extragradient's options by name.
template <class Options>
void set_finite_sum_field(Options& o, const Control& c) {
  const double v = c.value;
  const auto count = static_cast<Index>(iterum::robust::as_count(v));
  if (c.field == "options.certificate_every") o.certificate_every = v;
  if (c.field == "options.certificate_step") o.certificate_step = v;
  if (c.field == "options.step") o.step = v;
  if (c.field == "options.lipschitz") o.lipschitz = v;
  if (c.field == "options.snapshot_probability") o.snapshot_probability = v;
  if constexpr (requires { o.alpha; }) {
    if (c.field == "options.alpha") o.alpha = v;
  }
  if constexpr (requires { o.inner_iterations_factor; }) {
    if (c.field == "options.batch") o.batch = count;
    if (c.field == "options.full_probability") {
      o.full_probability = v;
      o.algorithm = iterum::fixed_point::VrHalpernAlgorithm::Page;
    }
    if (c.field == "options.restart_decay") o.restart_decay = v;
    if (c.field == "options.inner_iterations_factor") o.inner_iterations_factor = v;
    if (c.field == "options.inner_step") o.inner_step = v;
    if (c.field == "options.inner_step_scale") o.inner_step_scale = v;
  }
}

/// What the finite-sum facades share: the least-squares sum, its controls, and the step and
/// certificate fields every one of them has (the adapter appends its own).
Facade finite_sum_facade_base(std::string function) {
  Facade f;
  f.function = std::move(function);
  f.also = {"iterum::fixed_point::LeastSquaresSum"};
  f.derived = {"options.lipschitz"};  // from the data
  f.option_case_iterations = 2000;
  f.args = least_squares_args();
  f.controls = {"tolerance", "max_iterations", "max_oracle_calls", "time_limit_seconds"};
  f.fields = {{"options.certificate_every"},
              {"options.certificate_step"},
              {"options.step", false, {"options.lipschitz"}},
              {"options.lipschitz", false, {"options.step"}}};
  return f;
}

Facade vr_halpern_facade() {
  Facade f = finite_sum_facade_base("iterum::fixed_point::vr_halpern");
  f.fields.insert(f.fields.end(), {{"options.batch", true},
                                   {"options.full_probability"},
                                   {"options.restart_decay"},
                                   {"options.inner_iterations_factor"},
                                   {"options.snapshot_probability"},
                                   {"options.inner_step"},
                                   {"options.inner_step_scale"}});
  f.oracle_hook = true;
  f.run = [](const Args& args, Control& c) {
    const iterum::fixed_point::LeastSquaresSum<double> sum(args[0].value, args[1].value);
    iterum::fixed_point::VrHalpernOptions o{.tolerance = 1e-6, .lipschitz = sum.lipschitz()};
    iterum::robust::apply_control(o, c);
    set_finite_sum_field(o, c);
    return solve_least_squares(args, c, sum, o.tolerance, [&o](const auto& view, const auto& x0) {
      return iterum::fixed_point::vr_halpern(view, x0, o);
    });
  };
  // The budgets hold inside Alg. 2's inner loop (issue 11, D9): a call may finish the full
  // evaluation (n = 8 components) it started.
  f.oracle_overshoot = 8;
  // D9's reproducer: long inner loops (inner_iterations_factor = 1e5) on 20000 x 20 rows.
  f.run_slow = [](Control& c) {
    const Eigen::MatrixXd a = Eigen::MatrixXd::NullaryExpr(20000, 20, [](Index i, Index j) {
      return std::sin(static_cast<double>(3 * i + 7 * j + 1));
    });
    const Eigen::VectorXd b = Eigen::VectorXd::Ones(20000);
    const iterum::fixed_point::LeastSquaresSum<double> sum(a, b);
    iterum::fixed_point::VrHalpernOptions o{
        .tolerance = 1e-14,
        .algorithm = iterum::fixed_point::VrHalpernAlgorithm::InexactResolvent,
        .lipschitz = sum.lipschitz(),
        .inner_iterations_factor = 1e5};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::fixed_point::vr_halpern(sum, Eigen::VectorXd::Zero(20), o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

Facade extragradient_facade(iterum::fixed_point::ExtragradientVariant variant) {
  Facade f = finite_sum_facade_base("iterum::fixed_point::extragradient");
  f.name = std::string(f.function) + " (" + std::string(to_string(variant)) + ")";
  f.fields.insert(f.fields.end(), {{"options.snapshot_probability"}, {"options.alpha"}});
  f.oracle_hook = true;
  f.oracle_overshoot = 2 * 8;  // a step may start below the budget: two full evaluations
  f.run = [variant](const Args& args, Control& c) {
    const iterum::fixed_point::LeastSquaresSum<double> sum(args[0].value, args[1].value);
    iterum::fixed_point::ExtragradientOptions o{
        .tolerance = 1e-6, .variant = variant, .lipschitz = sum.full_lipschitz()};
    if (variant == iterum::fixed_point::ExtragradientVariant::VarianceReduced)
      o.lipschitz = sum.lipschitz();
    iterum::robust::apply_control(o, c);
    set_finite_sum_field(o, c);
    return solve_least_squares(args, c, sum, o.tolerance, [&o](const auto& view, const auto& x0) {
      return iterum::fixed_point::extragradient(view, x0, o);
    });
  };
  return f;
}

// ---------------------------------------------------------------------------------------------
// A 3 x 3 matrix game min_x max_y y^T A x by extragradient. For z = (x, y) in the product of
// simplices with r in (F + N)(z), the duality gap is at most ||r|| diam = 2 ||r||: the
// certificate here is gap / 2 (and infinity off the simplices), recomputed from z.

Facade matrix_game_facade() {
  Facade f;
  f.function = "iterum::fixed_point::extragradient";
  f.name = "iterum::fixed_point::extragradient on a MatrixGame";
  f.also = {"iterum::fixed_point::MatrixGame"};
  f.derived = {"options.lipschitz"};  // from the data
  f.option_case_iterations = 2000;
  Eigen::MatrixXd a(3, 3);
  a << 0, 1, -1, -1, 0, 1, 1, -1, 0.5;
  f.args = {{"A", a}, {"x0", Eigen::VectorXd::Constant(6, 1.0 / 3)}};
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.run = [](const Args& args, Control& c) {
    const iterum::fixed_point::MatrixGame<double> game(args[0].value);
    iterum::fixed_point::ExtragradientOptions o{.tolerance = 1e-6, .lipschitz = game.lipschitz()};
    iterum::robust::apply_control(o, c);
    const Eigen::VectorXd z0 = args[1].value;
    const auto r = iterum::fixed_point::extragradient(game, z0, o);
    Outcome out;
    out.status = r.status;
    out.iterations = r.iterations;
    out.tolerance = o.tolerance;
    out.finite = iterum::robust::all_finite(r.x) &&
                 (std::isfinite(r.residual) || r.status == iterum::Status::NumericalIssue);
    const Eigen::MatrixXd& m = args[0].value;
    const Index n = m.cols(), rows = m.rows();
    if (r.x.size() != n + rows) return out;
    const Eigen::VectorXd x = r.x.head(n), y = r.x.tail(rows);
    const double off = std::abs(x.sum() - 1) + std::abs(y.sum() - 1);
    const bool feasible = off <= 1e-12 && x.minCoeff() >= 0 && y.minCoeff() >= 0;
    const double gap = (m * x).maxCoeff() - (m.transpose() * y).minCoeff();
    out.certificate = feasible ? gap / 2 : iterum::robust::inf;
    out.slack = 1e-15 * m.cwiseAbs().maxCoeff();
    return out;
  };
  return f;
}

// ---------------------------------------------------------------------------------------------
// halpern on LpPdhg (Halpern-PDHG for min c'x s.t. Ax = b, x >= 0) with the map's certificate:
// PDLP's relative KKT error, recomputed here from the returned z = (x, y) at x+ = max(x, 0).
// The nominal LP: x1 + x2 + x3 = 1, x1 - x2 = 0, c = (1, 2, 3): x* = (1/2, 1/2, 0).

double lp_kkt_error(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const Eigen::VectorXd& c,
                    const Eigen::VectorXd& z) {
  const Index n = a.cols();
  const Eigen::VectorXd x = z.head(n).cwiseMax(0.0);
  const Eigen::VectorXd y = z.tail(a.rows());
  const double primal =
      iterum::robust::safe_norm((a * x - b).eval()) / (1 + iterum::robust::safe_norm(b));
  const double dual = iterum::robust::safe_norm((c - a.transpose() * y).cwiseMin(0.0).eval()) /
                      (1 + iterum::robust::safe_norm(c));
  const double cx = c.dot(x), by = b.dot(y);
  const double gap = std::isfinite(cx) && std::isfinite(by)
                         ? std::abs(cx - by) / (1 + std::abs(cx) + std::abs(by))
                         : 1.0;  // an objective that overflowed: the gap is far from 0
  if (std::isnan(primal) || std::isnan(dual) || std::isnan(gap)) return iterum::robust::nan;
  return std::max({primal, dual, gap});
}

Args lp_nominal_args() {
  Eigen::MatrixXd a(2, 3);
  a << 1, 1, 1, 1, -1, 0;
  return {{"A", a}, {"b", Eigen::Vector2d(1, 0)}, {"c", Eigen::Vector3d(1, 2, 3)}};
}

Facade lp_pdhg_facade() {
  Facade f;
  f.function = "iterum::fixed_point::halpern";
  f.name = "iterum::fixed_point::halpern on LpPdhg";
  f.also = {"iterum::fixed_point::LpPdhg"};
  f.args = lp_nominal_args();
  f.controls = {"tolerance", "max_iterations", "max_oracle_calls", "time_limit_seconds"};
  f.fields = {{"step_fraction"}, {"primal_weight"}, {"options.certificate_every", true}};
  f.oracle_overshoot = 0;
  f.option_case_iterations = 20000;
  f.run = [](const Args& args, Control& c) {
    const Eigen::MatrixXd& a = args[0].value;
    const Eigen::VectorXd b = args[1].value;
    const Eigen::VectorXd cost = args[2].value;
    iterum::fixed_point::LpPdhgParams params;
    if (c.field == "step_fraction") params.step_fraction = c.value;
    if (c.field == "primal_weight") params.primal_weight = c.value;
    const iterum::fixed_point::LpPdhg<double> t(a, b, cost, params);
    iterum::fixed_point::HalpernOptions o{
        .tolerance = 1e-8,
        .max_iterations = 100000,
        .restart = iterum::fixed_point::HalpernRestart::Adaptive,
        .reflect = true,
        .certificate = iterum::fixed_point::HalpernCertificate::Map};
    iterum::robust::apply_control(o, c);
    if (c.field == "options.certificate_every")
      o.certificate_every = static_cast<Index>(iterum::robust::as_count(c.value));
    const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(t.dim()), o);
    Outcome out = halpern_outcome(r, o.tolerance);
    out.certificate = lp_kkt_error(a, b, cost, r.x);
    out.slack = 1e-14;
    const Args nominal = lp_nominal_args();
    bool is_nominal = !c.tolerance;
    for (std::size_t k = 0; k < args.size(); ++k) {
      is_nominal = is_nominal && args[k].value.rows() == nominal[k].value.rows() &&
                   args[k].value.cols() == nominal[k].value.cols() &&
                   args[k].value == nominal[k].value;
    }
    if (is_nominal) {
      out.truth_error = (r.x.head(3).cwiseMax(0.0) - Eigen::Vector3d(0.5, 0.5, 0)).norm();
      out.truth_tolerance = 1e-6;
    }
    return out;
  };
  // A random feasible 200 x 400 LP to a tolerance it cannot reach within the time limit.
  f.run_slow = [](Control& c) {
    auto engine = iterum::make_engine(17);
    const Index m = 200, n = 400;
    Eigen::MatrixXd a(m, n);
    for (Index k = 0; k < a.size(); ++k) a.data()[k] = iterum::random::uniform01(engine);
    Eigen::VectorXd x_feasible(n);
    for (Index j = 0; j < n; ++j) x_feasible[j] = iterum::random::uniform01(engine);
    const Eigen::VectorXd b = a * x_feasible;
    const Eigen::VectorXd cost = iterum::random::normal_vector(engine, n).cwiseAbs();
    const iterum::fixed_point::LpPdhg<double> t(a, b, cost);
    iterum::fixed_point::HalpernOptions o{
        .tolerance = 1e-15,
        .restart = iterum::fixed_point::HalpernRestart::Adaptive,
        .reflect = true,
        .certificate = iterum::fixed_point::HalpernCertificate::Map};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(t.dim()), o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

// ---------------------------------------------------------------------------------------------
// halpern on DouglasRachford for the lasso min 1/2 ||A x - b||^2 + lambda ||x||_1, with
// prox::LeastSquares (f) and prox::SoftThreshold (g): the fixed-point residual ||z - T z|| is
// recomputed here with T built independently (a dense LDLT and a hand-written soft threshold);
// the truth is the lasso solution by 20000 ISTA steps.

Args dr_lasso_args() { return iterum::robust::least_squares_6x4(); }

constexpr double dr_gamma = 1.0;
constexpr double dr_lambda = 0.3;

/// T z of Douglas-Rachford and its shadow x = prox_{gamma f}(z), computed without iterum.
Eigen::VectorXd dr_map(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const Eigen::VectorXd& z,
                       Eigen::VectorXd& x) {
  Eigen::MatrixXd m = dr_gamma * a.transpose() * a;
  m.diagonal().array() += 1.0;
  x = m.ldlt().solve(z + dr_gamma * a.transpose() * b);
  const Eigen::VectorXd y = 2 * x - z;
  const double t = dr_gamma * dr_lambda;
  const Eigen::VectorXd g =
      y.unaryExpr([t](double v) { return v > t ? v - t : (v < -t ? v + t : 0.0); });
  return g + z - x;
}

Facade dr_lasso_facade() {
  Facade f;
  f.function = "iterum::fixed_point::halpern";
  f.name = "iterum::fixed_point::halpern on DouglasRachford (prox::LeastSquares, SoftThreshold)";
  f.also = {"iterum::prox::LeastSquares", "iterum::fixed_point::DouglasRachford"};
  f.args = dr_lasso_args();
  f.controls = {"tolerance", "max_iterations", "max_oracle_calls", "time_limit_seconds"};
  f.oracle_overshoot = 0;
  f.option_case_iterations = 20000;
  f.run = [](const Args& args, Control& c) {
    const Eigen::MatrixXd& a = args[0].value;
    const Eigen::VectorXd b = args[1].value;
    const Index n = a.cols();
    const auto t = iterum::fixed_point::douglas_rachford<double>(
        n, iterum::prox::LeastSquares<double>(a, b, dr_gamma),
        iterum::prox::SoftThreshold<double>{dr_gamma * dr_lambda});
    iterum::fixed_point::HalpernOptions o{.tolerance = 1e-10,
                                          .max_iterations = 100000,
                                          .restart = iterum::fixed_point::HalpernRestart::Adaptive,
                                          .reflect = true};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::fixed_point::halpern(t, Eigen::VectorXd::Zero(n), o);
    Outcome out = halpern_outcome(r, o.tolerance);
    Eigen::VectorXd x;
    const Eigen::VectorXd tz = dr_map(a, b, r.x, x);
    out.certificate = iterum::robust::safe_norm((r.x - tz).eval());
    out.slack = 1e-14 * (1 + iterum::robust::safe_norm(r.x));
    const Args nominal = dr_lasso_args();
    if (!c.tolerance && a == nominal[0].value && b == nominal[1].value) {
      // ISTA with step 1/L, L = ||A||_2^2.
      const double lipschitz =
          a.jacobiSvd().singularValues()[0] * a.jacobiSvd().singularValues()[0];
      Eigen::VectorXd w = Eigen::VectorXd::Zero(n);
      for (int k = 0; k < 20000; ++k) {
        const Eigen::VectorXd v = w - a.transpose() * (a * w - b) / lipschitz;
        const double th = dr_lambda / lipschitz;
        w = v.unaryExpr([th](double e) { return e > th ? e - th : (e < -th ? e + th : 0.0); });
      }
      out.truth_error = (x - w).norm();
      out.truth_tolerance = 1e-8;
    }
    return out;
  };
  return f;
}

}  // namespace

TEST_CASE("robustness battery: halpern on DouglasRachford (lasso)", "[robustness][fixed_point]") {
  iterum::robust::check_battery(dr_lasso_facade());
}
TEST_CASE("robustness battery: halpern on LpPdhg", "[robustness][fixed_point]") {
  iterum::robust::check_battery(lp_pdhg_facade());
}
TEST_CASE("robustness battery: halpern", "[robustness][fixed_point]") {
  iterum::robust::check_battery(halpern_facade());
}
TEST_CASE("robustness battery: vr_halpern", "[robustness][fixed_point]") {
  iterum::robust::check_battery(vr_halpern_facade());
}
TEST_CASE("robustness battery: extragradient", "[robustness][fixed_point]") {
  iterum::robust::check_battery(
      extragradient_facade(iterum::fixed_point::ExtragradientVariant::Plain));
  iterum::robust::check_battery(
      extragradient_facade(iterum::fixed_point::ExtragradientVariant::VarianceReduced));
}
TEST_CASE("robustness battery: extragradient on a MatrixGame", "[robustness][fixed_point]") {
  iterum::robust::check_battery(matrix_game_facade());
}
