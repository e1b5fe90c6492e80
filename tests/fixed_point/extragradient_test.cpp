#include "iterum/fixed_point/extragradient.hpp"

#include <Eigen/LU>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/fixed_point/matrix_game.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;
using iterum::fixed_point::ExtragradientOptions;
using iterum::fixed_point::ExtragradientVariant;
using iterum::fixed_point::MatrixGame;
using iterum::test::invalid_argument_message;

namespace {

constexpr ExtragradientVariant all_variants[] = {ExtragradientVariant::Plain,
                                                 ExtragradientVariant::Anchored,
                                                 ExtragradientVariant::VarianceReduced};

/// F(z) = M z + c split by coordinates: F_i(z) = d (M_i. z + c_i) e_i, no resolvent (G = 0).
struct LinearSum {
  using Scalar = double;
  Eigen::MatrixXd m;
  Eigen::VectorXd c;

  [[nodiscard]] Index size() const { return m.rows(); }
  [[nodiscard]] Index dim() const { return m.rows(); }
  void component(Index i, const Eigen::VectorXd& z, Eigen::VectorXd& out) const {
    out.setZero();
    add_component(i, z, 1.0, out);
  }
  void add_component(Index i, const Eigen::VectorXd& z, double scale, Eigen::VectorXd& acc) const {
    acc[i] += scale * static_cast<double>(size()) * (m.row(i).dot(z) + c[i]);
  }
  void evaluate(const Eigen::VectorXd& z, Eigen::VectorXd& out) const {
    out.noalias() = m * z;
    out += c;
  }
  [[nodiscard]] Eigen::VectorXd solution() const { return m.partialPivLu().solve(-c); }
  [[nodiscard]] double lipschitz() const {
    return Eigen::JacobiSVD<Eigen::MatrixXd>(m).singularValues()[0];
  }
};

/// The unconstrained bilinear game min_x max_y y^T A x: F = (A^T y, -A x), solution 0.
LinearSum bilinear_game(const Eigen::MatrixXd& a) {
  const Index n = a.cols(), m = a.rows();
  LinearSum f{Eigen::MatrixXd::Zero(n + m, n + m), Eigen::VectorXd::Zero(n + m)};
  f.m.topRightCorner(n, m) = a.transpose();
  f.m.bottomLeftCorner(m, n) = -a;
  return f;
}

/// The quadratic min-max of the experiments of arXiv 2310.02987 (Sec. 5), the classical
/// lower-bound construction of Ouyang & Xu (Math. Program., 2021): min_x max_y x^T H x / 2 - h^T x
/// - y^T (A x - b), A with 1 on the anti-diagonal and -1 next to it, divided by 4; H = 2 A^T A; b =
/// 1/4; h = e_n / 4. F(x, y) = (H x - h - A^T y, A x - b).
LinearSum hard_quadratic(Index n) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
  for (Index i = 0; i < n; ++i) {
    a(i, n - 1 - i) = 1;
    if (i < n - 1) a(i, n - 2 - i) = -1;
  }
  a /= 4;
  LinearSum f{Eigen::MatrixXd::Zero(2 * n, 2 * n), Eigen::VectorXd::Zero(2 * n)};
  f.m.topLeftCorner(n, n) = 2 * a.transpose() * a;
  f.m.topRightCorner(n, n) = -a.transpose();
  f.m.bottomLeftCorner(n, n) = a;
  f.c.head(n)[n - 1] = -0.25;
  f.c.tail(n).setConstant(-0.25);
  return f;
}

/// A matrix game whose F turns NaN once `poison_after` full evaluations were made.
struct PoisonedGame {
  using Scalar = double;
  const MatrixGame<double>* game;
  int poison_after;
  mutable int evaluations = 0;

