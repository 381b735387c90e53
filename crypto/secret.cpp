// Guarded secret memory; see secret.hpp.
#include "crypto/secret.hpp"

#include <sodium.h>

#include <cstring>
#include <utility>

#include "common/check.hpp"

namespace inch::crypto {

bool InitCrypto() { return sodium_init() >= 0; }

Secret::Secret(std::size_t size) : size_(size) {
  if (size == 0) return;
  INCH_CHECK(sodium_init() >= 0);
  data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
  INCH_CHECK(data_ != nullptr);
  sodium_memzero(data_, size);
}

Secret Secret::Random(std::size_t size) {
  Secret s(size);
  if (size) randombytes_buf(s.data_, size);
  return s;
}

Secret Secret::CopyOf(ByteView bytes) {
  Secret s(bytes.size());
  if (!bytes.empty()) std::memcpy(s.data_, bytes.data(), bytes.size());
  return s;
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    if (data_) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Secret::~Secret() {
  if (data_) sodium_free(data_);  // sodium_free wipes before unmapping
}

bool Secret::Equals(const Secret& other) const {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data_, size_) == 0;
}

void Wipe(Bytes& bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
  bytes.clear();
}

Bytes RandomBytes(std::size_t n) {
  Bytes out(n);
  if (n) randombytes_buf(out.data(), n);
  return out;
}

}  // namespace inch::crypto
