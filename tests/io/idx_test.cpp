// iterum::io::read_idx on IDX files written from the format's definition by
// tests/io/fixtures/make_fixtures.py, and on Fashion-MNIST as Debian ships it.

#include <filesystem>
#include <string>

#include "iterum/io/idx.hpp"
#include "support/catch_compat.hpp"
#include "support/fashion_mnist.hpp"
#include "support/throws.hpp"

namespace {

std::filesystem::path idx_fixture(const std::string& name) {
  return std::filesystem::path(__FILE__).parent_path() / "fixtures" / name;
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
        "iterum::io::read_idx: argument 'path' cannot be opened for reading (got " +
            missing.string() + ")");
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
