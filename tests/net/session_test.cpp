// The sync protocol between two in-process nodes on 127.0.0.1 (port 0,
// temporary stores): converging both ways, later changes, many batches, a
// rolled-back log recovered, a partner that sends an unknown message or an
// op to refuse, and the session alone against two in-memory fake ports.
// Every run ends with the io_context out of work, which proves no session,
// timer or socket was left behind (tests/net/two_node_harness.hpp).
#include <gtest/gtest.h>

#include "store/shared/op_codec.hpp"
#include "tests/net/fake_sync_port.hpp"
#include "tests/net/two_node_harness.hpp"

namespace inch::net {
namespace {

using namespace testing;  // the harness
using SessionTest = NetTest;

TEST_F(SessionTest, SyncConvergesBothWaysAndIsIdempotent) {
  Node a, b;
  PinBoth(a, b);
  for (int i = 0; i < 30; ++i) {
    auto w = a.store->edits().AddWish("a wish " + std::to_string(i), 1 + i % 5);
    ASSERT_TRUE(w.has_value());
    ASSERT_TRUE(a.store->edits().Share(*w).has_value());
  }
  auto g = b.store->edits().AddGive("b gives", store::GiveSize::kSmall,
                                    std::nullopt, std::nullopt);
  ASSERT_TRUE(g && b.store->edits().Share(*g));
  ASSERT_TRUE(a.store->edits().SetConsent(store::ConsentKind::kLists, true));
  ASSERT_TRUE(b.store->edits().SetConsent(store::ConsentKind::kLists, true));

  auto [ra, rb] = Sync(a, b);
  ASSERT_TRUE(ra.has_value()) << ra.error().message;
  ASSERT_TRUE(rb.has_value()) << rb.error().message;
  EXPECT_TRUE(ra->converged && rb->converged);
  EXPECT_EQ(SharedView(a), SharedView(b));
  auto state_b = b.store->reader().CurrentState();
  ASSERT_TRUE(state_b.has_value());
  EXPECT_EQ(state_b->items.size(), 31u);  // reveal together needed a 2nd round

  // Nothing new: a second sync moves no ops.
  auto [ra2, rb2] = Sync(a, b);
  ASSERT_TRUE(ra2.has_value() && rb2.has_value());
  EXPECT_EQ(ra2->ops_sent + rb2->ops_sent, 0u);
  EXPECT_EQ(SharedView(a), SharedView(b));
}

TEST_F(SessionTest, LaterChangesFlowInALaterSync) {
  Node a, b;
  PinBoth(a, b);
  ASSERT_TRUE(a.store->edits().SetConsent(store::ConsentKind::kLists, true));
  ASSERT_TRUE(b.store->edits().SetConsent(store::ConsentKind::kLists, true));
  auto w1 = a.store->edits().AddWish("first", 3);
  ASSERT_TRUE(w1 && a.store->edits().Share(*w1));
  // Like the daemon: a long-lived second handle that only reads.
  auto watcher = store::SharedStore::Open((b.dir.path / "shared.db").string(),
                                          crypto::Secret::CopyOf(b.key.view()),
                                          b.id.public_key, false);
  ASSERT_TRUE(watcher.has_value());
  ASSERT_TRUE((*watcher)->sync().LocalChangeCounter().has_value());
  auto [r1a, r1b] = Sync(a, b);
  ASSERT_TRUE(r1a && r1b);
  ASSERT_TRUE((*watcher)->sync().LocalChangeCounter().has_value());
  b.Reopen();
  auto w2 = a.store->edits().AddWish("second", 3);
  ASSERT_TRUE(w2 && a.store->edits().Share(*w2));
  auto [r2a, r2b] = Sync(a, b);
  ASSERT_TRUE(r2a.has_value()) << r2a.error().message;
  ASSERT_TRUE(r2b.has_value()) << r2b.error().message;
  EXPECT_EQ(r2b->ops_applied, 2u);
  b.Reopen();  // what another process sees
  auto state = b.store->reader().CurrentState();
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->items.size(), 2u);
  EXPECT_EQ(SharedView(a), SharedView(b));
}

// An authenticated peer that sends a message of a type this version does
// not know (a field number it has never heard of) ends the session with
// kProtocol and changes nothing; a clean sync afterwards converges.
TEST_F(SessionTest, AnUnknownMessageTypeEndsTheSessionAndChangesNothing) {
  Node a, b;
  PinBoth(a, b);
  auto w = b.store->edits().AddWish("b's wish", 3);
  ASSERT_TRUE(w && b.store->edits().Share(*w));
  ASSERT_TRUE(a.store->edits().SetConsent(store::ConsentKind::kLists, true));
  ASSERT_TRUE(b.store->edits().SetConsent(store::ConsentKind::kLists, true));
  // Everything b holds (its release bookkeeping may move: b may send).
  auto everything = [](Node& n) {
    auto st = n.store->reader().CurrentState();
    EXPECT_TRUE(st.has_value());
    return st ? store::Canonical(*st, n.store->pairing().MeLow())
              : std::string();
  };
  const std::string b_before = everything(b);
  auto unknown_message = [](SecureChannel& ch) -> awaitable<Status> {
    proto::WireMessage unknown;  // field 99: no such message in version 1
    unknown.GetReflection()->MutableUnknownFields(&unknown)->AddVarint(99, 1);
    if (auto st = co_await ch.Send(unknown); !st) co_return st;
    while (co_await ch.Receive()) {
    }  // until the server closes
    co_return Status{};
  };
  std::optional<Status> sent;
  auto rb = AgainstScriptedA(a, b, unknown_message, &sent);
  ASSERT_TRUE(sent);
  ASSERT_TRUE(sent->has_value()) << sent->error().message;
  ASSERT_FALSE(rb.has_value());
  EXPECT_EQ(rb.error().code, Errc::kProtocol) << rb.error().message;
  EXPECT_EQ(everything(b), b_before);
  EXPECT_EQ(*b.store->sync().ReceivedUpTo(), 0u);

  auto [ra2, rb2] = Sync(a, b);
  ASSERT_TRUE(ra2.has_value() && rb2.has_value());
  EXPECT_EQ(SharedView(a), SharedView(b));
}

// A hostile or buggy partner sends one op this node must refuse, then a
// good one: the refusal is named in the Ack, the good op applies, and the
// sequence moves on, so no later sync is stuck behind it.
TEST_F(SessionTest, ARefusedOpIsNamedInTheAckAndBlocksNothing) {
  Node a, b;
  PinBoth(a, b);
  auto secret = a.store->pairing().PairSecret();
  ASSERT_TRUE(secret);
  const crypto::Secret op_key = store::PairOpKey(*secret);
  std::optional<proto::SyncAck> ack;
  auto bad_then_good = [&](SecureChannel& ch) -> awaitable<Status> {
    proto::Op bad, good;
    bad.set_seq(1);
    bad.set_hlc(1);
    bad.mutable_create()->set_n(1);
    bad.mutable_create()->set_type(proto::WISH);
    bad.mutable_create()->set_text("importance nine");
    bad.mutable_create()->set_importance(9);
    good.set_seq(2);
    good.set_hlc(2);
    good.mutable_note()->set_n(2);
    good.mutable_note()->set_text("a good note");
    proto::WireMessage batch;
    for (const proto::Op* op : {&bad, &good}) {
      Bytes wire = store::SealWireOp(op_key, a.id.public_key, *op);
      batch.mutable_batch()->add_ops()->assign(wire.begin(), wire.end());
    }
    if (auto st = co_await ch.Send(batch); !st) co_return st;
    for (;;) {
      auto m = co_await ch.Receive();
      if (!m) break;
      if (m->has_ack()) {
        ack = m->ack();
        break;
      }
    }
    ch.connection().Close();
    co_return Status{};
  };
  std::optional<Status> sent;
  (void)AgainstScriptedA(a, b, bad_then_good, &sent);
  ASSERT_TRUE(ack.has_value()) << "no Ack for the batch";
  EXPECT_EQ(ack->received_up_to(), 2u);
  ASSERT_EQ(ack->refused_size(), 1);
  EXPECT_EQ(ack->refused(0).seq(), 1u);
  EXPECT_EQ(ack->refused(0).reason(),
            static_cast<std::uint32_t>(store::Refusal::kInvalid));
  EXPECT_EQ(*b.store->sync().ReceivedUpTo(), 2u);
  auto held = b.store->reader().SharedState();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->items.size(), 1u);  // the note, not the refused wish
}

