#pragma once

/// @file gzip.hpp
/// @brief `iterum::io::gunzip`: decompresses a gzip file image (RFC 1952) whose members hold
/// DEFLATE data (RFC 1951), with the CRC-32 and length of every member checked.
///
/// Datasets that Debian ships (Fashion-MNIST's IDX files, for one) come gzip-compressed; this
/// small decoder lets the library read them with no dependency beyond the standard library.
/// It decodes canonical Huffman codes one bit at a time, which is simple and fast enough for
/// data files of tens of megabytes (tens of MB/s), not a replacement for zlib in a hot path.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iterum/core/error.hpp"

namespace iterum::io {

namespace detail {

/// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) of `data`, continuing from `crc`.
[[nodiscard]] inline std::uint32_t crc32(std::span<const unsigned char> data,
                                         std::uint32_t crc = 0) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (const unsigned char byte : data) crc = table[(crc ^ byte) & 0xFFU] ^ (crc >> 8);
  return ~crc;
}

/// Reads a byte stream least significant bit first, as DEFLATE packs it. Running past the end
/// is reported through `fail`.
class BitReader {
 public:
  BitReader(std::span<const unsigned char> data, std::string_view function)
      : data_(data), function_(function) {}

  /// The next `count` (<= 16) bits as an unsigned number, first bit lowest.
  std::uint32_t bits(int count) {
    while (available_ < count) {
      if (position_ >= data_.size()) fail("ends in the middle of a DEFLATE block");
      buffer_ |= static_cast<std::uint32_t>(data_[position_++]) << available_;
      available_ += 8;
    }
    const std::uint32_t value = buffer_ & ((1U << count) - 1U);
    buffer_ >>= count;
    available_ -= count;
    return value;
  }

  /// Drops the bits left in the current byte (stored blocks start on a byte boundary).
  void align() {
    buffer_ = 0;
    available_ = 0;
  }

  /// Index of the next unread byte (after `align`).
  [[nodiscard]] std::size_t position() const noexcept { return position_; }
  void skip(std::size_t bytes) {
    if (data_.size() - position_ < bytes) fail("ends in the middle of a stored block");
    position_ += bytes;
  }
  [[nodiscard]] std::span<const unsigned char> data() const noexcept { return data_; }

  [[noreturn]] void fail(std::string_view problem) const {
    check::fail(function_, "data", std::string("is not a valid gzip stream: ").append(problem), {});
  }

 private:
  std::span<const unsigned char> data_;
  std::string_view function_;
  std::size_t position_ = 0;
  std::uint32_t buffer_ = 0;
  int available_ = 0;
};

/// A canonical Huffman code (RFC 1951, 3.2.2) given by its code lengths: `count[len]` codes of
/// each length and the symbols ordered by (length, symbol value).
class HuffmanCode {
 public:
  static constexpr int max_bits = 15;

  /// Builds the code; lengths of 0 mark unused symbols. Over-subscribed lengths are an error;
  /// an incomplete code is accepted (RFC 1951 permits a distance code of one symbol) and a
  /// bit pattern outside it fails when decoded.
  void build(std::span<const std::uint8_t> lengths, const BitReader& in) {
    count_.fill(0);
    for (const std::uint8_t len : lengths) ++count_[len];
    // Every length must fit in the code space left by the shorter ones.
    int left = 1;
    for (int len = 1; len <= max_bits; ++len) {
      left = 2 * left - count_[static_cast<std::size_t>(len)];
      if (left < 0) in.fail("has an over-subscribed Huffman code");
    }
    std::array<int, max_bits + 2> offset{};
    for (int len = 1; len <= max_bits; ++len) {
      offset[static_cast<std::size_t>(len) + 1] =
          offset[static_cast<std::size_t>(len)] + count_[static_cast<std::size_t>(len)];
    }
    symbols_.assign(lengths.size(), 0);
    for (std::size_t s = 0; s < lengths.size(); ++s) {
      if (lengths[s] != 0) {
        symbols_[static_cast<std::size_t>(offset[lengths[s]]++)] = static_cast<std::uint16_t>(s);
      }
    }
  }

