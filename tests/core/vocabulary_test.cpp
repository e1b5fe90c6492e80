// The shared vocabulary every facade speaks: control fields validated once, the stop rule built
// from them, the monitor callback seeing the iterate, warm-start hand-over in `then`, the
// certificate at a cadence of work, and cost selectors for tuning.

#include <Eigen/Core>
#include <Eigen/SparseCholesky>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "iterum/core/certified.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/options.hpp"
#include "iterum/core/solve.hpp"
#include "iterum/core/stop.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/linalg/cg.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "iterum/linalg/sor.hpp"
#include "iterum/tuning/sequence.hpp"
#include "iterum/tuning/tuner.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::Status;

namespace {

/// Every control field, with the defaults a facade would give them.
struct AllControls {
  double tolerance = 1e-6;
  std::optional<Index> max_iterations{};
  std::optional<std::int64_t> max_oracle_calls{};
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  std::uint64_t seed = 0;
  iterum::Monitor monitor{};
  double certificate_every = 5.0;
};

/// Only a tolerance: fields an options type lacks are neither checked nor stopped on.
struct ToleranceOnly {
  double tolerance = 0.5;
};

std::string control_message(const AllControls& o) {
  return iterum::test::invalid_argument_message([&] { iterum::validate_control("f", o); });
}

iterum::IterationInfo info_at(Index iteration, double residual, double seconds = 0.0,
                              std::int64_t oracle_calls = 0) {
  iterum::IterationInfo info;
  info.iteration = iteration;
  info.residual = residual;
  info.seconds = seconds;
  info.counters.oracle_calls = oracle_calls;
  return info;
}

}  // namespace

TEST_CASE("validate_control names the function, the field and the value", "[core][options]") {
  REQUIRE_NOTHROW(iterum::validate_control("f", AllControls{}));
  REQUIRE_NOTHROW(iterum::validate_control("f", ToleranceOnly{}));
  REQUIRE(control_message({.tolerance = -1}) ==
          "f: argument 'options.tolerance' must be nonnegative (got -1)");
  REQUIRE(control_message({.tolerance = std::numeric_limits<double>::infinity()}) ==
          "f: argument 'options.tolerance' must be finite (got inf)");
  REQUIRE(control_message({.max_iterations = -3}) ==
          "f: argument 'options.max_iterations' must be nonnegative (got -3)");
  REQUIRE(control_message({.max_oracle_calls = 0}) ==
          "f: argument 'options.max_oracle_calls' must be positive (got 0)");
  REQUIRE(control_message({.time_limit_seconds = 0}) ==
          "f: argument 'options.time_limit_seconds' must be positive (got 0)");
  REQUIRE(control_message({.monitor = {.progress_every_iterations = -1}}) ==
          "f: argument 'options.monitor.progress_every_iterations' must be nonnegative (got -1)");
  REQUIRE(control_message({.certificate_every = std::nan("")}) ==
          "f: argument 'options.certificate_every' must be positive (got nan)");
  REQUIRE(iterum::iteration_budget(AllControls{}, 77) == 77);
  REQUIRE(iterum::iteration_budget(AllControls{.max_iterations = 5}, 77) == 5);
}

