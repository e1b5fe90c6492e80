#pragma once

/// @file matrix_market.hpp
/// @brief `iterum::io::read_matrix_market` and `write_matrix_market`: the Matrix Market exchange
/// format of NIST (R. F. Boisvert, R. Pozo, K. A. Remington, "The Matrix Market Exchange
/// Formats: Initial Design", NISTIR 5935, 1996), read into an `Eigen::SparseMatrix<double>` and
/// written from any Eigen dense or sparse matrix.
///
/// What is read:
/// - the banner `%%MatrixMarket matrix <format> <field> <symmetry>` (keywords case-insensitive,
///   as NIST's mmio reads them) with format `coordinate` or `array`, field `real`, `integer` or
///   `pattern` (every entry is 1; coordinate only) and symmetry `general`, `symmetric` or
///   `skew-symmetric` (not with `pattern`, as NIST's mmio checks). Field `complex` and symmetry
///   `hermitian` are rejected with a `parse_error`: the result holds real numbers;
/// - comment lines (first non-blank character '%') and blank lines between the banner and the
///   size line; blank lines among the entries;
/// - the size line `M N NZ` (coordinate) or `M N` (array). M and N must fit Eigen's `int`
///   index, the count must not exceed M·N (computed without overflow) and must fit the file's
///   length (every entry takes a few bytes). The column count is also bounded by 8 x the file's
///   size in bytes + 2^20: the result holds a pointer per column, so without the bound a file of
///   a few bytes declaring 2^31 empty columns would make the reader allocate 8 GB (found by
///   fuzzing); with it, memory stays within a fixed multiple of the file's size;
/// - coordinate entries `i j [value]` with 1-based indices checked against M and N; exactly NZ
///   of them (too few or too many is a `parse_error`). Duplicate entries are summed (as
///   `Eigen::SparseMatrix::setFromTriplets` does); explicit zeros are kept as stored entries;
/// - array entries in column-major order, one value per line; zeros are not stored;
/// - symmetric and skew-symmetric files store the lower triangle (skew: strictly below the
///   diagonal) and are expanded to the full matrix (the mirror of a(i,j) is a(i,j), resp.
///   -a(i,j)). Such a file must be square; a coordinate entry above the diagonal (row < column)
///   is rejected, and so is a diagonal entry of a skew-symmetric file (its diagonal is zero).
///
/// Values are read exactly (std::from_chars); `nan` and `inf` are accepted as such, and a real
/// too large for a double is a `parse_error`. Lines may end in "\n" or "\r\n". Every failure names
/// the source, the line and the column and what was expected there (`io::parse_error`).
///
/// The writer stores a sparse matrix as `coordinate real general` and a dense one as
/// `array real general`, every value with std::to_chars' shortest round-trip form, so writing
/// then reading gives back the same doubles (for a dense matrix: its nonzeros).

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "iterum/core/error.hpp"
#include "iterum/core/types.hpp"
#include "iterum/io/detail/scanner.hpp"
#include "iterum/io/input.hpp"
#include "iterum/io/parse_error.hpp"

namespace iterum::io {

namespace detail {

inline constexpr std::string_view mm_read = "iterum::io::read_matrix_market";

enum class MmField { Real, Integer, Pattern };
enum class MmSymmetry { General, Symmetric, Skew };

[[nodiscard]] inline bool mm_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    char c = a[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[k]) return false;
  }
  return true;
}

/// Reads the next banner keyword: one of `choices` (returns its position), or fails naming
/// `expected` (and `why` when the word is the known but `unsupported` one).
template <std::size_t K>
std::size_t mm_keyword(Scanner& sc, const std::array<std::string_view, K>& choices,
                       std::string_view expected, std::string_view unsupported = {},
                       std::string_view why = {}) {
  sc.skip_blanks();
  const Index column = sc.column();
  const std::string_view word = sc.token();
  for (std::size_t k = 0; k < K; ++k) {
    if (mm_iequal(word, choices[k])) return k;
  }
  std::string message(expected);
  if (!unsupported.empty() && mm_iequal(word, unsupported))
    message.append(" (").append(why).append(")");
  throw parse_error(mm_read, sc.source(), sc.line(), column, message,
                    word.empty() ? std::string_view("end of line") : word);
}

