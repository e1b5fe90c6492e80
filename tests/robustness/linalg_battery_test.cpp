// The robustness battery on the linear solvers: conjugate_gradient, sor,
// ssor_conjugate_gradient and DirectSolver (tests/robustness/battery.hpp).

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <Eigen/Sparse>
#include <string>

#include "iterum/linalg/cg.hpp"
#include "iterum/linalg/direct_solver.hpp"
#include "iterum/linalg/laplacian.hpp"
#include "iterum/linalg/sor.hpp"
#include "iterum/linalg/ssor_cg.hpp"
#include "robustness/battery.hpp"
#include "support/catch_compat.hpp"

namespace {

using iterum::Index;
using iterum::robust::Args;
using iterum::robust::Control;
using iterum::robust::Facade;
using iterum::robust::Outcome;

/// A 4 x 4 SPD, diagonally dominant system: A, b, x0 (the arguments of every linear facade).
Args linear_args() {
  Eigen::MatrixXd a(4, 4);
  a << 4, 1, 0, 0, 1, 4, 1, 0, 0, 1, 4, 1, 0, 0, 1, 4;
  Eigen::VectorXd b(4);
  b << 1, 2, 3, 4;
  return {{"A", a}, {"b", b}, {"x0", Eigen::VectorXd::Zero(4)}};
}

/// A x = b through a matrix-free operator whose apply() the oracle tripwire watches.
struct HookedOperator {
  using Scalar = double;
  const Eigen::MatrixXd* a;
  iterum::robust::Tripwire* wire;
  [[nodiscard]] Index rows() const { return a->rows(); }
  [[nodiscard]] Index cols() const { return a->cols(); }
  void apply(const Eigen::VectorXd& x, Eigen::VectorXd& y) const {
    y.noalias() = *a * x;
    wire->visit(y);
  }
};

/// The outcome of a linear solve: ||b - A x|| / ||b|| recomputed from the returned x (overflow-
/// and underflow-safe), and the distance to a Cholesky solve when that one is representable.
Outcome linear_outcome(const Args& args, const iterum::Summary& s, const Eigen::VectorXd& x,
                       double tolerance) {
  const Eigen::MatrixXd& a = args[0].value;
  const Eigen::VectorXd b = args[1].value;
  Outcome o;
  o.status = s.status;
  o.iterations = s.iterations;
  o.tolerance = tolerance;
  o.finite = iterum::robust::all_finite(x) &&
             (std::isfinite(s.residual) || s.status == iterum::Status::NumericalIssue);
  const double bn = iterum::robust::safe_norm(b);
  const double rn = iterum::robust::safe_norm((b - a * x).eval());
  o.certificate = bn > 0 ? rn / bn : rn;
  // The truth by LU of A / max|A|, then rescaled (LU of denormal entries flushes pivots).
  const double big = a.size() > 0 ? a.cwiseAbs().maxCoeff() : 0.0;
  const Eigen::VectorXd truth =
      big > 0 ? Eigen::VectorXd((a / big).partialPivLu().solve(b) / big) : Eigen::VectorXd();
  const double tn = iterum::robust::safe_norm(truth);
  // A solution beyond the largest double (A of denormals): no finite x is right, and
  // NumericalIssue says so; x may then hold inf or NaN (judged not a defect).
  if (big > 0 && !std::isfinite(tn) && s.status == iterum::Status::NumericalIssue) o.finite = true;
  if (iterum::robust::all_finite(truth) && tn > 0 && std::isfinite(tn)) {
    o.truth_error = iterum::robust::safe_norm((x - truth).eval()) / tn;
    o.truth_tolerance = 10 * tolerance + 1e-14;  // cond(A) < 3
  }
  return o;
}

/// The slow input of the time-limit case: 2-D Poisson on a 300 x 300 grid, tolerance 1e-14.
struct SlowSystem {
  Eigen::SparseMatrix<double> a = iterum::linalg::laplacian_2d(300, 300);
  Eigen::VectorXd b = Eigen::VectorXd::Ones(a.rows());
};

Facade cg_facade() {
  Facade f;
  f.function = "iterum::linalg::conjugate_gradient";
  f.args = linear_args();
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.fields = {{"options.symmetry_tolerance"}};
  f.oracle_hook = true;
  f.run = [](const Args& args, Control& c) {
    iterum::linalg::CgOptions o{.tolerance = 1e-10};
    iterum::robust::apply_control(o, c);
    if (c.field == "options.symmetry_tolerance") o.symmetry_tolerance = c.value;
    const auto& a = args[0].value;
    const auto& b = args[1].value;
    const auto& x0 = args[2].value;
    if (c.oracle.hook != iterum::robust::Hook::None) {
      const HookedOperator op{&a, &c.oracle};
      const auto r = iterum::linalg::conjugate_gradient(op, b, x0, o);
      return linear_outcome(args, r, r.x, o.tolerance);
    }
    const auto r = iterum::linalg::conjugate_gradient(a, b, x0, o);
    return linear_outcome(args, r, r.x, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const SlowSystem s;
    iterum::linalg::CgOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::linalg::conjugate_gradient(s.a, s.b, o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

Facade sor_facade() {
  Facade f;
  f.function = "iterum::linalg::sor";
  f.args = linear_args();
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.fields = {{"options.omega"}};
  f.run = [](const Args& args, Control& c) {
    iterum::linalg::SorOptions o{.tolerance = 1e-10};
    iterum::robust::apply_control(o, c);
    if (c.field == "options.omega") o.omega = c.value;
    const auto r = iterum::linalg::sor(args[0].value, args[1].value, args[2].value, o);
    return linear_outcome(args, r, r.x, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const SlowSystem s;
    iterum::linalg::SorOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::linalg::sor(s.a, s.b, o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

Facade ssor_cg_facade() {
  Facade f;
  f.function = "iterum::linalg::ssor_conjugate_gradient";
  f.args = linear_args();
  f.controls = {"tolerance", "max_iterations", "time_limit_seconds"};
  f.fields = {{"options.omega"}, {"options.symmetry_tolerance"}};
  f.run = [](const Args& args, Control& c) {
    iterum::linalg::SsorCgOptions o{.tolerance = 1e-10};
    iterum::robust::apply_control(o, c);
    if (c.field == "options.omega") o.omega = c.value;
    if (c.field == "options.symmetry_tolerance") o.symmetry_tolerance = c.value;
    const auto r =
        iterum::linalg::ssor_conjugate_gradient(args[0].value, args[1].value, args[2].value, o);
    return linear_outcome(args, r, r.x, o.tolerance);
  };
  f.run_slow = [](Control& c) {
    const SlowSystem s;
    iterum::linalg::SsorCgOptions o{.tolerance = 1e-14};
    iterum::robust::apply_control(o, c);
    const auto r = iterum::linalg::ssor_conjugate_gradient(s.a, s.b, o);
    return iterum::robust::slow_outcome(r, iterum::robust::all_finite(r.x));
  };
  return f;
}

/// DirectSolver (dense LU with partial pivoting): compute(A), then solve(b, x); no options, no
/// budgets. Its Summary's status is judged like a facade's, with the residual recomputed here.
Facade direct_facade() {
  Facade f;
  f.function = "iterum::linalg::DirectSolver::compute";
  f.also = {"iterum::linalg::DirectSolver::solve"};
  f.args = linear_args();
  f.args.pop_back();  // no x0
  f.callback = false;
  f.run = [](const Args& args, Control&) {
    iterum::linalg::DenseLu<double> solver;
    const Eigen::MatrixXd& a = args[0].value;
    const Eigen::VectorXd b = args[1].value;
    Eigen::VectorXd x = Eigen::VectorXd::Zero(a.cols());
    iterum::Summary s;
    s.status = solver.compute(a);
    if (s.status == iterum::Status::Converged) s = solver.solve(b, x);
    return linear_outcome(args, s, x, std::sqrt(std::numeric_limits<double>::epsilon()));
  };
  return f;
}

}  // namespace

TEST_CASE("robustness battery: conjugate_gradient", "[robustness][linalg]") {
  iterum::robust::check_battery(cg_facade());
}
TEST_CASE("robustness battery: sor", "[robustness][linalg]") {
  iterum::robust::check_battery(sor_facade());
}
TEST_CASE("robustness battery: ssor_conjugate_gradient", "[robustness][linalg]") {
  iterum::robust::check_battery(ssor_cg_facade());
}
TEST_CASE("robustness battery: DirectSolver", "[robustness][linalg]") {
  iterum::robust::check_battery(direct_facade());
}
