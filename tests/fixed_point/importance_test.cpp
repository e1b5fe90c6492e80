// Importance sampling in the variance-reduced finite-sum methods: the alias table, the
// unbiasedness of every estimator under importance sampling, the component constants of the
// finite sums, the facades' choice of sampling and step, and convergence on uneven sums.

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "iterum/core/alias_table.hpp"
#include "iterum/core/random.hpp"
#include "iterum/fixed_point/component_sampler.hpp"
#include "iterum/fixed_point/extragradient.hpp"
#include "iterum/fixed_point/least_squares_sum.hpp"
#include "iterum/fixed_point/matrix_game.hpp"
#include "iterum/fixed_point/page_estimator.hpp"
#include "iterum/fixed_point/resolvent_halpern_method.hpp"
#include "iterum/fixed_point/vr_extragradient_method.hpp"
#include "iterum/fixed_point/vr_halpern.hpp"
#include "support/catch_compat.hpp"
#include "support/forb_probe.hpp"
#include "support/throws.hpp"

namespace importance_test {

using iterum::Index;
using iterum::Matrix;
using iterum::Status;
using iterum::Vector;
using iterum::fixed_point::ComponentSampler;
using iterum::fixed_point::LeastSquaresSum;
using iterum::fixed_point::VrSampling;

/// Least squares whose row norms are log-normal (sigma): a few rows carry most of max ||a_i||^2.
inline LeastSquaresSum<double> uneven_sum(Index n, Index d, double sigma, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Matrix<double> a(n, d);
  for (Index i = 0; i < n; ++i) {
    const double scale = std::exp(sigma * iterum::random::normal(engine));
    for (Index j = 0; j < d; ++j) a(i, j) = scale * iterum::random::normal(engine);
  }
  const Vector<double> truth = iterum::random::normal_vector(engine, d);
  const Vector<double> b = a * truth + 0.1 * iterum::random::normal_vector(engine, n);
  return LeastSquaresSum<double>(a, b);
}

inline double norm_of_gradient(const LeastSquaresSum<double>& f, const Vector<double>& x) {
  Vector<double> fx(f.dim());
  f.evaluate(x, fx);
  return fx.norm();
}

/// A least-squares sum without `component_lipschitz` (only the required members).
struct PlainSum {
  using Scalar = double;
  const LeastSquaresSum<double>* inner;
  [[nodiscard]] Index size() const { return inner->size(); }
  [[nodiscard]] Index dim() const { return inner->dim(); }
  void component(Index i, const Vector<double>& x, Vector<double>& out) const {
    inner->component(i, x, out);
  }
};

/// Mean and variance of each coordinate over draws of an estimator, and the check that the mean
/// equals `truth` within `z` standard errors (a check that fails for a biased estimator).
struct Moments {
  Vector<double> sum, sum_sq;
  int draws = 0;
  explicit Moments(Index d) : sum(Vector<double>::Zero(d)), sum_sq(Vector<double>::Zero(d)) {}
  void add(const Vector<double>& v) {
    sum += v;
    sum_sq += v.cwiseAbs2();
    ++draws;
  }
  [[nodiscard]] Vector<double> mean() const { return sum / draws; }
  [[nodiscard]] Vector<double> standard_error() const {
    const Vector<double> m = mean();
    return ((sum_sq / draws - m.cwiseAbs2()) / draws).cwiseMax(0.0).cwiseSqrt();
  }
};

}  // namespace importance_test

using namespace importance_test;  // NOLINT: test file

