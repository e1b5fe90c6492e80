#pragma once

/// @file ratings.hpp
/// @brief `iterum::io::read_ratings`: reads a delimited (user, item, rating[, timestamp]) file,
/// such as MovieLens' `ratings.dat` ("::"), `ratings.csv` (',', with a header) or `u.data`
/// ('\t'), into `Ratings`: users and items re-indexed to 0..n-1 with their original ids kept.
///
/// One rating per line; fields separated by `delimiter`; spaces (and tabs, unless the tab is
/// the delimiter) around a field are ignored; blank lines are skipped; "\r\n" is accepted;
/// columns not named in `columns` are ignored (they may hold any text without the delimiter).
/// Quoted fields are not supported. User and item ids are kept as text: any non-empty field
/// is an id, and two ids are the same exactly when their text is ("7" and "07" differ).
/// Ratings must be finite numbers, timestamps integers (64-bit).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/io/detail/scanner.hpp"
#include "iterum/io/input.hpp"
#include "iterum/io/parse_error.hpp"

namespace iterum::io {

/// Which 0-based field of a line holds what.
struct RatingsColumns {
  Index user = 0;
  Index item = 1;
  Index rating = 2;
  std::optional<Index> timestamp;  ///< unset: no timestamps are read
};

/// How `read_ratings` splits lines.
struct RatingsOptions {
  /// Field separator: ",", "\t" or "::" (MovieLens 1M/10M `ratings.dat`).
  std::string delimiter = ",";
  /// The first non-blank line is a header and is skipped unread.
  bool header = false;
  RatingsColumns columns;

  /// Throws `iterum::invalid_argument` naming the field: a delimiter other than ",", "\t" or
  /// "::", a negative column, or two roles on one column.
  void validate(std::string_view function = "iterum::io::RatingsOptions::validate") const {
    if (delimiter != "," && delimiter != "\t" && delimiter != "::") {
      check::fail(function, "delimiter", "must be \",\", \"\\t\" or \"::\"",
                  "\"" + delimiter + "\"");
    }
    const Index t = columns.timestamp ? *columns.timestamp : -1;
    for (const auto& [name, value] :
         {std::pair<std::string_view, Index>{"columns.user", columns.user},
          {"columns.item", columns.item},
          {"columns.rating", columns.rating}}) {
      check::nonnegative(function, name, static_cast<double>(value));
    }
    if (columns.timestamp) {
      check::nonnegative(function, "columns.timestamp", static_cast<double>(t));
    }
    if (columns.user == columns.item || columns.user == columns.rating ||
        columns.item == columns.rating || t == columns.user || t == columns.item ||
        t == columns.rating) {
      check::fail(function, "columns", "must name a different field for each role", {});
    }
  }
};

/// Ratings re-indexed: rating k is `ratings[k]` by user `users[k]` on item `items[k]`, where
/// user u is the one the file calls `user_ids[u]` (ids numbered in order of first appearance).
struct Ratings {
  std::vector<Index> users;              ///< user index of each rating, in [0, n_users())
  std::vector<Index> items;              ///< item index of each rating, in [0, n_items())
  Eigen::VectorXd ratings;               ///< the rating values
  std::vector<std::int64_t> timestamps;  ///< one per rating; empty without a timestamp column
  std::vector<std::string> user_ids;     ///< original id of each user index
  std::vector<std::string> item_ids;     ///< original id of each item index

  [[nodiscard]] Index n_users() const noexcept { return static_cast<Index>(user_ids.size()); }
  [[nodiscard]] Index n_items() const noexcept { return static_cast<Index>(item_ids.size()); }
  [[nodiscard]] Index size() const noexcept { return ratings.size(); }

  /// The n_users() x n_items() sparse matrix of ratings (column-major). A (user, item) pair
  /// rated twice is an `iterum::invalid_argument` naming both ids and the two ratings' line
  /// order (k); deduplicate first when the data allows repeats.
  [[nodiscard]] Eigen::SparseMatrix<double> matrix() const {
    constexpr std::string_view function = "iterum::io::Ratings::matrix";
    const auto n = static_cast<std::size_t>(size());
    check::that(users.size() == n && items.size() == n, function, "ratings",
                "must have as many users and items as ratings");
    std::vector<std::size_t> order(n);
    for (std::size_t k = 0; k < n; ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return items[a] != items[b] ? items[a] < items[b] : users[a] < users[b];
    });
    Eigen::SparseMatrix<double> m(n_users(), n_items());
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t k = order[j];
      check::that(users[k] >= 0 && users[k] < n_users() && items[k] >= 0 && items[k] < n_items(),
                  function, "ratings", "must index users and items within range");
      if (j > 0 && users[order[j - 1]] == users[k] && items[order[j - 1]] == items[k]) {
        check::fail(function, "ratings",
                    "has a (user, item) pair rated twice: ratings " + std::to_string(order[j - 1]) +
                        " and " + std::to_string(k),
                    "user '" + user_ids[static_cast<std::size_t>(users[k])] + "', item '" +
                        item_ids[static_cast<std::size_t>(items[k])] + "'");
      }
    }
    std::vector<Eigen::Triplet<double>> triplets;
    triplets.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      triplets.emplace_back(static_cast<int>(users[k]), static_cast<int>(items[k]),
                            ratings[static_cast<Index>(k)]);
    }
    m.setFromTriplets(triplets.begin(), triplets.end());
    return m;
  }
};

