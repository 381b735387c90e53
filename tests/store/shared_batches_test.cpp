// Sync-core paths added for speed: several batches applied in one
// transaction (each whole, all or nothing), large groups opened on two
// threads, and the Outbox's stored op classes and its memory of a release
// pass that found nothing, which must never let an op out that the consent
// gate would hold, nor hold one it would let out.
#include <gtest/gtest.h>

#include <set>
#include <span>
#include <string>
#include <vector>

#include "tests/store/shared_test_util.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::Node;

// Ops `from` has for `to`, cut into batches of `per_batch`.
std::vector<std::vector<Bytes>> Batches(Node& from, Node& to,
                                        std::size_t per_batch) {
  auto have = to->sync().ReceivedUpTo();
  EXPECT_TRUE(have.has_value());
  auto out = from->sync().Outbox(*have, 100000, std::size_t{1} << 30);
  EXPECT_TRUE(out.has_value());
  std::vector<std::vector<Bytes>> batches;
  for (std::size_t i = 0; i < out->sealed_ops.size(); i += per_batch) {
    const std::size_t end = std::min(i + per_batch, out->sealed_ops.size());
    batches.emplace_back(out->sealed_ops.begin() + static_cast<long>(i),
                         out->sealed_ops.begin() + static_cast<long>(end));
  }
  return batches;
}

std::vector<std::span<const Bytes>> Spans(
    const std::vector<std::vector<Bytes>>& batches) {
  return {batches.begin(), batches.end()};
}

class SharedBatchesTest : public testing::PairedNodes {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(PairedNodes::SetUp());
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kNotes, true));
    ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kNotes, true));
    FullExchange(a, b);
  }
};

TEST_F(SharedBatchesTest, SeveralBatchesApplyInOrderWithOneResultEach) {
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(a->edits().AddNote("note " + std::to_string(i)));
  auto before = b->sync().ReceivedUpTo();
  ASSERT_TRUE(before.has_value());
  auto batches = Batches(a, b, 4);
  ASSERT_EQ(batches.size(), 3u);
  auto spans = Spans(batches);
  auto applied = ApplyBatchesFromPartner(b->sync(), spans);
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  ASSERT_EQ(applied->size(), 3u);
  EXPECT_EQ((*applied)[0].applied, 4u);
  EXPECT_EQ((*applied)[0].received_up_to, *before + 4);
  EXPECT_EQ((*applied)[1].received_up_to, *before + 8);
  EXPECT_EQ((*applied)[2].applied, 2u);
  EXPECT_EQ((*applied)[2].received_up_to, *before + 10);
  auto counts = b->reader().Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->partner_notes, 10u);
  // Sent again (a resumed session): all duplicates, nothing changes.
  auto again = ApplyBatchesFromPartner(b->sync(), spans);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ((*again)[0].duplicates, 4u);
  EXPECT_EQ((*again)[2].applied, 0u);
  EXPECT_EQ(*b->sync().ReceivedUpTo(), *before + 10);
}

TEST_F(SharedBatchesTest, ABadOpInALaterBatchIsRefusedAloneAndTheRestApply) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(a->edits().AddNote("note " + std::to_string(i)));
  auto before = b->sync().ReceivedUpTo();
  ASSERT_TRUE(before.has_value());
  auto batches = Batches(a, b, 3);
  ASSERT_EQ(batches.size(), 2u);
  batches[1][1].back() ^= 0x01;  // breaks the seal of one op
  auto spans = Spans(batches);
  auto applied = ApplyBatchesFromPartner(b->sync(), spans);
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_TRUE((*applied)[0].refused.empty());
  ASSERT_EQ((*applied)[1].refused.size(), 1u);
  EXPECT_EQ((*applied)[1].refused[0].seq, *before + 5);
  EXPECT_EQ(*b->sync().ReceivedUpTo(), *before + 6);
  auto counts = b->reader().Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->partner_notes, 5u);
}

TEST_F(SharedBatchesTest, AGapBetweenBatchesIsRejected) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(a->edits().AddNote("note " + std::to_string(i)));
  auto batches = Batches(a, b, 2);
  ASSERT_EQ(batches.size(), 3u);
  batches.erase(batches.begin() + 1);
  auto spans = Spans(batches);
  auto applied = ApplyBatchesFromPartner(b->sync(), spans);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code, Errc::kProtocol);
}

