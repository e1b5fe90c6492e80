// libFuzzer target for iterum::io::gunzip (RFC 1952 members of RFC 1951 DEFLATE data): any
// input must decompress or throw iterum::invalid_argument; any other exception, crash, UB
// report, leak or hang is a finding. Seeds: tests/fuzz/corpus/gunzip/ (members written by
// Python's zlib, one per DEFLATE block type, and a two-member file). Built and run by
// tests/fuzz/CMakeLists.txt (preset "fuzz").

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/io/gzip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const std::vector<unsigned char> out = iterum::io::gunzip(std::span(data, size));
    // A decoded stream re-checks as one: its CRC-32 is a pure function of the bytes.
    (void)iterum::io::detail::crc32(out);
  } catch (const iterum::invalid_argument&) {
  }
  return 0;
}
