// Compile-fail test: passing a type that is neither an Eigen matrix nor a LinearOperator to
// conjugate_gradient must give exactly one error, naming the concept it fails.
// expect-error: A must be an Eigen dense or sparse matrix or model iterum::LinearOperator

#include <Eigen/Core>

#include "iterum/linalg/cg.hpp"

namespace {
struct NotAnOperator {  // has a Scalar and a size, but no apply(x, y)
  using Scalar = double;
  iterum::Index rows() const { return 2; }
  iterum::Index cols() const { return 2; }
};
}  // namespace

int main() {
  const Eigen::VectorXd b = Eigen::VectorXd::Ones(2);
  const auto result = iterum::linalg::conjugate_gradient(NotAnOperator{}, b);
  return result.ok() ? 0 : 1;
}
