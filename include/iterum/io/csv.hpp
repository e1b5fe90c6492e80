#pragma once

/// @file csv.hpp
/// @brief `iterum::io::read_csv`: reads a numeric delimited text file (plain or gzip) into a
/// dense `Eigen::MatrixXd`, one row per line.
///
/// The accepted text is the numeric subset of RFC 4180 (comma-separated values) that NumPy's
/// `numpy.loadtxt` reads, which is how scikit-learn loads its bundled `.csv` / `.csv.gz` data
/// sets: fields separated by `delimiter`, spaces (and tabs, unless the delimiter is a tab)
/// around a number allowed, `skip_rows` leading lines skipped unread (a header), text from the
/// `comment` character to the end of a line ignored, blank lines skipped, "\r\n" accepted.
/// With `delimiter = ' '` fields are separated by runs of spaces and tabs (NumPy's default
/// `delimiter=None`). Stricter than NumPy, by design: every row must have as many fields as
/// the first, an empty field is an error (no missing values), numbers must be finite, and
/// quoted fields are not supported.

#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <istream>
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

/// How `read_csv` splits lines into numbers.
struct CsvOptions {
  /// Field separator; ' ' means runs of spaces and tabs.
  char delimiter = ',';
  /// Leading lines skipped without being read (header rows), counted before blank or comment
  /// lines are recognised.
  Index skip_rows = 0;
  /// Text from this character to the end of the line is ignored; none when unset.
  std::optional<char> comment = '#';

  /// Throws `iterum::invalid_argument` naming the field: `skip_rows` negative, a delimiter
  /// that can be part of a number or a line end ('0'-'9', '+', '-', '.', 'e', 'E', '\r',
  /// '\n'), or a comment character equal to the delimiter.
  void validate(std::string_view function = "iterum::io::CsvOptions::validate") const {
    check::nonnegative(function, "skip_rows", static_cast<double>(skip_rows));
    const std::string_view forbidden = "0123456789+-.eE\r\n";
    const auto number_char = [&](char c) { return forbidden.find(c) != std::string_view::npos; };
    if (number_char(delimiter) || delimiter == '\0') {
      check::fail(function, "delimiter", "must not be part of a number or a line end",
                  std::string(1, delimiter));
    }
    if (comment && (*comment == delimiter || number_char(*comment) || *comment == ' ')) {
      check::fail(function, "comment",
                  "must differ from the delimiter, a blank and the characters of a number",
                  std::string(1, *comment));
    }
  }
};

namespace detail {

/// Parses delimited numeric text already loaded into `in`.
[[nodiscard]] inline Eigen::MatrixXd parse_csv(const Input& in, const CsvOptions& options,
                                               std::string_view function) {
  options.validate(function);
  Scanner s(in.bytes, in.name, function);
  for (Index k = 0; k < options.skip_rows && !s.at_end(); ++k) s.next_line();

  const char delimiter = options.delimiter;
  const bool blank_separated = delimiter == ' ';
  const char comment = options.comment ? *options.comment : '\n';
  // Blanks around a number: spaces, and tabs unless the tab separates fields.
  const auto skip_padding = [&] {
    if (delimiter == '\t') {
      while (s.accept(' ')) {
      }
    } else {
      s.skip_blanks();
    }
  };
  const auto line_done = [&] { return s.at_eol() || s.peek() == comment; };

  std::vector<double> values;
  Index cols = -1;
  Index rows = 0;
  while (!s.at_end()) {
    skip_padding();
    if (line_done()) {
      s.next_line();
      continue;
    }
    Index fields = 0;
    while (true) {
      skip_padding();
      if (line_done() || (!blank_separated && s.peek() == delimiter)) {
        s.fail("a number (empty fields are not allowed)", s.rest_of_token());
      }
      const Index column = s.column();
      const double value = s.real("a number");
      if (!std::isfinite(value)) {
        throw parse_error(function, in.name, s.line(), column, "a finite number",
                          std::to_string(value));
      }
      values.push_back(value);
      ++fields;
      skip_padding();
      if (line_done()) break;
      if (blank_separated) continue;
      if (!s.accept(delimiter)) {
        s.fail(std::string("'") + delimiter + "' or the end of the line after a number",
               s.rest_of_token());
      }
    }
    if (cols < 0) cols = fields;
    if (fields != cols) {
      throw parse_error(function, in.name, s.line(), 0,
                        std::to_string(cols) + " fields, as on the first row",
                        std::to_string(fields) + " fields");
    }
    ++rows;
    s.next_line();
  }
  if (cols < 0) return Eigen::MatrixXd(0, 0);
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(values.data(), rows, cols);
}

}  // namespace detail

/// Reads the delimited numeric file at `path` (gzip-compressed or plain). Throws
/// `iterum::invalid_argument` naming 'path' when it cannot be read, and `io::parse_error`
/// (line, column, what was expected) for malformed content.
[[nodiscard]] inline Eigen::MatrixXd read_csv(const std::filesystem::path& path,
                                              const CsvOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_csv";
  return detail::parse_csv(load(path, function), options, function);
}

/// Reads delimited numeric text from `stream` to its end; `name` is what messages call it.
[[nodiscard]] inline Eigen::MatrixXd read_csv(std::istream& stream, std::string name,
                                              const CsvOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_csv";
  return detail::parse_csv(load(stream, std::move(name), function), options, function);
}

/// Reads delimited numeric text from the bytes of `buffer`; `name` is what messages call it.
[[nodiscard]] inline Eigen::MatrixXd read_csv(std::span<const unsigned char> buffer,
                                              std::string name, const CsvOptions& options = {}) {
  constexpr std::string_view function = "iterum::io::read_csv";
  return detail::parse_csv(load(buffer, std::move(name), function), options, function);
}

}  // namespace iterum::io