  [[nodiscard]] Index size() const { return game->size(); }
  [[nodiscard]] Index dim() const { return game->dim(); }
  void component(Index i, const Eigen::VectorXd& z, Eigen::VectorXd& out) const {
    game->component(i, z, out);
    if (evaluations >= poison_after) out[0] = std::numeric_limits<double>::quiet_NaN();
  }
  void evaluate(const Eigen::VectorXd& z, Eigen::VectorXd& out) const {
    game->evaluate(z, out);
    if (++evaluations > poison_after) out[0] = std::numeric_limits<double>::quiet_NaN();
  }
  void resolvent(double eta, const Eigen::VectorXd& v, Eigen::VectorXd& out) const {
    game->resolvent(eta, v, out);
  }
};

MatrixGame<double> police_game(Index n, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  return MatrixGame<double>(iterum::fixed_point::policeman_burglar_matrix(n, 0.8, engine));
}

/// Options with the theory step of `variant` for `game`.
ExtragradientOptions game_options(const MatrixGame<double>& game, ExtragradientVariant variant) {
  ExtragradientOptions options;
  options.variant = variant;
  options.lipschitz = variant == ExtragradientVariant::VarianceReduced
                          ? game.mean_square_lipschitz()
                          : game.lipschitz();
  return options;
}

}  // namespace

TEST_CASE("Every extragradient variant solves a small policeman-burglar game",
          "[fixed_point][extragradient]") {
  const auto game = police_game(10, 3);
  const Index n = game.size();
  struct Case {
    ExtragradientVariant variant;
    double step;
    double tolerance;
  };
  const double p = 1.0 / 10.0;
  // EG at its theory step; VR-EG at the step of the arXiv 2310.02987 script (3 sqrt(p) /
  // ||A||_F; the theory step needs 1.2 million iterations here, n = 10 being too small for
  // variance reduction to pay); EAG at its theory step 1/(8L) to 1e-3 only: its anchor pulls
  // the iterate back by O(1/k), so 1e-6 would take about 5e7 iterations.
  const Case cases[] = {
      {ExtragradientVariant::Plain, 0.99 / game.lipschitz(), 1e-6},
      {ExtragradientVariant::VarianceReduced, 3 * std::sqrt(p) / game.frobenius_norm(), 1e-6},
      {ExtragradientVariant::Anchored, 1 / (8 * game.lipschitz()), 1e-3},
  };
  for (const auto& c : cases) {
    INFO(to_string(c.variant));
    ExtragradientOptions options{.variant = c.variant, .step = c.step};
    options.tolerance = c.tolerance;
    options.certificate_step = 1.0 / game.lipschitz();
    const auto r = iterum::fixed_point::extragradient(game, game.uniform_start(), options);
    CAPTURE(r.iterations, r.epochs(), r.residual, to_string(r.status));
    REQUIRE(r.ok());
    REQUIRE(r.residual <= c.tolerance);
    // The certified point is feasible and nearly an equilibrium: its duality gap is small
    // (the uniform start's is above 0.3).
    REQUIRE(r.x.minCoeff() >= 0.0);
    REQUIRE(std::abs(r.x.head(10).sum() - 1.0) <= 1e-12);
    REQUIRE(std::abs(r.x.tail(10).sum() - 1.0) <= 1e-12);
    REQUIRE(game.duality_gap(r.x) <= 10 * c.tolerance);
    REQUIRE(game.duality_gap(game.uniform_start()) > 0.3);
    // Oracle calls: 2n per iteration for EG and EAG; every certificate costs 2n on top.
    if (c.variant != ExtragradientVariant::VarianceReduced) {
      REQUIRE(r.counters.oracle_calls == 2 * n * r.iterations);
    }
    REQUIRE(r.certificate_calls == 2 * n * static_cast<std::int64_t>(r.trace.size()));
    REQUIRE(r.trace.front().iteration == 0);
    REQUIRE(r.trace.back().iteration == r.iterations);
    REQUIRE(r.trace.back().residual == r.residual);
  }
}

