// Unit tests of SharedStore::Rekey (master-key rotation): every value the
// shared subkey seals (item keys, shared-sealed op bodies, the pair secret
// and address, private answers) opens under the new key and not under the
// old one; sync goes on; a repeated rekey is a no-op; a store the current
// key does not open is left as it was.
#include <gtest/gtest.h>

#include <string>

#include "shared_test_util.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::Node;
using testing::PartnerTexts;
using testing::Send;

class SharedRekeyTest : public testing::PairedNodes {
 protected:
  // One of each kind of sealed value on `a`.
  void FillA() {
    for (Node* n : {&a, &b}) {
      ASSERT_TRUE((*n)->edits().SetConsent(ConsentKind::kLists, true));
      ASSERT_TRUE((*n)->edits().SetConsent(ConsentKind::kNotes, true));
    }
    auto wish = a->edits().AddWish("a shared wish of a", 3);
    ASSERT_TRUE(wish);
    ASSERT_TRUE(a->edits().Share(*wish));
    ASSERT_TRUE(a->edits().AddWish("a draft of a", 2));  // never leaves
    ASSERT_TRUE(a->edits().AddNote("a note from a"));
    auto b_wish = b->edits().AddWish("a wish of b", 4);
    ASSERT_TRUE(b_wish && b->edits().Share(*b_wish));
    auto b_give = b->edits().AddGive("a give of b", GiveSize::kSmall, {}, {});
    ASSERT_TRUE(b_give && b->edits().Share(*b_give));
    FullExchange(a, b);
    partner_wish_ = ItemId{kPartner, b_wish->n};
    ASSERT_TRUE(a->edits().AnswerPrivately(partner_wish_, PrivateAnswer::kNo));
    ASSERT_TRUE(
        a->edits().Respond(ItemId{kPartner, b_give->n}, Progress::kChosen));
    ASSERT_TRUE(a->pairing().SetPartnerAddress("192.0.2.7:47470"));
  }
  // What `a` shows, as one comparable string.
  std::string View() {
    auto state = a->reader().CurrentState();
    EXPECT_TRUE(state) << state.error().message;
    std::string out;
    if (!state) return out;
    for (const auto& [id, item] : state->items) {
      out += std::to_string(id.author) + "/" + std::to_string(id.n) + " " +
             item.text + " " + std::to_string(static_cast<int>(item.progress)) +
             "\n";
    }
    auto answer = a->reader().PrivateAnswerFor(partner_wish_);
    EXPECT_TRUE(answer) << answer.error().message;
    out += "answer " +
           std::to_string(answer && *answer ? static_cast<int>(**answer) : -1);
    auto partner = a->pairing().Partner();
    EXPECT_TRUE(partner && *partner);
    if (partner && *partner) out += " at " + (*partner)->last_address;
    auto pair_secret = a->pairing().PairSecret();
    EXPECT_TRUE(pair_secret) << pair_secret.error().message;
    if (pair_secret) out += pair_secret->Equals(secret) ? " same" : " other";
    return out;
  }
  void ReopenA(const crypto::Secret& key) {
    a.key = crypto::Secret::CopyOf(key.view());
    a.Reopen();
  }

  ItemId partner_wish_;
};

TEST_F(SharedRekeyTest, ValuesOpenUnderTheNewKeyOnlyAndSyncGoesOn) {
  FillA();
  const std::string before = View();
  ASSERT_NE(before.find("a note from a"), std::string::npos) << before;
  ASSERT_NE(before.find("answer 2 at 192.0.2.7:47470 same"), std::string::npos)
      << before;
  const crypto::Secret old_key = crypto::Secret::CopyOf(a.key.view());
  const crypto::Secret new_key = crypto::Secret::Random(32);

  ASSERT_TRUE(a->Rekey(crypto::Secret::CopyOf(new_key.view())));
  EXPECT_EQ(View(), before);  // the open store moved to the new key
  ReopenA(new_key);
  EXPECT_EQ(View(), before);

  // Under the old key nothing opens any more.
  ReopenA(old_key);
  EXPECT_FALSE(a->reader().CurrentState());
  EXPECT_FALSE(a->pairing().PairSecret());
  EXPECT_FALSE(a->pairing().Partner());
  // The answer's row id is keyed too: under the old key it is not even
  // found, let alone opened.
  auto old_answer = a->reader().PrivateAnswerFor(partner_wish_);
  EXPECT_FALSE(old_answer && *old_answer);
  EXPECT_FALSE(
      a->reader().Preview());  // the gate's MACs no longer check either

  // The pair secret is the same, so both directions still sync.
  ReopenA(new_key);
  auto wish = a->edits().AddWish("a wish after the rekey", 1);
  ASSERT_TRUE(wish && a->edits().Share(*wish));
  auto b_wish = b->edits().AddWish("b after the rekey", 1);
  ASSERT_TRUE(b_wish && b->edits().Share(*b_wish));
  FullExchange(a, b);
  EXPECT_TRUE(PartnerTexts(b).contains("a wish after the rekey"));
  EXPECT_TRUE(PartnerTexts(a).contains("b after the rekey"));
}

TEST_F(SharedRekeyTest, ARepeatedRekeyIsANoOp) {
  FillA();
  const std::string before = View();
  const crypto::Secret old_key = crypto::Secret::CopyOf(a.key.view());
  const crypto::Secret new_key = crypto::Secret::Random(32);
  ASSERT_TRUE(a->Rekey(crypto::Secret::CopyOf(new_key.view())));
  // A rotation that died after this commit opens the store with the old
  // key again and repeats the rekey: it must succeed and change nothing.
  ReopenA(old_key);
  ASSERT_TRUE(a->Rekey(crypto::Secret::CopyOf(new_key.view())));
  EXPECT_EQ(View(), before);
  ReopenA(new_key);
  EXPECT_EQ(View(), before);
}

TEST_F(SharedRekeyTest, AStoreTheCurrentKeyDoesNotOpenIsLeftAlone) {
  FillA();
  const std::string before = View();
  const crypto::Secret right = crypto::Secret::CopyOf(a.key.view());
  ReopenA(crypto::Secret::Random(32));  // neither the old nor the new key
  auto rekeyed = a->Rekey(crypto::Secret::Random(32));
  ASSERT_FALSE(rekeyed);
  EXPECT_EQ(rekeyed.error().code, Errc::kCorrupt);
  ReopenA(right);
  EXPECT_EQ(View(), before);
}

TEST_F(SharedRekeyTest, AnEmptyStoreRekeys) {
  Node fresh = testing::MakeNode(dir.path(), "fresh");
  ASSERT_TRUE(fresh->Rekey(crypto::Secret::Random(32)));
  auto wish = fresh->edits().AddWish("after", 1);
  EXPECT_TRUE(wish);
}

}  // namespace
}  // namespace inch::store