// A group of hundreds of ops is opened on two threads (OpenAll); it must
// apply whole and in order; a bad op in either half is refused alone.
TEST_F(SharedBatchesTest, ALargeGroupAppliesWholeAcrossThreads) {
  for (int i = 0; i < 600; ++i)
    ASSERT_TRUE(a->edits().AddNote("bulk note " + std::to_string(i)));
  auto batches = Batches(a, b, 200);
  ASSERT_EQ(batches.size(), 3u);
  auto applied = ApplyBatchesFromPartner(b->sync(), Spans(batches));
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  ASSERT_EQ(applied->size(), 3u);
  for (const auto& one : *applied) EXPECT_EQ(one.applied, 200u);
  auto state = b->reader().CurrentState();
  ASSERT_TRUE(state.has_value());
  std::set<std::string> texts;
  for (const auto& [id, item] : state->items)
    if (id.author == kPartner) texts.insert(item.text);
  ASSERT_EQ(texts.size(), 600u);
  EXPECT_TRUE(texts.contains("bulk note 0"));
  EXPECT_TRUE(texts.contains("bulk note 599"));
}

TEST_F(SharedBatchesTest, ABadOpInEitherHalfOfALargeGroupIsRefusedAlone) {
  for (int i = 0; i < 600; ++i)
    ASSERT_TRUE(a->edits().AddNote("bulk note " + std::to_string(i)));
  const auto good = Batches(a, b, 600);
  ASSERT_EQ(good.size(), 1u);
  // A broken seal at op 10 (first half) and an op sealed as if b had
  // written it at op 450 (second half, opened by the helper thread).
  auto bad = good;
  bad[0][10].back() ^= 0x01;
  auto seq = PeekWireSeq(bad[0][450]);
  ASSERT_TRUE(seq.has_value());
  proto::Op op;
  op.set_seq(*seq);
  op.set_hlc(1);
  op.mutable_note()->set_n(9999);
  op.mutable_note()->set_text("forged");
  bad[0][450] = SealWireOp(PairOpKey(secret), b.pk, op);
  auto r = ApplyBatchesFromPartner(b->sync(), Spans(bad));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ((*r)[0].refused.size(), 2u);
  EXPECT_EQ((*r)[0].applied, 598u);
  auto state = b->reader().CurrentState();
  ASSERT_TRUE(state.has_value());
  std::set<std::string> texts;
  for (const auto& [id, item] : state->items)
    if (id.author == kPartner) texts.insert(item.text);
  EXPECT_EQ(texts.size(), 598u);
  EXPECT_FALSE(texts.contains("forged"));
  EXPECT_FALSE(texts.contains("bulk note 10"));
  EXPECT_TRUE(texts.contains("bulk note 11"));
}

// A daemon's store remembers that its last release pass left nothing
// eligible; an op appended through another handle on the same file (the
// CLI is another process) must still be seen at the next Outbox.
TEST_F(SharedBatchesTest, QuietReleaseSeesOpsAppendedElsewhere) {
  auto have = b->sync().ReceivedUpTo();
  ASSERT_TRUE(have.has_value());
  auto out = a->sync().Outbox(*have, 100, 1 << 20);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(out->sealed_ops.empty());
  {
    auto other = SharedStore::Open(a.path, crypto::Secret::CopyOf(a.key.view()),
                                   a.pk, false);
    ASSERT_TRUE(other.has_value());
    ASSERT_TRUE((*other)->edits().AddNote("written by another process"));
  }
  out = a->sync().Outbox(*have, 100, 1 << 20);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->sealed_ops.size(), 1u);
}

// The Outbox keeps the class of pending ops and skips passes while nothing
// changed; a pending op must still leave exactly when the gate says so,
// however often it was seen.
TEST_F(SharedBatchesTest, PendingOpsSeenBeforeLeaveOnlyWhenTheGateOpens) {
  auto wish = a->edits().AddWish("a draft wish", 3);
  ASSERT_TRUE(wish.has_value());
  ASSERT_TRUE(
      a->edits().Withdraw(*a->edits().AddWish("gone before it left", 2)));
  for (int round = 0; round < 3; ++round) {
    auto have = b->sync().ReceivedUpTo();
    auto out = a->sync().Outbox(*have, 100, 1 << 20);
    ASSERT_TRUE(out.has_value());
    EXPECT_TRUE(out->sealed_ops.empty()) << "a draft left in round " << round;
  }
  ASSERT_TRUE(a->edits().Share(*wish));
  auto have = b->sync().ReceivedUpTo();
  auto held = a->sync().Outbox(*have, 100, 1 << 20);
  ASSERT_TRUE(held.has_value());
  EXPECT_TRUE(held->sealed_ops.empty()) << "lists consent is still off";
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
  FullExchange(a, b);
  auto state = b->reader().CurrentState();
  ASSERT_TRUE(state.has_value());
  ASSERT_EQ(state->items.count(ItemId{kPartner, wish->n}), 1u);
  EXPECT_EQ(state->items.at(ItemId{kPartner, wish->n}).text, "a draft wish");
  auto counts = a->reader().Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->unreleased_ops, 0u);
  EXPECT_EQ(b->reader().Counts()->partner_items, 1u);
}

}  // namespace
}  // namespace inch::store
