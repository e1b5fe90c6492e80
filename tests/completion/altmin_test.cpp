// completion::altmin and AltMinMethod: exact recovery of planted low-rank matrices (the truth is
// the planted matrix, over all its entries), conditioning, the sample-size transition, the
// regularized recommender model (its stationarity recomputed here from the returned factors,
// fold-in against the fitted rows), robustness and budgets.

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iterum/completion/altmin.hpp"
#include "iterum/completion/planted.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::completion::AltMinOptions;
using iterum::completion::AltMinSolver;
using iterum::completion::CompletionResult;
using iterum::completion::Observations;

namespace {

iterum::completion::PlantedMatrix planted(Index m, Index n, Index k, double rho, double kappa,
                                          std::uint64_t seed) {
  iterum::completion::PlantedOptions po;
  po.rows = m;
  po.cols = n;
  po.rank = k;
  po.oversampling = rho;
  po.condition = kappa;
  po.seed = seed;
  return iterum::completion::planted_low_rank(po);
}

// The same entries with each value replaced by f(row, col, value).
template <class F>
Observations remapped(const Observations& o, F f) {
  std::vector<Index> r;
  std::vector<Index> c;
  std::vector<double> v;
  for (Index t = 0; t < o.size(); ++t) {
    r.push_back(o.row_of(t));
    c.push_back(o.col_of(t));
    v.push_back(f(o.row_of(t), o.col_of(t), o.value_of(t)));
  }
  return Observations(o.rows(), o.cols(), r, c, v);
}

AltMinOptions exact_completion(AltMinSolver solver, double tolerance) {
  AltMinOptions o;
  o.lambda = 0.0;
  o.biases = false;
  o.solver = solver;
  o.tolerance = tolerance;
  return o;
}

// The certificate of docs/completion.md, recomputed from the returned model by plain loops
// over the observations in input order (independent of the solver's passes).
double recomputed_certificate(const Observations& o, const CompletionResult& r) {
  const Index k = r.rank();
  const Index m = o.rows();
  const Index n = o.cols();
  Eigen::MatrixXd gu = Eigen::MatrixXd::Zero(m, k);
  Eigen::MatrixXd gv = Eigen::MatrixXd::Zero(n, k);
  Eigen::VectorXd gb = Eigen::VectorXd::Zero(m);
  Eigen::VectorXd gc = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd count_r = Eigen::VectorXd::Zero(m);
  Eigen::VectorXd count_c = Eigen::VectorXd::Zero(n);
  double rho2 = 0.0;
  for (Index t = 0; t < o.size(); ++t) {
    const Index i = o.row_of(t);
    const Index j = o.col_of(t);
    const double pred = r.mean + r.row_bias[i] + r.col_bias[j] + r.u.row(i).dot(r.v.row(j));
    const double e = o.value_of(t) - pred;
    gu.row(i) -= e * r.v.row(j);
    gv.row(j) -= e * r.u.row(i);
    gb[i] -= e;
    gc[j] -= e;
    count_r[i] += 1.0;
    count_c[j] += 1.0;
    rho2 += (o.value_of(t) - r.mean) * (o.value_of(t) - r.mean);
  }
  for (Index i = 0; i < m; ++i) {
    gu.row(i) += r.lambda * (r.weighted_lambda ? count_r[i] : 1.0) * r.u.row(i);
    gb[i] += r.bias_lambda * r.row_bias[i];
  }
  for (Index j = 0; j < n; ++j) {
    gv.row(j) += r.lambda * (r.weighted_lambda ? count_c[j] : 1.0) * r.v.row(j);
    gc[j] += r.bias_lambda * r.col_bias[j];
  }
  double gx2 = gu.squaredNorm();
  double gy2 = gv.squaredNorm();
  double fx2 = r.u.squaredNorm();
  double fy2 = r.v.squaredNorm();
  if (r.biases) {
    gx2 += gb.squaredNorm();
    gy2 += gc.squaredNorm();
    fx2 += static_cast<double>(m);
    fy2 += static_cast<double>(n);
  }
  const double rho = std::sqrt(rho2);
  const double nx = std::sqrt(r.u.squaredNorm() + (r.biases ? r.row_bias.squaredNorm() : 0.0));
  const double ny = std::sqrt(r.v.squaredNorm() + (r.biases ? r.col_bias.squaredNorm() : 0.0));
  auto term = [&](double g2, double f2, double own) {
    return g2 > 0.0 ? std::sqrt(g2) / (rho * (f2 > 0.0 ? std::sqrt(f2) : own)) : 0.0;
  };
  return term(gx2, fy2, nx) + term(gy2, fx2, ny);
}

void require_certified(const Observations& o, const CompletionResult& r, double tolerance) {
  const double again = recomputed_certificate(o, r);
  INFO("reported " << r.residual << ", recomputed " << again);
  CHECK(std::abs(again - r.residual) <= 1e-6 * r.residual + 1e-15);
  if (r.ok()) CHECK(again <= tolerance * (1.0 + 1e-6));
}

}  // namespace

