#include "iterum/sketch/nystrom_preconditioner.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SparseCore>
#include <cmath>
#include <limits>

#include "iterum/core/random.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/linalg/identity_preconditioner.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::sketch::NystromOptions;
using iterum::sketch::NystromPreconditioner;
using iterum::test::contains;
using iterum::test::invalid_argument_message;

namespace {

/// The RBF kernel exp(-||p_i - p_j||^2 / (2 h^2)) of n uniform points in [0, 1]^3: PSD, with
/// a spectrum that decays fast.
Eigen::MatrixXd nystrom_rbf_kernel(Index n, double h, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Eigen::MatrixXd p(3, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < 3; ++i) p(i, j) = iterum::random::uniform01(engine);
  Eigen::MatrixXd k(n, n);
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < n; ++j)
      k(i, j) = std::exp(-(p.col(i) - p.col(j)).squaredNorm() / (2 * h * h));
  return k;
}

/// Q diag(exp(-i / 8)) Q^T for a random orthogonal Q (n x n).
Eigen::MatrixXd nystrom_exp_decay(Index n, std::uint64_t seed) {
  auto engine = iterum::make_engine(seed);
  Eigen::MatrixXd g(n, n);
  for (Index j = 0; j < n; ++j) g.col(j) = iterum::random::normal_vector(engine, n);
  const Eigen::MatrixXd q = Eigen::HouseholderQR<Eigen::MatrixXd>(g).householderQ();
  Eigen::VectorXd d(n);
  for (Index i = 0; i < n; ++i) d[i] = std::exp(-static_cast<double>(i) / 8.0);
  return q * d.asDiagonal() * q.transpose();
}

struct PcgRun {
  iterum::Summary summary;
  Eigen::VectorXd x;
};

template <class Precond>
PcgRun run_pcg(const Eigen::MatrixXd& a_mu, const Eigen::VectorXd& b, Precond p, double tol) {
  iterum::linalg::ConjugateGradient<Eigen::MatrixXd, Precond> solver(
      {.tolerance = tol, .max_iterations = Index{5000}}, std::move(p));
  REQUIRE(solver.compute(a_mu) == iterum::Status::Converged);
  PcgRun run{{}, Eigen::VectorXd::Zero(b.size())};
  run.summary = solver.solve(b, run.x);
  return run;
}

}  // namespace

TEST_CASE("Nystrom PCG: far fewer iterations than CG on a kernel matrix, same solution",
          "[sketch][nystrom]") {
  STATIC_REQUIRE(iterum::Preconditioner<NystromPreconditioner<double>,
                                        iterum::linalg::DenseOperator<Eigen::MatrixXd>>);
  const Index n = 500;
  const double mu = 1e-4;
  const Eigen::MatrixXd k = nystrom_rbf_kernel(n, 0.3, 11);
  const Eigen::MatrixXd a_mu = k + mu * Eigen::MatrixXd::Identity(n, n);
  auto engine = iterum::make_engine(3);
  const Eigen::VectorXd b = iterum::random::normal_vector(engine, n);
  const Eigen::VectorXd exact = a_mu.llt().solve(b);

  const auto plain = run_pcg(a_mu, b, iterum::linalg::IdentityPreconditioner<double>{}, 1e-13);
  const auto nys = run_pcg(a_mu, b, NystromPreconditioner<double>({.mu = mu, .seed = 5}), 1e-13);
  REQUIRE(plain.summary.ok());
  REQUIRE(nys.summary.ok());
  // Plain CG needs hundreds of iterations at kappa ~ 1e6; Nystrom-PCG a few dozen.
  CHECK(4 * nys.summary.iterations < plain.summary.iterations);
  CHECK((nys.x - exact).norm() <= 1e-10 * exact.norm());
  CHECK((plain.x - exact).norm() <= 1e-8 * exact.norm());
}