TEST_CASE("The alias table reproduces its probabilities (chi-square) and a seed its draws",
          "[fixed_point][importance]") {
  const std::vector<double> weights{0.0, 1.0, 2.0, 3.0, 10.0, 0.5, 7.0, 0.0, 1e-3};
  const iterum::random::AliasTable table{std::span<const double>(weights)};
  REQUIRE(table.size() == 9);
  double total = 0;
  for (const double w : weights) total += w;
  for (Index i = 0; i < 9; ++i) {
    CHECK(table.probability(i) == Approx(weights[static_cast<std::size_t>(i)] / total));
  }
  auto engine = iterum::make_engine(2024);
  const int draws = 200000;
  std::vector<double> counts(9, 0.0);
  for (int t = 0; t < draws; ++t) counts[static_cast<std::size_t>(table(engine))] += 1.0;
  // Zero weights are never drawn.
  CHECK(counts[0] == 0.0);
  CHECK(counts[7] == 0.0);
  // Pearson's chi-square over the 7 outcomes with positive weight (6 degrees of freedom; its
  // 0.9999 quantile is 27.9); against the uniform distribution the statistic is huge.
  double chi2 = 0;
  double chi2_uniform = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    if (weights[i] == 0.0) continue;
    const double expected = draws * weights[i] / total;
    chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
    const double uniform = draws / 7.0;
    chi2_uniform += (counts[i] - uniform) * (counts[i] - uniform) / uniform;
  }
  INFO("chi-square " << chi2);
  CHECK(chi2 < 27.9);
  CHECK(chi2_uniform > 1000.0);
  // Deterministic for a seed, different for another.
  auto e1 = iterum::make_engine(5);
  auto e2 = iterum::make_engine(5);
  auto e3 = iterum::make_engine(6);
  int same = 0;
  int differ = 0;
  for (int t = 0; t < 1000; ++t) {
    const Index a = table(e1);
    same += a == table(e2) ? 1 : 0;
    differ += a != table(e3) ? 1 : 0;
  }
  CHECK(same == 1000);
  CHECK(differ > 100);
  // Bad weights are rejected with messages naming the class and the argument.
  using iterum::test::invalid_argument_message;
  const std::vector<double> negative{1.0, -2.0};
  CHECK(invalid_argument_message([&] {
          (void)iterum::random::AliasTable(std::span<const double>(negative));
        }) == "iterum::random::AliasTable: argument 'weights' must be nonnegative (got -2)");
  const std::vector<double> zeros{0.0, 0.0};
  CHECK(invalid_argument_message(
            [&] { (void)iterum::random::AliasTable(std::span<const double>(zeros)); }) ==
        "iterum::random::AliasTable: argument 'weights' must have a positive finite sum "
        "(got 0)");
}

TEST_CASE("The component constants of LeastSquaresSum and MatrixGame bound their components",
          "[fixed_point][importance]") {
  const auto f = uneven_sum(30, 4, 1.0, 3);
  auto engine = iterum::make_engine(8);
  Vector<double> fu(4), fv(4);
  for (Index i = 0; i < 30; ++i) {
    CHECK(f.component_lipschitz(i) == Approx(f.matrix().row(i).squaredNorm()).epsilon(1e-14));
    const Vector<double> u = iterum::random::normal_vector(engine, 4);
    const Vector<double> v = iterum::random::normal_vector(engine, 4);
    f.component(i, u, fu);
    f.component(i, v, fv);
    // Cocoercive: ||F_i(u) - F_i(v)||^2 <= L_i <F_i(u) - F_i(v), u - v> (equality for rank one).
    CHECK((fu - fv).squaredNorm() ==
          Approx(f.component_lipschitz(i) * (fu - fv).dot(u - v)).epsilon(1e-10));
  }
  // L_Q = mean ||a_i||^2 = ||A||_F^2 / n, at most max ||a_i||^2.
  const double l_q = iterum::fixed_point::importance_lipschitz(f);
  CHECK(l_q == Approx(f.matrix().squaredNorm() / 30.0).epsilon(1e-13));
  CHECK(l_q < f.lipschitz());

  // MatrixGame: ||F_i(z) - F_i(z')|| <= L_i ||z - z'||, attained along the larger of row i and
  // column i.
  Matrix<double> a(3, 5);
  for (Index k = 0; k < a.size(); ++k) a.data()[k] = iterum::random::normal(engine);
  const iterum::fixed_point::MatrixGame<double> game(a);
  Vector<double> gz(8), gw(8);
  for (Index i = 0; i < game.size(); ++i) {
    const double l_i = game.component_lipschitz(i);
    double worst = 0;
    for (int t = 0; t < 50; ++t) {
      const Vector<double> z = iterum::random::normal_vector(engine, 8);
      const Vector<double> w = iterum::random::normal_vector(engine, 8);
      game.component(i, z, gz);
      game.component(i, w, gw);
      worst = std::max(worst, (gz - gw).norm() / (z - w).norm());
      CHECK((gz - gw).norm() <= l_i * (z - w).norm() * (1 + 1e-12));
    }
    // Tight: a unit move of x_i (when i < n) or y_i (when i < m), whichever part is larger.
    const double row = i < 3 ? a.row(i).norm() : 0.0;
    const double col = a.col(i).norm();
    Vector<double> e = Vector<double>::Zero(8);
    e[col >= row ? i : 5 + i] = 1.0;
    game.component(i, e, gz);
    game.component(i, Vector<double>::Zero(8), gw);
    CHECK((gz - gw).norm() == Approx(l_i).epsilon(1e-12));
    CHECK(worst <= l_i);
  }
}

