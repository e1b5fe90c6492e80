// iterum's Sinkhorn and SNS against POT's sinkhorn_log on the instances recorded by
// bench/peers/pot_fixtures.py in tests/ot/fixtures/pot_sinkhorn_log.txt.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "iterum/ot/sinkhorn.hpp"
#include "iterum/ot/sinkhorn_newton_sparse.hpp"
#include "support/catch_compat.hpp"
#include "support/splitmix.hpp"

namespace {

struct PotRecord {
  long m = 0, n = 0;
  double epsilon = 0;
  unsigned long seed = 0;
  double cost = 0, emd = 0;
  Eigen::VectorXd f, g;
};

Eigen::VectorXd read_vector(std::istream& line, long size) {
  Eigen::VectorXd v(size);
  for (long i = 0; i < size; ++i) line >> v[i];
  return v;
}

std::vector<PotRecord> read_pot_fixture() {
  const auto path =
      std::filesystem::path(__FILE__).parent_path() / "fixtures" / "pot_sinkhorn_log.txt";
  std::ifstream in(path);
  std::vector<PotRecord> records;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("instance", 0) != 0) continue;
    PotRecord r;
    std::istringstream head(line.substr(8));
    head >> r.m >> r.n >> r.epsilon >> r.seed >> r.cost >> r.emd;
    std::string tag;
    std::getline(in, line);
    std::istringstream fl(line);
    fl >> tag;
    r.f = read_vector(fl, r.m);
    std::getline(in, line);
    std::istringstream gl(line);
    gl >> tag;
    r.g = read_vector(gl, r.n);
    records.push_back(r);
  }
  return records;
}

/// Largest difference of potentials after removing the gauge f + t, g - t, relative to the
/// largest potential.
double potential_gap(const Eigen::VectorXd& f, const Eigen::VectorXd& g,
                     const Eigen::VectorXd& f_ref, const Eigen::VectorXd& g_ref) {
  const double t = (f - f_ref).mean();
  const double scale = std::max(f_ref.cwiseAbs().maxCoeff(), g_ref.cwiseAbs().maxCoeff());
  return std::max((f.array() - f_ref.array() - t).abs().maxCoeff(),
                  (g.array() - g_ref.array() + t).abs().maxCoeff()) /
         scale;
}

}  // namespace

TEST_CASE("Sinkhorn and SNS agree with POT's sinkhorn_log on cost and potentials",
          "[ot][fixture][pot]") {
  const auto records = read_pot_fixture();
  REQUIRE(records.size() == 3);
  for (const auto& rec : records) {
    const auto inst = iterum::test::splitmix_instance(rec.m, rec.n, rec.seed);
    const auto sinkhorn = iterum::ot::sinkhorn(inst.a, inst.b, inst.c, rec.epsilon,
                                               {.tolerance = 1e-14, .max_iterations = 1000000});
    const auto sns = iterum::ot::sinkhorn_newton_sparse(inst.a, inst.b, inst.c, rec.epsilon,
                                                        {.tolerance = 1e-14});
    INFO("instance " << rec.seed << ": POT cost " << rec.cost << ", iterum "
                     << sinkhorn.transport_cost << " / " << sns.transport_cost);
    REQUIRE(sinkhorn.ok());
    REQUIRE(sns.ok());
    REQUIRE_THAT(sinkhorn.transport_cost, Catch::Matchers::WithinRel(rec.cost, 1e-8));
    REQUIRE_THAT(sns.transport_cost, Catch::Matchers::WithinRel(rec.cost, 1e-8));
    REQUIRE(potential_gap(sinkhorn.f, sinkhorn.g, rec.f, rec.g) < 1e-8);
    REQUIRE(potential_gap(sns.f, sns.g, rec.f, rec.g) < 1e-8);
    REQUIRE(sinkhorn.transport_cost >= rec.emd);  // the exact LP optimum is a lower bound
  }
}
