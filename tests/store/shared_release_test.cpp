// Unit tests of the release sequence under batching (runs of eligible ops
// interrupted by drafts and consent changes stay contiguous and exact), the
// thank-you note that marks a give as thanked (atomic, checked first),
// Preview of my responses, and the counts behind `inch status`.
#include <gtest/gtest.h>

#include <set>

#include "shared_test_util.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::Node;
using testing::PartnerTexts;
using testing::Send;

class SharedReleaseTest : public testing::PairedNodes {
 protected:
  void Ready(Node& n, ConsentKind kind, bool on = true) {
    ASSERT_TRUE(n->edits().SetConsent(kind, on));
  }
  // Checks that everything A ever released comes out of the Outbox as one
  // contiguous sequence 1..N, and returns N.
  std::uint64_t CheckContiguous() {
    auto out = a->sync().Outbox(0, 100000, std::size_t{1} << 30);
    EXPECT_TRUE(out.has_value());
    if (!out) return 0;
    EXPECT_FALSE(out->more);
    if (out->sealed_ops.empty()) return 0;
    EXPECT_EQ(out->first_seq, 1u);
    EXPECT_EQ(out->sealed_ops.size(), out->last_seq);
    std::uint64_t expect = 1;
    for (const Bytes& wire : out->sealed_ops) {
      auto seq = PeekWireSeq(wire);
      EXPECT_TRUE(seq.has_value());
      if (seq) {
        EXPECT_EQ(*seq, expect);
      }
      ++expect;
    }
    return out->last_seq;
  }
};

TEST_F(SharedReleaseTest, RunsBrokenByDraftsAndConsentsStayContiguous) {
  Ready(b, ConsentKind::kLists);
  Ready(b, ConsentKind::kNotes);
  FullExchange(a, b);
  // Interleave shared items, drafts and a note, with lists still off.
  std::vector<ItemId> shared, drafts;
  for (int i = 0; i < 6; ++i) {
    auto w = a->edits().AddWish("wish " + std::to_string(i), 1 + i % 5);
    ASSERT_TRUE(w);
    if (i % 2 == 0) {
      ASSERT_TRUE(a->edits().Share(*w));
      shared.push_back(*w);
    } else {
      drafts.push_back(*w);
    }
  }
  ASSERT_TRUE(a->edits().AddNote("a note while notes are off"));
  Send(a, b);
  EXPECT_TRUE(PartnerTexts(b).empty());  // only my consent ops went
  Ready(a, ConsentKind::kLists);
  FullExchange(a, b);
  EXPECT_EQ(PartnerTexts(b),
            (std::set<std::string>{"wish 0", "wish 2", "wish 4"}));
  const std::uint64_t first = CheckContiguous();
  // Later: a draft is shared, a shared item withdrawn, notes switched on.
  ASSERT_TRUE(a->edits().Share(drafts[0]));
  ASSERT_TRUE(a->edits().Withdraw(shared[1]));
  Ready(a, ConsentKind::kNotes);
  FullExchange(a, b);
  EXPECT_EQ(PartnerTexts(b),
            (std::set<std::string>{"wish 0", "wish 1", "wish 4",
                                   "a note while notes are off"}));
  EXPECT_GT(CheckContiguous(), first);
  EXPECT_EQ(*b->sync().ReceivedUpTo(), CheckContiguous());
  // A store restarted from disk releases nothing twice.
  a.Reopen();
  EXPECT_EQ(CheckContiguous(), *b->sync().ReceivedUpTo());
}

TEST_F(SharedReleaseTest, ThankForMarksTheGiveInOneStep) {
  for (Node* n : {&a, &b}) {
    Ready(*n, ConsentKind::kLists);
    Ready(*n, ConsentKind::kNotes);
  }
  auto g = b->edits().AddGive("tea in bed", GiveSize::kSmall, {}, {});
  auto w = b->edits().AddWish("a long hug", 5);
  ASSERT_TRUE(g && w && b->edits().Share(*g) && b->edits().Share(*w));
  FullExchange(a, b);
  auto mine = a->edits().AddGive("a walk", GiveSize::kSmall, {}, {});
  ASSERT_TRUE(mine);
  const ItemId theirs{kPartner, g->n};
  const auto before = *a->sync().LocalChangeCounter();
  // Bad targets: my own item, the partner's wish, an unknown give.
  EXPECT_EQ(a->edits().AddNote("thanks", *mine).error().code,
            Errc::kInvalidInput);
  EXPECT_EQ(a->edits().AddNote("thanks", ItemId{kPartner, w->n}).error().code,
            Errc::kInvalidInput);
  EXPECT_EQ(a->edits().AddNote("thanks", ItemId{kPartner, 99}).error().code,
            Errc::kNotFound);
  EXPECT_EQ(a->edits().AddNote("", theirs).error().code, Errc::kInvalidInput);
  EXPECT_EQ(*a->sync().LocalChangeCounter(), before);  // nothing changed

  auto note = a->edits().AddNote("thank you for the tea", theirs);
  ASSERT_TRUE(note) << note.error().message;
  auto st = a->reader().CurrentState();
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->items.at(theirs).thanked);
  EXPECT_EQ(st->items.at(*note).text, "thank you for the tea");
  // Thanking again adds a note but no second mark.
  ASSERT_TRUE(a->edits().AddNote("and again", theirs));
  FullExchange(a, b);
  auto bs = b->reader().CurrentState();
  ASSERT_TRUE(bs);
  EXPECT_TRUE(bs->items.at(*g).thanked);
  EXPECT_EQ(bs->items.at(*g).progress, Progress::kOffered);
  auto responses = a->reader().PreviewResponses();
  ASSERT_TRUE(responses);
  ASSERT_EQ(responses->size(), 1u);
  EXPECT_EQ((*responses)[0].mark, ResponseMark::kThanked);

  // Withdrawn by the partner: thanking it is an error, nothing added.
  ASSERT_TRUE(b->edits().Withdraw(*g));
  FullExchange(a, b);
  const auto notes_before = *a->reader().Counts();
  EXPECT_EQ(a->edits().AddNote("late thanks", theirs).error().code,
            Errc::kNotFound);
  EXPECT_EQ(a->reader().Counts()->my_notes, notes_before.my_notes);
}

