// Google Benchmark: iterum::io::read_libsvm on a ~100 MB LIBSVM file (MB/s = file bytes per
// second of wall clock, the file read from the page cache included), single-threaded.
//
// The file is generated on first use into the build tree (ITERUM_BENCH_DATA_DIR, set by
// bench/CMakeLists.txt) or at $ITERUM_LIBSVM_BENCH_FILE: 200 000 rows, label +-1, about 40
// features each among 2 000 (strictly increasing, 1-based), values with 6 significant digits,
// from a fixed SplitMix64 seed. scikit-learn's load_svmlight_file is timed on the same file,
// interleaved with this program, by bench/peers/libsvm_read.py:
//
//   /usr/bin/python3 bench/peers/libsvm_read.py --binary build/bench/libsvm_read_benchmark
//
// or alone: build/bench/libsvm_read_benchmark --benchmark_repetitions=5

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <iterum/io/libsvm.hpp>

#ifndef ITERUM_BENCH_DATA_DIR
#define ITERUM_BENCH_DATA_DIR "."
#endif

namespace {

std::uint64_t splitmix(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::filesystem::path bench_file() {
  if (const char* env = std::getenv("ITERUM_LIBSVM_BENCH_FILE")) return env;
  return std::filesystem::path(ITERUM_BENCH_DATA_DIR) / "libsvm_100mb.svm";
}

// Writes the file unless it exists; returns its path.
std::filesystem::path ensure_file() {
  const auto path = bench_file();
  if (std::filesystem::exists(path)) return path;
  std::filesystem::create_directories(path.parent_path());
  const auto partial = path.string() + ".part";
  {
    std::ofstream out(partial, std::ios::binary);
    std::uint64_t state = 20261202;
    char buffer[64];
    for (int row = 0; row < 200000; ++row) {
      out << ((splitmix(state) & 1U) ? "+1" : "-1");
      int feature = 0;
      while (true) {
        feature += 1 + static_cast<int>(splitmix(state) % 99);  // mean gap 50: ~40 per row
        if (feature > 2000) break;
        const double value = static_cast<double>(splitmix(state) >> 11) * 0x1p-53 * 2.0 - 1.0;
        const int n = std::snprintf(buffer, sizeof buffer, " %d:%.6g", feature, value);
        out.write(buffer, n);
      }
      out << '\n';
    }
  }
  std::filesystem::rename(partial, path);
  return path;
}

void read_libsvm_file(benchmark::State& state) {
  const auto path = ensure_file();
  const auto bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  for (auto _ : state) {
    auto data = iterum::io::read_libsvm(path);
    benchmark::DoNotOptimize(data.x.valuePtr());
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}

}  // namespace

BENCHMARK(read_libsvm_file)->Unit(benchmark::kMillisecond)->UseRealTime();
