// iterum::io::read_matrix_market and write_matrix_market on small files written by hand from the
// NIST Matrix Market specification (every field, symmetry and format), exact error messages,
// write -> read round trips, and lund_a.mtx as Debian's r-cran-matrix ships it, compared with
// what SciPy reads (tests/io/fixtures/make_matrix_market_fixtures.py).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "iterum/io/matrix_market.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

namespace {

Eigen::SparseMatrix<double> mm_parse(const std::string& text) {
  return iterum::io::read_matrix_market(
      std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size()),
      "t.mtx");
}

std::string mm_error(const std::string& text) {
  return iterum::test::invalid_argument_message([&] { (void)mm_parse(text); });
}

Eigen::MatrixXd mm_dense(const std::string& text) { return Eigen::MatrixXd(mm_parse(text)); }

const std::string mm_prefix = "iterum::io::read_matrix_market: t.mtx:";

}  // namespace

TEST_CASE("read_matrix_market reads coordinate real, integer and pattern general files",
          "[io][matrix_market]") {
  const Eigen::MatrixXd real = mm_dense(
      "%%MatrixMarket matrix coordinate real general\n"
      "% a comment\n"
      "\n"
      "%another\n"
      "2 3 3\n"
      "1 1 0.5\n"
      "2 3 -1.25e2\n"
      "1 2 1e-400\n");
  Eigen::MatrixXd expected(2, 3);
  expected << 0.5, 0.0, 0.0, 0.0, 0.0, -125.0;
  CHECK(real == expected);
  CHECK(mm_parse("%%MatrixMarket matrix coordinate real general\n2 3 3\n1 1 0.5\n2 3 -1.25e2\n"
                 "1 2 0\n")
            .nonZeros() == 3);  // explicit zeros are stored entries

  const Eigen::MatrixXd integer = mm_dense(
      "%%MatrixMarket matrix coordinate integer general\n3 2 2\n3 1 -7\n1 2 +9007199254740993\n");
  CHECK(integer(2, 0) == -7.0);
  CHECK(integer(0, 1) == 9007199254740992.0);  // rounded to the nearest double

  const Eigen::MatrixXd pattern =
      mm_dense("%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n");
  Eigen::MatrixXd ones(2, 2);
  ones << 0, 1, 1, 0;
  CHECK(pattern == ones);
}

TEST_CASE("read_matrix_market expands symmetric and skew-symmetric coordinate files",
          "[io][matrix_market]") {
  const Eigen::MatrixXd sym = mm_dense(
      "%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 2\n2 1 -1\n3 2 -1\n3 3 2\n");
  Eigen::MatrixXd expected(3, 3);
  expected << 2, -1, 0, -1, 0, -1, 0, -1, 2;
  CHECK(sym == expected);
  CHECK(mm_parse("%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 2\n2 1 -1\n3 2 -1\n"
                 "3 3 2\n")
            .nonZeros() == 6);

  const Eigen::MatrixXd skew =
      mm_dense("%%MatrixMarket matrix coordinate integer skew-symmetric\n3 3 2\n2 1 4\n3 1 -5\n");
  Eigen::MatrixXd skew_expected(3, 3);
  skew_expected << 0, -4, 5, 4, 0, 0, -5, 0, 0;
  CHECK(skew == skew_expected);

  const Eigen::MatrixXd pattern_sym =
      mm_dense("%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n1 1\n2 1\n");
  Eigen::MatrixXd pattern_expected(2, 2);
  pattern_expected << 1, 1, 1, 0;
  CHECK(pattern_sym == pattern_expected);
}

