#include "iterum/linalg/lsqr.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/linalg/triangular_preconditioner.hpp"
#include "support/catch_compat.hpp"
#include "support/least_squares_data.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Status;
using iterum::linalg::LsqrCertificate;
using iterum::linalg::LsqrOptions;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

namespace {

/// Paige and Saunders' certificate min(S1, S2) recomputed directly from x (damping 0).
double lsqr_reference_certificate(const Eigen::MatrixXd& a, const Eigen::VectorXd& b,
                                  const Eigen::VectorXd& x) {
  const Eigen::VectorXd r = b - a * x;
  if (r.norm() == 0) return 0.0;
  const double s1 = r.norm() / (b.norm() + a.norm() * x.norm());
  const double s2 = (a.transpose() * r).norm() / (a.norm() * r.norm());
  return std::min(s1, s2);
}

/// A user operator with apply and apply_adjoint (models AdjointOperator), counting products.
struct LsqrTestOperator {
  using Scalar = double;
  const Eigen::MatrixXd* a;
  mutable int products = 0;
  [[nodiscard]] iterum::Index rows() const { return a->rows(); }
  [[nodiscard]] iterum::Index cols() const { return a->cols(); }
  void apply(const Eigen::VectorXd& x, Eigen::VectorXd& y) const {
    y.noalias() = *a * x;
    ++products;
  }
  void apply_adjoint(const Eigen::VectorXd& y, Eigen::VectorXd& x) const {
    x.noalias() = a->transpose() * y;
    ++products;
  }
};

Eigen::SparseMatrix<double> lsqr_random_sparse(iterum::Index m, iterum::Index n,
                                               std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  std::vector<Eigen::Triplet<double>> entries;
  for (iterum::Index i = 0; i < m; ++i) {
    entries.emplace_back(i, i % n, 1.0 + iterum::random::uniform01(engine));
    for (int k = 0; k < 3; ++k) {
      entries.emplace_back(i, iterum::random::uniform_index(engine, n),
                           iterum::random::normal(engine));
    }
  }
  Eigen::SparseMatrix<double> s(m, n);
  s.setFromTriplets(entries.begin(), entries.end());
  return s;
}

}  // namespace

TEST_CASE("LSQR matches a pivoted QR least-squares solve", "[linalg][lsqr]") {
  for (const double condition : {10.0, 1e3}) {
    const Eigen::MatrixXd a = iterum::test::conditioned_matrix(300, 25, condition, 41);
    auto engine = iterum::make_engine(42);
    const Eigen::VectorXd b = iterum::random::normal_vector(engine, 300);  // inconsistent
    const Eigen::VectorXd reference = a.colPivHouseholderQr().solve(b);
    const auto result = iterum::linalg::lsqr(a, b, {.tolerance = 1e-13, .max_iterations = 500});
    INFO("condition " << condition << ", iterations " << result.iterations << ", residual "
                      << result.residual);
    REQUIRE(result.ok());
    // Converged means the certificate recomputed from x meets the tolerance.
    REQUIRE(lsqr_reference_certificate(a, b, result.x) <= 1e-13);
    REQUIRE(std::abs(result.residual - lsqr_reference_certificate(a, b, result.x)) <=
            1e-3 * result.residual + 1e-300);
    // Forward error bound ~ kappa^2 * certificate for an inconsistent problem.
    REQUIRE((result.x - reference).norm() <= 1e-8 * reference.norm());
    // 2 products per iteration, 1 to start from 0 and 2 per restart (a restart happens when the
    // recomputed certificate misses the tolerance the recurrences claimed; at most two).
    REQUIRE(result.counters.matvecs >= 2 * result.iterations + 1);
    REQUIRE(result.counters.matvecs <= 2 * result.iterations + 5);
  }
}

TEST_CASE("LSQR on a sparse matrix and on a user operator", "[linalg][lsqr]") {
  const Eigen::SparseMatrix<double> s = lsqr_random_sparse(400, 30, 43);
  const Eigen::MatrixXd dense(s);
  auto engine = iterum::make_engine(44);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, 400);
  const Eigen::VectorXd reference = dense.colPivHouseholderQr().solve(b);
  const auto sparse = iterum::linalg::lsqr(s, b, {.tolerance = 1e-12});
  REQUIRE(sparse.ok());
  REQUIRE((sparse.x - reference).norm() <= 1e-9 * reference.norm());
  const LsqrTestOperator op{&dense};
  const auto matrix_free = iterum::linalg::lsqr(op, b, {.tolerance = 1e-12});
  REQUIRE(matrix_free.ok());
  REQUIRE((matrix_free.x - reference).norm() <= 1e-9 * reference.norm());
  // Same iterations on the same data; the operator path counts its products honestly
  // (2 per iteration, A^T b to start from 0, 2 for the recomputed certificate).
  REQUIRE(matrix_free.iterations == sparse.iterations);
  REQUIRE(op.products == 2 * matrix_free.iterations + 3);
}

