#pragma once

/// @file bytes.hpp
/// @brief `io::Bytes`: the owning byte buffer an `io::Input` holds. Unlike
/// `std::vector<unsigned char>` it can be allocated without zero-filling, so a file is read
/// straight into fresh memory (one pass over the bytes instead of two); it can also adopt a
/// vector's storage without copying.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace iterum::io {

/// An owning, contiguous sequence of bytes: a contiguous range (`begin`, `end`, `data`,
/// `size`), so it converts to `std::span<const unsigned char>`. Copies are deep; a moved-from
/// buffer is empty. The bytes are mutable through `data()` (a loader fills them).
class Bytes {
 public:
  /// An empty buffer.
  Bytes() noexcept = default;

  /// `size` bytes whose values are indeterminate until written through `data()`: the
  /// allocation is not zero-filled (use it only to read into).
  [[nodiscard]] static Bytes uninitialized(std::size_t size) {
    Bytes b;
    if (size > 0) {
      b.raw_.reset(new unsigned char[size]);  // default-initialised: not zero-filled
      b.data_ = b.raw_.get();
      b.size_ = size;
    }
    return b;
  }

  /// A copy of `bytes`.
  explicit Bytes(std::span<const unsigned char> bytes) : Bytes(uninitialized(bytes.size())) {
    std::copy(bytes.begin(), bytes.end(), data_);
  }

  /// Adopts the storage of `bytes` (no copy).
  explicit Bytes(std::vector<unsigned char>&& bytes) noexcept
      : vector_(std::move(bytes)), data_(vector_.data()), size_(vector_.size()) {}

  Bytes(const Bytes& other) : Bytes(std::span<const unsigned char>(other)) {}
  Bytes(Bytes&& other) noexcept
      : vector_(std::move(other.vector_)),
        raw_(std::move(other.raw_)),
        data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)) {
    other.vector_.clear();
  }
  Bytes& operator=(const Bytes& other) {
    if (this != &other) *this = Bytes(other);
    return *this;
  }
  Bytes& operator=(Bytes&& other) noexcept {
    if (this != &other) {
      vector_ = std::move(other.vector_);
      other.vector_.clear();
      raw_ = std::move(other.raw_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  ~Bytes() = default;

  [[nodiscard]] unsigned char* data() noexcept { return data_; }
  [[nodiscard]] const unsigned char* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] unsigned char* begin() noexcept { return data_; }
  [[nodiscard]] unsigned char* end() noexcept { return data_ + size_; }
  [[nodiscard]] const unsigned char* begin() const noexcept { return data_; }
  [[nodiscard]] const unsigned char* end() const noexcept { return data_ + size_; }
  /// The byte at `k`; precondition `k < size()`.
  [[nodiscard]] unsigned char& operator[](std::size_t k) noexcept { return data_[k]; }
  [[nodiscard]] const unsigned char& operator[](std::size_t k) const noexcept { return data_[k]; }

 private:
  std::vector<unsigned char> vector_;     // the storage when adopted from a vector
  std::unique_ptr<unsigned char[]> raw_;  // the storage when allocated here
  unsigned char* data_ = nullptr;         // into vector_ or raw_
  std::size_t size_ = 0;
};

}  // namespace iterum::io