TEST_CASE("read_matrix_market reads array files column by column", "[io][matrix_market]") {
  Eigen::MatrixXd general(2, 3);
  general << 1, 3, 5, 2, 0, 6;
  CHECK(mm_dense("%%MatrixMarket matrix array real general\n% c\n2 3\n1\n2\n3\n0\n5\n6\n") ==
        general);
  CHECK(mm_parse("%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n0\n5\n6\n").nonZeros() ==
        5);  // zeros are not stored
  CHECK(mm_dense("%%MatrixMarket matrix array integer general\n2 3\n1\n2\n3\n0\n5\n6\n") ==
        general);

  Eigen::MatrixXd sym(3, 3);
  sym << 1, 2, 3, 2, 4, 5, 3, 5, 6;
  CHECK(mm_dense("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n") == sym);

  Eigen::MatrixXd skew(3, 3);
  skew << 0, -1, -2, 1, 0, -3, 2, 3, 0;
  CHECK(mm_dense("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n") == skew);
}

TEST_CASE(
    "read_matrix_market accepts CRLF, blank lines, case-insensitive keywords and a last "
    "line without a newline",
    "[io][matrix_market]") {
  const Eigen::MatrixXd m = mm_dense(
      "%%MatrixMarket Matrix COORDINATE Real General\r\n%c\r\n  2 2 2 \r\n\r\n1 1 1.5\r\n"
      "\t2  2\t-2");
  Eigen::MatrixXd expected(2, 2);
  expected << 1.5, 0, 0, -2;
  CHECK(m == expected);
  CHECK(mm_parse("%%MatrixMarket matrix coordinate real general\n0 0 0\n").rows() == 0);
}

TEST_CASE("read_matrix_market sums duplicate entries, as setFromTriplets does",
          "[io][matrix_market]") {
  const auto m = mm_parse(
      "%%MatrixMarket matrix coordinate real general\n2 2 4\n2 1 1\n1 1 0.25\n2 1 2\n1 1 0.5\n");
  CHECK(m.nonZeros() == 2);
  CHECK(m.coeff(1, 0) == 3.0);
  CHECK(m.coeff(0, 0) == 0.75);
}

TEST_CASE(
    "read_matrix_market gives setFromTriplets' sums for entries in column order, out of it "
    "from some point on, or shuffled, with duplicates and long numbers",
    "[io][matrix_market]") {
  // The reader stores entries straight into the result while they come column by column and
  // falls back to triplets at the first one out of order: every path must give exactly what
  // setFromTriplets makes of the same entries (duplicates summed in file order).
  std::uint64_t state = 7;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int trial = 0; trial < 60; ++trial) {
    INFO("trial " << trial);
    // Row counts up to 2e9 give indices of 10 digits (the digit reader's slow path).
    const int rows = trial % 3 == 0 ? 2000000000 : 1 + static_cast<int>(next() % 40);
    const int cols = 1 + static_cast<int>(next() % 40);
    // The header's count may not exceed rows x columns.
    const auto most = std::min<std::uint64_t>(
        300, static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols));
    const int count = static_cast<int>(next() % (most + 1));
    std::vector<Eigen::Triplet<double, int>> entries;
    for (int k = 0; k < count; ++k) {
      const int i = rows > 1000
                        ? static_cast<int>(next() % 5) * 399999999 + static_cast<int>(next() % 3)
                        : static_cast<int>(next() % static_cast<std::uint64_t>(rows));
      const int j = static_cast<int>(next() % static_cast<std::uint64_t>(cols));
      const double v = static_cast<double>(static_cast<std::int64_t>(next()) - (1LL << 30)) /
                       static_cast<double>(1 + next() % 100000);
      entries.emplace_back(i, j, v);
    }
    const int mode = trial % 4;  // 0, 1: by column; 2: by column up to a point; 3: shuffled
    if (mode != 3) {
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto& a, const auto& b) { return a.col() < b.col(); });
    }
    if (mode == 2 && count > 2) {
      const auto at = static_cast<std::ptrdiff_t>(next() % static_cast<std::uint64_t>(count));
      std::reverse(entries.begin() + at, entries.end());
    }
    std::string text = "%%MatrixMarket matrix coordinate real general\n" + std::to_string(rows) +
                       " " + std::to_string(cols) + " " + std::to_string(count) + "\n";
    for (const auto& t : entries) {
      char buffer[32];
      const auto end = std::to_chars(buffer, buffer + sizeof buffer, t.value()).ptr;
      text += std::to_string(t.row() + 1) + " " + std::to_string(t.col() + 1) + " " +
              std::string(buffer, end) + "\n";
    }
    // The reference: entries keyed by (column, row), duplicates summed in file order (what
    // setFromTriplets does; it cannot be called here, its transpose would need 2e9 rows).
    std::map<std::pair<int, int>, double> expected;
    for (const auto& t : entries) {
      const auto [at, fresh] = expected.try_emplace({t.col(), t.row()}, t.value());
      if (!fresh) at->second += t.value();
    }
    const auto m = mm_parse(text);
    REQUIRE(m.rows() == rows);
    REQUIRE(m.cols() == cols);
    REQUIRE(m.nonZeros() == static_cast<Eigen::Index>(expected.size()));
    auto want = expected.begin();
    bool same = true;
    for (int j = 0; j < cols; ++j) {
      for (Eigen::SparseMatrix<double>::InnerIterator it(m, j); it; ++it, ++want) {
        same = same && want->first == std::pair<int, int>(j, static_cast<int>(it.row())) &&
               want->second == it.value();
      }
    }
    CHECK(same);
  }
}

