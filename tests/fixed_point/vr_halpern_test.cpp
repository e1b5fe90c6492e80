#include "iterum/fixed_point/vr_halpern.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/fixed_point/least_squares_sum.hpp"
#include "iterum/fixed_point/matrix_game.hpp"
#include "support/catch_compat.hpp"
#include "support/forb_probe.hpp"
#include "support/throws.hpp"

namespace {

using iterum::Index;
using iterum::Matrix;
using iterum::Status;
using iterum::Vector;
using iterum::fixed_point::FiniteSumResult;
using iterum::fixed_point::LeastSquaresSum;
using iterum::fixed_point::MatrixGame;
using iterum::fixed_point::vr_halpern;
using iterum::fixed_point::VrHalpernAlgorithm;
using iterum::fixed_point::VrHalpernOptions;
using iterum::fixed_point::VrRestart;

/// A least-squares problem with rows a_i = V diag(s) g_i, g_i in {-1, 1}^d, s_j = 1/sqrt(j)
/// (the cocoercive test problem P2 of docs/fixed_point.md, smaller and better conditioned).
LeastSquaresSum<double> random_least_squares(Index n, Index d, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Matrix<double> g(d, d);
  for (Index i = 0; i < d * d; ++i) g.data()[i] = iterum::random::normal(engine);
  const Eigen::HouseholderQR<Matrix<double>> qr(g);
  const Matrix<double> v = qr.householderQ();
  Vector<double> s(d);
  for (Index j = 0; j < d; ++j) s[j] = 1.0 / std::sqrt(static_cast<double>(j + 1));
  Matrix<double> a(n, d);
  Vector<double> signs(d);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) signs[j] = iterum::random::uniform01(engine) < 0.5 ? -1.0 : 1.0;
    a.row(i) = (v * s.asDiagonal() * signs).transpose();
  }
  const Vector<double> truth = iterum::random::normal_vector(engine, d);
  const Vector<double> b = a * truth + 0.1 * iterum::random::normal_vector(engine, n);
  return LeastSquaresSum<double>(a, b);
}

/// Counts component evaluations independently of the methods' own counters.
template <class Inner>
struct CountingSum {
  using Scalar = double;
  const Inner* inner;
  mutable std::int64_t calls = 0;
  [[nodiscard]] Index size() const { return inner->size(); }
  [[nodiscard]] Index dim() const { return inner->dim(); }
  void component(Index i, const Vector<double>& x, Vector<double>& out) const {
    ++calls;
    inner->component(i, x, out);
  }
};

/// F(x) = M x - q with M = skew + mu I split into n row blocks: monotone, Lipschitz, the zero is
/// x* = M^{-1} q.
struct SkewSum {
  using Scalar = double;
  Matrix<double> m;
  Vector<double> q;
  Index blocks = 0;
  [[nodiscard]] Index size() const { return blocks; }
  [[nodiscard]] Index dim() const { return m.rows(); }
  // Component i holds rows [i*r, (i+1)*r) of M x - q, scaled by n so the mean is F.
  void component(Index i, const Vector<double>& x, Vector<double>& out) const {
    const Index r = dim() / blocks;
    out.setZero();
    out.segment(i * r, r) =
        static_cast<double>(blocks) * (m.middleRows(i * r, r) * x - q.segment(i * r, r));
  }
};

double norm_of_f(const LeastSquaresSum<double>& f, const Vector<double>& x) {
  Vector<double> fx(f.dim());
  f.evaluate(x, fx);
  return fx.norm();
}

}  // namespace

