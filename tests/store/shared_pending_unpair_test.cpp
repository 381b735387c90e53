// The unpair notice owed to an old partner, and the pairing generation
// (store/shared/shared_pending_unpair.cpp): a local unpair owes the notice
// in the transaction that erases the partner, a partner-initiated one owes
// none, a new pairing keeps a notice owed to another partner, and a key
// rotation re-seals it.
#include <gtest/gtest.h>

#include "tests/store/shared_test_util.hpp"

namespace inch::store {
namespace {
using testing::Node;

class PendingUnpairTest : public testing::PairedNodes {
 protected:
  // Runs `sql` on a's closed shared.db, as someone with the disk would.
  std::optional<UnpairNotice> Owed() {
    auto owed = a->sync().OwedUnpairNotice();
    EXPECT_TRUE(owed) << owed.error().message;
    return owed ? std::move(*owed) : std::nullopt;
  }
};

TEST_F(PendingUnpairTest, ALocalUnpairOwesTheNoticeAndErasesThePartner) {
  ASSERT_TRUE(a->pairing().SetPartnerAddress("192.0.2.7:47470"));
  auto before = a->sync().PairingGeneration();
  ASSERT_TRUE(before);
  EXPECT_FALSE(Owed());
  ASSERT_TRUE(a->pairing().UnpairAndOweNotice());
  auto partner = a->pairing().Partner();
  ASSERT_TRUE(partner);
  EXPECT_FALSE(*partner);
  auto owed = Owed();
  ASSERT_TRUE(owed);
  EXPECT_EQ(owed->partner_public_key, b.pk);
  EXPECT_TRUE(owed->pair_secret.Equals(secret));
  EXPECT_EQ(owed->last_address, "192.0.2.7:47470");
  EXPECT_EQ(*a->sync().PairingGeneration(), *before + 1);
  // Unpaired, there is nothing more to owe.
  EXPECT_EQ(a->pairing().UnpairAndOweNotice().error().code, Errc::kNotFound);
  // It survives reopening, and the secret is not on disk in the clear.
  a.Reopen();
  EXPECT_TRUE(Owed());
}

TEST_F(PendingUnpairTest, APartnerInitiatedUnpairOwesNothing) {
  ASSERT_TRUE(a->pairing().ErasePartner());
  EXPECT_FALSE(Owed());
}

TEST_F(PendingUnpairTest, TheNoticeAndTheEraseAreOneTransaction) {
  // A pair secret that does not open: the notice cannot be written, so the
  // partner is not erased either (nothing lost, nothing half done).
  a.EditWithoutKey("UPDATE partner SET secret = zeroblob(72)");
  EXPECT_EQ(a->pairing().UnpairAndOweNotice().error().code, Errc::kCorrupt);
  auto partner = a->pairing().Partner();
  ASSERT_TRUE(partner);
  EXPECT_TRUE(*partner);
  EXPECT_FALSE(Owed());
}

TEST_F(PendingUnpairTest, ANewPairingKeepsANoticeOwedToTheOldPartner) {
  ASSERT_TRUE(a->pairing().UnpairAndOweNotice());
  Node c = testing::MakeNode(dir.path(), "c");
  const crypto::Secret new_secret = crypto::Secret::Random(32);
  ASSERT_TRUE(a->pairing().SetPartner(c.pk, new_secret));
  auto owed = Owed();
  ASSERT_TRUE(owed);
  EXPECT_EQ(owed->partner_public_key, b.pk);
  // Forgetting names the notice delivered: another one stays.
  ASSERT_TRUE(a->sync().ForgetUnpairNotice(c.pk));
  EXPECT_TRUE(Owed());
  ASSERT_TRUE(a->sync().ForgetUnpairNotice(b.pk));
  EXPECT_FALSE(Owed());
}

TEST_F(PendingUnpairTest, PairingAgainWithTheSamePartnerMakesItMoot) {
  ASSERT_TRUE(a->pairing().UnpairAndOweNotice());
  const auto generation = *a->sync().PairingGeneration();
  ASSERT_TRUE(a->pairing().SetPartner(b.pk, crypto::Secret::Random(32)));
  EXPECT_FALSE(Owed());
  EXPECT_EQ(*a->sync().PairingGeneration(), generation + 1);
}

TEST_F(PendingUnpairTest, AKeyRotationReSealsIt) {
  ASSERT_TRUE(a->pairing().UnpairAndOweNotice());
  const crypto::Secret new_key = crypto::Secret::Random(32);
  ASSERT_TRUE(a->Rekey(crypto::Secret::CopyOf(new_key.view())));
  a.key = crypto::Secret::CopyOf(new_key.view());
  a.Reopen();
  auto owed = Owed();
  ASSERT_TRUE(owed);
  EXPECT_TRUE(owed->pair_secret.Equals(secret));
}

TEST_F(PendingUnpairTest, AnEditedNoticeIsRefusedInPlainWords) {
  ASSERT_TRUE(a->pairing().UnpairAndOweNotice());
  a.EditWithoutKey("UPDATE unpair_notice SET sealed = zeroblob(100)");
  auto owed = a->sync().OwedUnpairNotice();
  ASSERT_FALSE(owed);
  EXPECT_EQ(owed.error().code, Errc::kCorrupt);
  EXPECT_NE(owed.error().message.find("does not open"), std::string::npos);
}

TEST_F(PendingUnpairTest, AnImportedNoticeReplacesTheOwedOne) {
  UnpairNotice notice{Bytes(32, 0x42), crypto::Secret::Random(32), ""};
  ASSERT_TRUE(a->pairing().ImportUnpairNotice(notice));
  auto owed = Owed();
  ASSERT_TRUE(owed);
  EXPECT_EQ(owed->partner_public_key, Bytes(32, 0x42));
  EXPECT_TRUE(owed->last_address.empty());
  notice.partner_public_key.resize(31);
  EXPECT_EQ(a->pairing().ImportUnpairNotice(notice).error().code,
            Errc::kInvalidInput);
}

}  // namespace
}  // namespace inch::store
