// iterum::io::read_libsvm on small files whose matrices are written out by hand, on every
// error with its exact message, and on heart_scale as Debian's liblinear-tools ships it,
// against what scikit-learn's load_svmlight_file reads (tests/io/fixtures/sklearn_reference.inc,
// made by tests/io/fixtures/make_sklearn_reference.py).

#include <Eigen/Dense>
#include <bit>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <span>
#include <sstream>
#include <string>
#include <string_view>

#include "fixtures/sklearn_reference.inc"
#include "iterum/io/libsvm.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

namespace {

std::span<const unsigned char> svm_bytes(std::string_view text) {
  return {reinterpret_cast<const unsigned char*>(text.data()), text.size()};
}

iterum::io::LabeledData svm_read(std::string_view text, iterum::io::LibsvmOptions options = {}) {
  return iterum::io::read_libsvm(svm_bytes(text), "t.svm", options);
}

std::string svm_error(std::string_view text, iterum::io::LibsvmOptions options = {}) {
  return iterum::test::invalid_argument_message([&] { (void)svm_read(text, options); });
}

const std::filesystem::path svm_heart_scale = "/usr/share/doc/liblinear-tools/examples/heart_scale";

}  // namespace

TEST_CASE("read_libsvm reads labels, 1-based sparse rows, comments and blank lines",
          "[io][libsvm]") {
  const auto data = svm_read(
      "# a comment line\n"
      "+1 1:0.5 3:-2 # trailing comment\r\n"
      "\n"
      "-1\t2:1e-3\t4:7\n"
      "   \n"
      "0.25\n"
      "3 1:1 2:2 3:3 4:4");
  REQUIRE(data.x.rows() == 4);
  REQUIRE(data.x.cols() == 4);
  CHECK(data.x.nonZeros() == 8);
  Eigen::MatrixXd expected(4, 4);
  expected << 0.5, 0, -2, 0, 0, 1e-3, 0, 7, 0, 0, 0, 0, 1, 2, 3, 4;
  CHECK(Eigen::MatrixXd(data.x) == expected);
  CHECK(data.y == Eigen::Vector4d(1, -1, 0.25, 3));
  CHECK(data.qid.empty());
  // CSC by assignment.
  const Eigen::SparseMatrix<double> csc = data.x;
  CHECK(Eigen::MatrixXd(csc) == expected);
}

TEST_CASE("read_libsvm: zero_based, n_features, qid, empty input", "[io][libsvm]") {
  const auto zero =
      svm_read("1 0:5 2:6\n2 1:7\n", {.zero_based = true, .n_features = std::nullopt});
  CHECK(zero.x.cols() == 3);
  CHECK(zero.x.coeff(0, 0) == 5.0);
  CHECK(zero.x.coeff(0, 2) == 6.0);
  CHECK(zero.x.coeff(1, 1) == 7.0);

  const auto wide = svm_read("1 2:1\n", {.n_features = 10});
  CHECK(wide.x.cols() == 10);
  CHECK(wide.x.coeff(0, 1) == 1.0);
  CHECK(svm_read("1 10:1\n", {.n_features = 10}).x.coeff(0, 9) == 1.0);

  const auto ranked = svm_read("3 qid:1 1:1\n2 qid:1 2:1\n1 qid:-7\n");
  CHECK(ranked.qid == std::vector<std::int64_t>{1, 1, -7});
  CHECK(ranked.x.rows() == 3);
  CHECK(ranked.x.cols() == 2);

  const auto empty = svm_read("");
  CHECK(empty.x.rows() == 0);
  CHECK(empty.x.cols() == 0);
  CHECK(empty.y.size() == 0);
  CHECK(svm_read("# only\n\n", {.n_features = 3}).x.cols() == 3);

  std::istringstream stream("1 1:2\n");
  CHECK(iterum::io::read_libsvm(stream, "stream").x.coeff(0, 0) == 2.0);
}

