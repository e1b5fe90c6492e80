// libFuzzer target: iterum::io::read_matrix_market on arbitrary bytes. Malformed input must end
// in iterum::invalid_argument (io::parse_error); anything else (another exception, a crash,
// undefined behaviour, a leak, a hang) is a finding. Seeds: tests/fuzz/corpus/matrix_market/.

#include <cstddef>
#include <cstdint>
#include <span>

#include "iterum/io/matrix_market.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto m =
        iterum::io::read_matrix_market(std::span<const unsigned char>(data, size), "fuzz.mtx");
    (void)m.nonZeros();
  } catch (const iterum::invalid_argument&) {
  }
  return 0;
}
