// The Lasso benchmark cases of the sparse-regression issue (research recipe, bcd.md §6/§7),
// generated with iterum's seeded RNG, solved by `iterum::bcd::lasso`:
//
//   iid:     X 2000 x 5000, N(0,1) entries; w* 50 nonzeros +-(1 + U(0,1)); y = X w* + N(0,1)
//   ar1:     the same with AR(1) rows, corr(x_j, x_{j+1}) = 0.9
//   sparse:  X 20000 x 50000 CSC, density 1e-3, N(0,1) entries; w* 100 nonzeros
//
// no intercept, lambda = 0.178 lambda_max (iid), 0.40 (ar1), 0.054 (sparse).
//
// Usage:
//   lasso_trace --write DIR            writes DIR/<case>_X.npy (dense) or _data/_indices/
//                                      _indptr.npy (sparse CSC) and DIR/<case>_y.npy, and
//                                      for the dense cases raw doubles <case>_X.f64, _y.f64
//   lasso_trace [--case NAME] [--tolerance T ...] [--rounds R] [--path]
//                                      solves, prints one JSON line per solve:
//                                      case, tolerance, seconds, iterations (epochs over the
//                                      working set), full passes, relative gap, objective,
//                                      support, status; with --path, the path of 100
//                                      lambdas from lambda_max down to the case's lambda
// bench/peers/sklearn_lasso.py runs scikit-learn on the written arrays and this program in
// alternation (interleaved rounds) and prints the ratios.

#include <Eigen/SparseCore>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <iterum/bcd/lasso.hpp>
#include <iterum/bcd/lasso_path.hpp>
#include <iterum/core/random.hpp>
#include <iterum/io/npy.hpp>