TEST_CASE("LSQR solves consistent systems to a zero residual", "[linalg][lsqr]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(100, 20, 45);
  const Eigen::VectorXd truth = Eigen::VectorXd::LinSpaced(20, -1.0, 2.0);
  const Eigen::VectorXd b = a * truth;
  const auto result = iterum::linalg::lsqr(a, b, {.tolerance = 1e-12});
  REQUIRE(result.ok());
  REQUIRE((result.x - truth).norm() <= 1e-10 * truth.norm());
  REQUIRE((b - a * result.x).norm() <= 1e-10 * b.norm());
  // b = 0: x = 0 at once, residual 0 (no 0/0).
  const auto zero = iterum::linalg::lsqr(a, Eigen::VectorXd::Zero(100));
  REQUIRE(zero.ok());
  REQUIRE(zero.iterations == 0);
  REQUIRE(zero.residual == 0.0);
  REQUIRE(zero.x.isZero(0));
}

TEST_CASE("LSQR with damping matches the stacked QR solve", "[linalg][lsqr]") {
  const Eigen::MatrixXd a = iterum::test::conditioned_matrix(120, 15, 1e4, 46);
  auto engine = iterum::make_engine(47);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, 120);
  const double damping = 1e-2;
  Eigen::MatrixXd stacked(135, 15);
  stacked << a, damping * Eigen::MatrixXd::Identity(15, 15);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(135);
  rhs.head(120) = b;
  const Eigen::VectorXd reference = stacked.colPivHouseholderQr().solve(rhs);
  const auto result =
      iterum::linalg::lsqr(a, b, {.tolerance = 1e-13, .max_iterations = 400, .damping = damping});
  REQUIRE(result.ok());
  REQUIRE((result.x - reference).norm() <= 1e-9 * reference.norm());
  // The undamped solution is far from the damped one (the test can tell them apart).
  const Eigen::VectorXd plain = a.colPivHouseholderQr().solve(b);
  REQUIRE((plain - reference).norm() > 1e-3 * reference.norm());
}

TEST_CASE("LSQR right preconditioned by the R of a QR converges in a few steps", "[linalg][lsqr]") {
  const Eigen::MatrixXd a = iterum::test::conditioned_matrix(200, 20, 1e8, 48);
  auto engine = iterum::make_engine(49);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, 200);
  const Eigen::VectorXd reference = a.colPivHouseholderQr().solve(b);
  // Unpreconditioned LSQR does not converge in its default budget at kappa = 1e8 ...
  const auto plain = iterum::linalg::lsqr(a, b, {.tolerance = 1e-12});
  REQUIRE_FALSE(plain.ok());
  REQUIRE(plain.status == Status::MaxIterations);
  REQUIRE(std::isfinite(plain.residual));
  REQUIRE(plain.residual == Approx(lsqr_reference_certificate(a, b, plain.x)).epsilon(1e-6));
  // ... with R from a QR of A itself, A R^{-1} is orthonormal: a few iterations.
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(20).triangularView<Eigen::Upper>();
  const iterum::linalg::TriangularPreconditioner<double> precond(r);
  const Eigen::VectorXd x0 = Eigen::VectorXd::Zero(20);
  // At kappa = 1e8 the certificate of the exact solution rounded to doubles is about u kappa
  // (QR's own is the floor), so ask for 1e-9.
  const double floor = lsqr_reference_certificate(a, b, reference);
  const auto result = iterum::linalg::lsqr(a, b, x0, precond, {.tolerance = 1e-9});
  INFO("iterations " << result.iterations << ", residual " << result.residual << ", QR's "
                     << floor);
  REQUIRE(floor < 1e-9);
  REQUIRE(result.ok());
  REQUIRE(result.iterations <= 5);
  REQUIRE(lsqr_reference_certificate(a, b, result.x) <= 1e-9);
  REQUIRE((result.x - reference).norm() <= 1e-5 * reference.norm());
  REQUIRE((b - a * result.x).norm() <= (1 + 1e-12) * (b - a * reference).norm());
}

