#pragma once

// Where the bench/**/*_trace.cpp programs write their CSV. One call per program:
//
//   std::string csv = bench::trace_csv_path("halpern_lp.csv");  // --csv FILE still overrides
//
// The default is never the source tree (bench/plots/ holds the committed data the figures are
// drawn from; regenerating it is a deliberate act, see bench/plots/README.md):
//   1. `--csv FILE` on the command line (parsed by each program) wins;
//   2. else, if the environment variable ITERUM_TRACE_DIR is set and not empty:
//      $ITERUM_TRACE_DIR/<file_name>;
//   3. else <build tree>/bench/plots/<file_name> (ITERUM_TRACE_DEFAULT_DIR, which
//      bench/CMakeLists.txt defines), or ./<file_name> for a program compiled by hand.
// The directory of cases 2 and 3 is created if it does not exist.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#ifndef ITERUM_TRACE_DEFAULT_DIR
#define ITERUM_TRACE_DEFAULT_DIR "."
#endif

namespace bench {

inline std::string trace_csv_path(const std::string& file_name) {
  const char* env = std::getenv("ITERUM_TRACE_DIR");
  const std::filesystem::path dir =
      env != nullptr && *env != '\0' ? std::filesystem::path(env) : ITERUM_TRACE_DEFAULT_DIR;
  std::error_code ignored;  // if it cannot be created, opening the file reports the problem
  std::filesystem::create_directories(dir, ignored);
  return (dir / file_name).string();
}

}  // namespace bench
