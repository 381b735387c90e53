// Check words (crypto/check_words.hpp) pinned: the expected words were
// computed with the derivation as it was in net/check_words.cpp before it
// moved here, so they prove the move changed nothing a person compares.
#include "crypto/check_words.hpp"

#include <gtest/gtest.h>

#include "tests/crypto/fixed_input.hpp"

namespace inch::crypto {
namespace {

using CheckWordsTest = PinnedTest;

TEST_F(CheckWordsTest, WordsArePinned) {
  Secret secret = Secret::CopyOf(ByteRun(32, 0x20));
  auto words = CheckWords(secret, pk_d_, pk_l_);
  ASSERT_EQ(words.size(), kCheckWordCount);
  EXPECT_EQ(JoinWords(words), "magnet mango compass yarn");
  // The pair secret of tests/crypto/pairing_keys_test.cpp's fixed pairing.
  auto paired = FromHex(
      "f6014725648013813dbe9967b3620859c3e751d8cb90964851b2e3c79b6c8392");
  ASSERT_TRUE(paired);
  EXPECT_EQ(JoinWords(CheckWords(Secret::CopyOf(*paired), pk_d_, pk_l_)),
            "juniper apricot onyx curtain");
}

TEST_F(CheckWordsTest, BothSidesSeeTheSameWords) {
  Secret secret = Secret::CopyOf(ByteRun(32, 0x20));
  EXPECT_EQ(CheckWords(secret, pk_d_, pk_l_), CheckWords(secret, pk_l_, pk_d_));
}

TEST_F(CheckWordsTest, AnotherSecretOrKeyChangesTheWords) {
  Secret secret = Secret::CopyOf(ByteRun(32, 0x20));
  Secret other = Secret::CopyOf(ByteRun(32, 0x21));
  Bytes pk_x = pk_l_;
  pk_x[31] ^= 0x01;
  EXPECT_NE(JoinWords(CheckWords(other, pk_d_, pk_l_)),
            "magnet mango compass yarn");
  EXPECT_NE(JoinWords(CheckWords(secret, pk_d_, pk_x)),
            "magnet mango compass yarn");
}

TEST_F(CheckWordsTest, JoinWordsSeparatesWithOneSpace) {
  EXPECT_EQ(JoinWords({}), "");
  EXPECT_EQ(JoinWords({"oak"}), "oak");
  EXPECT_EQ(JoinWords({"oak", "ivy"}), "oak ivy");
}

}  // namespace
}  // namespace inch::crypto
