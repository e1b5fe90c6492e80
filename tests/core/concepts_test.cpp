#include "iterum/core/concepts.hpp"

#include <Eigen/SparseCore>
#include <optional>

#include "iterum/core/observe.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/linalg/direct_solver.hpp"
#include "iterum/linalg/operators.hpp"
#include "iterum/linalg/sor.hpp"
#include "iterum/linalg/ssor_cg.hpp"
#include "iterum/prox/box.hpp"
#include "iterum/prox/least_squares.hpp"
#include "iterum/prox/simplex.hpp"
#include "iterum/prox/soft_threshold.hpp"
#include "support/catch_compat.hpp"
#include "support/toy_methods.hpp"

namespace {

using Sparse = Eigen::SparseMatrix<double>;
using SparseRows = Eigen::SparseMatrix<double, Eigen::RowMajor>;
using DenseOp = iterum::linalg::DenseOperator<Eigen::MatrixXd>;
using SparseOp = iterum::linalg::SparseOperator<Sparse>;
using FreeOp =
    iterum::linalg::MatrixFreeOperator<double, void (*)(const Eigen::Ref<const Eigen::VectorXd>&,
                                                        Eigen::Ref<Eigen::VectorXd>)>;

// A user operator written the way a user would: three members and a Scalar.
struct UserOperator {
  using Scalar = float;
  iterum::Index rows() const { return 2; }
  iterum::Index cols() const { return 2; }
  void apply(const Eigen::VectorXf& x, Eigen::VectorXf& y) const { y = 2 * x; }
};

struct NoApply {
  using Scalar = double;
  iterum::Index rows() const { return 1; }
  iterum::Index cols() const { return 1; }
};

struct NoScalar {
  iterum::Index rows() const { return 1; }
  iterum::Index cols() const { return 1; }
  void apply(const Eigen::VectorXd& x, Eigen::VectorXd& y) const { y = x; }
};

struct Rotation {  // a fixed-point map: rotation by 90 degrees, nonexpansive
  using Scalar = double;
  iterum::Index dim() const { return 2; }
  void apply(const Eigen::VectorXd& x, Eigen::VectorXd& tx) const {
    tx[0] = -x[1];
    tx[1] = x[0];
  }
};

struct NotAMethod {
  struct State {};
  State init(const iterum::test::ScalarProblem&) const { return {}; }
  // no step, no residual
};

struct StepReturnsInt {
  struct State {};
  State init(const iterum::test::ScalarProblem&) const { return {}; }
  int step(const iterum::test::ScalarProblem&, State&) const { return 0; }
  double residual(const iterum::test::ScalarProblem&, const State&) const { return 0; }
};

}  // namespace

TEST_CASE("LinearOperator and DiagonalAccess models", "[core][concepts]") {
  STATIC_REQUIRE(iterum::LinearOperator<DenseOp>);
  STATIC_REQUIRE(iterum::LinearOperator<SparseOp>);
  STATIC_REQUIRE(iterum::LinearOperator<iterum::linalg::SparseOperator<SparseRows>>);
  STATIC_REQUIRE(iterum::LinearOperator<FreeOp>);
  STATIC_REQUIRE(iterum::LinearOperator<UserOperator>);
  STATIC_REQUIRE(iterum::DiagonalAccess<DenseOp>);
  STATIC_REQUIRE(iterum::DiagonalAccess<SparseOp>);
  STATIC_REQUIRE_FALSE(iterum::DiagonalAccess<FreeOp>);
  STATIC_REQUIRE_FALSE(iterum::DiagonalAccess<UserOperator>);
}

TEST_CASE("LinearOperator non-models", "[core][concepts]") {
  STATIC_REQUIRE_FALSE(iterum::LinearOperator<int>);
  STATIC_REQUIRE_FALSE(iterum::LinearOperator<NoApply>);
  STATIC_REQUIRE_FALSE(iterum::LinearOperator<NoScalar>);
  STATIC_REQUIRE_FALSE(iterum::LinearOperator<Eigen::MatrixXd>);  // needs the adapter
  STATIC_REQUIRE_FALSE(iterum::LinearOperator<Rotation>);
}

TEST_CASE("Preconditioner models", "[core][concepts]") {
  STATIC_REQUIRE(iterum::Preconditioner<iterum::linalg::JacobiPreconditioner<double>, SparseOp>);
  STATIC_REQUIRE(iterum::Preconditioner<iterum::linalg::IdentityPreconditioner<double>, FreeOp>);
  STATIC_REQUIRE_FALSE(iterum::Preconditioner<Rotation, SparseOp>);
}

TEST_CASE("FixedPointMap models", "[core][concepts]") {
  STATIC_REQUIRE(iterum::FixedPointMap<Rotation>);
  STATIC_REQUIRE_FALSE(iterum::FixedPointMap<SparseOp>);
  STATIC_REQUIRE_FALSE(iterum::FixedPointMap<int>);
}