TEST_CASE("The PAGE estimator stays unbiased under importance sampling",
          "[fixed_point][importance]") {
  const auto f = uneven_sum(60, 4, 1.0, 5);
  const std::vector<double> constants = iterum::fixed_point::component_lipschitz_constants(f);
  const ComponentSampler sampler{std::span<const double>(constants)};
  REQUIRE(sampler.importance());
  // The probabilities are uneven (log-normal rows): the test exercises the weights.
  double p_max = 0;
  double p_min = 1;
  for (Index i = 0; i < 60; ++i) {
    p_max = std::max(p_max, sampler.probability(i));
    p_min = std::min(p_min, sampler.probability(i));
    CHECK(sampler.weight(i) == Approx(1.0 / (60.0 * sampler.probability(i))));
  }
  REQUIRE(p_max > 20 * p_min);
  auto engine = iterum::make_engine(31);
  const Vector<double> u_prev = iterum::random::normal_vector(engine, 4);
  const Vector<double> u = u_prev + 0.5 * iterum::random::normal_vector(engine, 4);
  Vector<double> fu(4);
  f.evaluate(u, fu);
  iterum::fixed_point::PageEstimator<LeastSquaresSum<double>> estimator(f, 3, sampler);
  Moments moments(4);
  std::int64_t calls = 0;
  const int draws = 20000;
  for (int t = 0; t < draws; ++t) {
    estimator.refresh(f, u_prev, calls);
    estimator.update(f, u, u_prev, engine, calls);
    moments.add(estimator.value());
  }
  CHECK(calls == static_cast<std::int64_t>(draws) * (60 + 2 * 3));
  const Vector<double> mean = moments.mean();
  const Vector<double> se = moments.standard_error();
  REQUIRE(se.minCoeff() > 0.0);
  for (Index j = 0; j < 4; ++j) {
    INFO("coordinate " << j << ": mean " << mean[j] << ", F(u) " << fu[j] << ", se " << se[j]);
    CHECK(std::abs(mean[j] - fu[j]) <= 4.5 * se[j]);
  }
  // The check has power: the same draws without the 1/(n p_i) weights are biased by many
  // standard errors (heavy rows drawn often, counted as if uniform).
  iterum::fixed_point::PageEstimator<LeastSquaresSum<double>> unweighted(f, 3);
  Moments biased(4);
  auto engine2 = iterum::make_engine(31);
  Vector<double> g(4), fi(4), fj(4);
  const Vector<double> fu_prev = [&] {
    Vector<double> out(4);
    f.evaluate(u_prev, out);
    return out;
  }();
  for (int t = 0; t < draws; ++t) {
    g = fu_prev;
    for (int j = 0; j < 3; ++j) {
      const Index i = sampler.draw(engine2);
      f.component(i, u, fi);
      f.component(i, u_prev, fj);
      g += (fi - fj) / 3.0;
    }
    biased.add(g);
  }
  CHECK((biased.mean() - fu).cwiseQuotient(biased.standard_error()).cwiseAbs().maxCoeff() > 10.0);
}

