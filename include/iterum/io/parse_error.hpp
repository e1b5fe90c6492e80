#pragma once

/// @file parse_error.hpp
/// @brief `io::parse_error`: what every reader throws for malformed content, naming the
/// source, the line and column, and what was expected there.

#include <string>
#include <string_view>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"

namespace iterum::io {

/// Malformed content in a data file. Derived from `iterum::invalid_argument`, so code that
/// catches bad input catches it too. The message reads
/// `<function>: <source>:<line>:<column>: expected <what> (got '<text>')`; lines and columns
/// count from 1 (0 when the problem is not at one place, e.g. a truncated file).
class parse_error : public invalid_argument {
 public:
  parse_error(std::string_view function, std::string source, Index line, Index column,
              std::string_view expected, std::string_view got)
      : invalid_argument(compose(function, source, line, column, expected, got)),
        source_(std::move(source)),
        line_(line),
        column_(column) {}

  /// The file name (or the name given to a stream or buffer).
  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  /// 1-based line of the problem (0: not at one line).
  [[nodiscard]] Index line() const noexcept { return line_; }
  /// 1-based column of the problem (0: not at one column).
  [[nodiscard]] Index column() const noexcept { return column_; }

 private:
  static std::string compose(std::string_view function, std::string_view source, Index line,
                             Index column, std::string_view expected, std::string_view got) {
    std::string m(function);
    m.append(": ").append(source);
    if (line > 0) m.append(":").append(std::to_string(line));
    if (column > 0) m.append(":").append(std::to_string(column));
    m.append(": expected ").append(expected);
    if (!got.empty()) {
      constexpr std::size_t shown = 40;  // long garbage is cut, so messages stay one line
      std::string text(got.substr(0, shown));
      for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
      }
      m.append(" (got '").append(text).append(got.size() > shown ? "...'" : "'").append(")");
    }
    return m;
  }

  std::string source_;
  Index line_ = 0;
  Index column_ = 0;
};

}  // namespace iterum::io