TEST_CASE("vr_halpern Alg. 1 (PAGE) solves a cocoercive least-squares sum", "[vr_halpern]") {
  const auto f = random_least_squares(400, 8, 11);
  const Vector<double> x0 = Vector<double>::Zero(8);
  // Independent truth: the least-squares solution by QR; a point's distance to it is at most
  // ||F(x)|| / lambda_min(A^T A / n).
  const Matrix<double> a = f.matrix();
  const Vector<double> x_ls = a.colPivHouseholderQr().solve(f.rhs());
  const Matrix<double> gram = a.transpose() * a / 400.0;
  const double mu = Eigen::SelfAdjointEigenSolver<Matrix<double>>(gram).eigenvalues().minCoeff();
  VrHalpernOptions options;
  options.lipschitz = f.lipschitz();
  options.seed = 3;
  // Plain Halpern converges sublinearly (O(1/k)): a moderate tolerance.
  options.tolerance = 1e-4 * norm_of_f(f, x0);
  const auto plain = vr_halpern(f, x0, options);
  REQUIRE(plain.status == Status::Converged);
  CHECK((plain.x - x_ls).norm() <= 1.01 * plain.residual / mu);
  // With restarts the convergence is linear on this strongly monotone F: to 1e-10.
  options.restart = VrRestart::Adaptive;
  options.tolerance = 1e-10;
  const auto r = vr_halpern(f, x0, options);
  REQUIRE(r.status == Status::Converged);
  REQUIRE(r.residual <= 1e-10);
  CHECK((r.x - x_ls).norm() <= 1.01 * r.residual / mu);
  CHECK(norm_of_f(f, r.x) == Approx(r.residual).epsilon(1e-12));
  // Work: the first two steps are full passes; later ones mostly minibatch differences of
  // 2 floor(sqrt(400)) = 40 calls, so an iteration averages far less than an epoch.
  CHECK(r.counters.oracle_calls < static_cast<std::int64_t>(r.iterations) * 400 / 2);
  // The certificate was evaluated about once per epoch, one epoch each (G = 0).
  REQUIRE(!r.trace.empty());
  CHECK(r.certificate_calls == static_cast<std::int64_t>(r.trace.size()) * 400);
  for (std::size_t k = 1; k < r.trace.size(); ++k) {
    CHECK(r.trace[k].counters.oracle_calls - r.trace[k - 1].counters.oracle_calls >= 400);
  }
  CHECK(r.trace.back().residual == r.residual);
}

TEST_CASE("vr_halpern with default options converges quickly on a 400x5 least-squares sum",
          "[vr_halpern][defaults]") {
  // The call of docs/fixed_point.md on Gaussian data: only the Lipschitz constant is given.
  // Without restarts this ran 0.5-4 million epochs to the default tolerance 1e-6 (and the old
  // default cap of 1e8 iterations let a run go on for minutes); the default adaptive restarts
  // converge in a few hundred epochs.
  for (const std::uint64_t seed : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}}) {
    auto engine = iterum::make_engine(seed);
    Matrix<double> a(400, 5);
    for (Index i = 0; i < a.size(); ++i) a.data()[i] = iterum::random::normal(engine);
    const Vector<double> b = iterum::random::normal_vector(engine, 400);
    const LeastSquaresSum<double> f(a, b);
    const Vector<double> x0 = Vector<double>::Zero(5);
    INFO("seed " << seed);
    const auto r = vr_halpern(f, x0, {.lipschitz = f.lipschitz()});
    REQUIRE(r.status == Status::Converged);
    REQUIRE(r.residual <= 1e-6);
    CHECK(norm_of_f(f, r.x) == Approx(r.residual).epsilon(1e-12));
    // Bounded work: at most 1000 epochs for the method, a fifth of that for the certificates.
    CHECK(r.counters.oracle_calls <= 1000 * 400);
    CHECK(r.certificate_calls <= 200 * 400 + 2 * 400);
    CHECK(r.restarts > 0);
    // Against the least-squares solution: ||x - x*|| <= ||F(x)|| / lambda_min(A^T A / n).
    const Vector<double> x_ls = a.colPivHouseholderQr().solve(b);
    const double mu =
        Eigen::SelfAdjointEigenSolver<Matrix<double>>(a.transpose() * a / 400.0).eigenvalues()[0];
    CHECK((r.x - x_ls).norm() <= 1.01 * r.residual / mu);
    // The test has power: the published method (no restarts) is far from the tolerance after
    // the same budget.
    const auto plain = vr_halpern(
        f, x0,
        {.max_oracle_calls = 1000 * 400, .lipschitz = f.lipschitz(), .restart = VrRestart::None});
    CHECK(plain.status == Status::BudgetExhausted);
    CHECK(plain.residual > 10 * 1e-6);
  }
}

