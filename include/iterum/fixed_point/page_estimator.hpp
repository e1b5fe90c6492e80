#pragma once

/// @file page_estimator.hpp
/// @brief `PageEstimator<F>`: the PAGE estimator of a finite sum F (Li, Bao, Zhang & Richtarik,
/// "PAGE: a simple and optimal probabilistic gradient estimator for nonconvex optimization",
/// ICML 2021, arXiv 2008.10898), used by `PageHalpernMethod`, with uniform or importance
/// sampling (component_sampler.hpp).

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"
#include "iterum/fixed_point/component_sampler.hpp"
#include "iterum/fixed_point/finite_sum_oracle.hpp"

namespace iterum::fixed_point {

/// The PAGE estimator of F: `refresh` sets g = F(u) (n calls); `update` adds the minibatch
/// difference (1/b) sum_{i in S} [F_i(u) - F_i(u_prev)] over a uniformly random b-subset S
/// (2b calls). Given g = F(u_prev), the updated g is an unbiased estimate of F(u). With an
/// importance sampler the b indices are drawn independently with probabilities p_i and each
/// difference is weighted by 1/(n p_i) (still unbiased; component_sampler.hpp has the variance
/// bound). Allocation-free after construction.
template <class F>
class PageEstimator {
 public:
  using Scalar = typename F::Scalar;

  PageEstimator() = default;
  PageEstimator(const F& f, Index batch, ComponentSampler sampler = {})
      : oracle_(f),
        sampler_(std::move(sampler)),
        batch_(std::min<Index>(batch, static_cast<Index>(f.size()))),
        g_(Vector<Scalar>::Zero(static_cast<Index>(f.dim()))),
        order_(static_cast<std::size_t>(f.size())) {
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<Index>(i);
  }

  /// g = F(u).
  void refresh(const F& f, const Vector<Scalar>& u, std::int64_t& calls) {
    oracle_.full(f, u, g_, calls);
  }

  /// g += (1/b) sum_{i in S} [F_i(u) - F_i(u_prev)], S a fresh uniformly random b-subset;
  /// with importance sampling g += (1/b) sum_{j<b} [F_i(u) - F_i(u_prev)] / (n p_i), i = i_j
  /// drawn independently with probabilities p_i.
  void update(const F& f, const Vector<Scalar>& u, const Vector<Scalar>& u_prev, Engine& engine,
              std::int64_t& calls) {
    const Index n = oracle_.size();
    const Scalar weight = Scalar(1) / static_cast<Scalar>(batch_);
    if (sampler_.importance()) {
      for (Index j = 0; j < batch_; ++j) {
        const Index i = sampler_.draw(engine);
        const Scalar w = weight * static_cast<Scalar>(sampler_.weight(i));
        oracle_.add_component(f, i, u, w, g_, calls);
        oracle_.add_component(f, i, u_prev, -w, g_, calls);
      }
      return;
    }
    for (Index j = 0; j < batch_; ++j) {
      // Partial Fisher-Yates: order_[0..b) becomes a uniform b-subset whatever order_ was.
      const Index r = j + random::uniform_index(engine, n - j);
      std::swap(order_[static_cast<std::size_t>(j)], order_[static_cast<std::size_t>(r)]);
      const Index i = order_[static_cast<std::size_t>(j)];
      oracle_.add_component(f, i, u, weight, g_, calls);
      oracle_.add_component(f, i, u_prev, -weight, g_, calls);
    }
  }

  [[nodiscard]] const Vector<Scalar>& value() const noexcept { return g_; }
  [[nodiscard]] Index batch() const noexcept { return batch_; }
  [[nodiscard]] const ComponentSampler& sampler() const noexcept { return sampler_; }

 private:
  FiniteSumOracle<F> oracle_;
  ComponentSampler sampler_;
  Index batch_ = 1;
  Vector<Scalar> g_;
  std::vector<Index> order_;
};

}  // namespace iterum::fixed_point