TEST_CASE("LSQR warm start and budget", "[linalg][lsqr]") {
  const Eigen::MatrixXd a = iterum::test::conditioned_matrix(150, 12, 100.0, 50);
  auto engine = iterum::make_engine(51);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, 150);
  const Eigen::VectorXd reference = a.colPivHouseholderQr().solve(b);
  const auto cold = iterum::linalg::lsqr(a, b, {.tolerance = 1e-12});
  const auto warm = iterum::linalg::lsqr(a, b, reference, {.tolerance = 1e-12});
  REQUIRE(cold.ok());
  REQUIRE(warm.ok());
  REQUIRE(warm.iterations < cold.iterations);
  REQUIRE(warm.iterations <= 2);
  const auto capped = iterum::linalg::lsqr(a, b, {.tolerance = 1e-12, .max_iterations = 2});
  REQUIRE(capped.status == Status::MaxIterations);
  REQUIRE(capped.iterations == 2);
  REQUIRE(capped.residual > 1e-12);
}

TEST_CASE("Lsqr is a LinearSolver", "[linalg][lsqr]") {
  const Eigen::MatrixXd spd = [] {
    const Eigen::MatrixXd g = iterum::test::normal_matrix(40, 40, 52);
    return Eigen::MatrixXd(g.transpose() * g + 40.0 * Eigen::MatrixXd::Identity(40, 40));
  }();
  iterum::linalg::Lsqr<Eigen::MatrixXd> dense;
  iterum::test::check_linear_solver(dense, spd, spd, 1e-10);
  const Eigen::SparseMatrix<double> sparse_spd = spd.sparseView();
  iterum::linalg::Lsqr<Eigen::SparseMatrix<double>> sparse;
  iterum::test::check_linear_solver(sparse, sparse_spd, spd, 1e-10);
  // Rectangular consistent system through the solver interface.
  const Eigen::MatrixXd tall = iterum::test::normal_matrix(60, 10, 53);
  const Eigen::VectorXd truth = Eigen::VectorXd::Ones(10);
  const Eigen::VectorXd b = tall * truth;
  iterum::linalg::Lsqr<Eigen::MatrixXd> rect({.tolerance = 1e-12});
  REQUIRE(rect.compute(tall) == Status::Converged);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(10);
  const auto report = rect.solve(b, x);
  REQUIRE(report.ok());
  REQUIRE((x - truth).norm() <= 1e-10);
  // An inconsistent system cannot meet the relative-residual contract: not Converged.
  Eigen::VectorXd off = b;
  off[0] += 1.0;
  x.setZero();
  const auto miss = rect.solve(off, x);
  REQUIRE_FALSE(miss.ok());
  REQUIRE(miss.residual == Approx((off - tall * x).norm() / off.norm()).epsilon(1e-6));
}

TEST_CASE("LSQR rejects bad input naming the argument", "[linalg][lsqr]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(30, 5, 54);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(30);
  std::string m =
      invalid_argument_message([&] { (void)iterum::linalg::lsqr(a, Eigen::VectorXd::Ones(29)); });
  REQUIRE(contains(m, "iterum::linalg::lsqr: argument 'b'"));
  Eigen::MatrixXd bad = a;
  bad(3, 2) = std::numeric_limits<double>::quiet_NaN();
  m = invalid_argument_message([&] { (void)iterum::linalg::lsqr(bad, b); });
  REQUIRE(contains(m, "argument 'A' must be finite, but entry (3, 2) is not"));
  m = invalid_argument_message([&] { (void)iterum::linalg::lsqr(a, b, {.damping = -1.0}); });
  REQUIRE(contains(m, "argument 'options.damping' must be nonnegative (got -1)"));
  m = invalid_argument_message(
      [&] { (void)iterum::linalg::lsqr(a, b, Eigen::VectorXd::Zero(4), LsqrOptions{}); });
  REQUIRE(contains(m, "argument 'x0'"));
  const iterum::linalg::TriangularPreconditioner<double> wrong(Eigen::MatrixXd::Identity(4, 4));
  m = invalid_argument_message(
      [&] { (void)iterum::linalg::lsqr(a, b, Eigen::VectorXd::Zero(5), wrong); });
  REQUIRE(contains(m, "argument 'right_preconditioner'"));
  Eigen::MatrixXd singular = Eigen::MatrixXd::Identity(3, 3);
  singular(1, 1) = 0.0;
  m = invalid_argument_message(
      [&] { iterum::linalg::TriangularPreconditioner<double> p(singular); });
  REQUIRE(contains(m,
                   "iterum::linalg::TriangularPreconditioner: argument 'R' must have a nonzero "
                   "diagonal, but entry (1, 1) is 0"));
  m = invalid_argument_message(
      [&] { (void)iterum::linalg::lsqr(Eigen::MatrixXd(0, 3), Eigen::VectorXd(0)); });
  REQUIRE(contains(m, "argument 'A' must not be empty"));
}