TEST_CASE("vr_halpern's default iteration budget scales with the problem",
          "[vr_halpern][defaults]") {
  using F = LeastSquaresSum<double>;
  const iterum::fixed_point::PageHalpernMethod<F> page;
  const iterum::fixed_point::ResolventHalpernMethod<F> resolvent;
  const VrHalpernOptions defaults;
  for (const auto& [n, d] : {std::pair<Index, Index>{100, 5}, {2500, 20}, {10000, 40}}) {
    INFO("n " << n << ", d " << d);
    const F f(Matrix<double>::Ones(n, d), Vector<double>::Ones(n));
    // 1e9 multiply-adds, a component call counting d (no resolvent here), or 10 epochs, and
    // at most 10^6 epochs (the cap binds for n = 100, d = 5: 5e8 < 1e9).
    const double epoch = static_cast<double>(n * d);
    const double budget = std::min(std::max(1e9, 10.0 * epoch), 1e6 * epoch);
    if (n == 100) CHECK(budget == 1e6 * epoch);
    CHECK(VrHalpernOptions::default_budget(f) == budget);
    // Page: the budget over the expected calls of an iteration, p n + (1 - p) 2 floor(sqrt(n)).
    const double sqrt_n = std::sqrt(static_cast<double>(n));
    const double p = 4.0 / (sqrt_n + 5.0);
    const double calls = p * static_cast<double>(n) + (1 - p) * 2 * std::floor(sqrt_n);
    CHECK(static_cast<double>(defaults.iteration_budget(page, f)) ==
          Approx(budget / (calls * static_cast<double>(d))));
    // InexactResolvent: the outer iterations whose expected calls first reach the budget.
    const Index k = defaults.iteration_budget(resolvent, f);
    const Index components = n;
    const auto dimension = static_cast<double>(d);
    const auto work = [&](Index j) { return resolvent.expected_calls(j, components) * dimension; };
    double total = 0;
    for (Index j = 0; j < k; ++j) total += work(j);
    CHECK(total >= budget);
    CHECK(total - work(k - 1) < budget);
  }
  // A resolvent counts d (1 + log2 d) per evaluation: a game's budget is smaller per iteration.
  auto engine = iterum::make_engine(3);
  const MatrixGame<double> game(iterum::fixed_point::policeman_burglar_matrix(16, 0.8, engine));
  const iterum::fixed_point::PageHalpernMethod<MatrixGame<double>> game_page;
  const double call = static_cast<double>(game.dim());  // 32
  CHECK(
      static_cast<double>(defaults.iteration_budget(game_page, game)) ==
      Approx(std::min(1e9, 1e6 * 16 * call) / (game_page.expected_calls(16) * call + call * 6.0)));
  // An explicit budget wins; an oracle budget lifts the iteration cap.
  const F small(Matrix<double>::Ones(100, 5), Vector<double>::Ones(100));
  CHECK(VrHalpernOptions{.max_iterations = 17}.iteration_budget(page, small) == 17);
  CHECK(VrHalpernOptions{.max_oracle_calls = 5}.iteration_budget(page, small) ==
        std::numeric_limits<Index>::max());
}

TEST_CASE("vr_halpern counts exactly the component calls it makes", "[vr_halpern]") {
  const auto inner = random_least_squares(100, 5, 2);
  for (const auto algorithm : {VrHalpernAlgorithm::Page, VrHalpernAlgorithm::InexactResolvent}) {
    CountingSum<LeastSquaresSum<double>> f{&inner};
    VrHalpernOptions options;
    options.algorithm = algorithm;
    options.lipschitz = inner.lipschitz();
    options.max_iterations = 37;
    options.tolerance = 0.0;
    const auto r = vr_halpern(f, Vector<double>::Zero(5), options);
    CHECK(r.status == Status::MaxIterations);
    CHECK(r.iterations == 37);
    CHECK(f.calls == r.counters.oracle_calls + r.certificate_calls);
  }
}