TEST_CASE("altmin recovers a planted low-rank matrix over all its entries", "[completion]") {
  const auto p = planted(300, 240, 5, 4.0, 0.0, 11);
  for (const AltMinSolver solver : {AltMinSolver::Exact, AltMinSolver::Cg, AltMinSolver::Sketch}) {
    CAPTURE(static_cast<int>(solver));
    const auto r = iterum::completion::altmin(p.observed, 5, exact_completion(solver, 1e-12));
    REQUIRE(r.status == iterum::Status::Converged);
    CHECK(r.iterations <= 40);
    CHECK(p.relative_error(r.u, r.v) <= 1e-10);
    CHECK(r.rmse <= 1e-10 * 5.0);  // the entries have magnitude ~sqrt(k) = 2.2
    require_certified(p.observed, r, 1e-12);
    CHECK(r.counters.oracle_calls >= (r.iterations + 1) * (300 + 240) - 300);
    if (solver != AltMinSolver::Exact) CHECK(r.counters.inner_iterations > 0);
  }
}

TEST_CASE("altmin: inner accuracy must follow kappa (QR + adaptive CG vs fixed CG)",
          "[completion]") {
  // Orthonormal incoherent factors, spectrum 1 ... 1/kappa (arXiv 2302.11068 needs the inner
  // accuracy to grow with kappa).
  using Method = iterum::completion::AltMinMethod<iterum::completion::CgRowSolver>;
  using ExactMethod = iterum::completion::AltMinMethod<iterum::completion::ExactRowSolver>;
  auto iterations_to = [](auto method, const iterum::completion::PlantedMatrix& p, double target,
                          Index cap) {
    const iterum::completion::CompletionProblem problem{p.observed};
    Index reached = -1;
    auto watch = [&](const auto& info) {
      const Index k = method.params().rank;
      const Eigen::MatrixXd u = info.state.x.bottomRows(k).transpose();
      const Eigen::MatrixXd v = info.state.y.bottomRows(k).transpose();
      if (reached < 0 && p.relative_error(u, v) <= target) reached = info.iteration;
      return reached >= 0;
    };
    const auto result = iterum::solve(problem, method, iterum::stop::max_iterations(cap), watch);
    (void)result;
    return reached;
  };
  for (const double kappa : {1.0, 10.0, 100.0}) {
    CAPTURE(kappa);
    const auto p = planted(400, 400, 8, 5.0, kappa, 3);
    Method::Params params;
    params.rank = 8;
    ExactMethod::Params exact_params;
    exact_params.rank = 8;
    const Index exact = iterations_to(ExactMethod(exact_params), p, 1e-8, 60);
    const Index adaptive = iterations_to(Method(params), p, 1e-8, 60);
    CHECK(exact >= 0);
    CHECK(exact <= 25);
    CHECK(adaptive >= 0);
    CHECK(adaptive <= std::max<Index>(exact * 3 / 2, exact + 1));
    if (kappa == 100.0) {
      // Three CG steps per row and no QR: stalls (the case that guards the adaptive rule).
      Method::Params fixed = params;
      fixed.orthonormalize = false;
      iterum::completion::CgRowSolver::Params cg;
      cg.max_steps = 3;
      cg.tolerance = 0.0;
      CHECK(iterations_to(Method(fixed, iterum::completion::CgRowSolver(cg)), p, 1e-6, 60) < 0);
    }
  }
}

