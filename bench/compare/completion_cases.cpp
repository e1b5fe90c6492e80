// Tour cases of the completion family (Gu, Song, Yin & Zhang, arXiv 2302.11068): exact
// completion of a planted rank-5 1000 x 1000 matrix (oversampling 4, certificate 1e-10) with the
// three row solvers, the exact one as baseline; and the default ALS-WR + biases recommender on
// MovieLens ml-latest-small (Debian's r-cran-dslabs, extracted with Rscript; skipped without
// it), 80/20 split, rank 20, exact against CG row solves.

#include <filesystem>
#include <memory>
#include <vector>

#include <iterum/completion/altmin.hpp>
#include <iterum/completion/planted.hpp>
#include <iterum/io/ratings.hpp>

#include "../../tests/support/movielens.hpp"
#include "tour.hpp"

namespace {

namespace mc = iterum::completion;

tour::Outcome completion_outcome(const mc::CompletionResult& r) {
  return {static_cast<long>(r.iterations), r.residual, r.ok()};
}

std::vector<tour::Method> planted_methods() {
  auto data = std::make_shared<mc::PlantedMatrix>(
      mc::planted_low_rank({.rows = 1000, .cols = 1000, .rank = 5, .oversampling = 4.0}));
  std::vector<tour::Method> methods;
  for (const auto& [name, solver] :
       {std::pair<const char*, mc::AltMinSolver>{"iterum altmin (exact rows)",
                                                 mc::AltMinSolver::Exact},
        {"iterum altmin (adaptive CG rows)", mc::AltMinSolver::Cg},
        {"iterum altmin (sketch-preconditioned rows)", mc::AltMinSolver::Sketch}}) {
    const mc::AltMinSolver s = solver;
    methods.push_back({name, [data, s] {
                         mc::AltMinOptions o;
                         o.lambda = 0.0;
                         o.biases = false;
                         o.tolerance = 1e-10;
                         o.solver = s;
                         return completion_outcome(mc::altmin(data->observed, 5, o));
                       }});
  }
  return methods;
}

struct RatingsSplit {
  mc::Observations train;
  mc::Observations test;
};

std::vector<tour::Method> movielens_methods() {
  const auto tsv =
      iterum::test::movielens_tsv(std::filesystem::temp_directory_path() / "iterum_tour");
  if (!tsv) throw tour::Skipped(iterum::test::movielens_missing_message());
  iterum::io::RatingsOptions ro;
  ro.delimiter = "\t";
  const mc::Observations all(iterum::io::read_ratings(*tsv, ro));
  auto split = mc::split_holdout(all, 0.2, 0);
  auto data =
      std::make_shared<RatingsSplit>(RatingsSplit{std::move(split.first), std::move(split.second)});
  std::vector<tour::Method> methods;
  for (const auto& [name, solver] :
       {std::pair<const char*, mc::AltMinSolver>{"iterum altmin ALS-WR (exact rows)",
                                                 mc::AltMinSolver::Exact},
        {"iterum altmin ALS-WR (CG rows, the default here)", mc::AltMinSolver::Cg}}) {
    const mc::AltMinSolver s = solver;
    methods.push_back({name, [data, s] {
                         mc::AltMinOptions o;
                         o.clip_min = 0.5;
                         o.clip_max = 5.0;
                         o.solver = s;
                         return completion_outcome(mc::altmin(data->train, 20, o));
                       }});
  }
  return methods;
}

const tour::Register planted_case{
    {"completion", "planted rank 5, 1000 x 1000, rho 4", [] { return planted_methods(); }, 10}};
const tour::Register movielens_case{
    {"completion", "MovieLens ALS-WR + biases, rank 20", [] { return movielens_methods(); }, 5}};

}  // namespace
