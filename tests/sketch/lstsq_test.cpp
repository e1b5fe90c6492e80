#include "iterum/sketch/lstsq.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iterum/core/random.hpp"
#include "support/catch_compat.hpp"
#include "support/least_squares_data.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::sketch::LstsqMethod;
using iterum::sketch::LstsqOptions;
using iterum::sketch::SketchKind;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

namespace {

struct LstsqProblem {
  Eigen::MatrixXd a;
  Eigen::VectorXd b;
  Eigen::VectorXd reference;  // ColPivHouseholderQR's solution
};

/// A = U diag(logspace) V^T (2000 x 20, kappa exact), b = A x* + 1e-6 noise.
LstsqProblem lstsq_problem(double condition, std::uint64_t seed, iterum::Index m = 2000,
                           iterum::Index n = 20) {
  LstsqProblem p;
  p.a = iterum::test::conditioned_matrix(m, n, condition, seed);
  auto engine = iterum::make_engine(seed + 7);
  const Eigen::VectorXd truth = iterum::random::normal_vector(engine, n);
  const Eigen::VectorXd noise = iterum::random::normal_vector(engine, m);
  p.b = p.a * truth + 1e-6 * noise;
  p.reference = p.a.colPivHouseholderQr().solve(p.b);
  return p;
}

/// Converged, or Stalled with the certificate at its rounding floor (above the tolerance): the
/// two endings of a solve that did all the arithmetic allows.
bool converged_or_at_floor(const iterum::sketch::LstsqResult& result) {
  return result.ok() || (result.status == Status::Stalled && result.residual <= result.target);
}

/// The certificate and its target recomputed here from x, independently of the library.
void require_certified(const Eigen::MatrixXd& a, const Eigen::VectorXd& b,
                       const iterum::sketch::LstsqResult& result, double tolerance) {
  const Eigen::VectorXd r = b - a * result.x;
  const double s1 = r.norm() / (b.norm() + a.norm() * result.x.norm());
  const double s2 = (a.transpose() * r).norm() / (a.norm() * r.norm());
  const double certificate = r.norm() == 0 ? 0.0 : (s1 <= tolerance ? s1 : s2);
  const double floor = 10 * 0x1p-53 * a.norm() * result.x.norm() / r.norm();
  const double target = std::max(tolerance, floor);
  INFO("certificate " << certificate << ", target " << target << ", reported " << result.residual
                      << " / " << result.target);
  // Equal up to the round-off of two evaluations of the same formula (near its own floor).
  REQUIRE(result.residual == Approx(certificate).epsilon(1e-3).margin(1e-3 * target));
  REQUIRE(result.target == Approx(target).epsilon(1e-3));
  REQUIRE(result.residual_norm == Approx(r.norm()).epsilon(1e-12));
  // Converged only on the tolerance; Stalled when only the rounding floor was reached.
  if (result.ok()) REQUIRE(certificate <= tolerance * (1 + 1e-3));
  if (result.status == Status::Stalled) {
    REQUIRE(certificate > tolerance * (1 - 1e-3));
    REQUIRE(certificate <= target * (1 + 1e-3));
  }
  if (!result.ok() && result.status != Status::Stalled) {
    REQUIRE(certificate > target * (1 - 1e-3));
  }
}

}  // namespace

TEST_CASE("lstsq matches pivoted QR at kappa 1e2, 1e6, 1e10 with kappa-independent iterations",
          "[sketch][lstsq]") {
  for (const LstsqMethod method :
       {LstsqMethod::SketchAndPrecondition, LstsqMethod::IterativeSketching}) {
    std::vector<iterum::Index> iterations;
    for (const double condition : {1e2, 1e6, 1e10}) {
      const LstsqProblem p = lstsq_problem(condition, 71);
      const auto result = iterum::sketch::lstsq(p.a, p.b, {.seed = 5, .method = method});
      const double error = (result.x - p.reference).norm() / p.reference.norm();
      const double r_qr = (p.b - p.a * p.reference).norm();
      const double excess = (result.residual_norm - r_qr) / r_qr;
      INFO("method " << static_cast<int>(method) << ", kappa " << condition << ": "
                     << result.iterations << " iterations, error " << error << ", excess " << excess
                     << ", kappa estimate " << result.condition_estimate);
      // A nearly consistent system (noise 1e-6) or kappa 1e10 puts the certificate's rounding
      // floor above the default tolerance 1e-12: Stalled at the floor, never a Converged above
      // the tolerance.
      REQUIRE(converged_or_at_floor(result));
      require_certified(p.a, p.b, result, 1e-12);
      // Iterative sketching is forward stable only (Epperly, arXiv 2311.04362): a few times
      // QR's own error at kappa 1e6; LSQR on A R^{-1} (the default) meets 1e-10.
      if (condition <= 1e6) {
        REQUIRE(error <= (method == LstsqMethod::SketchAndPrecondition ? 1e-10 : 1e-9));
      }
      if (condition > 1e6) REQUIRE(error <= 1e-4);  // QR itself is only this accurate here
      // The residual is well conditioned: QR's own excess at kappa 1e10 is about 1e-11.
      REQUIRE(excess <= (condition <= 1e6 ? 1e-12 : 1e-10));
      REQUIRE(result.rank == 20);
      REQUIRE_FALSE(result.rank_deficient());
      REQUIRE(result.sketch_rows == 240);
      // kappa(S A) is within the embedding's distortion of kappa(A).
      REQUIRE(result.condition_estimate >= condition / 3);
      REQUIRE(result.condition_estimate <= condition * 3);
      REQUIRE(result.passes == 1 + result.counters.matvecs);
      iterations.push_back(result.iterations);
    }
    const auto [lo, hi] = std::minmax_element(iterations.begin(), iterations.end());
    INFO("iterations " << iterations[0] << ", " << iterations[1] << ", " << iterations[2]);
    REQUIRE(*hi <= 40);
    REQUIRE(*hi - *lo <= 8);
  }
}