namespace {

using Sparse = Eigen::SparseMatrix<double>;

iterum::bcd::LassoOptions g_options;  // --check-every, --working-set-start
bool g_path = false;                  // --path: 100 lambdas from lambda_max down to lambda

struct DenseCase {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  double lambda = 0;
};

struct SparseCase {
  Sparse x;
  Eigen::VectorXd y;
  double lambda = 0;
};

Eigen::VectorXd sparse_truth(Eigen::Index p, Eigen::Index k, iterum::Engine& e) {
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  for (Eigen::Index t = 0; t < k; ++t) {
    Eigen::Index j = iterum::random::uniform_index(e, p);
    while (w[j] != 0) j = iterum::random::uniform_index(e, p);
    const double sign = iterum::random::uniform01(e) < 0.5 ? -1.0 : 1.0;
    w[j] = sign * (1.0 + iterum::random::uniform01(e));
  }
  return w;
}

DenseCase make_dense(double rho, double fraction, std::uint64_t seed) {
  const Eigen::Index n = 2000, p = 5000;
  auto e = iterum::make_engine(seed);
  DenseCase c;
  c.x.resize(n, p);
  for (Eigen::Index i = 0; i < n; ++i) {
    double prev = iterum::random::normal(e);
    c.x(i, 0) = prev;
    for (Eigen::Index j = 1; j < p; ++j) {
      prev = rho * prev + std::sqrt(1 - rho * rho) * iterum::random::normal(e);
      c.x(i, j) = prev;
    }
  }
  const Eigen::VectorXd w = sparse_truth(p, 50, e);
  c.y = c.x * w;
  for (Eigen::Index i = 0; i < n; ++i) c.y[i] += iterum::random::normal(e);
  c.lambda = fraction * iterum::bcd::lambda_max(c.x, c.y, false);
  return c;
}

SparseCase make_sparse(std::uint64_t seed) {
  const Eigen::Index n = 20000, p = 50000;
  auto e = iterum::make_engine(seed);
  std::vector<Eigen::Triplet<double>> t;
  const Eigen::Index per_column = 20;  // density 1e-3
  for (Eigen::Index j = 0; j < p; ++j) {
    for (Eigen::Index k = 0; k < per_column; ++k) {
      t.emplace_back(iterum::random::uniform_index(e, n), j, iterum::random::normal(e));
    }
  }
  SparseCase c;
  c.x.resize(n, p);
  c.x.setFromTriplets(t.begin(), t.end());  // duplicates are summed
  c.x.makeCompressed();
  const Eigen::VectorXd w = sparse_truth(p, 100, e);
  c.y = c.x * w;
  for (Eigen::Index i = 0; i < n; ++i) c.y[i] += iterum::random::normal(e);
  c.lambda = 0.054 * iterum::bcd::lambda_max(c.x, c.y, false);
  return c;
}

template <class X>
void solve(const char* name, const X& x, const Eigen::VectorXd& y, double lambda,
           double tolerance) {
  iterum::bcd::LassoOptions o = g_options;
  o.tolerance = tolerance;
  o.fit_intercept = false;
  const std::clock_t cpu = std::clock();
  const auto r = iterum::bcd::lasso(x, y, lambda, o);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  std::printf(
      "{\"case\": \"%s\", \"tolerance\": %.3g, \"seconds\": %.6f, \"cpu_seconds\": %.6f, "
      "\"iterations\": %ld, "
      "\"full_passes\": %ld, \"relative_gap\": %.6g, \"objective\": %.12g, \"support\": %ld, "
      "\"lambda\": %.17g, \"status\": \"%s\"}\n",
      name, tolerance, r.seconds, cpu_seconds, static_cast<long>(r.iterations),
      static_cast<long>(r.full_passes), r.residual, r.objective, static_cast<long>(r.support),
      lambda, std::string(iterum::to_string(r.status)).c_str());
  std::fflush(stdout);
}

template <class X>
void path(const char* name, const X& x, const Eigen::VectorXd& y, double lambda, double tolerance) {
  iterum::bcd::PathOptions o;
  o.tolerance = tolerance;
  o.fit_intercept = false;
  o.n_lambdas = 100;
  o.lambda_min_ratio = lambda / iterum::bcd::lambda_max(x, y, false);
  const std::clock_t cpu = std::clock();
  const auto r = iterum::bcd::lasso_path(x, y, o);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
  std::printf(
      "{\"case\": \"%s\", \"path\": 100, \"tolerance\": %.3g, \"seconds\": %.6f, "
      "\"cpu_seconds\": %.6f, \"iterations\": %ld, \"full_passes\": %ld, "
      "\"relative_gap\": %.6g, \"support\": %ld, \"lambda_min_ratio\": %.17g, "
      "\"status\": \"%s\"}\n",
      name, tolerance, r.seconds, cpu_seconds, static_cast<long>(r.iterations),
      static_cast<long>(r.full_passes), r.residual, static_cast<long>(r.supports.back()),
      o.lambda_min_ratio, std::string(iterum::to_string(r.status)).c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string write_dir, only;
  std::vector<double> tolerances;
  int rounds = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--write" && i + 1 < argc) {
      write_dir = argv[++i];
    } else if (a == "--case" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--tolerance" && i + 1 < argc) {
      tolerances.push_back(std::atof(argv[++i]));
    } else if (a == "--check-every" && i + 1 < argc) {
      g_options.check_every = std::atol(argv[++i]);
    } else if (a == "--working-set-start" && i + 1 < argc) {
      g_options.working_set_start = std::atol(argv[++i]);
    } else if (a == "--path") {
      g_path = true;
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: lasso_trace [--write DIR] [--case iid|ar1|sparse] "
                   "[--tolerance T]... [--rounds R]\n");
      return 2;
    }
  }
  if (tolerances.empty()) tolerances = {1e-4, 1e-8};
  const bool all = only.empty();
  if (all || only == "iid" || only == "ar1") {
    for (const char* name : {"iid", "ar1"}) {
      if (!all && only != name) continue;
      const bool iid = std::string(name) == "iid";
      const DenseCase c = make_dense(iid ? 0.0 : 0.9, iid ? 0.178 : 0.40, iid ? 1 : 2);
      if (!write_dir.empty()) {
        const std::filesystem::path d(write_dir);
        iterum::io::write_npy(d / (std::string(name) + "_X.npy"), c.x);
        iterum::io::write_npy(d / (std::string(name) + "_y.npy"), c.y);
        // Raw little-endian doubles, column-major, for R (bench/peers/glmnet_lasso.R).
        std::ofstream(d / (std::string(name) + "_X.f64"), std::ios::binary)
            .write(reinterpret_cast<const char*>(c.x.data()),
                   static_cast<std::streamsize>(sizeof(double) *
                                                static_cast<std::size_t>(c.x.size())));
        std::ofstream(d / (std::string(name) + "_y.f64"), std::ios::binary)
            .write(reinterpret_cast<const char*>(c.y.data()),
                   static_cast<std::streamsize>(sizeof(double) *
                                                static_cast<std::size_t>(c.y.size())));
        continue;
      }
      for (int k = 0; k < rounds; ++k)
        for (double t : tolerances) {
          if (g_path) {
            path(name, c.x, c.y, c.lambda, t);
          } else {
            solve(name, c.x, c.y, c.lambda, t);
          }
        }
    }
  }
  if (all || only == "sparse") {
    const SparseCase c = make_sparse(3);
    if (!write_dir.empty()) {
      const std::filesystem::path d(write_dir);
      const Eigen::Index nnz = c.x.nonZeros();
      iterum::io::write_npy(d / "sparse_data.npy",
                            Eigen::Map<const Eigen::VectorXd>(c.x.valuePtr(), nnz));
      Eigen::VectorXd indices(nnz), indptr(c.x.cols() + 1);
      for (Eigen::Index k = 0; k < nnz; ++k) indices[k] = c.x.innerIndexPtr()[k];
      for (Eigen::Index k = 0; k <= c.x.cols(); ++k) indptr[k] = c.x.outerIndexPtr()[k];
      iterum::io::write_npy(d / "sparse_indices.npy", indices);
      iterum::io::write_npy(d / "sparse_indptr.npy", indptr);
      iterum::io::write_npy(d / "sparse_y.npy", c.y);
      Eigen::VectorXd shape(2);
      shape << static_cast<double>(c.x.rows()), static_cast<double>(c.x.cols());
      iterum::io::write_npy(d / "sparse_shape.npy", shape);
    } else {
      for (int k = 0; k < rounds; ++k)
        for (double t : tolerances) {
          if (g_path) {
            path("sparse", c.x, c.y, c.lambda, t);
          } else {
            solve("sparse", c.x, c.y, c.lambda, t);
          }
        }
    }
  }
  return 0;
}
