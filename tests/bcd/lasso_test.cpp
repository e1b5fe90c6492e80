#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "bcd/fixtures/sklearn_lasso.hpp"
#include "iterum/bcd/lasso.hpp"
#include "iterum/bcd/lasso_path.hpp"
#include "iterum/bcd/working_set_cd.hpp"
#include "iterum/io/csv.hpp"
#include "support/catch_compat.hpp"
#include "support/splitmix.hpp"
#include "support/throws.hpp"

namespace {

using iterum::Index;
using iterum::Status;
using iterum::bcd::LassoOptions;
using iterum::bcd::LassoResult;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

struct LassoData {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

// The data of bench/peers/sklearn_lasso_fixtures.py, rebuilt from the same SplitMix64 draws.
LassoData lasso_data(const sklearn_lasso::Case& c) {
  iterum::test::SplitMix64 g(c.seed);
  LassoData d{Eigen::MatrixXd::Zero(c.n, c.p), Eigen::VectorXd::Zero(c.n)};
  for (Index j = 0; j < c.p; ++j) {
    for (Index i = 0; i < c.n; ++i) {
      const bool keep = g.next() < c.density;
      const double v = iterum::test::splitmix_normal(g);
      d.x(i, j) = keep ? v : 0.0;
    }
  }
  Eigen::VectorXd w = Eigen::VectorXd::Zero(c.p);
  const double pattern[] = {3.0, -2.0, 1.5, -1.0, 0.5};
  for (Index j = 0; j < c.k; ++j) w[j] = pattern[j % 5];
  Eigen::VectorXd noise(c.n);
  for (Index i = 0; i < c.n; ++i) noise[i] = iterum::test::splitmix_normal(g);
  d.y = d.x * w + 0.5 * noise + Eigen::VectorXd::Ones(c.n);
  return d;
}

// The objective in scikit-learn's scaling, computed here from the returned coefficients.
double enet_objective(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& w,
                      double b, double lambda, double l1_ratio) {
  const Eigen::VectorXd r = y - x * w - b * Eigen::VectorXd::Ones(y.size());
  const double n = static_cast<double>(y.size());
  return r.squaredNorm() / (2 * n) + lambda * l1_ratio * w.lpNorm<1>() +
         lambda * (1 - l1_ratio) / 2 * w.squaredNorm();
}

// An independent duality gap (relative to ||y_c||^2 / n, as `residual`), from the optimal
// intercept for w and the dual point theta = r / max(1, ||X_c' r||_inf / alpha) of the Lasso,
// theta = r for the elastic net.
double enet_relative_gap(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                         const Eigen::VectorXd& w, double lambda, double l1_ratio, bool center) {
  Eigen::MatrixXd xc = x;
  Eigen::VectorXd yc = y;
  if (center) {
    xc.rowwise() -= x.colwise().mean();
    yc.array() -= y.mean();
  }
  const double n = static_cast<double>(y.size());
  const double alpha = n * lambda * l1_ratio, mu = n * lambda * (1 - l1_ratio);
  const Eigen::VectorXd r = yc - xc * w;
  const Eigen::VectorXd z = xc.transpose() * r;
  const double primal = 0.5 * r.squaredNorm() + alpha * w.lpNorm<1>() + 0.5 * mu * w.squaredNorm();
  double dual = 0;
  if (mu > 0) {
    const Eigen::ArrayXd excess = (z.array().abs() - alpha).max(0.0);
    dual = r.dot(yc) - 0.5 * r.squaredNorm() - excess.square().sum() / (2 * mu);
  } else {
    const double s = std::min(1.0, alpha / z.cwiseAbs().maxCoeff());
    dual = s * r.dot(yc) - 0.5 * s * s * r.squaredNorm();
  }
  return (primal - dual) / yc.squaredNorm();
}

template <class X>
LassoResult run_case(const sklearn_lasso::Case& c, const X& x, const Eigen::VectorXd& y,
                     const LassoOptions& o) {
  if (c.l1_ratio == 1.0) return iterum::bcd::lasso(x, y, c.lambda, o);
  return iterum::bcd::elastic_net(x, y, c.lambda, c.l1_ratio, o);
}

}  // namespace

TEST_CASE("lasso and elastic_net reach scikit-learn's optimum, dense and sparse", "[bcd][lasso]") {
  for (const auto& c : sklearn_lasso::cases()) {
    INFO(c.name);
    const LassoData d = lasso_data(c);
    const Eigen::SparseMatrix<double> xs = d.x.sparseView();
    const Eigen::VectorXd ref = Eigen::Map<const Eigen::VectorXd>(c.coef.data(), c.p);
    LassoOptions o;
    o.tolerance = 1e-12;
    o.fit_intercept = c.fit_intercept;
    for (int sparse = 0; sparse < 2; ++sparse) {
      INFO("sparse " << sparse);
      const LassoResult r = sparse ? run_case(c, xs, d.y, o) : run_case(c, d.x, d.y, o);
      REQUIRE(r.status == Status::Converged);
      REQUIRE(r.residual <= o.tolerance);
      const double objective = enet_objective(d.x, d.y, r.x, r.intercept, c.lambda, c.l1_ratio);
      CHECK(std::abs(r.objective - objective) <= 1e-12 * objective);
      // The optimum to 1e-10 relative, never (beyond round-off) below scikit-learn's.
      CHECK(std::abs(objective - c.objective) <= 1e-10 * c.objective);
      // The gap bounds the suboptimality against the reference.
      CHECK(objective - c.objective <= r.gap + 1e-13 * c.objective);
      // A relative gap of 1e-12 fixes the coefficients to about sqrt(2 gap / curvature).
      CHECK((r.x - ref).lpNorm<Eigen::Infinity>() <= 1e-5);
      CHECK(std::abs(r.intercept - c.intercept) <= 1e-5);
      // Same support (screening discarded no coordinate that is nonzero at the optimum).
      for (Index j = 0; j < c.p; ++j) {
        if (std::abs(ref[j]) > 1e-8) CHECK(r.x[j] != 0.0);
        if (ref[j] == 0.0 && c.l1_ratio > 0) CHECK(std::abs(r.x[j]) <= 1e-9);
      }
      // The certificate is that of the returned coefficients, by an independent formula.
      const double gap = enet_relative_gap(d.x, d.y, r.x, c.lambda, c.l1_ratio, c.fit_intercept);
      CHECK(gap <= 1e-12);
      CHECK(std::abs(gap - r.residual) <= 1e-13);
    }
  }
}

TEST_CASE("lasso: lambda_max gives w = 0 and matches the data", "[bcd][lasso]") {
  const auto& c = sklearn_lasso::cases()[0];
  const LassoData d = lasso_data(c);
  const double lmax = iterum::bcd::lambda_max(d.x, d.y);
  CHECK(std::abs(lmax * 0.1 - c.lambda) <= 1e-14 * c.lambda);  // the fixture's lambda = 0.1 max
  const LassoResult at = iterum::bcd::lasso(d.x, d.y, lmax);
  REQUIRE(at.status == Status::Converged);
  CHECK(at.support == 0);
  CHECK(at.x.isZero(0.0));
  CHECK(std::abs(at.intercept - d.y.mean()) <= 1e-14 * std::abs(d.y.mean()));
  const LassoResult below = iterum::bcd::lasso(d.x, d.y, 0.99 * lmax);
  REQUIRE(below.status == Status::Converged);
  CHECK(below.support == 1);
}

TEST_CASE("lasso: a warm start at the optimum is certified without a step", "[bcd][lasso]") {
  const auto& c = sklearn_lasso::cases()[1];
  const LassoData d = lasso_data(c);
  LassoOptions o;
  o.tolerance = 1e-10;
  const LassoResult cold = iterum::bcd::lasso(d.x, d.y, c.lambda, o);
  REQUIRE(cold.status == Status::Converged);
  CHECK(cold.iterations > 0);
  const LassoResult warm = iterum::bcd::lasso(d.x, d.y, c.lambda, o, cold.x);
  REQUIRE(warm.status == Status::Converged);
  CHECK(warm.iterations == 0);
  CHECK((warm.x - cold.x).lpNorm<Eigen::Infinity>() == 0.0);
}

TEST_CASE("lasso: scaled data give the scaled solution, down to subnormal targets",
          "[bcd][lasso]") {
  const auto& c = sklearn_lasso::cases()[0];
  const LassoData d = lasso_data(c);
  const Eigen::VectorXd ref = Eigen::Map<const Eigen::VectorXd>(c.coef.data(), c.p);
  // X -> s X, y -> t y: w -> (t / s) w, lambda -> lambda t s, intercept -> t b.
  const double pairs[][2] = {{1e150, 1e-150}, {1e-150, 1e150}, {1.0, 1e-310}, {1e300, 1.0}};
  for (const auto& st : pairs) {
    const double s = st[0], t = st[1];
    INFO("s = " << s << ", t = " << t);
    LassoOptions o;
    o.tolerance = 1e-11;
    const LassoResult r =
        iterum::bcd::lasso(Eigen::MatrixXd(s * d.x), Eigen::VectorXd(t * d.y), c.lambda * t * s, o);
    REQUIRE(r.status == Status::Converged);
    REQUIRE(r.x.allFinite());
    const double unit = t / s;
    if (t >= 1e-300) {  // y of normal numbers: the coefficients carry the same digits
      CHECK((r.x / unit - ref).lpNorm<Eigen::Infinity>() <= 1e-6);
      CHECK(std::abs(r.intercept / t - c.intercept) <= 1e-6);
    } else {  // subnormal y: the support is still found
      for (Index j = 0; j < c.p; ++j) {
        if (std::abs(ref[j]) > 1e-3) CHECK(r.x[j] != 0.0);
      }
    }
  }
}

TEST_CASE("lasso: a tolerance too tight for the budget is not Converged", "[bcd][lasso]") {
  const auto& c = sklearn_lasso::cases()[1];
  const LassoData d = lasso_data(c);
  LassoOptions o;
  o.tolerance = 1e-12;
  o.max_iterations = 3;
  const LassoResult r = iterum::bcd::lasso(d.x, d.y, c.lambda, o);
  CHECK(r.status == Status::MaxIterations);
  CHECK(r.residual > o.tolerance);
  CHECK(std::abs(r.residual - enet_relative_gap(d.x, d.y, r.x, c.lambda, 1.0, true)) <= 1e-13);
}

TEST_CASE("lasso: screening and working sets change the work, not the answer", "[bcd][lasso]") {
  const auto& c = sklearn_lasso::cases()[2];  // wide: p > n
  const LassoData d = lasso_data(c);
  LassoOptions on;
  on.tolerance = 1e-12;
  on.working_set_start = 4;
  LassoOptions off = on;
  off.screening = false;
  off.working_set_start = c.p;
  const LassoResult a = iterum::bcd::lasso(d.x, d.y, c.lambda, on);
  const LassoResult b = iterum::bcd::lasso(d.x, d.y, c.lambda, off);
  REQUIRE(a.status == Status::Converged);
  REQUIRE(b.status == Status::Converged);
  CHECK(a.screened > 0);
  CHECK(b.screened == 0);
  CHECK(std::abs(a.objective - b.objective) <= 1e-11 * b.objective);
  CHECK(a.work.gradient_entries < b.work.gradient_entries);
}

TEST_CASE("WorkingSetCd: a step allocates nothing", "[bcd][lasso]") {
  const auto& c = sklearn_lasso::cases()[5];
  const LassoData d = lasso_data(c);
  const Eigen::SparseMatrix<double> xs = d.x.sparseView();
  const iterum::bcd::ElasticNetProblem<Eigen::SparseMatrix<double>> sp(xs, d.y, 3.0, 0.0, true);
  const iterum::bcd::ElasticNetProblem<Eigen::MatrixXd> dp(d.x, d.y, 3.0, 0.5, true);
  const iterum::bcd::WorkingSetCd method({.working_set_start = 8, .check_every = 1});
  auto s1 = method.init(sp, Eigen::VectorXd::Zero(c.p));
  auto s2 = method.init(dp, Eigen::VectorXd::Zero(c.p));
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 50; ++k) {
    method.step(sp, s1);
    method.step(dp, s2);
  }
  Eigen::internal::set_is_malloc_allowed(true);
  CHECK(s1.full_passes > 1);
  CHECK(s2.full_passes > 1);
}

