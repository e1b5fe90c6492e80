#pragma once

// The deterministic baseline of the finite-sum *_trace programs (least_squares_trace,
// importance_trace): Halpern on T = I - (2/L_F) F, and the rows of a facade's certified trace.

#include <Eigen/Core>
#include <string>
#include <vector>

#include <iterum/core/info.hpp>
#include <iterum/fixed_point/halpern.hpp>
#include <iterum/fixed_point/operators.hpp>

#include "fixed_point/trace_rows.hpp"

namespace bench {

/// Halpern on T = I - gamma F, gamma = 2 / L_F (`full_lipschitz`, nonexpansive, the largest step
/// its theory allows; ||x - T x|| = gamma ||F(x)||), from x0 to ||F(x)|| <= target, with adaptive
/// restarts (decay 1/2) or none, within `max_iterations`. Its trace (n component calls per
/// iteration, residual ||F(x)||) is thinned into `rows` under `problem` and `name`.
template <class Sum>
auto run_halpern_baseline(const Sum& f, double full_lipschitz, const Eigen::VectorXd& x0,
                          double target, bool restart, long max_iterations,
                          const std::string& problem, const std::string& name,
                          std::vector<TraceRow>& rows) {
  namespace fp = iterum::fixed_point;
  const auto n = static_cast<long long>(f.size());
  Eigen::VectorXd scratch(x0.size());
  const double gamma = 2.0 / full_lipschitz;
  const auto t =
      fp::make_map<double>(x0.size(), [&](const Eigen::VectorXd& x, Eigen::VectorXd& tx) {
        f.evaluate(x, scratch);
        tx = x - gamma * scratch;
      });
  std::vector<TraceRow> trace;
  fp::HalpernOptions options;
  options.tolerance = gamma * target;
  options.max_iterations = max_iterations;
  options.restart = restart ? fp::HalpernRestart::Adaptive : fp::HalpernRestart::None;
  options.restart_decay = 0.5;
  options.monitor.callback = [&](const iterum::IterationInfo& info) {
    trace.push_back(
        {problem, name, static_cast<long>(info.iteration), info.counters.oracle_calls * n,
         static_cast<double>(info.counters.oracle_calls), info.residual / gamma, info.seconds});
    return false;
  };
  auto r = fp::halpern(t, x0, options);
  thin_into(rows, trace);
  return r;
}

/// The certified trace of a facade result (iteration, oracle calls, epochs, certificate,
/// seconds) thinned into `rows` under `problem` and `method`.
template <class Result>
void thin_trace_into(std::vector<TraceRow>& rows, const Result& r, const std::string& problem,
                     const std::string& method) {
  std::vector<TraceRow> trace;
  for (const auto& p : r.trace) {
    trace.push_back({problem, method, static_cast<long>(p.iteration),
                     static_cast<long long>(p.counters.oracle_calls), p.work, p.residual,
                     p.seconds});
  }
  thin_into(rows, trace);
}

}  // namespace bench