TEST_CASE("EG and EAG converge on an unconstrained bilinear game with solution 0",
          "[fixed_point][extragradient]") {
  // A = Q diag(1..2) with Q orthogonal: well conditioned, so the test is about correctness.
  const Eigen::MatrixXd g = iterum::test::normal_matrix(4, 4, 71);
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
  const Eigen::MatrixXd a = q * Eigen::VectorXd::LinSpaced(4, 1.0, 2.0).asDiagonal();
  const LinearSum f = bilinear_game(a);
  REQUIRE(std::abs(f.lipschitz() - 2.0) <= 1e-12);
  auto engine = iterum::make_engine(72);
  const Eigen::VectorXd z0 = iterum::random::normal_vector(engine, 8);
  // EG converges linearly here; EAG at O(1/k) (its anchor pulls back by O(1/k)): a looser
  // tolerance keeps the test fast.
  for (const auto& [variant, tolerance] : {std::pair{ExtragradientVariant::Plain, 1e-10},
                                           std::pair{ExtragradientVariant::Anchored, 1e-4}}) {
    INFO(to_string(variant));
    const auto r = iterum::fixed_point::extragradient(
        f, z0, {.tolerance = tolerance, .variant = variant, .lipschitz = 2.0});
    CAPTURE(r.iterations);
    REQUIRE(r.ok());
    Eigen::VectorXd fx(8);
    f.evaluate(r.x, fx);
    REQUIRE(fx.norm() <= tolerance);
    // ||F(z)|| >= sigma_min ||z - 0||, sigma_min = 1.
    REQUIRE(r.x.norm() <= tolerance);
  }
}

TEST_CASE("EAG keeps k ||F(z_k)|| bounded on the lower-bound quadratic, EG does not",
          "[fixed_point][extragradient][rate]") {
  // With n = 50 (d = 100): ||z0 - z*|| = 207 and sigma_min = 0.0077, so at the theory step
  // eta = 1/(8L) neither method is near z* within 20000 iterations. EAG's ||F(z_k)|| is O(1/k)
  // (Yoon & Ryu, Thm. 1: ||F(z_k)|| <= sqrt(260) ||z0 - z*|| / (eta (k + 1))): (k + 1) ||F||
  // levels off (at about 2600, near k = 3000, then oscillates below it), while EG's ||F(z_k)||
  // stays near 1, so its (k + 1) ||F|| keeps growing and crosses EAG's bound. (Figures from an
  // independent NumPy re-implementation of both methods, which agrees with these runs.)
  const LinearSum f = hard_quadratic(50);
  const double lipschitz = f.lipschitz();
  const double eta = 1.0 / (8.0 * lipschitz);
  const Eigen::VectorXd z0 = Eigen::VectorXd::Constant(100, 1.0 / 50.0);
  const double distance = (z0 - f.solution()).norm();
  const Index iterations = 20000;

  // (k + 1) ||F(z_k)|| for k = 0..iterations, from the methods run on their own.
  const auto scaled_residuals = [&](const auto& method) {
    auto state = method.init(f, z0);
    std::vector<double> out;
    Eigen::VectorXd fz(100);
    for (Index k = 0; k <= iterations; ++k) {
      f.evaluate(method.iterate(state), fz);
      out.push_back(static_cast<double>(k + 1) * fz.norm());
      if (k < iterations) method.step(f, state);
    }
    return out;
  };
  const auto window_max = [&](const std::vector<double>& v, Index from, Index to) {
    return *std::max_element(v.begin() + from, v.begin() + to + 1);
  };
  const auto eag =
      scaled_residuals(iterum::fixed_point::AnchoredExtragradientMethod<LinearSum>({.step = eta}));
  const auto eg =
      scaled_residuals(iterum::fixed_point::ExtragradientMethod<LinearSum>({.step = eta}));

  const double bound = std::sqrt(260.0) * distance / eta;
  REQUIRE(*std::max_element(eag.begin(), eag.end()) <= bound);
  const double eag_early = window_max(eag, iterations / 10, iterations / 5);
  const double eag_late = window_max(eag, iterations / 2, iterations);
  const double eg_early = window_max(eg, iterations / 10, iterations / 5);
  const double eg_late = window_max(eg, iterations / 2, iterations);
  INFO("EAG " << eag_early << " -> " << eag_late << ", EG " << eg_early << " -> " << eg_late
              << ", theorem bound " << bound);
  REQUIRE(eag_late <= 1.2 * eag_early);
  REQUIRE(eg_late >= 2.0 * eg_early);
  REQUIRE(*std::max_element(eg.begin(), eg.end()) > bound);
}