  /// Decodes one symbol. Codes are read most significant bit first; the codes of one length
  /// are consecutive numbers starting at `first`, after all shorter codes.
  [[nodiscard]] int decode(BitReader& in) const {
    int code = 0;   // the bits read so far
    int first = 0;  // first code of the current length
    int index = 0;  // position of that code's symbol in symbols_
    for (int len = 1; len <= max_bits; ++len) {
      code |= static_cast<int>(in.bits(1));
      const int count = count_[static_cast<std::size_t>(len)];
      if (code - first < count) return symbols_[static_cast<std::size_t>(index + code - first)];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    in.fail("uses a Huffman code that is not in its table");
  }

 private:
  std::array<int, max_bits + 1> count_{};
  std::vector<std::uint16_t> symbols_;
};

/// Decodes the DEFLATE stream at the reader's position, appending to `out`. Back-references
/// reach only the bytes this stream produced, those from `out[start]` on: a gzip member's
/// window starts empty (RFC 1952, 2.2: members are independent), so a member cannot refer
/// into the output of the members before it.
inline void inflate(BitReader& in, std::vector<unsigned char>& out, std::size_t start = 0) {
  // RFC 1951, 3.2.5: base lengths and extra bits of length codes 257..285 and distance codes.
  static constexpr std::array<int, 29> length_base{3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                   15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                   67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr std::array<int, 29> length_extra{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static constexpr std::array<int, 30> distance_base{
      1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
      193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  static constexpr std::array<int, 30> distance_extra{0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                      4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                      9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  // RFC 1951, 3.2.7: order in which the code-length code's lengths are stored.
  static constexpr std::array<int, 19> length_order{16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                    11, 4,  12, 3, 13, 2, 14, 1, 15};

  HuffmanCode literals, distances;
  std::array<std::uint8_t, 320> lengths{};
  bool last = false;
  while (!last) {
    last = in.bits(1) == 1;
    const std::uint32_t type = in.bits(2);
    if (type == 0) {  // stored block: LEN, NLEN, then LEN raw bytes
      in.align();
      const std::size_t at = in.position();
      in.skip(4);
      const auto data = in.data();
      const unsigned len = data[at] | (static_cast<unsigned>(data[at + 1]) << 8);
      const unsigned nlen = data[at + 2] | (static_cast<unsigned>(data[at + 3]) << 8);
      if ((len ^ 0xFFFFU) != nlen) in.fail("has a stored block whose length check fails");
      in.skip(len);
      out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(at + 4),
                 data.begin() + static_cast<std::ptrdiff_t>(at + 4 + len));
      continue;
    }
    if (type == 1) {  // fixed codes (RFC 1951, 3.2.6)
      for (std::size_t s = 0; s < 288; ++s) {
        lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
      }
      literals.build(std::span(lengths.data(), 288), in);
      for (std::size_t s = 0; s < 30; ++s) lengths[s] = 5;
      distances.build(std::span(lengths.data(), 30), in);
    } else if (type == 2) {  // dynamic codes (RFC 1951, 3.2.7)
      const int nlit = static_cast<int>(in.bits(5)) + 257;
      const int ndist = static_cast<int>(in.bits(5)) + 1;
      const int ncode = static_cast<int>(in.bits(4)) + 4;
      if (nlit > 286 || ndist > 30) in.fail("declares too many Huffman codes");
      std::array<std::uint8_t, 19> code_lengths{};
      for (int i = 0; i < ncode; ++i) {
        code_lengths[static_cast<std::size_t>(length_order[static_cast<std::size_t>(i)])] =
            static_cast<std::uint8_t>(in.bits(3));
      }
      HuffmanCode length_code;
      length_code.build(code_lengths, in);
      int i = 0;
      while (i < nlit + ndist) {
        const int symbol = length_code.decode(in);
        int repeat = 1;
        std::uint8_t value = 0;
        if (symbol < 16) {
          value = static_cast<std::uint8_t>(symbol);
        } else if (symbol == 16) {
          if (i == 0) in.fail("repeats a code length before the first one");
          value = lengths[static_cast<std::size_t>(i - 1)];
          repeat = 3 + static_cast<int>(in.bits(2));
        } else {
          repeat =
              symbol == 17 ? 3 + static_cast<int>(in.bits(3)) : 11 + static_cast<int>(in.bits(7));
        }
        if (i + repeat > nlit + ndist) in.fail("repeats code lengths past the table's end");
        for (; repeat > 0; --repeat) lengths[static_cast<std::size_t>(i++)] = value;
      }
      if (lengths[256] == 0) in.fail("has no end-of-block code");
      literals.build(std::span(lengths.data(), static_cast<std::size_t>(nlit)), in);
      distances.build(std::span(lengths.data() + nlit, static_cast<std::size_t>(ndist)), in);
    } else {
      in.fail("uses the reserved block type 3");
    }
    // Literal/length and distance symbols until end of block (RFC 1951, 3.2.5).
    for (;;) {
      const int symbol = literals.decode(in);
      if (symbol < 256) {
        out.push_back(static_cast<unsigned char>(symbol));
        continue;
      }
      if (symbol == 256) break;
      const auto l = static_cast<std::size_t>(symbol - 257);
      if (l >= length_base.size()) in.fail("uses an invalid length code");
      const auto length =
          static_cast<std::size_t>(length_base[l] + static_cast<int>(in.bits(length_extra[l])));
      const auto d = static_cast<std::size_t>(distances.decode(in));
      if (d >= distance_base.size()) in.fail("uses an invalid distance code");
      const auto distance =
          static_cast<std::size_t>(distance_base[d] + static_cast<int>(in.bits(distance_extra[d])));
      if (distance > out.size() - start) in.fail("refers back before the start of the data");
      // Byte by byte: a copy may overlap the bytes it is producing (distance < length).
      std::size_t from = out.size() - distance;
      for (std::size_t k = 0; k < length; ++k) out.push_back(out[from++]);
    }
  }
}

}  // namespace detail

/// Decompresses a gzip file image: one or more members (as `cat a.gz b.gz` makes), each with
/// its CRC-32 and length verified. Throws `iterum::invalid_argument` naming `function` and
/// argument 'data' when the bytes are not a valid gzip stream.
[[nodiscard]] inline std::vector<unsigned char> gunzip(
    std::span<const unsigned char> data, std::string_view function = "iterum::io::gunzip") {
  std::vector<unsigned char> out;
  std::size_t at = 0;
  const auto need = [&](std::size_t bytes) {
    if (data.size() - at < bytes) {
      check::fail(function, "data", "is not a valid gzip stream: truncated member", {});
    }
  };
  do {
    // RFC 1952, 2.3: ID1 ID2 CM FLG MTIME(4) XFL OS, then the optional fields FLG announces.
    need(10);
    if (data[at] != 0x1F || data[at + 1] != 0x8B) {
      check::fail(function, "data", "is not a valid gzip stream: bad magic number", {});
    }
    if (data[at + 2] != 8) {
      check::fail(function, "data", "is not a valid gzip stream: compression method is not DEFLATE",
                  {});
    }
    const unsigned flags = data[at + 3];
    at += 10;
    if (flags & 0x04U) {  // FEXTRA
      need(2);
      const std::size_t xlen = data[at] | (static_cast<std::size_t>(data[at + 1]) << 8);
      at += 2;
      need(xlen);
      at += xlen;
    }
    for (const unsigned field : {0x08U, 0x10U}) {  // FNAME, FCOMMENT: zero-terminated
      if (flags & field) {
        do need(1);
        while (data[at++] != 0);
      }
    }
    if (flags & 0x02U) {  // FHCRC
      need(2);
      at += 2;
    }
    const std::size_t begin = out.size();
    detail::BitReader in(data.subspan(at), function);
    detail::inflate(in, out, begin);
    at += in.position();
    need(8);
    const auto le32 = [&](std::size_t p) {
      return static_cast<std::uint32_t>(data[p]) | (static_cast<std::uint32_t>(data[p + 1]) << 8) |
             (static_cast<std::uint32_t>(data[p + 2]) << 16) |
             (static_cast<std::uint32_t>(data[p + 3]) << 24);
    };
    const std::span<const unsigned char> member(out.data() + begin, out.size() - begin);
    if (le32(at) != detail::crc32(member)) {
      check::fail(function, "data", "is not a valid gzip stream: CRC-32 mismatch", {});
    }
    if (le32(at + 4) != static_cast<std::uint32_t>(member.size())) {
      check::fail(function, "data", "is not a valid gzip stream: length mismatch", {});
    }
    at += 8;
  } while (at < data.size());
  return out;
}

}  // namespace iterum::io