TEST_CASE("Nystrom: eigenvalues match the leading eigenvalues, rank adapts to mu",
          "[sketch][nystrom]") {
  const Index n = 300;
  const Eigen::MatrixXd a = nystrom_exp_decay(n, 21);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(a);
  Eigen::VectorXd top(n);  // descending
  for (Index i = 0; i < n; ++i) top[i] = eig.eigenvalues()[n - 1 - i];
  Index previous_rank = 0;
  for (const double mu : {1e-1, 1e-3, 1e-6}) {
    const Eigen::MatrixXd a_mu = a + mu * Eigen::MatrixXd::Identity(n, n);
    NystromPreconditioner<double> p({.mu = mu, .initial_rank = 8, .seed = 9});
    p.compute(iterum::linalg::DenseOperator<Eigen::MatrixXd>(a_mu));
    INFO("mu = " << mu << ", rank = " << p.rank());
    REQUIRE(p.reached_target());
    // Stopping rule: lambda_l <= 10 mu, and the previous size (l / 2) did not meet it.
    CHECK(p.eigenvalues()[p.rank() - 1] <= 10 * mu);
    CHECK(p.rank() >= previous_rank);
    CHECK(p.matvecs() == p.rank());
    // Eigenvalues of A above 10 mu need about 8 ln(1 / (10 mu)) columns; the sketch is at most
    // twice that (one doubling too many at worst), and twice the first size at least.
    const double needed = 8.0 * std::log(1.0 / (10 * mu));
    CHECK(static_cast<double>(p.rank()) <= 2 * needed + 16);
    // A_nys <= A in the Loewner order (so lambda_i(A_nys) <= lambda_i(A), Weyl), and
    // A - A_nys is small once the rank is large.
    const Eigen::MatrixXd a_nys =
        p.eigenvectors() * p.eigenvalues().asDiagonal() * p.eigenvectors().transpose();
    const Eigen::MatrixXd gap = a - a_nys;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> gap_eig(gap);
    CHECK(gap_eig.eigenvalues().minCoeff() >= -1e-10);
    for (Index i = 0; i < p.rank(); ++i) CHECK(p.eigenvalues()[i] <= top[i] + 1e-12);
    if (mu < 1e-5) {
      CHECK(gap_eig.eigenvalues().maxCoeff() <= 1e-5);
      for (Index i = 0; i < 5; ++i) CHECK(std::abs(p.eigenvalues()[i] - top[i]) <= 1e-6);
    }
    // P^{-1} A_mu (similar to P^{-1/2} A_mu P^{-1/2}) has its spectrum in [mu, lambda_l + mu + E]
    // up to the factor lambda_l + mu (FTU Prop. 5.3): kappa <= (lambda_l + mu + E) / mu.
    Eigen::MatrixXd pa(n, n);
    Eigen::VectorXd z(n);
    for (Index j = 0; j < n; ++j) {
      p.apply(a_mu.col(j), z);
      pa.col(j) = z;
    }
    const Eigen::VectorXd ev = pa.eigenvalues().real();
    const double kappa = ev.maxCoeff() / ev.minCoeff();
    INFO("preconditioned kappa = " << kappa << ", unpreconditioned " << (1 + mu) / mu);
    const double bound =
        (p.eigenvalues()[p.rank() - 1] + mu + gap_eig.eigenvalues().maxCoeff()) / mu;
    CHECK(kappa <= bound * (1 + 1e-6));
    CHECK(kappa <= 100.0);
    CHECK(ev.minCoeff() >= 0.99 * mu);
    previous_rank = p.rank();
  }
  CHECK(previous_rank > 8);
}

