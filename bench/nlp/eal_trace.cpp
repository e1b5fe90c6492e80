// EalNewton on the Hock-Schittkowski equality problems: Newton iterations, KKT-solver (inner)
// iterations, callback evaluations, fallbacks (to the dense LU: lu; sketch cap hit, MINRES:
// sfb), |f - f*| and seconds per problem, KKT solver
// (LDLT, MINRES, randomized Kaczmarz and Gaussian sketch-and-project), accuracy rule (practical,
// paper) and mode (linear, superlinear). Prints a table and writes eal_trace.csv
// (bench/trace_output.hpp; --csv FILE overrides).
//
//   g++ -std=c++20 -O2 -I include -I bench -I/usr/include/eigen3 bench/nlp/eal_trace.cpp
//       -o /tmp/eal_trace && /tmp/eal_trace [--tolerance 1e-8]

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "iterum/nlp/hock_schittkowski.hpp"
#include "iterum/nlp/solve_equality_constrained.hpp"
#include "trace_output.hpp"

namespace {

using iterum::nlp::AccuracyRule;
using iterum::nlp::EalOptions;
using iterum::nlp::KktSolverKind;

struct Setting {
  const char* name;
  KktSolverKind kind;
  AccuracyRule rule;
  bool superlinear;
  iterum::sketch::SapVariant sketch = iterum::sketch::SapVariant::Kaczmarz;
};

template <class P>
void run(const char* name, const Setting& setting, double tolerance, std::ofstream& csv) {
  const P p;
  EalOptions options;
  options.tolerance = tolerance;
  options.kkt_solver = setting.kind;
  options.method.accuracy = setting.rule;
  options.method.superlinear = setting.superlinear;
  options.sketch_variant = setting.sketch;
  options.sketch_block_size = 1;
  options.seed = 2023;
  const auto r = iterum::nlp::solve_equality_constrained(p, P::x0(), options);
  const double err = std::abs(r.objective - P::f_star());
  std::printf("%-5s %-22s %-15s %6lld %8lld %6lld %4lld %4lld %10.2e %10.2e %9.2e %9.6f\n", name,
              setting.name, std::string(iterum::to_string(r.status)).c_str(),
              static_cast<long long>(r.iterations),
              static_cast<long long>(r.counters.inner_iterations),
              static_cast<long long>(r.evaluations.total()), static_cast<long long>(r.fallbacks),
              static_cast<long long>(r.sketch_fallbacks), r.residual, err, r.mu, r.seconds);
  csv << name << ',' << setting.name << ',' << iterum::to_string(r.status) << ',' << r.iterations
      << ',' << r.counters.inner_iterations << ',' << r.evaluations.total() << ',' << r.fallbacks
      << ',' << r.residual << ',' << err << ',' << r.mu << ',' << r.seconds << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  double tolerance = 1e-8;
  std::string csv_path = bench::trace_csv_path("eal_trace.csv");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--tolerance") tolerance = std::atof(argv[i + 1]);
    if (flag == "--csv") csv_path = argv[i + 1];
  }
  std::ofstream csv(csv_path);
  csv << "problem,setting,status,newton,inner,evaluations,lu_fallbacks,sketch_fallbacks,kkt_"
         "residual,f_error,mu,"
         "seconds\n";
  const Setting settings[] = {
      {"ldlt", KktSolverKind::Ldlt, AccuracyRule::Practical, false},
      {"minres-practical", KktSolverKind::Minres, AccuracyRule::Practical, false},
      {"minres-practical-super", KktSolverKind::Minres, AccuracyRule::Practical, true},
      {"minres-paper", KktSolverKind::Minres, AccuracyRule::Paper, false},
      {"rk-practical", KktSolverKind::Sketch, AccuracyRule::Practical, false},
      {"rk-paper", KktSolverKind::Sketch, AccuracyRule::Paper, false},
      {"gauss-paper", KktSolverKind::Sketch, AccuracyRule::Paper, false,
       iterum::sketch::SapVariant::Gaussian},
  };
  std::printf("tolerance %g\n%-5s %-22s %-15s %6s %8s %6s %4s %4s %10s %10s %9s %9s\n", tolerance,
              "prob", "setting", "status", "newton", "inner", "evals", "lu", "sfb", "kkt", "|f-f*|",
              "mu", "seconds");
  for (const auto& s : settings) {
    run<iterum::nlp::hs::Hs6>("HS6", s, tolerance, csv);
    run<iterum::nlp::hs::Hs7>("HS7", s, tolerance, csv);
    run<iterum::nlp::hs::Hs27>("HS27", s, tolerance, csv);
    run<iterum::nlp::hs::Hs28>("HS28", s, tolerance, csv);
    run<iterum::nlp::hs::Hs40>("HS40", s, tolerance, csv);
    run<iterum::nlp::hs::Hs42>("HS42", s, tolerance, csv);
    run<iterum::nlp::hs::Hs48>("HS48", s, tolerance, csv);
    run<iterum::nlp::hs::Hs51>("HS51", s, tolerance, csv);
  }
  std::printf("csv: %s\n", csv_path.c_str());
  return 0;
}
