// libFuzzer target for iterum::io::read_csv (span overload). The first byte picks the options
// (delimiter ',', ' ', '\t' or ';', skip_rows 0-3, comment '#' or none); the rest is the file.
// Any exception other than iterum::invalid_argument, a crash, UB, a leak or a hang is a finding.
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -isystem
//   /usr/include/eigen3 tests/fuzz/csv_fuzz.cpp -o csv_fuzz
//   ./csv_fuzz -max_total_time=60 corpus_copy/   (seeds: tests/fuzz/corpus/csv/)

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "iterum/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr char delimiters[] = {',', ' ', '\t', ';'};
  iterum::io::CsvOptions options;
  options.delimiter = delimiters[data[0] & 3U];
  options.skip_rows = (data[0] >> 2) & 3U;
  if ((data[0] & 16U) != 0) options.comment = std::nullopt;
  try {
    const auto m = iterum::io::read_csv(std::span(data + 1, size - 1), "fuzz", options);
    if (!m.allFinite()) __builtin_trap();
  } catch (const iterum::invalid_argument&) {
  }
  return 0;
}