TEST_CASE("read_matrix_market rejects malformed headers with the line and column",
          "[io][matrix_market]") {
  CHECK(mm_error("%MatrixMarket matrix coordinate real general\n1 1 0\n") ==
        mm_prefix + "1:1: expected the banner '%%MatrixMarket' (got '%MatrixMarket')");
  CHECK(mm_error("%%MatrixMarket vector coordinate real general\n1 1 0\n") ==
        mm_prefix + "1:16: expected the object 'matrix' (got 'vector')");
  CHECK(mm_error("%%MatrixMarket matrix sparse real general\n1 1 0\n") ==
        mm_prefix + "1:23: expected the format 'coordinate' or 'array' (got 'sparse')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n") ==
        mm_prefix +
            "1:34: expected the field 'real', 'integer' or 'pattern' (complex matrices are not "
            "supported) (got 'complex')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real hermitian\n1 1 0\n") ==
        mm_prefix +
            "1:39: expected the symmetry 'general', 'symmetric' or 'skew-symmetric' (hermitian "
            "matrices are not supported) (got 'hermitian')");
  CHECK(mm_error("%%MatrixMarket matrix array pattern general\n1 1\n") ==
        mm_prefix +
            "1:29: expected the field 'real' or 'integer' (an array file has values) "
            "(got 'pattern')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate pattern skew-symmetric\n2 2 1\n2 1\n") ==
        mm_prefix +
            "1:42: expected the symmetry 'general' or 'symmetric' (a pattern file cannot "
            "be skew-symmetric) (got 'skew-symmetric')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general extra\n1 1 0\n") ==
        mm_prefix + "1:47: expected the end of the line (got 'extra')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n% only comments\n") ==
        mm_prefix + "3:1: expected the size line (got 'end of file')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n2 x 1\n") ==
        mm_prefix + "2:3: expected a column count (got 'x')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n2 2\n") ==
        mm_prefix + "2:4: expected an entry count (got 'end of line')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n2 -2 1\n") ==
        mm_prefix + "2:3: expected a column count (got '-2')");
}

