#include "iterum/sketch/sketch_and_project.hpp"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "iterum/core/random.hpp"
#include "support/catch_compat.hpp"
#include "support/linear_solver_conformance.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;
using iterum::sketch::SapVariant;
using iterum::sketch::SketchAndProjectOptions;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

namespace {

/// A sparse m x n matrix with about `per_row` entries per row plus a full diagonal band, so
/// that it has full column rank.
Eigen::SparseMatrix<double> sap_sparse_matrix(Index m, Index n, Index per_row, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  std::vector<Eigen::Triplet<double>> t;
  for (Index i = 0; i < m; ++i) {
    t.emplace_back(i, i % n, 2.0 + iterum::random::uniform01(engine));
    for (Index k = 0; k < per_row; ++k)
      t.emplace_back(i, iterum::random::uniform_index(engine, n), iterum::random::normal(engine));
  }
  Eigen::SparseMatrix<double> a(m, n);
  a.setFromTriplets(t.begin(), t.end());
  return a;
}

/// An SPD n x n matrix G^T G / n + I.
Eigen::MatrixXd sap_spd_matrix(Index n, std::uint64_t seed) {
  const Eigen::MatrixXd g = iterum::test::normal_matrix(n, n, seed);
  return g.transpose() * g / static_cast<double>(n) + Eigen::MatrixXd::Identity(n, n);
}

double relative_error(const Eigen::VectorXd& x, const Eigen::VectorXd& truth) {
  return (x - truth).norm() / truth.norm();
}

}  // namespace

TEST_CASE("sketch_and_project: consistent dense systems converge to the QR solution",
          "[sketch][sap]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(300, 20, 1);
  auto engine = iterum::make_engine(2);
  const Eigen::VectorXd truth = iterum::random::normal_vector(engine, 20);
  const Eigen::VectorXd b = a * truth;
  const Eigen::VectorXd qr = a.colPivHouseholderQr().solve(b);
  for (const auto variant :
       {SapVariant::Kaczmarz, SapVariant::BlockKaczmarz, SapVariant::Gaussian}) {
    INFO("variant " << static_cast<int>(variant));
    const auto r = iterum::sketch::sketch_and_project(
        a, b, {.tolerance = 1e-11, .seed = 7, .variant = variant, .block_size = Index{10}});
    REQUIRE(r.ok());
    CHECK(relative_error(r.x, qr) <= 1e-9);
    // The certificate is the relative residual of the returned x.
    const double recomputed = (b - a * r.x).norm() / b.norm();
    CHECK(std::abs(r.residual - recomputed) <= 1e-3 * recomputed + 1e-16);
    CHECK(r.residual <= 1e-11);
    CHECK(r.counters.oracle_calls > 0);
    CHECK(r.counters.matvecs >= 2);
    CHECK(!r.trace.empty());
  }
}

TEST_CASE(
    "sketch_and_project: sparse systems, and the minimum-norm solution of an "
    "underdetermined one",
    "[sketch][sap]") {
  const Eigen::SparseMatrix<double> a = sap_sparse_matrix(400, 40, 3, 4);
  auto engine = iterum::make_engine(5);
  const Eigen::VectorXd truth = iterum::random::normal_vector(engine, 40);
  const Eigen::VectorXd b = a * truth;
  const Eigen::MatrixXd dense(a);
  const Eigen::VectorXd qr = dense.colPivHouseholderQr().solve(b);
  for (const auto variant :
       {SapVariant::Kaczmarz, SapVariant::BlockKaczmarz, SapVariant::Gaussian}) {
    INFO("variant " << static_cast<int>(variant));
    const auto r = iterum::sketch::sketch_and_project(
        a, b, {.tolerance = 1e-11, .seed = 3, .variant = variant, .block_size = Index{6}});
    REQUIRE(r.ok());
    CHECK(relative_error(r.x, qr) <= 1e-9);
  }
  // 15 x 40 wide: from x0 = 0 the iterates stay in the row space, so the limit is the
  // minimum-norm solution A^+ b (computed here by a complete orthogonal decomposition).
  const Eigen::MatrixXd wide = iterum::test::normal_matrix(15, 40, 8);
  const Eigen::VectorXd bw = wide * truth;
  const Eigen::VectorXd min_norm = wide.completeOrthogonalDecomposition().solve(bw);
  const auto r = iterum::sketch::sketch_and_project(wide, bw, {.tolerance = 1e-12, .seed = 1});
  REQUIRE(r.ok());
  CHECK(relative_error(r.x, min_norm) <= 1e-9);
}

