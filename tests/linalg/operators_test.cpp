#include "iterum/linalg/operators.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/SparseCore>
#include <cmath>

#include "iterum/core/random.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "support/catch_compat.hpp"
#include "support/random_data.hpp"
#include "support/throws.hpp"

namespace {
Eigen::MatrixXd random_matrix(iterum::Index rows, iterum::Index cols, std::uint64_t seed) {
  return iterum::test::normal_matrix(rows, cols, seed);
}
}  // namespace

TEST_CASE("dense adapters apply A x for both storage orders", "[linalg][operators]") {
  const Eigen::MatrixXd a = random_matrix(7, 5, 1);
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> a_rows = a;
  const Eigen::VectorXd x = random_matrix(5, 1, 2);
  Eigen::VectorXd y(7), y_rows(7);
  const auto op = iterum::linalg::make_operator(a);
  const auto op_rows = iterum::linalg::make_operator(a_rows);
  REQUIRE(op.rows() == 7);
  REQUIRE(op.cols() == 5);
  op.apply(x, y);
  op_rows.apply(x, y_rows);
  const Eigen::VectorXd expected = a * x;
  REQUIRE((y - expected).norm() <= 1e-14 * expected.norm());
  REQUIRE((y_rows - expected).norm() <= 1e-14 * expected.norm());
  REQUIRE(op.diagonal() == a.diagonal());
}

TEST_CASE("sparse adapters apply A x for both storage orders", "[linalg][operators]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(4, 3);
  const Eigen::SparseMatrix<double, Eigen::RowMajor> a_rows = a;
  const Eigen::VectorXd x = random_matrix(12, 1, 3);
  Eigen::VectorXd y(12), y_rows(12);
  iterum::linalg::make_operator(a).apply(x, y);
  iterum::linalg::make_operator(a_rows).apply(x, y_rows);
  const Eigen::VectorXd expected = Eigen::MatrixXd(a) * x;
  REQUIRE((y - expected).norm() <= 1e-14 * expected.norm());
  REQUIRE((y_rows - expected).norm() <= 1e-14 * expected.norm());
  REQUIRE(iterum::linalg::make_operator(a).diagonal() == Eigen::VectorXd::Constant(12, 4.0));
}

TEST_CASE("matrix_free wraps a callable", "[linalg][operators]") {
  int calls = 0;
  auto op = iterum::linalg::matrix_free<double>(
      3, 2, [&calls](const Eigen::Ref<const Eigen::VectorXd>& x, Eigen::Ref<Eigen::VectorXd> y) {
        ++calls;
        y << x[0] + x[1], x[0] - x[1], 2 * x[0];
      });
  Eigen::VectorXd y(3);
  op.apply(Eigen::Vector2d(1, 2), y);
  REQUIRE(y == Eigen::Vector3d(3, -1, 2));
  REQUIRE(calls == 1);
  REQUIRE(op.rows() == 3);
  REQUIRE(op.cols() == 2);
  REQUIRE(iterum::test::invalid_argument_message([] {
            (void)iterum::linalg::matrix_free<double>(-1, 2, [](const auto&, auto) {});
          }) == "iterum::linalg::matrix_free: argument 'rows' must be nonnegative (got -1)");
}

TEST_CASE("laplacian_2d has the 5-point stencil and the known spectrum", "[linalg][operators]") {
  const auto a = iterum::linalg::laplacian_2d(5, 4);
  REQUIRE(a.rows() == 20);
  REQUIRE(a.nonZeros() == 20 + 2 * (4 * 4 + 5 * 3));  // diagonal + both triangles' edges
  const Eigen::MatrixXd dense(a);
  REQUIRE((dense - dense.transpose()).norm() == 0.0);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(dense);
  const double pi = 3.14159265358979323846;
  const double lambda_min = 4 - 2 * std::cos(pi / 6) - 2 * std::cos(pi / 5);
  const double lambda_max = 4 + 2 * std::cos(pi / 6) + 2 * std::cos(pi / 5);
  REQUIRE_THAT(eig.eigenvalues().minCoeff(), Catch::Matchers::WithinRel(lambda_min, 1e-12));
  REQUIRE_THAT(eig.eigenvalues().maxCoeff(), Catch::Matchers::WithinRel(lambda_max, 1e-12));
  REQUIRE(iterum::test::invalid_argument_message([] {
            (void)iterum::linalg::laplacian_2d(0, 3);
          }) == "iterum::linalg::laplacian_2d: argument 'nx' must be positive (got 0)");
}

TEST_CASE("the symmetric sparse operator equals A x in every storage form", "[linalg][operators]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(5, 6);
  const Eigen::SparseMatrix<double, Eigen::RowMajor> a_rows = a;
  Eigen::SparseMatrix<double> uncompressed = a;
  uncompressed.coeffRef(0, 0) += 0.0;
  uncompressed.insert(3, 17) = 0.0;  // leaves the matrix in uncompressed mode
  uncompressed.insert(17, 3) = 0.0;
  REQUIRE_FALSE(uncompressed.isCompressed());
  const Eigen::VectorXd x = random_matrix(30, 1, 4);
  const Eigen::VectorXd expected = Eigen::MatrixXd(a) * x;
  Eigen::VectorXd y(30);
  iterum::linalg::SymmetricSparseOperator<Eigen::SparseMatrix<double>>(a).apply(x, y);
  REQUIRE((y - expected).norm() <= 1e-14 * expected.norm());
  iterum::linalg::SymmetricSparseOperator<decltype(a_rows)>(a_rows).apply(x, y);
  REQUIRE((y - expected).norm() <= 1e-14 * expected.norm());
  iterum::linalg::SymmetricSparseOperator<Eigen::SparseMatrix<double>>(uncompressed).apply(x, y);
  REQUIRE((y - expected).norm() <= 1e-14 * expected.norm());
}
