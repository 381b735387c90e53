// Carried bundles between two real shared stores (net/bundle.hpp): a round
// trip, "only what is missing", padding buckets, and each bad bundle
// (not a bundle, cut short, changed, another pair, my own, duplicate, old,
// not paired, a gap) refused with its own message and nothing changed.
#include "net/bundle.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "crypto/bundle_key.hpp"
#include "crypto/identity.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::net {
namespace {

namespace fs = std::filesystem;
using store::ConsentKind;
using store::Cursor;

struct BundleNode {
  fs::path dir;
  crypto::Identity id = crypto::GenerateIdentity();
  std::unique_ptr<store::SharedStore> store;
  BundleNode() {
    std::string tmpl =
        (fs::temp_directory_path() / "inch-bundle-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    auto s = store::SharedStore::Open((dir / "shared.db").string(),
                                      crypto::Secret::Random(32), id.public_key,
                                      true);
    EXPECT_TRUE(s.has_value()) << s.error().message;
    store = std::move(*s);
  }
  ~BundleNode() {
    store.reset();
    fs::remove_all(dir);
  }
  std::uint64_t Received() {
    return store->sync().ReceivedUpTo().value_or(999);
  }
  bool PartnerNotesOn() {
    auto s = store->reader().CurrentState();
    return s && s->consent[store::kPartner][1].on;
  }
};

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    Pin(a_, b_);
  }
  static void Pin(BundleNode& x, BundleNode& y) {
    auto secret = crypto::Secret::Random(32);
    ASSERT_TRUE(
        x.store->pairing().SetPartner(y.id.public_key, secret).has_value());
    ASSERT_TRUE(
        y.store->pairing().SetPartner(x.id.public_key, secret).has_value());
  }
  static Bytes Write(BundleNode& n) {
    auto w = WriteBundle(n.store->sync(), n.id.public_key);
    EXPECT_TRUE(w.has_value()) << w.error().message;
    return w ? w->file : Bytes{};
  }
  static Result<BundleRead> Read(BundleNode& n, const Bytes& file) {
    return ReadBundle(n.store->sync(), n.id.public_key, file);
  }
  // Reading `file` on b fails with `code` and a message holding `words`,
  // and b's store is as before.
  void ExpectRefused(const Bytes& file, Errc code, const std::string& words) {
    const auto before = b_.Received();
    const auto stamp =
        b_.store->sync().GetCursor(Cursor::kBundleRead).value_or(0);
    auto r = Read(b_, file);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos)
        << r.error().message;
    EXPECT_EQ(b_.Received(), before);
    EXPECT_EQ(b_.store->sync().GetCursor(Cursor::kBundleRead).value_or(0),
              stamp);
  }
  BundleNode a_, b_;
};

TEST(BundleBucketTest, SizesFallInFixedBuckets) {
  EXPECT_EQ(BundleBucket(0), 4096u);
  EXPECT_EQ(BundleBucket(4095), 4096u);
  EXPECT_EQ(BundleBucket(4096), 8192u);  // always one byte of padding
  EXPECT_EQ(BundleBucket((1u << 20) - 1), 1u << 20);
  EXPECT_EQ(BundleBucket(1u << 20), 2u << 20);
  EXPECT_EQ(BundleBucket((5u << 20) + 7), 6u << 20);
  EXPECT_EQ(BundleBucket(kMaxBundleBody), 0u);
}

TEST_F(BundleTest, RoundTripBothWaysCarriesOnlyWhatIsMissing) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  auto w = WriteBundle(a_.store->sync(), a_.id.public_key);
  ASSERT_TRUE(w.has_value()) << w.error().message;
  EXPECT_EQ(w->ops, 1u);
  auto r = Read(b_, w->file);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->outcome, BundleOutcome::kApplied);
  EXPECT_EQ(r->applied, 1u);
  EXPECT_TRUE(b_.PartnerNotesOn());

  // b answers: its own consent, and that it holds a's op 1.
  ASSERT_TRUE(
      b_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  auto back = Read(a_, Write(b_));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->applied, 1u);
  EXPECT_TRUE(a_.PartnerNotesOn());
  EXPECT_EQ(a_.store->sync().GetCursor(Cursor::kPartnerHas).value_or(0), 1u);

  // a's next bundle holds only the new note, not the consent again.
  ASSERT_TRUE(a_.store->edits().AddNote("thank you for the tea").has_value());
  auto next = WriteBundle(a_.store->sync(), a_.id.public_key);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->ops, 1u);
  EXPECT_EQ(next->first_seq, 2u);
  auto r2 = Read(b_, next->file);
  ASSERT_TRUE(r2.has_value()) << r2.error().message;
  EXPECT_EQ(r2->applied, 1u);
  EXPECT_EQ(b_.Received(), 2u);
}

TEST_F(BundleTest, AStaleCursorOnlyResendsAndDuplicatesAreSkipped) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  ASSERT_TRUE(Read(b_, Write(a_)).has_value());
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kLists, true).has_value());
  // a never heard back: its next bundle repeats op 1, which b skips.
  auto r = Read(b_, Write(a_));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->applied, 1u);
  EXPECT_EQ(r->duplicates, 1u);
  EXPECT_EQ(b_.Received(), 2u);
}