/// A positive (size) or nonnegative (count) integer of the size line.
inline Index mm_size(Scanner& sc, std::string_view what) {
  sc.skip_blanks();
  if (sc.at_eol()) sc.fail(what, "end of line");
  return sc.natural<Index>(what);
}

/// A 1-based index in [1, bound], returned 0-based.
inline int mm_index(Scanner& sc, Index bound, std::string_view what) {
  sc.skip_blanks();
  const Index column = sc.column();
  if (sc.at_eol()) sc.fail(what, "end of line");
  const auto value = sc.natural<Index>(what);
  if (value < 1 || value > bound) {
    throw parse_error(mm_read, sc.source(), sc.line(), column,
                      std::string(what) + " in [1, " + std::to_string(bound) + "]",
                      std::to_string(value));
  }
  return static_cast<int>(value - 1);
}

inline double mm_value(Scanner& sc, MmField field) {
  sc.skip_blanks();
  if (sc.at_eol())
    sc.fail(field == MmField::Integer ? "an integer value" : "a real value", "end of line");
  if (field == MmField::Integer) {
    return static_cast<double>(sc.integer<std::int64_t>("an integer value"));
  }
  return sc.real("a real value");
}

/// Skips blank lines (only blanks before the end of the line).
inline void mm_skip_blank_lines(Scanner& sc) {
  for (;;) {
    if (sc.at_end()) return;
    sc.skip_blanks();
    if (!sc.at_eol()) return;
    sc.next_line();
  }
}

