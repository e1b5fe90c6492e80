// Tour cases of the tuning family, reduced from bench/tuning/sequence_benchmark.cpp so the tour
// stays fast: live runs (each method solves every instance once with the values its tuner
// proposes) of the paper's shifted-Laplacian SOR sequence (high variance, 300 instances) and of
// its heat-equation SSOR-CG sequence (nx = 25, 1000 steps). "iterations" is the total over the
// sequence (sweeps or CG iterations), the figure users compare; the certificate column is the
// mean cost per instance.

#include <Eigen/SparseCore>
#include <memory>
#include <string>
#include <vector>

#include <iterum/tuning/cheb_cb.hpp>
#include <iterum/tuning/sequence.hpp>
#include <iterum/tuning/tsallis_inf.hpp>
#include <iterum/tuning/tuner.hpp>

#include "tour.hpp"
#include "tuning/sequences.hpp"

namespace {

namespace tuning = iterum::tuning;

tour::Outcome outcome(const tuning::SequenceReport& r) {
  return {static_cast<long>(r.total()), r.mean(), true};
}

std::vector<tour::Method> shifted_methods() {
  auto s =
      std::make_shared<sequences::ShiftedLaplacian>(sequences::shifted_laplacian(300, true, 1));
  auto solve = [s](iterum::Index t, double omega) {
    const sequences::Csr a = s->matrix(t);
    return iterum::linalg::sor(a, s->rhs[static_cast<std::size_t>(t)],
                               {.tolerance = 1e-8, .omega = omega});
  };
  auto context = [s](iterum::Index t) { return s->shifts[static_cast<std::size_t>(t)]; };
  const long n = static_cast<long>(s->shifts.size());
  std::vector<tour::Method> methods;
  methods.push_back({"Gauss-Seidel (omega = 1)", [=] {
                       tuning::Fixed fixed(1.0);
                       return outcome(tuning::run_sequence(fixed, n, solve));
                     }});
  methods.push_back({"fixed omega = 1.8 (paper's best)", [=] {
                       tuning::Fixed fixed(1.8);
                       return outcome(tuning::run_sequence(fixed, n, solve));
                     }});
  methods.push_back({"Tsallis-INF, 8 log-gap arms", [=] {
                       tuning::TsallisInf t(tuning::log_gap_grid(1.0, 1.97, 8), {.seed = 1});
                       return outcome(tuning::run_sequence(t, n, solve));
                     }});
  methods.push_back({"ChebCB, 12 log-gap arms", [=] {
                       tuning::ChebCB t(tuning::log_gap_grid(1.0, 1.97, 12),
                                        {.seed = 1,
                                         .context_min = sequences::ShiftedLaplacian::context_min,
                                         .context_max = sequences::ShiftedLaplacian::context_max,
                                         .features = 8});
                       return outcome(tuning::run_sequence(t, n, context, solve));
                     }});
  return methods;
}

std::vector<tour::Method> heat_methods() {
  auto s = std::make_shared<sequences::Heat>(sequences::heat(1000, 25));
  auto solve = [s](iterum::Index t, double omega) {
    const sequences::Csr a = s->matrix(t);
    return iterum::linalg::ssor_conjugate_gradient(a, s->rhs[static_cast<std::size_t>(t)],
                                                   s->start[static_cast<std::size_t>(t)],
                                                   {.tolerance = 1e-8, .omega = omega});
  };
  auto context = [s](iterum::Index t) { return s->kappa[static_cast<std::size_t>(t)]; };
  const long n = static_cast<long>(s->kappa.size());
  std::vector<tour::Method> methods;
  methods.push_back({"SSOR-CG omega = 1", [=] {
                       tuning::Fixed fixed(1.0);
                       return outcome(tuning::run_sequence(fixed, n, solve));
                     }});
  methods.push_back({"SSOR-CG Tsallis-INF, 8 arms", [=] {
                       tuning::TsallisInf t(tuning::log_gap_grid(1.0, 1.97, 8), {.seed = 1});
                       return outcome(tuning::run_sequence(t, n, solve));
                     }});
  methods.push_back({"SSOR-CG ChebCB, 12 arms", [=] {
                       tuning::ChebCB t(tuning::log_gap_grid(1.0, 1.97, 12),
                                        {.seed = 1,
                                         .context_min = sequences::Heat::context_min,
                                         .context_max = sequences::Heat::context_max,
                                         .features = 8});
                       return outcome(tuning::run_sequence(t, n, context, solve));
                     }});
  return methods;
}

const tour::Register shifted{
    {"tuning", "SOR shifted-Laplacian x300", [] { return shifted_methods(); }, 2}};
const tour::Register heat{{"tuning", "SSOR-CG heat 25 x1000", [] { return heat_methods(); }, 2}};

}  // namespace
