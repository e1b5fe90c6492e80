#include "iterum/linalg/minres.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/LU>
#include <Eigen/QR>
#include <Eigen/SparseCore>
#include <cmath>
#include <limits>

#include "iterum/core/random.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "support/catch_compat.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/low_rank.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::linalg::MinresOptions;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

namespace {

/// Q diag(d) Q^T with |d| log-spaced in [1, condition] and alternating signs (indefinite).
Eigen::MatrixXd minres_indefinite(iterum::Index n, double condition, std::uint64_t seed) {
  return iterum::test::symmetric_with_spectrum(n, condition, seed, /*indefinite=*/true);
}

}  // namespace

TEST_CASE("MINRES solves symmetric indefinite systems like a dense LU", "[linalg][minres]") {
  for (const double condition : {10.0, 1e4}) {
    const Eigen::MatrixXd a = minres_indefinite(60, condition, 61);
    auto engine = iterum::make_engine(62);
    const Eigen::VectorXd b = iterum::random::normal_vector(engine, 60);
    const Eigen::VectorXd reference = a.partialPivLu().solve(b);
    const auto result = iterum::linalg::minres(
        a, b, {.tolerance = 1e-10, .max_iterations = 1000, .monitor = {.record_history = true}});
    INFO("condition " << condition << ", iterations " << result.iterations);
    REQUIRE(result.ok());
    REQUIRE((b - a * result.x).norm() <= 1e-10 * b.norm());
    REQUIRE((result.x - reference).norm() <= 1e-10 * condition * 10 * reference.norm());
    // MINRES minimizes ||r|| over growing Krylov spaces: the residual never increases.
    for (std::size_t k = 1; k < result.history.size(); ++k) {
      REQUIRE(result.history[k] <= result.history[k - 1] * (1 + 1e-10));
    }
    // CG is not defined here: the matrix has eigenvalues of both signs.
    REQUIRE(a.selfadjointView<Eigen::Lower>().eigenvalues().minCoeff() < 0);
  }
}

TEST_CASE("MINRES on a shifted sparse Laplacian (indefinite) and from a warm start",
          "[linalg][minres]") {
  Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(12, 12);
  for (iterum::Index i = 0; i < a.rows(); ++i) a.coeffRef(i, i) -= 2.5;  // shift into the spectrum
  const Eigen::MatrixXd dense(a);
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(a.rows(), -1.0, 1.0);
  const Eigen::VectorXd reference = dense.partialPivLu().solve(b);
  const auto result = iterum::linalg::minres(a, b, {.tolerance = 1e-11});
  REQUIRE(result.ok());
  REQUIRE((result.x - reference).norm() <= 1e-8 * reference.norm());
  REQUIRE(result.counters.matvecs == result.iterations + 1);
  const auto warm = iterum::linalg::minres(a, b, reference, {.tolerance = 1e-11});
  REQUIRE(warm.ok());
  REQUIRE(warm.iterations == 0);
}

TEST_CASE("MINRES on a singular inconsistent system reports failure without NaN",
          "[linalg][minres]") {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(4, 4);
  a.diagonal() << 1.0, -2.0, 3.0, 0.0;
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(4);  // b_4 = 1 is not in the range of A
  const auto result = iterum::linalg::minres(a, b, {.tolerance = 1e-10});
  REQUIRE(result.status == Status::Breakdown);
  REQUIRE(result.x.allFinite());
  REQUIRE(std::isfinite(result.residual));
  // The least-squares part is still solved: x = (1, -1/2, 1/3, 0), ||r|| = 1 = ||b|| / 2.
  REQUIRE(result.x.head(3).isApprox(Eigen::Vector3d(1.0, -0.5, 1.0 / 3.0), 1e-10));
  REQUIRE(result.residual == Approx(0.5).epsilon(1e-10));
}

TEST_CASE("Minres is a LinearSolver", "[linalg][minres]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(10, 10);
  iterum::linalg::Minres<Eigen::SparseMatrix<double>> sparse;
  iterum::test::check_linear_solver(sparse, a, Eigen::MatrixXd(a), 1e-10);
  const Eigen::MatrixXd dense(a);
  iterum::linalg::Minres<Eigen::MatrixXd> on_dense;
  iterum::test::check_linear_solver(on_dense, dense, dense, 1e-10);
}

TEST_CASE("MINRES rejects bad input naming the argument", "[linalg][minres]") {
  const Eigen::MatrixXd a = minres_indefinite(6, 10.0, 63);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(6);
  std::string m = invalid_argument_message(
      [&] { (void)iterum::linalg::minres(Eigen::MatrixXd::Ones(6, 5), b); });
  REQUIRE(contains(m, "iterum::linalg::minres: argument 'A' must be square (got 6x5)"));
  m = invalid_argument_message([&] { (void)iterum::linalg::minres(a, Eigen::VectorXd::Ones(5)); });
  REQUIRE(contains(m, "argument 'b'"));
  Eigen::VectorXd nan_b = b;
  nan_b[2] = std::numeric_limits<double>::infinity();
  m = invalid_argument_message([&] { (void)iterum::linalg::minres(a, nan_b); });
  REQUIRE(contains(m, "argument 'b' must be finite, but entry 2 is not (got inf)"));
  Eigen::MatrixXd asymmetric = a;
  asymmetric(0, 1) += 1.0;
  m = invalid_argument_message(
      [&] { (void)iterum::linalg::minres(asymmetric, b, {.symmetry_tolerance = 1e-12}); });
  REQUIRE(contains(m, "argument 'A'"));
  m = invalid_argument_message([&] { (void)iterum::linalg::minres(a, b, {.tolerance = -1.0}); });
  REQUIRE(contains(m, "argument 'options.tolerance' must be nonnegative (got -1)"));
}