TEST_CASE("read_matrix_market rejects sizes that overflow or disagree with the file",
          "[io][matrix_market]") {
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n99999999999999999999 1 0\n") ==
        mm_prefix + "2:1: expected a row count within range (got '99999999999999999999')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n2147483648 1 0\n") ==
        mm_prefix +
            "2:1: expected sizes within Eigen's int index range (2147483647) (got '2147483648 1')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n2 2 5\n") ==
        mm_prefix + "2:5: expected an entry count at most rows x columns = 4 (got '5')");
  CHECK(mm_error("%%MatrixMarket matrix array real general\n2147483647 3\n1\n") ==
        mm_prefix +
            "2: expected a file long enough for the 6442450941 entries its size line declares "
            "(got '56 bytes')");
  // Found by fuzzing: 2^31 - 1 empty columns would need 8 GB of column pointers.
  CHECK(mm_error("%%MatrixMarket matrix coordinate real general\n1 2147483647 0\n") ==
        mm_prefix +
            "2:1: expected a column count at most 8 x the file's bytes + 2^20 = 1049064 (the "
            "reader's memory bound) (got '1 2147483647')");
  CHECK(mm_parse("%%MatrixMarket matrix coordinate real general\n2147483647 1000000 0\n").rows() ==
        2147483647);  // rows cost no memory
  CHECK(mm_error("%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1\n") ==
        mm_prefix +
            "2:1: expected a square matrix (the file is symmetric or skew-symmetric) (got '2 3')");
}

TEST_CASE("read_matrix_market rejects bad entries, out-of-range indices and wrong counts",
          "[io][matrix_market]") {
  const std::string head = "%%MatrixMarket matrix coordinate real general\n3 2 2\n";
  CHECK(mm_error(head + "1 1 1\n4 1 1\n") ==
        mm_prefix + "4:1: expected a row index in [1, 3] (got '4')");
  CHECK(mm_error(head + "1 1 1\n1  0 1\n") ==
        mm_prefix + "4:4: expected a column index in [1, 2] (got '0')");
  CHECK(mm_error(head + "1 1 1\n1 1 x\n") == mm_prefix + "4:5: expected a real value (got 'x')");
  CHECK(mm_error(head + "1 1 1\n1 1\n") ==
        mm_prefix + "4:4: expected a real value (got 'end of line')");
  CHECK(mm_error(head + "1 1 1\n1 1 1e999\n") ==
        mm_prefix + "4:5: expected a real value within the range of double (got '1e999')");
  CHECK(mm_error(head + "1 1 1\n1 1 1 2\n") ==
        mm_prefix + "4:7: expected the end of the line (got '2')");
  CHECK(mm_error(head + "1 1 1\n") ==
        mm_prefix +
            "4: expected 2 entries, as the size line on line 2 declares (got 'end of "
            "file after 1')");
  CHECK(mm_error(head + "1 1 1\n2 2 2\n3 1 3\n") ==
        mm_prefix +
            "5:1: expected the end of the file after the 2 entries the size line "
            "declares (got '3')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 1.5\n") ==
        mm_prefix + "3:6: expected the end of the line (got '.5')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 "
                 "9223372036854775808\n") ==
        mm_prefix + "3:5: expected an integer value within range (got '9223372036854775808')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate pattern general\n1 1 1\n1 1 1\n") ==
        mm_prefix + "3:5: expected the end of the line (got '1')");
  CHECK(mm_error("%%MatrixMarket matrix array real general\n2 1\n1\n") ==
        mm_prefix +
            "4: expected 2 entries, as the size line on line 2 declares (got 'end of "
            "file after 1')");
}

TEST_CASE(
    "read_matrix_market rejects entries above the diagonal of symmetric files and on the "
    "diagonal of skew-symmetric ones",
    "[io][matrix_market]") {
  CHECK(mm_error("%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n2 1 1\n1 3 1\n") ==
        mm_prefix +
            "4:1: expected an entry on or below the diagonal (row >= column) in a "
            "symmetric file (got '1 3')");
  CHECK(mm_error("%%MatrixMarket matrix coordinate real skew-symmetric\n3 3 1\n2 2 1\n") ==
        mm_prefix +
            "3:1: expected an entry below the diagonal (row > column) in a "
            "skew-symmetric file (got '2 2')");
}

TEST_CASE("read_matrix_market reads from a stream and from a path, and names both",
          "[io][matrix_market]") {
  std::istringstream stream("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 4\n");
  CHECK(iterum::io::read_matrix_market(stream, "s.mtx").coeff(0, 0) == 4.0);
  std::istringstream bad("%%MatrixMarket matrix coordinate real general\n1 1 1\n2 1 4\n");
  CHECK(iterum::test::invalid_argument_message(
            [&] { (void)iterum::io::read_matrix_market(bad, "s.mtx"); }) ==
        "iterum::io::read_matrix_market: s.mtx:3:1: expected a row index in [1, 1] "
        "(got '2')");
  CHECK_THROWS_AS(iterum::io::read_matrix_market(std::filesystem::path("/nonexistent/x.mtx")),
                  iterum::invalid_argument);
}