/// Sorts each column of `m` by row (stably, so duplicates add up in their order in the file)
/// and sums duplicates, compacting in place. Precondition: `m`'s column pointers and its
/// `m.nonZeros()` entries are set, each column's entries in file order.
inline void mm_sort_and_sum(Eigen::SparseMatrix<double>& m) {
  const Index cols = m.cols();
  int* outer = m.outerIndexPtr();
  int* inner = m.innerIndexPtr();
  double* value = m.valuePtr();
  std::vector<std::pair<int, double>> scratch;
  int write = 0;
  for (Index j = 0; j < cols; ++j) {
    const int begin = outer[j];
    const int end = outer[j + 1];
    bool sorted = true;
    for (int k = begin + 1; k < end && sorted; ++k) sorted = inner[k - 1] < inner[k];
    if (!sorted && end - begin <= 32) {
      // Insertion sort (stable) of the few entries of a typical column.
      for (int k = begin + 1; k < end; ++k) {
        const int row = inner[k];
        const double v = value[k];
        int at = k;
        for (; at > begin && inner[at - 1] > row; --at) {
          inner[at] = inner[at - 1];
          value[at] = value[at - 1];
        }
        inner[at] = row;
        value[at] = v;
      }
    } else if (!sorted) {
      scratch.clear();
      for (int k = begin; k < end; ++k) scratch.emplace_back(inner[k], value[k]);
      std::stable_sort(scratch.begin(), scratch.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (int k = begin; k < end; ++k) {
        inner[k] = scratch[static_cast<std::size_t>(k - begin)].first;
        value[k] = scratch[static_cast<std::size_t>(k - begin)].second;
      }
    }
    outer[j] = write;
    for (int k = begin; k < end; ++k) {
      if (write > outer[j] && inner[write - 1] == inner[k]) {
        value[write - 1] += value[k];
      } else {
        inner[write] = inner[k];
        value[write] = value[k];
        ++write;
      }
    }
  }
  outer[cols] = write;
  m.resizeNonZeros(write);
}

/// The compressed column-major matrix of `triplets` (duplicates summed in file order, rows
/// sorted within each column): the result of `setFromTriplets`, built by scattering the
/// entries into their columns.
[[nodiscard]] inline Eigen::SparseMatrix<double> mm_assemble(
    Index rows, Index cols, const std::vector<Eigen::Triplet<double, int>>& triplets) {
  Eigen::SparseMatrix<double> m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  if (triplets.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    check::fail(mm_read, "matrix", "has more entries than Eigen's int index can count",
                std::to_string(triplets.size()));
  }
  int* outer = m.outerIndexPtr();  // cols + 1 zeros
  for (const auto& t : triplets) ++outer[t.col() + 1];
  for (Index j = 0; j < cols; ++j) outer[j + 1] += outer[j];
  m.resizeNonZeros(static_cast<Eigen::Index>(triplets.size()));
  int* inner = m.innerIndexPtr();
  double* value = m.valuePtr();
  {
    std::vector<int> next(outer, outer + cols);
    for (const auto& t : triplets) {
      const int at = next[static_cast<std::size_t>(t.col())]++;
      inner[at] = t.row();
      value[at] = t.value();
    }
  }
  mm_sort_and_sum(m);
  return m;
}

/// Entries of a coordinate file as they are read. While they come column by column (as
/// writers produce them: nondecreasing column index), each is stored straight into the
/// result's arrays, with no intermediate list and no scatter pass; the first entry out of
/// column order moves everything into triplets, assembled at the end by `mm_assemble`.
class MmCollector {
 public:
  /// Room for `stored` entries; `in_order` false starts with triplets (as the mirrored
  /// entries of a symmetric file need).
  MmCollector(Index rows, Index cols, Index stored, bool in_order)
      : m_(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols)),
        stored_(stored),
        in_order_(in_order) {
    if (!in_order_) {
      triplets_.reserve(static_cast<std::size_t>(stored));
      return;
    }
    if (stored > static_cast<Index>(std::numeric_limits<int>::max())) {
      check::fail(mm_read, "matrix", "has more entries than Eigen's int index can count",
                  std::to_string(stored));
    }
    m_.resizeNonZeros(static_cast<Eigen::Index>(stored));
  }

  /// Adds a(i, j) += v (0-based). At most `stored` calls.
  void add(int i, int j, double v) {
    if (in_order_) {
      if (j >= last_column_) {
        last_column_ = j;
        m_.innerIndexPtr()[count_] = i;
        m_.valuePtr()[count_] = v;
        ++m_.outerIndexPtr()[j + 1];
        ++count_;
        return;
      }
      to_triplets();
    }
    triplets_.emplace_back(i, j, v);
  }

  /// The matrix of the entries added.
  [[nodiscard]] Eigen::SparseMatrix<double> finish() {
    // One named result on every path, so that it is returned in place: Eigen 3.4's
    // SparseMatrix has no move constructor, a second return expression would copy it.
    Eigen::SparseMatrix<double> out;
    if (in_order_) {
      int* outer = m_.outerIndexPtr();
      for (Index j = 0; j < m_.cols(); ++j) outer[j + 1] += outer[j];
      m_.resizeNonZeros(static_cast<Eigen::Index>(count_));
      mm_sort_and_sum(m_);
      out.swap(m_);
    } else {
      mm_assemble(m_.rows(), m_.cols(), triplets_).swap(out);
    }
    return out;
  }

 private:
  // The entries so far were in column order: move them into triplets.
  void to_triplets() {
    in_order_ = false;
    triplets_.reserve(static_cast<std::size_t>(stored_));
    const int* outer = m_.outerIndexPtr();  // outer[j + 1] counts column j's entries
    int k = 0;
    for (int j = 0; j <= last_column_; ++j) {
      for (int c = 0; c < outer[j + 1]; ++c, ++k) {
        triplets_.emplace_back(m_.innerIndexPtr()[k], j, m_.valuePtr()[k]);
      }
    }
    Eigen::SparseMatrix<double>(m_.rows(), m_.cols()).swap(m_);  // frees the storage
  }

  Eigen::SparseMatrix<double> m_;
  std::vector<Eigen::Triplet<double, int>> triplets_;
  Index stored_;
  int count_ = 0;
  int last_column_ = 0;
  bool in_order_;
};