TEST_F(SharedReleaseTest, PreviewResponsesFollowTheGate) {
  Ready(a, ConsentKind::kLists);
  Ready(b, ConsentKind::kLists);
  auto g1 = b->edits().AddGive("coffee", GiveSize::kSmall, {}, {});
  auto g2 = b->edits().AddGive("massage", GiveSize::kMedium, {}, {});
  ASSERT_TRUE(g1 && g2 && b->edits().Share(*g1) && b->edits().Share(*g2));
  FullExchange(a, b);
  ASSERT_TRUE(a->edits().Respond(ItemId{kPartner, g1->n}, Progress::kChosen));
  Send(a, b);  // released: the partner holds it
  // Marks made while lists are on for both, then a pauses before a sync.
  // (While paused, a's node holds b's gives back: no new marks then.)
  ASSERT_TRUE(a->edits().Respond(ItemId{kPartner, g1->n}, Progress::kDone));
  ASSERT_TRUE(a->edits().MarkThanked(ItemId{kPartner, g2->n}));
  Ready(a, ConsentKind::kLists, false);
  EXPECT_EQ(a->edits()
                .Respond(ItemId{kPartner, g2->n}, Progress::kChosen)
                .error()
                .code,
            Errc::kNotFound);
  auto r = a->reader().PreviewResponses();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].give, (ItemId{kPartner, g1->n}));
  EXPECT_EQ((*r)[0].give_text, "");  // held back while paused
  EXPECT_EQ((*r)[0].mark, ResponseMark::kChosen);
  EXPECT_EQ((*r)[0].state, PreviewState::kSent);
  EXPECT_EQ((*r)[1].mark, ResponseMark::kDone);
  EXPECT_EQ((*r)[1].state, PreviewState::kWaitingForMe);
  EXPECT_EQ((*r)[2].mark, ResponseMark::kThanked);
  EXPECT_EQ((*r)[2].state, PreviewState::kWaitingForMe);
  // What Preview promised is what the partner gets.
  // (b holds it; b shows a's marks again once a's lists are on.)
  FullExchange(a, b);
  EXPECT_EQ(b->reader().SharedState()->items.at(*g1).progress,
            Progress::kChosen);
  EXPECT_EQ(b->reader().CurrentState()->items.at(*g1).progress,
            Progress::kOffered);
  Ready(a, ConsentKind::kLists);
  EXPECT_EQ((*a->reader().PreviewResponses())[1].state, PreviewState::kSent);
  FullExchange(a, b);
  auto bs = b->reader().CurrentState();
  ASSERT_TRUE(bs);
  EXPECT_EQ(bs->items.at(*g1).progress, Progress::kDone);
  EXPECT_TRUE(bs->items.at(*g2).thanked);
}

TEST_F(SharedReleaseTest, CountsSplitDraftsAndKnowBothConsents) {
  auto w1 = a->edits().AddWish("one", 3);
  auto w2 = a->edits().AddWish("two", 3);
  ASSERT_TRUE(w1 && w2 && a->edits().Share(*w1));
  ASSERT_TRUE(a->edits().AddNote("thanks"));
  Ready(a, ConsentKind::kNotes);
  Ready(b, ConsentKind::kLists);
  FullExchange(a, b);
  auto c = a->reader().Counts();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->my_items, 2u);
  EXPECT_EQ(c->my_drafts, 1u);
  EXPECT_EQ(c->my_notes, 1u);
  EXPECT_FALSE(c->consent[kMe][0]);
  EXPECT_TRUE(c->consent[kMe][1]);
  EXPECT_TRUE(c->consent[kPartner][0]);
  EXPECT_FALSE(c->consent[kPartner][1]);
}

}  // namespace
}  // namespace inch::store