TEST_CASE("altmin: the sample-size transition", "[completion]") {
  // Enough samples (rho = |Omega| / (k (m + n - k)) = 3): recovered; too few (rho = 1.3): not.
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const auto enough = planted(300, 300, 4, 3.0, 0.0, seed);
    auto o = exact_completion(AltMinSolver::Exact, 1e-12);
    o.max_iterations = 200;
    const auto r = iterum::completion::altmin(enough.observed, 4, o);
    CHECK(enough.relative_error(r.u, r.v) <= 1e-8);
    const auto few = planted(300, 300, 4, 1.3, 0.0, seed);
    o.max_iterations = 100;
    const auto f = iterum::completion::altmin(few.observed, 4, o);
    CHECK(few.relative_error(f.u, f.v) > 1e-3);
    require_certified(few.observed, f, 1e-12);
  }
}

TEST_CASE("altmin: the regularized model with biases is certified stationary", "[completion]") {
  // Ratings-like data: planted rank 3 plus biases and noise, 1..5 scale.
  auto p = planted(70, 90, 3, 6.0, 0.0, 5);
  const Observations obs = remapped(p.observed, [](Index i, Index j, double x) {
    return 3.0 + 0.3 * x + 0.1 * static_cast<double>(i % 5) - 0.05 * static_cast<double>(j % 7);
  });
  AltMinOptions o;
  o.lambda = 0.05;
  o.bias_lambda = 2.0;
  o.tolerance = 1e-9;
  o.max_iterations = 3000;
  o.clip_min = 1.0;
  o.clip_max = 5.0;
  for (const AltMinSolver solver : {AltMinSolver::Exact, AltMinSolver::Cg}) {
    CAPTURE(static_cast<int>(solver));
    o.solver = solver;
    const auto fit = iterum::completion::altmin(obs, 3, o);
    REQUIRE(fit.status == iterum::Status::Converged);
    require_certified(obs, fit, 1e-9);
    CHECK(fit.biases);
    CHECK_THAT(fit.mean, Catch::Matchers::WithinRel(obs.mean(), 1e-14));
    // Fold-in of row 7's own ratings solves the row's problem again: the same factor and bias.
    const auto line = obs.row(7);
    const std::vector<Index> cols(line.index.begin(), line.index.end());
    const std::vector<double> vals(line.value.begin(), line.value.end());
    const auto folded = fit.fold_in(cols, vals);
    CHECK((folded.factor - fit.u.row(7).transpose()).norm() <= 1e-6 * fit.u.row(7).norm());
    CHECK_THAT(folded.bias, Catch::Matchers::WithinAbs(fit.row_bias[7], 1e-6));
    CHECK_THAT(fit.predict(folded, 3), Catch::Matchers::WithinAbs(fit.predict(7, 3), 1e-6));
    // Recommendations: the brute-force ranking of the unseen columns.
    const auto top = fit.recommend(7, 5);
    REQUIRE(top.size() == 5);
    std::vector<std::pair<double, Index>> all;
    for (Index j = 0; j < 90; ++j) {
      if (std::find(cols.begin(), cols.end(), j) == cols.end())
        all.push_back({-fit.predict(7, j), j});
    }
    std::sort(all.begin(), all.end());
    for (std::size_t t = 0; t < 5; ++t) {
      CHECK(top[t].col == all[t].second);
      CHECK(top[t].score == -all[t].first);
    }
    CHECK(fit.predict(0, 0) >= 1.0);
    CHECK(fit.predict(0, 0) <= 5.0);
  }
}

