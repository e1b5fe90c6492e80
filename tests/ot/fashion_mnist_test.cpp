// Sinkhorn and SNS on the Fashion-MNIST image pair of the OT tour (Debian's
// dataset-fashion-mnist; case B3 of docs/ot.md) against POT's values recorded
// by bench/peers/pot_images.py in tests/ot/fixtures/pot_fashion_mnist.txt.

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "support/catch_compat.hpp"
#include "support/fashion_mnist.hpp"

namespace {

struct PotImage {
  long m = 0, n = 0;
  double epsilon = 0, cost = 0, emd = 0;
};

std::map<std::string, PotImage> read_image_fixture() {
  const auto path =
      std::filesystem::path(__FILE__).parent_path() / "fixtures" / "pot_fashion_mnist.txt";
  std::ifstream in(path);
  std::map<std::string, PotImage> records;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("image ", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    std::string name, error;
    long iterations = 0;
    PotImage r;
    fields >> name >> r.m >> r.n >> r.epsilon >> r.cost >> iterations >> error >> r.emd;
    records[name] = r;
  }
  return records;
}

}  // namespace

TEST_CASE("Sinkhorn and SNS agree with POT on the Fashion-MNIST pair", "[ot][fashion-mnist]") {
  const auto records = read_image_fixture();
  REQUIRE(records.size() == 2);
  for (const auto& [name, pot] : records) {
    const auto cost =
        name == "w2" ? iterum::test::GroundCost::SquaredEuclidean : iterum::test::GroundCost::L1;
    const auto pair = iterum::test::fashion_mnist_pair(0, 1, cost);
    if (!pair) {
      WARN(iterum::test::fashion_mnist_missing_message());
      return;
    }
    REQUIRE(pair->a.size() == pot.m);
    REQUIRE(pair->b.size() == pot.n);
    const auto sinkhorn = iterum::ot::sinkhorn(pair->a, pair->b, pair->c, pot.epsilon,
                                               {.tolerance = 1e-12, .max_iterations = 100000});
    const auto sns = iterum::ot::sinkhorn_newton_sparse(pair->a, pair->b, pair->c, pot.epsilon,
                                                        {.tolerance = 1e-12});
    INFO(name << ": POT " << pot.cost << ", Sinkhorn " << sinkhorn.transport_cost << " ("
              << sinkhorn.iterations << " it), SNS " << sns.transport_cost << " ("
              << sns.sinkhorn_iterations << " + " << sns.newton_iterations << ")");
    REQUIRE(sinkhorn.ok());
    REQUIRE(sns.ok());
    // The certificate is recomputed from the potentials in the log domain; after Sinkhorn
    // fallbacks it may differ from the scaling-form error the stop rule saw in the last digit.
    REQUIRE(sns.marginal_error <= 1.1e-12);
    REQUIRE_THAT(sinkhorn.transport_cost, Catch::Matchers::WithinRel(pot.cost, 1e-8));
    REQUIRE_THAT(sns.transport_cost, Catch::Matchers::WithinRel(pot.cost, 1e-8));
    if (name == "w2") {
      // A unique, sparse optimum: the entropic cost lies above the exact one, and the Newton
      // stage replaces thousands of Sinkhorn iterations by a few dozen steps.
      REQUIRE(sns.transport_cost > pot.emd);
      REQUIRE(sns.newton_iterations >= 1);
      REQUIRE(20 * sns.iterations < sinkhorn.iterations);
    } else {
      // A non-unique optimum at eta h = 44: the entropic plan is the max-entropy point of the
      // optimal face and its cost equals the EMD to about ten digits.
      REQUIRE_THAT(sns.transport_cost, Catch::Matchers::WithinRel(pot.emd, 1e-9));
    }
  }
}
