// Tour cases of the ot family: stabilized Sinkhorn (baseline) against Sinkhorn-Newton-Sparse
// (Tang et al., arXiv 2401.12253) on the cases of docs/ot.md (B1 random, B3 Fashion-MNIST, B4
// 1-D densities), and SNS's warm-up length tuned over a sequence of Fashion-MNIST pairs.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include <iterum/ot/sinkhorn.hpp>
#include <iterum/ot/sinkhorn_newton_sparse.hpp>
#include <iterum/tuning/sequence.hpp>
#include <iterum/tuning/tsallis_inf.hpp>
#include <iterum/tuning/tuner.hpp>

#include "../../tests/support/densities_1d.hpp"
#include "../../tests/support/fashion_mnist.hpp"
#include "../../tests/support/splitmix.hpp"
#include "tour.hpp"

namespace {

struct OtData {
  Eigen::VectorXd a, b;
  Eigen::MatrixXd c;
  double epsilon;
  double tolerance;
};

std::vector<tour::Method> ot_methods(std::shared_ptr<const OtData> d) {
  std::vector<tour::Method> methods;
  methods.push_back(
      {"iterum sinkhorn", [d] {
         const auto r = iterum::ot::sinkhorn(
             d->a, d->b, d->c, d->epsilon, {.tolerance = d->tolerance, .max_iterations = 1000000});
         return tour::Outcome{static_cast<long>(r.iterations), r.marginal_error, r.ok()};
       }});
  methods.push_back(
      {"iterum sinkhorn_newton_sparse", [d] {
         const auto r = iterum::ot::sinkhorn_newton_sparse(d->a, d->b, d->c, d->epsilon,
                                                           {.tolerance = d->tolerance});
         return tour::Outcome{static_cast<long>(r.iterations), r.marginal_error, r.ok()};
       }});
  return methods;
}

// B1: Tang et al.'s random assignment case, n = 500, C ~ U[0,1] (SplitMix64 seed 42),
// uniform marginals, eta = 1200, to marginal error 1e-9 (the tour's budget; docs/ot.md also
// reports 1e-12).
const tour::Register random_500{{"ot", "random 500, eta 1200",
                                 [] {
                                   auto d = std::make_shared<OtData>();
                                   d->c = iterum::test::splitmix_cost(500, 42);
                                   d->a = Eigen::VectorXd::Constant(500, 1.0 / 500);
                                   d->b = d->a;
                                   d->epsilon = 1.0 / 1200;
                                   d->tolerance = 1e-9;
                                   return ot_methods(d);
                                 },
                                 1}};

// B4: 1-D densities on 1000 grid points, eta = 1200, to 1e-9: a dense entropic plan (the
// squared cost) and a non-unique optimum (the L1 cost), where Newton cannot help and SNS must
// not lose much to Sinkhorn.
std::vector<tour::Method> densities_1d(bool squared) {
  auto d = std::make_shared<OtData>();
  auto data = iterum::test::densities_1d(squared);
  d->a = std::move(data.a);
  d->b = std::move(data.b);
  d->c = std::move(data.c);
  d->epsilon = 1.0 / 1200;
  d->tolerance = 1e-9;
  return ot_methods(d);
}

const tour::Register densities_w2{
    {"ot", "1-D W2, n 1000, eta 1200", [] { return densities_1d(true); }, 3}};
const tour::Register densities_w1{
    {"ot", "1-D W1, n 1000, eta 1200", [] { return densities_1d(false); }, 3}};

// B3: Fashion-MNIST test images 0 and 1 (Debian's dataset-fashion-mnist; supports 267 and 504
// pixels on the [0,1]^2 grid), eta = 1200, to marginal error 1e-12 (the tolerance).
// W2^2 has a unique, sparse optimal plan, where SNS should pay off; W1 has a non-unique optimum
// (an entropic plan spread over the optimal face), where SNS must not lose to Sinkhorn.
std::vector<tour::Method> image_case(iterum::test::GroundCost cost) {
  auto pair = iterum::test::fashion_mnist_pair(0, 1, cost);
  if (!pair) throw tour::Skipped(iterum::test::fashion_mnist_missing_message());
  auto d = std::make_shared<OtData>();
  d->a = pair->a;
  d->b = pair->b;
  d->c = pair->c;
  d->epsilon = 1.0 / 1200;
  d->tolerance = 1e-12;
  return ot_methods(d);
}

const tour::Register image_w2{
    {"ot", "Fashion-MNIST W2, eta 1200",
     [] { return image_case(iterum::test::GroundCost::SquaredEuclidean); }, 15}};
const tour::Register image_w1{{"ot", "Fashion-MNIST W1, eta 1200",
                               [] { return image_case(iterum::test::GroundCost::L1); }, 15}};

// SNS's warm-up length (N1, `SnsOptions::sinkhorn_warmup`) over a sequence of 20 Fashion-MNIST
// pairs (test images 2t and 2t + 1, W2^2 cost, eta = 1200, to 1e-9): the default (20) against
// Tsallis-INF choosing it from a log-spaced grid around the default before each solve, learning
// from the solve's seconds
// (`tuning::cost::seconds`), with the tuner unchanged. "iterations" is the total over the
// sequence; the certificate column is the largest marginal error.
struct ImageSequence {
  std::vector<iterum::test::ImagePair> pairs;
};

tour::Outcome run_warmup_sequence(const ImageSequence& s, iterum::Tuner auto& tuner) {
  long iterations = 0;
  double worst = 0;
  bool converged = true;
  const auto solve = [&](iterum::Index t, double warmup) {
    const auto& d = s.pairs[static_cast<std::size_t>(t)];
    auto r = iterum::ot::sinkhorn_newton_sparse(
        d.a, d.b, d.c, 1.0 / 1200,
        {.tolerance = 1e-9, .sinkhorn_warmup = static_cast<iterum::Index>(warmup)});
    iterations += static_cast<long>(r.iterations);
    worst = std::max(worst, r.marginal_error);
    converged = converged && r.ok();
    return r;
  };
  (void)iterum::tuning::run_sequence(tuner, static_cast<iterum::Index>(s.pairs.size()), solve,
                                     iterum::tuning::cost::seconds);
  return {iterations, worst, converged};
}

std::vector<tour::Method> warmup_tuning_case() {
  const iterum::Index pairs = 20;
  const auto images = iterum::test::fashion_mnist_images(2 * pairs);
  if (!images) throw tour::Skipped(iterum::test::fashion_mnist_missing_message());
  auto s = std::make_shared<ImageSequence>();
  for (iterum::Index t = 0; t < pairs; ++t) {
    s->pairs.push_back(iterum::test::image_pair(*images, 2 * t, 2 * t + 1,
                                                iterum::test::GroundCost::SquaredEuclidean));
  }
  std::vector<tour::Method> methods;
  methods.push_back({"SNS, default warm-up (20)", [s] {
                       iterum::tuning::Fixed fixed(
                           static_cast<double>(iterum::ot::SnsOptions{}.sinkhorn_warmup));
                       return run_warmup_sequence(*s, fixed);
                     }});
  methods.push_back({"SNS, warm-up by Tsallis-INF {5..80}", [s] {
                       iterum::tuning::TsallisInf tuner({5, 10, 20, 40, 80}, {.seed = 1});
                       return run_warmup_sequence(*s, tuner);
                     }});
  return methods;
}

const tour::Register warmup_tuning{
    {"ot", "Fashion-MNIST W2 sequence, SNS warm-up", warmup_tuning_case, 15}};

}  // namespace
