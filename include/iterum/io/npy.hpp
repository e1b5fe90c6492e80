#pragma once

/// @file npy.hpp
/// @brief `iterum::io::read_npy` and `write_npy`: NumPy's .npy array files (the format of
/// `numpy.save`, specified in NEP 1, "A Simple File Format for NumPy Arrays", and the
/// `numpy.lib.format` documentation), read into an `NpyArray` of doubles and written from Eigen
/// dense matrices and vectors.
///
/// Layout: the magic string "\x93NUMPY", a major and minor version byte (1.0, 2.0 or 3.0 are
/// read), the header length (little-endian uint16 for 1.0, uint32 for 2.0 and 3.0), the header
/// (a Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded
/// with spaces and ended by '\n'), then the array's bytes, in C (row-major) or Fortran
/// (column-major) order.
///
/// Read: the header dict is parsed strictly (exactly the keys 'descr', 'fortran_order' and
/// 'shape', each once; a string, True/False and a tuple of nonnegative integers); the dtypes
/// '<f8', '<f4', '<i8', '<i4', '<i2', '|i1', '<u8', '<u4', '<u2', '|u1' and '|b1' (little-endian,
/// the byte order NumPy writes on every common machine). Big-endian ('>'), object, string,
/// complex and structured dtypes are rejected with an `io::parse_error`. The element count (the
/// product of the shape, overflow-checked) times the item size must equal the bytes after the
/// header exactly. Header errors name line 1 and the 1-based byte offset in the file as the column;
/// a data size that disagrees with the header has line and column 0.
///
/// Write: '<f8', version 1.0, `fortran_order` matching the Eigen object's storage (True for
/// Eigen's default column-major, False for row-major), so the data is written as it lies in
/// memory; a vector type (one column or one row at compile time) is written 1-D.

#include <Eigen/Core>
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/io/input.hpp"
#include "iterum/io/parse_error.hpp"

namespace iterum::io {

/// Element type of a .npy file, by its dtype descriptor.
enum class NpyType {
  Float64,  ///< '<f8'
  Float32,  ///< '<f4'
  Int64,    ///< '<i8' (magnitudes above 2^53 are rounded to the nearest double)
  Int32,    ///< '<i4'
  Int16,    ///< '<i2'
  Int8,     ///< '|i1'
  UInt64,   ///< '<u8' (values above 2^53 are rounded to the nearest double)
  UInt32,   ///< '<u4'
  UInt16,   ///< '<u2'
  UInt8,    ///< '|u1'
  Bool,     ///< '|b1' (a nonzero byte reads as 1)
};

/// The array of a .npy file converted to double.
struct NpyArray {
  NpyType type = NpyType::Float64;  ///< element type in the file
  std::vector<Index> shape{};       ///< the file's shape (empty for a 0-d array)
  bool fortran_order = false;       ///< how the file stored the values
  /// The values in column-major (Fortran) order whatever the file's order: the element at
  /// (i0, i1, ..., ik) is values[i0 + shape[0] * (i1 + shape[1] * (... ))]. A 2-D array's
  /// values are thus the data of its `Eigen::MatrixXd`.
  std::vector<double> values{};

  /// Number of dimensions.
  [[nodiscard]] Index ndim() const noexcept { return static_cast<Index>(shape.size()); }

