// iterum::io::Bytes (the buffer an io::Input owns) and io::load from a stream, a buffer and a
// path: the same bytes whichever way they come, across the stream loader's 64 KiB blocks.

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "iterum/io/bytes.hpp"
#include "iterum/io/input.hpp"
#include "support/catch_compat.hpp"

namespace {

// Bytes that are not text and not gzip: k * 7 + k / 251 (mod 256), `n` of them.
std::string input_pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t k = 0; k < n; ++k) s[k] = static_cast<char>((k * 7 + k / 251) % 256);
  if (n >= 2) s[1] = 'x';  // never the gzip magic 1f 8b
  return s;
}

bool input_equal(const iterum::io::Bytes& bytes, const std::string& text) {
  return bytes.size() == text.size() &&
         std::equal(bytes.begin(), bytes.end(), text.begin(),
                    [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); });
}

}  // namespace

TEST_CASE("io::Bytes copies deeply, adopts a vector's storage and empties when moved from",
          "[io][input]") {
  using iterum::io::Bytes;
  const Bytes empty;
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  CHECK(empty.begin() == empty.end());

  Bytes raw = Bytes::uninitialized(5);
  REQUIRE(raw.size() == 5);
  for (std::size_t k = 0; k < raw.size(); ++k) raw[k] = static_cast<unsigned char>(10 + k);
  const Bytes copy = raw;  // deep
  CHECK(copy.data() != raw.data());
  raw[0] = 99;
  CHECK(copy[0] == 10);
  CHECK(copy[4] == 14);

  std::vector<unsigned char> vector{1, 2, 3};
  const unsigned char* storage = vector.data();
  Bytes adopted(std::move(vector));
  CHECK(adopted.data() == storage);  // no copy
  CHECK(adopted.size() == 3);
  Bytes moved = std::move(adopted);
  CHECK(moved.data() == storage);
  CHECK(adopted.empty());  // NOLINT(bugprone-use-after-move): documented state
  CHECK(adopted.data() == nullptr);
  adopted = moved;  // copy-assign: deep
  CHECK(adopted.data() != storage);
  CHECK(adopted[2] == 3);

  const std::span<const unsigned char> view = moved;  // a contiguous range
  CHECK(view.size() == 3);
  CHECK(view[1] == 2);
  const Bytes from_span(view);
  CHECK(from_span.data() != view.data());
  CHECK(from_span[1] == 2);
}

TEST_CASE("io::load gives the same bytes from a stream, a buffer and a path", "[io][input]") {
  constexpr std::string_view function = "iterum::io::test";
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{65535},
                              std::size_t{65536}, std::size_t{65537}, std::size_t{200003}}) {
    INFO(n);
    const std::string text = input_pattern(n);
    std::istringstream stream(text);
    const auto from_stream = iterum::io::load(stream, "s", function);
    CHECK(from_stream.name == "s");
    CHECK(input_equal(from_stream.bytes, text));
    const auto from_buffer = iterum::io::load(
        std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()), "b", function);
    CHECK(input_equal(from_buffer.bytes, text));
    const auto path = std::filesystem::temp_directory_path() / "iterum_input_test.bin";
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    const auto from_path = iterum::io::load(path, function);
    CHECK(from_path.name == path.string());
    CHECK(input_equal(from_path.bytes, text));
    std::filesystem::remove(path);
  }
}