TEST_CASE("the PAGE estimator is unbiased given an exact previous value", "[vr_halpern]") {
  // With g = F(u_prev), one update is an unbiased estimate of F(u) (Li et al., ICML 2021).
  const auto f = random_least_squares(50, 4, 5);
  auto engine = iterum::make_engine(17);
  const Vector<double> u_prev = iterum::random::normal_vector(engine, 4);
  const Vector<double> u = u_prev + 0.5 * iterum::random::normal_vector(engine, 4);
  Vector<double> fu(4);
  f.evaluate(u, fu);
  iterum::fixed_point::PageEstimator<LeastSquaresSum<double>> estimator(f, 3);
  const int draws = 20000;
  Vector<double> sum = Vector<double>::Zero(4);
  Vector<double> sum_sq = Vector<double>::Zero(4);
  std::int64_t calls = 0;
  for (int t = 0; t < draws; ++t) {
    estimator.refresh(f, u_prev, calls);
    estimator.update(f, u, u_prev, engine, calls);
    sum += estimator.value();
    sum_sq += estimator.value().cwiseAbs2();
  }
  CHECK(calls == static_cast<std::int64_t>(draws) * (50 + 2 * 3));
  const Vector<double> mean = sum / draws;
  const Vector<double> variance = sum_sq / draws - mean.cwiseAbs2();
  REQUIRE(variance.minCoeff() > 0.0);  // the estimator is random, so the test has power
  for (Index j = 0; j < 4; ++j) {
    const double standard_error = std::sqrt(variance[j] / draws);
    CHECK(std::abs(mean[j] - fu[j]) <= 4.0 * standard_error);
  }
  // The test has power: a bias of 0.05 in the first coordinate would be detected.
  CHECK(std::abs(mean[0] + 0.05 - fu[0]) > 4.0 * std::sqrt(variance[0] / draws));
}

TEST_CASE("the VR-FoRB direction is unbiased", "[vr_halpern]") {
  // E_i [Phi(w) + Phi_i(v) - Phi_i(w_prev)] = Phi(w) + Phi(v) - Phi(w_prev) for Phi = eta F + I -
  // u.
  const auto f = random_least_squares(40, 3, 8);
  auto engine = iterum::make_engine(4);
  const double eta = 0.7;
  const auto probe = iterum::test::forb_probe(f, 3, eta, engine);
  const Vector<double>& v = probe.v;
  const Vector<double>& w_prev = probe.w_prev;
  const Vector<double>& phi_w = probe.phi_w;
  const Vector<double>& expected = probe.expected;
  const iterum::fixed_point::FiniteSumOracle<LeastSquaresSum<double>> oracle(f);
  Vector<double> out(3);
  Vector<double> sum = Vector<double>::Zero(3);
  Vector<double> sum_sq = Vector<double>::Zero(3);
  std::int64_t calls = 0;
  const int draws = 40000;
  for (int t = 0; t < draws; ++t) {
    const Index i = iterum::random::uniform_index(engine, 40);
    iterum::fixed_point::vr_forb_direction(oracle, f, i, eta, phi_w, v, w_prev, out, calls);
    sum += out;
    sum_sq += out.cwiseAbs2();
  }
  CHECK(calls == 2 * static_cast<std::int64_t>(draws));
  const Vector<double> mean = sum / draws;
  const Vector<double> variance = sum_sq / draws - mean.cwiseAbs2();
  REQUIRE(variance.minCoeff() > 0.0);
  for (Index j = 0; j < 3; ++j) {
    CHECK(std::abs(mean[j] - expected[j]) <= 4.0 * std::sqrt(variance[j] / draws));
  }
}