TEST_CASE("sketch_and_project: the Gaussian variant on SPD systems", "[sketch][sap]") {
  const Index n = 40;
  const Eigen::MatrixXd a = sap_spd_matrix(n, 12);
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, -1.0, 2.0);
  const Eigen::VectorXd exact = a.llt().solve(b);
  for (const Index tau : {Index{1}, Index{5}, Index{20}}) {
    const auto r = iterum::sketch::sketch_and_project(
        a, b, {.tolerance = 1e-10, .seed = 2, .variant = SapVariant::Gaussian, .block_size = tau});
    INFO("tau = " << tau << ", iterations " << r.iterations);
    REQUIRE(r.ok());
    CHECK(relative_error(r.x, exact) <= 1e-8);
  }
  // A bigger sketch takes fewer steps (each projects on a larger random subspace).
  const auto small = iterum::sketch::sketch_and_project(
      a, b,
      {.tolerance = 1e-8, .seed = 2, .variant = SapVariant::Gaussian, .block_size = Index{2}});
  const auto big = iterum::sketch::sketch_and_project(
      a, b,
      {.tolerance = 1e-8, .seed = 2, .variant = SapVariant::Gaussian, .block_size = Index{20}});
  CHECK(big.iterations * 3 < small.iterations);
}

TEST_CASE("randomized Kaczmarz: the error decays at least like the Strohmer-Vershynin bound",
          "[sketch][sap]") {
  // E ||x_k - x*||^2 <= (1 - sigma_min^2 / ||A||_F^2)^k ||x_0 - x*||^2 (Strohmer & Vershynin
  // 2009, Thm. 2). The median over 15 seeds must stay below 3 times the bound.
  const Eigen::MatrixXd a = iterum::test::normal_matrix(120, 10, 31);
  auto engine = iterum::make_engine(32);
  const Eigen::VectorXd truth = iterum::random::normal_vector(engine, 10);
  const Eigen::VectorXd b = a * truth;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = a;
  const iterum::sketch::RowSystem<decltype(rows)> system{rows, b};
  const Eigen::JacobiSVD<Eigen::MatrixXd> svd(a);
  const double smin = svd.singularValues()[9];
  const double rate = 1.0 - smin * smin / a.squaredNorm();
  for (const Index k : {Index{50}, Index{200}, Index{600}}) {
    std::vector<double> ratios;
    for (std::uint64_t seed = 0; seed < 15; ++seed) {
      const iterum::sketch::SketchAndProjectMethod method({.seed = seed});
      auto state = method.init(system);
      for (Index i = 0; i < k; ++i) method.step(system, state);
      ratios.push_back((state.x - truth).squaredNorm() / truth.squaredNorm());
    }
    std::nth_element(ratios.begin(), ratios.begin() + 7, ratios.end());
    const double bound = std::pow(rate, static_cast<double>(k));
    INFO("k = " << k << ", median " << ratios[7] << ", bound " << bound);
    CHECK(ratios[7] <= 3 * bound);
    CHECK(ratios[7] > 0);
  }
}

TEST_CASE("SketchAndProject passes the LinearSolver conformance suite", "[sketch][sap]") {
  const Index n = 30;
  const Eigen::MatrixXd a = sap_spd_matrix(n, 40);
  for (const auto variant :
       {SapVariant::Kaczmarz, SapVariant::BlockKaczmarz, SapVariant::Gaussian}) {
    INFO("variant " << static_cast<int>(variant));
    iterum::sketch::SketchAndProject<Eigen::MatrixXd> dense(
        {.seed = 1, .variant = variant, .block_size = Index{5}});
    STATIC_REQUIRE(iterum::LinearSolverWithBudget<decltype(dense), Eigen::MatrixXd>);
    iterum::test::check_linear_solver(dense, a, a, 1e-10);
  }
  const Eigen::SparseMatrix<double> sparse = a.sparseView();
  iterum::sketch::SketchAndProject<Eigen::SparseMatrix<double>> solver({.seed = 4});
  iterum::test::check_linear_solver(solver, sparse, a, 1e-10);
}

