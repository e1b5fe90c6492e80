#pragma once

/// @file union_find.hpp
/// @brief Internals of the forest partitions: a union-find (disjoint-set) structure over
/// pre-sized arrays, with path halving and union by size, that never allocates after `reset`.

#include <cstdint>
#include <utility>
#include <vector>

#include "iterum/core/types.hpp"

namespace iterum::bcd::detail {

/// Disjoint sets over 0..n-1 (path halving, union by size): O(alpha(n)) amortized per call.
struct UnionFind {
  std::vector<Index> parent;
  std::vector<Index> size;

  /// n singletons (allocates only when n grows).
  void reset(Index n) {
    parent.resize(static_cast<std::size_t>(n));
    size.resize(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) {
      parent[static_cast<std::size_t>(i)] = i;
      size[static_cast<std::size_t>(i)] = 1;
    }
  }
  /// Makes i a singleton again (O(1); valid when nothing else points at i, as when a whole
  /// block is cleared node by node).
  void isolate(Index i) {
    parent[static_cast<std::size_t>(i)] = i;
    size[static_cast<std::size_t>(i)] = 1;
  }
  [[nodiscard]] Index find(Index i) {
    auto* p = parent.data();
    while (p[i] != i) {
      p[i] = p[p[i]];
      i = p[i];
    }
    return i;
  }
  /// Joins the sets of two roots.
  void join_roots(Index a, Index b) {
    auto* s = size.data();
    if (s[a] < s[b]) std::swap(a, b);
    parent[static_cast<std::size_t>(b)] = a;
    s[a] += s[b];
  }
};

/// Whether node i can join the forest whose current members satisfy `member(j)` without
/// closing a cycle: its neighbours in the forest (the off-diagonal nonzeros of column i of the
/// sparse symmetric `a`) must lie in distinct trees. If so, i joins them all and the function
/// returns true. `mark` (n entries) and `stamp` make the distinct-root test allocation-free.
template <class M, class Member>
bool try_join(const M& a, Index i, UnionFind& uf, std::vector<std::int64_t>& mark,
              std::int64_t& stamp, Member member) {
  ++stamp;
  for (typename M::InnerIterator it(a, i); it; ++it) {
    const Index j = it.index();
    if (j == i || it.value() == 0 || !member(j)) continue;
    const Index r = uf.find(j);
    if (mark[static_cast<std::size_t>(r)] == stamp) return false;  // two paths to one tree
    mark[static_cast<std::size_t>(r)] = stamp;
  }
  for (typename M::InnerIterator it(a, i); it; ++it) {
    const Index j = it.index();
    if (j == i || it.value() == 0 || !member(j)) continue;
    const Index r = uf.find(j);
    const Index root = uf.find(i);
    if (r != root) uf.join_roots(root, r);
  }
  return true;
}

}  // namespace iterum::bcd::detail
