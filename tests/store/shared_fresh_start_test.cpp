// Consent belongs to one pairing (issue 8, point 1) and the receiver
// enforces its own consent (point 4): a new partner inherits nothing, and a
// partner's lists and notes stay held until I have said ready.
#include <gtest/gtest.h>

#include "shared_test_util.hpp"
#include "store/shared/op_codec.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::MakeNode;
using testing::Node;
using testing::Pair;
using testing::PartnerTexts;
using testing::Send;

class FreshStartTest : public testing::PairedNodes {
 protected:
  void Ready(Node& n) {
    ASSERT_TRUE(n->edits().SetConsent(ConsentKind::kLists, true));
    ASSERT_TRUE(n->edits().SetConsent(ConsentKind::kNotes, true));
  }
  // a and b share everything there is to share, with each other.
  void ShareALife() {
    Ready(a);
    Ready(b);
    auto bw = b->edits().AddWish("b wish", 3);
    ASSERT_TRUE(bw && b->edits().Share(*bw));
    auto bg = b->edits().AddGive("b give", GiveSize::kSmall, {}, {});
    ASSERT_TRUE(bg && b->edits().Share(*bg));
    FullExchange(a, b);
    const ItemId their_wish{kPartner, bw->n}, their_give{kPartner, bg->n};
    auto wish = a->edits().AddWish("a wish", 5);
    ASSERT_TRUE(wish && a->edits().Share(*wish));
    auto give =
        a->edits().AddGive("a give for b", GiveSize::kMedium, their_wish, {});
    ASSERT_TRUE(give && a->edits().Share(*give));
    auto rung =
        a->edits().AddGive("a rung below b", GiveSize::kSmall, {}, their_give);
    ASSERT_TRUE(rung && a->edits().Share(*rung));
    auto own_rung =
        a->edits().AddGive("a rung below mine", GiveSize::kSmall, {}, *give);
    ASSERT_TRUE(own_rung && a->edits().Share(*own_rung));
    ASSERT_TRUE(a->edits().Respond(their_give, Progress::kChosen));
    ASSERT_TRUE(a->edits().AddNote("note for b"));
    ASSERT_TRUE(a->edits().AnswerPrivately(their_wish, PrivateAnswer::kNotYet));
    FullExchange(a, b);
    ASSERT_EQ(PartnerTexts(b).size(), 5u);
    my_give = *give;
    my_own_rung = *own_rung;
  }
  ItemId my_give, my_own_rung;
};

TEST_F(FreshStartTest, ANewPartnerInheritsNothing) {
  ShareALife();
  ASSERT_TRUE(a->pairing().ErasePartner());
  ASSERT_TRUE(b->pairing().ErasePartner());
  Node c = MakeNode(dir.path(), "c");
  Pair(a, c);
  // Every consent of mine is off; my wishes and gives are drafts again;
  // my note and response are gone.
  auto counts = a->reader().Counts();
  ASSERT_TRUE(counts);
  EXPECT_FALSE(counts->consent[kMe][0]);
  EXPECT_FALSE(counts->consent[kMe][1]);
  EXPECT_EQ(counts->my_items, 4u);
  EXPECT_EQ(counts->my_drafts, 4u);
  EXPECT_EQ(counts->my_notes, 0u);
  EXPECT_EQ(counts->partner_items, 0u);
  auto responses = a->reader().PreviewResponses();
  ASSERT_TRUE(responses);
  EXPECT_TRUE(responses->empty());
  // References to the old partner's items are cleared; mine stay.
  auto state = a->reader().CurrentState();
  ASSERT_TRUE(state);
  for (const auto& [id, item] : state->items) {
    EXPECT_FALSE(item.shared) << item.text;
    EXPECT_FALSE(item.for_item) << item.text;
    if (item.smaller_than) {
      EXPECT_EQ(item.smaller_than->author, kMe);
    }
  }
  ASSERT_TRUE(state->items.contains(my_own_rung));
  EXPECT_EQ(state->items.at(my_own_rung).smaller_than, my_give);
  // The new partner, ready for everything, receives nothing of it.
  Ready(c);
  FullExchange(a, c);
  EXPECT_TRUE(PartnerTexts(c).empty());
  // Only what I share again, once we are both ready, reaches it; and sync
  // never gets stuck on a reference to the old partner's items.
  ASSERT_TRUE(a->edits().Share(my_give));
  ASSERT_TRUE(a->edits().Share(my_own_rung));
  FullExchange(a, c);
  EXPECT_TRUE(PartnerTexts(c).empty());  // I have not said ready to c
  Ready(a);
  FullExchange(a, c);
  EXPECT_EQ(PartnerTexts(c),
            (std::set<std::string>{"a give for b", "a rung below mine"}));
}