TEST_CASE("lasso and elastic_net reject bad input, naming it", "[bcd][lasso]") {
  const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(4, 3);
  const Eigen::VectorXd y = Eigen::VectorXd::Ones(4);
  using iterum::bcd::elastic_net;
  using iterum::bcd::lasso;
  auto has = [](const std::string& m, const char* a, const char* b) {
    return contains(m, a) && contains(m, b);
  };
  CHECK(has(invalid_argument_message([&] { (void)lasso(x, y, -1.0); }), "iterum::bcd::lasso",
            "lambda"));
  CHECK(has(invalid_argument_message([&] { (void)lasso(x, y, 0.0); }), "lambda", "0"));
  CHECK(has(invalid_argument_message([&] { (void)lasso(x, Eigen::VectorXd::Ones(3), 1.0); }), "'y'",
            "3"));
  Eigen::MatrixXd bad = x;
  bad(1, 2) = std::numeric_limits<double>::quiet_NaN();
  CHECK(has(invalid_argument_message([&] { (void)lasso(bad, y, 1.0); }), "'X'", "nan"));
  const Eigen::SparseMatrix<double> bad_sparse = bad.sparseView();
  CHECK(has(invalid_argument_message([&] { (void)lasso(bad_sparse, y, 1.0); }), "'X'", "nan"));
  Eigen::VectorXd bad_y = y;
  bad_y[0] = std::numeric_limits<double>::infinity();
  CHECK(has(invalid_argument_message([&] { (void)lasso(x, bad_y, 1.0); }), "'y'", "inf"));
  CHECK(has(invalid_argument_message([&] { (void)elastic_net(x, y, 1.0, 1.5); }),
            "iterum::bcd::elastic_net", "l1_ratio"));
  CHECK(has(invalid_argument_message(
                [&] { (void)lasso(Eigen::MatrixXd(0, 3), Eigen::VectorXd(0), 1.0); }),
            "'X'", "empty"));
  CHECK(has(invalid_argument_message([&] { (void)lasso(x, y, 1.0, {}, Eigen::VectorXd::Zero(2)); }),
            "'x0'", "2"));
  LassoOptions o;
  o.check_every = 0;
  CHECK(has(invalid_argument_message([&] { (void)lasso(x, y, 1.0, o); }), "options.check_every",
            "0"));
  CHECK(has(invalid_argument_message([&] { (void)iterum::bcd::lambda_max(x, y, true, 0.0); }),
            "iterum::bcd::lambda_max", "l1_ratio"));
}

