// Unit tests of the shared store's local edits (LocalEdits): validation
// (issue 3 "Bad input"), the consent gate through the Outbox, private
// answers, responses and withdrawal; and the gate's rules themselves.
#include <gtest/gtest.h>

#include "shared_store_fixture.hpp"
#include "store/shared/consent_gate.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::Node;
using testing::Send;
using testing::SharedStoreTest;

TEST_F(SharedStoreTest, RejectsBadLocalInput) {
  EXPECT_EQ(a->edits().AddWish("", 3).error().code, Errc::kInvalidInput);
  EXPECT_EQ(a->edits().AddWish("x", 0).error().code, Errc::kInvalidInput);
  EXPECT_EQ(a->edits().AddWish("x", 6).error().code, Errc::kInvalidInput);
  EXPECT_EQ(a->edits().AddWish(std::string(4097, 'x'), 3).error().code,
            Errc::kInvalidInput);
  EXPECT_TRUE(a->edits().AddWish(std::string(4096, 'x'), 3).has_value());
  EXPECT_EQ(a->edits().AddWish("bad \xC0\xAF utf8", 3).error().code,
            Errc::kInvalidInput);
  EXPECT_EQ(a->edits().AddWish("surrogate \xED\xA0\x80", 3).error().code,
            Errc::kInvalidInput);
  EXPECT_EQ(
      a->edits().AddGive("x", static_cast<GiveSize>(4), {}, {}).error().code,
      Errc::kInvalidInput);
  EXPECT_EQ(
      a->edits().AddGive("x", static_cast<GiveSize>(0), {}, {}).error().code,
      Errc::kInvalidInput);
  EXPECT_EQ(a->edits().AddNote("").error().code, Errc::kInvalidInput);
  EXPECT_TRUE(a->edits().AddWish("ok \xE2\x9C\x93", 5).has_value());
}

TEST_F(SharedStoreTest, RejectsUnknownIdsAndWrongOwner) {
  auto wish = a->edits().AddWish("a question about my day", 4);
  ASSERT_TRUE(wish);
  EXPECT_EQ(a->edits().Share(ItemId{kMe, 99}).error().code, Errc::kNotFound);
  EXPECT_EQ(a->edits().Withdraw(ItemId{kMe, 99}).error().code, Errc::kNotFound);
  EXPECT_EQ(
      a->edits().Respond(ItemId{kPartner, 1}, Progress::kChosen).error().code,
      Errc::kNotFound);
  // Responding to my own item.
  auto give = a->edits().AddGive("a walk", GiveSize::kSmall, {}, {});
  ASSERT_TRUE(give);
  EXPECT_EQ(a->edits().Respond(*give, Progress::kChosen).error().code,
            Errc::kInvalidInput);
  EXPECT_EQ(a->edits()
                .AddGive("x", GiveSize::kSmall, ItemId{kPartner, 5}, {})
                .error()
                .code,
            Errc::kNotFound);
  EXPECT_EQ(a->edits().AddGive("x", GiveSize::kSmall, *wish, {}).error().code,
            Errc::kInvalidInput);
  EXPECT_EQ(a->reader().ParseId("zzzz-1").error().code, Errc::kNotFound);
  EXPECT_EQ(a->reader().ParseId("nonsense").error().code, Errc::kInvalidInput);
  auto parsed = a->reader().ParseId(a->reader().FormatId(*wish));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, *wish);
  std::string upper = a->reader().FormatId(*wish);
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(*a->reader().ParseId(upper), *wish);
}

TEST_F(SharedStoreTest, DraftsNeverLeaveAndRevealIsTogether) {
  auto draft = a->edits().AddWish("draft", 3);
  auto shared = a->edits().AddWish("shared", 3);
  ASSERT_TRUE(draft && shared);
  ASSERT_TRUE(a->edits().Share(*shared));
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
  FullExchange(a, b);
  // b has not said ready: nothing of a's list may be there yet.
  EXPECT_EQ(PartnerItems(b), 0u);
  auto preview = a->reader().Preview();
  ASSERT_TRUE(preview);
  ASSERT_EQ(preview->size(), 2u);
  EXPECT_EQ((*preview)[0].state, PreviewState::kDraft);
  EXPECT_EQ((*preview)[1].state, PreviewState::kWaitingForPartner);
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
  FullExchange(a, b);
  auto bs = b->reader().CurrentState();
  ASSERT_TRUE(bs);
  ASSERT_EQ(PartnerItems(b), 1u);
  EXPECT_EQ(bs->items.begin()->second.text, "shared");
  EXPECT_EQ((*a->reader().Preview())[1].state, PreviewState::kSent);
}

TEST_F(SharedStoreTest, MyConsentOffHoldsMyListBack) {
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
  auto w = a->edits().AddWish("w", 2);
  ASSERT_TRUE(w && a->edits().Share(*w));
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(b), 0u);
  EXPECT_EQ((*a->reader().Preview())[0].state, PreviewState::kWaitingForMe);
}

TEST_F(SharedStoreTest, NotesNeedBothNotesConsents) {
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
  ASSERT_TRUE(a->edits().AddNote("thank you for the tea"));
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kNotes, true));
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(b), 0u);
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kNotes, true));
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(b), 1u);
}