TEST_F(FreshStartTest, SharingWhileUnpairedDoesNotReachTheNextPartner) {
  ASSERT_TRUE(a->pairing().ErasePartner());
  auto wish = a->edits().AddWish("shared while alone", 2);
  ASSERT_TRUE(wish && a->edits().Share(*wish));
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
  Node c = MakeNode(dir.path(), "c");
  Pair(a, c);
  Ready(c);
  FullExchange(a, c);
  EXPECT_TRUE(PartnerTexts(c).empty());
  auto counts = a->reader().Counts();
  ASSERT_TRUE(counts);
  EXPECT_FALSE(counts->consent[kMe][0]);
  EXPECT_EQ(counts->my_drafts, 1u);
}

TEST_F(FreshStartTest, WithdrawnItemsStayGoneAcrossPairings) {
  Ready(a);
  Ready(b);
  auto wish = a->edits().AddWish("withdrawn one", 2);
  ASSERT_TRUE(wish && a->edits().Share(*wish));
  FullExchange(a, b);
  ASSERT_TRUE(a->edits().Withdraw(*wish));
  FullExchange(a, b);
  ASSERT_TRUE(a->pairing().ErasePartner());
  ASSERT_TRUE(b->pairing().ErasePartner());
  Pair(a, b);
  auto counts = a->reader().Counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->my_items, 0u);
  EXPECT_EQ(a->edits().Share(*wish).error().code, Errc::kNotFound);
}

TEST_F(FreshStartTest, PartnerListsAndNotesAreHeldUntilIAmReady) {
  // b is ready for everything, and a knows it; a has said nothing yet.
  Ready(b);
  FullExchange(a, b);
  // A hostile b pushes a wish and a note anyway, sealed under the pair key.
  auto craft = [&](std::uint64_t seq, proto::Op op) {
    op.set_seq(seq);
    op.set_hlc(1);
    return SealWireOp(PairOpKey(secret), b.pk, op);
  };
  const std::uint64_t have = *a->sync().ReceivedUpTo();
  proto::Op wish, note;
  wish.mutable_create()->set_n(50);
  wish.mutable_create()->set_type(proto::WISH);
  wish.mutable_create()->set_text("pushed early");
  wish.mutable_create()->set_importance(3);
  note.mutable_note()->set_n(51);
  note.mutable_note()->set_text("note pushed early");
  ASSERT_TRUE(ApplyFromPartner(
      a->sync(),
      std::vector<Bytes>{craft(have + 1, wish), craft(have + 2, note)}));
  // Held: stored, not shown, not usable as a reference.
  EXPECT_TRUE(PartnerTexts(a).empty());
  EXPECT_FALSE(a->reader().Item(ItemId{kPartner, 50}).value());
  EXPECT_EQ(a->edits()
                .AddGive("for it", GiveSize::kSmall, ItemId{kPartner, 50}, {})
                .error()
                .code,
            Errc::kNotFound);
  EXPECT_EQ(a->edits()
                .AnswerPrivately(ItemId{kPartner, 50}, PrivateAnswer::kNo)
                .error()
                .code,
            Errc::kNotFound);
  // Ready for lists: the wish shows, the note is still held.
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
  EXPECT_EQ(PartnerTexts(a), std::set<std::string>{"pushed early"});
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kNotes, true));
  EXPECT_EQ(PartnerTexts(a),
            (std::set<std::string>{"pushed early", "note pushed early"}));
  // Pausing lists holds the partner's list again.
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, false));
  EXPECT_EQ(PartnerTexts(a), std::set<std::string>{"note pushed early"});
}

TEST_F(FreshStartTest, PartnerMarksOnMyGivesShowOnlyWhileListsAreOn) {
  Ready(a);
  Ready(b);
  auto give = a->edits().AddGive("my give", GiveSize::kSmall, {}, {});
  ASSERT_TRUE(give && a->edits().Share(*give));
  FullExchange(a, b);
  ASSERT_TRUE(b->edits().Respond(ItemId{kPartner, give->n}, Progress::kDone));
  FullExchange(a, b);
  auto item = a->reader().Item(*give);
  ASSERT_TRUE(item && *item);
  EXPECT_EQ((*item)->progress, Progress::kDone);
  ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, false));
  item = a->reader().Item(*give);
  ASSERT_TRUE(item && *item);
  EXPECT_EQ((*item)->progress, Progress::kOffered);
}

}  // namespace
}  // namespace inch::store
