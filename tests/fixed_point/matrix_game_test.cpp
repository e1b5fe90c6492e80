#include "iterum/fixed_point/matrix_game.hpp"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>

#include "iterum/core/random.hpp"
#include "iterum/prox/simplex.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::fixed_point::MatrixGame;
using iterum::test::invalid_argument_message;

namespace {

/// A random point of simplex(n) x simplex(m).
Eigen::VectorXd random_strategies(Index n, Index m, iterum::Engine& engine) {
  Eigen::VectorXd z = iterum::random::uniform_vector(engine, n + m);
  z.head(n) /= z.head(n).sum();
  z.tail(m) /= z.tail(m).sum();
  return z;
}

}  // namespace

TEST_CASE("MatrixGame: components average to F = (A^T y, -A x) for m < n and m > n",
          "[fixed_point][matrix_game]") {
  auto engine = iterum::make_engine(31);
  for (const auto& [m, n] : {std::pair<Index, Index>{4, 7}, {7, 4}, {5, 5}}) {
    const Eigen::MatrixXd a = iterum::test::normal_matrix(m, n, 32);
    const MatrixGame<double> game(a);
    REQUIRE(game.size() == std::max(m, n));
    REQUIRE(game.dim() == m + n);
    const Eigen::VectorXd z = iterum::random::normal_vector(engine, m + n);
    Eigen::VectorXd expected(m + n);
    expected << a.transpose() * z.tail(m), -(a * z.head(n));
    Eigen::VectorXd full(m + n), fi(m + n), mean = Eigen::VectorXd::Zero(m + n);
    game.evaluate(z, full);
    for (Index i = 0; i < game.size(); ++i) {
      game.component(i, z, fi);
      mean += fi / static_cast<double>(game.size());
    }
    INFO("m " << m << ", n " << n);
    REQUIRE((full - expected).norm() <= 1e-12 * expected.norm());
    REQUIRE((mean - expected).norm() <= 1e-12 * expected.norm());
  }
}

TEST_CASE("MatrixGame: Lipschitz constants against the SVD and the mean-square inequality",
          "[fixed_point][matrix_game]") {
  auto engine = iterum::make_engine(41);
  const Eigen::MatrixXd a = iterum::fixed_point::policeman_burglar_matrix(40, 0.8, engine);
  const MatrixGame<double> game(a);
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(a, Eigen::ComputeThinV);
  REQUIRE(std::abs(game.lipschitz() - svd.singularValues()[0]) <= 1e-10 * game.lipschitz());
  REQUIRE(std::abs(game.frobenius_norm() - a.norm()) <= 1e-12 * a.norm());
  // F is ||A||_2-Lipschitz, tightly: ||F(z)|| for z = the top singular pair.
  Eigen::VectorXd top(80), f_top(80);
  top << svd.matrixV().col(0), Eigen::VectorXd::Zero(40);
  game.evaluate(top, f_top);
  REQUIRE(std::abs(f_top.norm() - game.lipschitz()) <= 1e-10 * game.lipschitz());

  // E_i ||F_i(z) - F_i(z')||^2 <= L^2 ||z - z'||^2 (F_i is linear), with equality for the
  // direction e_j, j the column of largest norm (the columns dominate: w_j varies).
  const double l2 = game.mean_square_lipschitz() * game.mean_square_lipschitz();
  const auto mean_square = [&](const Eigen::VectorXd& d) {
    Eigen::VectorXd fi(80);
    double sum = 0;
    for (Index i = 0; i < 40; ++i) {
      game.component(i, d, fi);
      sum += fi.squaredNorm() / 40.0;
    }
    return sum;
  };
  for (int trial = 0; trial < 10; ++trial) {
    const Eigen::VectorXd d = iterum::random::normal_vector(engine, 80);
    REQUIRE(mean_square(d) <= l2 * d.squaredNorm() * (1 + 1e-12));
  }
  Index j = 0;
  (void)a.colwise().squaredNorm().maxCoeff(&j);
  REQUIRE(a.col(j).squaredNorm() >= a.rowwise().squaredNorm().maxCoeff());
  const Eigen::VectorXd ej = Eigen::VectorXd::Unit(80, j);
  REQUIRE(std::abs(mean_square(ej) - l2) <= 1e-12 * l2);
}

