// The default ALS-WR + biases model on MovieLens ml-latest-small (Debian's r-cran-dslabs): an
// 80/20 split with seed 0, predictions clipped to [0.5, 5]. Reference figures (a NumPy ALS,
// ../shared research): global mean 1.057, biases only 0.886, ALS-WR + biases k = 20 0.874.
// Below 0.84 would suggest leakage between train and test.

#include <filesystem>

#include "iterum/completion/altmin.hpp"
#include "iterum/io/ratings.hpp"
#include "support/catch_compat.hpp"
#include "support/movielens.hpp"

TEST_CASE("altmin: MovieLens test RMSE of the default model", "[completion][data]") {
  const auto tsv =
      iterum::test::movielens_tsv(std::filesystem::temp_directory_path() / "iterum_tests");
  if (!tsv) {
    WARN(iterum::test::movielens_missing_message());
    return;
  }
  iterum::io::RatingsOptions ro;
  ro.delimiter = "\t";
  const iterum::completion::Observations all(iterum::io::read_ratings(*tsv, ro));
  REQUIRE(all.size() == 100004);
  REQUIRE(all.rows() == 671);
  REQUIRE(all.cols() == 9066);
  const auto [train, test] = iterum::completion::split_holdout(all, 0.2, 0);
  iterum::completion::AltMinOptions o;
  o.clip_min = 0.5;
  o.clip_max = 5.0;
  o.validation = &test;
  const auto fit = iterum::completion::altmin(train, 20, o);
  REQUIRE(fit.validation_rmse.has_value());
  CHECK(*fit.validation_rmse <= 0.87);
  CHECK(*fit.validation_rmse >= 0.84);
  CHECK(fit.rmse < *fit.validation_rmse);
  CHECK(fit.status == iterum::Status::Converged);
  // Recommendations for user 0 exclude what the user rated.
  const auto top = fit.recommend(0, 10);
  REQUIRE(top.size() == 10);
  const auto seen = train.row(0);
  for (const auto& r : top) {
    CHECK(std::find(seen.index.begin(), seen.index.end(), r.col) == seen.index.end());
  }
}