TEST_CASE("Nystrom: reproducible, fixed rank when not adaptive, max_rank honoured",
          "[sketch][nystrom]") {
  const Index n = 200;
  const double mu = 1e-8;
  const Eigen::MatrixXd a_mu = nystrom_exp_decay(n, 4) + mu * Eigen::MatrixXd::Identity(n, n);
  const iterum::linalg::DenseOperator<Eigen::MatrixXd> op(a_mu);
  NystromPreconditioner<double> p1({.mu = mu, .seed = 2});
  NystromPreconditioner<double> p2({.mu = mu, .seed = 2});
  NystromPreconditioner<double> p3({.mu = mu, .seed = 3});
  p1.compute(op);
  p2.compute(op);
  p3.compute(op);
  CHECK(p1.eigenvectors() == p2.eigenvectors());
  CHECK(p1.eigenvalues() == p2.eigenvalues());
  CHECK(p1.eigenvectors() != p3.eigenvectors());

  NystromPreconditioner<double> fixed({.mu = mu, .initial_rank = 12, .adaptive = false});
  fixed.compute(op);
  CHECK(fixed.rank() == 12);
  CHECK(!fixed.reached_target());

  NystromPreconditioner<double> capped({.mu = mu, .initial_rank = 5, .max_rank = Index{40}});
  capped.compute(op);
  CHECK(capped.rank() == 40);  // 5, 10, 20, 40: lambda_40 ~ e^-5 is far above 10 mu
  CHECK(!capped.reached_target());
}

TEST_CASE("Nystrom: slow spectral decay (2-D Poisson) is detected and costs little",
          "[sketch][nystrom]") {
  const Eigen::SparseMatrix<double> lap = iterum::linalg::laplacian_2d<double>(24, 24);
  const Index n = lap.rows();
  const double mu = 1e-2;
  Eigen::SparseMatrix<double> a_mu = lap;
  for (Index i = 0; i < n; ++i) a_mu.coeffRef(i, i) += mu;
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(n);
  iterum::linalg::ConjugateGradient<Eigen::SparseMatrix<double>,
                                    iterum::linalg::IdentityPreconditioner<double>>
      plain({.tolerance = 1e-8});
  iterum::linalg::ConjugateGradient<Eigen::SparseMatrix<double>, NystromPreconditioner<double>> nys(
      {.tolerance = 1e-8}, NystromPreconditioner<double>({.mu = mu, .max_rank = Index{64}}));
  REQUIRE(plain.compute(a_mu) == iterum::Status::Converged);
  REQUIRE(nys.compute(a_mu) == iterum::Status::Converged);
  CHECK(!nys.preconditioner().reached_target());
  CHECK(!nys.preconditioner().active());  // lambda_1 / lambda_l is about 1.1: falls back
  // The flat spectrum stops the doubling early (16 -> 32 shrinks lambda_l by far less than 1.5).
  CHECK(nys.preconditioner().rank() == 32);
  CHECK(nys.preconditioner().matvecs() == 32);
  Eigen::VectorXd x1 = Eigen::VectorXd::Zero(n);
  Eigen::VectorXd x2 = Eigen::VectorXd::Zero(n);
  const auto r1 = plain.solve(b, x1);
  const auto r2 = nys.solve(b, x2);
  REQUIRE(r1.ok());
  REQUIRE(r2.ok());
  INFO("CG " << r1.iterations << ", Nystrom-PCG " << r2.iterations);
  CHECK(r2.iterations <= r1.iterations * 11 / 10 + 1);
}

