// Solve a zero-sum matrix game min_x max_y y^T A x over mixed strategies with the plain
// extragradient method (EG) and two variance-reduced methods, which read one row and one column
// of A per step instead of all of A: the variance-reduced extragradient (VR-EG) and the
// variance-reduced Halpern iteration (vr_halpern, Alg. 2 of arXiv 2310.02987).
//
// The game is Nemirovski's "policeman and burglar" on 200 houses. Each solver stops when the
// operator residual (a computable certificate of an equilibrium) is below the tolerance; we
// print the epochs (passes over A) it took, the certificate, the duality gap of the strategies
// found, and how many houses each player uses. Returns non-zero if a solve fails.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include <iterum/core/random.hpp>
#include <iterum/fixed_point/extragradient.hpp>
#include <iterum/fixed_point/matrix_game.hpp>
#include <iterum/fixed_point/vr_halpern.hpp>

int main() {
  namespace fp = iterum::fixed_point;

  // The game: A_ij = w_j (1 - exp(-0.8 |i - j|)), w_j = |N(0, 1)| from a fixed seed.
  auto engine = iterum::make_engine(2024);
  const fp::MatrixGame<double> game(fp::policeman_burglar_matrix(200, 0.8, engine));
  const Eigen::VectorXd start = game.uniform_start();  // x = y = uniform

  // The same controls for all: tolerance, budget (5000 epochs at most), a common certificate
  // step and cadence, seed.
  const double tolerance = 1e-2;
  const std::int64_t budget = 5000 * game.size();
  const double certificate_step = 1.0 / game.lipschitz();

  // Steps as tuned in the experiments of arXiv 2310.02987 (the theory steps, set from
  // `.lipschitz` instead, are safe but several times slower on this game).
  const double p = 1.0 / static_cast<double>(game.size());  // VR-EG's snapshot probability
  const fp::ExtragradientOptions eg{.tolerance = tolerance,
                                    .max_oracle_calls = budget,
                                    .certificate_every = 2,
                                    .certificate_step = certificate_step,
                                    .variant = fp::ExtragradientVariant::Plain,
                                    .step = 5.0 / game.lipschitz()};
  const fp::ExtragradientOptions vr{.tolerance = tolerance,
                                    .max_oracle_calls = budget,
                                    .seed = 7,
                                    .certificate_every = 2,
                                    .certificate_step = certificate_step,
                                    .variant = fp::ExtragradientVariant::VarianceReduced,
                                    .step = 3.0 * std::sqrt(p) / game.frobenius_norm()};

  // vr_halpern's Alg. 2 (Halpern on a resolvent computed by a variance-reduced inner loop),
  // at the outer step sqrt(n)/||A||_F and inner step scale of the same experiments, with the
  // default adaptive restarts.
  const double frobenius = game.frobenius_norm();
  const fp::VrHalpernOptions halpern{
      .tolerance = tolerance,
      .max_oracle_calls = budget,
      .seed = 7,
      .certificate_every = 2,
      .certificate_step = certificate_step,
      .algorithm = fp::VrHalpernAlgorithm::InexactResolvent,
      .step = std::sqrt(static_cast<double>(game.size())) / frobenius,
      .lipschitz = frobenius,
      .inner_step_scale = 5.0};

  int failures = 0;
  std::printf("%-11s %10s %8s %12s %12s %12s\n", "method", "status", "epochs", "certificate",
              "duality gap", "support x/y");
  const auto report = [&](const char* name, const fp::FiniteSumResult<double>& r) {
    // r.x = (x, y): the mixed strategies of the column (minimizing) and row (maximizing)
    // players; the support is how many of the 200 houses each one uses.
    const auto x_support = (r.x.head(game.cols()).array() > 1e-9).count();
    const auto y_support = (r.x.tail(game.rows()).array() > 1e-9).count();
    std::printf("%-11s %10s %8.0f %12.2e %12.2e %7ld/%ld\n", name,
                std::string(iterum::to_string(r.status)).c_str(), r.epochs(), r.residual,
                game.duality_gap(r.x), static_cast<long>(x_support), static_cast<long>(y_support));
    if (!r.ok()) ++failures;
  };
  report("EG", fp::extragradient(game, start, eg));
  report("VR-EG", fp::extragradient(game, start, vr));
  report("vr_halpern", fp::vr_halpern(game, start, halpern));
  return failures == 0 ? 0 : 1;
}
