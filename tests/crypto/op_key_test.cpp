// The op key and associated data (crypto/op_key.hpp) pinned: the expected
// bytes were computed with the code as it was in store/shared/op_codec.cpp
// before it moved here, so they prove no sealed op changed.
#include "crypto/op_key.hpp"

#include <gtest/gtest.h>

#include "crypto/bundle_key.hpp"
#include "tests/crypto/fixed_input.hpp"

namespace inch::crypto {
namespace {

using OpKeyTest = PinnedTest;

TEST_F(OpKeyTest, KeyIsPinned) {
  Secret key = DeriveOpKey(Secret::CopyOf(ByteRun(32, 0x20)));
  EXPECT_EQ(ToHex(key.view()),
            "0f56fba449fe488954329d964fc10fcfaa9f84eb39090ff5f24743bf80061c24");
}

TEST_F(OpKeyTest, AssociatedDataIsPinned) {
  EXPECT_EQ(ToHex(OpAd(pk_d_, 0x0102030405060708ULL)),
            "696e63682d6f70207631"  // "inch-op v1"
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
            "0102030405060708");
}

TEST_F(OpKeyTest, AnOpKeyIsNoBundleKey) {
  Secret pair = Secret::CopyOf(ByteRun(32, 0x20));
  EXPECT_FALSE(DeriveOpKey(pair).Equals(BundleKey(pair)));
}

TEST_F(OpKeyTest, ShortPairSecretIsABug) {
  EXPECT_DEATH((void)DeriveOpKey(Secret::CopyOf(ByteRun(8, 0))),
               "invariant failed");
}

}  // namespace
}  // namespace inch::crypto
