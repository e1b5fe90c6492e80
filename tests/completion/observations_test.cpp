// completion::Observations, split_holdout and planted_low_rank: the data layer of matrix
// completion, checked against the input it was built from.

#include <Eigen/SparseCore>
#include <algorithm>
#include <limits>
#include <set>
#include <tuple>
#include <vector>

#include "iterum/completion/observations.hpp"
#include "iterum/completion/planted.hpp"
#include "iterum/io/ratings.hpp"
#include "support/catch_compat.hpp"
#include "support/throws.hpp"

using iterum::Index;
using iterum::completion::Observations;

TEST_CASE("Observations: rows and columns hold exactly the input entries", "[completion]") {
  // A 4 x 5 matrix, entries given out of order.
  const std::vector<Index> r{2, 0, 3, 0, 2, 1, 3};
  const std::vector<Index> c{4, 1, 0, 3, 0, 1, 4};
  const std::vector<double> v{5.0, 1.0, -2.0, 0.0, 3.5, 7.0, 1e-3};
  const Observations o(4, 5, r, c, v);
  REQUIRE(o.rows() == 4);
  REQUIRE(o.cols() == 5);
  REQUIRE(o.size() == 7);
  REQUIRE(o.max_row_size() == 2);
  REQUIRE(o.max_col_size() == 2);
  std::set<std::tuple<Index, Index, double>> given;
  for (std::size_t t = 0; t < r.size(); ++t) given.insert({r[t], c[t], v[t]});
  std::set<std::tuple<Index, Index, double>> by_rows;
  std::set<std::tuple<Index, Index, double>> by_cols;
  for (Index i = 0; i < o.rows(); ++i) {
    const auto line = o.row(i);
    REQUIRE(std::is_sorted(line.index.begin(), line.index.end()));
    for (Index t = 0; t < line.size(); ++t) {
      by_rows.insert(
          {i, line.index[static_cast<std::size_t>(t)], line.value[static_cast<std::size_t>(t)]});
    }
  }
  for (Index j = 0; j < o.cols(); ++j) {
    const auto line = o.col(j);
    REQUIRE(std::is_sorted(line.index.begin(), line.index.end()));
    for (Index t = 0; t < line.size(); ++t) {
      by_cols.insert(
          {line.index[static_cast<std::size_t>(t)], j, line.value[static_cast<std::size_t>(t)]});
    }
  }
  CHECK(by_rows == given);
  CHECK(by_cols == given);
  CHECK(o.row(1).size() == 1);
  CHECK(o.col(2).size() == 0);  // an empty column
  CHECK_THAT(o.mean(),
             Catch::Matchers::WithinRel((5.0 + 1.0 - 2.0 + 0.0 + 3.5 + 7.0 + 1e-3) / 7.0, 1e-15));

  // The same entries through a sparse matrix (an explicit zero stays an observation) and back.
  const Eigen::SparseMatrix<double> s = o.matrix();
  REQUIRE(s.nonZeros() == 7);
  const Observations again(s);
  REQUIRE(again.size() == 7);
  for (Index t = 0; t < o.size(); ++t) {
    CHECK(again.row_of(t) == o.row_of(t));
    CHECK(again.col_of(t) == o.col_of(t));
    CHECK(again.value_of(t) == o.value_of(t));
  }
}

