// Compile-fail test: passing a type without the EqualityConstrainedProblem members (here no
// lagrangian_hessian) to solve_equality_constrained must give exactly one error, naming the
// concept it fails.
// expect-error: the problem must model iterum::EqualityConstrainedProblem

#include <Eigen/Core>

#include "iterum/nlp/solve_equality_constrained.hpp"

namespace {
struct NoHessian {
  iterum::Index dim() const { return 2; }
  iterum::Index constraints() const { return 1; }
  double value(const Eigen::VectorXd& x) const { return x.squaredNorm(); }
  void gradient(const Eigen::VectorXd& x, Eigen::VectorXd& g) const { g = 2 * x; }
  void constraint(const Eigen::VectorXd& x, Eigen::VectorXd& c) const {
    c = Eigen::VectorXd::Constant(1, x.sum() - 1);
  }
  void jacobian(const Eigen::VectorXd&, Eigen::MatrixXd& g) const {
    g = Eigen::MatrixXd::Ones(1, 2);
  }
};
}  // namespace

int main() {
  const auto result =
      iterum::nlp::solve_equality_constrained(NoHessian{}, Eigen::VectorXd::Zero(2));
  return result.ok() ? 0 : 1;
}