TEST_CASE("stop::from_options stops on each control field, and only on those",
          "[core][options][stop]") {
  auto defaults = iterum::stop::from_options(AllControls{}, 10);
  REQUIRE_FALSE(defaults(info_at(9, 1.0)).has_value());
  REQUIRE(defaults(info_at(10, 1.0)) == Status::MaxIterations);  // the default budget
  REQUIRE(defaults(info_at(3, 1e-6)) == Status::Converged);
  REQUIRE_FALSE(defaults(info_at(3, 1.0, 1e9, 1'000'000'000)).has_value());  // no oracle/time limit

  auto set = iterum::stop::from_options(AllControls{.tolerance = 0.0,
                                                    .max_iterations = 3,
                                                    .max_oracle_calls = 100,
                                                    .time_limit_seconds = 2.0},
                                        10);
  REQUIRE_FALSE(set(info_at(2, 1e-300, 1.0, 99)).has_value());
  REQUIRE(set(info_at(3, 1.0)) == Status::MaxIterations);
  REQUIRE(set(info_at(1, 1.0, 0.0, 100)) == Status::BudgetExhausted);
  REQUIRE(set(info_at(1, 1.0, 2.5)) == Status::TimeLimit);
  REQUIRE(set(info_at(1, 0.0)) == Status::Converged);  // tolerance 0 accepts an exact zero

  auto partial = iterum::stop::from_options(ToleranceOnly{}, 4);
  REQUIRE(partial(info_at(1, 0.5)) == Status::Converged);
  REQUIRE(partial(info_at(4, 1.0)) == Status::MaxIterations);
  REQUIRE_FALSE(partial(info_at(1, 1.0, 1e12, 1'000'000'000'000)).has_value());
}

TEST_CASE("the monitor callback sees the current iterate, read-only and without a copy",
          "[core][monitor]") {
  const Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(8, 8);
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(a.rows(), 1.0, 2.0);
  std::vector<double> norms;
  std::vector<Index> iterations;
  const auto r = iterum::linalg::conjugate_gradient(
      a, b,
      {.tolerance = 1e-10,
       .monitor = {.callback = [&](const iterum::IterationInfo& info, iterum::IterateView x) {
         iterations.push_back(info.iteration);
         norms.push_back(x.norm());
       }}});
  REQUIRE(r.ok());
  REQUIRE(static_cast<Index>(norms.size()) == r.iterations + 1);
  REQUIRE(iterations.back() == r.iterations);
  REQUIRE(norms.front() == 0.0);        // iteration 0 is x0 = 0
  REQUIRE(norms.back() == r.x.norm());  // the last call saw the returned x
  REQUIRE(norms[1] > 0.0);

  // A callback of the iterate may stop the solve, as a one-argument callback may.
  const auto stopped = iterum::linalg::conjugate_gradient(
      a, b, {.monitor = {.callback = [](const iterum::IterationInfo&, iterum::IterateView x) {
               return x.norm() > 0.0;
             }}});
  REQUIRE(stopped.status == Status::StoppedByObserver);
  REQUIRE(stopped.iterations == 1);
  const auto stopped_by_info = iterum::linalg::conjugate_gradient(
      a, b, {.monitor = {.callback = [](const iterum::IterationInfo& info) {
               return info.iteration == 2;
             }}});
  REQUIRE(stopped_by_info.status == Status::StoppedByObserver);
  REQUIRE(stopped_by_info.iterations == 2);
}

TEST_CASE("the monitor callback of a float solve sees the iterate converted to double",
          "[core][monitor]") {
  const Eigen::SparseMatrix<float> a = iterum::linalg::laplacian_2d<float>(6, 6);
  const Eigen::VectorXf b = Eigen::VectorXf::Ones(a.rows());
  double last = -1.0;
  const auto r = iterum::linalg::conjugate_gradient(
      a, b,
      {.tolerance = 1e-5,
       .monitor = {.callback = [&](const iterum::IterationInfo&, iterum::IterateView x) {
         last = x.norm();
       }}});
  REQUIRE(r.ok());
  REQUIRE(std::abs(last - r.x.cast<double>().norm()) <= 1e-12 * last);
}

TEST_CASE("then chains two library methods by a warm start from the first one's iterate",
          "[core][then]") {
  // SOR for five sweeps, then Jacobi-CG from SOR's x: no adapter, no hand-written init.
  const iterum::linalg::CsrMatrix<double> a =
      iterum::linalg::laplacian_2d<double, Eigen::RowMajor>(12, 12);
  const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(a.rows(), -1.0, 1.0);
  const iterum::linalg::CsrOperator<double> op(a);
  const iterum::linalg::LinearSystem<iterum::linalg::CsrOperator<double>> system{op, b};
  auto both = iterum::then(iterum::linalg::SorMethod<double>({.omega = 1.5}),
                           iterum::stop::max_iterations(5), iterum::linalg::CgMethod<double>());
  const auto r = iterum::solve(system, both, iterum::stop::standard(1e-10, 500, 60.0));
  REQUIRE(r.ok());
  REQUIRE(r.state.first_iterations == 5);
  REQUIRE(r.state.second_iterations >= 1);
  REQUIRE(r.iterations == r.state.first_iterations + r.state.second_iterations);
  const Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> exact{Eigen::SparseMatrix<double>(a)};
  const Eigen::VectorXd x_star = exact.solve(b);
  REQUIRE((both.iterate(r.state) - x_star).norm() <= 1e-8 * x_star.norm());

  // The composite accepts a warm start too (handed to the first method): from the solution,
  // nothing is left to do.
  auto warm = iterum::then(iterum::linalg::SorMethod<double>(), iterum::stop::max_iterations(5),
                           iterum::linalg::CgMethod<double>());
  const auto again = iterum::solve_from(system, warm, warm.init(system, x_star),
                                        iterum::stop::standard(1e-10, 500, 60.0));
  REQUIRE(again.ok());
  REQUIRE(again.iterations == 0);
}

namespace {

/// A problem with n "components": the certificate costs n oracle calls.
struct CountingProblem {
  Index n = 10;
};

/// Halves x each step at the cost of one oracle call.
struct HalvingInner {
  struct State {
    Eigen::VectorXd x;
    iterum::Counters counters{};
  };
  State init(const CountingProblem&) const { return {Eigen::VectorXd::Ones(2), {}}; }
  State init(const CountingProblem&, const Eigen::VectorXd& x0) const { return {x0, {}}; }
  void step(const CountingProblem&, State& s) const {
    s.x *= 0.5;
    ++s.counters.oracle_calls;
  }
};

/// ||x||, at the price of n calls, and the point it certifies.
struct NormCertificate {
  Eigen::VectorXd last{};
  std::int64_t spent = 0;
  double evaluate(const CountingProblem& p, const Eigen::VectorXd& x) {
    spent += p.n;
    last = x;
    return x.norm();
  }
  [[nodiscard]] const Eigen::VectorXd& point() const { return last; }
  [[nodiscard]] std::int64_t calls() const { return spent; }
};

}  // namespace

TEST_CASE("Certified evaluates the costly certificate at its cadence and certifies the end",
          "[core][certified]") {
  const CountingProblem problem{10};
  // Every 2 work units of 10 calls: at oracle calls 0, 20, 40, ...
  const iterum::Certified<HalvingInner, NormCertificate> method(HalvingInner{}, NormCertificate{},
                                                                {.every = 2.0, .work_unit = 10.0});
  STATIC_REQUIRE(iterum::Method<iterum::Certified<HalvingInner, NormCertificate>, CountingProblem>);
  const iterum::Stopwatch clock;
  auto result =
      iterum::solve_from(problem, method, method.start(problem, method.init(problem).inner, clock),
                         iterum::stop::standard(1e-300, 45, 60.0));
  REQUIRE(result.status == Status::MaxIterations);
  REQUIRE(result.iterations == 45);
  REQUIRE(result.state.trace.size() == 3);  // iterations 0, 20 and 40
  // The driver saw the certificate of iteration 40, not of 45 ...
  REQUIRE(result.residual == std::ldexp(std::sqrt(2.0), -40));
  method.finish(problem, result, 1e-300);
  // ... and finish certified the returned point.
  REQUIRE(result.residual == std::ldexp(std::sqrt(2.0), -45));
  REQUIRE(result.trace.size() == 4);
  REQUIRE(result.trace[1].iteration == 20);
  REQUIRE(result.trace[1].counters.oracle_calls == 20);
  REQUIRE(result.trace[1].work == 2.0);
  REQUIRE(result.trace[3].iteration == 45);
  REQUIRE(result.state.certificate.calls() == 40);  // four evaluations, counted apart
  REQUIRE(result.counters.oracle_calls == 45);      // the method's own calls only
  REQUIRE(method.iterate(result.state) == Eigen::VectorXd::Constant(2, std::ldexp(1.0, -45)));

  // When the last certificate meets the tolerance, finish reports Converged.
  auto close = iterum::solve_from(problem, method, method.init(problem, Eigen::VectorXd::Ones(2)),
                                  iterum::stop::standard(1e-300, 45, 60.0));
  method.finish(problem, close, std::ldexp(1.0, -44));
  REQUIRE(close.ok());

  REQUIRE(iterum::test::invalid_argument_message([] {
            iterum::Certified<HalvingInner, NormCertificate> bad(HalvingInner{}, NormCertificate{},
                                                                 {.every = 0.0});
          }) == "iterum::Certified: argument 'certificate_every' must be positive (got 0)");
}

TEST_CASE("Certified saturates a huge certificate cadence (D10)", "[core][certified]") {
  const CountingProblem problem{10};
  // 1e300 work units: the next certificate is never due (no float-to-integer overflow).
  const iterum::Certified<HalvingInner, NormCertificate> method(
      HalvingInner{}, NormCertificate{}, {.every = 1e300, .work_unit = 10.0});
  const iterum::Stopwatch clock;
  auto result =
      iterum::solve_from(problem, method, method.start(problem, method.init(problem).inner, clock),
                         iterum::stop::standard(1e-300, 45, 60.0));
  REQUIRE(result.status == Status::MaxIterations);
  REQUIRE(result.iterations == 45);
  REQUIRE(result.state.trace.size() == 1);  // only the certificate of iteration 0
  REQUIRE(result.state.next_check == (std::int64_t{1} << 61));
}

namespace {

/// A tuner that always proposes the same value and records the costs it was fed.
struct Recorder {
  std::vector<double> seen;
  double propose() { return 1.0; }
  void feedback(double cost) { seen.push_back(cost); }
};

}  // namespace

TEST_CASE("run_sequence feeds the tuner the cost its selector reads", "[core][tuning]") {
  STATIC_REQUIRE(iterum::Tuner<Recorder>);
  STATIC_REQUIRE(iterum::Tuner<iterum::tuning::Fixed>);
  auto solve = [](Index t, double) {
    iterum::Summary s;
    s.iterations = 10 + t;
    s.counters.oracle_calls = 100 * (t + 1);
    s.counters.matvecs = 7;
    s.seconds = 0.25;
    return s;
  };
  Recorder by_iterations;
  REQUIRE(iterum::tuning::run_sequence(by_iterations, 3, solve).total() == 33.0);
  REQUIRE(by_iterations.seen == std::vector<double>{10, 11, 12});
  Recorder by_calls;
  REQUIRE(iterum::tuning::run_sequence(by_calls, 3, solve, iterum::tuning::cost::oracle_calls)
              .total() == 600.0);
  Recorder by_matvecs;
  (void)iterum::tuning::run_sequence(by_matvecs, 2, solve, iterum::tuning::cost::matvecs);
  REQUIRE(by_matvecs.seen == std::vector<double>{7, 7});
  Recorder by_seconds;
  (void)iterum::tuning::run_sequence(by_seconds, 2, solve, iterum::tuning::cost::seconds);
  REQUIRE(by_seconds.seen == std::vector<double>{0.25, 0.25});
  Recorder by_own;
  (void)iterum::tuning::run_sequence(by_own, 2, solve, [](const iterum::Summary& s) {
    return static_cast<double>(s.iterations) + s.seconds;
  });
  REQUIRE(by_own.seen == std::vector<double>{10.25, 11.25});
}

TEST_CASE("Stopwatch is monotonic and restartable", "[core][stopwatch]") {
  iterum::Stopwatch clock;
  const double first = clock.seconds();
  const double second = clock.seconds();
  REQUIRE(first >= 0.0);
  REQUIRE(second >= first);
  clock.restart();
  REQUIRE(clock.seconds() <= second + 1.0);
}