// a's store is restored from a copy after b received more of a's ops: the
// next real session detects it, takes a's ops back from b, and converges.
TEST_F(SessionTest, ASessionRecoversARolledBackLog) {
  Node a, b;
  PinBoth(a, b);
  for (Node* n : {&a, &b})
    ASSERT_TRUE(n->store->edits().SetConsent(store::ConsentKind::kLists, true));
  auto w1 = a.store->edits().AddWish("before the copy", 3);
  ASSERT_TRUE(w1 && a.store->edits().Share(*w1));
  auto [r1a, r1b] = Sync(a, b);
  ASSERT_TRUE(r1a && r1b);
  // A copy of the whole store as a backup takes it: the file and its WAL.
  a.store.reset();
  const std::string db = (a.dir.path / "shared.db").string();
  const std::string copy = (a.dir.path / "copy.db").string();
  for (const char* ext : {"", "-wal", "-shm"}) {
    if (fs::exists(db + ext)) fs::copy_file(db + ext, copy + ext);
  }
  a.Reopen();
  auto w2 = a.store->edits().AddWish("after the copy", 3);
  ASSERT_TRUE(w2 && a.store->edits().Share(*w2));
  auto [r2a, r2b] = Sync(a, b);
  ASSERT_TRUE(r2a && r2b);
  a.store.reset();
  for (const char* ext : {"", "-wal", "-shm"}) {
    fs::remove(db + ext);
    if (fs::exists(copy + ext)) fs::copy_file(copy + ext, db + ext);
  }
  a.Reopen();
  auto w3 = a.store->edits().AddWish("after the restore", 3);
  ASSERT_TRUE(w3 && a.store->edits().Share(*w3));
  auto [ra, rb] = Sync(a, b);
  ASSERT_TRUE(ra.has_value()) << ra.error().message;
  ASSERT_TRUE(rb.has_value()) << rb.error().message;
  EXPECT_GT(ra->ops_recovered, 0u);
  EXPECT_EQ(SharedView(a), SharedView(b));
  auto state = b.store->reader().CurrentState();
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->items.size(), 3u);
}