TEST_CASE("lstsq sketch-and-solve: one pass, the expected residual inflation", "[sketch][lstsq]") {
  const LstsqProblem p = lstsq_problem(1e2, 72);
  const auto result =
      iterum::sketch::lstsq(p.a, p.b, {.seed = 3, .method = LstsqMethod::SketchAndSolve});
  const double r_qr = (p.b - p.a * p.reference).norm();
  const double ratio = result.residual_norm / r_qr;
  INFO("ratio " << ratio << ", expected " << result.expected_residual_inflation);
  REQUIRE(result.iterations == 0);
  REQUIRE(result.status == Status::MaxIterations);  // far from the tolerance
  require_certified(p.a, p.b, result, 1e-12);
  REQUIRE(result.expected_residual_inflation == Approx(std::sqrt(1.0 + 20.0 / 219.0)));
  REQUIRE(ratio >= 1.0);
  REQUIRE(ratio <= 1.0 + 3 * (result.expected_residual_inflation - 1.0));
  REQUIRE(result.passes == 3);  // the sketch, then A x and A^T r for the certificate
}

TEST_CASE("lstsq with every sketch and on sparse A", "[sketch][lstsq]") {
  const LstsqProblem p = lstsq_problem(1e6, 73, 1024, 16);
  for (const SketchKind kind :
       {SketchKind::SparseSign, SketchKind::Srht, SketchKind::Gaussian, SketchKind::CountSketch}) {
    const auto result = iterum::sketch::lstsq(p.a, p.b, {.seed = 9, .sketch = kind});
    const double error = (result.x - p.reference).norm() / p.reference.norm();
    INFO("sketch " << static_cast<int>(kind) << ", iterations " << result.iterations << ", error "
                   << error);
    REQUIRE(converged_or_at_floor(result));
    REQUIRE(error <= 1e-10);
    require_certified(p.a, p.b, result, 1e-12);
  }
  // Sparse A: each row has 4 nonzeros.
  auto engine = iterum::make_engine(74);
  std::vector<Eigen::Triplet<double>> entries;
  const iterum::Index m = 3000;
  const iterum::Index n = 30;
  for (iterum::Index i = 0; i < m; ++i) {
    entries.emplace_back(i, i % n, 1.0);
    for (int k = 0; k < 3; ++k) {
      entries.emplace_back(i, iterum::random::uniform_index(engine, n),
                           iterum::random::normal(engine));
    }
  }
  Eigen::SparseMatrix<double> s(m, n);
  s.setFromTriplets(entries.begin(), entries.end());
  const Eigen::MatrixXd dense(s);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, m);
  const Eigen::VectorXd reference = dense.colPivHouseholderQr().solve(b);
  for (const LstsqMethod method :
       {LstsqMethod::SketchAndPrecondition, LstsqMethod::IterativeSketching}) {
    const auto result = iterum::sketch::lstsq(s, b, {.method = method});
    REQUIRE(result.ok());
    REQUIRE((result.x - reference).norm() <= 1e-10 * reference.norm());
    require_certified(dense, b, result, 1e-12);
  }
}

