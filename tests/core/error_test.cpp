#include "iterum/core/error.hpp"

#include <Eigen/SparseCore>
#include <limits>
#include <stdexcept>

#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::test::invalid_argument_message;

TEST_CASE("invalid_argument is a std::invalid_argument", "[core][errors]") {
  REQUIRE_THROWS_AS(iterum::check::positive("f", "x", -1.0), std::invalid_argument);
}

TEST_CASE("validators name the function, the argument and the value", "[core][errors]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  REQUIRE(invalid_argument_message([] { iterum::check::positive("g", "step", -0.25); }) ==
          "g: argument 'step' must be positive (got -0.25)");
  REQUIRE(invalid_argument_message([&] { iterum::check::positive("g", "step", nan); }) ==
          "g: argument 'step' must be positive (got nan)");
  REQUIRE(invalid_argument_message([] { iterum::check::nonnegative("g", "mass", -1e-300); }) ==
          "g: argument 'mass' must be nonnegative (got -1e-300)");
  REQUIRE(invalid_argument_message([&] { iterum::check::finite("g", "eps", -inf); }) ==
          "g: argument 'eps' must be finite (got -inf)");
  REQUIRE(invalid_argument_message([] {
            iterum::check::in_range("g", "omega", 2.0, 0.0, 2.0, iterum::check::Bound::Open,
                                    iterum::check::Bound::Open);
          }) == "g: argument 'omega' must lie in (0, 2) (got 2)");
  REQUIRE(invalid_argument_message([] {
            iterum::check::size("g", "b", 3, 4, "must have as many entries as A has rows");
          }) == "g: argument 'b' must have as many entries as A has rows (4) (got 3)");
  REQUIRE(invalid_argument_message([] { iterum::check::not_empty("g", "a", 0); }) ==
          "g: argument 'a' must not be empty (got size 0)");
  REQUIRE(invalid_argument_message([] { iterum::check::square("g", "A", 2, 3); }) ==
          "g: argument 'A' must be square (got 2x3)");
  REQUIRE(invalid_argument_message([] { iterum::check::that(false, "g", "x", "is odd"); }) ==
          "g: argument 'x' is odd");
}

TEST_CASE("validators pass good values silently", "[core][errors]") {
  REQUIRE_NOTHROW(iterum::check::positive("g", "x", std::numeric_limits<double>::infinity()));
  REQUIRE_NOTHROW(iterum::check::nonnegative("g", "x", 0.0));
  REQUIRE_NOTHROW(iterum::check::in_range("g", "x", 0.0, 0.0, 1.0));
  REQUIRE_NOTHROW(iterum::check::size("g", "x", 4, 4, "must match"));
  REQUIRE_NOTHROW(iterum::check::all_finite("g", "x", Eigen::VectorXd::Ones(3)));
}

TEST_CASE("all_finite names the first bad entry of dense and sparse objects", "[core][errors]") {
  Eigen::VectorXd v = Eigen::VectorXd::Zero(5);
  v[3] = std::numeric_limits<double>::quiet_NaN();
  REQUIRE(invalid_argument_message([&] { iterum::check::all_finite("h", "b", v); }) ==
          "h: argument 'b' must be finite, but entry 3 is not (got nan)");
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(3, 3);
  m(2, 1) = std::numeric_limits<double>::infinity();
  REQUIRE(invalid_argument_message([&] { iterum::check::all_finite("h", "A", m); }) ==
          "h: argument 'A' must be finite, but entry (2, 1) is not (got inf)");
  Eigen::SparseMatrix<double> s(4, 4);
  s.insert(1, 2) = -std::numeric_limits<double>::infinity();
  s.makeCompressed();
  REQUIRE(invalid_argument_message([&] { iterum::check::all_finite("h", "A", s); }) ==
          "h: argument 'A' must be finite, but entry (1, 2) is not (got -inf)");
}

TEST_CASE("numbers are printed in their shortest exact form", "[core][errors]") {
  REQUIRE(iterum::detail::format_number(0.1) == "0.1");
  REQUIRE(iterum::detail::format_number(1e-12) == "1e-12");
  REQUIRE(iterum::detail::format_number(1.0 / 3.0) == "0.3333333333333333");
  REQUIRE(iterum::detail::format_number(12345678.0) == "12345678");
}
