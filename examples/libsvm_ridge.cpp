// Load a LIBSVM file and fit ridge regression to its +-1 labels with iterum's conjugate
// gradient, matrix-free: (X^T X + lambda I) w = X^T y, where the operator applies X and X^T
// to a vector and never forms X^T X.
//
// The data: heart_scale (270 patients, 13 features scaled to [-1, 1], labels +1/-1), as
// Debian's liblinear-tools ships it. Pass another LIBSVM file as the first argument; without
// one and without the package the program says so and exits 0.
//
// Build: part of the iterum build (target example_libsvm_ridge), or
//   g++ -std=c++20 -O2 $(pkg-config --cflags iterum) libsvm_ridge.cpp

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <iterum/core/status.hpp>
#include <iterum/io/libsvm.hpp>
#include <iterum/linalg/cg.hpp>
#include <iterum/linalg/operators.hpp>

int main(int argc, char** argv) {
  const std::filesystem::path path =
      argc > 1 ? argv[1] : "/usr/share/doc/liblinear-tools/examples/heart_scale";
  if (argc <= 1 && !std::filesystem::exists(path)) {
    std::cout << path.string() << " is absent (Debian: apt-get install liblinear-tools); "
              << "pass a LIBSVM file as the first argument. Nothing to do.\n";
    return 0;
  }

  // x is CSR (rows = examples); parse errors name the file, line and column.
  iterum::io::LabeledData data;
  try {
    data = iterum::io::read_libsvm(path);
  } catch (const iterum::invalid_argument& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  const Eigen::SparseMatrix<double, Eigen::RowMajor>& x = data.x;
  const Eigen::VectorXd& y = data.y;
  std::printf("%s: %ld examples, %ld features, %ld stored entries\n", path.string().c_str(),
              static_cast<long>(x.rows()), static_cast<long>(x.cols()),
              static_cast<long>(x.nonZeros()));

  // Ridge: minimise ||X w - y||^2 + lambda ||w||^2, whose normal equations are SPD.
  const double lambda = 1.0;
  const iterum::Index d = x.cols();
  Eigen::VectorXd xw(x.rows());  // scratch for X w, reused by every product
  const auto normal = iterum::linalg::matrix_free<double>(
      d, d, [&](const Eigen::Ref<const Eigen::VectorXd>& w, Eigen::Ref<Eigen::VectorXd> out) {
        xw.noalias() = x * w;
        out.noalias() = x.transpose() * xw;
        out += lambda * w;
      });
  const Eigen::VectorXd rhs = x.transpose() * y;

  iterum::linalg::CgOptions options;
  options.tolerance = 1e-10;
  const auto result = iterum::linalg::conjugate_gradient(normal, rhs, options);
  std::printf("CG: %s after %ld iterations, relative residual %.3e\n",
              std::string(iterum::to_string(result.status)).c_str(),
              static_cast<long>(result.iterations), result.residual);
  if (!result.ok()) return 1;

  // Classify by the sign of X w.
  const Eigen::VectorXd scores = x * result.x;
  long correct = 0;
  for (iterum::Index i = 0; i < scores.size(); ++i) {
    if ((scores[i] >= 0 ? 1.0 : -1.0) == y[i]) ++correct;
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(scores.size());
  std::printf("training accuracy of sign(X w): %ld / %ld = %.3f\n", correct,
              static_cast<long>(scores.size()), accuracy);

  // The solution satisfies the normal equations to the tolerance, checked directly.
  Eigen::VectorXd check(d);
  normal.apply(result.x, check);
  const double relative = (check - rhs).norm() / rhs.norm();
  std::printf("||(X^T X + lambda I) w - X^T y|| / ||X^T y|| = %.3e\n", relative);
  return relative < 1e-8 ? 0 : 1;
}
