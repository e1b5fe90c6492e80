// iterum::io::read_csv on small files written out by hand, on every error with its exact
// message, and on scikit-learn's bundled diabetes and breast cancer files as Debian's
// python3-sklearn ships them, against what scikit-learn loads from them
// (tests/io/fixtures/sklearn_reference.inc, made by tests/io/fixtures/make_sklearn_reference.py).

#include <Eigen/Dense>
#include <filesystem>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "fixtures/sklearn_reference.inc"
#include "iterum/io/csv.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

namespace {

Eigen::MatrixXd csv_read(std::string_view text, iterum::io::CsvOptions options = {}) {
  return iterum::io::read_csv(std::span<const unsigned char>(
                                  reinterpret_cast<const unsigned char*>(text.data()), text.size()),
                              "t.csv", options);
}

std::string csv_error(std::string_view text, iterum::io::CsvOptions options = {}) {
  return iterum::test::invalid_argument_message([&] { (void)csv_read(text, options); });
}

const std::filesystem::path csv_sklearn_data =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data";

}  // namespace

TEST_CASE("read_csv reads rows of numbers with padding, comments and blank lines", "[io][csv]") {
  const auto m = csv_read(
      "# header comment\n"
      " 1, 2.5 ,-3\r\n"
      "\n"
      "4e2,\t+5,6 # trailing\n"
      "7,8,9");
  Eigen::MatrixXd expected(3, 3);
  expected << 1, 2.5, -3, 400, 5, 6, 7, 8, 9;
  CHECK(m == expected);
  CHECK(csv_read("").size() == 0);
  CHECK(csv_read("# nothing\n\n").rows() == 0);
}

TEST_CASE("read_csv options: delimiter, skip_rows, comment", "[io][csv]") {
  Eigen::MatrixXd expected(2, 2);
  expected << 1, 2, 3, 4;
  CHECK(csv_read("a;b\n1;2\n3 ; 4\n", {.delimiter = ';', .skip_rows = 1}) == expected);
  CHECK(csv_read("1\t2\n 3 \t 4\n", {.delimiter = '\t'}) == expected);
  CHECK(csv_read("  1  \t 2\n3 4   \n", {.delimiter = ' '}) == expected);
  CHECK(csv_read("x,y\nz\n1,2\n3,4\n", {.skip_rows = 2}) == expected);
  CHECK(csv_read("%c\n1,2 % c\n3,4\n", {.comment = '%'}) == expected);
  CHECK(csv_error("#1,2\n", {.comment = std::nullopt}) ==
        "iterum::io::read_csv: t.csv:1:1: expected a number (got '#1,2')");
  std::istringstream stream("1,2\n3,4\n");
  CHECK(iterum::io::read_csv(stream, "stream") == expected);
}

TEST_CASE("read_csv rejects malformed rows naming line and column", "[io][csv]") {
  const std::string f = "iterum::io::read_csv: t.csv:";
  CHECK(csv_error("1,2\n3\n") == f + "2: expected 2 fields, as on the first row (got '1 fields')");
  CHECK(csv_error("1,2\n3,4,5\n") ==
        f + "2: expected 2 fields, as on the first row (got '3 fields')");
  CHECK(csv_error("1,,2\n") ==
        f + "1:3: expected a number (empty fields are not allowed) (got ',2')");
  CHECK(csv_error("1,2,\n") == f + "1:5: expected a number (empty fields are not allowed)");
  CHECK(csv_error(",1\n") ==
        f + "1:1: expected a number (empty fields are not allowed) (got ',1')");
  CHECK(csv_error("1,x\n") == f + "1:3: expected a number (got 'x')");
  CHECK(csv_error("1 2,3\n") ==
        f + "1:3: expected ',' or the end of the line after a number (got '2,3')");
  CHECK(csv_error("1,nan\n") == f + "1:3: expected a finite number (got 'nan')");
  CHECK(csv_error("1,1e400\n") ==
        f + "1:3: expected a number within the range of double (got '1e400')");
  CHECK(csv_error("1\t2\n", {.delimiter = '\t'}) == "<no exception>");
  CHECK(iterum::test::invalid_argument_message([] { (void)csv_read("1\n", {.delimiter = '-'}); }) ==
        "iterum::io::read_csv: argument 'delimiter' must not be part of a number or a line end "
        "(got -)");
  CHECK(iterum::test::invalid_argument_message([] { (void)csv_read("1\n", {.comment = ','}); }) ==
        "iterum::io::read_csv: argument 'comment' must differ from the delimiter, a blank and "
        "the characters of a number (got ,)");
  CHECK(iterum::test::invalid_argument_message([] { (void)csv_read("1\n", {.skip_rows = -1}); }) ==
        "iterum::io::read_csv: argument 'skip_rows' must be nonnegative (got -1)");
}

TEST_CASE("read_csv reads scikit-learn's diabetes and breast cancer files as scikit-learn does",
          "[io][csv][data]") {
  namespace ref = sklearn_reference;
  if (!std::filesystem::exists(csv_sklearn_data / "breast_cancer.csv")) {
    WARN("skipped: " << csv_sklearn_data.string()
                     << " is absent (install Debian's python3-sklearn)");
    return;
  }
  const auto x =
      iterum::io::read_csv(csv_sklearn_data / "diabetes_data_raw.csv.gz", {.delimiter = ' '});
  REQUIRE(x.rows() == ref::diabetes_rows);
  REQUIRE(x.cols() == ref::diabetes_cols);
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    CHECK(x(0, j) == ref::diabetes_first_row[j]);
    CHECK(x(x.rows() - 1, j) == ref::diabetes_last_row[j]);
    CHECK_THAT(x.col(j).sum(), Catch::Matchers::WithinRel(ref::diabetes_column_sums[j], 1e-13));
  }
  const auto y = iterum::io::read_csv(csv_sklearn_data / "diabetes_target.csv.gz");
  REQUIRE(y.rows() == ref::diabetes_rows);
  REQUIRE(y.cols() == 1);
  CHECK(y.sum() == ref::diabetes_target_sum);
  for (Eigen::Index i = 0; i < 5; ++i) CHECK(y(i, 0) == ref::diabetes_target_head[i]);

  // The first row ("569,30,malignant,benign") gives the counts and class names.
  const auto b = iterum::io::read_csv(csv_sklearn_data / "breast_cancer.csv", {.skip_rows = 1});
  REQUIRE(b.rows() == ref::cancer_rows);
  REQUIRE(b.cols() == ref::cancer_cols + 1);  // the data, then the target
  for (Eigen::Index j = 0; j < ref::cancer_cols; ++j) {
    CHECK(b(0, j) == ref::cancer_first_row[j]);
    CHECK_THAT(b.col(j).sum(), Catch::Matchers::WithinRel(ref::cancer_column_sums[j], 1e-13));
  }
  CHECK(b.col(ref::cancer_cols).sum() == static_cast<double>(ref::cancer_target_ones));
}