[[nodiscard]] inline Eigen::SparseMatrix<double> parse_matrix_market(const Input& in) {
  Scanner sc(in.bytes, in.name, mm_read);
  // Banner.
  if (!sc.accept("%%MatrixMarket")) {
    sc.fail("the banner '%%MatrixMarket'", sc.rest_of_token());
  }
  if (sc.peek() != ' ' && sc.peek() != '\t')
    sc.fail("a blank after '%%MatrixMarket'", sc.rest_of_token());
  mm_keyword(sc, std::array<std::string_view, 1>{"matrix"}, "the object 'matrix'");
  const bool coordinate = mm_keyword(sc, std::array<std::string_view, 2>{"coordinate", "array"},
                                     "the format 'coordinate' or 'array'") == 0;
  sc.skip_blanks();
  const Index field_column = sc.column();
  const auto field = static_cast<MmField>(mm_keyword(
      sc, std::array<std::string_view, 3>{"real", "integer", "pattern"},
      "the field 'real', 'integer' or 'pattern'", "complex", "complex matrices are not supported"));
  if (field == MmField::Pattern && !coordinate) {
    throw parse_error(mm_read, sc.source(), sc.line(), field_column,
                      "the field 'real' or 'integer' (an array file has values)", "pattern");
  }
  sc.skip_blanks();
  const Index symmetry_column = sc.column();
  const auto symmetry = static_cast<MmSymmetry>(
      mm_keyword(sc, std::array<std::string_view, 3>{"general", "symmetric", "skew-symmetric"},
                 "the symmetry 'general', 'symmetric' or 'skew-symmetric'", "hermitian",
                 "hermitian matrices are not supported"));
  if (field == MmField::Pattern && symmetry == MmSymmetry::Skew) {
    // As NIST's mmio (mm_is_valid): a pattern has no values to negate.
    throw parse_error(mm_read, sc.source(), sc.line(), symmetry_column,
                      "the symmetry 'general' or 'symmetric' (a pattern file cannot be "
                      "skew-symmetric)",
                      "skew-symmetric");
  }
  sc.end_line();

  // Comments and blank lines, then the size line.
  for (;;) {
    if (sc.at_end()) sc.fail("the size line", "end of file");
    sc.skip_blanks();
    if (sc.peek() == '%' || sc.at_eol()) {
      sc.next_line();
      continue;
    }
    break;
  }
  const Index size_line = sc.line();
  const Index rows = mm_size(sc, "a row count");
  const Index cols = mm_size(sc, "a column count");
  constexpr Index index_limit = std::numeric_limits<int>::max();
  if (rows > index_limit || cols > index_limit) {
    throw parse_error(mm_read, sc.source(), size_line, 1,
                      "sizes within Eigen's int index range (2147483647)",
                      std::to_string(rows) + " " + std::to_string(cols));
  }
  // The result holds a 4-byte column pointer per column, entries or not: a tiny file declaring
  // 2^31 columns would make the reader allocate 8 GB. Memory stays within a fixed multiple of
  // the file's size by bounding the column count.
  const Index column_bound = 8 * static_cast<Index>(in.bytes.size()) + (Index{1} << 20);
  if (cols > column_bound) {
    throw parse_error(mm_read, sc.source(), size_line, 1,
                      "a column count at most 8 x the file's bytes + 2^20 = " +
                          std::to_string(column_bound) + " (the reader's memory bound)",
                      std::to_string(rows) + " " + std::to_string(cols));
  }
  if (symmetry != MmSymmetry::General && rows != cols) {
    throw parse_error(mm_read, sc.source(), size_line, 1,
                      "a square matrix (the file is symmetric or skew-symmetric)",
                      std::to_string(rows) + " " + std::to_string(cols));
  }
  // rows, cols < 2^31: the products below fit an int64.
  Index count = 0;
  if (coordinate) {
    const Index column = (sc.skip_blanks(), sc.column());
    count = mm_size(sc, "an entry count");
    if (count > rows * cols) {
      throw parse_error(mm_read, sc.source(), sc.line(), column,
                        "an entry count at most rows x columns = " + std::to_string(rows * cols),
                        std::to_string(count));
    }
  } else if (symmetry == MmSymmetry::General) {
    count = rows * cols;
  } else if (symmetry == MmSymmetry::Symmetric) {
    count = rows * (rows + 1) / 2;
  } else {
    count = rows * (rows - 1) / 2;
  }
  sc.end_line();

  // An entry takes at least 4 bytes in a coordinate file ("1 1\n") and 2 in an array file
  // ("1\n"), the last one a byte less: a count beyond what the file can hold is caught here,
  // before anything is reserved.
  const Index per_entry = coordinate ? 4 : 2;
  if (count > (static_cast<Index>(in.bytes.size()) + 1) / per_entry) {
    throw parse_error(
        mm_read, sc.source(), size_line, 0,
        "a file long enough for the " + std::to_string(count) + " entries its size line declares",
        std::to_string(in.bytes.size()) + " bytes");
  }

  const Index stored = symmetry == MmSymmetry::General ? count : 2 * count;
  MmCollector entries(rows, cols, stored, symmetry == MmSymmetry::General);

  const auto missing = [&](Index read) {
    throw parse_error(mm_read, sc.source(), sc.line(), 0,
                      std::to_string(count) + " entries, as the size line on line " +
                          std::to_string(size_line) + " declares",
                      "end of file after " + std::to_string(read));
  };

  if (coordinate) {
    for (Index k = 0; k < count; ++k) {
      mm_skip_blank_lines(sc);
      if (sc.at_end()) missing(k);
      const Index row_column = sc.column();
      const int i = mm_index(sc, rows, "a row index");
      const int j = mm_index(sc, cols, "a column index");
      const double v = field == MmField::Pattern ? 1.0 : mm_value(sc, field);
      sc.end_line();
      if (symmetry == MmSymmetry::General) {
        entries.add(i, j, v);
        continue;
      }
      if (i < j || (i == j && symmetry == MmSymmetry::Skew)) {
        throw parse_error(
            mm_read, sc.source(), sc.line() - 1, row_column,
            symmetry == MmSymmetry::Symmetric
                ? "an entry on or below the diagonal (row >= column) in a symmetric file"
                : "an entry below the diagonal (row > column) in a skew-symmetric file",
            std::to_string(i + 1) + " " + std::to_string(j + 1));
      }
      entries.add(i, j, v);
      if (i != j) entries.add(j, i, symmetry == MmSymmetry::Skew ? -v : v);
    }
  } else {
    // Column-major; the symmetric variants list the lower triangle column by column.
    Index k = 0;
    for (int j = 0; j < static_cast<int>(cols); ++j) {
      const int first = symmetry == MmSymmetry::General     ? 0
                        : symmetry == MmSymmetry::Symmetric ? j
                                                            : j + 1;
      for (int i = first; i < static_cast<int>(rows); ++i, ++k) {
        mm_skip_blank_lines(sc);
        if (sc.at_end()) missing(k);
        const double v = mm_value(sc, field);
        sc.end_line();
        if (v == 0.0) continue;
        entries.add(i, j, v);
        if (symmetry != MmSymmetry::General && i != j) {
          entries.add(j, i, symmetry == MmSymmetry::Skew ? -v : v);
        }
      }
    }
  }
  mm_skip_blank_lines(sc);
  if (!sc.at_end()) {
    sc.fail("the end of the file after the " + std::to_string(count) +
                " entries the size line declares",
            sc.rest_of_token());
  }

  return entries.finish();
}

