// The robustness battery on the building blocks: proximal operators (prox::Simplex, prox::Box,
// prox::SoftThreshold), tuners (tuning::TsallisInf, tuning::ChebCB, tuning::uniform_grid), and
// a few path and stream cases of the io readers (fuzzed separately: tests/fuzz/).
//
// These have no Status: the adapters report Converged for an answer (checked against an
// independent computation) and NumericalIssue for the documented "non-finite in, NaN out" of
// the proximal operators.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "iterum/io/csv.hpp"
#include "iterum/io/gzip.hpp"
#include "iterum/io/idx.hpp"
#include "iterum/io/libsvm.hpp"
#include "iterum/io/matrix_market.hpp"
#include "iterum/io/npy.hpp"
#include "iterum/prox/box.hpp"
#include "iterum/prox/simplex.hpp"
#include "iterum/prox/soft_threshold.hpp"
#include "iterum/tuning/cheb_cb.hpp"
#include "iterum/tuning/tsallis_inf.hpp"
#include "iterum/tuning/tuner.hpp"
#include "robustness/battery.hpp"
#include "support/catch_compat.hpp"

namespace {

using iterum::Index;
using iterum::robust::Args;
using iterum::robust::Control;
using iterum::robust::Facade;
using iterum::robust::Outcome;

/// The outcome of a proximal operator: NumericalIssue (the documented NaN) when an input is not
/// finite, else Converged with the distance to the independent `truth`, relative to `scale`.
Outcome prox_outcome(const Args& args, const Eigen::VectorXd& out, const Eigen::VectorXd& truth,
                     double scale) {
  Outcome o;
  bool inputs_finite = true;
  for (const auto& a : args) inputs_finite = inputs_finite && a.value.allFinite();
  if (!inputs_finite) {
    o.status = iterum::Status::NumericalIssue;
    return o;
  }
  o.status = iterum::Status::Converged;
  o.tolerance = 1e-12;
  o.finite = iterum::robust::all_finite(out);
  o.certificate = out.size() == truth.size()
                      ? iterum::robust::safe_norm((out - truth).eval()) / std::max(scale, 1e-300)
                      : iterum::robust::inf;
  return o;
}

/// Projection onto {x >= 0, sum x = r} by sorting (Held, Wolfe & Crowder 1974), in long double
/// with the shift by max v: an independent implementation.
Eigen::VectorXd simplex_projection(const Eigen::VectorXd& v, double r) {
  std::vector<long double> u(v.data(), v.data() + v.size());
  const long double top = *std::max_element(u.begin(), u.end());
  for (auto& x : u) x -= top;
  std::sort(u.begin(), u.end(), std::greater<>());
  long double prefix = 0, theta = 0;
  for (std::size_t j = 0; j < u.size(); ++j) {
    prefix += u[j];
    const long double t = (prefix - r) / static_cast<long double>(j + 1);
    if (u[j] > t) theta = t;
  }
  Eigen::VectorXd x(v.size());
  for (Index i = 0; i < v.size(); ++i)
    x[i] = static_cast<double>(std::max<long double>(v[i] - top - theta, 0));
  return x;
}

Facade simplex_facade() {
  Facade f;
  f.function = "iterum::prox::Simplex";
  Eigen::VectorXd v0(4);
  v0 << 0.3, -1.2, 2.5, 0.9;
  f.args = {{"v", v0, false, false}, {"radius", Eigen::MatrixXd::Constant(1, 1, 1.5), false}};
  f.fields = {{"dim", true}};
  f.callback = false;
  f.run = [](const Args& args, Control& c) {
    const Eigen::VectorXd v = args[0].value;
    const double r = args[1].value(0, 0);
    const Index dim =
        c.field == "dim" ? static_cast<Index>(iterum::robust::as_count(c.value)) : v.size();
    if (dim > 1000) return Outcome{};  // a valid dimension of exabytes: not allocated
    const iterum::prox::Simplex<double> simplex(dim, r);
    if (dim != v.size()) return Outcome{};  // a valid simplex of another dimension: not applied
    Eigen::VectorXd out(v.size());
    simplex(v, out);
    const double scale = std::max(r, v.cwiseAbs().maxCoeff());
    Outcome o = prox_outcome(args, out, simplex_projection(v, r), scale);
    // On the simplex: nonnegative, summing to the radius.
    // (An absolute floor of a few denormals: a simplex of radius 1e-323 is quantized.)
    if (o.status == iterum::Status::Converged &&
        (out.minCoeff() < 0 || !(std::abs(out.sum() - r) <= 1e-12 * scale + 1e-320)))
      o.certificate = iterum::robust::inf;
    return o;
  };
  return f;
}

Facade box_facade() {
  Facade f;
  f.function = "iterum::prox::Box";
  Eigen::VectorXd v0(3), lo(3), hi(3);
  v0 << -2, 0.5, 3;
  lo << -1, -1, 0;
  hi << 1, 1, 2;
  f.args = {{"v", v0, false, false}, {"lower", lo, true}, {"upper", hi, true}};
  f.callback = false;
  f.run = [](const Args& args, Control&) {
    const Eigen::VectorXd v = args[0].value;
    const iterum::prox::Box<double> box{args[1].value, args[2].value};
    Eigen::VectorXd out(v.size());
    box(v, out);
    Eigen::VectorXd truth(v.size());
    for (Index i = 0; i < v.size(); ++i)
      truth[i] = std::min(std::max(v[i], box.lower[i]), box.upper[i]);
    return prox_outcome(args, out, truth, std::max(1e-300, v.cwiseAbs().maxCoeff()));
  };
  return f;
}

Facade soft_threshold_facade() {
  Facade f;
  f.function = "iterum::prox::SoftThreshold";
  Eigen::VectorXd v0(4);
  v0 << -2, 0.1, 0.7, -0.3;
  f.args = {{"v", v0, false, false}, {"threshold", Eigen::MatrixXd::Constant(1, 1, 0.5), false}};
  f.callback = false;
  f.run = [](const Args& args, Control&) {
    const Eigen::VectorXd v = args[0].value;
    const double t = args[1].value(0, 0);
    const iterum::prox::SoftThreshold<double> soft{t};
    Eigen::VectorXd out(v.size());
    soft(v, out);
    Eigen::VectorXd truth(v.size());
    for (Index i = 0; i < v.size(); ++i)
      truth[i] = std::copysign(std::max(std::abs(v[i]) - t, 0.0), v[i]);
    return prox_outcome(args, out, truth, std::max(1e-300, v.cwiseAbs().maxCoeff()));
  };
  return f;
}

/// A tuner's outcome after a round of proposals and feedbacks: Converged when every proposal
/// was a grid value and the probabilities are finite and sum to 1 (the certificate is how far
/// they are from that).
Outcome tuner_outcome(const std::vector<double>& grid, const std::vector<double>& proposals,
                      const std::vector<double>& p) {
  Outcome o;
  o.status = iterum::Status::Converged;
  o.tolerance = 1e-9;
  double sum = 0;
  bool finite = true;
  for (double x : p) {
    finite = finite && std::isfinite(x) && x >= 0;
    sum += x;
  }
  bool on_grid = true;
  for (double x : proposals)
    on_grid = on_grid && std::find(grid.begin(), grid.end(), x) != grid.end();
  o.finite = finite;
  o.certificate = on_grid && finite ? std::abs(sum - 1) : iterum::robust::inf;
  return o;
}

std::vector<double> as_std(const Eigen::MatrixXd& m) {
  return std::vector<double>(m.data(), m.data() + m.size());
}

Facade tsallis_facade() {
  Facade f;
  f.function = "iterum::tuning::TsallisInf";
  f.also = {"iterum::tuning::TsallisInf::feedback"};
  Eigen::VectorXd grid0(4), costs0(6);
  grid0 << 1.0, 1.2, 1.5, 1.9;
  costs0 << 10, 3, 7, 2, 9, 4;
  f.args = {{"grid", grid0, false}, {"cost", costs0, false}};
  f.fields = {{"options.learning_rate"}};
  f.callback = false;
  f.run = [](const Args& args, Control& c) {
    iterum::tuning::TsallisInfOptions o;
    if (c.field == "options.learning_rate") o.learning_rate = c.value;
    const auto grid = as_std(args[0].value);
    iterum::tuning::TsallisInf tuner(grid, o);
    std::vector<double> proposals;
    for (double cost : as_std(args[1].value)) {
      proposals.push_back(tuner.propose());
      tuner.feedback(cost);
    }
    proposals.push_back(tuner.propose());
    return tuner_outcome(grid, proposals, tuner.probabilities());
  };
  return f;
}

Facade cheb_cb_facade() {
  Facade f;
  f.function = "iterum::tuning::ChebCB";
  f.also = {"iterum::tuning::ChebCB::feedback", "iterum::tuning::ChebCB::propose"};
  Eigen::VectorXd grid0(3), costs0(5), contexts0(5);
  grid0 << 1.0, 1.4, 1.8;
  costs0 << 5, 2, 8, 1, 3;
  contexts0 << 0.1, 0.5, 0.9, 0.3, 0.7;
  f.args = {{"grid", grid0, false}, {"cost", costs0, false}, {"context", contexts0, false}};
  f.fields = {{"options.context_min", false, {"options.context_max", "context"}},
              {"options.context_max", false, {"options.context_min", "context"}},
              {"options.features", true}};
  f.callback = false;
  f.run = [](const Args& args, Control& c) {
    iterum::tuning::ChebCBOptions o;
    if (c.field == "options.context_min") o.context_min = c.value;
    if (c.field == "options.context_max") o.context_max = c.value;
    if (c.field == "options.features")
      o.features = static_cast<Index>(iterum::robust::as_count(c.value));
    const auto grid = as_std(args[0].value);
    const auto costs = as_std(args[1].value);
    const auto contexts = as_std(args[2].value);
    iterum::tuning::ChebCB tuner(grid, o);
    std::vector<double> proposals;
    for (std::size_t t = 0; t < costs.size(); ++t) {
      proposals.push_back(tuner.propose(contexts[t]));
      tuner.feedback(costs[t]);
    }
    return tuner_outcome(grid, proposals, tuner.probabilities());
  };
  return f;
}

Facade uniform_grid_facade() {
  Facade f;
  f.function = "iterum::tuning::uniform_grid";
  f.args = {{"lo", Eigen::MatrixXd::Constant(1, 1, -1.0), false},
            {"hi", Eigen::MatrixXd::Constant(1, 1, 3.0), false}};
  f.fields = {{"count", true}};
  f.callback = false;
  f.run = [](const Args& args, Control& c) {
    const double lo = args[0].value(0, 0), hi = args[1].value(0, 0);
    const Index count =
        c.field == "count" ? static_cast<Index>(iterum::robust::as_count(c.value)) : 5;
    // A hostile count that is valid would allocate exabytes: only small ones are run.
    if (count > 1000) return Outcome{};
    const auto grid = iterum::tuning::uniform_grid(lo, hi, count);
    Outcome o;
    o.status = iterum::Status::Converged;
    o.tolerance = 1e-12;
    o.finite = std::all_of(grid.begin(), grid.end(), [](double x) { return std::isfinite(x); });
    // Endpoints exact, equal gaps (relative to the range, in long double).
    const long double range = static_cast<long double>(hi) - lo;
    double worst = std::abs(grid.front() - lo) + std::abs(grid.back() - (count > 1 ? hi : lo));
    for (std::size_t i = 0; i < grid.size(); ++i) {
      const long double exact = lo + range * static_cast<long double>(i) /
                                         static_cast<long double>(std::max<Index>(count - 1, 1));
      worst = std::max(worst, static_cast<double>(std::abs(grid[i] - exact) /
                                                  std::max<long double>(std::abs(range), 1e-300L)));
    }
    o.certificate = worst;
    return o;
  };
  return f;
}

// ---------------------------------------------------------------------------------------------
// io: paths and streams that are not files of the format. Each must throw an exception derived
// from std::exception whose message names the reader; none may crash or allocate wildly.

struct IoCase {
  std::string label;
  std::string reader;
  std::function<void()> read;
};

std::vector<IoCase> io_cases(const std::filesystem::path& dir) {
  const auto missing = dir / "does_not_exist";
  const auto empty = dir / "empty";
  const auto garbage = dir / "garbage";
  std::ofstream(empty, std::ios::binary).flush();
  std::ofstream(garbage, std::ios::binary) << "\x1f\x8b\x08\x00garbage\xff\xfe\n1 2 3\n";
  std::vector<IoCase> out;
  for (const auto& [what, path] :
       std::vector<std::pair<std::string, std::filesystem::path>>{{"a missing file", missing},
                                                                  {"a directory", dir},
                                                                  {"an empty file", empty},
                                                                  {"a truncated gzip", garbage}}) {
    out.push_back({"read_idx of " + what, "iterum::io::read_idx",
                   [p = path] { (void)iterum::io::read_idx(p); }});
    out.push_back({"read_npy of " + what, "iterum::io::read_npy",
                   [p = path] { (void)iterum::io::read_npy(p); }});
    out.push_back({"read_matrix_market of " + what, "iterum::io::read_matrix_market",
                   [p = path] { (void)iterum::io::read_matrix_market(p); }});
  }
  out.push_back({"read_npy of an empty stream", "iterum::io::read_npy", [] {
                   std::istringstream s;
                   (void)iterum::io::read_npy(s, "stream");
                 }});
  out.push_back({"read_matrix_market of a failed stream", "iterum::io::read_matrix_market", [] {
                   std::istringstream s("%%MatrixMarket matrix coordinate real general\n");
                   s.setstate(std::ios::failbit);
                   (void)iterum::io::read_matrix_market(s, "stream");
                 }});
  out.push_back({"gunzip of an empty buffer", "iterum::io::gunzip",
                 [] { (void)iterum::io::gunzip(std::span<const unsigned char>()); }});
  return out;
}

}  // namespace