  /// The array as a matrix: shape[0] x shape[1] for 2-D, a column shape[0] x 1 for 1-D, 1 x 1
  /// for 0-d. Throws `iterum::invalid_argument` for 3 or more dimensions.
  [[nodiscard]] Eigen::MatrixXd matrix() const {
    check::that(shape.size() <= 2, "iterum::io::NpyArray::matrix", "this",
                "must have at most 2 dimensions (got " + std::to_string(shape.size()) + ")");
    const Index rows = shape.empty() ? 1 : shape[0];
    const Index cols = shape.size() == 2 ? shape[1] : 1;
    return Eigen::Map<const Eigen::MatrixXd>(values.data(), rows, cols);
  }
};

namespace detail {

inline constexpr std::string_view npy_read = "iterum::io::read_npy";

struct NpyDtype {
  std::string_view descr;
  NpyType type;
  std::size_t width;
};

inline constexpr NpyDtype npy_dtypes[] = {
    {"<f8", NpyType::Float64, 8}, {"<f4", NpyType::Float32, 4}, {"<i8", NpyType::Int64, 8},
    {"<i4", NpyType::Int32, 4},   {"<i2", NpyType::Int16, 2},   {"|i1", NpyType::Int8, 1},
    {"<u8", NpyType::UInt64, 8},  {"<u4", NpyType::UInt32, 4},  {"<u2", NpyType::UInt16, 2},
    {"|u1", NpyType::UInt8, 1},   {"|b1", NpyType::Bool, 1},
};

[[nodiscard]] inline std::uint64_t npy_le(const unsigned char* p, std::size_t width) noexcept {
  std::uint64_t v = 0;
  for (std::size_t k = width; k-- > 0;) v = (v << 8) | p[k];
  return v;
}

[[nodiscard]] inline double npy_value(NpyType type, const unsigned char* p) noexcept {
  switch (type) {
    case NpyType::Float64:
      return std::bit_cast<double>(npy_le(p, 8));
    case NpyType::Float32:
      return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(npy_le(p, 4))));
    case NpyType::Int64:
      return static_cast<double>(static_cast<std::int64_t>(npy_le(p, 8)));
    case NpyType::Int32:
      return static_cast<double>(
          static_cast<std::int32_t>(static_cast<std::uint32_t>(npy_le(p, 4))));
    case NpyType::Int16:
      return static_cast<double>(
          static_cast<std::int16_t>(static_cast<std::uint16_t>(npy_le(p, 2))));
    case NpyType::Int8:
      return static_cast<double>(static_cast<std::int8_t>(p[0]));
    case NpyType::UInt64:
      return static_cast<double>(npy_le(p, 8));
    case NpyType::UInt32:
    case NpyType::UInt16:
      return static_cast<double>(npy_le(p, type == NpyType::UInt32 ? 4 : 2));
    case NpyType::UInt8:
      return static_cast<double>(p[0]);
    case NpyType::Bool:
      return p[0] != 0 ? 1.0 : 0.0;
  }
  return 0.0;
}

/// A strict reader of the header dict, reporting byte offsets in the file as columns.
class NpyHeader {
 public:
  NpyHeader(std::string_view text, std::size_t offset, const std::string& source)
      : text_(text), offset_(offset), source_(source) {}

  [[noreturn]] void fail(std::string_view expected, std::string_view got) const {
    throw parse_error(npy_read, source_, 1, static_cast<Index>(offset_ + at_ + 1), expected, got);
  }
  /// Up to 20 characters from here, to the end of the line, for messages.
  [[nodiscard]] std::string_view rest() const {
    const std::string_view r = text_.substr(std::min(at_, text_.size()), 20);
    return r.substr(0, r.find('\n'));
  }
  void blanks() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
  }
  [[nodiscard]] char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  void expect(char c, std::string_view what) {
    blanks();
    if (peek() != c) fail(what, rest());
    ++at_;
  }
  bool accept(char c) {
    blanks();
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  std::string_view string(std::string_view what) {
    blanks();
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(what, rest());
    const std::size_t start = at_ + 1;
    const std::size_t end = text_.find(quote, start);
    if (end == std::string_view::npos) fail(what, rest());
    at_ = end + 1;
    return text_.substr(start, end - start);
  }
  bool boolean() {
    blanks();
    if (text_.substr(at_, 4) == "True") {
      at_ += 4;
      return true;
    }
    if (text_.substr(at_, 5) == "False") {
      at_ += 5;
      return false;
    }
    fail("True or False", rest());
  }
  Index integer() {
    blanks();
    const std::size_t start = at_;
    std::uint64_t v = 0;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
      const auto d = static_cast<std::uint64_t>(text_[at_] - '0');
      if (v > (static_cast<std::uint64_t>(std::numeric_limits<Index>::max()) - d) / 10) {
        at_ = start;
        fail("a dimension within range", rest());
      }
      v = v * 10 + d;
      ++at_;
    }
    if (at_ == start) fail("a nonnegative integer dimension", rest());
    return static_cast<Index>(v);
  }
  std::vector<Index> shape() {
    expect('(', "a shape tuple '('");
    std::vector<Index> dims;
    if (accept(')')) return dims;
    for (;;) {
      dims.push_back(integer());
      if (accept(')')) {
        // A 1-tuple needs its trailing comma in Python: '(3)' is an integer, not a tuple.
        if (dims.size() == 1) {
          --at_;
          fail("',' after the only dimension of a 1-tuple", rest());
        }
        return dims;
      }
      expect(',', "',' or ')' in the shape");
      if (accept(')')) return dims;
    }
  }
  /// After '}': only blanks, then a final '\n'.
  void finish() {
    blanks();
    if (at_ + 1 != text_.size() || text_[at_] != '\n') {
      fail("the end of the header (blanks and a final newline)", rest());
    }
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  std::size_t offset_;
  const std::string& source_;
};

