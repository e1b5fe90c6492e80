#include "iterum/core/random.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "support/catch_compat.hpp"
#include "support/throws.hpp"

TEST_CASE("the engine is the standard's mt19937_64", "[core][random]") {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937_64.
  iterum::Engine engine = iterum::make_engine(5489u);
  for (int i = 1; i < 10000; ++i) (void)engine();
  REQUIRE(engine() == 9981545732273789042ull);
}

TEST_CASE("uniform01 is the top 53 bits of the engine, scaled", "[core][random]") {
  iterum::Engine engine = iterum::make_engine(7);
  std::mt19937_64 reference(7);
  for (int i = 0; i < 1000; ++i) {
    const double expected = static_cast<double>(reference() >> 11) / 9007199254740992.0;
    const double u = iterum::random::uniform01(engine);
    REQUIRE(u == expected);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
  }
}

TEST_CASE("a seed fixes the stream; another seed changes it", "[core][random]") {
  auto a = iterum::make_engine(42);
  auto b = iterum::make_engine(42);
  auto c = iterum::make_engine(43);
  const auto va = iterum::random::normal_vector(a, 16);
  const auto vb = iterum::random::normal_vector(b, 16);
  const auto vc = iterum::random::normal_vector(c, 16);
  REQUIRE(va == vb);
  REQUIRE(va != vc);
}

TEST_CASE("uniform_index is uniform on {0..n-1}", "[core][random]") {
  auto engine = iterum::make_engine(1);
  constexpr int n = 7;
  constexpr int draws = 70000;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < draws; ++i) {
    const auto k = iterum::random::uniform_index(engine, n);
    REQUIRE(k >= 0);
    REQUIRE(k < n);
    ++counts[static_cast<std::size_t>(k)];
  }
  // Pearson chi-square with 6 degrees of freedom: P(chi2 > 22.46) = 0.001.
  double chi2 = 0;
  const double expected = draws / double(n);
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  REQUIRE(chi2 < 22.46);
}

TEST_CASE("normal draws have the standard normal's moments and mass", "[core][random]") {
  auto engine = iterum::make_engine(2024);
  constexpr int draws = 200000;
  double sum = 0, sum2 = 0;
  int within_one = 0;
  for (int i = 0; i < draws; ++i) {
    const double z = iterum::random::normal(engine);
    sum += z;
    sum2 += z * z;
    within_one += std::abs(z) < 1.0 ? 1 : 0;
  }
  const double mean = sum / draws;
  const double variance = sum2 / draws - mean * mean;
  // 5 standard errors: sd(mean) = 1/sqrt(N), sd(variance) = sqrt(2/N), sd(p) = sqrt(pq/N).
  REQUIRE(std::abs(mean) < 5.0 / std::sqrt(draws));
  REQUIRE(std::abs(variance - 1.0) < 5.0 * std::sqrt(2.0 / draws));
  const double p = 0.6826894921370859;  // P(|Z| < 1)
  REQUIRE(std::abs(within_one / double(draws) - p) < 5.0 * std::sqrt(p * (1 - p) / draws));
}

TEST_CASE("uniform(lo, hi) and normal(mean, sd) are affine maps of the standard draws",
          "[core][random]") {
  auto a = iterum::make_engine(9);
  auto b = iterum::make_engine(9);
  const double u = iterum::random::uniform01(b);
  REQUIRE(iterum::random::uniform(a, -2.0, 6.0) == (1 - u) * -2.0 + u * 6.0);
  REQUIRE(iterum::random::normal(a, 3.0, 0.5) == 3.0 + 0.5 * iterum::random::normal(b));
}

TEST_CASE("shuffle permutes", "[core][random]") {
  auto engine = iterum::make_engine(5);
  std::vector<int> v(50);
  std::iota(v.begin(), v.end(), 0);
  iterum::random::shuffle(engine, std::span<int>(v));
  std::vector<int> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(50);
  std::iota(identity.begin(), identity.end(), 0);
  REQUIRE(sorted == identity);
  REQUIRE(v != identity);  // 1/50! chance of a false failure
}

TEST_CASE("the widest finite range does not overflow", "[core][random]") {
  auto engine = iterum::make_engine(3);
  for (int i = 0; i < 100; ++i) {
    const double v = iterum::random::uniform(engine, -1.7e308, 1.7e308);
    REQUIRE(std::isfinite(v));
  }
}

TEST_CASE("random draws reject bad parameters", "[core][random][errors]") {
  using iterum::test::invalid_argument_message;
  auto engine = iterum::make_engine(3);
  REQUIRE(invalid_argument_message([&] { (void)iterum::random::uniform(engine, 2.0, 1.0); }) ==
          "iterum::random::uniform: argument 'hi' must be finite and at least lo (2) (got 1)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::random::normal(engine, 0.0, -1.0); }) ==
          "iterum::random::normal: argument 'stddev' must be nonnegative (got -1)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::random::uniform_index(engine, 0); }) ==
          "iterum::random::uniform_index: argument 'n' must be positive (got 0)");
  REQUIRE(invalid_argument_message([&] { (void)iterum::random::normal_vector(engine, -1); }) ==
          "iterum::random::normal_vector: argument 'n' must be nonnegative (got -1)");
}