TEST_CASE("sketch_and_project: seeded, no allocation in step, honest on inconsistent systems",
          "[sketch][sap]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(100, 12, 51);
  auto engine = iterum::make_engine(52);
  const Eigen::VectorXd b = a * iterum::random::normal_vector(engine, 12);
  const SketchAndProjectOptions o{.tolerance = 1e-6, .seed = 9};
  const auto r1 = iterum::sketch::sketch_and_project(a, b, o);
  const auto r2 = iterum::sketch::sketch_and_project(a, b, o);
  auto other = o;
  other.seed = 10;
  const auto r3 = iterum::sketch::sketch_and_project(a, b, other);
  CHECK(r1.x == r2.x);
  CHECK(r1.iterations == r2.iterations);
  CHECK(r1.x != r3.x);

  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = a;
  const Eigen::SparseMatrix<double, Eigen::RowMajor> sparse_rows = a.sparseView();
  const iterum::sketch::RowSystem<decltype(rows)> dense_system{rows, b};
  const iterum::sketch::RowSystem<decltype(sparse_rows)> sparse_system{sparse_rows, b};
  for (const auto variant :
       {SapVariant::Kaczmarz, SapVariant::BlockKaczmarz, SapVariant::Gaussian}) {
    const iterum::sketch::SketchAndProjectMethod method({variant, 4, 1});
    auto ds = method.init(dense_system);
    auto ss = method.init(sparse_system);
    method.step(dense_system, ds);
    method.step(sparse_system, ss);
    Eigen::internal::set_is_malloc_allowed(false);
    for (int k = 0; k < 20; ++k) {
      method.step(dense_system, ds);
      method.step(sparse_system, ss);
    }
    Eigen::internal::set_is_malloc_allowed(true);
    // Same draws on the same matrix in two storages: the same iterate up to round-off.
    CHECK((ds.x - ss.x).norm() <= 1e-12 * (1 + ds.x.norm()));
  }

  // Inconsistent: b has a part outside the range of A; the residual stalls far above the
  // tolerance, and the result says so.
  Eigen::VectorXd noisy = b;
  noisy += 0.1 * iterum::random::normal_vector(engine, 100);
  const auto r = iterum::sketch::sketch_and_project(
      a, noisy, {.tolerance = 1e-8, .max_iterations = Index{5000}, .seed = 1});
  CHECK(r.status == Status::MaxIterations);
  CHECK(r.residual > 1e-3);
  CHECK(r.residual == Approx((noisy - a * r.x).norm() / noisy.norm()).epsilon(1e-9));
}

