#pragma once

// MovieLens ml-latest-small (100,004 ratings, 671 users x 9,066 movies) as Debian's
// r-cran-dslabs ships it (the R dataset `movielens`), extracted at run time with Rscript into a
// tab-separated file (user, movie, rating, timestamp) — never committed. For tests and
// benchmarks of matrix completion.

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace iterum::test {

/// The ratings file: $ITERUM_MOVIELENS_TSV when set, else `dir`/movielens_ratings.tsv,
/// extracted there by Rscript if it is not there yet. Empty when R or dslabs is missing.
inline std::optional<std::filesystem::path> movielens_tsv(const std::filesystem::path& dir) {
  if (const char* env = std::getenv("ITERUM_MOVIELENS_TSV"); env && *env) {
    if (std::filesystem::exists(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  const std::filesystem::path tsv = dir / "movielens_ratings.tsv";
  if (std::filesystem::exists(tsv)) return tsv;
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  const std::filesystem::path partial = dir / "movielens_ratings.tsv.part";
  const std::string command =
      "Rscript -e 'suppressMessages(library(dslabs)); data(movielens); "
      "write.table(movielens[,c(\"userId\",\"movieId\",\"rating\",\"timestamp\")], \"" +
      partial.string() +
      "\", sep=\"\\t\", row.names=FALSE, col.names=FALSE, quote=FALSE)' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(partial)) return std::nullopt;
  std::filesystem::rename(partial, tsv, ignored);
  if (ignored) return std::nullopt;
  return tsv;
}

inline const char* movielens_missing_message() {
  return "skipped: MovieLens needs R and Debian's r-cran-dslabs (apt-get install r-cran-dslabs), "
         "or ITERUM_MOVIELENS_TSV naming a user<TAB>movie<TAB>rating file";
}

}  // namespace iterum::test
