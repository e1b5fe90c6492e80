// iterum::io::read_idx on IDX files written from the format's definition by
// tests/io/fixtures/make_fixtures.py, and on Fashion-MNIST as Debian ships it.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "iterum/io/idx.hpp"
#include "support/catch_compat.hpp"
#include "support/fashion_mnist.hpp"
#include "support/throws.hpp"

namespace {

std::filesystem::path idx_fixture(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "fixtures" / name;
}

std::string idx_fixture_bytes(const std::string& name) {
  std::ifstream in(idx_fixture(name), std::ios::binary);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::span<const unsigned char> idx_span(const std::string& bytes) {
  return {reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()};
}

}  // namespace

TEST_CASE("read_idx reads unsigned-byte images, plain and gzip-compressed", "[io][idx]") {
  for (const std::string name : {"images_u8.idx", "images_u8.idx.gz"}) {
    INFO(name);
    const auto array = iterum::io::read_idx(idx_fixture(name));
    CHECK(array.type == iterum::io::IdxType::UnsignedByte);
    CHECK(array.shape == std::vector<iterum::Index>{3, 2, 3});
    CHECK(array.items() == 3);
    CHECK(array.item_size() == 6);
    for (iterum::Index k = 0; k < 3; ++k) {
      const auto image = array.item(k);
      REQUIRE(image.rows() == 2);
      REQUIRE(image.cols() == 3);
      for (iterum::Index r = 0; r < 2; ++r) {
        for (iterum::Index c = 0; c < 3; ++c) {
          CHECK(image(r, c) == static_cast<double>(10 * k + 3 * r + c + (k == 2 ? 200 : 0)));
        }
      }
    }
  }
}

TEST_CASE("read_idx reads a slice of items without the rest", "[io][idx]") {
  const auto array = iterum::io::read_idx(idx_fixture("images_u8.idx.gz"), 1, 2);
  CHECK(array.first == 1);
  CHECK(array.items() == 2);
  CHECK(array.item(0)(1, 2) == 15.0);
  CHECK(array.item(1)(0, 0) == 220.0);
  CHECK(iterum::io::read_idx(idx_fixture("images_u8.idx"), 3).items() == 0);
}

TEST_CASE("read_idx reads a stream and a memory buffer as it reads the file, gzip or plain",
          "[io][idx]") {
  for (const std::string name : {"images_u8.idx", "images_u8.idx.gz", "vectors_f64.idx"}) {
    INFO(name);
    const auto from_path = iterum::io::read_idx(idx_fixture(name));
    const std::string bytes = idx_fixture_bytes(name);
    std::istringstream stream(bytes);
    const auto from_stream = iterum::io::read_idx(stream, name);
    const auto from_buffer = iterum::io::read_idx(idx_span(bytes), name);
    for (const auto* array : {&from_stream, &from_buffer}) {
      CHECK(array->type == from_path.type);
      CHECK(array->shape == from_path.shape);
      CHECK(array->first == 0);
      CHECK(array->values == from_path.values);
    }
  }
  // A slice, as the path overload takes it.
  const std::string gz = idx_fixture_bytes("images_u8.idx.gz");
  std::istringstream stream(gz);
  const auto slice = iterum::io::read_idx(stream, "images", 1, 2);
  CHECK(slice.first == 1);
  CHECK(slice.items() == 2);
  CHECK(slice.item(1)(0, 0) == 220.0);
  CHECK(iterum::io::read_idx(idx_span(gz), "images", 2).values ==
        iterum::io::read_idx(idx_fixture("images_u8.idx"), 2).values);
}

TEST_CASE("read_idx on a stream or a buffer rejects bad content and slices naming the argument",
          "[io][idx]") {
  using iterum::test::invalid_argument_message;
  const std::string text = "not an IDX file";
  std::istringstream stream(text);
  CHECK(invalid_argument_message([&] { (void)iterum::io::read_idx(stream, "text"); }) ==
        "iterum::io::read_idx: argument 'data' is not an IDX file: the magic number does not "
        "start with two zero bytes");
  const std::string bytes = idx_fixture_bytes("images_u8.idx");
  CHECK(invalid_argument_message([&] { (void)iterum::io::read_idx(idx_span(bytes), "b", 4); }) ==
        "iterum::io::read_idx: argument 'first' must lie in [0, 3] (got 4)");
  CHECK(invalid_argument_message([&] { (void)iterum::io::read_idx(idx_span(bytes), "b", 1, 3); }) ==
        "iterum::io::read_idx: argument 'count' must fit in the file's 3 items from first = 1 "
        "(got 3)");
  // Broken gzip data is reported as gunzip does, naming read_idx.
  std::string truncated = idx_fixture_bytes("images_u8.idx.gz");
  truncated.resize(truncated.size() - 4);
  CHECK(invalid_argument_message([&] { (void)iterum::io::read_idx(idx_span(truncated), "t"); }) ==
        "iterum::io::read_idx: argument 'data' is not a valid gzip stream: truncated member");
}

TEST_CASE("read_idx converts every IDX element type, big-endian", "[io][idx]") {
  const auto i32 = iterum::io::read_idx(idx_fixture("labels_i32.idx"));
  CHECK(i32.type == iterum::io::IdxType::Int32);
  CHECK(i32.values == std::vector<double>{7, -2, 0, 2147483647});
  CHECK(i32.item(1)(0, 0) == -2.0);
  const auto f64 = iterum::io::read_idx(idx_fixture("vectors_f64.idx"));
  CHECK(f64.values == std::vector<double>{0.5, -1.25, 1e300, 3.0, -0.0, 0x1p-30});
  CHECK(f64.item(1).cols() == 3);
  CHECK(iterum::io::read_idx(idx_fixture("signed_i16.idx")).values ==
        std::vector<double>{-32768, 0, 32767});
  CHECK(iterum::io::read_idx(idx_fixture("float_f32.idx")).values ==
        std::vector<double>{1.5, -0.125});
  CHECK(iterum::io::read_idx(idx_fixture("signed_i8.idx")).values ==
        std::vector<double>{-128, 127});
}

TEST_CASE("read_idx and parse_idx reject bad input naming the argument", "[io][idx]") {
  using iterum::test::invalid_argument_message;
  const auto missing = idx_fixture("no_such_file.idx");
  CHECK(invalid_argument_message([&] { (void)iterum::io::read_idx(missing); }) ==
        "iterum::io::read_idx: argument 'path' cannot be accessed (got " + missing.string() + ")");
  CHECK(invalid_argument_message([&] {
          (void)iterum::io::read_idx(idx_fixture("images_u8.idx"), 4);
        }) == "iterum::io::read_idx: argument 'first' must lie in [0, 3] (got 4)");
  CHECK(invalid_argument_message(
            [&] { (void)iterum::io::read_idx(idx_fixture("images_u8.idx"), 1, 3); }) ==
        "iterum::io::read_idx: argument 'count' must fit in the file's 3 items from first = 1 "
        "(got 3)");
  const auto array = iterum::io::read_idx(idx_fixture("images_u8.idx"));
  CHECK(invalid_argument_message([&] { (void)array.item(3); }) ==
        "iterum::io::IdxArray::item: argument 'k' must index an item held (got 3 of 3)");
  // A plain-text file is neither gzip nor IDX.
  CHECK(invalid_argument_message([&] { (void)iterum::io::read_idx(idx_fixture("fixed.txt")); }) ==
        "iterum::io::read_idx: argument 'data' is not an IDX file: the magic number does not "
        "start with two zero bytes");
  const unsigned char bad_type[] = {0, 0, 0x0A, 1, 0, 0, 0, 0};
  CHECK(invalid_argument_message([&] { (void)iterum::io::parse_idx(bad_type); }) ==
        "iterum::io::parse_idx: argument 'data' is not an IDX file: unknown type byte 10");
  const unsigned char short_data[] = {0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2};
  CHECK(invalid_argument_message([&] { (void)iterum::io::parse_idx(short_data); }) ==
        "iterum::io::parse_idx: argument 'data' is not an IDX file: holds 10 bytes where its "
        "header implies 11");
}

TEST_CASE("Fashion-MNIST test set as Debian ships it", "[io][idx][fashion-mnist]") {
  const auto dir = iterum::test::fashion_mnist_dir();
  if (!dir) {
    WARN(iterum::test::fashion_mnist_missing_message());
    return;
  }
  // The published test set: 10,000 28 x 28 images, 1,000 of each of the 10 classes.
  const auto labels = iterum::io::read_idx(*dir / "t10k-labels-idx1-ubyte.gz");
  REQUIRE(labels.shape == std::vector<iterum::Index>{10000});
  std::vector<int> per_class(10, 0);
  for (const double label : labels.values) ++per_class.at(static_cast<std::size_t>(label));
  CHECK(per_class == std::vector<int>(10, 1000));
  const auto images = iterum::io::read_idx(*dir / "t10k-images-idx3-ubyte.gz", 0, 2);
  REQUIRE(images.shape == std::vector<iterum::Index>{10000, 28, 28});
  CHECK(images.item(0).maxCoeff() <= 255.0);
  // Nonzero pixels of images 0 and 1 (counted with NumPy from the same file: 267 and 504).
  CHECK((images.item(0).array() > 0).count() == 267);
  CHECK((images.item(1).array() > 0).count() == 504);
}

// Issue 11, D19: a directory opened as a file reported a size of 2^63 - 1 and the reader tried
// to allocate it. read_idx loads through io::load, which accepts regular files only.
TEST_CASE("read_idx rejects a directory as its path (issue 11, D19)", "[io][idx]") {
  using iterum::test::invalid_argument_message;
  const auto dir = idx_fixture("");
  CHECK(invalid_argument_message([&] { (void)iterum::io::read_idx(dir); }) ==
        "iterum::io::read_idx: argument 'path' is not a regular file (got " + dir.string() + ")");
}

// Issue 11, D20: headers whose dimensions' product wraps around (in std::size_t) or overflows
// Index were accepted with a few bytes of data, or led to allocations of 2^60 bytes and more.
TEST_CASE("parse_idx rejects dimensions whose sizes overflow (issue 11, D20)", "[io][idx]") {
  using iterum::test::invalid_argument_message;
  const auto message = [](std::vector<unsigned char> bytes) {
    return invalid_argument_message([&] { (void)iterum::io::parse_idx(bytes); });
  };
  const std::string overflow =
      "iterum::io::parse_idx: argument 'data' is not an IDX file: the product of its dimensions "
      "overflows";
  // 12-byte header: float64, 2^31 x 2^31; 2^62 values of 8 bytes wrap to 0 bytes of data.
  CHECK(message({0, 0, 0x0E, 2, 0x80, 0, 0, 0, 0x80, 0, 0, 0}) == overflow);
  // 20-byte header: unsigned bytes, 2^16 x 2^16 x 2^16 x 2^16 = 2^64, which wraps to 0.
  CHECK(message({0, 0, 0x08, 4, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0}) == overflow);
  // 28-byte header: no items, but items of (2^32 - 1)^5 values (IdxArray::item_size overflowed).
  std::vector<unsigned char> empty_huge_items{0, 0, 0x08, 6, 0, 0, 0, 0};
  for (int d = 0; d < 5; ++d) empty_huge_items.insert(empty_huge_items.end(), 4, 0xFF);
  CHECK(message(empty_huge_items) == overflow);
  // A large size that does not overflow is checked against the bytes present, before any
  // allocation: 2^31 - 1 items of 2^16 float64 values announced, 4 bytes of data present.
  CHECK(message({0, 0, 0x0E, 2, 0x7F, 0xFF, 0xFF, 0xFF, 0, 1, 0, 0, 1, 2, 3, 4}) ==
        "iterum::io::parse_idx: argument 'data' is not an IDX file: holds 16 bytes where its "
        "header implies 1125899906318348");
}

// Issue 11, D21: count = INT64_MAX made `first + count` overflow.
TEST_CASE("parse_idx rejects a count near INT64_MAX (issue 11, D21)", "[io][idx]") {
  using iterum::test::invalid_argument_message;
  const unsigned char labels[] = {0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9};
  const auto huge = std::numeric_limits<iterum::Index>::max();
  CHECK(invalid_argument_message([&] { (void)iterum::io::parse_idx(labels, 1, huge); }) ==
        "iterum::io::parse_idx: argument 'count' must fit in the file's 3 items from first = 1 "
        "(got 9223372036854775807)");
  CHECK(iterum::io::parse_idx(labels, 1, 2).values == std::vector<double>{8, 9});
}