TEST_CASE("MatrixGame: the duality gap is >= 0 and 0 exactly at the equilibrium",
          "[fixed_point][matrix_game]") {
  Eigen::MatrixXd pennies(2, 2);
  pennies << 1, -1, -1, 1;
  const MatrixGame<double> game(pennies);
  REQUIRE(game.duality_gap(Eigen::VectorXd::Constant(4, 0.5)) == 0.0);
  Eigen::VectorXd z(4);
  z << 0.75, 0.25, 0.5, 0.5;
  // max_i (A x)_i = 0.5, min_j (A^T y)_j = 0.
  REQUIRE(std::abs(game.duality_gap(z) - 0.5) <= 1e-15);
  REQUIRE((game.uniform_start() - Eigen::VectorXd::Constant(4, 0.5)).norm() == 0.0);

  auto engine = iterum::make_engine(51);
  const Eigen::MatrixXd a = iterum::fixed_point::policeman_burglar_matrix(12, 0.8, engine);
  const MatrixGame<double> police(a);
  for (int trial = 0; trial < 50; ++trial) {
    const Eigen::VectorXd s = random_strategies(12, 12, engine);
    // Weak duality, computed independently: y^T A x lies between the two best responses.
    const double value = s.tail(12).dot(a * s.head(12));
    REQUIRE((a * s.head(12)).maxCoeff() >= value - 1e-12);
    REQUIRE((a.transpose() * s.tail(12)).minCoeff() <= value + 1e-12);
    REQUIRE(police.duality_gap(s) >= 0.0);
  }
}

TEST_CASE("policeman_burglar_matrix follows Nemirovski's formula", "[fixed_point][matrix_game]") {
  auto engine = iterum::make_engine(61);
  const Eigen::MatrixXd a = iterum::fixed_point::policeman_burglar_matrix(9, 0.5, engine);
  auto replay = iterum::make_engine(61);
  for (Index j = 0; j < 9; ++j) {
    const double w = std::abs(iterum::random::normal(replay));
    for (Index i = 0; i < 9; ++i) {
      const double expected = w * (1 - std::exp(-0.5 * std::abs(static_cast<double>(i - j))));
      REQUIRE(std::abs(a(i, j) - expected) <= 1e-15 * (1 + expected));
    }
  }
  REQUIRE(a.diagonal().isZero(0.0));
}

TEST_CASE("MatrixGame and its generator reject bad input with exact messages",
          "[fixed_point][matrix_game][errors]") {
  REQUIRE(invalid_argument_message([] { MatrixGame<double> g(Eigen::MatrixXd(0, 3)); }) ==
          "iterum::fixed_point::MatrixGame: argument 'A' must not be empty (got size 0)");
  Eigen::MatrixXd a = Eigen::MatrixXd::Ones(2, 3);
  a(1, 2) = -std::numeric_limits<double>::infinity();
  REQUIRE(invalid_argument_message([&] { MatrixGame<double> g(a); }) ==
          "iterum::fixed_point::MatrixGame: argument 'A' must be finite, but entry (1, 2) is not "
          "(got -inf)");
  auto engine = iterum::make_engine(1);
  REQUIRE(invalid_argument_message(
              [&] { (void)iterum::fixed_point::policeman_burglar_matrix(0, 0.8, engine); }) ==
          "iterum::fixed_point::policeman_burglar_matrix: argument 'n' must be positive "
          "(got 0)");
  REQUIRE(invalid_argument_message(
              [&] { (void)iterum::fixed_point::policeman_burglar_matrix(5, -0.1, engine); }) ==
          "iterum::fixed_point::policeman_burglar_matrix: argument 'theta' must be "
          "nonnegative (got -0.1)");
}

TEST_CASE("prox::Simplex lands on the simplex at any scale of v and radius (D14)",
          "[fixed_point][matrix_game]") {
  Eigen::VectorXd out(2);
  const iterum::prox::Simplex<double> unit(2);
  unit(Eigen::Vector2d(1e17, 0.0), out);
  REQUIRE(out == Eigen::Vector2d(1.0, 0.0));
  unit(Eigen::Vector2d(1e308, -1e308), out);
  REQUIRE(out == Eigen::Vector2d(1.0, 0.0));
  const iterum::prox::Simplex<double> tiny(2, 1e-17);
  tiny(Eigen::Vector2d(1.0, 0.0), out);
  REQUIRE(out == Eigen::Vector2d(1e-17, 0.0));
  // Random vectors of every scale, radii from 1e-300 to 1e300: out >= 0 and sums to the radius.
  auto engine = iterum::make_engine(5);
  for (double radius : {1e-300, 1e-17, 1.0, 1e17, 1e300}) {
    const iterum::prox::Simplex<double> simplex(6, radius);
    for (double scale : {1e-300, 1e-8, 1.0, 1e8, 1e17, 1e300}) {
      Eigen::VectorXd v(6);
      for (Index i = 0; i < 6; ++i) v[i] = scale * (2 * iterum::random::uniform01(engine) - 1);
      Eigen::VectorXd x(6);
      simplex(v, x);
      INFO("radius " << radius << ", scale " << scale);
      REQUIRE((x.array() >= 0).all());
      REQUIRE(std::abs(x.sum() - radius) <= 1e-12 * radius);
    }
  }
}