TEST_CASE("vr_halpern Alg. 2 solves a monotone Lipschitz sum with a known zero", "[vr_halpern]") {
  auto engine = iterum::make_engine(21);
  const Index d = 12;
  Matrix<double> b(d, d);
  for (Index i = 0; i < d * d; ++i) b.data()[i] = iterum::random::normal(engine);
  SkewSum f;
  f.m = b - b.transpose();  // skew: monotone but not cocoercive
  f.m.diagonal().array() += 0.05;
  f.q = iterum::random::normal_vector(engine, d);
  f.blocks = 6;
  const Vector<double> x_star = f.m.partialPivLu().solve(f.q);
  // Mean-square Lipschitz constant: sqrt(n) max block norm bounds it.
  double block = 0.0;
  for (Index i = 0; i < 6; ++i) block = std::max(block, f.m.middleRows(2 * i, 2).norm());
  VrHalpernOptions options;
  options.algorithm = VrHalpernAlgorithm::InexactResolvent;
  options.lipschitz = std::sqrt(6.0) * block;
  options.inner_iterations_factor = 2.0;
  options.restart = VrRestart::Adaptive;
  options.tolerance = 1e-8;
  options.seed = 9;
  const auto r = vr_halpern(f, Vector<double>::Zero(d), options);
  REQUIRE(r.status == Status::Converged);
  // ||F(x)|| = ||M (x - x*)|| >= sigma_min(M) ||x - x*||.
  const double sigma_min = Eigen::JacobiSVD<Matrix<double>>(f.m).singularValues().minCoeff();
  CHECK((r.x - x_star).norm() <= 1.01 * r.residual / sigma_min);
  CHECK(r.counters.inner_iterations > r.iterations);
}

TEST_CASE("vr_halpern on a matrix game: both algorithms certify and close the duality gap",
          "[vr_halpern]") {
  auto engine = iterum::make_engine(1);
  const MatrixGame<double> game(iterum::fixed_point::policeman_burglar_matrix(40, 0.8, engine));
  for (const auto algorithm : {VrHalpernAlgorithm::Page, VrHalpernAlgorithm::InexactResolvent}) {
    VrHalpernOptions options;
    options.algorithm = algorithm;
    options.lipschitz = game.frobenius_norm();
    if (algorithm == VrHalpernAlgorithm::Page) options.step = 5.0 / game.frobenius_norm();
    // The certificate of a game plateaus at values set by the active faces of the simplices
    // (one element of (F + G)(x), not the smallest): a moderate tolerance.
    options.restart = VrRestart::Adaptive;
    options.tolerance = 5e-4;
    options.certificate_step = 1.0 / game.lipschitz();
    options.max_oracle_calls = 40 * 40000;
    const auto r = vr_halpern(game, game.uniform_start(), options);
    INFO("algorithm " << static_cast<int>(algorithm) << " epochs " << r.epochs());
    REQUIRE(r.status == Status::Converged);
    // The certified point is feasible: two probability vectors.
    CHECK(r.x.minCoeff() >= 0.0);
    CHECK(r.x.head(40).sum() == Approx(1.0).epsilon(1e-12));
    CHECK(r.x.tail(40).sum() == Approx(1.0).epsilon(1e-12));
    // The duality gap, a certificate independent of the method, is small too.
    CHECK(game.duality_gap(r.x) >= -1e-12);
    CHECK(game.duality_gap(r.x) <= 1e-3);
  }
}

TEST_CASE("vr_halpern adaptive restarts re-anchor and cut the work on an ill-conditioned sum",
          "[vr_halpern]") {
  const auto f = random_least_squares(900, 20, 4);
  VrHalpernOptions options;
  options.step = 2.0 / f.lipschitz();
  options.tolerance = 1e-3 * norm_of_f(f, Vector<double>::Zero(20));
  options.seed = 5;
  options.restart = VrRestart::None;
  const auto plain = vr_halpern(f, Vector<double>::Zero(20), options);
  options.restart = VrRestart::Adaptive;
  const auto restarted = vr_halpern(f, Vector<double>::Zero(20), options);
  REQUIRE(plain.ok());
  REQUIRE(restarted.ok());
  CHECK(plain.restarts == 0);
  CHECK(restarted.restarts >= 3);
  CHECK(restarted.counters.oracle_calls < plain.counters.oracle_calls);
}

