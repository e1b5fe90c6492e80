// libFuzzer target for the IDX reader: the bytes go through read_idx's buffer overload (gzip
// detected by its magic bytes and decompressed, as for a file, then io::parse_idx), whole and
// as a slice chosen from the input; every item held is then visited. Any input must parse or throw
// iterum::invalid_argument; any other exception, crash, UB report, leak or hang is a finding.
// Seeds: tests/fuzz/corpus/idx/ (a tiny IDX file of each element type, and one gzip-compressed).
// Built and run by tests/fuzz/CMakeLists.txt (preset "fuzz").

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

#include "iterum/core/error.hpp"
#include "iterum/io/idx.hpp"

namespace {

void iterum_fuzz_visit(const iterum::io::IdxArray& array) {
  const iterum::Index items = array.items();
  if (static_cast<std::size_t>(items * array.item_size()) != array.values.size()) std::abort();
  double sum = 0;
  for (iterum::Index k = 0; k < items; ++k) sum += array.item(k).sum();
  (void)sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const std::span<const unsigned char> bytes(data, size);
    const auto all = iterum::io::read_idx(bytes, "fuzz input");
    iterum_fuzz_visit(all);
    // A slice [first, first + count) picked from the last input byte (sometimes out of range).
    const iterum::Index n = all.shape.at(0);
    const iterum::Index pick = size > 0 ? data[size - 1] : 0;
    const iterum::Index first = pick % (n + 2);
    const std::optional<iterum::Index> count =
        (pick & 1) ? std::optional<iterum::Index>(n - first + (pick & 2 ? 1 : 0)) : std::nullopt;
    iterum_fuzz_visit(iterum::io::read_idx(bytes, "fuzz input", first, count));
  } catch (const iterum::invalid_argument&) {
  }
  return 0;
}
