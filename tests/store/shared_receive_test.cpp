// Unit tests of the sync role's receiving side (SharedSync): duplicates and
// gaps, every kind of bad op from the partner refused one by one, a clock
// far ahead, and the pairing's quotas.
#include <gtest/gtest.h>

#include <chrono>

#include "shared_store_fixture.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::Node;
using testing::Send;
using testing::SharedStoreTest;

TEST_F(SharedStoreTest, ReceiverIsIdempotentAndRejectsGaps) {
  AllReady();
  for (int i = 0; i < 3; ++i) {
    auto w = a->edits().AddWish("w" + std::to_string(i), 3);
    ASSERT_TRUE(w && a->edits().Share(*w));
  }
  const auto have = *b->sync().ReceivedUpTo();
  auto out = a->sync().Outbox(have, 100, 1 << 20);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->sealed_ops.size(), 6u);
  // Gap: skipping the first op rejects the batch and applies nothing.
  std::vector<Bytes> gap(out->sealed_ops.begin() + 1, out->sealed_ops.end());
  auto r = ApplyFromPartner(b->sync(), gap);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kProtocol);
  EXPECT_EQ(*b->sync().ReceivedUpTo(), have);
  // Twice the same batch: the second is all duplicates.
  ASSERT_TRUE(ApplyFromPartner(b->sync(), out->sealed_ops));
  auto again = ApplyFromPartner(b->sync(), out->sealed_ops);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->applied, 0u);
  EXPECT_EQ(again->duplicates, 6u);
  EXPECT_EQ(PartnerItems(b), 3u);
}

TEST_F(SharedStoreTest, RefusesMalformedForgedAndMisattributedOpsOneByOne) {
  AllReady();
  auto have = *b->sync().ReceivedUpTo();
  // A batch malformed as a whole (an op of the wrong size) is rejected
  // and applies nothing.
  {
    auto r = ApplyFromPartner(b->sync(), std::vector<Bytes>{Bytes{1, 2, 3}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kProtocol);
    EXPECT_EQ(*b->sync().ReceivedUpTo(), have);
  }
  // Anything else bad is refused alone: kept as an erased header (its
  // number counts as received, so nothing is stuck), nothing else changes.
  auto expect_reject = [&](const std::vector<Bytes>& batch) {
    auto before = b->reader().SharedState();
    ASSERT_TRUE(before);
    const std::string was = Canonical(*before, b->pairing().MeLow());
    auto r = ApplyFromPartner(b->sync(), batch);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->applied + r->refused.size(), batch.size());
    ASSERT_FALSE(r->refused.empty());
    EXPECT_EQ(r->refused.back().seq, have + batch.size());
    EXPECT_EQ(r->refused.back().why, Refusal::kInvalid);
    EXPECT_EQ(*b->sync().ReceivedUpTo(), have + batch.size());
    have = *b->sync().ReceivedUpTo();
    if (r->applied == 0) {
      EXPECT_EQ(Canonical(*b->reader().SharedState(), b->pairing().MeLow()),
                was);
    }
  };
  Bytes junk = crypto::RandomBytes(100);
  for (int i = 0; i < 8; ++i) junk[i] = 0;
  junk[7] = static_cast<std::uint8_t>(have + 1);
  expect_reject({junk});
  proto::Op wish;
  wish.mutable_create()->set_n(50);
  wish.mutable_create()->set_type(proto::WISH);
  wish.mutable_create()->set_text("hi");
  wish.mutable_create()->set_importance(3);
  // An op claiming to be mine (sealed with my key as author).
  expect_reject({Craft(b.pk, wish, have + 1)});
  // Sealed under a different pair key.
  {
    proto::Op op = wish;
    op.set_seq(have + 1);
    op.set_hlc(1);
    expect_reject({SealWireOp(crypto::Secret::Random(32), a.pk, op)});
  }
  // A flipped byte.
  {
    Bytes w = Craft(a.pk, wish, have + 1);
    w[w.size() / 2] ^= 1;
    expect_reject({w});
  }
  // Shape: importance outside 1-5, unknown size, text too long, no body.
  {
    proto::Op op = wish;
    op.mutable_create()->set_importance(9);
    expect_reject({Craft(a.pk, op, have + 1)});
    op = wish;
    op.mutable_create()->set_type(proto::GIVE);
    op.mutable_create()->set_importance(0);
    op.mutable_create()->set_size(static_cast<proto::GiveSize>(7));
    expect_reject({Craft(a.pk, op, have + 1)});
    op = wish;
    op.mutable_create()->set_text(std::string(4097, 'x'));
    expect_reject({Craft(a.pk, op, have + 1)});
    expect_reject({Craft(a.pk, proto::Op(), have + 1)});
  }
  // Semantics: responding to an item of mine that never left, or to the
  // partner's own item (unknown to it as "other"), editing unknown items.
  {
    auto mine = b->edits().AddGive("draft give", GiveSize::kSmall, {}, {});
    ASSERT_TRUE(mine);
    proto::Op op;
    op.mutable_respond()->set_n(mine->n);
    op.mutable_respond()->set_kind(proto::CHOSEN);
    expect_reject({Craft(a.pk, op, have + 1)});
    proto::Op edit;
    edit.mutable_edit()->set_n(77);
    edit.mutable_edit()->set_text("x");
    expect_reject({Craft(a.pk, edit, have + 1)});
    // A valid create followed in the same batch by a duplicate create.
    expect_reject({Craft(a.pk, wish, have + 1), Craft(a.pk, wish, have + 2)});
    // A wish shared by b, responded to by a as if it were a give.
    auto bw = b->edits().AddWish("b wish", 2);
    ASSERT_TRUE(bw && b->edits().Share(*bw));
    Send(b, a);
    op.mutable_respond()->set_n(bw->n);
    expect_reject({Craft(a.pk, op, have + 1)});
  }
  // A valid op after all those refusals is accepted: nothing is stuck.
  wish.mutable_create()->set_n(51);
  auto ok = ApplyFromPartner(b->sync(),
                             std::vector<Bytes>{Craft(a.pk, wish, have + 1)});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->applied, 1u);
  EXPECT_TRUE(ok->refused.empty());
}