TEST_F(BundleTest, TheFileSizeShowsOnlyTheBucket) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  const Bytes one = Write(a_);
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kLists, true).has_value());
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kLists, false).has_value());
  const Bytes three = Write(a_);
  EXPECT_EQ(one.size(), three.size());
  EXPECT_EQ(one.size(), kBundleHeaderBytes + kBundleKeyBlockBytes +
                            crypto::kSealOverhead + kMinBundleBucket);
  EXPECT_EQ(std::string(one.begin(), one.begin() + 8), "INCHBNDL");
}

TEST_F(BundleTest, DuplicateAndOldBundlesChangeNothing) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  const Bytes first = Write(a_);
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kLists, true).has_value());
  const Bytes second = Write(a_);
  auto r = Read(b_, second);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->applied, 2u);
  auto dup = Read(b_, second);
  ASSERT_TRUE(dup.has_value());
  EXPECT_EQ(dup->outcome, BundleOutcome::kDuplicate);
  EXPECT_EQ(dup->applied, 0u);
  auto old = Read(b_, first);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->outcome, BundleOutcome::kOld);
  EXPECT_EQ(b_.Received(), 2u);
}

TEST_F(BundleTest, MyOwnBundleIsRefused) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  const Bytes mine = Write(a_);
  auto r = Read(a_, mine);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("your own bundle"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(a_.Received(), 0u);
}

TEST_F(BundleTest, ABundleOfAnotherPairIsRefused) {
  BundleNode c, d;
  Pin(c, d);
  ASSERT_TRUE(
      c.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  ExpectRefused(Write(c), Errc::kCrypto, "another pair");
}

TEST_F(BundleTest, CutShortChangedAndForeignFilesAreRefused) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  const Bytes good = Write(a_);
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}}) {
    ExpectRefused(Bytes(good.begin(), good.begin() + cut), Errc::kInvalidInput,
                  "not an inch bundle");
  }
  for (std::size_t cut :
       {std::size_t{8}, kBundleHeaderBytes, kBundleHeaderBytes + 40,
        good.size() / 2, good.size() - 1}) {
    ExpectRefused(Bytes(good.begin(), good.begin() + cut), Errc::kInvalidInput,
                  "cut short");
  }
  Bytes longer = good;
  longer.push_back(0);
  ExpectRefused(longer, Errc::kInvalidInput, "bytes after");
  // A flipped bit anywhere in the body.
  for (std::size_t at : {kBundleHeaderBytes + kBundleKeyBlockBytes,
                         good.size() / 2, good.size() - 1}) {
    Bytes bad = good;
    bad[at] ^= 0x01;
    ExpectRefused(bad, Errc::kCrypto, "has been changed");
  }
  Bytes newer = good;
  newer[9] = 2;
  ExpectRefused(newer, Errc::kTooNew, "newer inch");
  Bytes text(good.size(), 'x');
  ExpectRefused(text, Errc::kInvalidInput, "not an inch bundle");
  // Only then does the good one still read.
  auto r = Read(b_, good);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->applied, 1u);
}

TEST_F(BundleTest, ABundleThatStartsAfterAMissingOneIsRefused) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  (void)Write(a_);  // never carried
  // a believes b holds op 1 (say a bundle from a restored b told it so).
  ASSERT_TRUE(a_.store->sync().RaiseCursor(Cursor::kPartnerHas, 1).has_value());
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kLists, true).has_value());
  ExpectRefused(Write(a_), Errc::kInvalidInput, "never received");
}

TEST_F(BundleTest, NotPairedIsSaidPlainly) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  const Bytes file = Write(a_);
  BundleNode lone;
  auto w = WriteBundle(lone.store->sync(), lone.id.public_key);
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().code, Errc::kNotFound);
  auto r = Read(lone, file);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("not paired"), std::string::npos);
}

TEST_F(BundleTest, CursorsStartAgainWithANewPairing) {
  ASSERT_TRUE(
      a_.store->edits().SetConsent(ConsentKind::kNotes, true).has_value());
  ASSERT_TRUE(Read(b_, Write(a_)).has_value());
  ASSERT_TRUE(Read(a_, Write(b_)).has_value());
  EXPECT_EQ(a_.store->sync().GetCursor(Cursor::kPartnerHas).value_or(0), 1u);
  EXPECT_GT(a_.store->sync().GetCursor(Cursor::kBundleRead).value_or(0), 0u);
  EXPECT_GT(a_.store->sync().GetCursor(Cursor::kBundleWritten).value_or(0), 0u);
  ASSERT_TRUE(a_.store->pairing().ErasePartner().has_value());
  for (Cursor c :
       {Cursor::kPartnerHas, Cursor::kBundleRead, Cursor::kBundleWritten}) {
    EXPECT_EQ(a_.store->sync().GetCursor(c).value_or(99), 0u);
  }
}

TEST_F(BundleTest, CursorsOnlyGrow) {
  ASSERT_TRUE(a_.store->sync().RaiseCursor(Cursor::kPartnerHas, 5).has_value());
  ASSERT_TRUE(a_.store->sync().RaiseCursor(Cursor::kPartnerHas, 3).has_value());
  EXPECT_EQ(a_.store->sync().GetCursor(Cursor::kPartnerHas).value_or(0), 5u);
}

}  // namespace
}  // namespace inch::net