TEST_CASE("altmin: sparse rows, empty rows and cold starts", "[completion]") {
  // Row 0 has no observation, row 1 a single one (below the rank), column 5 none.
  const auto p = planted(40, 30, 3, 5.0, 0.0, 8);
  std::vector<Index> r;
  std::vector<Index> c;
  std::vector<double> v;
  bool kept_one = false;
  for (Index t = 0; t < p.observed.size(); ++t) {
    const Index i = p.observed.row_of(t);
    const Index j = p.observed.col_of(t);
    if (i == 0 || j == 5) continue;
    if (i == 1) {
      if (kept_one) continue;
      kept_one = true;
    }
    r.push_back(i);
    c.push_back(j);
    v.push_back(p.observed.value_of(t) + 2.0);
  }
  const Observations obs(40, 30, r, c, v);
  SECTION("exact completion: the under-determined row gets the safeguard, nothing breaks") {
    auto o = exact_completion(AltMinSolver::Exact, 1e-10);
    o.max_iterations = 50;
    const auto fit = iterum::completion::altmin(obs, 3, o);
    CHECK(fit.u.allFinite());
    CHECK(fit.v.allFinite());
    CHECK(fit.regularized_solves > 0);
    CHECK(fit.u.row(0).norm() == 0.0);
    CHECK(fit.v.row(5).norm() == 0.0);
    require_certified(obs, fit, 1e-10);
  }
  SECTION("with biases: cold rows and columns are predicted from the biases") {
    const auto fit = iterum::completion::altmin(obs, 3);
    CHECK(fit.row_bias[0] == 0.0);
    CHECK(fit.u.row(0).norm() == 0.0);
    CHECK_THAT(fit.predict(0, 2), Catch::Matchers::WithinAbs(fit.mean + fit.col_bias[2], 1e-12));
    CHECK_THAT(fit.predict(3, 5), Catch::Matchers::WithinAbs(fit.mean + fit.row_bias[3], 1e-12));
    require_certified(obs, fit, AltMinOptions{}.tolerance);
  }
}

TEST_CASE("altmin: bad input names the argument", "[completion]") {
  using iterum::test::contains;
  using iterum::test::invalid_argument_message;
  const auto p = planted(20, 15, 2, 4.0, 0.0, 1);
  CHECK(
      contains(invalid_argument_message([&] { (void)iterum::completion::altmin(p.observed, 16); }),
               "'rank'"));
  CHECK(contains(invalid_argument_message([&] { (void)iterum::completion::altmin(p.observed, 0); }),
                 "'rank'"));
  AltMinOptions o;
  o.lambda = -1.0;
  CHECK(contains(
      invalid_argument_message([&] { (void)iterum::completion::altmin(p.observed, 2, o); }),
      "options.lambda"));
  o = {};
  o.clip_min = 5.0;
  o.clip_max = 1.0;
  CHECK(contains(
      invalid_argument_message([&] { (void)iterum::completion::altmin(p.observed, 2, o); }),
      "options.clip_max"));
  const auto other = planted(21, 15, 2, 4.0, 0.0, 2);
  o = {};
  o.validation = &other.observed;
  CHECK(contains(
      invalid_argument_message([&] { (void)iterum::completion::altmin(p.observed, 2, o); }),
      "options.validation"));
  const Observations empty(3, 3, std::vector<Index>{}, std::vector<Index>{}, std::vector<double>{});
  CHECK(contains(invalid_argument_message([&] { (void)iterum::completion::altmin(empty, 1); }),
                 "observations"));
  const auto fit = iterum::completion::altmin(p.observed, 2);
  CHECK(contains(invalid_argument_message([&] { (void)fit.predict(20, 0); }), "'row'"));
  const std::vector<Index> twice{1, 1};
  const std::vector<double> vals{1.0, 2.0};
  CHECK(contains(invalid_argument_message([&] { (void)fit.fold_in(twice, vals); }), "'cols'"));
}

