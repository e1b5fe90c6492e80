// iterum::io::gunzip against gzip members written by Python's zlib (an independent DEFLATE
// encoder; tests/io/fixtures/make_fixtures.py), one per DEFLATE block type, and against
// corrupted streams.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "iterum/io/gzip.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

namespace {

std::vector<unsigned char> gzip_fixture(const std::string& name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "fixtures" / name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("crc32 gives the standard check value", "[io][gzip]") {
  const std::string digits = "123456789";
  const std::span bytes(reinterpret_cast<const unsigned char*>(digits.data()), digits.size());
  CHECK(iterum::io::detail::crc32(bytes) == 0xCBF43926U);
  // Continuing a CRC over a split input gives the CRC of the whole.
  CHECK(iterum::io::detail::crc32(bytes.subspan(4), iterum::io::detail::crc32(bytes.first(4))) ==
        0xCBF43926U);
}

TEST_CASE("gunzip decodes every DEFLATE block type as zlib encoded it", "[io][gzip]") {
  for (const std::string name : {"stored", "fixed", "dynamic", "two_members", "empty"}) {
    INFO(name);
    const auto compressed = gzip_fixture(name + ".gz");
    const auto plain = gzip_fixture(name + ".txt");
    CHECK(iterum::io::gunzip(compressed) == plain);
  }
}

TEST_CASE("gunzip rejects corrupted streams with a message naming the defect", "[io][gzip]") {
  using iterum::test::invalid_argument_message;
  const auto good = gzip_fixture("dynamic.gz");
  const auto message = [&](std::vector<unsigned char> bytes) {
    return invalid_argument_message([&] { (void)iterum::io::gunzip(bytes); });
  };
  auto bad_magic = good;
  bad_magic[1] = 0x8C;
  CHECK(message(bad_magic) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: bad magic number");
  auto bad_method = good;
  bad_method[2] = 7;
  CHECK(message(bad_method) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: compression method is "
        "not DEFLATE");
  auto bad_crc = good;
  bad_crc[bad_crc.size() - 8] ^= 0x01;
  CHECK(message(bad_crc) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: CRC-32 mismatch");
  auto bad_length = good;
  bad_length[bad_length.size() - 1] ^= 0x01;
  CHECK(message(bad_length) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: length mismatch");
  // Cut inside the compressed data.
  const std::vector<unsigned char> truncated(good.begin(), good.begin() + 200);
  CHECK(message(truncated) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: ends in the middle of "
        "a DEFLATE block");
  // Cut inside the trailer.
  const std::vector<unsigned char> no_trailer(good.begin(), good.end() - 3);
  CHECK(message(no_trailer) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: truncated member");
  CHECK(message({}) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: truncated member");
  // Block type 3 is reserved: header of 'fixed.gz' is 22 bytes (10 + "fixture.txt\0").
  auto reserved = gzip_fixture("fixed.gz");
  reserved[22] |= 0x06;
  CHECK(message(reserved) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: uses the reserved block "
        "type 3");
  // A flipped bit inside the compressed data never crashes: it throws or fails the CRC.
  for (std::size_t at = 30; at < good.size() - 8; at += 97) {
    auto flipped = good;
    flipped[at] ^= 0x10;
    CHECK_THROWS_AS(iterum::io::gunzip(flipped), iterum::invalid_argument);
  }
}

// Issue 11, D22: the members of a gzip file are independent (RFC 1952, 2.2), so each member's
// DEFLATE window starts empty. Member 1 stores "abc"; member 2 is one fixed-code block whose
// only symbol copies 3 bytes from distance 3, into member 1's output, with the CRC-32 and length
// of "abc". zlib and Python reject it ("invalid distance too far back").
TEST_CASE("gunzip rejects a member referring back into the previous member (issue 11, D22)",
          "[io][gzip]") {
  using iterum::test::invalid_argument_message;
  const std::vector<unsigned char> member_1{0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                            0x03, 0x01, 0x03, 0x00, 0xFC, 0xFF, 'a',  'b',  'c',
                                            0xC2, 0x41, 0x24, 0x35, 0x03, 0x00, 0x00, 0x00};
  const std::vector<unsigned char> member_2{0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00,
                                            0x00, 0x00, 0x03, 0x03, 0x22, 0x00, 0xC2,
                                            0x41, 0x24, 0x35, 0x03, 0x00, 0x00, 0x00};
  CHECK(iterum::io::gunzip(member_1) == std::vector<unsigned char>{'a', 'b', 'c'});
  auto both = member_1;
  both.insert(both.end(), member_2.begin(), member_2.end());
  CHECK(invalid_argument_message([&] { (void)iterum::io::gunzip(both); }) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: refers back before the "
        "start of the data");
  CHECK(invalid_argument_message([&] { (void)iterum::io::gunzip(member_2); }) ==
        "iterum::io::gunzip: argument 'data' is not a valid gzip stream: refers back before the "
        "start of the data");
}