TEST_CASE("lstsq on rank-deficient A reports the rank and the minimum-norm solution",
          "[sketch][lstsq]") {
  LstsqProblem p = lstsq_problem(1e3, 75, 1500, 12);
  p.a.col(5) = p.a.col(3);  // a repeated column
  p.a.col(8).setZero();     // a zero column
  const Eigen::VectorXd min_norm =
      Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd>(p.a).solve(p.b);
  for (const LstsqMethod method : {LstsqMethod::SketchAndPrecondition,
                                   LstsqMethod::IterativeSketching, LstsqMethod::SketchAndSolve}) {
    const auto result = iterum::sketch::lstsq(p.a, p.b, {.method = method});
    INFO("method " << static_cast<int>(method));
    REQUIRE(result.rank == 10);
    REQUIRE(result.rank_deficient());
    REQUIRE(result.x.allFinite());
    REQUIRE(std::isfinite(result.residual));
    REQUIRE_FALSE(std::isnan(result.condition_estimate));
    REQUIRE(result.condition_estimate > 1e12);
    require_certified(p.a, p.b, result, 1e-12);
    if (method != LstsqMethod::SketchAndSolve) {
      REQUIRE(result.ok());
      REQUIRE((result.x - min_norm).norm() <= 1e-9 * min_norm.norm());
      REQUIRE(result.x[8] == Approx(0.0).margin(1e-12));
      REQUIRE(result.x[3] == Approx(result.x[5]).epsilon(1e-9));
    }
  }
}

TEST_CASE("lstsq reports budget exhaustion honestly", "[sketch][lstsq]") {
  const LstsqProblem p = lstsq_problem(1e6, 76);
  for (const LstsqMethod method :
       {LstsqMethod::SketchAndPrecondition, LstsqMethod::IterativeSketching}) {
    const auto result = iterum::sketch::lstsq(p.a, p.b, {.max_iterations = 1, .method = method});
    REQUIRE_FALSE(result.ok());
    REQUIRE(result.iterations <= 1);
    require_certified(p.a, p.b, result, 1e-12);
  }
}

TEST_CASE("lstsq: the normal equations fail at kappa 1e10 where lstsq does not",
          "[sketch][lstsq]") {
  const LstsqProblem p = lstsq_problem(1e10, 77);
  const Eigen::MatrixXd gram = p.a.transpose() * p.a;
  const Eigen::VectorXd normal = gram.ldlt().solve(p.a.transpose() * p.b);
  const auto result = iterum::sketch::lstsq(p.a, p.b);
  const double normal_error = (normal - p.reference).norm() / p.reference.norm();
  const double error = (result.x - p.reference).norm() / p.reference.norm();
  INFO("normal equations " << normal_error << ", lstsq " << error);
  REQUIRE(converged_or_at_floor(result));
  REQUIRE(normal_error > 1e-2);
  REQUIRE(error < 1e-4);
}

TEST_CASE("lstsq rejects bad input naming the argument", "[sketch][lstsq]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(100, 5, 78);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(100);
  std::string m =
      invalid_argument_message([&] { (void)iterum::sketch::lstsq(a, Eigen::VectorXd::Ones(99)); });
  REQUIRE(contains(m,
                   "iterum::sketch::lstsq: argument 'b' must have as many entries as A has "
                   "rows (100) (got 99)"));
  Eigen::MatrixXd bad = a;
  bad(7, 1) = std::numeric_limits<double>::quiet_NaN();
  m = invalid_argument_message([&] { (void)iterum::sketch::lstsq(bad, b); });
  REQUIRE(contains(m,
                   "iterum::sketch::lstsq: argument 'A' must be finite, but entry (7, 1) is "
                   "not (got nan)"));
  Eigen::VectorXd inf_b = b;
  inf_b[3] = -std::numeric_limits<double>::infinity();
  m = invalid_argument_message([&] { (void)iterum::sketch::lstsq(a, inf_b); });
  REQUIRE(contains(m, "argument 'b' must be finite, but entry 3 is not (got -inf)"));
  m = invalid_argument_message([&] { (void)iterum::sketch::lstsq(a, b, {.sketch_rows = 4}); });
  REQUIRE(contains(m,
                   "iterum::sketch::lstsq: argument 'options.sketch_rows' must be at least "
                   "the number of columns of A (5) (got 4)"));
  m = invalid_argument_message([&] { (void)iterum::sketch::lstsq(Eigen::MatrixXd(100, 0), b); });
  REQUIRE(contains(m, "iterum::sketch::lstsq: argument 'A' must have at least one column"));
  m = invalid_argument_message([&] { (void)iterum::sketch::lstsq(a, b, {.tolerance = -1.0}); });
  REQUIRE(contains(m, "argument 'options.tolerance' must be nonnegative (got -1)"));
  m = invalid_argument_message([&] { (void)iterum::sketch::lstsq(a, b, {.rank_tolerance = 2.0}); });
  REQUIRE(contains(m, "argument 'options.rank_tolerance' must lie in (0, 1) (got 2)"));
}