TEST_CASE("write_matrix_market then read_matrix_market gives back the same doubles",
          "[io][matrix_market]") {
  const auto dir = std::filesystem::temp_directory_path();
  Eigen::MatrixXd dense(3, 4);
  dense << 0.1, -1.0 / 3.0, 0, 1e-310, std::numeric_limits<double>::max(), 2.0 / 3.0, -0.0,
      std::ldexp(1.0, -1074), 123456789.125, 0, 7, -std::numeric_limits<double>::min();
  const auto dense_path = dir / "iterum_mm_round_trip_dense.mtx";
  iterum::io::write_matrix_market(dense_path, dense);
  CHECK(Eigen::MatrixXd(iterum::io::read_matrix_market(dense_path)) == dense);

  Eigen::SparseMatrix<double> sparse = dense.sparseView();
  sparse.coeffRef(2, 1) = 0.0;  // an explicit zero stays a stored entry
  const auto sparse_path = dir / "iterum_mm_round_trip_sparse.mtx";
  iterum::io::write_matrix_market(sparse_path, sparse);
  const auto back = iterum::io::read_matrix_market(sparse_path);
  CHECK(back.nonZeros() == sparse.nonZeros());
  CHECK(Eigen::MatrixXd(back) == Eigen::MatrixXd(sparse));
  std::filesystem::remove(dense_path);
  std::filesystem::remove(sparse_path);

  CHECK(iterum::io::matrix_market_text(Eigen::MatrixXd::Identity(2, 2).sparseView()) ==
        "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 2 1\n");
  CHECK(iterum::test::invalid_argument_message([&] {
          iterum::io::write_matrix_market(std::filesystem::path("/nonexistent/dir/x.mtx"), dense);
        }) ==
        "iterum::io::write_matrix_market: argument 'path' cannot be opened for writing "
        "(got /nonexistent/dir/x.mtx)");
}

TEST_CASE("read_matrix_market reads lund_a.mtx from r-cran-matrix as SciPy does",
          "[io][matrix_market][data]") {
  const std::filesystem::path path = "/usr/lib/R/library/Matrix/external/lund_a.mtx";
  if (!std::filesystem::exists(path)) {
    WARN("skipped: " + path.string() +
         " is absent (Debian/Ubuntu: apt-get install r-cran-matrix; cmake/deps.sh installs it)");
    return;
  }
  std::ifstream reference(std::filesystem::path(__FILE__).parent_path() / "fixtures" /
                          "lund_a_scipy.txt");
  REQUIRE(reference);
  long rows = 0, cols = 0, entries = 0, expanded = 0;
  std::string symmetry;
  reference >> rows >> cols >> entries >> symmetry >> expanded;
  CHECK(symmetry == "symmetric");
  const auto a = iterum::io::read_matrix_market(path);
  CHECK(a.rows() == rows);
  CHECK(a.cols() == cols);
  CHECK(a.nonZeros() == expanded);
  for (int k = 0; k < 6; ++k) {
    int i = 0, j = 0;
    double value = 0;
    reference >> i >> j >> value;
    INFO("entry " << i << ", " << j);
    CHECK(a.coeff(i, j) == value);
  }
  double sum = 0, norm = 0;
  reference >> sum >> norm;
  REQUIRE(reference);
  CHECK_THAT(a.sum(), Catch::Matchers::WithinRel(sum, 1e-14));
  CHECK_THAT(a.norm(), Catch::Matchers::WithinRel(norm, 1e-14));
  CHECK(Eigen::MatrixXd(a).isApprox(Eigen::MatrixXd(a).transpose(), 0.0));
}
