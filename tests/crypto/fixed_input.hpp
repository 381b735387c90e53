// Fixed inputs for the tests that pin derived values (pairing keys, check
// words, op key): byte runs anyone can rebuild by hand, and a fixture that
// initialises libsodium.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

// `n` bytes start, start+1, ... (mod 256).
inline Bytes ByteRun(std::size_t n, int start) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) {
    b[i] = static_cast<std::uint8_t>(start + static_cast<int>(i));
  }
  return b;
}

class PinnedTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto()); }
  // The two static public keys every pinned test uses: pk_D a0.., pk_L 10..
  const Bytes pk_d_ = ByteRun(32, 0xa0);
  const Bytes pk_l_ = ByteRun(32, 0x10);
};

}  // namespace inch::crypto
