// libFuzzer target: iterum::io::read_npy on arbitrary bytes. Malformed input must end in
// iterum::invalid_argument (io::parse_error); anything else (another exception, a crash,
// undefined behaviour, a leak, a hang) is a finding. Seeds: tests/fuzz/corpus/npy/.

#include <cstddef>
#include <cstdint>
#include <span>

#include "iterum/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto a = iterum::io::read_npy(std::span<const unsigned char>(data, size), "fuzz.npy");
    if (a.shape.size() <= 2) (void)a.matrix();
  } catch (const iterum::invalid_argument&) {
  }
  return 0;
}