TEST_CASE("The VR-EG estimator is unbiased", "[fixed_point][extragradient][vr]") {
  const auto game = police_game(8, 5);
  using Method = iterum::fixed_point::VrExtragradientMethod<MatrixGame<double>>;
  const Method method({.step = 0.01, .snapshot_probability = 0.125, .alpha = 0.875, .seed = 99});
  auto engine = iterum::make_engine(6);
  const Eigen::VectorXd snapshot = iterum::random::uniform_vector(engine, 16);
  const Eigen::VectorXd at = iterum::random::uniform_vector(engine, 16);
  auto state = method.init(game, snapshot);
  REQUIRE(state.counters.oracle_calls == 8);
  const int draws = 20000;
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(16), sum_sq = Eigen::VectorXd::Zero(16);
  Eigen::VectorXd g(16);
  for (int k = 0; k < draws; ++k) {
    method.estimate(game, state, at, g);
    sum += g;
    sum_sq += g.cwiseProduct(g);
  }
  REQUIRE(state.counters.oracle_calls == 8 + 2 * draws);
  const Eigen::VectorXd mean = sum / draws;
  const Eigen::VectorXd variance = (sum_sq / draws - mean.cwiseProduct(mean)) * draws / (draws - 1);
  Eigen::VectorXd truth(16);
  game.evaluate(at, truth);
  // Every coordinate within 4.5 standard errors (16 coordinates: a false alarm has
  // probability below 1e-4; the fixed seed makes the test deterministic anyway).
  for (Index j = 0; j < 16; ++j) {
    const double standard_error = std::sqrt(variance[j] / draws);
    INFO("coordinate " << j << ": mean " << mean[j] << ", truth " << truth[j] << ", se "
                       << standard_error);
    REQUIRE(standard_error > 0);
    REQUIRE(std::abs(mean[j] - truth[j]) <= 4.5 * standard_error);
  }
  // A biased estimator (forgetting - F_i(w)) would be far off: the check has teeth.
  Eigen::VectorXd f_snapshot(16);
  game.evaluate(snapshot, f_snapshot);
  REQUIRE(f_snapshot.norm() > 10 * std::sqrt(variance.sum() / draws));
}

TEST_CASE("VR-EG counts 2 calls per step and n per snapshot refresh; refreshes have rate p",
          "[fixed_point][extragradient][vr]") {
  const auto game = police_game(30, 7);
  const double p = 1.0 / 30.0;
  const iterum::fixed_point::VrExtragradientMethod<MatrixGame<double>> method(
      {.step = 0.99 * std::sqrt(p) / game.mean_square_lipschitz(),
       .snapshot_probability = p,
       .alpha = 1 - p,
       .seed = 3});
  auto state = method.init(game, game.uniform_start());
  const Index steps = 20000;
  for (Index k = 0; k < steps; ++k) method.step(game, state);
  REQUIRE(state.counters.oracle_calls == 30 + 2 * steps + 30 * state.refreshes);
  // Binomial(20000, 1/30): mean 666.7, standard deviation 25.4.
  REQUIRE(std::abs(static_cast<double>(state.refreshes) - steps * p) <= 5 * 25.4);
}

