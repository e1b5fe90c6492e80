// Lasso path on real data: scikit-learn's diabetes set (442 patients x 10 measurements; target:
// disease progression after one year), read at run time from Debian's python3-sklearn.
//
//   lasso_path [diabetes_data_raw.csv.gz diabetes_target.csv.gz]
//
// The columns are standardized as scikit-learn's load_diabetes() does (centered, scaled to unit
// Euclidean norm), then bcd::lasso_path solves 30 lambdas from lambda_max down to 1e-3 of it,
// each warm-started and certified by its duality gap, and bcd::lasso solves scikit-learn's
// documented example lambda = 0.1. Prints the path: lambda, nonzeros, objective, relative gap.

#include <Eigen/Dense>
#include <cstdio>
#include <filesystem>
#include <string>

#include <iterum/bcd/lasso.hpp>
#include <iterum/bcd/lasso_path.hpp>
#include <iterum/io/csv.hpp>

int main(int argc, char** argv) {
  const std::string dir = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";
  const std::filesystem::path data = argc > 2 ? argv[1] : dir + "diabetes_data_raw.csv.gz";
  const std::filesystem::path target = argc > 2 ? argv[2] : dir + "diabetes_target.csv.gz";
  if (!std::filesystem::exists(data) || !std::filesystem::exists(target)) {
    std::printf("skipped: %s not found (Debian package python3-sklearn)\n", data.c_str());
    return 0;
  }
  Eigen::MatrixXd x = iterum::io::read_csv(data, {.delimiter = ' '});
  const Eigen::VectorXd y = iterum::io::read_csv(target).col(0);
  // load_diabetes(scaled=True): each column centered and divided by its standard deviation
  // times sqrt(n), i.e. scaled to unit norm.
  x.rowwise() -= x.colwise().mean();
  for (Eigen::Index j = 0; j < x.cols(); ++j) x.col(j) /= x.col(j).norm();
  std::printf("diabetes: %ld samples, %ld features\n", static_cast<long>(x.rows()),
              static_cast<long>(x.cols()));

  iterum::bcd::PathOptions options;
  options.n_lambdas = 30;
  options.lambda_min_ratio = 1e-3;
  options.tolerance = 1e-10;
  const auto path = iterum::bcd::lasso_path(x, y, options);
  std::printf("%12s %9s %14s %12s %7s\n", "lambda", "nonzeros", "objective", "rel. gap", "epochs");
  for (std::size_t k = 0; k < path.lambdas.size(); ++k) {
    std::printf("%12.5g %9ld %14.8g %12.3g %7ld\n", path.lambdas[k],
                static_cast<long>(path.supports[k]), path.objectives[k], path.gaps[k],
                static_cast<long>(path.epochs[k]));
  }
  std::printf("path: %s, %ld epochs, %ld full passes over X, %.3f s\n",
              std::string(iterum::to_string(path.status)).c_str(),
              static_cast<long>(path.iterations), static_cast<long>(path.full_passes),
              path.seconds);

  // scikit-learn's Lasso(alpha=0.1) on this data keeps 7 of the 10 features.
  const auto fit = iterum::bcd::lasso(x, y, 0.1, {.tolerance = 1e-10});
  std::printf("lambda = 0.1: %s, %ld nonzeros, intercept %.6f, duality gap %.3g\n",
              std::string(iterum::to_string(fit.status)).c_str(), static_cast<long>(fit.support),
              fit.intercept, fit.gap);
  return path.ok() && fit.ok() && fit.support == 7 ? 0 : 1;
}
