// The pairing key schedule (crypto/pairing_keys.hpp) pinned byte for byte:
// the expected values were computed with the schedule as it was in
// net/pairing.cpp before it moved here, so these prove the move changed no
// byte of the wire. Also: each label gives its own value, the static keys
// count only where PROTOCOL §2 says, and Verify is exact.
#include "crypto/pairing_keys.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "tests/crypto/fixed_input.hpp"

namespace inch::crypto::pairing {
namespace {

class PairingKeysTest : public PinnedTest {
 protected:
  // ISK 01..40, sid 40.., Ya 60.., Yb 90...
  static Keys Fixed() {
    return Keys(Secret::CopyOf(ByteRun(64, 0x01)), ByteRun(16, 0x40),
                ByteRun(32, 0x60), ByteRun(32, 0x90));
  }
};

TEST_F(PairingKeysTest, TranscriptOnlyValuesArePinned) {
  Keys keys = Fixed();
  EXPECT_EQ(ToHex(keys.Compute(Mac::kConfirmListener)),
            "3164c0700087b35845bde270202e5cc4d96be5efef61763dac9460212a0f6762");
  EXPECT_EQ(ToHex(keys.Compute(Mac::kConfirmDialer)),
            "8c7d1bb094b5f4b3fb8f0d72fccdc272993bd0523e21c7b289c7846b7abd0084");
  EXPECT_EQ(ToHex(keys.Derive(Key::kSealDialer).view()),
            "147258b55ce41626aeb122f3d9b46d07920a2b625a4886cc793250b6c9dd7f67");
  EXPECT_EQ(ToHex(keys.Derive(Key::kSealListener).view()),
            "1fb1c82af52487b007ec376a31bc57e5f6bf78efb22c9c8c784f6a803aef2fe9");
}

TEST_F(PairingKeysTest, ValuesWithTheStaticKeysArePinned) {
  Keys keys = Fixed();
  keys.SetStaticKeys(pk_d_, pk_l_);
  EXPECT_EQ(ToHex(keys.Compute(Mac::kFinalListener)),
            "b20cac56ba8e444695d83f41fbcae464e12fc6ac5b792c5a9b721603d0dcf472");
  EXPECT_EQ(ToHex(keys.Compute(Mac::kFinalDialer)),
            "a516c313bcfd0fc665930d73920eca4703c19a38408cf21df180a653acfc6257");
  EXPECT_EQ(ToHex(keys.Compute(Mac::kPinnedListener)),
            "5770ddceebade43df545e4a79122939961a099fb1fbeda5f0f69206483504d8a");
  EXPECT_EQ(ToHex(keys.Derive(Key::kPairSecret).view()),
            "f6014725648013813dbe9967b3620859c3e751d8cb90964851b2e3c79b6c8392");
}

TEST_F(PairingKeysTest, TranscriptOnlyValuesIgnoreTheStaticKeys) {
  Keys before = Fixed();
  Keys after = Fixed();
  after.SetStaticKeys(pk_d_, pk_l_);
  EXPECT_EQ(before.Compute(Mac::kConfirmDialer),
            after.Compute(Mac::kConfirmDialer));
  EXPECT_TRUE(before.Derive(Key::kSealListener)
                  .Equals(after.Derive(Key::kSealListener)));
}

TEST_F(PairingKeysTest, SwappedStaticKeysGiveAnotherPairSecret) {
  Keys keys = Fixed();
  keys.SetStaticKeys(pk_l_, pk_d_);
  EXPECT_NE(ToHex(keys.Derive(Key::kPairSecret).view()),
            "f6014725648013813dbe9967b3620859c3e751d8cb90964851b2e3c79b6c8392");
}

TEST_F(PairingKeysTest, EveryLabelGivesItsOwnValue) {
  Keys keys = Fixed();
  keys.SetStaticKeys(pk_d_, pk_l_);
  std::set<std::string> seen;
  for (Mac m : {Mac::kConfirmListener, Mac::kConfirmDialer, Mac::kFinalListener,
                Mac::kFinalDialer, Mac::kPinnedListener}) {
    seen.insert(ToHex(keys.Compute(m)));
  }
  for (Key k : {Key::kSealDialer, Key::kSealListener, Key::kPairSecret}) {
    seen.insert(ToHex(keys.Derive(k).view()));
  }
  EXPECT_EQ(seen.size(), 8u);
}

TEST_F(PairingKeysTest, VerifyAcceptsOnlyTheExactMac) {
  Keys keys = Fixed();
  Bytes mac = keys.Compute(Mac::kConfirmListener);
  EXPECT_TRUE(keys.Verify(Mac::kConfirmListener, mac));
  EXPECT_FALSE(keys.Verify(Mac::kConfirmDialer, mac));
  for (std::size_t i = 0; i < mac.size(); ++i) {
    Bytes bad = mac;
    bad[i] ^= 0x01;
    EXPECT_FALSE(keys.Verify(Mac::kConfirmListener, bad)) << i;
  }
  EXPECT_FALSE(
      keys.Verify(Mac::kConfirmListener, ByteView(mac).first(mac.size() - 1)));
  EXPECT_FALSE(keys.Verify(Mac::kConfirmListener, {}));
}

TEST_F(PairingKeysTest, AStaticKeyValueBeforeTheKeysAreKnownIsABug) {
  Keys keys = Fixed();
  EXPECT_DEATH((void)keys.Compute(Mac::kFinalDialer), "invariant failed");
}

}  // namespace
}  // namespace inch::crypto::pairing