TEST_CASE("The VR-FoRB direction and the VR-EG estimate stay unbiased under importance sampling",
          "[fixed_point][importance]") {
  const auto f = uneven_sum(40, 3, 1.0, 9);
  using F = LeastSquaresSum<double>;
  auto engine = iterum::make_engine(12);
  const int draws = 40000;
  {
    // VR-FoRB: E [Phi(w) + (Phi_i(v) - Phi_i(w_prev)) / (n p_i)] = Phi(w) + Phi(v) - Phi(w_prev).
    const double eta = 0.7;
    const auto probe = iterum::test::forb_probe(f, 3, eta, engine);
    const Vector<double>& v = probe.v;
    const Vector<double>& w_prev = probe.w_prev;
    const Vector<double>& phi_w = probe.phi_w;
    const Vector<double>& expected = probe.expected;
    const auto sampler = iterum::fixed_point::make_component_sampler(f, VrSampling::Importance);
    REQUIRE(sampler.importance());
    const iterum::fixed_point::FiniteSumOracle<F> oracle(f);
    Vector<double> out(3);
    Moments moments(3);
    std::int64_t calls = 0;
    for (int t = 0; t < draws; ++t) {
      const Index i = sampler.draw(engine);
      iterum::fixed_point::vr_forb_direction(oracle, f, i, eta * sampler.weight(i), phi_w, v,
                                             w_prev, out, calls);
      moments.add(out);
    }
    CHECK(calls == 2 * static_cast<std::int64_t>(draws));
    const Vector<double> se = moments.standard_error();
    REQUIRE(se.minCoeff() > 0.0);
    for (Index j = 0; j < 3; ++j) CHECK(std::abs(moments.mean()[j] - expected[j]) <= 4.5 * se[j]);
  }
  {
    // VR-EG: E [F(w) + (F_i(at) - F_i(w)) / (n p_i)] = F(at), drawn by the method's own state.
    using Method = iterum::fixed_point::VrExtragradientMethod<F>;
    const Method method({.step = 0.01,
                         .snapshot_probability = 0.1,
                         .alpha = 0.9,
                         .sampling = VrSampling::Importance,
                         .seed = 4});
    const Vector<double> snapshot = iterum::random::normal_vector(engine, 3);
    const Vector<double> at = iterum::random::normal_vector(engine, 3);
    auto state = method.init(f, snapshot);
    REQUIRE(state.sampler.importance());
    Vector<double> truth(3);
    f.evaluate(at, truth);
    Vector<double> g(3);
    Moments moments(3);
    for (int t = 0; t < draws; ++t) {
      method.estimate(f, state, at, g);
      moments.add(g);
    }
    CHECK(state.counters.oracle_calls == 40 + 2 * static_cast<std::int64_t>(draws));
    const Vector<double> se = moments.standard_error();
    REQUIRE(se.minCoeff() > 0.0);
    for (Index j = 0; j < 3; ++j) CHECK(std::abs(moments.mean()[j] - truth[j]) <= 4.5 * se[j]);
    // Power: a bias of a tenth of ||F(at)|| would be caught.
    CHECK(0.1 * truth.norm() > 10 * se.maxCoeff());
  }
}

TEST_CASE("vr_halpern and VR-EG with importance sampling solve an uneven least-squares sum",
          "[fixed_point][importance]") {
  const Index n = 300;
  const Index d = 5;
  const auto f = uneven_sum(n, d, 1.0, 17);
  const Vector<double> x0 = Vector<double>::Zero(d);
  // Independent truth: the least-squares solution by QR; ||x - x*|| <= ||F(x)|| / lambda_min.
  const Matrix<double> a = f.matrix();
  const Vector<double> x_ls = a.colPivHouseholderQr().solve(f.rhs());
  const double mu = Eigen::SelfAdjointEigenSolver<Matrix<double>>(a.transpose() * a / 300.0)
                        .eigenvalues()
                        .minCoeff();
  const double l_q = iterum::fixed_point::importance_lipschitz(f);
  REQUIRE(f.lipschitz() > 10 * l_q);  // uneven: uniform sampling's constant is 10x larger
  const double tolerance = 1e-8;
  auto converged = [&](const auto& r) {
    INFO("status " << iterum::to_string(r.status) << ", residual " << r.residual);
    REQUIRE(r.status == Status::Converged);
    // Converged only when the certificate recomputed from the returned x meets the tolerance.
    const double recomputed = norm_of_gradient(f, r.x);
    CHECK(recomputed <= tolerance);
    CHECK(recomputed == Approx(r.residual).epsilon(1e-12));
    CHECK((r.x - x_ls).norm() <= 1.01 * recomputed / mu);
  };
  // No step, no Lipschitz constant: the step follows from L_Q (sampling Auto -> Importance).
  const auto page = iterum::fixed_point::vr_halpern(f, x0, {.tolerance = tolerance, .seed = 2});
  converged(page);
  // The same run, spelled out: importance sampling at eta = 1/L_Q, bit for bit.
  const auto explicit_page = iterum::fixed_point::vr_halpern(
      f, x0,
      {.tolerance = tolerance, .seed = 2, .step = 1.0 / l_q, .sampling = VrSampling::Importance});
  CHECK(explicit_page.x == page.x);
  CHECK(explicit_page.counters.oracle_calls == page.counters.oracle_calls);
  // The docs' call (`lipschitz` = max ||a_i||^2) also samples by importance: L_Q < L.
  const auto docs_call = iterum::fixed_point::vr_halpern(
      f, x0, {.tolerance = tolerance, .seed = 2, .lipschitz = f.lipschitz()});
  CHECK(docs_call.x == page.x);
  // Uniform sampling at its own constant needs several times the component calls.
  const auto uniform = iterum::fixed_point::vr_halpern(f, x0,
                                                       {.tolerance = tolerance,
                                                        .max_oracle_calls = 3000 * n,
                                                        .seed = 2,
                                                        .lipschitz = f.lipschitz(),
                                                        .sampling = VrSampling::Uniform});
  INFO("importance " << page.counters.oracle_calls << " calls, uniform "
                     << uniform.counters.oracle_calls << " (" << iterum::to_string(uniform.status)
                     << ")");
  CHECK(uniform.counters.oracle_calls > 3 * page.counters.oracle_calls);
  // Alg. 2 (VR-FoRB inside) with importance sampling.
  const auto resolvent = iterum::fixed_point::vr_halpern(
      f, x0,
      {.tolerance = tolerance,
       .seed = 2,
       .algorithm = iterum::fixed_point::VrHalpernAlgorithm::InexactResolvent,
       .inner_step_scale = 5.0});
  converged(resolvent);
  // VR-EG with importance sampling (its theory step for L_Q).
  const auto vreg = iterum::fixed_point::extragradient(
      f, x0,
      {.tolerance = tolerance,
       .seed = 2,
       .variant = iterum::fixed_point::ExtragradientVariant::VarianceReduced});
  converged(vreg);
}