namespace detail {

/// Parses ratings text already loaded into `in`.
[[nodiscard]] inline Ratings parse_ratings(const Input& in, const RatingsOptions& options,
                                           std::string_view function) {
  options.validate(function);
  Scanner s(in.bytes, in.name, function);
  const std::string_view delimiter = options.delimiter;
  const bool tab = delimiter == "\t";
  const RatingsColumns& c = options.columns;
  const Index t = c.timestamp ? *c.timestamp : -1;
  const Index needed = std::max({c.user, c.item, c.rating, t}) + 1;

  const auto skip_padding = [&] {
    if (tab) {
      while (s.accept(' ')) {
      }
    } else {
      s.skip_blanks();
    }
  };
  // A field's text: up to the delimiter or the end of the line, padding trimmed.
  const auto field = [&]() -> std::string_view {
    skip_padding();
    std::string_view text = s.rest_of_line();
    const auto stop = text.find(delimiter);
    if (stop != std::string_view::npos) text = text.substr(0, stop);
    s.advance(text.size());
    while (!text.empty() && (text.back() == ' ' || (!tab && text.back() == '\t'))) {
      text.remove_suffix(1);
    }
    return text;
  };

  Ratings out;
  std::vector<double> values;
  std::unordered_map<std::string_view, Index> user_index;
  std::unordered_map<std::string_view, Index> item_index;
  const auto id = [&](std::unordered_map<std::string_view, Index>& map,
                      std::vector<std::string>& ids, std::string_view text) {
    const auto [it, inserted] = map.try_emplace(text, static_cast<Index>(ids.size()));
    if (inserted) ids.emplace_back(text);
    return it->second;
  };
  bool header_pending = options.header;
  while (!s.at_end()) {
    skip_padding();
    if (s.at_eol()) {
      s.next_line();
      continue;
    }
    if (header_pending) {
      header_pending = false;
      s.next_line();
      continue;
    }
    Index user = 0;
    Index item = 0;
    double rating = 0;
    std::int64_t stamp = 0;
    for (Index f = 0;; ++f) {
      bool more = false;  // a delimiter followed this field
      skip_padding();
      const Index column = s.column();
      if (f == c.rating || f == t) {
        if (f == c.rating) {
          rating = s.real("a rating (a number)");
          if (!std::isfinite(rating)) {
            throw parse_error(function, in.name, s.line(), column, "a finite rating",
                              std::to_string(rating));
          }
        } else {
          stamp = s.integer<std::int64_t>("a timestamp (an integer)");
        }
        skip_padding();
        more = s.accept(delimiter);
        if (!more && !s.at_eol()) {
          std::string expected(1, '\'');
          expected.append(tab ? std::string_view("\\t") : delimiter);
          expected.append("' or the end of the line after ");
          expected.append(f == c.rating ? "the rating" : "the timestamp");
          s.fail(expected, s.rest_of_token());
        }
      } else {
        const std::string_view text = field();
        if (f == c.user || f == c.item) {
          if (text.empty()) {
            throw parse_error(function, in.name, s.line(), column,
                              f == c.user ? "a user id (empty fields are not allowed)"
                                          : "an item id (empty fields are not allowed)",
                              "");
          }
          if (f == c.user) {
            user = id(user_index, out.user_ids, text);
          } else {
            item = id(item_index, out.item_ids, text);
          }
        }
        more = s.accept(delimiter);
      }
      if (!more) {
        if (f + 1 < needed) {
          throw parse_error(function, in.name, s.line(), 0,
                            "at least " + std::to_string(needed) + " fields",
                            std::to_string(f + 1) + " fields");
        }
        break;
      }
      if (f + 1 >= needed) {  // extra columns: not read
        break;
      }
    }
    out.users.push_back(user);
    out.items.push_back(item);
    values.push_back(rating);
    if (c.timestamp) out.timestamps.push_back(stamp);
    s.next_line();
  }
  out.ratings = Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Index>(values.size()));
  return out;
}

}  // namespace detail

/// Reads the ratings file at `path` (gzip-compressed or plain). Throws
/// `iterum::invalid_argument` naming 'path' when it cannot be read or an option is invalid,
/// and `io::parse_error` (line, column, what was expected) for malformed content.
[[nodiscard]] inline Ratings read_ratings(const std::filesystem::path& path,
                                          const RatingsOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_ratings";
  return detail::parse_ratings(load(path, function), options, function);
}

/// Reads ratings text from `stream` to its end; `name` is what messages call it.
[[nodiscard]] inline Ratings read_ratings(std::istream& stream, std::string name,
                                          const RatingsOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_ratings";
  return detail::parse_ratings(load(stream, std::move(name), function), options, function);
}

/// Reads ratings text from the bytes of `buffer`; `name` is what messages call it.
[[nodiscard]] inline Ratings read_ratings(std::span<const unsigned char> buffer, std::string name,
                                          const RatingsOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_ratings";
  return detail::parse_ratings(load(buffer, std::move(name), function), options, function);
}

}  // namespace iterum::io
