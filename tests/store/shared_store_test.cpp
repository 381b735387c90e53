// Unit tests of the shared store: local validation (issue 3 "Bad input"),
// the consent gate through the Outbox, withdrawal, pairing state, schema
// versions, and every kind of bad input from the partner.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>

#include "shared_test_util.hpp"
#include "store/shared/consent_gate.hpp"
#include "store/shared/op_codec.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::Node;
using testing::Pair;
using testing::Send;

class SharedStoreTest : public testing::PairedNodes {
 protected:
  // Both ready for lists and notes, known on both sides.
  void AllReady() {
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
    ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kNotes, true));
    ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kNotes, true));
    FullExchange(a, b);
  }
  // A wire op sealed as `author` under the pair key.
  Bytes Craft(const Bytes& author, proto::Op op, std::uint64_t seq,
              std::uint64_t hlc = 1) {
    op.set_seq(seq);
    op.set_hlc(hlc);
    return SealWireOp(PairOpKey(secret), author, op);
  }
  std::size_t PartnerItems(Node& n) {
    auto s = n->reader().CurrentState();
    EXPECT_TRUE(s.has_value());
    std::size_t count = 0;
    for (auto& [id, item] : s->items) count += id.author == kPartner;
    return count;
  }
};

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

TEST_F(SharedStoreTest, PairingStateAndErasePartner) {
  EXPECT_EQ(a->pairing().SetPartner(b.pk, secret).error().code, Errc::kExists);
  auto p = a->pairing().Partner();
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->public_key, b.pk);
  ASSERT_TRUE(a->pairing().SetPartnerAddress("127.0.0.1:4000"));
  EXPECT_EQ((*a->pairing().Partner())->last_address, "127.0.0.1:4000");
  EXPECT_TRUE((*a->pairing().PairSecret()).Equals(secret));
  AllReady();
  auto w = b->edits().AddWish("b's wish", 4);
  ASSERT_TRUE(w && b->edits().Share(*w));
  FullExchange(a, b);
  ASSERT_EQ(PartnerItems(a), 1u);
  ASSERT_TRUE(a->pairing().ErasePartner());
  ASSERT_TRUE(b->pairing().ErasePartner());
  EXPECT_FALSE(*a->pairing().Partner());
  EXPECT_EQ(a->pairing().PairSecret().error().code, Errc::kNotFound);
  EXPECT_EQ(PartnerItems(a), 0u);
  EXPECT_EQ(*a->sync().ReceivedUpTo(), 0u);
  EXPECT_EQ(a->sync().Outbox(0, 10, 1000).error().code, Errc::kNotFound);
  // Re-pairing starts a fresh release sequence and fresh consent: b's
  // wish is b's draft again until b shares it and both say ready again.
  Pair(a, b);
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(a), 0u);
  ASSERT_TRUE(b->edits().Share(*w));
  AllReady();
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(a), 1u);
  EXPECT_FALSE(a->reader().CurrentState()->unpaired_by[kPartner]);
}

TEST_F(SharedStoreTest, RefusesNewerSchemaAndForeignFiles) {
  a.store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(a.path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto s = SharedStore::Open(a.path, crypto::Secret::CopyOf(a.key.view()), a.pk,
                             false);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::kTooNew);
  const std::string other = dir.path() + "/other.db";
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA application_id = 7; CREATE TABLE t(x)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto o = SharedStore::Open(other, crypto::Secret::CopyOf(a.key.view()), a.pk,
                             false);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kInvalidInput);
  EXPECT_EQ(SharedStore::Open(dir.path() + "/none.db",
                              crypto::Secret::Random(32), a.pk, false)
                .error()
                .code,
            Errc::kNotFound);
}

TEST_F(SharedStoreTest, WrongKeyCannotReadTheStore) {
  ASSERT_TRUE(a->edits().AddWish("secret wish", 3));
  a.store.reset();
  auto s = SharedStore::Open(a.path, crypto::Secret::Random(32), a.pk, false);
  ASSERT_TRUE(s);
  auto state = (*s)->reader().CurrentState();
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, Errc::kCorrupt);
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