TEST_CASE("LinearSolver models", "[core][concepts]") {
  STATIC_REQUIRE(iterum::LinearSolver<iterum::linalg::ConjugateGradient<SparseOp>, SparseOp>);
  STATIC_REQUIRE(
      iterum::LinearSolver<
          iterum::linalg::ConjugateGradient<FreeOp, iterum::linalg::IdentityPreconditioner<double>>,
          FreeOp>);
  STATIC_REQUIRE(iterum::LinearSolver<iterum::linalg::DenseLlt<>, Eigen::MatrixXd>);
  STATIC_REQUIRE(iterum::LinearSolver<iterum::linalg::DenseLdlt<>, Eigen::MatrixXd>);
  STATIC_REQUIRE(iterum::LinearSolver<iterum::linalg::SparseLlt<>, Sparse>);
  STATIC_REQUIRE(iterum::LinearSolver<iterum::linalg::SparseLdlt<>, Sparse>);
  STATIC_REQUIRE_FALSE(iterum::LinearSolver<iterum::linalg::DenseLlt<>, Sparse>);
  // The default Jacobi preconditioner needs a diagonal, which a matrix-free operator lacks.
  STATIC_REQUIRE_FALSE(iterum::LinearSolver<iterum::linalg::ConjugateGradient<FreeOp>, FreeOp>);
  STATIC_REQUIRE_FALSE(iterum::LinearSolver<Eigen::LLT<Eigen::MatrixXd>, Eigen::MatrixXd>);
  // The optional work budget: iterative solvers offer it, factorizations do not.
  STATIC_REQUIRE(
      iterum::LinearSolverWithBudget<iterum::linalg::ConjugateGradient<SparseOp>, SparseOp>);
  STATIC_REQUIRE(iterum::LinearSolverWithBudget<iterum::linalg::Sor<Sparse>, Sparse>);
  STATIC_REQUIRE(
      iterum::LinearSolverWithBudget<iterum::linalg::SsorConjugateGradient<Sparse>, Sparse>);
  STATIC_REQUIRE_FALSE(iterum::LinearSolverWithBudget<iterum::linalg::DenseLlt<>, Eigen::MatrixXd>);
}

TEST_CASE("StopRule models", "[core][concepts]") {
  using State = iterum::test::Scale::State;
  STATIC_REQUIRE(iterum::StopRule<iterum::stop::MaxIterations, State>);
  STATIC_REQUIRE(iterum::StopRule<iterum::stop::Stall, State>);
  STATIC_REQUIRE(iterum::StopRule<decltype(iterum::stop::standard(1, 1, 1)), State>);
  auto lambda = [](const iterum::IterationInfo&) -> std::optional<iterum::Status> { return {}; };
  STATIC_REQUIRE(iterum::StopRule<decltype(lambda), State>);
  auto wrong = [](const iterum::IterationInfo&) { return 1; };
  STATIC_REQUIRE_FALSE(iterum::StopRule<decltype(wrong), State>);
  STATIC_REQUIRE_FALSE(iterum::StopRule<int, State>);
}

TEST_CASE("Observer models", "[core][concepts]") {
  using State = iterum::test::Scale::State;
  auto silent = [](const auto&) {};
  auto stopper = [](const iterum::IterationInfo& i) { return i.iteration > 3; };
  auto wrong = [](int) {};
  STATIC_REQUIRE(iterum::Observer<decltype(silent), State>);
  STATIC_REQUIRE(iterum::Observer<decltype(stopper), State>);
  STATIC_REQUIRE(iterum::Observer<iterum::observe::History, State>);
  STATIC_REQUIRE(iterum::Observer<iterum::observe::Progress, State>);
  STATIC_REQUIRE_FALSE(iterum::Observer<decltype(wrong), State>);
}

TEST_CASE("Method models", "[core][concepts]") {
  using Problem = iterum::test::ScalarProblem;
  STATIC_REQUIRE(iterum::Method<iterum::test::Scale, Problem>);
  STATIC_REQUIRE(iterum::Method<iterum::test::FailAt, Problem>);
  STATIC_REQUIRE(
      iterum::Method<iterum::linalg::CgMethod<double>, iterum::linalg::LinearSystem<SparseOp>>);
  using Composite = decltype(iterum::then(iterum::test::Scale{}, iterum::stop::max_iterations(1),
                                          iterum::test::Scale{}));
  STATIC_REQUIRE(iterum::Method<Composite, Problem>);
  STATIC_REQUIRE_FALSE(iterum::Method<NotAMethod, Problem>);
  STATIC_REQUIRE_FALSE(iterum::Method<StepReturnsInt, Problem>);
  STATIC_REQUIRE_FALSE(iterum::Method<iterum::linalg::CgMethod<double>, Problem>);
}

TEST_CASE("proximal operators model ProxOperator", "[core][concepts]") {
  STATIC_REQUIRE(iterum::ProxOperator<iterum::prox::SoftThreshold<double>, double>);
  STATIC_REQUIRE(iterum::ProxOperator<iterum::prox::Box<double>, double>);
  STATIC_REQUIRE(iterum::ProxOperator<iterum::prox::LeastSquares<double>, double>);
  STATIC_REQUIRE(iterum::ProxOperator<iterum::prox::Simplex<double>, double>);
  STATIC_REQUIRE_FALSE(iterum::ProxOperator<iterum::test::Scale, double>);
}