TEST_CASE("The facades' sampling choice: Auto, explicit settings, and errors",
          "[fixed_point][importance]") {
  const auto f = uneven_sum(50, 3, 1.0, 4);
  const Vector<double> x0 = Vector<double>::Zero(3);
  const double l_q = iterum::fixed_point::importance_lipschitz(f);
  using iterum::fixed_point::vr_halpern;
  const iterum::fixed_point::VrHalpernOptions base{.max_iterations = 40, .seed = 7};
  auto with = [&](auto change) {
    auto options = base;
    change(options);
    return vr_halpern(f, x0, options);
  };
  // A given step keeps uniform sampling (Auto), as does a Lipschitz constant at most L_Q.
  const auto stepped = with([](auto& o) { o.step = 0.01; });
  const auto stepped_uniform = with([](auto& o) {
    o.step = 0.01;
    o.sampling = VrSampling::Uniform;
  });
  const auto stepped_importance = with([](auto& o) {
    o.step = 0.01;
    o.sampling = VrSampling::Importance;
  });
  CHECK(stepped.x == stepped_uniform.x);
  CHECK(stepped.x != stepped_importance.x);
  const auto small_l = with([&](auto& o) { o.lipschitz = 0.5 * l_q; });
  const auto small_l_uniform = with([&](auto& o) {
    o.lipschitz = 0.5 * l_q;
    o.sampling = VrSampling::Uniform;
  });
  CHECK(small_l.x == small_l_uniform.x);
  // A sum without component constants: Auto is uniform; Importance is an error; and without a
  // step or Lipschitz constant the call still throws.
  const PlainSum plain{&f};
  using iterum::test::invalid_argument_message;
  CHECK(invalid_argument_message([&] {
          (void)vr_halpern(plain, x0, {.lipschitz = 1.0, .sampling = VrSampling::Importance});
        }) ==
        "iterum::fixed_point::vr_halpern: argument 'options.sampling' needs "
        "F::component_lipschitz(i) (concept FiniteSumWithComponentLipschitz) (got "
        "Importance)");
  CHECK(invalid_argument_message([&] { (void)vr_halpern(plain, x0, {}); }) ==
        "iterum::fixed_point::vr_halpern: argument 'options.step' must be given, or "
        "options.lipschitz from which it is derived (got unset)");
  CHECK(invalid_argument_message(
            [&] { (void)vr_halpern(f, x0, {.sampling = VrSampling::Uniform}); }) ==
        "iterum::fixed_point::vr_halpern: argument 'options.step' must be given, or "
        "options.lipschitz from which it is derived (got unset)");
  CHECK(invalid_argument_message([&] {
          (void)iterum::fixed_point::extragradient(
              plain, x0,
              {.variant = iterum::fixed_point::ExtragradientVariant::VarianceReduced,
               .lipschitz = 1.0,
               .sampling = VrSampling::Importance});
        }) ==
        "iterum::fixed_point::extragradient: argument 'options.sampling' needs "
        "F::component_lipschitz(i) (concept FiniteSumWithComponentLipschitz) (got "
        "Importance)");
  // The deterministic variants need their own constant: no component-constant default.
  CHECK(invalid_argument_message([&] { (void)iterum::fixed_point::extragradient(f, x0, {}); }) ==
        "iterum::fixed_point::extragradient: argument 'options.step' must be given, or "
        "options.lipschitz from which it is derived (got unset)");
  // Zero component constants (a zero matrix) fall back to a uniform sampler.
  const LeastSquaresSum<double> zero(Matrix<double>::Zero(4, 2), Vector<double>::Ones(4));
  CHECK(!iterum::fixed_point::make_component_sampler(zero, VrSampling::Importance).importance());
  CHECK(iterum::test::contains(
      invalid_argument_message([&] { (void)vr_halpern(zero, Vector<double>::Zero(2), {}); }),
      "argument 'options.step' must be given"));
}

