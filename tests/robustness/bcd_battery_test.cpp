// The robustness battery on block coordinate descent: bcd::quadratic, bcd::nnls and
// bcd::l1_least_squares (tests/robustness/battery.hpp).

#include <Eigen/Cholesky>
#include <Eigen/Sparse>
#include <algorithm>
#include <cmath>
#include <string>

#include "iterum/bcd/l1_least_squares.hpp"
#include "iterum/bcd/lasso.hpp"
#include "iterum/bcd/nnls.hpp"
#include "iterum/bcd/quadratic.hpp"
#include "iterum/core/random.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "robustness/battery.hpp"
#include "support/catch_compat.hpp"

namespace {

using iterum::Index;
using iterum::robust::Args;
using iterum::robust::Control;
using iterum::robust::Facade;
using iterum::robust::Outcome;

/// The power of two the facades divide a matrix or vector by: max |entry| = m 2^e, m in
/// [1/2, 1) (0 for an all-zero one).
int bcd_exponent(const Eigen::MatrixXd& m) {
  const double largest = m.size() > 0 ? m.cwiseAbs().maxCoeff() : 0.0;
  if (!(largest > 0) || !std::isfinite(largest)) return 0;
  int e = 0;
  (void)std::frexp(largest, &e);
  return e;
}

/// m 2^-e entry by entry (exact, whatever e).
Eigen::MatrixXd bcd_scaled(const Eigen::MatrixXd& m, int e) {
  return m.unaryExpr([e](double v) { return std::ldexp(v, -e); });
}

/// The separable term of a least-squares facade, for the certificate.
enum class BcdTerm { None, Nonnegative, L1 };

/// max_i dist(0, d_i f(x) + dg_i(x_i)) of the problem the facades certify (A and b divided by
/// powers of two to largest entries in [1/2, 1), x by 2^(eb - ea)), recomputed here from the
/// returned x; `quadratic` when f = 1/2 x'Ax - b'x, else 1/2 ||Ax - b||^2 + g.
double bcd_violation(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const Eigen::VectorXd& x,
                     bool quadratic, BcdTerm term, double lambda) {
  const int ea = bcd_exponent(a);
  const int eb = bcd_exponent(b);
  const Eigen::MatrixXd as = bcd_scaled(a, ea);
  const Eigen::VectorXd bs = bcd_scaled(b, eb);
  const Eigen::VectorXd y = bcd_scaled(x, eb - ea);
  const Eigen::VectorXd g =
      quadratic ? Eigen::VectorXd(as * y - bs) : Eigen::VectorXd(as.transpose() * (as * y - bs));
  const double lam = std::ldexp(lambda, -(ea + eb));
  double worst = 0.0;
  for (Index i = 0; i < g.size(); ++i) {
    double v = std::abs(g[i]);
    if (term == BcdTerm::Nonnegative && y[i] <= 0) v = g[i] < 0 ? -g[i] : 0.0;
    if (term == BcdTerm::L1) {
      if (y[i] > 0) v = std::abs(g[i] + lam);
      if (y[i] < 0) v = std::abs(g[i] - lam);
      if (y[i] == 0) v = std::max(std::abs(g[i]) - lam, 0.0);
    }
    if (!(v <= worst)) worst = v;  // NaN propagates
  }
  return worst;
}

Outcome bcd_outcome(const Args& args, const iterum::bcd::BcdResult& r, bool quadratic, BcdTerm term,
                    double lambda, double tolerance) {
  Outcome o;
  o.status = r.status;
  o.iterations = r.iterations;
  o.tolerance = tolerance;
  o.slack = 1e-13;  // the same sums in another order
  o.finite = iterum::robust::all_finite(r.x) && std::isfinite(r.residual);
  if (term == BcdTerm::Nonnegative && o.finite) o.finite = (r.x.array() >= 0).all();
  o.certificate = bcd_violation(args[0].value, args[1].value, r.x, quadratic, term, lambda);
  // A solution beyond the largest double (A of subnormals, b of 1): no finite x is right, and
  // NumericalIssue says so with x holding inf (judged not a defect, as for the linear solvers).
  // The scaled problem's solution is O(1); x is it times 2^(eb - ea).
  const int shift = bcd_exponent(args[1].value) - bcd_exponent(args[0].value);
  if (!o.finite && r.status == iterum::Status::NumericalIssue && shift > 1000) o.finite = true;
  return o;
}

/// A 4 x 4 SPD system (quadratic) or a 6 x 4 least-squares problem.
Args bcd_quadratic_args() {
  Eigen::MatrixXd a(4, 4);
  a << 4, 1, 0, 0, 1, 4, 1, 0, 0, 1, 4, 1, 0, 0, 1, 4;
  Eigen::VectorXd b(4);
  b << 1, 2, 3, 4;
  return {{"A", a}, {"b", b}};
}
Args bcd_least_squares_args() { return iterum::robust::least_squares_6x4(); }

/// The fields every facade's options share, set by name.
void bcd_set_field(iterum::bcd::BcdOptions& o, const Control& c) {
  if (c.field == "options.block_size") o.block_size = iterum::robust::as_count(c.value);
  if (c.field == "options.certificate_every") o.certificate_every = c.value;
  if (c.field == "options.symmetry_tolerance") o.symmetry_tolerance = c.value;
}

Facade bcd_common(std::string function, Args args) {
  Facade f;
  f.function = std::move(function);
  f.args = std::move(args);
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.fields = {{"options.block_size", true}, {"options.certificate_every"}};
  return f;
}

/// A problem that takes seconds: 2-D Poisson on a 300 x 300 grid, greedy (GSL) selection.
struct BcdSlow {
  Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(300, 300);
  Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
};

Facade bcd_quadratic_facade() {
  Facade f = bcd_common("iterum::bcd::quadratic", bcd_quadratic_args());
  f.fields.push_back({"options.symmetry_tolerance"});
  f.run = [](const Args& args, Control& c) {
    iterum::bcd::BcdOptions o{.tolerance = 1e-10};
    iterum::robust::apply_control(o, c);
    bcd_set_field(o, c);
    const auto r = iterum::bcd::quadratic(args[0].value, Eigen::VectorXd(args[1].value), o);
    return bcd_outcome(args, r, true, BcdTerm::None, 0.0, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const BcdSlow s;
    iterum::bcd::BcdOptions o{.tolerance = 1e-14,
                              .selection = iterum::bcd::BcdSelection::GaussSouthwellLipschitz};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::bcd::quadratic(s.a, s.b, o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

Facade bcd_nnls_facade() {
  Facade f = bcd_common("iterum::bcd::nnls", bcd_least_squares_args());
  f.run = [](const Args& args, Control& c) {
    iterum::bcd::BcdOptions o{.tolerance = 1e-10};
    iterum::robust::apply_control(o, c);
    bcd_set_field(o, c);
    const auto r = iterum::bcd::nnls(args[0].value, Eigen::VectorXd(args[1].value), o);
    return bcd_outcome(args, r, false, BcdTerm::Nonnegative, 0.0, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const BcdSlow s;
    iterum::bcd::BcdOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::bcd::nnls(s.a, s.b, o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

Facade bcd_l1_facade() {
  Args nominal = bcd_least_squares_args();
  nominal.push_back({"lambda", Eigen::MatrixXd::Constant(1, 1, 0.1), false});
  Facade f = bcd_common("iterum::bcd::l1_least_squares", std::move(nominal));
  f.run = [](const Args& args, Control& c) {
    iterum::bcd::BcdOptions o{.tolerance = 1e-10};
    iterum::robust::apply_control(o, c);
    bcd_set_field(o, c);
    const double lambda = args[2].value(0, 0);
    const auto r =
        iterum::bcd::l1_least_squares(args[0].value, Eigen::VectorXd(args[1].value), lambda, o);
    return bcd_outcome(args, r, false, BcdTerm::L1, lambda, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const BcdSlow s;
    iterum::bcd::BcdOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::bcd::l1_least_squares(s.a, s.b, 1e-3, o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

/// The Lasso's relative duality gap (the facade's certificate, scale invariant) recomputed here
/// from the returned coefficients: X and y divided by powers of two to largest entries in
/// [1/2, 1), w and lambda scaled to match, the intercept eliminated by centering.
double lasso_relative_gap(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                          const Eigen::VectorXd& w, double lambda) {
  const int ea = bcd_exponent(x);
  const int eb = bcd_exponent(y);
  Eigen::MatrixXd xs = bcd_scaled(x, ea);
  Eigen::VectorXd ys = bcd_scaled(y, eb);
  const Eigen::VectorXd ws = bcd_scaled(w, eb - ea);
  xs.rowwise() -= xs.colwise().mean();
  ys.array() -= ys.mean();
  const double alpha = static_cast<double>(x.rows()) * std::ldexp(lambda, -(ea + eb));
  const Eigen::VectorXd r = ys - xs * ws;
  const double largest = (xs.transpose() * r).cwiseAbs().maxCoeff();
  const double scale = largest > alpha ? alpha / largest : 1.0;
  const double l1 = ws.lpNorm<1>();
  const double primal = 0.5 * r.squaredNorm() + (l1 > 0 ? alpha * l1 : 0.0);
  const double dual = scale * r.dot(ys) - 0.5 * scale * scale * r.squaredNorm();
  const double yy = ys.squaredNorm();
  const double gap = std::max(0.0, primal - dual);
  return yy > 0 ? gap / yy : gap;
}

Facade bcd_lasso_facade() {
  Args nominal = bcd_least_squares_args();
  nominal[0].name = "X";
  nominal[1].name = "y";
  nominal.push_back({"lambda", Eigen::MatrixXd::Constant(1, 1, 0.05), false});
  Facade f;
  f.function = "iterum::bcd::lasso";
  f.args = std::move(nominal);
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.fields = {{"options.working_set_start", true}, {"options.check_every", true}};
  f.run = [](const Args& args, Control& c) {
    iterum::bcd::LassoOptions o{.tolerance = 1e-10};
    iterum::robust::apply_control(o, c);
    if (c.field == "options.working_set_start") {
      o.working_set_start = iterum::robust::as_count(c.value);
    }
    if (c.field == "options.check_every") o.check_every = iterum::robust::as_count(c.value);
    const double lambda = args[2].value(0, 0);
    const auto r = iterum::bcd::lasso(args[0].value, Eigen::VectorXd(args[1].value), lambda, o);
    Outcome out;
    out.status = r.status;
    out.iterations = r.iterations;
    out.tolerance = o.tolerance;
    out.slack = 1e-13;
    // The objective and the gap are in the caller's units: with y near 1e200 they exceed the
    // double range (+inf is then their value); never NaN.
    out.finite = iterum::robust::all_finite(r.x) && std::isfinite(r.residual) &&
                 std::isfinite(r.intercept) && !std::isnan(r.objective) && !std::isnan(r.gap);
    out.certificate = lasso_relative_gap(args[0].value, args[1].value, r.x, lambda);
    return out;
  };
  f.run_slow = [](Control& c) {
    // 3000 x 3000 with strongly correlated columns: many epochs to a gap of 1e-15.
    auto engine = iterum::make_engine(5);
    Eigen::MatrixXd x(3000, 3000);
    for (Index j = 0; j < x.cols(); ++j)
      for (Index i = 0; i < x.rows(); ++i) x(i, j) = iterum::random::normal(engine);
    x.rightCols(2999) += 3.0 * x.leftCols(2999).eval();
    const Eigen::VectorXd y = x.col(0) + iterum::random::normal_vector(engine, 3000);
    iterum::bcd::LassoOptions o{.tolerance = 1e-15};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::bcd::lasso(x, y, 1e-4, o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

}  // namespace

TEST_CASE("robustness battery: bcd::lasso", "[robustness][bcd]") {
  iterum::robust::check_battery(bcd_lasso_facade());
}
TEST_CASE("robustness battery: bcd::quadratic", "[robustness][bcd]") {
  iterum::robust::check_battery(bcd_quadratic_facade());
}
TEST_CASE("robustness battery: bcd::nnls", "[robustness][bcd]") {
  iterum::robust::check_battery(bcd_nnls_facade());
}
TEST_CASE("robustness battery: bcd::l1_least_squares", "[robustness][bcd]") {
  iterum::robust::check_battery(bcd_l1_facade());
}
