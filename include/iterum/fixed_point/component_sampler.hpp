#pragma once

/// @file component_sampler.hpp
/// @brief `VrSampling` and `ComponentSampler`: how the variance-reduced finite-sum methods
/// (`PageHalpernMethod`, `ResolventHalpernMethod`, `VrExtragradientMethod`) draw components,
/// uniformly or by importance sampling from the component constants L_i of a
/// `FiniteSumWithComponentLipschitz` (core/concepts.hpp).
///
/// Importance sampling draws i with probability p_i = L_i / sum_j L_j (Walker's alias method,
/// core/alias_table.hpp, O(1) per draw) and weights the drawn difference by 1/(n p_i), so every
/// estimator stays unbiased: E_i [(1/(n p_i)) D_i] = (1/n) sum_i D_i. Why p_i proportional to
/// L_i, for a difference D_i = F_i(u) - F_i(v) (the estimators of all three methods are built
/// from such differences):
///
///   E ||D_i / (n p_i)||^2 = (1/n^2) sum_i ||D_i||^2 / p_i.
///
/// * Cocoercive components (PAGE-Halpern, Alg. 1 of Cai, Alacaoglu & Diakonikolas, ICLR 2024,
///   arXiv 2310.02987): ||D_i||^2 <= L_i <D_i, u - v>, so with p_i = L_i / sum_j L_j the sum is
///   at most (1/n sum_j L_j) <F(u) - F(v), u - v>: the "cocoercive on average" constant of the
///   analysis becomes L_Q = mean_i L_i, against max_i L_i for uniform sampling.
/// * Lipschitz components (VR-FoRB inside Alg. 2, and VR-EG of Alacaoglu & Malitsky, COLT 2022,
///   arXiv 2102.08352, whose mean-square assumption E_{i~Q} ||D_i / (n q_i)||^2 <= L_Q^2
///   ||u - v||^2 admits any distribution Q): ||D_i|| <= L_i ||u - v|| gives (1/n^2) sum_i
///   L_i^2 / p_i, which Cauchy-Schwarz minimizes at p_i proportional to L_i (not to L_i^2),
///   where it equals (mean_i L_i)^2: L_Q = mean_i L_i, against sqrt(mean_i L_i^2) uniformly.
///
/// So both variance bounds call for p_i proportional to L_i itself (no square root), with the
/// same constant L_Q = mean_i L_i (`importance_lipschitz`). The mean is never above the
/// uniform constants, and far below them when the L_i are uneven (a few heavy rows).

#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "iterum/core/alias_table.hpp"
#include "iterum/core/concepts.hpp"
#include "iterum/core/error.hpp"
#include "iterum/core/random.hpp"
#include "iterum/core/types.hpp"

namespace iterum::fixed_point {

/// How the variance-reduced methods draw components.
enum class VrSampling {
  /// The facades: `Importance` when F offers `component_lipschitz` and no `step` is given,
  /// unless a given `lipschitz` (the uniform constant) is at most L_Q = mean L_i; else
  /// `Uniform`. The methods' `Params`: `Importance` when F offers `component_lipschitz`.
  Auto,
  Uniform,     ///< i uniform (PAGE: a b-subset without replacement), as published
  Importance,  ///< p_i proportional to `component_lipschitz(i)`, reweighted by 1/(n p_i)
};

/// The name of a sampling: "auto", "uniform" or "importance".
[[nodiscard]] constexpr std::string_view to_string(VrSampling sampling) noexcept {
  switch (sampling) {
    case VrSampling::Auto:
      return "auto";
    case VrSampling::Uniform:
      return "uniform";
    case VrSampling::Importance:
      return "importance";
  }
  return "unknown";
}

/// The component constants L_0, ..., L_{n-1} of `f`.
/// @throws iterum::invalid_argument when one is negative or not finite.
template <FiniteSumWithComponentLipschitz F>
[[nodiscard]] std::vector<double> component_lipschitz_constants(const F& f) {
  const auto n = static_cast<Index>(f.size());
  std::vector<double> constants(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    const auto value = static_cast<double>(f.component_lipschitz(i));
    check::finite("iterum::fixed_point::component_lipschitz_constants", "F.component_lipschitz(i)",
                  value);
    check::nonnegative("iterum::fixed_point::component_lipschitz_constants",
                       "F.component_lipschitz(i)", value);
    constants[static_cast<std::size_t>(i)] = value;
  }
  return constants;
}

/// L_Q = (1/n) sum_i L_i: the constant of importance sampling (see the file comment).
template <FiniteSumWithComponentLipschitz F>
[[nodiscard]] double importance_lipschitz(const F& f) {
  const std::vector<double> constants = component_lipschitz_constants(f);
  double total = 0.0;
  for (const double c : constants) total += c;
  return total / static_cast<double>(constants.size());
}

/// Draws component indices, uniformly or with p_i proportional to given constants, and gives
/// the weight 1/(n p_i) that keeps a sampled difference unbiased (1 for uniform draws). Built
/// once (O(n)); a draw is O(1) and allocates nothing.
class ComponentSampler {
 public:
  ComponentSampler() = default;