TEST_CASE("vr_halpern is reproducible from its seed and budgets end it with a status",
          "[vr_halpern]") {
  const auto f = random_least_squares(200, 6, 3);
  VrHalpernOptions options;
  options.lipschitz = f.lipschitz();
  options.tolerance = 1e-3 * norm_of_f(f, Vector<double>::Zero(6));
  options.seed = 42;
  const auto a = vr_halpern(f, Vector<double>::Zero(6), options);
  const auto b = vr_halpern(f, Vector<double>::Zero(6), options);
  options.seed = 43;
  const auto c = vr_halpern(f, Vector<double>::Zero(6), options);
  CHECK(a.x == b.x);
  CHECK(a.counters == b.counters);
  CHECK(a.counters.oracle_calls != c.counters.oracle_calls);

  options.max_oracle_calls = 1000;
  const auto budget = vr_halpern(f, Vector<double>::Zero(6), options);
  CHECK(budget.status == Status::BudgetExhausted);
  CHECK(budget.counters.oracle_calls >= 1000);
  CHECK(budget.counters.oracle_calls < 1000 + 200);
  // The result certifies its own x even though the budget stopped between certificates.
  CHECK(norm_of_f(f, budget.x) == Approx(budget.residual).epsilon(1e-12));
}

TEST_CASE("vr_halpern reports a non-finite operator as NumericalIssue", "[vr_halpern]") {
  struct Exploding {
    using Scalar = double;
    [[nodiscard]] Index size() const { return 4; }
    [[nodiscard]] Index dim() const { return 2; }
    void component(Index i, const Vector<double>& x, Vector<double>& out) const {
      out = x;
      if (i == 3 && x.norm() > 0.5) out[0] = std::numeric_limits<double>::quiet_NaN();
    }
  };
  VrHalpernOptions options;
  options.step = 0.1;
  options.tolerance = 1e-12;
  const auto r = vr_halpern(Exploding{}, Vector<double>::Ones(2), options);
  CHECK(r.status == Status::NumericalIssue);
}

TEST_CASE("vr_halpern steps do not allocate", "[vr_halpern]") {
  const auto f = random_least_squares(64, 4, 1);
  using F = LeastSquaresSum<double>;
  const iterum::fixed_point::PageHalpernMethod<F> page(
      {.step = 0.5,
       .batch = 8,
       .anchoring = iterum::fixed_point::VrAnchoring::Auto,
       .restart = VrRestart::None,
       .restart_decay = 0.5,
       .seed = 1});
  auto s = page.init(f, Vector<double>::Ones(4));
  const iterum::fixed_point::ResolventHalpernMethod<F> resolvent(
      {.step = 2.0,
       .inner_step = 0.05,
       .snapshot_probability = 1.0 / 64,
       .inner_iterations_factor = 0.5,
       .anchoring = iterum::fixed_point::VrAnchoring::Auto,
       .restart = VrRestart::None,
       .restart_decay = 0.5,
       .seed = 1});
  auto t = resolvent.init(f, Vector<double>::Ones(4));
  page.step(f, s);  // LeastSquaresSum::evaluate's buffer exists from construction
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 20; ++k) page.step(f, s);
  for (int k = 0; k < 3; ++k) resolvent.step(f, t);
  Eigen::internal::set_is_malloc_allowed(true);
  CHECK(s.u.allFinite());
  CHECK(t.v.allFinite());
}

