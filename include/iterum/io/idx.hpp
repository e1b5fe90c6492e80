#pragma once

/// @file idx.hpp
/// @brief `iterum::io::read_idx`: reads an IDX array file (the format of MNIST and
/// Fashion-MNIST), plain or gzip-compressed, from a path, a stream or a memory buffer, into an
/// `IdxArray` of doubles.
///
/// IDX layout: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B int16,
/// 0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions, each dimension as a
/// big-endian uint32, then the values in row-major order, big-endian. The first dimension
/// counts items (images, labels); a slice of items can be read without converting the rest.

#include <Eigen/Core>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/io/input.hpp"

namespace iterum::io {

/// Element type of an IDX file, by its type byte.
enum class IdxType : unsigned char {
  UnsignedByte = 0x08,
  SignedByte = 0x09,
  Int16 = 0x0B,
  Int32 = 0x0C,
  Float32 = 0x0D,
  Float64 = 0x0E,
};

/// Items `[first, first + items())` of an IDX file, converted to double.
struct IdxArray {
  IdxType type = IdxType::UnsignedByte;  ///< element type in the file
  std::vector<Index> shape{};            ///< the file's shape; shape[0] counts all its items
  Index first = 0;                       ///< index of the first item held
  std::vector<double> values{};          ///< the items held, row-major

  /// Number of items held.
  [[nodiscard]] Index items() const noexcept {
    const Index size = item_size();
    return size == 0 ? 0 : static_cast<Index>(values.size()) / size;
  }

  /// Values per item: the product of the dimensions after the first (1 for a 1-D file).
  [[nodiscard]] Index item_size() const noexcept {
    Index size = 1;
    for (std::size_t d = 1; d < shape.size(); ++d) size *= shape[d];
    return size;
  }