TEST_CASE("sketch_and_project: bad input throws iterum::invalid_argument", "[sketch][sap]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(10, 4, 61);
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(10);
  using iterum::sketch::sketch_and_project;
  auto msg = [&](auto&& f) { return invalid_argument_message(f); };
  CHECK(contains(msg([&] { (void)sketch_and_project(a, Eigen::VectorXd::Ones(9)); }), "b"));
  CHECK(contains(msg([&] { (void)sketch_and_project(Eigen::MatrixXd(0, 3), b.head(0)); }), "A"));
  Eigen::MatrixXd nan = a;
  nan(2, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK(contains(msg([&] { (void)sketch_and_project(nan, b); }), "A"));
  Eigen::VectorXd bad_b = b;
  bad_b[3] = std::numeric_limits<double>::infinity();
  CHECK(contains(msg([&] { (void)sketch_and_project(a, bad_b); }), "b"));
  CHECK(contains(msg([&] { (void)sketch_and_project(Eigen::MatrixXd::Zero(10, 4), b); }),
                 "must not be zero"));
  CHECK(contains(msg([&] {
                   (void)sketch_and_project(
                       a, b, {.variant = SapVariant::BlockKaczmarz, .block_size = Index{11}});
                 }),
                 "options.block_size"));
  CHECK(contains(msg([&] { (void)sketch_and_project(a, b, {.block_size = Index{0}}); }),
                 "options.block_size"));
  CHECK(contains(msg([&] { (void)sketch_and_project(a, b, {.tolerance = -1.0}); }),
                 "options.tolerance"));
  CHECK(contains(msg([&] { (void)sketch_and_project(a, b, {.certificate_every = 0.0}); }),
                 "certificate_every"));
  CHECK(contains(msg([&] { (void)sketch_and_project(a, b, Eigen::VectorXd::Ones(5)); }), "x0"));
  CHECK(contains(msg([&] { (void)sketch_and_project(a, b); }), "<no exception>"));

  iterum::sketch::SketchAndProject<Eigen::MatrixXd> solver;
  Eigen::VectorXd x = Eigen::VectorXd::Zero(4);
  CHECK(contains(msg([&] { (void)solver.solve(Eigen::VectorXd::Ones(4), x); }), "compute"));
  CHECK(contains(msg([&] { (void)solver.compute(a); }), "square"));
  CHECK(contains(msg([&] { solver.set_tolerance(-1.0); }), "tolerance"));
  CHECK(contains(msg([&] { solver.set_max_iterations(Index{-1}); }), "max_iterations"));
}

TEST_CASE("sketch_and_project: randomized extended Kaczmarz solves inconsistent least squares",
          "[sketch][sap]") {
  const Eigen::MatrixXd a = iterum::test::normal_matrix(200, 10, 71);
  auto engine = iterum::make_engine(72);
  Eigen::VectorXd b = a * iterum::random::normal_vector(engine, 10);
  b += 0.5 * iterum::random::normal_vector(engine, 200);  // far from range(A)
  const Eigen::VectorXd ls = a.colPivHouseholderQr().solve(b);
  const auto r = iterum::sketch::sketch_and_project(
      a, b, {.tolerance = 1e-10, .seed = 5, .variant = SapVariant::Extended});
  REQUIRE(r.ok());
  CHECK(relative_error(r.x, ls) <= 1e-8);
  // The certificate: ||A^T r|| / (||A||_F ||r||) of the returned x.
  const Eigen::VectorXd res = b - a * r.x;
  CHECK(std::abs(r.residual - (a.transpose() * res).norm() / (a.norm() * res.norm())) <=
        1e-3 * r.residual + 1e-16);
  // Plain Kaczmarz on the same system stalls at the inconsistency.
  const auto plain = iterum::sketch::sketch_and_project(
      a, b, {.tolerance = 1e-10, .max_iterations = Index{20000}, .seed = 5});
  CHECK(!plain.ok());
  CHECK(relative_error(plain.x, ls) > 1e-4);

  // Sparse, and the same answer through the LinearSolver adapter on a square singular-free one.
  const Eigen::SparseMatrix<double> sa = sap_sparse_matrix(300, 30, 3, 73);
  Eigen::VectorXd sb = sa * iterum::random::normal_vector(engine, 30);
  sb += 0.1 * iterum::random::normal_vector(engine, 300);
  const Eigen::VectorXd sls = Eigen::MatrixXd(sa).colPivHouseholderQr().solve(sb);
  const auto rs = iterum::sketch::sketch_and_project(
      sa, sb, {.tolerance = 1e-10, .seed = 6, .variant = SapVariant::Extended});
  REQUIRE(rs.ok());
  CHECK(relative_error(rs.x, sls) <= 1e-8);

  const Eigen::MatrixXd spd = sap_spd_matrix(20, 74);
  iterum::sketch::SketchAndProject<Eigen::MatrixXd> solver(
      {.tolerance = 1e-11, .seed = 2, .variant = SapVariant::Extended});
  REQUIRE(solver.compute(spd) == Status::Converged);
  const Eigen::VectorXd rhs = Eigen::VectorXd::LinSpaced(20, 1.0, 2.0);
  Eigen::VectorXd x = Eigen::VectorXd::Zero(20);
  REQUIRE(solver.solve(rhs, x).ok());
  CHECK(relative_error(x, spd.llt().solve(rhs)) <= 1e-8);

  // No allocation in the extended step either.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = a;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> cols = a.transpose();
  const iterum::sketch::RowSystem<decltype(rows)> system{rows, b, &cols};
  const iterum::sketch::SketchAndProjectMethod method({SapVariant::Extended, 1, 3});
  auto state = method.init(system);
  Eigen::internal::set_is_malloc_allowed(false);
  for (int k = 0; k < 50; ++k) method.step(system, state);
  Eigen::internal::set_is_malloc_allowed(true);
  CHECK(state.x.allFinite());
  // Without A^T the Extended variant refuses to start.
  const iterum::sketch::RowSystem<decltype(rows)> no_transpose{rows, b};
  CHECK(contains(invalid_argument_message([&] { (void)method.init(no_transpose); }),
                 "problem.transpose"));
}
