// Tour cases of the linalg family: iterum's CG against Eigen's ConjugateGradient on the 2-D
// Poisson problem (both Jacobi-preconditioned, relative residual 1e-10, set-up included).

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/SparseCore>
#include <memory>
#include <string>

#include <iterum/linalg/cg.hpp>
#include <iterum/linalg/laplacian.hpp>

#include "tour.hpp"

namespace {

constexpr double tolerance = 1e-10;

std::vector<tour::Method> poisson_methods(long n) {
  auto a = std::make_shared<Eigen::SparseMatrix<double>>(iterum::linalg::laplacian_2d(n, n));
  // A smooth right-hand side that is not an eigenvector, so CG does real work.
  auto b = std::make_shared<Eigen::VectorXd>(a->rows());
  for (long j = 0; j < n; ++j)
    for (long i = 0; i < n; ++i)
      (*b)[i + n * j] = 1.0 + 0.5 * static_cast<double>(i) / static_cast<double>(n);
  std::vector<tour::Method> methods;
  methods.push_back(
      {"Eigen::ConjugateGradient (Jacobi)", [a, b] {
         Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> cg;
         cg.setTolerance(tolerance);
         cg.setMaxIterations(2 * a->rows());
         cg.compute(*a);
         const Eigen::VectorXd x = cg.solve(*b);
         return tour::Outcome{static_cast<long>(cg.iterations()), cg.error(),
                              cg.info() == Eigen::Success && x.allFinite()};
       }});
  methods.push_back(
      {"iterum conjugate_gradient (Jacobi)", [a, b] {
         const auto r = iterum::linalg::conjugate_gradient(
             *a, *b,
             {.tolerance = tolerance, .preconditioner = iterum::linalg::CgPreconditioner::Jacobi});
         return tour::Outcome{static_cast<long>(r.iterations), r.residual, r.ok()};
       }});
  methods.push_back({"iterum conjugate_gradient (none)", [a, b] {
                       const auto r = iterum::linalg::conjugate_gradient(
                           *a, *b,
                           {.tolerance = tolerance,
                            .preconditioner = iterum::linalg::CgPreconditioner::Identity});
                       return tour::Outcome{static_cast<long>(r.iterations), r.residual, r.ok()};
                     }});
  return methods;
}

const tour::Register poisson_128{
    {"linalg", "poisson-2d 128x128", [] { return poisson_methods(128); }}};
const tour::Register poisson_256{
    {"linalg", "poisson-2d 256x256", [] { return poisson_methods(256); }}};

}  // namespace
