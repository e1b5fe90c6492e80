// Solve a zero-sum matrix game min_x max_y y^T A x over mixed strategies with the extragradient
// family: the plain extragradient method (EG) and its variance-reduced version (VR-EG), which
// reads one row and one column of A per step instead of all of A.
//
// The game is Nemirovski's "policeman and burglar" on 200 houses. Each solver stops when the
// operator residual (a computable certificate of an equilibrium) is below the tolerance; we
// print the epochs (passes over A) it took, the certificate, the duality gap of the strategies
// found, and how many houses each player uses. Returns non-zero if a solve fails.

#include <cmath>
#include <cstdio>
#include <string>

#include <iterum/core/random.hpp>
#include <iterum/fixed_point/extragradient.hpp>
#include <iterum/fixed_point/matrix_game.hpp>

int main() {
  namespace fp = iterum::fixed_point;

  // The game: A_ij = w_j (1 - exp(-0.8 |i - j|)), w_j = |N(0, 1)| from a fixed seed.
  auto engine = iterum::make_engine(2024);
  const fp::MatrixGame<double> game(fp::policeman_burglar_matrix(200, 0.8, engine));
  const Eigen::VectorXd start = game.uniform_start();  // x = y = uniform

  // The same controls for both: tolerance, budget, a common certificate step.
  fp::FiniteSumControl control;
  control.tolerance = 1e-2;
  control.max_oracle_calls = 5000 * game.size();  // 5000 epochs at most
  control.certificate_step = 1.0 / game.lipschitz();
  control.certificate_every_epochs = 2;
  control.seed = 7;

  // Steps as tuned in the experiments of arXiv 2310.02987 (the theory steps, set from
  // `.lipschitz` instead, are safe but several times slower on this game).
  const double p = 1.0 / static_cast<double>(game.size());  // VR-EG's snapshot probability
  const fp::ExtragradientOptions eg{.variant = fp::ExtragradientVariant::Plain,
                                    .step = 5.0 / game.lipschitz(),
                                    .control = control};
  const fp::ExtragradientOptions vr{.variant = fp::ExtragradientVariant::VarianceReduced,
                                    .step = 3.0 * std::sqrt(p) / game.frobenius_norm(),
                                    .control = control};

  int failures = 0;
  std::printf("%-7s %10s %10s %12s %12s %10s\n", "method", "status", "epochs", "certificate",
              "duality gap", "support x/y");
  for (const auto* options : {&eg, &vr}) {
    const auto r = fp::extragradient(game, start, *options);
    // r.x = (x, y): the mixed strategies of the column (minimizing) and row (maximizing)
    // players; the support is how many of the 200 houses each one uses.
    const auto x_support = (r.x.head(game.cols()).array() > 1e-9).count();
    const auto y_support = (r.x.tail(game.rows()).array() > 1e-9).count();
    std::printf("%-7s %10s %10.1f %12.2e %12.2e %5ld/%-4ld\n",
                std::string(to_string(options->variant)).c_str(),
                std::string(iterum::to_string(r.status)).c_str(), r.epochs(), r.residual,
                game.duality_gap(r.x), static_cast<long>(x_support), static_cast<long>(y_support));
    if (!r.ok()) ++failures;
  }
  return failures == 0 ? 0 : 1;
}