[[nodiscard]] inline NpyArray parse_npy(const Input& in) {
  const auto& bytes = in.bytes;
  const auto fail_at = [&](std::size_t offset, std::string_view expected, std::string_view got) {
    throw parse_error(npy_read, in.name, 1, static_cast<Index>(offset + 1), expected, got);
  };
  constexpr std::string_view magic = "\x93NUMPY";
  const std::string_view all(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (all.substr(0, magic.size()) != magic) {
    fail_at(0, "the magic string '\\x93NUMPY'", all.substr(0, magic.size()));
  }
  if (bytes.size() < 8) fail_at(bytes.size(), "a version after the magic string", "end of file");
  const unsigned major = bytes[6];
  const unsigned minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0) {
    fail_at(6, "format version 1.0, 2.0 or 3.0",
            std::to_string(major) + "." + std::to_string(minor));
  }
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t start = 8 + length_bytes;
  if (bytes.size() < start) fail_at(8, "the header length", "end of file");
  const auto header_length = static_cast<std::size_t>(npy_le(bytes.data() + 8, length_bytes));
  if (header_length > bytes.size() - start) {
    fail_at(8, "a header length within the file's " + std::to_string(bytes.size()) + " bytes",
            std::to_string(header_length));
  }
  const std::string_view text = all.substr(start, header_length);
  if (major < 3) {
    for (std::size_t k = 0; k < text.size(); ++k) {
      if (static_cast<unsigned char>(text[k]) >= 0x80) {
        fail_at(start + k, "an ASCII header (versions 1.0 and 2.0)", text.substr(k, 1));
      }
    }
  }

  NpyHeader h(text, start, in.name);
  NpyArray array;
  const NpyDtype* dtype = nullptr;
  bool seen_order = false;
  bool seen_shape = false;
  h.expect('{', "the header dict '{'");
  while (!h.accept('}')) {
    const std::string_view key = h.string("a key 'descr', 'fortran_order' or 'shape'");
    h.expect(':', "':' after the key");
    if (key == "descr" && dtype == nullptr) {
      h.blanks();
      if (h.peek() != '\'' && h.peek() != '"') {
        h.fail("a dtype string (structured dtypes are not supported)", h.rest());
      }
      const std::string_view descr = h.string("a dtype string");
      for (const auto& d : npy_dtypes) {
        if (d.descr == descr) dtype = &d;
      }
      if (dtype == nullptr) {
        // Point at the string just read.
        const std::string expected =
            "a little-endian numeric dtype ('<f8', '<f4', '<i8', '<i4', '<i2', '|i1', '<u8', "
            "'<u4', '<u2', '|u1', '|b1')";
        throw parse_error(npy_read, in.name, 1, static_cast<Index>(descr.data() - all.data()) + 1,
                          expected, descr);
      }
      array.type = dtype->type;
    } else if (key == "fortran_order" && !seen_order) {
      array.fortran_order = h.boolean();
      seen_order = true;
    } else if (key == "shape" && !seen_shape) {
      array.shape = h.shape();
      seen_shape = true;
    } else {
      throw parse_error(npy_read, in.name, 1, static_cast<Index>(key.data() - all.data()) + 1,
                        "each of the keys 'descr', 'fortran_order' and 'shape' once", key);
    }
    if (!h.accept(',')) {
      h.expect('}', "',' or '}' in the header dict");
      break;
    }
  }
  h.finish();
  if (dtype == nullptr || !seen_order || !seen_shape) {
    fail_at(start, "a header with the keys 'descr', 'fortran_order' and 'shape'",
            std::string(dtype == nullptr ? "no 'descr'"
                        : !seen_order    ? "no 'fortran_order'"
                                         : "no 'shape'"));
  }

  // Element count and data size, overflow-checked, against the bytes after the header.
  const std::size_t data_start = start + header_length;
  const std::size_t available = bytes.size() - data_start;
  std::size_t count = 1;
  bool overflow = false;
  if (std::find(array.shape.begin(), array.shape.end(), Index{0}) != array.shape.end()) {
    count = 0;  // an empty array, whatever the other extents
  } else {
    for (const Index d : array.shape) {
      const auto extent = static_cast<std::size_t>(d);
      if (count > std::numeric_limits<std::size_t>::max() / extent) overflow = true;
      count *= extent;  // wraps only when overflow is set
    }
  }
  const bool fits = !overflow && count <= available / dtype->width;
  if (!fits || count * dtype->width != available) {
    std::string implied = "?";
    if (!overflow && count <= std::numeric_limits<std::size_t>::max() / dtype->width) {
      implied = std::to_string(count * dtype->width);
    } else {
      implied = "more than 2^64";
    }
    throw parse_error(npy_read, in.name, 0, 0,
                      implied + " bytes of data after the header, as its shape and dtype imply",
                      std::to_string(available) + " bytes");
  }

  // Convert, reordering C order into column-major.
  array.values.resize(count);
  const unsigned char* p = bytes.data() + data_start;
  const std::size_t width = dtype->width;
  if (array.fortran_order || array.shape.size() <= 1) {
    for (std::size_t k = 0; k < count; ++k) array.values[k] = npy_value(array.type, p + k * width);
  } else if (count > 0) {
    // Walk the C order with an odometer over the indices, tracking the column-major offset.
    const std::size_t n = array.shape.size();
    std::vector<std::size_t> stride(n, 1);  // column-major strides
    for (std::size_t d = 1; d < n; ++d) {
      stride[d] = stride[d - 1] * static_cast<std::size_t>(array.shape[d - 1]);
    }
    std::vector<Index> index(n, 0);
    std::size_t offset = 0;
    for (std::size_t k = 0; k < count; ++k) {
      array.values[offset] = npy_value(array.type, p + k * width);
      for (std::size_t d = n; d-- > 0;) {
        if (++index[d] < array.shape[d]) {
          offset += stride[d];
          break;
        }
        offset -= stride[d] * static_cast<std::size_t>(index[d] - 1);
        index[d] = 0;
      }
    }
  }
  return array;
}

}  // namespace detail