  /// Uniform over n components.
  explicit ComponentSampler(Index n) : n_(n) {}

  /// p_i proportional to `constants` (finite, >= 0); uniform when they are all zero.
  explicit ComponentSampler(std::span<const double> constants)
      : n_(static_cast<Index>(constants.size())) {
    double total = 0.0;
    for (const double c : constants) total += c;
    if (!(total > 0.0)) return;
    table_ = random::AliasTable(constants);
    weights_.resize(constants.size());
    for (std::size_t i = 0; i < constants.size(); ++i) {
      const double p = table_.probability(static_cast<Index>(i));
      weights_[i] = p > 0.0 ? 1.0 / (static_cast<double>(n_) * p) : 0.0;
    }
  }

  /// n.
  [[nodiscard]] Index size() const noexcept { return n_; }
  /// Whether draws follow the constants (false: uniform).
  [[nodiscard]] bool importance() const noexcept { return !weights_.empty(); }

  /// One index: from the alias table, or uniform.
  [[nodiscard]] Index draw(Engine& engine) const {
    return importance() ? table_(engine) : random::uniform_index(engine, n_);
  }

  /// 1/(n p_i) (1 when uniform).
  [[nodiscard]] double weight(Index i) const noexcept {
    return importance() ? weights_[static_cast<std::size_t>(i)] : 1.0;
  }

  /// p_i.
  [[nodiscard]] double probability(Index i) const noexcept {
    return importance() ? table_.probability(i) : 1.0 / static_cast<double>(n_);
  }

 private:
  Index n_ = 0;
  random::AliasTable table_;
  std::vector<double> weights_;
};

/// The sampler a method's `init` builds for `f`: importance sampling when `sampling` is not
/// `Uniform` and F offers `component_lipschitz`, else uniform.
/// @throws iterum::invalid_argument for `Importance` when F has no `component_lipschitz`.
template <class F>
[[nodiscard]] ComponentSampler make_component_sampler(const F& f, VrSampling sampling) {
  const auto n = static_cast<Index>(f.size());
  if (sampling == VrSampling::Uniform) return ComponentSampler(n);
  if constexpr (FiniteSumWithComponentLipschitz<F>) {
    const std::vector<double> constants = component_lipschitz_constants(f);
    return ComponentSampler(std::span<const double>(constants));
  } else {
    if (sampling == VrSampling::Importance) {
      check::fail("iterum::fixed_point::make_component_sampler", "sampling",
                  "needs F::component_lipschitz(i) (concept FiniteSumWithComponentLipschitz)",
                  "Importance");
    }
    return ComponentSampler(n);
  }
}

namespace detail {

/// How a facade resolves `options.sampling` for `f` (see `VrSampling::Auto`): returns L_Q when
/// the method is to sample by importance, 0 when uniformly.
/// @throws iterum::invalid_argument naming `function` and `options.sampling` for `Importance`
/// when F has no `component_lipschitz` or its constants are all zero while no step is given.
template <class F>
[[nodiscard]] double resolve_importance(std::string_view function, const F& f, VrSampling sampling,
                                        const std::optional<double>& step,
                                        const std::optional<double>& lipschitz) {
  if (sampling == VrSampling::Uniform) return 0.0;
  if constexpr (FiniteSumWithComponentLipschitz<F>) {
    const double l_q = importance_lipschitz(f);
    const bool usable = l_q > 0.0 && std::isfinite(l_q);
    if (sampling == VrSampling::Importance) {
      if (!usable && !step) {
        check::fail(function, "options.sampling",
                    "needs positive component constants F.component_lipschitz(i) (their mean is " +
                        check::text(l_q) + ") or options.step",
                    "Importance");
      }
      return usable ? l_q : 0.0;  // all L_i = 0: the sampler falls back to uniform
    }
    if (!usable || step) return 0.0;
    return (!lipschitz || l_q < *lipschitz) ? l_q : 0.0;
  } else {
    if (sampling == VrSampling::Importance) {
      check::fail(function, "options.sampling",
                  "needs F::component_lipschitz(i) (concept FiniteSumWithComponentLipschitz)",
                  "Importance");
    }
    return 0.0;
  }
}

}  // namespace detail
}  // namespace iterum::fixed_point