TEST_CASE("Observations: bad input names the entry", "[completion]") {
  using iterum::test::contains;
  using iterum::test::invalid_argument_message;
  const std::vector<Index> r{0, 1, 0};
  const std::vector<Index> c{0, 1, 0};
  const std::vector<double> v{1.0, 2.0, 3.0};
  const auto dup = invalid_argument_message([&] { Observations o(2, 2, r, c, v); });
  CHECK(contains(dup, "iterum::completion::Observations"));
  CHECK(contains(dup, "entry 0 (0, 0)"));
  CHECK(contains(dup, "entry 2 (0, 0)"));

  const std::vector<double> nan{1.0, std::numeric_limits<double>::quiet_NaN(), 3.0};
  const std::vector<Index> c2{0, 1, 1};
  const auto bad = invalid_argument_message([&] { Observations o(2, 2, r, c2, nan); });
  CHECK(contains(bad, "'values'"));
  CHECK(contains(bad, "entry 1 (1, 1)"));
  CHECK(contains(bad, "nan"));

  const std::vector<Index> far{0, 5, 1};
  CHECK(contains(invalid_argument_message([&] { Observations o(2, 2, far, c2, v); }), "'rows'"));
  CHECK(contains(invalid_argument_message([&] { Observations o(0, 2, r, c2, v); }), "m (rows)"));
  const std::vector<double> short_v{1.0};
  CHECK(contains(invalid_argument_message([&] { Observations o(2, 2, r, c2, short_v); }),
                 "'values'"));
}

TEST_CASE("Observations: from io::Ratings", "[completion]") {
  std::istringstream text("u1,i1,4\nu2,i1,3.5\nu1,i2,1\n");
  const iterum::io::Ratings ratings = iterum::io::read_ratings(text, "inline");
  const Observations o(ratings);
  REQUIRE(o.rows() == 2);
  REQUIRE(o.cols() == 2);
  REQUIRE(o.size() == 3);
  CHECK(o.row(0).size() == 2);
  CHECK(o.col(0).value[1] == 3.5);
}

TEST_CASE("split_holdout: an exact, disjoint, reproducible split", "[completion]") {
  iterum::completion::PlantedOptions po;
  po.rows = 60;
  po.cols = 50;
  po.rank = 3;
  po.density = 0.3;
  po.seed = 4;
  const auto planted = iterum::completion::planted_low_rank(po);
  const Observations& all = planted.observed;
  const auto [train, test] = iterum::completion::split_holdout(all, 0.25, 7);
  REQUIRE(test.size() == static_cast<Index>(std::llround(0.25 * static_cast<double>(all.size()))));
  REQUIRE(train.size() + test.size() == all.size());
  std::set<std::pair<Index, Index>> a;
  std::set<std::pair<Index, Index>> b;
  for (Index t = 0; t < train.size(); ++t) a.insert({train.row_of(t), train.col_of(t)});
  for (Index t = 0; t < test.size(); ++t) b.insert({test.row_of(t), test.col_of(t)});
  std::vector<std::pair<Index, Index>> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  CHECK(both.empty());
  for (Index t = 0; t < test.size(); ++t) {  // values are the planted matrix's
    CHECK(test.value_of(t) == planted.value(test.row_of(t), test.col_of(t)));
  }
  const auto again = iterum::completion::split_holdout(all, 0.25, 7);
  for (Index t = 0; t < test.size(); ++t) CHECK(again.second.row_of(t) == test.row_of(t));
  CHECK(iterum::test::contains(iterum::test::invalid_argument_message(
                                   [&] { (void)iterum::completion::split_holdout(all, 1.0); }),
                               "test_fraction"));
}

TEST_CASE("planted_low_rank: rank, spectrum and sampling rate", "[completion]") {
  iterum::completion::PlantedOptions po;
  po.rows = 80;
  po.cols = 60;
  po.rank = 4;
  po.condition = 100.0;
  po.oversampling = 3.0;
  const auto p = iterum::completion::planted_low_rank(po);
  const Eigen::MatrixXd m = p.left * p.right.transpose();
  const Eigen::VectorXd sv = Eigen::JacobiSVD<Eigen::MatrixXd>(m).singularValues();
  CHECK_THAT(sv[0], Catch::Matchers::WithinRel(1.0, 1e-12));
  CHECK_THAT(sv[3], Catch::Matchers::WithinRel(0.01, 1e-10));
  CHECK(sv[4] < 1e-12);
  const double expected = 3.0 * 4 * (80 + 60 - 4);  // |Omega| ~ rho k (m + n - k)
  CHECK(std::abs(static_cast<double>(p.observed.size()) - expected) < 5.0 * std::sqrt(expected));
  CHECK(p.relative_error(p.left, p.right) == 0.0);
}