/// Reads the .npy file at `path` (a gzip-compressed file is decompressed). Throws
/// `iterum::invalid_argument` when the path is not a readable regular file and `io::parse_error`
/// for malformed content (see the file comment).
[[nodiscard]] inline NpyArray read_npy(const std::filesystem::path& path) {
  return detail::parse_npy(load(path, detail::npy_read));
}

/// Reads .npy content from `stream` to its end; `name` is what messages call it.
[[nodiscard]] inline NpyArray read_npy(std::istream& stream, std::string name) {
  return detail::parse_npy(load(stream, std::move(name), detail::npy_read));
}

/// Reads .npy content from a memory buffer; `name` is what messages call it.
[[nodiscard]] inline NpyArray read_npy(std::span<const unsigned char> bytes, std::string name) {
  return detail::parse_npy(load(bytes, std::move(name), detail::npy_read));
}

namespace detail {
template <class Plain>
[[nodiscard]] std::vector<unsigned char> npy_encode(const Plain& m);
}  // namespace detail

/// The .npy bytes (version 1.0, '<f8') of a dense Eigen matrix or vector: `fortran_order`
/// follows the storage order of the evaluated object, a vector type is written 1-D.
template <class Derived>
[[nodiscard]] std::vector<unsigned char> npy_bytes(const Eigen::DenseBase<Derived>& matrix) {
  using Plain = typename Derived::PlainObject;
  using Double = Eigen::Matrix<double, Plain::RowsAtCompileTime, Plain::ColsAtCompileTime,
                               Plain::IsRowMajor ? Eigen::RowMajor : Eigen::ColMajor,
                               Plain::MaxRowsAtCompileTime, Plain::MaxColsAtCompileTime>;
  if constexpr (std::is_same_v<Derived, Double>) {
    return detail::npy_encode(matrix.derived());  // the matrix's own storage, no copy
  } else {
    return detail::npy_encode(Double(matrix.derived().template cast<double>()));
  }
}

