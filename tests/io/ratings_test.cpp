// iterum::io::read_ratings on small files in each delimiter (MovieLens-style "::", ',', '\t'),
// the re-indexing and its maps, the sparse matrix, and every error with its exact message.

#include <Eigen/Dense>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "iterum/io/ratings.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

namespace {

iterum::io::Ratings ratings_read(std::string_view text, const iterum::io::RatingsOptions& options) {
  return iterum::io::read_ratings(
      std::span<const unsigned char>(reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size()),
      "r.dat", options);
}

std::string ratings_error(std::string_view text, const iterum::io::RatingsOptions& options) {
  return iterum::test::invalid_argument_message([&] { (void)ratings_read(text, options); });
}

using ratings_index_vector = std::vector<iterum::Index>;

}  // namespace

TEST_CASE("read_ratings reads MovieLens '::' files with timestamps", "[io][ratings]") {
  iterum::io::RatingsOptions options;
  options.delimiter = "::";
  options.columns.timestamp = 3;
  const auto r = ratings_read(
      "1::1193::5::978300760\n"
      "1::661::3::978302109\r\n"
      "\n"
      "22::1193::4.5::978301968\n",
      options);
  CHECK(r.size() == 3);
  CHECK(r.users == ratings_index_vector{0, 0, 1});
  CHECK(r.items == ratings_index_vector{0, 1, 0});
  CHECK(r.ratings == Eigen::Vector3d(5, 3, 4.5));
  CHECK(r.timestamps == std::vector<std::int64_t>{978300760, 978302109, 978301968});
  CHECK(r.user_ids == std::vector<std::string>{"1", "22"});
  CHECK(r.item_ids == std::vector<std::string>{"1193", "661"});
  CHECK(r.n_users() == 2);
  CHECK(r.n_items() == 2);
  Eigen::MatrixXd expected(2, 2);
  expected << 5, 3, 4.5, 0;
  CHECK(Eigen::MatrixXd(r.matrix()) == expected);
}

TEST_CASE("read_ratings: ',' with a header, '\\t', a column map, extra columns, string ids",
          "[io][ratings]") {
  iterum::io::RatingsOptions csv;
  csv.header = true;
  const auto a = ratings_read("userId,movieId,rating,timestamp\n u7 , m1 ,2.5,x\nu8,m1,1,y\n", csv);
  CHECK(a.user_ids == std::vector<std::string>{"u7", "u8"});
  CHECK(a.item_ids == std::vector<std::string>{"m1"});
  CHECK(a.ratings == Eigen::Vector2d(2.5, 1));
  CHECK(a.timestamps.empty());

  iterum::io::RatingsOptions tab;
  tab.delimiter = "\t";
  tab.columns = {.user = 2, .item = 0, .rating = 1, .timestamp = std::nullopt};
  const auto b = ratings_read("10\t3\tann smith\tignored text\n11\t4\tbob\n10\t5\tbob\n", tab);
  CHECK(b.user_ids == std::vector<std::string>{"ann smith", "bob"});
  CHECK(b.item_ids == std::vector<std::string>{"10", "11"});
  CHECK(b.users == ratings_index_vector{0, 1, 1});
  CHECK(b.items == ratings_index_vector{0, 1, 0});
  CHECK(b.ratings == Eigen::Vector3d(3, 4, 5));

  iterum::io::RatingsOptions plain;
  CHECK(ratings_read("", plain).size() == 0);
  CHECK(ratings_read("", plain).matrix().rows() == 0);
  std::istringstream stream("7,01,1\n7,1,2\n");
  const auto c = iterum::io::read_ratings(stream, "stream", plain);
  CHECK(c.item_ids == std::vector<std::string>{"01", "1"});  // ids are text
}

TEST_CASE("read_ratings rejects malformed lines naming line and column", "[io][ratings]") {
  const std::string f = "iterum::io::read_ratings: r.dat:";
  iterum::io::RatingsOptions options;
  CHECK(ratings_error("1,2\n", options) == f + "1: expected at least 3 fields (got '2 fields')");
  CHECK(ratings_error("1,2,x\n", options) == f + "1:5: expected a rating (a number) (got 'x')");
  CHECK(ratings_error("1,2,\n", options) == f + "1:5: expected a rating (a number)");
  CHECK(ratings_error("1,2,inf\n", options) == f + "1:5: expected a finite rating (got 'inf')");
  CHECK(ratings_error("1,2,3 4\n", options) ==
        f + "1:7: expected ',' or the end of the line after the rating (got '4')");
  CHECK(ratings_error(",2,3\n", options) ==
        f + "1:1: expected a user id (empty fields are not allowed)");
  CHECK(ratings_error("1, ,3\n", options) ==
        f + "1:4: expected an item id (empty fields are not allowed)");
  options.delimiter = "::";
  options.columns.timestamp = 3;
  CHECK(ratings_error("1::2::3::9x\n", options) ==
        f + "1:11: expected '::' or the end of the line after the timestamp (got 'x')");
  CHECK(ratings_error("1::2::3::t\n", options) ==
        f + "1:10: expected a timestamp (an integer) (got 't')");
  CHECK(ratings_error("1::2::3\n", options) ==
        f + "1: expected at least 4 fields (got '3 fields')");

  iterum::io::RatingsOptions bad;
  bad.delimiter = ";";
  CHECK(ratings_error("", bad) ==
        "iterum::io::read_ratings: argument 'delimiter' must be \",\", \"\\t\" or \"::\" (got "
        "\";\")");
  bad.delimiter = ",";
  bad.columns.item = 0;
  CHECK(ratings_error("", bad) ==
        "iterum::io::read_ratings: argument 'columns' must name a different field for each role");
  bad.columns.item = -1;
  CHECK(ratings_error("", bad) ==
        "iterum::io::read_ratings: argument 'columns.item' must be nonnegative (got -1)");
}

TEST_CASE("Ratings::matrix rejects a (user, item) pair rated twice", "[io][ratings]") {
  const auto r = ratings_read("a,x,1\nb,x,2\na,y,3\na,x,4\n", {});
  CHECK(iterum::test::invalid_argument_message([&] { (void)r.matrix(); }) ==
        "iterum::io::Ratings::matrix: argument 'ratings' has a (user, item) pair rated twice: "
        "ratings 0 and 3 (got user 'a', item 'x')");
}