TEST_F(SharedStoreTest, AClockFarAheadIsRefusedAndNotAdopted) {
  AllReady();
  const auto have = *b->sync().ReceivedUpTo();
  proto::Op wish;
  wish.mutable_create()->set_n(60);
  wish.mutable_create()->set_type(proto::WISH);
  wish.mutable_create()->set_text("from the future");
  wish.mutable_create()->set_importance(3);
  auto r = ApplyFromPartner(
      b->sync(),
      std::vector<Bytes>{Craft(a.pk, wish, have + 1, UINT64_MAX),
                         Craft(a.pk, wish, have + 2, UINT64_MAX - 5)});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->refused.size(), 2u);
  EXPECT_EQ(r->refused[0].why, Refusal::kClockAhead);
  // My own next op is stamped with my clock, not the partner's.
  auto mine = b->edits().AddWish("mine", 2);
  ASSERT_TRUE(mine);
  auto item = b->reader().Item(*mine);
  ASSERT_TRUE(item && *item);
  EXPECT_LT((*item)->created_hlc, std::uint64_t{1} << 62);
  // Within the bound (an hour ahead) is fine.
  const auto now_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  auto ok = ApplyFromPartner(
      b->sync(), std::vector<Bytes>{
                     Craft(a.pk, wish, have + 3, (now_ms + 3'600'000) << 16)});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->applied, 1u);
}

// The quotas, each at small figures (the product's are in shared_store.hpp
// and PROTOCOL.md): beyond one, ops are refused alone and the rest apply.
class QuotaTest : public SharedStoreTest {
 protected:
  // b again, with small quotas.
  void ReopenB(PartnerQuotas quotas) {
    b.store.reset();
    auto s = SharedStore::Open(b.path, crypto::Secret::CopyOf(b.key.view()),
                               b.pk, false, quotas);
    ASSERT_TRUE(s) << s.error().message;
    b.store = std::move(*s);
  }
  Bytes Note(std::uint64_t seq, std::uint64_t n, std::size_t chars = 1) {
    proto::Op note;
    note.mutable_note()->set_n(n);
    note.mutable_note()->set_text(std::string(chars, 'n'));
    return Craft(a.pk, note, seq);
  }
  Bytes Withdraw(std::uint64_t seq, std::uint64_t n) {
    proto::Op op;
    op.mutable_withdraw()->set_n(n);
    return Craft(a.pk, op, seq);
  }
};

TEST_F(QuotaTest, TheItemQuotaRefusesNewItemsOnly) {
  AllReady();
  ReopenB({.items = 3});
  const auto have = *b->sync().ReceivedUpTo();
  auto r = ApplyFromPartner(
      b->sync(), std::vector<Bytes>{Note(have + 1, 1), Note(have + 2, 2),
                                    Note(have + 3, 3), Note(have + 4, 4),
                                    Withdraw(have + 5, 1)});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->applied, 4u);  // three notes and the withdrawal
  ASSERT_EQ(r->refused.size(), 1u);
  EXPECT_EQ(r->refused[0].seq, have + 4);
  EXPECT_EQ(r->refused[0].why, Refusal::kQuota);
  EXPECT_EQ(*b->sync().ReceivedUpTo(), have + 5);
  // A new pairing starts the count again.
  ASSERT_TRUE(b->pairing().ErasePartner());
  ASSERT_TRUE(a->pairing().ErasePartner());
  secret = Pair(a, b);
  auto again = ApplyFromPartner(b->sync(), std::vector<Bytes>{Note(1, 1)});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->applied, 1u);
}

TEST_F(QuotaTest, TheOpQuotaRefusesEveryOpBeyondIt) {
  AllReady();
  const auto have = *b->sync().ReceivedUpTo();
  ReopenB({.ops = have + 2});  // the consent ops so far count too
  auto r = ApplyFromPartner(
      b->sync(), std::vector<Bytes>{Note(have + 1, 1), Note(have + 2, 2),
                                    Withdraw(have + 3, 1)});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->applied, 2u);
  ASSERT_EQ(r->refused.size(), 1u);
  EXPECT_EQ(r->refused[0].seq, have + 3);
  EXPECT_EQ(*b->sync().ReceivedUpTo(), have + 3);  // still nothing stuck
}

TEST_F(QuotaTest, TheByteQuotaRefusesWhatWouldNotFit) {
  AllReady();
  ReopenB({.bytes = 4096});
  const auto have = *b->sync().ReceivedUpTo();
  // Consent ops used some bytes already; a 4 KiB note cannot fit, a
  // short one still does.
  auto r = ApplyFromPartner(
      b->sync(),
      std::vector<Bytes>{Note(have + 1, 1, 4000), Note(have + 2, 2, 10)});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->applied, 1u);
  ASSERT_EQ(r->refused.size(), 1u);
  EXPECT_EQ(r->refused[0].seq, have + 1);
  EXPECT_EQ(r->refused[0].why, Refusal::kQuota);
}

}  // namespace
}  // namespace inch::store
