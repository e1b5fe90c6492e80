// Tall dense least squares: iterum::sketch::lstsq (three methods) against Eigen's HouseholderQR
// and the normal equations, on A = G diag(logspace(0, -log10 kappa, n)) V^T (G Gaussian, V
// orthonormal), b = A x* + 1e-6 noise, all single-threaded. Prints one row per (n, kappa,
// solver) with the median seconds of `--repeats` runs, iterations, passes over A, the relative
// error against HouseholderQR, the relative residual excess over it and the certificate, and
// writes them as CSV (bench/trace_output.hpp).
//
//   lstsq_trace [--m 100000] [--n 50,200,800] [--kappa 1e2,1e6,1e10] [--repeats 3]
//               [--npy DIR] [--csv FILE]
//
// --npy DIR also writes A_<n>_<kappa>.npy and b_<n>_<kappa>.npy for
// bench/peers/lapack_lstsq.py (NumPy / SciPy LAPACK on the same data).

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/io/npy.hpp"
#include "iterum/sketch/lstsq.hpp"
#include "trace_output.hpp"

namespace {

std::vector<double> parse_list(const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stod(item));
  return out;
}

double median_seconds(int repeats, const std::function<void()>& run) {
  std::vector<double> times;
  for (int k = 0; k < repeats; ++k) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  iterum::Index m = 100000;
  std::vector<double> ns{50, 200, 800};
  std::vector<double> kappas{1e2, 1e6, 1e10};
  int repeats = 3;
  std::string npy_dir;
  std::string csv = bench::trace_csv_path("lstsq.csv");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--m") m = std::stol(value);
    if (key == "--n") ns = parse_list(value);
    if (key == "--kappa") kappas = parse_list(value);
    if (key == "--repeats") repeats = std::stoi(value);
    if (key == "--npy") npy_dir = value;
    if (key == "--csv") csv = value;
  }
  std::ofstream out(csv);
  out << "m,n,kappa,solver,seconds,iterations,passes,error_vs_qr,residual_excess,certificate\n";
  std::printf("%7s %5s %7s  %-22s %9s %6s %6s %10s %10s %10s %8s\n", "m", "n", "kappa", "solver",
              "seconds", "iters", "passes", "err_vs_qr", "res_excess", "certif", "QR/this");
  for (const double nd : ns) {
    const auto n = static_cast<iterum::Index>(nd);
    for (const double kappa : kappas) {
      auto engine = iterum::make_engine(20240 + static_cast<std::uint64_t>(n));
      Eigen::MatrixXd g(m, n);
      for (iterum::Index j = 0; j < n; ++j)
        for (iterum::Index i = 0; i < m; ++i) g(i, j) = iterum::random::normal(engine);
      Eigen::MatrixXd h(n, n);
      for (iterum::Index j = 0; j < n; ++j)
        for (iterum::Index i = 0; i < n; ++i) h(i, j) = iterum::random::normal(engine);
      const Eigen::MatrixXd v = Eigen::HouseholderQR<Eigen::MatrixXd>(h).householderQ();
      Eigen::VectorXd sigma(n);
      for (iterum::Index i = 0; i < n; ++i)
        sigma[i] = std::pow(kappa, -static_cast<double>(i) / static_cast<double>(n - 1));
      const Eigen::MatrixXd a = g * sigma.asDiagonal() * v.transpose();
      g.resize(0, 0);
      const Eigen::VectorXd truth = iterum::random::normal_vector(engine, n);
      Eigen::VectorXd b = a * truth;
      for (iterum::Index i = 0; i < m; ++i) b[i] += 1e-6 * iterum::random::normal(engine);
      if (!npy_dir.empty()) {
        char tag[64];
        std::snprintf(tag, sizeof tag, "%ld_%.0e", static_cast<long>(n), kappa);
        iterum::io::write_npy(npy_dir + "/A_" + tag + ".npy", a);
        iterum::io::write_npy(npy_dir + "/b_" + tag + ".npy", b);
      }
      Eigen::VectorXd x_qr;
      const double t_qr = median_seconds(repeats, [&] { x_qr = a.householderQr().solve(b); });
      const double r_qr = (b - a * x_qr).norm();
      auto report = [&](const std::string& solver, double seconds, long iterations, long passes,
                        const Eigen::VectorXd& x) {
        const Eigen::VectorXd r = b - a * x;
        const double err = (x - x_qr).norm() / x_qr.norm();
        const double excess = (r.norm() - r_qr) / r_qr;
        const double cert = (a.transpose() * r).norm() / (a.norm() * r.norm());
        std::printf("%7ld %5ld %7.0e  %-22s %9.4f %6ld %6ld %10.2e %10.2e %10.2e %8.2f\n",
                    static_cast<long>(m), static_cast<long>(n), kappa, solver.c_str(), seconds,
                    iterations, passes, err, excess, cert, t_qr / seconds);
        out << m << ',' << n << ',' << kappa << ',' << solver << ',' << seconds << ',' << iterations
            << ',' << passes << ',' << err << ',' << excess << ',' << cert << '\n';
      };
      report("eigen_householder_qr", t_qr, 0, 0, x_qr);
      Eigen::VectorXd x_ne;
      const double t_ne = median_seconds(repeats, [&] {
        const Eigen::MatrixXd gram = a.transpose() * a;
        x_ne = gram.ldlt().solve(a.transpose() * b);
      });
      report("normal_equations", t_ne, 0, 2, x_ne);
      for (const auto& [name, method] :
           {std::pair{"sketch_and_precondition",
                      iterum::sketch::LstsqMethod::SketchAndPrecondition},
            std::pair{"iterative_sketching", iterum::sketch::LstsqMethod::IterativeSketching},
            std::pair{"sketch_and_solve", iterum::sketch::LstsqMethod::SketchAndSolve}}) {
        iterum::sketch::LstsqResult result;
        const double t = median_seconds(
            repeats, [&] { result = iterum::sketch::lstsq(a, b, {.seed = 1, .method = method}); });
        report(std::string(name) + (result.ok() ? "" : "(!)"), t,
               static_cast<long>(result.iterations), static_cast<long>(result.passes), result.x);
      }
      std::fflush(stdout);
    }
  }
  std::cout << "CSV: " << csv << "\n";
  return 0;
}