TEST_CASE("vr_halpern rejects bad input with messages naming the argument", "[vr_halpern]") {
  const auto f = random_least_squares(20, 3, 1);
  const Vector<double> x0 = Vector<double>::Zero(3);
  using iterum::test::invalid_argument_message;
  // Uniform sampling needs a step or a Lipschitz constant (importance sampling, the default for
  // a LeastSquaresSum, derives the step from the component constants: importance_test.cpp).
  CHECK(invalid_argument_message([&] {
          (void)vr_halpern(f, x0, {.sampling = iterum::fixed_point::VrSampling::Uniform});
        }) ==
        "iterum::fixed_point::vr_halpern: argument 'options.step' must be given, or "
        "options.lipschitz from which it is derived (got unset)");
  CHECK(invalid_argument_message(
            [&] { (void)vr_halpern(f, Vector<double>::Zero(4), {.lipschitz = 1.0}); }) ==
        "iterum::fixed_point::vr_halpern: argument 'x0' must have as many entries as F has "
        "dimensions (3) (got 4)");
  Vector<double> bad = x0;
  bad[1] = std::numeric_limits<double>::infinity();
  CHECK(iterum::test::contains(
      invalid_argument_message([&] { (void)vr_halpern(f, bad, {.lipschitz = 1.0}); }),
      "argument 'x0'"));
  CHECK(invalid_argument_message([&] { (void)vr_halpern(f, x0, {.step = -1.0}); }) ==
        "iterum::fixed_point::vr_halpern: argument 'options.step' must be positive (got -1)");
  CHECK(iterum::test::contains(
      invalid_argument_message([&] { (void)vr_halpern(f, x0, {.lipschitz = 1.0, .batch = 0}); }),
      "argument 'options.batch'"));
  CHECK(iterum::test::contains(invalid_argument_message([&] {
                                 (void)vr_halpern(f, x0, {.lipschitz = 1.0, .restart_decay = 1.0});
                               }),
                               "argument 'options.restart_decay'"));
  VrHalpernOptions options{.lipschitz = 1.0};
  options.certificate_every = 0.0;
  CHECK(iterum::test::contains(invalid_argument_message([&] { (void)vr_halpern(f, x0, options); }),
                               "argument 'options.certificate_every'"));
}

TEST_CASE("vr_halpern's inner step count saturates for a huge factor (D10)", "[vr_halpern]") {
  using F = LeastSquaresSum<double>;
  iterum::fixed_point::ResolventHalpernMethod<F>::Params params;
  params.inner_iterations_factor = 1e300;
  const iterum::fixed_point::ResolventHalpernMethod<F> huge(params);
  REQUIRE(huge.inner_iterations(0, 64) == (Index{1} << 62));
  REQUIRE(huge.inner_iterations(1000, 1) == (Index{1} << 62));
  params.inner_iterations_factor = 1e-300;
  const iterum::fixed_point::ResolventHalpernMethod<F> tiny(params);
  REQUIRE(tiny.inner_iterations(0, 64) == 1);
  params.inner_iterations_factor = 0.5;
  const iterum::fixed_point::ResolventHalpernMethod<F> usual(params);
  REQUIRE(usual.inner_iterations(0, 64) == 23);  // ceil(0.5 * 64 * ln 2)
}

TEST_CASE("vr_halpern honours oracle and time budgets inside a long inner loop (D9)",
          "[vr_halpern]") {
  // With inner_iterations_factor = 1e5 one outer step of Alg. 2 is M_0 = 1e5 n ln 2 VR-FoRB
  // steps (millions of calls): the budgets must end it from inside, not after it.
  const auto f = random_least_squares(200, 6, 5);
  VrHalpernOptions options;
  options.algorithm = VrHalpernAlgorithm::InexactResolvent;
  options.lipschitz = f.lipschitz();
  options.tolerance = 1e-14;
  options.inner_iterations_factor = 1e5;
  options.seed = 3;

  options.max_oracle_calls = 1000;
  const auto calls = vr_halpern(f, Vector<double>::Zero(6), options);
  CHECK(calls.status == Status::BudgetExhausted);
  CHECK(calls.iterations == 1);
  CHECK(calls.counters.oracle_calls >= 1000);
  // One inner step is 2 calls, plus a full pass (200) when the snapshot moves.
  CHECK(calls.counters.oracle_calls <= 1000 + 2 + 200);
  CHECK(calls.counters.inner_iterations < 1000);
  CHECK(calls.x.allFinite());
  CHECK(norm_of_f(f, calls.x) == Approx(calls.residual).epsilon(1e-12));

  options.max_oracle_calls.reset();
  options.time_limit_seconds = 0.05;
  const auto timed = vr_halpern(f, Vector<double>::Zero(6), options);
  CHECK(timed.status == Status::TimeLimit);
  CHECK(timed.iterations == 1);
  CHECK(timed.seconds < 2.0);  // one outer step alone would take minutes
  CHECK(timed.x.allFinite());
  CHECK(norm_of_f(f, timed.x) == Approx(timed.residual).epsilon(1e-12));
}