TEST_CASE("Extragradient runs are reproducible from the seed", "[fixed_point][extragradient]") {
  const auto game = police_game(12, 9);
  auto options = game_options(game, ExtragradientVariant::VarianceReduced);
  options.tolerance = 0;
  options.max_oracle_calls = 12 * 40;
  options.seed = 5;
  const auto first = iterum::fixed_point::extragradient(game, game.uniform_start(), options);
  const auto again = iterum::fixed_point::extragradient(game, game.uniform_start(), options);
  REQUIRE(first.iterations == again.iterations);
  REQUIRE(first.counters == again.counters);
  REQUIRE(first.x == again.x);
  REQUIRE(first.residual == again.residual);
  options.seed = 6;
  const auto other = iterum::fixed_point::extragradient(game, game.uniform_start(), options);
  REQUIRE((other.x - first.x).norm() > 1e-8);
  // The deterministic variants ignore the seed.
  auto plain = game_options(game, ExtragradientVariant::Plain);
  plain.max_iterations = 20;
  const auto a = iterum::fixed_point::extragradient(game, game.uniform_start(), plain);
  plain.seed = 77;
  const auto b = iterum::fixed_point::extragradient(game, game.uniform_start(), plain);
  REQUIRE(a.x == b.x);
}

TEST_CASE("Extragradient stops on its budgets and reports NaN", "[fixed_point][extragradient]") {
  const auto game = police_game(10, 11);
  for (const auto variant : all_variants) {
    INFO(to_string(variant));
    auto options = game_options(game, variant);
    options.tolerance = 0;
    options.max_oracle_calls = 95;
    const auto budget = iterum::fixed_point::extragradient(game, game.uniform_start(), options);
    REQUIRE(budget.status == Status::BudgetExhausted);
    REQUIRE(budget.counters.oracle_calls >= 95);
    if (variant != ExtragradientVariant::VarianceReduced) {
      // 2n = 20 calls per iteration: the budget is crossed at the fifth.
      REQUIRE(budget.iterations == 5);
      REQUIRE(budget.counters.oracle_calls == 100);
    } else {
      // 2 calls per step, n = 10 per refresh: at most 11 calls past the budget.
      REQUIRE(budget.counters.oracle_calls <= 95 + 11);
    }
    options.max_oracle_calls.reset();
    options.max_iterations = 7;
    const auto capped = iterum::fixed_point::extragradient(game, game.uniform_start(), options);
    REQUIRE(capped.status == Status::MaxIterations);
    REQUIRE(capped.iterations == 7);

    const PoisonedGame poisoned{&game, 12};
    options.max_iterations = 100000;
    const auto broken = iterum::fixed_point::extragradient(poisoned, game.uniform_start(), options);
    REQUIRE(broken.status == Status::NumericalIssue);
    REQUIRE(broken.iterations < 100000);
  }
}

TEST_CASE("Extragradient rejects bad input with exact messages",
          "[fixed_point][extragradient][errors]") {
  const auto game = police_game(4, 13);
  const Eigen::VectorXd z0 = game.uniform_start();
  const auto message = [&](const ExtragradientOptions& options,
                           const Eigen::VectorXd& x0 = Eigen::VectorXd()) {
    return invalid_argument_message(
        [&] { (void)iterum::fixed_point::extragradient(game, x0.size() > 0 ? x0 : z0, options); });
  };
  REQUIRE(message({}) ==
          "iterum::fixed_point::extragradient: argument 'options.step' must be given, or "
          "options.lipschitz from which it is derived (got unset)");
  REQUIRE(message({.step = -0.5}) ==
          "iterum::fixed_point::extragradient: argument 'options.step' must be positive (got "
          "-0.5)");
  REQUIRE(message({.step = std::numeric_limits<double>::infinity()}) ==
          "iterum::fixed_point::extragradient: argument 'options.step' must be finite (got inf)");
  REQUIRE(message({.lipschitz = 0.0}) ==
          "iterum::fixed_point::extragradient: argument 'options.lipschitz' must be positive "
          "(got 0)");
  REQUIRE(message({.lipschitz = std::numeric_limits<double>::quiet_NaN()}) ==
          "iterum::fixed_point::extragradient: argument 'options.lipschitz' must be positive "
          "(got nan)");
  REQUIRE(message({.variant = ExtragradientVariant::VarianceReduced,
                   .lipschitz = 1.0,
                   .snapshot_probability = 0.0}) ==
          "iterum::fixed_point::extragradient: argument 'options.snapshot_probability' must lie "
          "in (0, 1] (got 0)");
  REQUIRE(message({.lipschitz = 1.0, .alpha = 1.0}) ==
          "iterum::fixed_point::extragradient: argument 'options.alpha' must lie in [0, 1) (got "
          "1)");
  REQUIRE(message({.certificate_every = 0, .lipschitz = 1.0}) ==
          "iterum::fixed_point::extragradient: argument 'options.certificate_every' "
          "must be positive (got 0)");
  REQUIRE(message({.lipschitz = 1.0}, Eigen::VectorXd::Ones(5)) ==
          "iterum::fixed_point::extragradient: argument 'x0' must have as many entries as F has "
          "dimensions (8) (got 5)");
  Eigen::VectorXd bad = z0;
  bad[3] = std::numeric_limits<double>::quiet_NaN();
  REQUIRE(message({.lipschitz = 1.0}, bad) ==
          "iterum::fixed_point::extragradient: argument 'x0' must be finite, but entry 3 is not "
          "(got nan)");
}

