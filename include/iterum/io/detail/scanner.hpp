#pragma once

/// @file scanner.hpp
/// @brief Internals: a forward scanner over the bytes of a text file with line and column
/// tracking, overflow-checked integers and exact doubles (std::from_chars), shared by the text
/// readers (Matrix Market, LIBSVM, CSV, ratings). Every failure is an `io::parse_error` at the
/// scanner's position.

#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "iterum/core/types.hpp"
#include "iterum/io/parse_error.hpp"

namespace iterum::io::detail {

class Scanner {
 public:
  Scanner(std::span<const unsigned char> bytes, std::string source, std::string_view function)
      : begin_(reinterpret_cast<const char*>(bytes.data())),
        end_(begin_ + bytes.size()),
        at_(begin_),
        line_start_(begin_),
        source_(std::move(source)),
        function_(function) {}

  [[nodiscard]] bool at_end() const noexcept { return at_ == end_; }
  /// The next byte, or '\n' at the end (so a last line without a newline reads as complete).
  [[nodiscard]] char peek() const noexcept { return at_ == end_ ? '\n' : *at_; }
  /// True at '\n', "\r\n" or the end.
  [[nodiscard]] bool at_eol() const noexcept {
    return at_ == end_ || *at_ == '\n' || (*at_ == '\r' && (at_ + 1 == end_ || at_[1] == '\n'));
  }
  [[nodiscard]] Index line() const noexcept { return line_; }
  [[nodiscard]] Index column() const noexcept { return static_cast<Index>(at_ - line_start_) + 1; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  /// Skips spaces and tabs.
  void skip_blanks() noexcept {
    while (at_ != end_ && (*at_ == ' ' || *at_ == '\t')) ++at_;
  }
  /// Skips the rest of the line and its newline.
  void next_line() noexcept {
    while (at_ != end_ && *at_ != '\n') ++at_;
    if (at_ != end_) {
      ++at_;
      ++line_;
      line_start_ = at_;
    }
  }
  /// Requires the end of the line (after blanks), then moves past it.
  void end_line(std::string_view expected = "the end of the line") {
    skip_blanks();
    if (!at_eol()) fail(expected, rest_of_token());
    next_line();
  }
  /// Consumes `c` if it is next.
  bool accept(char c) noexcept {
    if (at_ != end_ && *at_ == c) {
      ++at_;
      return true;
    }
    return false;
  }
  /// Consumes `text` if it is next.
  bool accept(std::string_view text) noexcept {
    if (static_cast<std::size_t>(end_ - at_) >= text.size() &&
        std::string_view(at_, text.size()) == text) {
      at_ += text.size();
      return true;
    }
    return false;
  }
  /// The bytes up to the next blank, delimiter `stop` or end of line, consumed.
  std::string_view token(char stop = ' ') noexcept {
    const char* start = at_;
    while (at_ != end_ && *at_ != ' ' && *at_ != '\t' && *at_ != '\n' && *at_ != '\r' &&
           *at_ != stop)
      ++at_;
    return {start, static_cast<std::size_t>(at_ - start)};
  }
  /// The rest of the line from here (not consumed), for messages.
  [[nodiscard]] std::string_view rest_of_token() const noexcept {
    const char* p = at_;
    while (p != end_ && *p != '\n' && *p != '\r' && *p != ' ' && *p != '\t') ++p;
    return {at_, static_cast<std::size_t>(p - at_)};
  }

  /// The rest of the line from here, without its "\n" or "\r\n" (not consumed).
  [[nodiscard]] std::string_view rest_of_line() const noexcept {
    const char* p = at_;
    while (p != end_ && *p != '\n') ++p;
    if (p != at_ && p[-1] == '\r') --p;
    return {at_, static_cast<std::size_t>(p - at_)};
  }
  /// Moves `count` bytes ahead within the current line. Precondition: `count` is at most
  /// `rest_of_line().size()`.
  void advance(std::size_t count) noexcept { at_ += count; }

  /// An integer of type `Int` (no sign for unsigned types), with overflow rejected.
  template <class Int>
  Int integer(std::string_view what) {
    static_assert(std::is_integral_v<Int>);
    Int value{};
    const char* start = at_;
    if (at_ != end_ && *at_ == '+') ++at_;
    const auto [ptr, ec] = std::from_chars(at_, end_, value);
    if (ec == std::errc::result_out_of_range) {
      at_ = start;
      fail(std::string(what) + " within range", rest_of_token());
    }
    if (ec != std::errc{} || ptr == at_) {
      at_ = start;
      fail(what, rest_of_token());
    }
    at_ = ptr;
    return value;
  }

  /// A nonnegative decimal integer of type `Int` (digits, an optional leading '+'), with
  /// overflow rejected: what `integer` reads for such text, by a hand-rolled loop that is faster
  /// on the hot paths of large files (indices, counts).
  template <class Int>
  Int natural(std::string_view what) {
    static_assert(std::is_integral_v<Int>);
    const char* p = at_;
    if (p != end_ && *p == '+') ++p;
    if constexpr (sizeof(Int) >= 4) {
      // Fewer than 8 digits (most indices and counts) fit any Int of 32 bits or more.
      if (end_ - p >= 8) {
        std::uint64_t value = 0;
        const int n = eight_digits(p, value);
        if (n > 0 && n < 8) {
          at_ = p + n;
          return static_cast<Int>(value);
        }
      }
    }
    const char* digits = p;
    using U = std::make_unsigned_t<Int>;
    constexpr U max = static_cast<U>(std::numeric_limits<Int>::max());
    U value = 0;
    bool overflow = false;
    while (p != end_ && static_cast<unsigned char>(*p - '0') < 10) {
      const auto d = static_cast<U>(*p - '0');
      if (value >= max / 10 && (value > max / 10 || d > max % 10)) overflow = true;
      value = static_cast<U>(value * 10 + d);
      ++p;
    }
    if (p == digits) fail(what, rest_of_token());
    if (overflow) fail(std::string(what) + " within range", rest_of_token());
    at_ = p;
    return static_cast<Int>(value);
  }

  /// A double, exactly rounded (std::from_chars); "nan"/"inf" are read as such (readers that
  /// need finite values check); underflow gives a signed zero, overflow fails.
  double real(std::string_view what) {
    double value = 0.0;
    const char* start = at_;
    if (at_ != end_ && *at_ == '+') ++at_;
    if (const char* fast = fast_decimal(at_, end_, value)) {
      at_ = fast;
      return value;
    }
    const auto [ptr, ec] = std::from_chars(at_, end_, value);
    if (ptr == at_ || (ec != std::errc{} && ec != std::errc::result_out_of_range)) {
      at_ = start;
      fail(what, rest_of_token());
    }
    if (ec == std::errc::result_out_of_range) {
      // Underflow (a negative exponent) reads as a signed zero, as NumPy and strtod do;
      // overflow is an error.
      const std::string_view text(at_, static_cast<std::size_t>(ptr - at_));
      const auto e = text.find_first_of("eE");
      if (e == std::string_view::npos || e + 1 >= text.size() || text[e + 1] != '-') {
        at_ = start;
        fail(std::string(what) + " within the range of double", rest_of_token());
      }
      value = text.front() == '-' ? -0.0 : 0.0;
    }
    at_ = ptr;
    return value;
  }

  /// Clinger's fast path (W. D. Clinger, "How to Read Floating Point Numbers Accurately",
  /// PLDI 1990): a decimal [-]digits[.digits][(e|E)[+-]digits] whose significand m has at most
  /// 19 digits with m <= 2^53 and whose decimal exponent e has |e| <= 22 is m * 10^e or
  /// m / 10^-e, one correctly rounded IEEE operation on two exact doubles, so the result is
  /// what std::from_chars gives. Returns the end of the number, or nullptr when the text is
  /// not of that form (std::from_chars then decides). Most numbers in data files take this path.
  [[nodiscard]] static const char* fast_decimal(const char* p, const char* end,
                                                double& value) noexcept {
    const bool negative = p != end && *p == '-';
    if (negative) ++p;
    std::uint64_t m = 0;  // wraps past 19 digits, which are then rejected
    int exponent = 0;
    const auto digit = [&](const char* q) { return q != end && *q >= '0' && *q <= '9'; };
    // Appends the run of digits at p to m; returns how many there were.
    const auto run = [&] {
      int count = 0;
      while (end - p >= 8) {
        std::uint64_t chunk = 0;
        const int n = eight_digits(p, chunk);
        if (n < 0) break;
        m = m * pow10_u64[n] + chunk;
        p += n;
        count += n;
        if (n < 8) return count;
      }
      for (; digit(p); ++p, ++count) m = 10 * m + static_cast<std::uint64_t>(*p - '0');
      return count;
    };
    int digits = run();
    if (p != end && *p == '.') {
      ++p;
      const int fraction = run();
      digits += fraction;
      exponent -= fraction;
    }
    if (digits == 0 || digits > 19) return nullptr;
    if (p != end && (*p == 'e' || *p == 'E')) {
      const char* q = p + 1;
      const bool down = q != end && *q == '-';
      if (q != end && (*q == '-' || *q == '+')) ++q;
      if (!digit(q)) return nullptr;
      int e = 0;
      for (int n = 0; digit(q); ++q, ++n) {
        if (n == 4) return nullptr;
        e = 10 * e + (*q - '0');
      }
      exponent += down ? -e : e;
      p = q;
    }
    static constexpr double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (m == 0) {
      value = negative ? -0.0 : 0.0;
      return p;
    }
    if (m > (std::uint64_t{1} << 53) || exponent < -22 || exponent > 22) return nullptr;
    const auto x = static_cast<double>(m);
    value = exponent < 0 ? x / powers[-exponent] : x * powers[exponent];
    if (negative) value = -value;
    return p;
  }

  /// The number of decimal digits (0 to 8) that start the 8 bytes at `p`, and in `value` the
  /// number they spell, found at once (SWAR: "SIMD within a register", as in D. Lemire's
  /// fast_float): no branch per digit. Returns -1 on targets that are not little-endian (the
  /// caller then reads digit by digit). Precondition: 8 bytes are readable at `p`.
  [[nodiscard]] static int eight_digits(const char* p, std::uint64_t& value) noexcept {
    if constexpr (std::endian::native != std::endian::little) {
      return -1;
    } else {
      std::uint64_t chunk = 0;
      std::memcpy(&chunk, p, 8);
      // A byte b is a digit iff neither b + 0x46 nor b - 0x30 sets its top bit. Carries and
      // borrows only move towards later bytes, so the lowest flagged byte is exactly the first
      // non-digit.
      constexpr std::uint64_t ones = 0x0101010101010101ULL;
      const std::uint64_t flags = ((chunk + 0x46 * ones) | (chunk - 0x30 * ones)) & (0x80 * ones);
      const int n = flags == 0 ? 8 : std::countr_zero(flags) / 8;
      if (n == 0) {
        value = 0;
        return 0;
      }
      // The digits' values, moved up so that the 8 - n missing leading digits read as zeros
      // (the bytes past the digits are shifted out).
      std::uint64_t v = (chunk - 0x30 * ones) << (8 * (8 - n));
      v = v * 10 + (v >> 8);  // pairs of digits
      v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
           (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
          32;
      value = v;
      return n;
    }
  }

  static constexpr std::uint64_t pow10_u64[9] = {1,      10,      100,      1000,     10000,
                                                 100000, 1000000, 10000000, 100000000};

  /// Throws `io::parse_error` at the current position.
  [[noreturn]] void fail(std::string_view expected, std::string_view got) const {
    throw parse_error(function_, source_, line_, column(), expected, got);
  }

 private:
  const char* begin_;
  const char* end_;
  const char* at_;
  const char* line_start_;
  Index line_ = 1;
  std::string source_;
  std::string_view function_;
};

}  // namespace iterum::io::detail
