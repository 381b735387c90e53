// Record sealing (crypto/aead.hpp) and guarded secrets (crypto/secret.hpp):
// round trips, tampering, associated data that binds a record to its row,
// padding buckets, and Secret's copy/compare/wipe contract.
#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include <string>

#include "crypto/kdf.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {
namespace {

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(Aead, SealOpenRoundTrip) {
  Secret key = Secret::Random(kKeyBytes);
  Bytes sealed = Seal(key, B("a wish"), B("wishes/7"));
  EXPECT_EQ(sealed.size(), kSealOverhead + 6);
  EXPECT_EQ(sealed[0], kSealVersion);
  auto opened = Open(key, sealed, B("wishes/7"));
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, B("a wish"));
  auto empty = Open(key, Seal(key, {}, {}), {});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(Aead, SameInputSealsDifferently) {
  Secret key = Secret::Random(kKeyBytes);
  EXPECT_NE(Seal(key, B("x"), B("t/1")), Seal(key, B("x"), B("t/1")));
}

TEST(Aead, EveryFlippedByteFails) {
  Secret key = Secret::Random(kKeyBytes);
  Bytes sealed = Seal(key, B("journal text"), B("journal/1"));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes bad = sealed;
    bad[i] ^= 0x01;
    auto r = Open(key, bad, B("journal/1"));
    ASSERT_FALSE(r.has_value()) << "byte " << i;
    EXPECT_EQ(r.error().code, Errc::kCrypto);
  }
  for (std::size_t len :
       {std::size_t{0}, std::size_t{1}, kSealOverhead - 1, sealed.size() - 1}) {
    EXPECT_FALSE(Open(key, ByteView(sealed).first(len), B("journal/1")));
  }
}

TEST(Aead, SwappedRowOrTableFails) {
  Secret key = Secret::Random(kKeyBytes);
  Bytes row1 = Seal(key, B("first"), B("wishes/1"));
  Bytes row2 = Seal(key, B("second"), B("wishes/2"));
  // Moving row 1's ciphertext into row 2 (or another table) is detected.
  EXPECT_FALSE(Open(key, row1, B("wishes/2")).has_value());
  EXPECT_FALSE(Open(key, row2, B("wishes/1")).has_value());
  EXPECT_FALSE(Open(key, row1, B("gives/1")).has_value());
  EXPECT_TRUE(Open(key, row2, B("wishes/2")).has_value());
}

TEST(Aead, WrongKeyFails) {
  Secret key = Secret::Random(kKeyBytes);
  Secret other = Secret::Random(kKeyBytes);
  EXPECT_FALSE(Open(other, Seal(key, B("x"), {}), {}).has_value());
}

TEST(Aead, SubkeysDoNotOpenEachOther) {
  Secret master = Secret::Random(kKeyBytes);
  Secret journal = DeriveSubkey(master, Subkey::kJournal);
  Secret shared = DeriveSubkey(master, Subkey::kShared);
  EXPECT_FALSE(journal.Equals(shared));
  EXPECT_TRUE(journal.Equals(DeriveSubkey(master, Subkey::kJournal)));
  EXPECT_FALSE(Open(shared, Seal(journal, B("x"), {}), {}).has_value());
}

TEST(AeadPadded, BucketsHideTheLength) {
  Secret key = Secret::Random(kKeyBytes);
  const std::size_t one = SealPadded(key, B("a"), {}).size();
  EXPECT_EQ(SealPadded(key, Bytes(200, 'x'), {}).size(), one);
  EXPECT_EQ(SealPadded(key, Bytes(255, 'x'), {}).size(), one);
  EXPECT_EQ(SealPadded(key, {}, {}).size(), one);
  EXPECT_GT(SealPadded(key, Bytes(256, 'x'), {}).size(), one);
  EXPECT_EQ(SealPadded(key, Bytes(300, 'x'), {}).size(),
            SealPadded(key, Bytes(500, 'x'), {}).size());
  EXPECT_EQ(SealPadded(key, B("ab"), {}, 32).size(), kSealOverhead + 32);
}

TEST(AeadPadded, RoundTripAndBadPadding) {
  Secret key = Secret::Random(kKeyBytes);
  for (std::size_t n : {0, 1, 255, 256, 257, 1000}) {
    Bytes msg(n, 'q');
    auto r = OpenPadded(key, SealPadded(key, msg, B("ad")), B("ad"));
    ASSERT_TRUE(r.has_value()) << n;
    EXPECT_EQ(*r, msg);
  }
  // A validly sealed record without padding is rejected by OpenPadded.
  Bytes unpadded = Seal(key, Bytes(256, 0), B("ad"));
  auto r = OpenPadded(key, unpadded, B("ad"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kCrypto);
}

TEST(Secret, CopyEqualsAndMove) {
  Secret a = Secret::CopyOf(B("0123456789abcdef"));
  Secret b = Secret::CopyOf(B("0123456789abcdef"));
  Secret c = Secret::CopyOf(B("0123456789abcdeX"));
  EXPECT_TRUE(a.Equals(b));
  EXPECT_FALSE(a.Equals(c));
  EXPECT_FALSE(a.Equals(Secret::CopyOf(B("0123"))));
  EXPECT_TRUE(Secret().Equals(Secret()));
  Secret moved = std::move(a);
  EXPECT_EQ(moved.size(), 16u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract
  EXPECT_TRUE(moved.Equals(b));
  Secret zero(8);
  EXPECT_EQ(ToHex(zero.view()), "0000000000000000");
  EXPECT_FALSE(Secret::Random(32).Equals(Secret::Random(32)));
}

TEST(Secret, WipeClearsTheBuffer) {
  Bytes plain = B("plaintext");
  const std::size_t n = plain.size();
  const std::uint8_t* storage = plain.data();
  Wipe(plain);
  EXPECT_TRUE(plain.empty());
  // clear() keeps the allocation, so the old bytes can still be inspected.
  ASSERT_GE(plain.capacity(), n);
  ASSERT_EQ(plain.data(), storage);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(storage[i], 0) << i;
  EXPECT_EQ(RandomBytes(24).size(), 24u);
}

}  // namespace
}  // namespace inch::crypto
