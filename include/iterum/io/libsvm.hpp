#pragma once

/// @file libsvm.hpp
/// @brief `iterum::io::read_libsvm`: reads a LIBSVM / SVMlight text file (plain or gzip) into a
/// sparse design matrix, its labels and optional query ids (`LabeledData`).
///
/// Format (C.-C. Chang and C.-J. Lin, LIBSVM README, "Installation and Data Format"; the
/// `qid:` field and '#' comments are SVMlight's, T. Joachims): one example per line,
///
///     <label> [qid:<int>] <index>:<value> <index>:<value> ... [# comment]
///
/// with fields separated by spaces or tabs. Indices are 1-based unless `zero_based` is set and
/// must strictly increase along a line; features that are not listed are zero. Blank lines and
/// lines holding only a comment are skipped; "\r\n" line ends are accepted.
///
/// The reading matches scikit-learn's `sklearn.datasets.load_svmlight_file(f, zero_based=...,
/// n_features=...)` (1.2): the same labels, matrix and qids, n_features inferred as the largest
/// index when not given, an index beyond a given n_features rejected, unsorted or repeated
/// indices rejected. Deliberate differences, all rejecting what scikit-learn would accept or
/// guess: no `zero_based="auto"`, no `multilabel` (a line with comma-separated labels is a
/// `parse_error`), qid must be on every line or on none (scikit-learn fills 0 for lines
/// without it), and labels and values must be finite (no nan or inf).

#include <Eigen/SparseCore>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/io/detail/scanner.hpp"
#include "iterum/io/input.hpp"
#include "iterum/io/parse_error.hpp"

namespace iterum::io {

/// How `read_libsvm` numbers features and sizes the matrix.
struct LibsvmOptions {
  /// Feature indices start at 0 (default: at 1, as LIBSVM writes them).
  bool zero_based = false;
  /// Number of columns of `x`; when unset, the largest index in the file (1-based) or one more
  /// (0-based). An index beyond it is a `parse_error`.
  std::optional<Index> n_features;

