#pragma once

/// @file input.hpp
/// @brief `io::Input`: the bytes a reader parses, loaded from a path (plain or gzip-compressed,
/// detected by the magic bytes 1f 8b), an `std::istream`, or a memory buffer, with the name that
/// error messages show.
///
/// A file is read with one `read` into a buffer that is not zero-filled first (`io::Bytes`), so
/// its bytes are touched once on the way in. The file is read, not memory-mapped: a mapping of a
/// file that another process truncates while it is parsed would crash the reader (SIGBUS)
/// instead of letting it report the file as cut short.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <memory>
#include <span>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/io/bytes.hpp"
#include "iterum/io/gzip.hpp"

namespace iterum::io {

/// Loaded content, decompressed when it was gzip data.
struct Input {
  Bytes bytes;       ///< the content
  std::string name;  ///< the path, or the name given to a stream or buffer
};

namespace detail {

[[nodiscard]] inline bool is_gzip(std::span<const unsigned char> bytes) noexcept {
  return bytes.size() >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;
}

inline void maybe_gunzip(Input& in, std::string_view function) {
  if (is_gzip(in.bytes)) in.bytes = Bytes(gunzip(in.bytes, function));
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
  Input in{Bytes::uninitialized(static_cast<std::size_t>(size)), path.string()};
  file.read(reinterpret_cast<char*>(in.bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(file.gcount()) != size) {
    check::fail(function, "path", "could not be read to the end", path.string());
  }
  detail::maybe_gunzip(in, function);
  return in;
}

/// Reads `stream` to its end (gzip data is decompressed); `name` is what messages call it.
[[nodiscard]] inline Input load(std::istream& stream, std::string name, std::string_view function) {
  std::vector<unsigned char> content;
  // Block reads from the stream's buffer (as a stream iterator would, without its per-byte
  // cost and without touching the stream's state flags); the vector's storage is then adopted.
  if (std::streambuf* source = stream.rdbuf()) {
    constexpr std::streamsize block = std::streamsize{1} << 16;
    std::unique_ptr<char[]> buffer(new char[static_cast<std::size_t>(block)]);
    for (;;) {
      const std::streamsize got = source->sgetn(buffer.get(), block);
      if (got <= 0) break;
      const auto* first = reinterpret_cast<const unsigned char*>(buffer.get());
      content.insert(content.end(), first, first + got);
    }
  }
  if (stream.bad()) check::fail(function, "stream", "could not be read to the end", name);
  Input in{Bytes(std::move(content)), std::move(name)};
  detail::maybe_gunzip(in, function);
  return in;
}

/// Copies `buffer` (gzip data is decompressed); `name` is what messages call it.
[[nodiscard]] inline Input load(std::span<const unsigned char> buffer, std::string name,
                                std::string_view function) {
  Input in{Bytes(buffer), std::move(name)};
  detail::maybe_gunzip(in, function);
  return in;
}

}  // namespace iterum::io