TEST_CASE("Extragradient theory steps follow the papers", "[fixed_point][extragradient]") {
  using iterum::fixed_point::extragradient_theory_step;
  REQUIRE(extragradient_theory_step(ExtragradientVariant::Plain, 4.0) == 0.99 / 4.0);
  REQUIRE(extragradient_theory_step(ExtragradientVariant::Anchored, 4.0) == 1.0 / 32.0);
  REQUIRE(extragradient_theory_step(ExtragradientVariant::VarianceReduced, 4.0, 0.75) ==
          0.99 * 0.5 / 4.0);
  // The facade uses them: one EG step from the theory step equals one with the explicit step.
  const auto game = police_game(6, 15);
  auto from_lipschitz = game_options(game, ExtragradientVariant::Plain);
  from_lipschitz.max_iterations = 3;
  ExtragradientOptions explicit_step = from_lipschitz;
  explicit_step.lipschitz.reset();
  explicit_step.step = 0.99 / game.lipschitz();
  const auto a = iterum::fixed_point::extragradient(game, game.uniform_start(), from_lipschitz);
  const auto b = iterum::fixed_point::extragradient(game, game.uniform_start(), explicit_step);
  REQUIRE(a.x == b.x);
  explicit_step.step = 0.5 / game.lipschitz();
  const auto c = iterum::fixed_point::extragradient(game, game.uniform_start(), explicit_step);
  REQUIRE(a.x != c.x);
}

#ifdef EIGEN_RUNTIME_NO_MALLOC
TEST_CASE("Extragradient steps do not allocate", "[fixed_point][extragradient][allocation]") {
  const auto game = police_game(9, 17);
  const Eigen::VectorXd z0 = game.uniform_start();
  const iterum::fixed_point::ExtragradientMethod<MatrixGame<double>> eg({.step = 0.01});
  const iterum::fixed_point::AnchoredExtragradientMethod<MatrixGame<double>> eag({.step = 0.01});
  // p = 1/2: the refresh path runs too.
  const iterum::fixed_point::VrExtragradientMethod<MatrixGame<double>> vr(
      {.step = 0.01, .snapshot_probability = 0.5, .alpha = 0.5, .seed = 1});
  auto eg_state = eg.init(game, z0);
  auto eag_state = eag.init(game, z0);
  auto vr_state = vr.init(game, z0);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 20; ++k) {
    eg.step(game, eg_state);
    eag.step(game, eag_state);
    vr.step(game, vr_state);
  }
  Eigen::internal::set_is_malloc_allowed(true);
  REQUIRE(eg_state.counters.oracle_calls == 20 * 2 * 9);
  REQUIRE(eag_state.counters.oracle_calls == 20 * 2 * 9);
  REQUIRE(vr_state.refreshes > 0);
  REQUIRE(vr_state.counters.oracle_calls == 9 + 20 * 2 + 9 * vr_state.refreshes);
}
#endif
