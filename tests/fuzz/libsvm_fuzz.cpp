// libFuzzer target for iterum::io::read_libsvm (span overload). The first byte picks the
// options (zero_based, a given n_features); the rest is the file. Any exception other than
// iterum::invalid_argument, a crash, UB, a leak or a hang is a finding.
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -isystem
//   /usr/include/eigen3 tests/fuzz/libsvm_fuzz.cpp -o libsvm_fuzz
//   ./libsvm_fuzz -max_total_time=60 corpus_copy/   (seeds: tests/fuzz/corpus/libsvm/)

#include <cstddef>
#include <cstdint>
#include <span>

#include "iterum/io/libsvm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  iterum::io::LibsvmOptions options;
  options.zero_based = (data[0] & 1U) != 0;
  if ((data[0] & 2U) != 0) options.n_features = data[0] >> 2;
  try {
    const auto read = iterum::io::read_libsvm(std::span(data + 1, size - 1), "fuzz", options);
    if (read.x.rows() != read.y.size()) __builtin_trap();
    if (!read.qid.empty() && static_cast<iterum::Index>(read.qid.size()) != read.y.size()) {
      __builtin_trap();
    }
  } catch (const iterum::invalid_argument&) {
  }
  return 0;
}
