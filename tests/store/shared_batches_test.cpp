// Sync-core paths added for speed: several batches applied in one
// transaction (each whole, all or nothing), and the Outbox's memory of
// which pending ops it already classified, which must never let an op out
// that the consent gate would hold, nor hold one it would let out.
#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "tests/store/shared_test_util.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::MakeNode;
using testing::Node;
using testing::Pair;
using testing::TempDir;

// Ops `from` has for `to`, cut into batches of `per_batch`.
std::vector<std::vector<Bytes>> Batches(Node& from, Node& to,
                                        std::size_t per_batch) {
  auto have = to->ReceivedUpTo();
  EXPECT_TRUE(have.has_value());
  auto out = from->Outbox(*have, 100000, std::size_t{1} << 30);
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

class SharedBatchesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    a_ = MakeNode(dir_.path(), "a");
    b_ = MakeNode(dir_.path(), "b");
    Pair(a_, b_);
    ASSERT_TRUE(a_->SetConsent(ConsentKind::kNotes, true));
    ASSERT_TRUE(b_->SetConsent(ConsentKind::kNotes, true));
    FullExchange(a_, b_);
  }

  TempDir dir_;
  Node a_, b_;
};

TEST_F(SharedBatchesTest, SeveralBatchesApplyInOrderWithOneResultEach) {
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(a_->AddNote("note " + std::to_string(i)));
  auto before = b_->ReceivedUpTo();
  ASSERT_TRUE(before.has_value());
  auto batches = Batches(a_, b_, 4);
  ASSERT_EQ(batches.size(), 3u);
  auto spans = Spans(batches);
  auto applied = b_->ApplyBatchesFromPartner(spans);
  ASSERT_TRUE(applied.has_value()) << applied.error().message;
  ASSERT_EQ(applied->size(), 3u);
  EXPECT_EQ((*applied)[0].applied, 4u);
  EXPECT_EQ((*applied)[0].received_up_to, *before + 4);
  EXPECT_EQ((*applied)[1].received_up_to, *before + 8);
  EXPECT_EQ((*applied)[2].applied, 2u);
  EXPECT_EQ((*applied)[2].received_up_to, *before + 10);
  auto counts = b_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->partner_notes, 10u);
  // Sent again (a resumed session): all duplicates, nothing changes.
  auto again = b_->ApplyBatchesFromPartner(spans);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ((*again)[0].duplicates, 4u);
  EXPECT_EQ((*again)[2].applied, 0u);
  EXPECT_EQ(*b_->ReceivedUpTo(), *before + 10);
}

TEST_F(SharedBatchesTest, ABadOpInALaterBatchAppliesNothingOfAny) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(a_->AddNote("note " + std::to_string(i)));
  auto before = b_->ReceivedUpTo();
  ASSERT_TRUE(before.has_value());
  auto batches = Batches(a_, b_, 3);
  ASSERT_EQ(batches.size(), 2u);
  batches[1][1].back() ^= 0x01;  // breaks the seal of one op
  auto spans = Spans(batches);
  auto applied = b_->ApplyBatchesFromPartner(spans);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code, Errc::kProtocol);
  EXPECT_EQ(*b_->ReceivedUpTo(), *before);
  auto counts = b_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->partner_notes, 0u);
}

TEST_F(SharedBatchesTest, AGapBetweenBatchesIsRejected) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(a_->AddNote("note " + std::to_string(i)));
  auto batches = Batches(a_, b_, 2);
  ASSERT_EQ(batches.size(), 3u);
  batches.erase(batches.begin() + 1);
  auto spans = Spans(batches);
  auto applied = b_->ApplyBatchesFromPartner(spans);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error().code, Errc::kProtocol);
}

// The Outbox remembers the class of ops it saw pending; a pending op must
// still leave exactly when the gate says so, however often it was seen.
TEST_F(SharedBatchesTest, PendingOpsSeenBeforeLeaveOnlyWhenTheGateOpens) {
  auto wish = a_->AddWish("a draft wish", 3);
  ASSERT_TRUE(wish.has_value());
  ASSERT_TRUE(a_->Withdraw(*a_->AddWish("gone before it left", 2)));
  for (int round = 0; round < 3; ++round) {
    auto have = b_->ReceivedUpTo();
    auto out = a_->Outbox(*have, 100, 1 << 20);
    ASSERT_TRUE(out.has_value());
    EXPECT_TRUE(out->sealed_ops.empty()) << "a draft left in round " << round;
  }
  ASSERT_TRUE(a_->Share(*wish));
  auto have = b_->ReceivedUpTo();
  auto held = a_->Outbox(*have, 100, 1 << 20);
  ASSERT_TRUE(held.has_value());
  EXPECT_TRUE(held->sealed_ops.empty()) << "lists consent is still off";
  ASSERT_TRUE(a_->SetConsent(ConsentKind::kLists, true));
  ASSERT_TRUE(b_->SetConsent(ConsentKind::kLists, true));
  FullExchange(a_, b_);
  auto state = b_->CurrentState();
  ASSERT_TRUE(state.has_value());
  ASSERT_EQ(state->items.count(ItemId{kPartner, wish->n}), 1u);
  EXPECT_EQ(state->items.at(ItemId{kPartner, wish->n}).text, "a draft wish");
  auto counts = a_->Counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->unreleased_ops, 0u);
  EXPECT_EQ(b_->Counts()->partner_items, 1u);
}

}  // namespace
}  // namespace inch::store
