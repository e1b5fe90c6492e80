// Issue 12, target 1: on 2-D point clouds (uniform in the unit square, and a mixture of three
// Gaussian blobs; squared Euclidean cost scaled to max 1; uniform marginals), every
// `Converged` result of Sinkhorn and SNS must have a recomputed marginal error within the
// tolerance and a cost no lower than the exact OT cost (Hungarian algorithm, exact for
// uniform marginals of equal size). Prints one line per (cloud, epsilon, method) and a
// verdict. Plain program (not built by CMake):
//
//   g++ -std=c++20 -O2 -DNDEBUG -Iinclude -Itests -isystem /usr/include/eigen3
//       bench/ot/sns_certified_sweep.cpp -o /tmp/sns_certified_sweep   (one line)
//   /tmp/sns_certified_sweep [n=1000] [tolerance=1e-6] [max_iterations=10000]

#include <Eigen/Core>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "support/point_clouds.hpp"

int main(int argc, char** argv) {
  const iterum::Index n = argc > 1 ? std::atol(argv[1]) : 1000;
  const double tolerance = argc > 2 ? std::atof(argv[2]) : 1e-6;
  const iterum::Index budget = argc > 3 ? std::atol(argv[3]) : 10000;
  int wrong = 0;
  std::printf("n = %ld, tolerance %g (L1), max_iterations %ld\n", static_cast<long>(n), tolerance,
              static_cast<long>(budget));
  for (const bool mixture : {false, true}) {
    const Eigen::MatrixXd c = iterum::test::squared_distance_cost(
        iterum::test::point_cloud(n, 1, mixture), iterum::test::point_cloud(n, 2, mixture));
    const Eigen::VectorXd u = Eigen::VectorXd::Constant(n, 1.0 / static_cast<double>(n));
    const double exact = iterum::test::assignment_cost(c) / static_cast<double>(n);
    for (const double epsilon : {1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5}) {
      const auto sns = iterum::ot::sinkhorn_newton_sparse(
          u, u, c, epsilon, {.tolerance = tolerance, .max_iterations = budget});
      const auto sinkhorn = iterum::ot::sinkhorn(
          u, u, c, epsilon, {.tolerance = tolerance, .max_iterations = budget});
      for (const auto* r : {&sinkhorn, &sns}) {
        const bool converged = r->status == iterum::Status::Converged;
        const bool bad = converged && !(r->marginal_error <= tolerance &&
                                        r->transport_cost >= exact - tolerance);
        wrong += bad ? 1 : 0;
        std::printf(
            "%-7s eps %-6g %-8s %-14s it %6ld (N %4ld) marginal error %9.2e cost %.8f "
            "exact %.8f gap %+9.2e %7.2f s%s\n",
            mixture ? "mixture" : "uniform", epsilon, r == &sns ? "SNS" : "Sinkhorn",
            std::string(iterum::to_string(r->status)).c_str(), static_cast<long>(r->iterations),
            static_cast<long>(r->newton_iterations), r->marginal_error, r->transport_cost, exact,
            (r->transport_cost - exact) / exact, r->seconds, bad ? "  WRONG" : "");
        std::fflush(stdout);
      }
    }
  }
  std::printf("%d wrong Converged results\n", wrong);
  return wrong == 0 ? 0 : 1;
}
