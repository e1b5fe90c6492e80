// iterum::io::read_npy and write_npy on .npy files written by Debian's python3-numpy
// (tests/io/fixtures/make_npy_fixtures.py: every dtype in C and Fortran order, 3-D, 1-D and 0-d
// arrays, header versions 2.0 and 3.0, a big-endian file), hand-made malformed headers with exact
// messages, and write -> read round trips.

#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "iterum/io/npy.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

namespace {

std::filesystem::path npy_fixture(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "fixtures" / "npy" / name;
}

/// A .npy file image with `header` as its (version 1.0) header text and `data` after it.
std::vector<unsigned char> npy_file(const std::string& header, const std::string& data = "") {
  const std::string text = std::string("\x93NUMPY\x01\x00", 8) +
                           static_cast<char>(header.size() % 256) +
                           static_cast<char>(header.size() / 256) + header + data;
  return {text.begin(), text.end()};
}

std::string npy_error(const std::vector<unsigned char>& bytes) {
  return iterum::test::invalid_argument_message(
      [&] { (void)iterum::io::read_npy(std::span<const unsigned char>(bytes), "t.npy"); });
}

const std::string npy_prefix = "iterum::io::read_npy: t.npy:";

}  // namespace

TEST_CASE("read_npy reads every supported dtype in C and Fortran order", "[io][npy]") {
  using iterum::io::NpyType;
  struct Case {
    std::string code;
    NpyType type;
    std::vector<double> row_major;  // the 2 x 3 values of make_npy_fixtures.py
  };
  const std::vector<Case> cases = {
      {"f8", NpyType::Float64, {0.5, -1.25, 1e300, 3.0, -0.0, std::ldexp(1.0, -30)}},
      {"f4",
       NpyType::Float32,
       {0.5, -1.25, static_cast<double>(1e30f), 3.0, -0.0, std::ldexp(1.0, -30)}},
      {"i8", NpyType::Int64, {1, -2, 3, std::ldexp(1.0, 40), -std::ldexp(1.0, 40), 0}},
      {"i4", NpyType::Int32, {1, -2, 3, 2147483647.0, -2147483648.0, 0}},
      {"i2", NpyType::Int16, {1, -2, 3, 32767, -32768, 0}},
      {"i1", NpyType::Int8, {1, -2, 3, 127, -128, 0}},
      {"u8", NpyType::UInt64, {1, 2, 3, std::ldexp(1.0, 40), std::ldexp(1.0, 53), 0}},
      {"u4", NpyType::UInt32, {1, 2, 3, 4294967295.0, 2147483648.0, 0}},
      {"u2", NpyType::UInt16, {1, 2, 3, 65535, 32768, 0}},
      {"u1", NpyType::UInt8, {1, 2, 3, 255, 128, 0}},
      {"b1", NpyType::Bool, {1, 0, 1, 0, 0, 1}},
  };
  for (const auto& c : cases) {
    const Eigen::Matrix<double, 2, 3, Eigen::RowMajor> expected(c.row_major.data());
    for (const std::string order : {"c", "f"}) {
      INFO(c.code << " " << order);
      const auto array = iterum::io::read_npy(npy_fixture(c.code + "_" + order + ".npy"));
      CHECK(array.type == c.type);
      CHECK(array.fortran_order == (order == "f"));
      CHECK(array.shape == std::vector<iterum::Index>{2, 3});
      CHECK(array.matrix() == expected);
      if (c.code[0] == 'f') CHECK(std::signbit(array.matrix()(1, 1)));
    }
  }
}