inline void mm_append(std::string& out, double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

inline void mm_append(std::string& out, Index value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

inline void mm_save(const std::filesystem::path& path, const std::string& text) {
  constexpr std::string_view function = "iterum::io::write_matrix_market";
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) check::fail(function, "path", "cannot be opened for writing", path.string());
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();
  if (!file) check::fail(function, "path", "could not be written", path.string());
}

}  // namespace detail

/// Reads the Matrix Market file at `path` (plain or gzip-compressed). Throws
/// `iterum::invalid_argument` when the path is not a readable regular file and
/// `io::parse_error` for malformed content (see the file comment for what is accepted).
[[nodiscard]] inline Eigen::SparseMatrix<double> read_matrix_market(
    const std::filesystem::path& path) {
  return detail::parse_matrix_market(load(path, detail::mm_read));
}

/// Reads Matrix Market content from `stream` to its end; `name` is what messages call it.
[[nodiscard]] inline Eigen::SparseMatrix<double> read_matrix_market(std::istream& stream,
                                                                    std::string name) {
  return detail::parse_matrix_market(load(stream, std::move(name), detail::mm_read));
}

/// Reads Matrix Market content from a memory buffer; `name` is what messages call it.
[[nodiscard]] inline Eigen::SparseMatrix<double> read_matrix_market(
    std::span<const unsigned char> bytes, std::string name) {
  return detail::parse_matrix_market(load(bytes, std::move(name), detail::mm_read));
}

