#pragma once

/// @file input.hpp
/// @brief `io::Input`: the bytes a reader parses, loaded from a path (plain or gzip-compressed,
/// detected by the magic bytes 1f 8b), an `std::istream`, or a memory buffer, with the name that
/// error messages show.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/io/gzip.hpp"

namespace iterum::io {

/// Loaded content, decompressed when it was gzip data.
struct Input {
  std::vector<unsigned char> bytes;  ///< the content
  std::string name;                  ///< the path, or the name given to a stream or buffer
};

namespace detail {

[[nodiscard]] inline bool is_gzip(std::span<const unsigned char> bytes) noexcept {
  return bytes.size() >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
}

inline void maybe_gunzip(Input& in, std::string_view function) {
  if (is_gzip(in.bytes)) in.bytes = gunzip(in.bytes, function);
}

}  // namespace detail

/// Reads the whole file at `path` (a regular file; gzip data is decompressed). Throws
/// `iterum::invalid_argument` naming `function` and 'path' when it is not a readable regular
/// file, and as `gunzip` does for broken gzip data.
[[nodiscard]] inline Input load(const std::filesystem::path& path, std::string_view function) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    check::fail(function, "path", ec ? "cannot be accessed" : "is not a regular file",
                path.string());
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > static_cast<std::uintmax_t>(std::numeric_limits<std::ptrdiff_t>::max())) {
    check::fail(function, "path", "has a size that cannot be read", path.string());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) check::fail(function, "path", "cannot be opened for reading", path.string());
  Input in{std::vector<unsigned char>(static_cast<std::size_t>(size)), path.string()};
  file.read(reinterpret_cast<char*>(in.bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(file.gcount()) != size) {
    check::fail(function, "path", "could not be read to the end", path.string());
  }
  detail::maybe_gunzip(in, function);
  return in;
}

/// Reads `stream` to its end (gzip data is decompressed); `name` is what messages call it.
[[nodiscard]] inline Input load(std::istream& stream, std::string name, std::string_view function) {
  Input in{{}, std::move(name)};
  in.bytes.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
  if (stream.bad()) check::fail(function, "stream", "could not be read to the end", in.name);
  detail::maybe_gunzip(in, function);
  return in;
}

/// Copies `buffer` (gzip data is decompressed); `name` is what messages call it.
[[nodiscard]] inline Input load(std::span<const unsigned char> buffer, std::string name,
                                std::string_view function) {
  Input in{std::vector<unsigned char>(buffer.begin(), buffer.end()), std::move(name)};
  detail::maybe_gunzip(in, function);
  return in;
}

}  // namespace iterum::io