TEST_CASE("lasso_path: every lambda's solution is the lasso's, certified", "[bcd][lasso]") {
  for (int which : {0, 3, 6}) {  // dense lasso, dense enet, sparse enet without intercept
    const auto& c = sklearn_lasso::cases()[static_cast<std::size_t>(which)];
    INFO(c.name);
    const LassoData d = lasso_data(c);
    const Eigen::SparseMatrix<double> xs = d.x.sparseView();
    iterum::bcd::PathOptions o;
    o.tolerance = 1e-12;
    o.n_lambdas = 12;
    o.lambda_min_ratio = 0.05;
    o.l1_ratio = c.l1_ratio;
    o.fit_intercept = c.fit_intercept;
    const auto path =
        c.density < 1 ? iterum::bcd::lasso_path(xs, d.y, o) : iterum::bcd::lasso_path(d.x, d.y, o);
    REQUIRE(path.status == Status::Converged);
    REQUIRE(path.lambdas.size() == 12);
    CHECK(path.supports.front() == 0);  // lambda_max
    CHECK(std::abs(path.lambdas.back() / path.lambdas.front() - 0.05) <= 1e-14);
    LassoOptions single;
    single.tolerance = 1e-12;
    single.fit_intercept = c.fit_intercept;
    for (std::size_t k = 0; k < path.lambdas.size(); k += 3) {
      INFO("lambda " << k);
      const LassoResult r = iterum::bcd::elastic_net(d.x, d.y, path.lambdas[k], c.l1_ratio, single);
      REQUIRE(r.status == Status::Converged);
      const Eigen::VectorXd w = path.coefficients.col(static_cast<Index>(k));
      // Both gaps are below 1e-12 relative: the coefficients agree to the conditioning.
      CHECK((w - r.x).lpNorm<Eigen::Infinity>() <= 1e-5);
      CHECK(std::abs(path.intercepts[k] - r.intercept) <= 1e-5);
      CHECK(std::abs(path.objectives[k] - r.objective) <= 1e-11 * r.objective);
      const double gap =
          enet_relative_gap(d.x, d.y, w, path.lambdas[k], c.l1_ratio, c.fit_intercept);
      CHECK(gap <= 1e-12);
      CHECK(path.gaps[k] <= o.tolerance);
    }
  }
  // An explicit grid ending at the fixture's lambda gives scikit-learn's coefficients.
  const auto& c = sklearn_lasso::cases()[0];
  const LassoData d = lasso_data(c);
  iterum::bcd::PathOptions o;
  o.tolerance = 1e-12;
  o.lambdas = {4 * c.lambda, 2 * c.lambda, c.lambda};
  const auto path = iterum::bcd::lasso_path(d.x, d.y, o);
  REQUIRE(path.status == Status::Converged);
  const Eigen::VectorXd ref = Eigen::Map<const Eigen::VectorXd>(c.coef.data(), c.p);
  CHECK((Eigen::VectorXd(path.coefficients.col(2)) - ref).lpNorm<Eigen::Infinity>() <= 1e-6);
  // Bad grids are named.
  o.lambdas = {1.0, 2.0};
  CHECK(contains(invalid_argument_message([&] { (void)iterum::bcd::lasso_path(d.x, d.y, o); }),
                 "options.lambdas[1]"));
  o.lambdas = {};
  o.l1_ratio = 0.0;
  CHECK(contains(invalid_argument_message([&] { (void)iterum::bcd::lasso_path(d.x, d.y, o); }),
                 "options.l1_ratio"));
}