// The session alone, against the in-memory fake port: both directions
// converge over many batches, each side records the sync once.
TEST_F(SessionTest, TheSessionConvergesBetweenTwoFakePorts) {
  testing::FakeSyncPort a, b;
  for (int i = 0; i < 2500; ++i) a.AddOp();
  for (int i = 0; i < 7; ++i) b.AddOp();
  const auto id_a = crypto::GenerateIdentity(),
             id_b = crypto::GenerateIdentity();
  const auto secret = crypto::Secret::Random(32);
  auto [ra, rb] = SyncPorts(a, id_a, b, id_b, secret);
  ASSERT_TRUE(ra.has_value()) << ra.error().message;
  ASSERT_TRUE(rb.has_value()) << rb.error().message;
  EXPECT_TRUE(ra->converged && rb->converged);
  EXPECT_EQ(b.received(), a.mine());
  EXPECT_EQ(a.received(), b.mine());
  EXPECT_GE(ra->batches_sent, 2u);
  EXPECT_EQ(a.synced(), 1);
  EXPECT_EQ(b.synced(), 1);
}

// The recovery exchange alone: the fake that lost its tail asks, the other
// returns it, and both converge with every op on both sides.
TEST_F(SessionTest, TheSessionRecoversBetweenTwoFakePorts) {
  testing::FakeSyncPort a, b;
  for (int i = 0; i < 1200; ++i) a.AddOp();
  const auto id_a = crypto::GenerateIdentity(),
             id_b = crypto::GenerateIdentity();
  const auto secret = crypto::Secret::Random(32);
  auto [r1a, r1b] = SyncPorts(a, id_a, b, id_b, secret);
  ASSERT_TRUE(r1a && r1b);
  const auto all = a.mine();
  a.LoseTail(5);
  auto [ra, rb] = SyncPorts(a, id_a, b, id_b, secret);
  ASSERT_TRUE(ra.has_value()) << ra.error().message;
  ASSERT_TRUE(rb.has_value()) << rb.error().message;
  EXPECT_EQ(ra->ops_recovered, 1195u);
  EXPECT_EQ(a.mine(), all);
  EXPECT_EQ(b.received(), all);
}

TEST_F(SessionTest, LargeSyncUsesManyBatches) {
  Node a, b;
  PinBoth(a, b);
  ASSERT_TRUE(a.store->edits().SetConsent(store::ConsentKind::kNotes, true));
  ASSERT_TRUE(b.store->edits().SetConsent(store::ConsentKind::kNotes, true));
  auto [r0a, r0b] = Sync(a, b);
  ASSERT_TRUE(r0a && r0b);
  for (int i = 0; i < 2500; ++i) {
    ASSERT_TRUE(a.store->edits().AddNote("thank you for " + std::to_string(i)));
  }
  auto [ra, rb] = Sync(a, b);
  ASSERT_TRUE(ra.has_value()) << ra.error().message;
  ASSERT_TRUE(rb.has_value()) << rb.error().message;
  EXPECT_GE(ra->batches_sent, 3u);
  EXPECT_EQ(rb->ops_applied, 2500u);
  EXPECT_EQ(SharedView(a), SharedView(b));
}

}  // namespace
}  // namespace inch::net