TEST_CASE("read_npy keeps the values column-major for any number of dimensions", "[io][npy]") {
  for (const std::string name : {"cube_c.npy", "cube_f.npy"}) {
    INFO(name);
    const auto cube = iterum::io::read_npy(npy_fixture(name));
    REQUIRE(cube.shape == std::vector<iterum::Index>{2, 3, 4});
    CHECK(cube.ndim() == 3);
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) {
        for (int k = 0; k < 4; ++k) {
          CHECK(cube.values[static_cast<std::size_t>(i + 2 * (j + 3 * k))] == 100 * i + 10 * j + k);
        }
      }
    }
    CHECK(iterum::test::invalid_argument_message([&] { (void)cube.matrix(); }) ==
          "iterum::io::NpyArray::matrix: argument 'this' must have at most 2 dimensions (got 3)");
  }
  const auto vector = iterum::io::read_npy(npy_fixture("vector.npy"));
  CHECK(vector.shape == std::vector<iterum::Index>{3});
  CHECK(vector.matrix() == Eigen::Vector3d(1.5, -2.5, 4.0));
  const auto scalar = iterum::io::read_npy(npy_fixture("scalar.npy"));
  CHECK(scalar.shape.empty());
  CHECK(scalar.matrix() == Eigen::MatrixXd::Constant(1, 1, 7.25));
}

TEST_CASE("read_npy reads header versions 2.0 and 3.0 and rejects big-endian files", "[io][npy]") {
  Eigen::Matrix<double, 2, 3, Eigen::RowMajor> expected;
  expected << 0.5, -1.25, 1e300, 3.0, -0.0, std::ldexp(1.0, -30);
  CHECK(iterum::io::read_npy(npy_fixture("v2.npy")).matrix() == expected);
  CHECK(iterum::io::read_npy(npy_fixture("v3.npy")).matrix() == expected);
  const std::string message = iterum::test::invalid_argument_message(
      [&] { (void)iterum::io::read_npy(npy_fixture("big_endian.npy")); });
  CHECK(iterum::test::contains(message,
                               "big_endian.npy:1:22: expected a little-endian numeric "
                               "dtype ('<f8', '<f4', '<i8', '<i4', '<i2', '|i1', '<u8', "
                               "'<u4', '<u2', '|u1', '|b1') (got '>f8')"));
}