TEST_CASE("Nystrom: bad input throws iterum::invalid_argument", "[sketch][nystrom]") {
  const std::string_view ctor = "iterum::sketch::NystromPreconditioner";
  auto message = [](NystromOptions o) {
    return invalid_argument_message([&] { NystromPreconditioner<double> p(o); });
  };
  CHECK(contains(message({}), "options.mu"));
  CHECK(contains(message({.mu = -1.0}), "options.mu"));
  CHECK(contains(message({.mu = std::numeric_limits<double>::quiet_NaN()}), "options.mu"));
  CHECK(contains(message({.mu = 1.0, .initial_rank = 0}), "options.initial_rank"));
  CHECK(
      contains(message({.mu = 1.0, .initial_rank = 8, .max_rank = Index{4}}), "options.max_rank"));
  CHECK(contains(message({.mu = 1.0, .rank_factor = 0.0}), "options.rank_factor"));
  CHECK(contains(message({.mu = 1.0, .min_decay = 0.5}), "options.min_decay"));
  CHECK(contains(message({.mu = 1.0, .min_gain = 0.5}), "options.min_gain"));
  CHECK(contains(message({}), ctor));

  const Eigen::MatrixXd rect = Eigen::MatrixXd::Ones(4, 3);
  NystromPreconditioner<double> p({.mu = 1.0});
  CHECK(contains(invalid_argument_message(
                     [&] { p.compute(iterum::linalg::DenseOperator<Eigen::MatrixXd>(rect)); }),
                 "A"));
  // mu larger than the system's spectrum: A = (A + mu I) - mu I = -I is not PSD.
  const Eigen::MatrixXd eye = Eigen::MatrixXd::Identity(30, 30);
  NystromPreconditioner<double> wrong_mu({.mu = 2.0, .initial_rank = 4});
  const auto msg = invalid_argument_message(
      [&] { wrong_mu.compute(iterum::linalg::DenseOperator<Eigen::MatrixXd>(eye)); });
  CHECK(contains(msg, "positive semidefinite"));
  Eigen::MatrixXd bad = eye;
  bad(3, 4) = std::numeric_limits<double>::infinity();
  NystromPreconditioner<double> p2({.mu = 1.0, .initial_rank = 4});
  CHECK(contains(invalid_argument_message(
                     [&] { p2.compute(iterum::linalg::DenseOperator<Eigen::MatrixXd>(bad)); }),
                 "A"));
}

TEST_CASE("Nystrom: a matrix-free operator and a sparse matrix give the dense result",
          "[sketch][nystrom]") {
  const Index n = 120;
  const double mu = 1e-5;
  const Eigen::MatrixXd a_mu = nystrom_exp_decay(n, 8) + mu * Eigen::MatrixXd::Identity(n, n);
  NystromPreconditioner<double> dense({.mu = mu, .seed = 4});
  dense.compute(iterum::linalg::DenseOperator<Eigen::MatrixXd>(a_mu));
  // Matrix-free: the column-by-column path (no matrix()).
  const auto op = iterum::linalg::matrix_free<double>(
      n, n, [&](const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> y) {
        y.noalias() = a_mu * x;
      });
  NystromPreconditioner<double> unmatrixed({.mu = mu, .seed = 4});
  unmatrixed.compute(op);
  const Eigen::SparseMatrix<double> sparse = a_mu.sparseView();
  NystromPreconditioner<double> sp({.mu = mu, .seed = 4});
  sp.compute(iterum::linalg::SymmetricSparseOperator<Eigen::SparseMatrix<double>>(sparse));
  REQUIRE(unmatrixed.rank() == dense.rank());
  REQUIRE(sp.rank() == dense.rank());
  CHECK((unmatrixed.eigenvalues() - dense.eigenvalues()).norm() <= 1e-12 * dense.eigenvalues()[0]);
  CHECK((sp.eigenvalues() - dense.eigenvalues()).norm() <= 1e-12 * dense.eigenvalues()[0]);
  // The preconditioner itself (U is determined up to signs; P^{-1} is not).
  const Eigen::VectorXd r = Eigen::VectorXd::LinSpaced(n, -1.0, 1.0);
  Eigen::VectorXd z1(n), z2(n), z3(n);
  dense.apply(r, z1);
  unmatrixed.apply(r, z2);
  sp.apply(r, z3);
  CHECK((z1 - z2).norm() <= 1e-8 * z1.norm());
  CHECK((z1 - z3).norm() <= 1e-8 * z1.norm());
  // apply does not allocate (CG calls it every iteration).
  Eigen::internal::set_is_malloc_allowed(false);
  const double rz = dense.apply_dot(r, z1);
  Eigen::internal::set_is_malloc_allowed(true);
  CHECK(rz == Approx(r.dot(z1)));
  CHECK(rz > 0);
}