TEST_CASE("altmin: budgets, warm starts, determinism, validation", "[completion]") {
  const auto p = planted(200, 150, 4, 4.0, 0.0, 21);
  const auto [train, test] = iterum::completion::split_holdout(p.observed, 0.2, 1);
  auto o = exact_completion(AltMinSolver::Cg, 1e-11);
  o.validation = &test;
  const auto a = iterum::completion::altmin(train, 4, o);
  const auto b = iterum::completion::altmin(train, 4, o);
  CHECK(a.u == b.u);  // bit for bit
  CHECK(a.iterations == b.iterations);
  REQUIRE(a.validation_rmse.has_value());
  CHECK(a.validation_history.size() == static_cast<std::size_t>(a.iterations + 1));
  CHECK(*a.validation_rmse <= 1e-6);  // held-out entries are predicted too
  CHECK_THAT(*a.validation_rmse, Catch::Matchers::WithinAbs(a.rmse_on(test), 1e-13));

  // A warm start from the converged fit is converged before any step.
  const auto again = iterum::completion::altmin(train, a, o);
  CHECK(again.status == iterum::Status::Converged);
  CHECK(again.iterations == 0);

  // Row-solve budget, polled inside a half-step.
  auto limited = o;
  limited.max_oracle_calls = 500;
  const auto cut = iterum::completion::altmin(train, 4, limited);
  CHECK(cut.status == iterum::Status::BudgetExhausted);
  CHECK(cut.counters.oracle_calls <= 500 + 32);
  require_certified(train, cut, 1e-11);
}

TEST_CASE("altmin: certified at extreme scales", "[completion]") {
  const auto p = planted(60, 50, 3, 5.0, 0.0, 6);
  for (const int e : {-1000, -300, 300, 1000}) {
    CAPTURE(e);
    const Observations obs =
        remapped(p.observed, [&](Index, Index, double x) { return std::ldexp(x, e); });
    const auto fit =
        iterum::completion::altmin(obs, 3, exact_completion(AltMinSolver::Exact, 1e-9));
    CHECK(fit.status == iterum::Status::Converged);
    CHECK(fit.u.allFinite());
    CHECK(fit.v.allFinite());
    // Back at unit scale, the fit recovers the planted matrix.
    const int eu = e >= 0 ? (e + 1) / 2 : -((-e) / 2);
    const Eigen::MatrixXd u = fit.u.unaryExpr([&](double x) { return std::ldexp(x, -eu); });
    const Eigen::MatrixXd vv = fit.v.unaryExpr([&](double x) { return std::ldexp(x, eu - e); });
    CHECK(p.relative_error(u, vv) <= 1e-7);
    // The certificate is that of the unit-scale problem (docs/completion.md): recomputed there.
    CompletionResult unit = fit;
    unit.u = u;
    unit.v = vv;
    require_certified(p.observed, unit, 1e-9);
  }
  // Subnormal data (2^-1060 x values ~ 1): finite factors, a consistent certificate.
  const Observations tiny =
      remapped(p.observed, [](Index, Index, double x) { return std::ldexp(x, -1060); });
  const auto fit = iterum::completion::altmin(tiny, 3, exact_completion(AltMinSolver::Exact, 1e-9));
  CHECK(fit.u.allFinite());
  CHECK(fit.v.allFinite());
  CHECK(std::isfinite(fit.residual));
}

TEST_CASE("altmin: sample splitting fits a fresh part per half-step", "[completion]") {
  // Oversampling 40 split into 2T + 1 parts: T = 4 leaves each part about 4.4 samples per
  // degree of freedom, and every half-step contracts (JNS13 Alg. 2); T = 10 leaves 1.9, below
  // the recovery threshold, and the fit goes wrong: the proofs' device costs samples.
  const auto p = planted(200, 200, 3, 40.0, 0.0, 17);
  auto o = exact_completion(AltMinSolver::Exact, 1e-12);
  o.sample_splitting = true;
  o.max_iterations = 4;
  const auto split = iterum::completion::altmin(p.observed, 3, o);
  CHECK(split.iterations == 4);
  CHECK(split.status == iterum::Status::MaxIterations);
  CHECK(p.relative_error(split.u, split.v) <= 1e-2);
  require_certified(p.observed, split, 1e-12);
  o.max_iterations = 10;
  const auto thin = iterum::completion::altmin(p.observed, 3, o);
  CHECK(p.relative_error(thin.u, thin.v) > 5e-2);
  // Without splitting, the same budget recovers M to the rounding level.
  o.sample_splitting = false;
  const auto whole = iterum::completion::altmin(p.observed, 3, o);
  CHECK(p.relative_error(whole.u, whole.v) <= 1e-10);
}