TEST_F(SharedStoreTest, PrivateAnswerNeverBecomesAnOp) {
  AllReady();
  auto w = b->edits().AddWish("dance with me", 5);
  ASSERT_TRUE(w && b->edits().Share(*w));
  FullExchange(a, b);
  auto before = a->sync().LocalChangeCounter();
  ASSERT_TRUE(a->edits().AnswerPrivately(ItemId{kPartner, w->n},
                                         PrivateAnswer::kNotYet));
  EXPECT_EQ(*a->sync().LocalChangeCounter(), *before);
  EXPECT_EQ(**a->reader().PrivateAnswerFor(ItemId{kPartner, w->n}),
            PrivateAnswer::kNotYet);
  auto out = a->sync().Outbox(*b->sync().ReceivedUpTo(), 100, 1 << 20);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->sealed_ops.empty());
  EXPECT_EQ(a->edits()
                .AnswerPrivately(ItemId{kMe, 1}, PrivateAnswer::kNo)
                .error()
                .code,
            Errc::kInvalidInput);
}

TEST_F(SharedStoreTest, APrivateAnswerCanBeTakenBackAndStaysLocal) {
  AllReady();
  auto w = b->edits().AddWish("dance with me", 5);
  ASSERT_TRUE(w && b->edits().Share(*w));
  FullExchange(a, b);
  const ItemId theirs{kPartner, w->n};
  auto before = a->sync().LocalChangeCounter();
  ASSERT_TRUE(a->edits().AnswerPrivately(theirs, PrivateAnswer::kNo));
  ASSERT_TRUE(a->edits().AnswerPrivately(theirs, std::nullopt));
  EXPECT_FALSE(a->reader().PrivateAnswerFor(theirs)->has_value());
  // Taking back is idempotent, and like the answer it is never an op.
  ASSERT_TRUE(a->edits().AnswerPrivately(theirs, std::nullopt));
  EXPECT_EQ(*a->sync().LocalChangeCounter(), *before);
  // And it can be answered again.
  ASSERT_TRUE(a->edits().AnswerPrivately(theirs, PrivateAnswer::kNotYet));
  EXPECT_EQ(**a->reader().PrivateAnswerFor(theirs), PrivateAnswer::kNotYet);
  EXPECT_EQ(
      a->edits().AnswerPrivately(ItemId{kMe, 1}, std::nullopt).error().code,
      Errc::kInvalidInput);
}

TEST_F(SharedStoreTest, ResponsesMoveForwardAndWithdrawnCannotBeChosen) {
  AllReady();
  auto g = b->edits().AddGive("coffee in bed", GiveSize::kSmall, {}, {});
  ASSERT_TRUE(g && b->edits().Share(*g));
  FullExchange(a, b);
  const ItemId theirs{kPartner, g->n};
  ASSERT_TRUE(a->edits().Respond(theirs, Progress::kDone));
  EXPECT_EQ(a->edits().Respond(theirs, Progress::kChosen).error().code,
            Errc::kInvalidInput);
  ASSERT_TRUE(a->edits().MarkThanked(theirs));
  FullExchange(a, b);
  auto bs = b->reader().CurrentState();
  ASSERT_TRUE(bs);
  EXPECT_EQ(bs->items.at(*g).progress, Progress::kDone);
  EXPECT_TRUE(bs->items.at(*g).thanked);
  ASSERT_TRUE(b->edits().Withdraw(*g));
  FullExchange(a, b);
  EXPECT_EQ(a->edits().MarkThanked(theirs).error().code, Errc::kNotFound);
  EXPECT_EQ(PartnerItems(a), 0u);
}

TEST_F(SharedStoreTest, WithdrawErasesOnBothAndDraftWithdrawIsLocal) {
  AllReady();
  auto w = a->edits().AddWish("wish", 3);
  ASSERT_TRUE(w && a->edits().Share(*w));
  FullExchange(a, b);
  ASSERT_EQ(PartnerItems(b), 1u);
  {
    auto wd = a->edits().Withdraw(*w);
    ASSERT_TRUE(wd) << wd.error().message;
  }
  EXPECT_EQ(a->edits().Withdraw(*w).error().code, Errc::kNotFound);
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(b), 0u);
  // A draft that never left: withdrawing it releases nothing at all.
  auto d = a->edits().AddWish("draft", 3);
  ASSERT_TRUE(d && a->edits().Withdraw(*d));
  const auto before = *b->sync().ReceivedUpTo();
  FullExchange(a, b);
  EXPECT_EQ(*b->sync().ReceivedUpTo(), before);
}

TEST(ConsentGateTest, EveryRule) {
  const GateInputs none{};
  const GateInputs lists{true, true, false, false};
  const GateInputs mine_only{true, false, true, false};
  const GateInputs notes{false, false, true, true};
  EXPECT_FALSE(MayRelease({OpClass::kListItem, false, false}, lists));  // draft
  EXPECT_TRUE(MayRelease({OpClass::kListItem, true, false}, lists));
  EXPECT_FALSE(MayRelease({OpClass::kListItem, true, false},
                          mine_only));  // reveal together
  EXPECT_FALSE(MayRelease({OpClass::kListItem, true, false}, notes));
  EXPECT_TRUE(MayRelease({OpClass::kResponse, false, false}, lists));
  EXPECT_FALSE(MayRelease({OpClass::kResponse, false, false}, mine_only));
  EXPECT_TRUE(MayRelease({OpClass::kNote, false, false}, notes));
  EXPECT_FALSE(MayRelease({OpClass::kNote, false, false}, mine_only));
  EXPECT_FALSE(MayRelease({OpClass::kNote, false, false}, lists));
  EXPECT_TRUE(MayRelease({OpClass::kWithdrawal, false, true}, none));
  EXPECT_FALSE(MayRelease({OpClass::kWithdrawal, true, false}, lists));
  EXPECT_TRUE(MayRelease({OpClass::kConsent, false, false}, none));
  EXPECT_TRUE(MayRelease({OpClass::kUnpair, false, false}, none));
}

}  // namespace
}  // namespace inch::store