TEST_CASE("lasso on scikit-learn's diabetes data matches scikit-learn", "[bcd][lasso][data]") {
  const std::string dir = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";
  const std::filesystem::path data = dir + "diabetes_data_raw.csv.gz";
  const std::filesystem::path target = dir + "diabetes_target.csv.gz";
  if (!std::filesystem::exists(data) || !std::filesystem::exists(target)) {
    WARN("skipped: " + data.string() + " not found (Debian package python3-sklearn)");
    return;
  }
  Eigen::MatrixXd x = iterum::io::read_csv(data, {.delimiter = ' '});
  const Eigen::VectorXd y = iterum::io::read_csv(target).col(0);
  x.rowwise() -= x.colwise().mean();  // load_diabetes(): centered, unit-norm columns
  for (Index j = 0; j < x.cols(); ++j) x.col(j) /= x.col(j).norm();
  LassoOptions o;
  o.tolerance = 1e-13;
  const LassoResult r = iterum::bcd::lasso(x, y, 0.1, o);
  REQUIRE(r.status == Status::Converged);
  CHECK(r.support == 7);  // scikit-learn's documented outcome
  CHECK(std::abs(r.objective - sklearn_lasso::diabetes_objective) <=
        1e-10 * sklearn_lasso::diabetes_objective);
  CHECK(std::abs(r.intercept - sklearn_lasso::diabetes_intercept) <= 1e-8);
  for (Index j = 0; j < 10; ++j) {
    CHECK(std::abs(r.x[j] - sklearn_lasso::diabetes_coef[static_cast<std::size_t>(j)]) <= 1e-4);
  }
}