/// The Matrix Market text of a sparse matrix: `coordinate real general`, one entry per stored
/// element (explicit zeros included), column by column for a column-major matrix.
template <class Derived>
[[nodiscard]] std::string matrix_market_text(const Eigen::SparseMatrixBase<Derived>& matrix) {
  const Eigen::SparseMatrix<double> m = matrix.derived().template cast<double>();
  std::string out = "%%MatrixMarket matrix coordinate real general\n";
  detail::mm_append(out, static_cast<Index>(m.rows()));
  out += ' ';
  detail::mm_append(out, static_cast<Index>(m.cols()));
  out += ' ';
  detail::mm_append(out, static_cast<Index>(m.nonZeros()));
  out += '\n';
  out.reserve(out.size() + static_cast<std::size_t>(m.nonZeros()) * 40);
  for (Eigen::Index j = 0; j < m.outerSize(); ++j) {
    for (Eigen::SparseMatrix<double>::InnerIterator it(m, j); it; ++it) {
      detail::mm_append(out, static_cast<Index>(it.row()) + 1);
      out += ' ';
      detail::mm_append(out, static_cast<Index>(it.col()) + 1);
      out += ' ';
      detail::mm_append(out, it.value());
      out += '\n';
    }
  }
  return out;
}

/// The Matrix Market text of a dense matrix: `array real general`, column-major.
template <class Derived>
[[nodiscard]] std::string matrix_market_text(const Eigen::DenseBase<Derived>& matrix) {
  const auto& m = matrix.derived();
  std::string out = "%%MatrixMarket matrix array real general\n";
  detail::mm_append(out, static_cast<Index>(m.rows()));
  out += ' ';
  detail::mm_append(out, static_cast<Index>(m.cols()));
  out += '\n';
  out.reserve(out.size() + static_cast<std::size_t>(m.size()) * 25);
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      detail::mm_append(out, static_cast<double>(m(i, j)));
      out += '\n';
    }
  }
  return out;
}

/// Writes `matrix` (any Eigen dense or sparse matrix of real values) to `path` as Matrix Market:
/// sparse as `coordinate real general`, dense as `array real general`, values in their shortest
/// round-trip form. Throws `iterum::invalid_argument` naming 'path' when it cannot be written.
template <class Derived>
void write_matrix_market(const std::filesystem::path& path,
                         const Eigen::SparseMatrixBase<Derived>& matrix) {
  detail::mm_save(path, matrix_market_text(matrix));
}

/// Writes a dense matrix to `path` as `array real general` (see the sparse overload).
template <class Derived>
void write_matrix_market(const std::filesystem::path& path,
                         const Eigen::DenseBase<Derived>& matrix) {
  detail::mm_save(path, matrix_market_text(matrix));
}

}  // namespace iterum::io