namespace detail {

template <class Plain>
[[nodiscard]] std::vector<unsigned char> npy_encode(const Plain& m) {
  constexpr bool vector = Plain::IsVectorAtCompileTime;
  constexpr bool row_major = Plain::IsRowMajor;
  std::string header = "{'descr': '<f8', 'fortran_order': ";
  header += (row_major || vector) ? "False" : "True";
  header += ", 'shape': (";
  if (vector) {
    header += std::to_string(m.size()) + ",";
  } else {
    header += std::to_string(m.rows()) + ", " + std::to_string(m.cols());
  }
  header += "), }";
  // Pad with spaces so the data starts at a multiple of 64 bytes; end with '\n'.
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  check::that(header.size() <= 65535, "iterum::io::write_npy", "matrix",
              "has a shape too long for a version 1.0 header");
  // Sized once and filled in place (growing a vector by insert here trips g++ 12's
  // -Warray-bounds at -O3, a false positive).
  constexpr unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  const std::size_t count = m.size() > 0 ? static_cast<std::size_t>(m.size()) : 0;
  std::vector<unsigned char> out(10 + header.size() + 8 * count);
  std::memcpy(out.data(), magic, sizeof magic);
  out[8] = static_cast<unsigned char>(header.size() & 0xFF);
  out[9] = static_cast<unsigned char>(header.size() >> 8);
  std::memcpy(out.data() + 10, header.data(), header.size());
  const std::size_t first = 10 + header.size();
  if constexpr (std::endian::native == std::endian::little) {
    if (m.size() > 0) std::memcpy(out.data() + first, m.data(), count * 8);
  } else {
    for (Eigen::Index k = 0; k < m.size(); ++k) {
      const auto bits = std::bit_cast<std::uint64_t>(m.data()[k]);
      for (std::size_t b = 0; b < 8; ++b) {
        out[first + static_cast<std::size_t>(k) * 8 + b] =
            static_cast<unsigned char>(bits >> (8 * b));
      }
    }
  }
  return out;
}

}  // namespace detail

/// Writes a dense Eigen matrix or vector to `path` as .npy (see `npy_bytes`). Throws
/// `iterum::invalid_argument` naming 'path' when it cannot be written.
template <class Derived>
void write_npy(const std::filesystem::path& path, const Eigen::DenseBase<Derived>& matrix) {
  constexpr std::string_view function = "iterum::io::write_npy";
  const std::vector<unsigned char> bytes = npy_bytes(matrix);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) check::fail(function, "path", "cannot be opened for writing", path.string());
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) check::fail(function, "path", "could not be written", path.string());
}

}  // namespace iterum::io
