// A movie recommender on MovieLens (ml-latest-small: 100,004 ratings of 9,066 movies by 671
// users, the R dataset `movielens` of Debian's r-cran-dslabs): fit the ALS-WR model with biases
// by alternating minimization, report the held-out RMSE, recommend ten unseen movies to a user,
// and fold in a new user from a handful of ratings without refitting.
//
// Usage: movielens_recommend [ratings.tsv]   (user<TAB>movie<TAB>rating[<TAB>timestamp])
// Without a file it extracts the ratings with Rscript; without R it says so and exits 0.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <iterum/completion/altmin.hpp>
#include <iterum/io/ratings.hpp>

namespace {

std::filesystem::path ratings_file(int argc, char** argv) {
  if (argc > 1) return argv[1];
  const auto tsv = std::filesystem::temp_directory_path() / "iterum_movielens_ratings.tsv";
  if (std::filesystem::exists(tsv)) return tsv;
  const std::string command =
      "Rscript -e 'suppressMessages(library(dslabs)); data(movielens); "
      "write.table(movielens[,c(\"userId\",\"movieId\",\"rating\")], \"" +
      tsv.string() + "\", sep=\"\\t\", row.names=FALSE, col.names=FALSE, quote=FALSE)' 2>/dev/null";
  if (std::system(command.c_str()) != 0) return {};
  return tsv;
}

}  // namespace

int main(int argc, char** argv) {
  namespace mc = iterum::completion;
  const std::filesystem::path path = ratings_file(argc, argv);
  if (path.empty() || !std::filesystem::exists(path)) {
    std::cout << "MovieLens not available: install R and Debian's r-cran-dslabs, or pass a "
                 "ratings file; skipped\n";
    return 0;
  }
  iterum::io::RatingsOptions read;
  read.delimiter = "\t";
  const iterum::io::Ratings ratings = iterum::io::read_ratings(path, read);
  const mc::Observations all(ratings);
  const auto [train, test] = mc::split_holdout(all, 0.2, /*seed=*/0);
  std::cout << all.size() << " ratings, " << all.rows() << " users x " << all.cols() << " movies; "
            << train.size() << " to fit, " << test.size() << " held out\n";

  // ALS-WR with biases (the defaults), predictions clipped to the rating scale.
  mc::AltMinOptions options;
  options.clip_min = 0.5;
  options.clip_max = 5.0;
  options.validation = &test;
  options.monitor.progress = &std::cout;  // a line per second on long fits
  const mc::CompletionResult fit = mc::altmin(train, /*rank=*/20, options);
  std::cout << iterum::to_string(fit.status) << " after " << fit.iterations
            << " iterations (certificate " << fit.residual << ") in " << fit.seconds
            << " s; RMSE train " << fit.rmse << ", held out " << *fit.validation_rmse << "\n";
  if (!fit.ok()) return 1;

  // Ten movies user 0 has not rated, best first (ids as in the file).
  std::cout << "top 10 for user " << ratings.user_ids[0] << ":";
  for (const mc::Recommendation& r : fit.recommend(0, 10)) {
    std::cout << " " << ratings.item_ids[static_cast<std::size_t>(r.col)] << " (" << r.score << ")";
  }
  std::cout << "\n";

  // A new user rates five movies; fold them in against the fitted movie factors.
  const std::vector<iterum::Index> rated{0, 1, 2, 3, 4};
  const std::vector<double> stars{5.0, 4.5, 1.0, 2.0, 5.0};
  const mc::FoldedRow newcomer = fit.fold_in(rated, stars);
  std::cout << "new user: bias " << newcomer.bias << ", top 3:";
  for (const mc::Recommendation& r : fit.recommend(newcomer, 3)) {
    std::cout << " " << ratings.item_ids[static_cast<std::size_t>(r.col)];
  }
  std::cout << "; predicted for their first movie " << fit.predict(newcomer, 0) << " (rated "
            << stars[0] << ")\n";
  return 0;
}
