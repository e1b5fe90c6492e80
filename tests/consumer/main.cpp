// Downstream smoke test: include the umbrella header, solve a 3x3 SPD system with CG and compare
// with Eigen's Cholesky solution. Exit status 0 only when CG converged to that solution.
#include <Eigen/Dense>
#include <iostream>
#include <iterum/iterum.hpp>

int main() {
  Eigen::MatrixXd A(3, 3);
  A << 4.0, 1.0, 0.0,  //
      1.0, 3.0, 1.0,   //
      0.0, 1.0, 2.0;
  Eigen::VectorXd b(3);
  b << 1.0, 2.0, 3.0;

  const auto r = iterum::linalg::conjugate_gradient(A, b);
  const Eigen::VectorXd reference = A.llt().solve(b);
  const double error = (r.x - reference).norm();

  std::cout << "iterum " << ITERUM_VERSION_STRING << ": " << iterum::to_string(r.status) << " in "
            << r.iterations << " iterations, residual " << r.residual << ", |x - x_llt| = " << error
            << '\n';
  return (r.ok() && error < 1e-8) ? 0 : 1;
}