  /// Item `k` of those held (0-based within the slice) as a matrix: shape[1] x shape[2] for a
  /// 3-D file (an image), 1 x shape[1] for a 2-D file, 1 x 1 for a 1-D file (a label).
  [[nodiscard]] Eigen::Map<
      const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
  item(Index k) const {
    check::that(k >= 0 && k < items(), "iterum::io::IdxArray::item", "k",
                "must index an item held (got " + std::to_string(k) + " of " +
                    std::to_string(items()) + ")");
    const Index rows = shape.size() >= 3 ? shape[1] : 1;
    const Index size = item_size();
    return {values.data() + k * size, rows, size / rows};
  }
};

namespace detail {

/// Big-endian value of `width` bytes at `p`, as an unsigned integer.
[[nodiscard]] inline std::uint64_t big_endian(const unsigned char* p, int width) {
  std::uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | p[i];
  return v;
}

/// The value of IDX type `type` stored at `p`.
[[nodiscard]] inline double idx_value(IdxType type, const unsigned char* p) {
  switch (type) {
    case IdxType::UnsignedByte:
      return static_cast<double>(p[0]);
    case IdxType::SignedByte:
      return static_cast<double>(static_cast<std::int8_t>(p[0]));
    case IdxType::Int16:
      return static_cast<double>(static_cast<std::int16_t>(big_endian(p, 2)));
    case IdxType::Int32:
      return static_cast<double>(static_cast<std::int32_t>(big_endian(p, 4)));
    case IdxType::Float32:
      return static_cast<double>(
          std::bit_cast<float>(static_cast<std::uint32_t>(big_endian(p, 4))));
    case IdxType::Float64:
      return std::bit_cast<double>(big_endian(p, 8));
  }
  return 0.0;
}

[[nodiscard]] inline int idx_width(IdxType type) {
  switch (type) {
    case IdxType::UnsignedByte:
    case IdxType::SignedByte:
      return 1;
    case IdxType::Int16:
      return 2;
    case IdxType::Int32:
    case IdxType::Float32:
      return 4;
    case IdxType::Float64:
      return 8;
  }
  return 0;
}

}  // namespace detail

/// Parses an IDX file image (already decompressed) and converts items
/// `[first, first + count)` (all from `first` on when `count` is unset). Throws
/// `iterum::invalid_argument` for a malformed header, dimensions whose product overflows
/// `Index`, a size that disagrees with the header (checked before anything is allocated), or a
/// slice outside the file.
[[nodiscard]] inline IdxArray parse_idx(std::span<const unsigned char> bytes, Index first = 0,
                                        std::optional<Index> count = {},
                                        std::string_view function = "iterum::io::parse_idx") {
  const auto bad = [&](const std::string& problem) {
    check::fail(function, "data", "is not an IDX file: " + problem, {});
  };
  if (bytes.size() < 4) bad("shorter than its 4-byte magic number");
  if (bytes[0] != 0 || bytes[1] != 0) bad("the magic number does not start with two zero bytes");
  const auto type = static_cast<IdxType>(bytes[2]);
  const int width = detail::idx_width(type);
  if (width == 0) bad("unknown type byte " + std::to_string(static_cast<int>(bytes[2])));
  const std::size_t dims = bytes[3];
  if (dims == 0) bad("zero dimensions");
  if (bytes.size() < 4 + 4 * dims) bad("ends inside its dimensions");
  const std::size_t header = 4 + 4 * dims;
  IdxArray array;
  array.type = type;
  for (std::size_t d = 0; d < dims; ++d) {
    array.shape.push_back(static_cast<Index>(detail::big_endian(bytes.data() + 4 + 4 * d, 4)));
  }
  // Every size in Index, overflow-checked (the factors are >= 0), and compared with the bytes
  // present before anything is allocated: values per item, bytes per item, bytes of all items.
  const auto product = [&](Index a, Index b) {
    if (b != 0 && a > std::numeric_limits<Index>::max() / b) {
      bad("the product of its dimensions overflows");
    }
    return a * b;
  };
  Index item_size = 1;
  for (std::size_t d = 1; d < dims; ++d) item_size = product(item_size, array.shape[d]);
  const Index data_bytes = product(product(item_size, Index{width}), array.shape[0]);
  if (bytes.size() - header != static_cast<std::size_t>(data_bytes)) {
    bad("holds " + std::to_string(bytes.size()) + " bytes where its header implies " +
        std::to_string(header + static_cast<std::size_t>(data_bytes)));
  }
  const Index all = array.shape[0];
  check::that(first >= 0 && first <= all, function, "first",
              "must lie in [0, " + std::to_string(all) + "] (got " + std::to_string(first) + ")");
  // n <= all - first, not first + n <= all: that sum overflows for a count near INT64_MAX.
  const Index n = count ? *count : all - first;
  check::that(n >= 0 && n <= all - first, function, "count",
              "must fit in the file's " + std::to_string(all) + " items from first = " +
                  std::to_string(first) + " (got " + std::to_string(n) + ")");
  const auto size = static_cast<std::size_t>(item_size);
  array.first = first;
  array.values.resize(static_cast<std::size_t>(n) * size);
  const unsigned char* p = bytes.data() + header +
                           static_cast<std::size_t>(first) * size * static_cast<std::size_t>(width);
  for (double& v : array.values) {
    v = detail::idx_value(type, p);
    p += width;
  }
  return array;
}

/// Reads the IDX file at `path`, gzip-compressed (detected by its magic number, as Debian ships
/// MNIST-style datasets) or plain, keeping items `[first, first + count)`. The file is loaded by
/// `io::load`: throws `iterum::invalid_argument` naming 'path' when it is not a readable regular
/// file (a directory, say), and as `parse_idx` and `gunzip` do for malformed content.
[[nodiscard]] inline IdxArray read_idx(const std::filesystem::path& path, Index first = 0,
                                       std::optional<Index> count = {}) {
  constexpr std::string_view function = "iterum::io::read_idx";
  const Input in = load(path, function);
  return parse_idx(in.bytes, first, count, function);
}

/// Reads an IDX file image from `stream` to its end (gzip-compressed or plain, detected by the
/// magic number), keeping items `[first, first + count)`; `name` is what messages about the
/// stream call it. Throws as the path overload does for malformed content.
[[nodiscard]] inline IdxArray read_idx(std::istream& stream, std::string name, Index first = 0,
                                       std::optional<Index> count = {}) {
  constexpr std::string_view function = "iterum::io::read_idx";
  const Input in = load(stream, std::move(name), function);
  return parse_idx(in.bytes, first, count, function);
}

/// Reads an IDX file image held in memory (gzip-compressed or plain), keeping items
/// `[first, first + count)`; `name` is what messages call it. Unlike `parse_idx`, which reads
/// plain IDX bytes only, this decompresses gzip data first, as the path overload does.
[[nodiscard]] inline IdxArray read_idx(std::span<const unsigned char> bytes, std::string name,
                                       Index first = 0, std::optional<Index> count = {}) {
  constexpr std::string_view function = "iterum::io::read_idx";
  const Input in = load(bytes, std::move(name), function);
  return parse_idx(in.bytes, first, count, function);
}

}  // namespace iterum::io
