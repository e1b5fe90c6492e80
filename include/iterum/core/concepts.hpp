#pragma once

/// @file concepts.hpp
/// @brief The named contracts of iterum. Each concept lists its valid expressions; the full
/// description, semantics and models are in docs/concepts.md.

#include <Eigen/SparseCore>
#include <concepts>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "iterum/core/info.hpp"
#include "iterum/core/result.hpp"
#include "iterum/core/status.hpp"
#include "iterum/core/types.hpp"

namespace iterum {

/// The scalar type an operator, map or solver works in.
template <class T>
using scalar_t = typename std::remove_cvref_t<T>::Scalar;

/// A square or rectangular linear map y = A x, known only through its action (Spectra's
/// operator concept, trimmed). Valid expressions, for `const Op& a`, `const Vector<S>& x` and a
/// `Vector<S>& y` already sized `a.rows()`:
///   `typename Op::Scalar`; `a.rows()`; `a.cols()`; `a.apply(x, y)` (sets y = A x).
template <class Op>
concept LinearOperator = requires(const Op& a, const Vector<typename Op::Scalar>& x,
                                  Vector<typename Op::Scalar>& y) {
  { a.rows() } -> std::convertible_to<Index>;
  { a.cols() } -> std::convertible_to<Index>;
  a.apply(x, y);
};

/// A `LinearOperator` that can also hand out its diagonal (what Jacobi preconditioning and
/// relaxation sweeps need): `a.diagonal()` convertible to `Vector<S>`.
template <class Op>
concept DiagonalAccess = LinearOperator<Op> && requires(const Op& a) {
  { a.diagonal() } -> std::convertible_to<Vector<typename Op::Scalar>>;
};

/// A `LinearOperator` that also applies its adjoint (what least-squares solvers such as LSQR
/// need for a rectangular A): for `const Op& a`, `const Vector<S>& y` (sized `a.rows()`) and a
/// `Vector<S>& x` already sized `a.cols()`, `a.apply_adjoint(y, x)` sets x = A^T y.
template <class Op>
concept AdjointOperator = LinearOperator<Op> &&
    requires(const Op& a, const Vector<typename Op::Scalar>& y, Vector<typename Op::Scalar>& x) {
  a.apply_adjoint(y, x);
};

/// An approximate inverse M^{-1} of an operator, set up once and applied every iteration:
///   `p.compute(a)` (set up for operator `a`); `p.apply(r, z)` (sets z = M^{-1} r, z sized).
template <class P, class Op>
concept Preconditioner = LinearOperator<Op> &&
    requires(P& p, const P& cp, const Op& a, const Vector<typename Op::Scalar>& r,
             Vector<typename Op::Scalar>& z) {
  p.compute(a);
  cp.apply(r, z);
};

/// A map T on R^n whose fixed points are sought. Semantic requirement (not checkable):
/// T is nonexpansive, ||Tx - Ty|| <= ||x - y||. Valid expressions, for `const T& t`:
///   `typename T::Scalar`; `t.dim()`; `t.apply(x, tx)` (sets tx = T x, tx sized `t.dim()`).
template <class T>
concept FixedPointMap = requires(const T& t, const Vector<typename T::Scalar>& x,
                                 Vector<typename T::Scalar>& tx) {
  { t.dim() } -> std::convertible_to<Index>;
  t.apply(x, tx);
};

/// A finite sum F = (1/n) sum_i F_i of operators on R^d, known through its components (the
/// problem class of the variance-reduced methods). Valid expressions, for `const F& f`, an index
/// `0 <= i < f.size()`, `const Vector<S>& x` and a `Vector<S>& out` sized `f.dim()`:
///   `typename F::Scalar`; `f.size()` (n); `f.dim()` (d); `f.component(i, x, out)` (out = F_i(x)).
/// Optional members the methods use when present (see docs/concepts.md#finitesum):
///   `f.evaluate(x, out)` (out = F(x), cheaper than n components);
///   `f.add_component(i, x, scale, acc)` (acc += scale * F_i(x), without a temporary);
///   `f.resolvent(eta, v, out)` (out = (I + eta G)^{-1} v for the constraint or regularizer part G
///   of the inclusion 0 in F(x) + G(x), e.g. a projection; without it G = 0).
template <class F>
concept FiniteSum = requires(const F& f, Index i, const Vector<typename F::Scalar>& x,
                             Vector<typename F::Scalar>& out) {
  { f.size() } -> std::convertible_to<Index>;
  { f.dim() } -> std::convertible_to<Index>;
  f.component(i, x, out);
};

/// The optional importance-sampling part of `FiniteSum`: `f.component_lipschitz(i)` (convertible
/// to double, finite, >= 0) is a constant L_i of component i, ||F_i(u) - F_i(v)||^2 <= L_i
/// <F_i(u) - F_i(v), u - v> for cocoercive components (L_i = ||a_i||^2 for a least-squares row)
/// or ||F_i(u) - F_i(v)|| <= L_i ||u - v|| for Lipschitz ones. The variance-reduced methods
/// of `fixed_point/` then draw i with probability p_i = L_i / sum_j L_j and reweight by
/// 1 / (n p_i) (`VrSampling::Importance`): their variance constant becomes the mean of the L_i
/// instead of their maximum (docs/concepts.md#finitesum).
template <class F>
concept FiniteSumWithComponentLipschitz = FiniteSum<F> && requires(const F& f, Index i) {
  { f.component_lipschitz(i) } -> std::convertible_to<double>;
};

/// A solver for A x = b with Eigen's lifecycle, usable as the inner-solver policy of a method.
/// Valid expressions, for `LS& ls`, the operand `const A& a` (a matrix or operator type the
/// solver accepts), `const Vector<S>& b` and `Vector<S>& x` (sized, holding the initial guess):
///   `typename LS::Scalar`;
///   `ls.compute(a)` -> `Status` (`Converged` when ready; e.g. `NumericalIssue` when a
///                      factorization fails); `a` must outlive the solves that follow;
///   `ls.solve(b, x)` -> `Summary` (x holds the answer, `residual` = ||b - A x|| / ||b||);
///   `ls.set_tolerance(tol)` (relative residual wanted; a direct solver may ignore it).
template <class LS, class A>
concept LinearSolver = requires(LS& ls, const A& a, const Vector<typename LS::Scalar>& b,
                                Vector<typename LS::Scalar>& x, double tolerance) {
  { ls.compute(a) } -> std::convertible_to<Status>;
  { ls.solve(b, x) } -> std::convertible_to<Summary>;
  ls.set_tolerance(tolerance);
};

/// The optional work-budget extension of `LinearSolver`: `ls.set_max_iterations(k)` bounds the
/// iterations of the following solves (`std::optional<Index>`; unset restores the solver's
/// default). Inexact-Newton methods (SNS's Newton system) use it when the solver offers it; a
/// direct solver need not.
template <class LS, class A>
concept LinearSolverWithBudget = LinearSolver<LS, A> && requires(LS& ls, std::optional<Index> k) {
  ls.set_max_iterations(k);
};

/// A proximal operator (or a projection) with its step folded in: for `const P& p`, `const
/// Vector<S>& v` and a sized `Vector<S>& out`, `p(v, out)` sets out = prox_{t g}(v) =
/// argmin_u g(u) + ||u - v||^2 / (2 t). Models: `prox::SoftThreshold`, `prox::Box`,
/// `prox::LeastSquares`, `prox::Simplex`.
template <class P, class Scalar>
concept ProxOperator = requires(const P& p, const Vector<Scalar>& v, Vector<Scalar>& out) {
  p(v, out);
};

/// A smooth objective f on R^n that coordinate methods minimize block by block, with the
/// bookkeeping that makes a coordinate move cheap: one maintained vector t (a residual
/// r = A x - b, margins A x, or the gradient itself). Block coordinate descent (Nutini, Laradji
/// & Schmidt, JMLR 2022, arXiv 1712.08859) runs on it. Valid expressions, for `const P& p`,
/// `const Vector<S>& x`, `Index i, j` in [0, n), a step `S delta` and a `Vector<S>& t` sized
/// `p.tracked_size()`:
///   `typename P::Scalar`; `p.dim()` (n); `p.tracked_size()` (the length of t);
///   `p.reset(x, t)` (t = the bookkeeping at x, recomputed from scratch, no allocation);
///   `p.value(x, t)` -> `S` (f(x), with t the bookkeeping at x);
///   `p.partial(i, t)` -> `S` (d f / d x_i at the point t describes);
///   `p.move(i, delta, t)` (updates t for x_i += delta; O(nnz of column i) for A x models);
///   `p.coordinate_lipschitz()` -> `const Vector<S>&` (L_i: |d_i f(x + s e_i) - d_i f(x)| <=
///   L_i |s| for all x, s).
/// Optional members the methods use when present (see docs/concepts.md#blocksmooth):
///   `p.hessian(i, j)` -> `S` (entry (i, j) of a fixed matrix H above the Hessian of f
///   everywhere, e.g. A^T A: block constants L_b = lambda_max(H_bb) and the matrix update);
///   `p.gradient(t)` -> `const Vector<S>&` (the full gradient, maintained in t by `move`: the
///   greedy rules then read it instead of computing n partial derivatives).
template <class P>
concept BlockSmooth = requires(const P& p, const Vector<typename P::Scalar>& x, Index i,
                               typename P::Scalar delta, Vector<typename P::Scalar>& t) {
  { p.dim() } -> std::convertible_to<Index>;
  { p.tracked_size() } -> std::convertible_to<Index>;
  p.reset(x, t);
  { p.value(x, t) } -> std::convertible_to<typename P::Scalar>;
  { p.partial(i, t) } -> std::convertible_to<typename P::Scalar>;
  p.move(i, delta, t);
  { p.coordinate_lipschitz() } -> std::convertible_to<const Vector<typename P::Scalar>&>;
};

/// A `BlockSmooth` problem that offers the entries of its Hessian bound, `p.hessian(i, j)`.
template <class P>
concept BlockHessian = BlockSmooth<P> && requires(const P& p, Index i) {
  { p.hessian(i, i) } -> std::convertible_to<typename P::Scalar>;
};

/// A `BlockSmooth` problem whose bookkeeping is the full gradient, `p.gradient(t)`.
template <class P>
concept MaintainedGradient = BlockSmooth<P> &&
    requires(const P& p, const Vector<typename P::Scalar>& t) {
  { p.gradient(t) } -> std::convertible_to<const Vector<typename P::Scalar>&>;
};

/// An equality-constrained problem min f(x) subject to c(x) = 0, f: R^n -> R, c: R^n -> R^m,
/// in double precision with dense derivatives (what `nlp::EalNewton` runs on). Valid
/// expressions, for `const P& p`, `const Vector<double>& x` (n entries) and `lambda` (m
/// entries), and outputs `Vector<double>& g, c`, `Matrix<double>& jac, h` that the callee
/// resizes as needed:
///   `p.dim()` (n); `p.constraints()` (m);
///   `p.value(x)` -> `double` (f(x));  `p.gradient(x, g)` (g = grad f(x), n entries);
///   `p.constraint(x, c)` (c = c(x), m entries);  `p.jacobian(x, jac)` (jac = G(x), m x n, row i
///   the gradient of c_i);
///   `p.lagrangian_hessian(x, lambda, h)` (h = hess f(x) + sum_i lambda_i hess c_i(x), n x n).
template <class P>
concept EqualityConstrainedProblem = requires(const P& p, const Vector<double>& x,
                                              const Vector<double>& lambda, Vector<double>& g,
                                              Vector<double>& c, Matrix<double>& jac,
                                              Matrix<double>& h) {
  { p.dim() } -> std::convertible_to<Index>;
  { p.constraints() } -> std::convertible_to<Index>;
  { p.value(x) } -> std::convertible_to<double>;
  p.gradient(x, g);
  p.constraint(x, c);
  p.jacobian(x, jac);
  p.lagrangian_hessian(x, lambda, h);
};

/// A tuner without context (Khodak et al., arXiv 2310.02246, Sec. 1). Valid expressions, for
/// `T& t` and `double cost`: `t.propose()` -> convertible to `double` (the value to use for
/// the next solve); `t.feedback(cost)` (the cost of the solve run with the last proposed value;
/// lower is better). It knows nothing of the method whose scalar it tunes.
template <class T>
concept Tuner = requires(T& t, double cost) {
  { t.propose() } -> std::convertible_to<double>;
  t.feedback(cost);
};

/// A tuner that sees a scalar context (e.g. a diagonal shift) before it proposes:
/// `t.propose(context)` -> `double`, then `t.feedback(cost)`.
template <class T>
concept ContextualTuner = requires(T& t, double context, double cost) {
  { t.propose(context) } -> std::convertible_to<double>;
  t.feedback(cost);
};

/// A stop rule: called by the driver exactly once per iteration with the iteration's `Info`,
/// it returns the status to stop with, or `std::nullopt` to go on. It may keep state (stall
/// detection does); the driver copies it at the start of every solve.
template <class R, class State>
concept StopRule = std::copy_constructible<R> && requires(R& rule, const Info<State>& info) {
  { rule(info) } -> std::convertible_to<std::optional<Status>>;
};

/// An observer: called once per iteration (after the stop rule) with the iteration's `Info`;
/// returns `void`, or `bool` where `true` asks the driver to stop
/// (`Status::StoppedByObserver`). Optional hook: `o.on_finish(info, status)` after the last
/// iteration.
template <class O, class State>
concept Observer = std::invocable < O&,
        const Info<State>
& > &&(std::is_void_v<std::invoke_result_t<O&, const Info<State>&>> ||
       std::convertible_to<std::invoke_result_t<O&, const Info<State>&>, bool>);

/// An iterative method, run by `iterum::solve`. Valid expressions, for `M& m`,
/// `const Problem& p` and `typename M::State& s`:
///   `m.init(p)` -> `M::State` (allocates everything the iterations need);
///   `m.step(p, s)` -> `void` or `std::optional<Status>` (one iteration, no allocation; a
///                     returned status ends the solve, e.g. `Status::Breakdown`);
///   `m.residual(p, s)` -> convertible to `double` (a computable optimality certificate,
///                     cheap: the driver asks once per iteration).
/// Optional: `m.is_finite(p, s)` -> `bool`, a cheaper test than the driver's default
/// `s.x.allFinite()`; a member `s.counters` of type `Counters` that the driver reports.
template <class M, class Problem>
concept Method = requires(M& m, const Problem& p, typename M::State& s) {
  { m.init(p) } -> std::same_as<typename M::State>;
  m.step(p, s);
  { m.residual(p, s) } -> std::convertible_to<double>;
}
&&(std::is_void_v<decltype(std::declval<M&>().step(std::declval<const Problem&>(),
                                                   std::declval<typename M::State&>()))> ||
   std::same_as<decltype(std::declval<M&>().step(std::declval<const Problem&>(),
                                                 std::declval<typename M::State&>())),
                std::optional<Status>>);

/// A method that accepts a warm start `w` (an iterate of the method before it, a user's x0):
/// `m.init(p, w)` -> `M::State`. Every library method accepts its own iterate type this way,
/// which is what lets `then` chain any two of them.
template <class M, class Problem, class Warm>
concept WarmStartable = requires(M& m, const Problem& p, const Warm& w) {
  { m.init(p, w) } -> std::same_as<typename M::State>;
};

/// A random sketching operator S (d x m, d = `s.rows()` usually much smaller than m =
/// `s.cols()`), applied to tall data: S A for a dense or sparse A with m rows, S x for a vector.
/// Its randomness is counter-based: column j of S is a pure function of (`s.seed()`, j) (a
/// hash of the pair, no sequential engine), so any block of columns of S can be generated on its
/// own, e.g. by the process that owns the matching rows of A. Valid expressions, for
/// `const S& s`, `const Matrix<double>& a` and `const Eigen::SparseMatrix<double>& sa` with
/// `s.cols()` rows, `const Vector<double>& x` sized `s.cols()`, and an `Index j0`:
///   `s.rows()` (d); `s.cols()` (m); `s.seed()` -> `std::uint64_t`;
///   `s.apply(a)`, `s.apply(sa)` -> convertible to `Matrix<double>` (S A, d x a.cols());
///   `s.apply(x)` -> convertible to `Vector<double>` (S x);
///   `s.apply_columns(j0, a)` -> convertible to `Matrix<double>` (S(:, j0 : j0 + a.rows()) a,
///   the share of S A that rows j0.. of A contribute; the shares of row blocks add up to S A).
/// Models: `sketch::GaussianSketch`, `sketch::SparseSign`, `sketch::Srht`, `sketch::CountSketch`.
template <class S>
concept Sketch = requires(const S& s, const Matrix<double>& a,
                          const Eigen::SparseMatrix<double>& sa, const Vector<double>& x,
                          Index j0) {
  { s.rows() } -> std::convertible_to<Index>;
  { s.cols() } -> std::convertible_to<Index>;
  { s.seed() } -> std::convertible_to<std::uint64_t>;
  { s.apply(a) } -> std::convertible_to<Matrix<double>>;
  { s.apply(sa) } -> std::convertible_to<Matrix<double>>;
  { s.apply(x) } -> std::convertible_to<Vector<double>>;
  { s.apply_columns(j0, a) } -> std::convertible_to<Matrix<double>>;
};

}  // namespace iterum
