// A move-only buffer for key material in libsodium guarded memory
// (sodium_malloc: guard pages, mlock, wiped on free). It never prints and
// compares in constant time. Call sodium_init() (InitCrypto) before use.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"

namespace inch::crypto {

// Initialises libsodium once; returns false if it cannot be initialised.
bool InitCrypto();

class Secret {
 public:
  Secret() = default;                 // empty (size 0)
  explicit Secret(std::size_t size);  // zero-filled; aborts if allocation fails
  static Secret Random(std::size_t size);
  static Secret CopyOf(ByteView bytes);

  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret();  // wipes and frees

  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_, size_}; }

  // Constant-time equality; different sizes compare unequal.
  bool Equals(const Secret& other) const;

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// Wipes a plain buffer that held plaintext (sodium_memzero).
void Wipe(Bytes& bytes);

// Fills `n` random bytes (randombytes_buf).
Bytes RandomBytes(std::size_t n);

}  // namespace inch::crypto