TEST_CASE("read_npy parses the header dict strictly", "[io][npy]") {
  const std::string eight(8, '\0');
  const auto header = [](const std::string& dict) { return dict + " \n"; };
  // Accepted: double quotes, no trailing comma, keys in any order, extra blanks.
  CHECK(iterum::io::read_npy(npy_file(header("{\"shape\": (1,) ,'fortran_order':True,"
                                             " 'descr':'<f8'}"),
                                      eight),
                             "t.npy")
            .shape == std::vector<iterum::Index>{1});

  CHECK(npy_error({'N', 'U', 'M'}) ==
        npy_prefix + "1:1: expected the magic string '\\x93NUMPY' (got 'NUM')");
  auto wrong_version = npy_file(header("{'descr': '<f8', 'fortran_order': False, 'shape': (), }"));
  wrong_version[6] = 4;
  CHECK(npy_error(wrong_version) ==
        npy_prefix + "1:7: expected format version 1.0, 2.0 or 3.0 (got '4.0')");
  auto long_header = npy_file("{}\n");
  long_header[8] = 200;
  CHECK(npy_error(long_header) ==
        npy_prefix + "1:9: expected a header length within the file's 13 bytes (got '200')");
  CHECK(npy_error(npy_file(header("{'descr': '|O', 'fortran_order': False, 'shape': (), }"))) ==
        npy_prefix +
            "1:22: expected a little-endian numeric dtype ('<f8', '<f4', '<i8', '<i4', "
            "'<i2', '|i1', '<u8', '<u4', '<u2', '|u1', '|b1') (got '|O')");
  CHECK(npy_error(
            npy_file(header("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (), }"))) ==
        npy_prefix +
            "1:21: expected a dtype string (structured dtypes are not supported) "
            "(got '[('a', '<f8')], 'for')");
  CHECK(npy_error(npy_file(header("{'descr': '<f8', 'fortran_order': 0, 'shape': (), }"))) ==
        npy_prefix + "1:45: expected True or False (got '0, 'shape': (), } ')");
  CHECK(npy_error(npy_file(header("{'descr': '<f8', 'fortran_order': False, 'shape': (3), }"))) ==
        npy_prefix + "1:63: expected ',' after the only dimension of a 1-tuple (got '), } ')");
  CHECK(npy_error(npy_file(header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"))) ==
        npy_prefix + "1:62: expected a nonnegative integer dimension (got '-1,), } ')");
  CHECK(npy_error(npy_file(header("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, "
                                  "'shape': (), }"))) ==
        npy_prefix +
            "1:29: expected each of the keys 'descr', 'fortran_order' and 'shape' once "
            "(got 'descr')");
  CHECK(npy_error(npy_file(header("{'descr': '<f8', 'shape': (), }"))) ==
        npy_prefix +
            "1:11: expected a header with the keys 'descr', 'fortran_order' and "
            "'shape' (got 'no 'fortran_order'')");
  CHECK(npy_error(npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (), } x\n")) ==
        npy_prefix +
            "1:67: expected the end of the header (blanks and a final newline) (got "
            "'x')");
  CHECK(npy_error(npy_file(header("{'descr': '<f8', 'fortran_order': False, 'shape': "
                                  "(99999999999999999999,), }"))) ==
        npy_prefix + "1:62: expected a dimension within range (got '99999999999999999999')");
}

TEST_CASE("read_npy checks the data size against the shape, without overflow", "[io][npy]") {
  const auto header = [](const std::string& shape) {
    return "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }\n";
  };
  CHECK(npy_error(npy_file(header("(2, 2)"), std::string(24, '\0'))) ==
        "iterum::io::read_npy: t.npy: expected 32 bytes of data after the header, as its shape "
        "and dtype imply (got '24 bytes')");
  CHECK(npy_error(npy_file(header("(2,)"), std::string(17, '\0'))) ==
        "iterum::io::read_npy: t.npy: expected 16 bytes of data after the header, as its shape "
        "and dtype imply (got '17 bytes')");
  CHECK(npy_error(npy_file(header("(4294967296, 4294967296)"), std::string(8, '\0'))) ==
        "iterum::io::read_npy: t.npy: expected more than 2^64 bytes of data after the header, "
        "as its shape and dtype imply (got '8 bytes')");
  CHECK(npy_error(npy_file(header("(4294967296, 4294967296, 0)"), "")) == "<no exception>");
}

TEST_CASE("write_npy then read_npy gives back the same doubles, in either storage order",
          "[io][npy]") {
  const auto dir = std::filesystem::temp_directory_path();
  Eigen::MatrixXd a(3, 2);
  a << 0.1, -1.0 / 3.0, 1e-310, -0.0, std::numeric_limits<double>::infinity(), 7;
  const auto path = dir / "iterum_npy_round_trip.npy";
  iterum::io::write_npy(path, a);
  const auto back = iterum::io::read_npy(path);
  CHECK(back.fortran_order);
  CHECK(back.shape == std::vector<iterum::Index>{3, 2});
  CHECK(back.matrix() == a);
  std::filesystem::remove(path);

  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = a;
  const auto bytes = iterum::io::npy_bytes(r);
  CHECK(bytes.size() % 64 == 48);  // header padded to 64 bytes, then 6 doubles
  const auto from_row_major = iterum::io::read_npy(std::span<const unsigned char>(bytes), "r");
  CHECK(!from_row_major.fortran_order);
  CHECK(from_row_major.matrix() == a);

  const Eigen::VectorXf v = Eigen::VectorXf::LinSpaced(4, 0.5f, 2.0f);
  const auto vector = iterum::io::read_npy(iterum::io::npy_bytes(v), "v");
  CHECK(vector.shape == std::vector<iterum::Index>{4});
  CHECK(vector.matrix() == v.cast<double>());
  const std::string header(bytes.begin() + 10, bytes.begin() + 80);
  CHECK(header.rfind("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", 0) == 0);
}