TEST_CASE("read_libsvm rejects malformed lines naming line and column", "[io][libsvm]") {
  const std::string f = "iterum::io::read_libsvm: t.svm:";
  CHECK(svm_error("1 1:1\n1 3:1 2:1\n") ==
        f + "2:7: expected a feature index greater than 3 (indices must strictly increase along "
            "a line) (got '2')");
  CHECK(svm_error("1 2:1 2:1\n") ==
        f + "1:7: expected a feature index greater than 2 (indices must strictly increase along "
            "a line) (got '2')");
  CHECK(svm_error("1 0:1\n") ==
        f + "1:3: expected a feature index >= 1 (indices are 1-based; set zero_based for 0-based "
            "files) (got '0')");
  CHECK(svm_error("1 -1:1\n", {.zero_based = true, .n_features = std::nullopt}) ==
        f + "1:3: expected a feature index (a non-negative integer) (got '-1:1')");
  CHECK(svm_error("1 4:1\n", {.n_features = 3}) ==
        f + "1:3: expected a feature index below 4 (n_features = 3) (got '4')");
  CHECK(svm_error("1 3:1\n", {.zero_based = true, .n_features = 3}) ==
        f + "1:3: expected a feature index below 3 (n_features = 3) (got '3')");
  CHECK(svm_error("1 2147483648:1\n") ==
        f + "1:3: expected a feature index below 2^31 - 1 (got '2147483648')");
  CHECK(svm_error("1 99999999999999999999:1\n") ==
        f + "1:3: expected a feature index (an integer) within range (got "
            "'99999999999999999999:1')");
  CHECK(svm_error("1,2 1:1\n") ==
        f + "1:2: expected a single label (multi-label lines, with comma-separated labels, are "
            "not supported) (got ',2')");
  CHECK(svm_error("abc 1:1\n") == f + "1:1: expected a label (a number) (got 'abc')");
  CHECK(svm_error("1:1 2:2\n") == f + "1:2: expected a blank after the label (got ':1')");
  CHECK(svm_error("nan 1:1\n") == f + "1:1: expected a finite label (got 'nan')");
  CHECK(svm_error("1 1:inf\n") == f + "1:5: expected a finite feature value (got 'inf')");
  CHECK(svm_error("1 1:1e999\n") ==
        f + "1:5: expected a feature value (a number) within the range of double (got '1e999')");
  CHECK(svm_error("1 1 2:1\n") == f + "1:4: expected ':' after the feature index");
  CHECK(svm_error("1 1=2\n") == f + "1:4: expected ':' after the feature index (got '=2')");
  CHECK(svm_error("1 1:\n") == f + "1:5: expected a feature value (a number)");
  CHECK(svm_error("1 1:2x\n") ==
        f + "1:6: expected a blank, '#' or the end of the line after the value (got 'x')");
  CHECK(svm_error("1 a:1\n") == f + "1:3: expected a feature index (an integer) (got 'a:1')");
  CHECK(svm_error("1 qid:1 1:1\n2 1:1\n") ==
        f + "2:3: expected qid:<id> (the first line has one; qid must be on every line or none) "
            "(got '1:1')");
  CHECK(svm_error("1 1:1\n2 qid:3 1:1\n") ==
        f + "2:7: expected no qid (the first line has none; qid must be on every line or none) "
            "(got '3')");
  CHECK(svm_error("1 qid:x 1:1\n") == f + "1:7: expected an integer query id (got 'x')");
  CHECK(svm_error("1 qid:2x\n") == f + "1:8: expected a blank after the query id (got 'x')");
  CHECK(iterum::test::invalid_argument_message(
            [] { (void)svm_read("1 1:1\n", {.n_features = -1}); }) ==
        "iterum::io::read_libsvm: argument 'n_features' must lie in [0, 2147483647] (got -1)");
}

TEST_CASE("read_libsvm errors are io::parse_error with the position", "[io][libsvm]") {
  try {
    (void)svm_read("1 1:1\n\n1 2:1 1:1\n");
    FAIL("no exception");
  } catch (const iterum::io::parse_error& e) {
    CHECK(e.source() == "t.svm");
    CHECK(e.line() == 3);
    CHECK(e.column() == 7);
  }
}

TEST_CASE("read_libsvm reads heart_scale from liblinear-tools as scikit-learn does",
          "[io][libsvm][data]") {
  if (!std::filesystem::exists(svm_heart_scale)) {
    WARN("skipped: " << svm_heart_scale.string()
                     << " is absent (install Debian's liblinear-tools)");
    return;
  }
  namespace ref = sklearn_reference;
  const auto data = iterum::io::read_libsvm(svm_heart_scale);
  REQUIRE(data.x.rows() == ref::heart_rows);
  REQUIRE(data.x.cols() == ref::heart_cols);
  CHECK(data.x.nonZeros() == ref::heart_nnz);
  CHECK((data.y.array() == 1.0).count() == ref::heart_positive);
  CHECK((data.y.array().abs() == 1.0).all());
  const Eigen::MatrixXd dense(data.x);
  for (Eigen::Index j = 0; j < dense.cols(); ++j) {
    CHECK(dense(0, j) == ref::heart_first_row[j]);
    CHECK(dense(dense.rows() - 1, j) == ref::heart_last_row[j]);
    CHECK_THAT(dense.col(j).sum(), Catch::Matchers::WithinRel(ref::heart_column_sums[j], 1e-13));
  }
  for (Eigen::Index i = 0; i < 10; ++i) CHECK(data.y[i] == ref::heart_labels_head[i]);
}

TEST_CASE("Scanner::real's fast path gives what std::from_chars gives", "[io][libsvm]") {
  // Random decimals of every shape the fast path takes or declines: signs, leading zeros,
  // 1-25 digits, a point anywhere, exponents of 0-3 digits with signs.
  std::uint64_t state = 12345;
  const auto next = [&] {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  std::string text;
  for (int trial = 0; trial < 200000; ++trial) {
    text.clear();
    if (next() % 3 == 0) text += '-';
    const auto digits = 1 + next() % 25;
    const auto point = next() % (digits + 2);
    for (std::uint64_t d = 0; d < digits; ++d) {
      if (d == point) text += '.';
      text += static_cast<char>('0' + (next() % 4 == 0 ? 0 : next() % 10));
    }
    if (next() % 2 == 0) {
      text += next() % 2 ? 'e' : 'E';
      const auto sign = next() % 3;
      if (sign == 1) text += '-';
      if (sign == 2) text += '+';
      const auto exp_digits = next() % 4;
      for (std::uint64_t d = 0; d < exp_digits; ++d) text += static_cast<char>('0' + next() % 10);
    }
    text += ' ';
    double expected = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
    if (ec != std::errc{}) continue;  // out of range: handled apart from the fast path
    const auto bytes = std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size());
    iterum::io::detail::Scanner scanner(bytes, "x", "f");
    const double got = scanner.real("a number");
    INFO(text);
    REQUIRE(std::bit_cast<std::uint64_t>(got) == std::bit_cast<std::uint64_t>(expected));
    REQUIRE(scanner.column() == static_cast<iterum::Index>(end - text.data()) + 1);
  }
}
