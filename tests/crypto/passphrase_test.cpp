// The Argon2id-wrapped master key (crypto/passphrase.hpp). Argon2id at
// MODERATE costs about half a second, so one wrap is shared by the suite
// and only three stretches run in total.
#include "crypto/passphrase.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>

namespace inch::crypto {
namespace {

Secret Pass(std::string_view s) { return Secret::CopyOf(AsBytes(s)); }

class Passphrase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(InitCrypto());
    master_ = new Secret(Secret::Random(kKeyBytesForTest));
    auto w = WrapMasterKey(Pass("correct horse"), *master_, DefaultKdfParams());
    ASSERT_TRUE(w.has_value()) << w.error().message;
    wrapped_ = new WrappedKey(std::move(*w));
  }
  static void TearDownTestSuite() {
    delete master_;
    delete wrapped_;
    master_ = nullptr;
    wrapped_ = nullptr;
  }
  static constexpr std::size_t kKeyBytesForTest = 32;
  static inline Secret* master_ = nullptr;
  static inline WrappedKey* wrapped_ = nullptr;
};

TEST_F(Passphrase, RightPassphraseUnwraps) {
  ASSERT_NE(wrapped_, nullptr);
  auto m = UnwrapMasterKey(Pass("correct horse"), *wrapped_);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_TRUE(m->Equals(*master_));
  EXPECT_EQ(wrapped_->kdf.salt.size(), crypto_pwhash_SALTBYTES);
}

TEST_F(Passphrase, WrongPassphraseIsReported) {
  ASSERT_NE(wrapped_, nullptr);
  auto m = UnwrapMasterKey(Pass("correct horsf"), *wrapped_);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, Errc::kWrongPassphrase);
}

TEST_F(Passphrase, MalformedParametersAreCorrupt) {
  ASSERT_NE(wrapped_, nullptr);
  WrappedKey bad = *wrapped_;
  bad.kdf.salt.pop_back();
  EXPECT_EQ(UnwrapMasterKey(Pass("correct horse"), bad).error().code,
            Errc::kCorrupt);
  bad = *wrapped_;
  bad.kdf.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  EXPECT_EQ(UnwrapMasterKey(Pass("correct horse"), bad).error().code,
            Errc::kCorrupt);
}

TEST(PassphraseParams, BelowModerateIsRejected) {
  Secret master = Secret::Random(32);
  KdfParams weak = DefaultKdfParams();
  weak.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  EXPECT_EQ(WrapMasterKey(Pass("pw"), master, weak).error().code,
            Errc::kInvalidInput);
  weak = DefaultKdfParams();
  weak.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  EXPECT_EQ(WrapMasterKey(Pass("pw"), master, weak).error().code,
            Errc::kInvalidInput);
  weak = DefaultKdfParams();
  weak.alg = crypto_pwhash_ALG_ARGON2I13;
  EXPECT_EQ(WrapMasterKey(Pass("pw"), master, weak).error().code,
            Errc::kInvalidInput);
}

TEST(PassphraseParams, EmptyPassphraseIsRejected) {
  Secret master = Secret::Random(32);
  EXPECT_EQ(WrapMasterKey(Secret(), master, DefaultKdfParams()).error().code,
            Errc::kInvalidInput);
}

TEST(PassphraseParams, DefaultsAreModerateWithFreshSalts) {
  KdfParams a = DefaultKdfParams(), b = DefaultKdfParams();
  EXPECT_GE(a.opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_GE(a.memlimit, crypto_pwhash_MEMLIMIT_MODERATE);
  EXPECT_EQ(a.alg, crypto_pwhash_ALG_ARGON2ID13);
  EXPECT_NE(a.salt, b.salt);
}

}  // namespace
}  // namespace inch::crypto