  /// Throws `iterum::invalid_argument` naming 'n_features' unless it lies in [0, 2^31 - 1].
  void validate(std::string_view function = "iterum::io::LibsvmOptions::validate") const {
    if (n_features) {
      check::in_range(function, "n_features", static_cast<double>(*n_features), 0.0,
                      static_cast<double>(std::numeric_limits<int>::max()));
    }
  }
};

/// A labelled data set: one row of `x` per line of the file.
///
/// `x` is compressed sparse row (CSR), the layout in which the file is read and which row
/// access (stochastic methods, `x * w`) prefers. For compressed sparse columns (CSC) convert by
/// assignment: `Eigen::SparseMatrix<double> csc = data.x;` (a transpose-copy, O(nnz)).
struct LabeledData {
  Eigen::SparseMatrix<double, Eigen::RowMajor> x;  ///< rows = examples, cols = n_features
  Eigen::VectorXd y;                               ///< the label of each row
  std::vector<std::int64_t> qid;  ///< the query id of each row; empty when the file has none
};

namespace detail {

[[nodiscard]] inline bool libsvm_field_end(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#';
}

/// Parses LIBSVM text already loaded into `in`.
[[nodiscard]] inline LabeledData parse_libsvm(const Input& in, const LibsvmOptions& options,
                                              std::string_view function) {
  options.validate(function);
  constexpr std::int64_t max_columns = std::numeric_limits<int>::max();
  const std::int64_t base = options.zero_based ? 0 : 1;
  const std::int64_t limit = options.n_features ? *options.n_features : max_columns;

  Scanner s(in.bytes, in.name, function);
  std::vector<double> labels;
  std::vector<std::int64_t> qids;
  std::vector<int> outer{0};
  // The entries go straight into the storage the result adopts at the end (no copy pass).
  using Storage = Eigen::SparseMatrix<double, Eigen::RowMajor>::Storage;
  Storage entries;
  // Text of at least 4 bytes per entry ("1:1 "); reserving from the size avoids regrowth.
  const std::size_t guess = in.bytes.size() / 8;
  entries.reserve(static_cast<Eigen::Index>(guess));
  std::int64_t columns = 0;
  bool with_qid = false;

  auto skip_comment_or_blank = [&] {
    s.skip_blanks();
    if (s.peek() == '#') {
      s.next_line();
      return true;
    }
    if (s.at_eol()) {
      s.next_line();
      return true;
    }
    return false;
  };

  while (!s.at_end()) {
    if (skip_comment_or_blank()) continue;
    // The label.
    const Index label_column = s.column();
    const double label = s.real("a label (a number)");
    if (s.peek() == ',') {
      s.fail("a single label (multi-label lines, with comma-separated labels, are not supported)",
             s.rest_of_token());
    }
    if (!libsvm_field_end(s.peek())) s.fail("a blank after the label", s.rest_of_token());
    if (!std::isfinite(label)) {
      throw parse_error(function, in.name, s.line(), label_column, "a finite label",
                        std::to_string(label));
    }
    labels.push_back(label);
    s.skip_blanks();

    // The optional qid, on every line or on none.
    const bool has_qid = s.accept("qid:");
    if (labels.size() == 1) with_qid = has_qid;
    if (has_qid != with_qid) {
      s.fail(with_qid ? "qid:<id> (the first line has one; qid must be on every line or none)"
                      : "no qid (the first line has none; qid must be on every line or none)",
             s.rest_of_token());
    }
    if (has_qid) {
      qids.push_back(s.integer<std::int64_t>("an integer query id"));
      if (!libsvm_field_end(s.peek())) s.fail("a blank after the query id", s.rest_of_token());
      s.skip_blanks();
    }

    // index:value pairs.
    std::int64_t previous = base - 1;
    while (!s.at_eol() && s.peek() != '#') {
      const Index column = s.column();
      if (s.peek() == '-') s.fail("a feature index (a non-negative integer)", s.rest_of_token());
      const auto index = s.natural<std::int64_t>("a feature index (an integer)");
      if (index < base) {
        throw parse_error(function, in.name, s.line(), column,
                          "a feature index >= 1 (indices are 1-based; set zero_based for "
                          "0-based files)",
                          std::to_string(index));
      }
      if (index <= previous) {
        throw parse_error(function, in.name, s.line(), column,
                          "a feature index greater than " + std::to_string(previous) +
                              " (indices must strictly increase along a line)",
                          std::to_string(index));
      }
      const std::int64_t col = index - base;
      if (col >= limit) {
        throw parse_error(function, in.name, s.line(), column,
                          options.n_features
                              ? "a feature index below " + std::to_string(limit + base) +
                                    " (n_features = " + std::to_string(limit) + ")"
                              : std::string("a feature index below 2^31 - 1"),
                          std::to_string(index));
      }
      previous = index;
      if (!s.accept(':')) s.fail("':' after the feature index", s.rest_of_token());
      const Index value_column = s.column();
      const double value = s.real("a feature value (a number)");
      if (!libsvm_field_end(s.peek())) {
        s.fail("a blank, '#' or the end of the line after the value", s.rest_of_token());
      }
      if (!std::isfinite(value)) {
        throw parse_error(function, in.name, s.line(), value_column, "a finite feature value",
                          std::to_string(value));
      }
      if (entries.size() >= Eigen::Index{std::numeric_limits<int>::max()}) {
        s.fail("at most 2^31 - 1 stored entries", "");
      }
      entries.append(value, static_cast<Eigen::Index>(col));
      if (col + 1 > columns) columns = col + 1;
      s.skip_blanks();
    }
    outer.push_back(static_cast<int>(entries.size()));
    if (labels.size() >= static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      s.fail("at most 2^31 - 2 lines of data", "");
    }
    s.next_line();
  }

  const auto rows = static_cast<Index>(labels.size());
  const Index cols = options.n_features ? *options.n_features : static_cast<Index>(columns);
  LabeledData data;
  data.x.resize(rows, cols);
  data.x.data().swap(entries);
  std::copy(outer.begin(), outer.end(), data.x.outerIndexPtr());
  data.y = Eigen::Map<const Eigen::VectorXd>(labels.data(), rows);
  data.qid = std::move(qids);
  return data;
}

}  // namespace detail

/// Reads the LIBSVM / SVMlight file at `path` (gzip-compressed or plain). Throws
/// `iterum::invalid_argument` naming 'path' when it cannot be read, and `io::parse_error`
/// (line, column, what was expected) for malformed content.
[[nodiscard]] inline LabeledData read_libsvm(const std::filesystem::path& path,
                                             const LibsvmOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_libsvm";
  return detail::parse_libsvm(load(path, function), options, function);
}

/// Reads LIBSVM text from `stream` to its end; `name` is what error messages call it.
[[nodiscard]] inline LabeledData read_libsvm(std::istream& stream, std::string name,
                                             const LibsvmOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_libsvm";
  return detail::parse_libsvm(load(stream, std::move(name), function), options, function);
}

/// Reads LIBSVM text from the bytes of `buffer`; `name` is what error messages call it.
[[nodiscard]] inline LabeledData read_libsvm(std::span<const unsigned char> buffer,
                                             std::string name, const LibsvmOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_libsvm";
  return detail::parse_libsvm(load(buffer, std::move(name), function), options, function);
}

}  // namespace iterum::io