TEST_CASE("The docs' 400x5 call converges to 1e-8 within a modest budget of component calls",
          "[fixed_point][importance][defaults]") {
  // The call of docs/fixed_point.md with tolerance 1e-8: it once ran 282 s and ended
  // MaxIterations (10^8 iterations, no restarts); with the default restarts and importance
  // sampling it must converge within 1500 epochs of method calls (count-based, not timed).
  for (const std::uint64_t seed : {std::uint64_t{1}, std::uint64_t{2}}) {
    auto engine = iterum::make_engine(seed);
    Matrix<double> a(400, 5);
    for (Index i = 0; i < a.size(); ++i) a.data()[i] = iterum::random::normal(engine);
    const Vector<double> b = iterum::random::normal_vector(engine, 400);
    const LeastSquaresSum<double> f(a, b);
    const auto r = iterum::fixed_point::vr_halpern(f, Vector<double>::Zero(5),
                                                   {.tolerance = 1e-8, .lipschitz = f.lipschitz()});
    INFO("seed " << seed << ": " << iterum::to_string(r.status) << " after " << r.epochs()
                 << " epochs, residual " << r.residual);
    REQUIRE(r.status == Status::Converged);
    CHECK(norm_of_gradient(f, r.x) <= 1e-8);
    CHECK(r.counters.oracle_calls <= 1500 * 400);
    CHECK(r.certificate_calls <= 300 * 400 + 2 * 400);
  }
}

TEST_CASE("Importance-sampled steps do not allocate", "[fixed_point][importance][allocation]") {
  const auto f = uneven_sum(64, 4, 1.0, 1);
  using F = LeastSquaresSum<double>;
  const iterum::fixed_point::PageHalpernMethod<F> page(
      {.step = 0.1, .batch = 8, .sampling = VrSampling::Importance, .seed = 1});
  auto s = page.init(f, Vector<double>::Ones(4));
  REQUIRE(s.estimator.sampler().importance());
  const iterum::fixed_point::ResolventHalpernMethod<F> resolvent(
      {.step = 1.0,
       .inner_step = 0.01,
       .inner_iterations_factor = 0.5,
       .sampling = VrSampling::Importance,
       .seed = 1});
  auto t = resolvent.init(f, Vector<double>::Ones(4));
  const iterum::fixed_point::VrExtragradientMethod<F> vreg(
      {.step = 0.01, .sampling = VrSampling::Importance, .seed = 1});
  auto u = vreg.init(f, Vector<double>::Ones(4));
  page.step(f, s);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 20; ++k) page.step(f, s);
  for (int k = 0; k < 3; ++k) resolvent.step(f, t);
  for (int k = 0; k < 50; ++k) vreg.step(f, u);
  Eigen::internal::set_is_malloc_allowed(true);
  CHECK(s.u.allFinite());
  CHECK(t.v.allFinite());
  CHECK(u.z.allFinite());
}
