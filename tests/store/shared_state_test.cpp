// Unit tests of the pure fold (store/shared/state.hpp): LWW with hlc ties
// broken by author rank, forward-only progress, withdrawal winning over
// concurrent edits and responses, and independence from input order.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "store/shared/state.hpp"

namespace inch::store {
namespace {

OpWithAuthor Create(int author, std::uint64_t n, std::uint64_t hlc,
                    const std::string& text,
                    proto::ItemType type = proto::GIVE) {
  OpWithAuthor o{author, {}};
  o.op.set_hlc(hlc);
  auto* c = o.op.mutable_create();
  c->set_n(n);
  c->set_type(type);
  c->set_text(text);
  c->set_importance(type == proto::WISH ? 3 : 0);
  c->set_size(type == proto::GIVE ? proto::SMALL : proto::SIZE_UNSPECIFIED);
  return o;
}
OpWithAuthor EditText(int author, std::uint64_t n, std::uint64_t hlc,
                      const std::string& t) {
  OpWithAuthor o{author, {}};
  o.op.set_hlc(hlc);
  o.op.mutable_edit()->set_n(n);
  o.op.mutable_edit()->set_text(t);
  return o;
}
OpWithAuthor Respond(int author, std::uint64_t n, std::uint64_t hlc,
                     proto::ResponseKind k) {
  OpWithAuthor o{author, {}};
  o.op.set_hlc(hlc);
  o.op.mutable_respond()->set_n(n);
  o.op.mutable_respond()->set_kind(k);
  return o;
}
OpWithAuthor Withdraw(int author, std::uint64_t n, std::uint64_t hlc) {
  OpWithAuthor o{author, {}};
  o.op.set_hlc(hlc);
  o.op.mutable_withdraw()->set_n(n);
  return o;
}
OpWithAuthor Consent(int author, std::uint64_t hlc, bool on) {
  OpWithAuthor o{author, {}};
  o.op.set_hlc(hlc);
  o.op.mutable_consent()->set_kind(proto::LISTS);
  o.op.mutable_consent()->set_on(on);
  return o;
}

// Folds every permutation-ish shuffle (and a doubled input) to one answer.
std::string FoldAnyOrder(std::vector<OpWithAuthor> ops, bool me_low) {
  const std::string first = Canonical(Fold(ops, me_low), me_low);
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(ops.begin(), ops.end(), rng);
    EXPECT_EQ(Canonical(Fold(ops, me_low), me_low), first);
  }
  auto doubled = ops;
  doubled.insert(doubled.end(), ops.begin(), ops.end());
  EXPECT_EQ(Canonical(Fold(doubled, me_low), me_low), first);  // idempotent
  return first;
}

TEST(SharedStateTest, LwwLaterHlcWinsInAnyOrder) {
  // Registers belong to one item and only its author writes them, so the
  // author rank only breaks ties that a valid log cannot produce; what a
  // valid log does produce is ordered by hlc, whatever the delivery order.
  std::vector<OpWithAuthor> edits = {
      Create(0, 1, 10, "orig"), EditText(0, 1, 30, "late"),
      EditText(0, 1, 20, "early"), EditText(1, 1, 40, "partner's own item 1")};
  FoldAnyOrder(edits, true);
  State s = Fold(edits, true);
  EXPECT_EQ(s.items.at(ItemId{0, 1}).text, "late");
  EXPECT_FALSE(s.items.contains(ItemId{1, 1}));  // edited, never created
}

TEST(SharedStateTest, TieBreakUsesAbsoluteRankSoBothNodesAgree) {
  // Node A (me_low) and node B see the same two creates of item n=1 by the
  // same absolute author with equal hlc... the fold must pick the same one
  // on both nodes, where the author slot is mirrored.
  std::vector<OpWithAuthor> on_a = {Create(0, 1, 5, "x"),
                                    EditText(0, 1, 9, "a-edit")};
  std::vector<OpWithAuthor> on_b = {Create(1, 1, 5, "x"),
                                    EditText(1, 1, 9, "a-edit")};
  EXPECT_EQ(Canonical(Fold(on_a, true), true),
            Canonical(Fold(on_b, false), false));
  // Consents with equal hlc: per author, so no cross-author tie at all.
  std::vector<OpWithAuthor> c = {Consent(0, 5, true), Consent(0, 5, false),
                                 Consent(1, 5, true)};
  State s = Fold(c, true);
  EXPECT_TRUE(
      s.consent[0][0].on);  // (hlc, on) order: on wins a same-hlc duplicate
  EXPECT_TRUE(s.consent[1][0].on);
  FoldAnyOrder(c, true);
}

TEST(SharedStateTest, ProgressOnlyMovesForwardAndThankedOnlyTurnsOn) {
  std::vector<OpWithAuthor> ops = {
      Create(0, 1, 1, "give"), Respond(1, 1, 5, proto::DONE),
      Respond(1, 1, 9, proto::CHOSEN), Respond(1, 1, 7, proto::THANKED)};
  FoldAnyOrder(ops, false);
  State s = Fold(ops, false);
  EXPECT_EQ(s.items.at(ItemId{0, 1}).progress, Progress::kDone);
  EXPECT_TRUE(s.items.at(ItemId{0, 1}).thanked);
}

TEST(SharedStateTest, WithdrawWinsOverConcurrentEditsAndResponses) {
  std::vector<OpWithAuthor> ops = {Create(0, 1, 1, "give"), Withdraw(0, 1, 5),
                                   EditText(0, 1, 50, "edited after"),
                                   Respond(1, 1, 60, proto::CHOSEN),
                                   Create(0, 2, 2, "other")};
  FoldAnyOrder(ops, true);
  State s = Fold(ops, true);
  EXPECT_FALSE(s.items.contains(ItemId{0, 1}));
  EXPECT_TRUE(s.items.contains(ItemId{0, 2}));
  // A response to a withdrawn item does not resurrect it, even alone.
  std::vector<OpWithAuthor> resp = {Respond(1, 1, 60, proto::CHOSEN),
                                    Withdraw(0, 1, 5)};
  EXPECT_TRUE(Fold(resp, true).items.empty());
}

TEST(SharedStateTest, EditsBeforeCreateAndOrphansAreHarmless) {
  std::vector<OpWithAuthor> orphan = {EditText(0, 3, 5, "orphan"),
                                      Respond(1, 3, 5, proto::CHOSEN)};
  EXPECT_TRUE(Fold(orphan, true).items.empty());
  orphan.push_back(Create(0, 3, 1, "created"));
  FoldAnyOrder(orphan, true);
  EXPECT_EQ(Fold(orphan, true).items.at(ItemId{0, 3}).text, "orphan");
}

TEST(SharedStateTest, CanonicalIsAbsolute) {
  // The same ops seen from the two nodes (slots mirrored) render the same.
  std::vector<OpWithAuthor> mine = {Create(0, 1, 1, "w", proto::WISH),
                                    Consent(1, 3, true),
                                    Respond(1, 1, 4, proto::CHOSEN)};
  std::vector<OpWithAuthor> mirrored;
  for (auto o : mine) {
    o.author = 1 - o.author;
    mirrored.push_back(o);
  }
  EXPECT_EQ(Canonical(Fold(mine, true), true),
            Canonical(Fold(mirrored, false), false));
  EXPECT_NE(Canonical(Fold(mine, true), true),
            Canonical(Fold(mirrored, true), true));
}

}  // namespace
}  // namespace inch::store
