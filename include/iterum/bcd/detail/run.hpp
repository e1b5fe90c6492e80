#pragma once

/// @file run.hpp
/// @brief Internals of the block coordinate descent facades: input scaling, policy dispatch
/// and the one body that runs `BlockCoordinateDescent` under `Certified`.

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <string_view>
#include <utility>

#include "iterum/bcd/bcd_options.hpp"
#include "iterum/bcd/block_coordinate_descent.hpp"
#include "iterum/bcd/detail/columns.hpp"
#include "iterum/bcd/partition.hpp"
#include "iterum/bcd/selection.hpp"
#include "iterum/bcd/update.hpp"
#include "iterum/core/certified.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/monitor.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/stopwatch.hpp"
#include "iterum/core/types.hpp"

namespace iterum::bcd::detail {

/// The exponent e of the largest |entry| m = f 2^e (f in [1/2, 1)); 0 for m = 0. The facades
/// multiply the data by 2^-e, which is exact away from subnormals.
[[nodiscard]] inline int binary_exponent(double largest) {
  if (!(largest > 0)) return 0;
  int e = 0;
  (void)std::frexp(largest, &e);
  return e;
}

/// m 2^e, exactly: in two factors when 2^e alone would overflow (e up to 1074 for a largest
/// entry that is subnormal) — each product is then exact, as a power-of-two scaling is.
template <class M>
void scale_by_power_of_two(M& m, int e) {
  if (e == 0) return;
  if (e >= -1022 && e <= 1023) {  // 2^e is a normal double: one exact product
    m *= std::ldexp(1.0, e);
    return;
  }
  const int half = e / 2;
  m *= std::ldexp(1.0, half);
  m *= std::ldexp(1.0, e - half);
}

/// The largest |entry| of a dense or sparse matrix or vector.
template <class M>
[[nodiscard]] double largest_entry(const M& a) {
  if constexpr (is_sparse_v<M>) {
    double m = 0.0;
    for (Index k = 0; k < a.outerSize(); ++k)
      for (typename M::InnerIterator it(a, k); it; ++it) m = std::max(m, std::abs(it.value()));
    return m;
  } else {
    return a.size() > 0 ? static_cast<double>(a.cwiseAbs().maxCoeff()) : 0.0;
  }
}

/// The matrix type the facades work on: a column-major sparse matrix or a dense one.
template <class A>
using work_matrix_t =
    std::conditional_t<is_sparse_v<A>, Eigen::SparseMatrix<double>, Matrix<double>>;

/// The facades' data: A and b evaluated once into the matrix type the facades work on, checked,
/// and scaled by the powers of two 2^-ea and 2^-eb that bring their largest entries into
/// [1/2, 1) (exact away from subnormals).
template <class M>
struct ScaledData {
  M a;
  Vector<double> b;
  int ea = 0;  ///< A = 2^ea a
  int eb = 0;  ///< b (input) = 2^eb b
};

/// Evaluates, checks (not empty, b's size, finite entries) and scales A and b.
template <class A>
[[nodiscard]] ScaledData<work_matrix_t<A>> scaled_data(std::string_view function, const A& a,
                                                       const Vector<double>& b) {
  check::not_empty(function, "A", a.rows() * a.cols());
  check::size(function, "b", b.size(), a.rows(), "must have as many entries as A has rows");
  ScaledData<work_matrix_t<A>> d{work_matrix_t<A>(a), b, 0, 0};
  check::all_finite(function, "A", d.a);
  check::all_finite(function, "b", d.b);
  d.ea = binary_exponent(largest_entry(d.a));
  d.eb = binary_exponent(largest_entry(d.b));
  scale_by_power_of_two(d.a, -d.ea);
  scale_by_power_of_two(d.b, -d.eb);
  return d;
}

/// The block size of the options for n coordinates, checked against n.
[[nodiscard]] inline Index block_size(std::string_view function, const BcdOptions& o, Index n) {
  const Index tau = o.block_size ? *o.block_size : std::min<Index>(5, n);
  if (tau > n) {
    check::fail(function, "options.block_size",
                "must be at most the number of coordinates (" +
                    check::text(static_cast<long long>(n)) + ")",
                check::text(static_cast<long long>(tau)));
  }
  return tau;
}

/// Calls f(Order{}) or f(Sort{}).
template <class F>
auto with_partition(BcdPartition p, F&& f) {
  return p == BcdPartition::Order ? f(Order{}) : f(Sort{});
}

/// Calls f with the selection policy (`Automatic` resolves to `automatic`).
template <class Automatic, class F>
auto with_selection(BcdSelection s, F&& f) {
  switch (s) {
    case BcdSelection::Cyclic:
      return f(Cyclic{});
    case BcdSelection::Random:
      return f(Random{});
    case BcdSelection::Lipschitz:
      return f(LipschitzSampling{});
    case BcdSelection::GaussSouthwell:
      return f(GaussSouthwell{});
    case BcdSelection::GaussSouthwellLipschitz:
      return f(GaussSouthwellLipschitz{});
    case BcdSelection::GaussSouthwellQ:
      return f(GaussSouthwellQ{});
    case BcdSelection::Automatic:
    default:
      return f(Automatic{});
  }
}

/// Runs block coordinate descent with the given policies on a (scaled) problem under
/// `Certified` and packs the result (x still in the scaled units; `seconds` not yet stamped:
/// the caller rescales x and calls `pack_summary` last).
template <class Partition, class Selection, class Update, class Separable, class P>
Result<typename Certified<BlockCoordinateDescent<Partition, Selection, Update, Separable>,
                          OptimalityCertificate<P, Separable>>::State>
run_policies(const P& problem, const Separable& separable, const BcdOptions& options, Index tau,
             const Stopwatch& clock, std::string_view label) {
  using Method = BlockCoordinateDescent<Partition, Selection, Update, Separable>;
  using Cert = OptimalityCertificate<P, Separable>;
  const Method method({.block_size = tau, .seed = options.seed}, separable);
  const Index n = problem.dim();
  Certified<Method, Cert> certified(
      method, Cert(problem, separable),
      {.every = options.certificate_every, .work_unit = static_cast<double>(n)});
  auto inner = method.init(problem);
  const Index blocks = inner.blocks();
  auto state = certified.start(problem, std::move(inner), clock);
  auto result = solve_with_options(problem, certified, std::move(state), options,
                                   std::max<Index>(10000, 100 * blocks), label, clock);
  certified.finish(problem, result, options.tolerance);
  return result;
}

/// Fills the facade's result from a finished run: x = 2^x_shift (certified point), objective
/// = 2^objective_shift F(point), support, work; stamps the summary last. When x cannot carry
/// the certified point (a solution beyond the double range, or so small that its entries lose
/// digits as subnormals), the status is judged again by the certificate of what x does carry:
/// `NumericalIssue` unless it still meets `tolerance` (x overflowing: always).
template <class R, class P, class Separable>
BcdResult pack(R& result, const P& problem, const Separable& separable, int x_shift,
               int objective_shift, double tolerance, const Stopwatch& clock) {
  BcdResult out;
  const auto& s = result.state;
  const Vector<double>& point = s.certificate.point();
  out.objective = std::ldexp(static_cast<double>(problem.value(point, s.certificate.tracked())) +
                                 static_cast<double>(separable.value(point)),
                             objective_shift);
  out.support = 0;
  for (Index i = 0; i < point.size(); ++i) out.support += separable.in_support(i, point[i]) ? 1 : 0;
  out.x = point.unaryExpr([x_shift](double v) { return std::ldexp(v, x_shift); });
  const Vector<double> carried =
      out.x.unaryExpr([x_shift](double v) { return std::ldexp(v, -x_shift); });
  if (carried != point) {
    if (!out.x.allFinite()) {
      result.status = Status::NumericalIssue;
    } else {
      auto certificate = s.certificate;  // its own bookkeeping, rebuilt at the carried point
      result.residual = static_cast<double>(certificate.evaluate(problem, carried));
      if (!(result.residual <= tolerance) && result.status == Status::Converged) {
        result.status = Status::NumericalIssue;
      }
    }
  }
  out.work = s.inner.work;
  out.certificates = s.certificate.calls();
  pack_summary(out, result, clock);
  return out;
}

}  // namespace iterum::bcd::detail
