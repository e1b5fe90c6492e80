// libFuzzer target for iterum::io::read_ratings (span overload) and Ratings::matrix. The first
// byte picks the options (delimiter ',', '\t' or "::", header, a timestamp column, a permuted
// column map); the rest is the file. Any exception other than iterum::invalid_argument, a
// crash, UB, a leak or a hang is a finding.
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -isystem
//   /usr/include/eigen3 tests/fuzz/ratings_fuzz.cpp -o ratings_fuzz
//   ./ratings_fuzz -max_total_time=60 corpus_copy/   (seeds: tests/fuzz/corpus/ratings/)

#include <cstddef>
#include <cstdint>
#include <span>

#include "iterum/io/ratings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr const char* delimiters[] = {",", "\t", "::", ","};
  iterum::io::RatingsOptions options;
  options.delimiter = delimiters[data[0] & 3U];
  options.header = (data[0] & 4U) != 0;
  if ((data[0] & 8U) != 0) options.columns.timestamp = 3;
  if ((data[0] & 16U) != 0) options.columns = {.user = 1, .item = 4, .rating = 0, .timestamp = 2};
  try {
    const auto r = iterum::io::read_ratings(std::span(data + 1, size - 1), "fuzz", options);
    if (static_cast<iterum::Index>(r.users.size()) != r.size()) __builtin_trap();
    for (std::size_t k = 0; k < r.users.size(); ++k) {
      if (r.users[k] < 0 || r.users[k] >= r.n_users() || r.items[k] < 0 ||
          r.items[k] >= r.n_items()) {
        __builtin_trap();
      }
    }
    (void)r.matrix();
  } catch (const iterum::invalid_argument&) {
  }
  return 0;
}