TEST_CASE("robustness battery: prox::Simplex", "[robustness][prox]") {
  iterum::robust::check_battery(simplex_facade());
}
TEST_CASE("robustness battery: prox::Box", "[robustness][prox]") {
  iterum::robust::check_battery(box_facade());
}
TEST_CASE("robustness battery: prox::SoftThreshold", "[robustness][prox]") {
  iterum::robust::check_battery(soft_threshold_facade());
}
TEST_CASE("robustness battery: tuning::TsallisInf", "[robustness][tuning]") {
  iterum::robust::check_battery(tsallis_facade());
}
TEST_CASE("robustness battery: tuning::ChebCB", "[robustness][tuning]") {
  iterum::robust::check_battery(cheb_cb_facade());
}
TEST_CASE("robustness battery: tuning::uniform_grid", "[robustness][tuning]") {
  iterum::robust::check_battery(uniform_grid_facade());
}

TEST_CASE("robustness battery: io readers on paths and streams that are not their format",
          "[robustness][io]") {
  const auto dir = std::filesystem::temp_directory_path() / "iterum_robustness_io";
  std::filesystem::create_directories(dir);
  const auto cases = io_cases(dir);
  for (const auto& c : cases) {
    INFO(c.label);
    std::string what = "<no exception>";
    try {
      c.read();
    } catch (const std::exception& e) {
      what = e.what();
    }
    INFO(what);
    CHECK(what.rfind(c.reader, 0) == 0);
  }
  std::cout << "robustness battery: iterum::io readers: " << cases.size() << " cases\n";
  std::filesystem::remove_all(dir);
}
