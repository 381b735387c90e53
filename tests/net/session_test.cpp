// In-process two-node tests on 127.0.0.1 (port 0, temporary stores): the
// Noise channel, pairing with right and wrong codes, and the sync protocol
// converging both ways. Every run ends with the io_context out of work,
// which proves no session, timer or socket was left behind.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>

#include "crypto/identity.hpp"
#include "net/asio.hpp"
#include "net/pairing.hpp"
#include "net/secure_channel.hpp"
#include "net/sync_session.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store.hpp"
#include "tests/net/fake_sync_port.hpp"

namespace inch::net {
namespace {
namespace fs = std::filesystem;

// Runs io until it has no work left, with a generous cap; returns false if
// work was still pending at the cap (a leaked timer or session).
bool RunToCompletion(asio::io_context& io) {
  io.run_for(std::chrono::seconds(60));
  return io.stopped();
}

template <class T>
void Spawn(asio::io_context& io, awaitable<T> task, std::optional<T>& out) {
  asio::co_spawn(io, std::move(task), [&out](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    out.emplace(std::move(value));
  });
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "inch-net-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

struct Node {
  TempDir dir;
  crypto::Identity id = crypto::GenerateIdentity();
  std::unique_ptr<store::SharedStore> store;
  crypto::Secret key = crypto::Secret::Random(32);
  Node() { Reopen(); }
  void Reopen() {
    store.reset();
    auto s = store::SharedStore::Open((dir.path / "shared.db").string(),
                                      crypto::Secret::CopyOf(key.view()),
                                      id.public_key, true);
    EXPECT_TRUE(s.has_value()) << s.error().message;
    store = std::move(*s);
  }
};

class NetTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitCrypto()); }

  // Acceptor on 127.0.0.1, port 0.
  tcp::acceptor Listen() {
    tcp::acceptor acceptor(
        io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return acceptor;
  }

  void PinBoth(Node& a, Node& b) {
    auto secret = crypto::Secret::Random(32);
    ASSERT_TRUE(
        a.store->pairing().SetPartner(b.id.public_key, secret).has_value());
    ASSERT_TRUE(
        b.store->pairing().SetPartner(a.id.public_key, secret).has_value());
  }

  // One sync between a (dialer) and b (listener).
  std::pair<Result<SyncStats>, Result<SyncStats>> Sync(Node& a, Node& b) {
    auto secret = a.store->pairing().PairSecret();
    EXPECT_TRUE(secret.has_value());
    return SyncPorts(a.store->sync(), a.id, b.store->sync(), b.id, *secret);
  }

  // One sync between two sync ports (a dials b) over a real channel.
  std::pair<Result<SyncStats>, Result<SyncStats>> SyncPorts(
      store::SyncPort& port_a, const crypto::Identity& id_a,
      store::SyncPort& port_b, const crypto::Identity& id_b,
      const crypto::Secret& secret) {
    struct Side {
      const crypto::Identity& id;
      store::SyncPort& store;
    } a{id_a, port_a}, b{id_b, port_b};
    const crypto::Secret* secret_a = &secret;
    const crypto::Secret* secret_b = &secret;
    auto acceptor = Listen();
    auto endpoint = acceptor.local_endpoint();
    std::optional<Result<SyncStats>> ra, rb;
    auto server = [&]() -> awaitable<Result<SyncStats>> {
      auto socket = co_await acceptor.async_accept(use_awaitable);
      std::vector<PeerKeys> keys{{&b.id.secret_key, a.id.public_key, secret_b}};
      auto conn = Connection::Create(std::move(socket));
      auto ch = co_await SecureChannel::Accept(conn, keys, nullptr);
      if (!ch) co_return std::unexpected(ch.error());
      auto session =
          std::make_shared<SyncSession>(std::move(*ch), b.store, SyncOptions{});
      co_return co_await session->Run();
    };
    auto client = [&]() -> awaitable<Result<SyncStats>> {
      tcp::socket socket(io_);
      co_await socket.async_connect(endpoint, use_awaitable);
      PeerKeys keys{&a.id.secret_key, b.id.public_key, secret_a};
      auto conn = Connection::Create(std::move(socket));
      auto ch = co_await SecureChannel::Initiate(conn, keys);
      if (!ch) co_return std::unexpected(ch.error());
      auto session =
          std::make_shared<SyncSession>(std::move(*ch), a.store, SyncOptions{});
      co_return co_await session->Run();
    };
    Spawn(io_, server(), rb);
    Spawn(io_, client(), ra);
    EXPECT_TRUE(RunToCompletion(io_));
    io_.restart();
    EXPECT_TRUE(ra && rb);
    return {std::move(*ra), std::move(*rb)};
  }

  std::string SharedView(Node& n) {
    auto s = n.store->reader().SharedState();
    EXPECT_TRUE(s.has_value());
    return store::Canonical(*s, n.store->pairing().MeLow());
  }

  asio::io_context io_;
};

TEST_F(NetTest, ChannelCarriesMessagesBothWays) {
  Node a, b;
  auto psk = crypto::Secret::Random(32);
  auto acceptor = Listen();
  auto endpoint = acceptor.local_endpoint();
  std::optional<Result<std::string>> got_a, got_b;
  auto server = [&]() -> awaitable<Result<std::string>> {
    auto socket = co_await acceptor.async_accept(use_awaitable);
    std::vector<PeerKeys> keys{{&b.id.secret_key, a.id.public_key, &psk}};
    auto conn = Connection::Create(std::move(socket));
    auto ch = co_await SecureChannel::Accept(conn, keys, nullptr);
    if (!ch) co_return std::unexpected(ch.error());
    auto m = co_await (*ch)->Receive();
    if (!m) co_return std::unexpected(m.error());
    proto::WireMessage reply;
    reply.mutable_ack()->set_received_up_to(m->hello().received_up_to() + 1);
    (void)co_await (*ch)->Send(reply);
    co_return ToHex((*ch)->handshake_hash());
  };
  auto client = [&]() -> awaitable<Result<std::string>> {
    tcp::socket socket(io_);
    co_await socket.async_connect(endpoint, use_awaitable);
    auto conn = Connection::Create(std::move(socket));
    PeerKeys keys{&a.id.secret_key, b.id.public_key, &psk};
    auto ch = co_await SecureChannel::Initiate(conn, keys);
    if (!ch) co_return std::unexpected(ch.error());
    proto::WireMessage hello;
    hello.mutable_hello()->set_received_up_to(41);
    (void)co_await (*ch)->Send(hello);
    auto m = co_await (*ch)->Receive();
    if (!m) co_return std::unexpected(m.error());
    if (m->ack().received_up_to() != 42)
      co_return Fail(Errc::kProtocol, "wrong reply");
    co_return ToHex((*ch)->handshake_hash());
  };
  Spawn(io_, server(), got_b);
  Spawn(io_, client(), got_a);
  ASSERT_TRUE(RunToCompletion(io_));
  ASSERT_TRUE(got_a && got_b);
  ASSERT_TRUE(got_a->has_value()) << got_a->error().message;
  ASSERT_TRUE(got_b->has_value()) << got_b->error().message;
  EXPECT_EQ(**got_a, **got_b);
  EXPECT_EQ(got_a->value().size(), 128u);
}

// A stranger (right partner key, wrong PSK; or an unknown static key) fails
// the handshake on both sides, and the responder sends nothing back.
TEST_F(NetTest, HandshakeFailsForStrangers) {
  Node a, b, mallory;
  auto psk = crypto::Secret::Random(32);
  auto wrong_psk = crypto::Secret::Random(32);
  for (int variant = 0; variant < 2; ++variant) {
    auto acceptor = Listen();
    auto endpoint = acceptor.local_endpoint();
    std::optional<Result<std::size_t>> server_result;
    std::optional<Result<bool>> client_result;
    auto server = [&]() -> awaitable<Result<std::size_t>> {
      auto socket = co_await acceptor.async_accept(use_awaitable);
      auto conn = Connection::Create(std::move(socket));
      std::vector<PeerKeys> keys{{&b.id.secret_key, a.id.public_key, &psk}};
      auto ch = co_await SecureChannel::Accept(conn, keys, nullptr);
      if (ch) co_return std::size_t{0};
      co_return std::unexpected(ch.error());
    };
    auto client = [&]() -> awaitable<Result<bool>> {
      tcp::socket socket(io_);
      co_await socket.async_connect(endpoint, use_awaitable);
      PeerKeys keys =
          variant == 0
              ? PeerKeys{&a.id.secret_key, b.id.public_key, &wrong_psk}
              : PeerKeys{&mallory.id.secret_key, b.id.public_key, &psk};
      auto conn = Connection::Create(std::move(socket));
      auto ch = co_await SecureChannel::Initiate(conn, keys);
      if (ch) co_return true;
      co_return std::unexpected(ch.error());
    };
    Spawn(io_, server(), server_result);
    Spawn(io_, client(), client_result);
    ASSERT_TRUE(RunToCompletion(io_));
    io_.restart();
    ASSERT_TRUE(server_result && client_result);
    EXPECT_FALSE(server_result->has_value()) << variant;
    EXPECT_FALSE(client_result->has_value()) << variant;
  }
}

TEST_F(NetTest, PeerThatSendsNothingHitsTheHandshakeDeadline) {
  Node a, b;
  auto psk = crypto::Secret::Random(32);
  auto acceptor = Listen();
  auto endpoint = acceptor.local_endpoint();
  std::optional<Result<bool>> server_result;
  tcp::socket idle(io_);
  idle.connect(endpoint);
  auto server = [&]() -> awaitable<Result<bool>> {
    auto socket = co_await acceptor.async_accept(use_awaitable);
    auto conn = Connection::Create(std::move(socket));
    std::vector<PeerKeys> keys{{&b.id.secret_key, a.id.public_key, &psk}};
    auto ch = co_await SecureChannel::Accept(conn, keys, nullptr);
    if (ch) co_return true;
    if (!conn->timed_out()) co_return Fail(Errc::kProtocol, "not a timeout");
    co_return std::unexpected(ch.error());
  };
  Spawn(io_, server(), server_result);
  ASSERT_TRUE(RunToCompletion(io_));
  ASSERT_TRUE(server_result);
  ASSERT_FALSE(server_result->has_value());
  EXPECT_EQ(server_result->error().code, Errc::kUnreachable);
}

struct PairOutcome {
  std::optional<Result<PairResult>> listener, dialer;
  int pins_listener = 0, pins_dialer = 0;
};

PairOutcome RunPairing(asio::io_context& io, Node& a, Node& b,
                       const std::string& shown, const std::string& typed) {
  PairOutcome out;
  tcp::acceptor acceptor(io,
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto endpoint = acceptor.local_endpoint();
  Spawn(io,
        PairAsListener(acceptor, shown, b.id.public_key,
                       [&](const PairResult&) {
                         ++out.pins_listener;
                         return Status{};
                       }),
        out.listener);
  Spawn(io,
        PairAsDialer(endpoint, typed, a.id.public_key,
                     [&](const PairResult&) {
                       ++out.pins_dialer;
                       return Status{};
                     }),
        out.dialer);
  io.run_for(std::chrono::seconds(60));
  io.restart();
  return out;
}

TEST_F(NetTest, PairingAgreesOnKeysSecretAndWords) {
  Node a, b;
  std::string code = NewPairingCode();
  ASSERT_TRUE(NormalizeCode(code).has_value());
  auto out = RunPairing(io_, a, b, code, code);
  ASSERT_TRUE(out.listener && out.dialer);
  ASSERT_TRUE(out.listener->has_value()) << out.listener->error().message;
  ASSERT_TRUE(out.dialer->has_value()) << out.dialer->error().message;
  EXPECT_EQ((*out.listener)->partner_public_key, a.id.public_key);
  EXPECT_EQ((*out.dialer)->partner_public_key, b.id.public_key);
  EXPECT_TRUE((*out.listener)->pair_secret.Equals((*out.dialer)->pair_secret));
  EXPECT_EQ((*out.listener)->check_words, (*out.dialer)->check_words);
  EXPECT_EQ((*out.listener)->check_words.size(), 4u);
  EXPECT_EQ(out.pins_listener, 1);
  EXPECT_EQ(out.pins_dialer, 1);
}

TEST_F(NetTest, WrongCodePinsNothingAndUsesTheCode) {
  Node a, b;
  auto out = RunPairing(io_, a, b, "1234-5678", "1234-5679");
  ASSERT_TRUE(out.listener && out.dialer);
  EXPECT_FALSE(out.listener->has_value());  // the listener gave up
  EXPECT_FALSE(out.dialer->has_value());
  EXPECT_EQ(out.dialer->error().code, Errc::kCrypto);
  EXPECT_EQ(out.pins_listener, 0);
  EXPECT_EQ(out.pins_dialer, 0);
}

TEST_F(NetTest, AnExpiredCodePinsNothing) {
  Node a, b;
  std::string code = NewPairingCode();
  int pins = 0;
  std::optional<Result<PairResult>> listener, dialer;
  auto acceptor = std::make_unique<tcp::acceptor>(
      io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto endpoint = acceptor->local_endpoint();
  // A code whose lifetime is already over when the listener starts.
  Spawn(io_,
        PairAsListener(
            *acceptor, code, b.id.public_key,
            [&](const PairResult&) {
              ++pins;
              return Status{};
            },
            std::chrono::milliseconds(0)),
        listener);
  ASSERT_TRUE(RunToCompletion(io_));
  ASSERT_TRUE(listener);
  ASSERT_FALSE(listener->has_value());
  EXPECT_EQ(listener->error().code, Errc::kUnreachable);
  EXPECT_NE(listener->error().message.find("expired"), std::string::npos);
  // The listener is gone (as `inch pair --listen` exits): typing the code
  // now reaches no one and pins nothing.
  acceptor.reset();
  io_.restart();
  Spawn(io_,
        PairAsDialer(endpoint, code, a.id.public_key,
                     [&](const PairResult&) {
                       ++pins;
                       return Status{};
                     }),
        dialer);
  ASSERT_TRUE(RunToCompletion(io_));
  ASSERT_TRUE(dialer);
  EXPECT_FALSE(dialer->has_value());
  EXPECT_EQ(pins, 0);
}

TEST_F(NetTest, MalformedCodesAreRejected) {
  EXPECT_FALSE(NormalizeCode("1234-567").has_value());
  EXPECT_FALSE(NormalizeCode("1234-567a").has_value());
  EXPECT_EQ(*NormalizeCode(" 1234 5678 "), "12345678");
}

TEST_F(NetTest, SyncConvergesBothWaysAndIsIdempotent) {
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

TEST_F(NetTest, LaterChangesFlowInALaterSync) {
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
TEST_F(NetTest, AnUnknownMessageTypeEndsTheSessionAndChangesNothing) {
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
  auto acceptor = Listen();
  auto endpoint = acceptor.local_endpoint();
  auto secret_a = a.store->pairing().PairSecret();
  auto secret_b = b.store->pairing().PairSecret();
  ASSERT_TRUE(secret_a && secret_b);
  std::optional<Result<SyncStats>> rb;
  auto server = [&]() -> awaitable<Result<SyncStats>> {
    auto socket = co_await acceptor.async_accept(use_awaitable);
    std::vector<PeerKeys> keys{{&b.id.secret_key, a.id.public_key, &*secret_b}};
    auto ch = co_await SecureChannel::Accept(
        Connection::Create(std::move(socket)), keys, nullptr);
    if (!ch) co_return std::unexpected(ch.error());
    auto session = std::make_shared<SyncSession>(
        std::move(*ch), b.store->sync(), SyncOptions{});
    co_return co_await session->Run();
  };
  std::optional<Status> sent;
  auto client = [&]() -> awaitable<Status> {
    tcp::socket socket(io_);
    co_await socket.async_connect(endpoint, use_awaitable);
    PeerKeys keys{&a.id.secret_key, b.id.public_key, &*secret_a};
    auto ch = co_await SecureChannel::Initiate(
        Connection::Create(std::move(socket)), keys);
    if (!ch) co_return std::unexpected(ch.error());
    proto::WireMessage hello;
    hello.mutable_hello()->set_version(kProtocolVersion);
    if (auto st = co_await (*ch)->Send(hello); !st) co_return st;
    proto::WireMessage unknown;  // field 99: no such message in version 1
    unknown.GetReflection()->MutableUnknownFields(&unknown)->AddVarint(99, 1);
    if (auto st = co_await (*ch)->Send(unknown); !st) co_return st;
    while (co_await (*ch)->Receive()) {
    }  // until the server closes
    co_return Status{};
  };
  Spawn(io_, server(), rb);
  Spawn(io_, client(), sent);
  ASSERT_TRUE(RunToCompletion(io_));
  io_.restart();
  ASSERT_TRUE(rb && sent);
  ASSERT_TRUE(sent->has_value()) << sent->error().message;
  ASSERT_FALSE(rb->has_value());
  EXPECT_EQ(rb->error().code, Errc::kProtocol) << rb->error().message;
  EXPECT_EQ(everything(b), b_before);
  EXPECT_EQ(*b.store->sync().ReceivedUpTo(), 0u);

  auto [ra2, rb2] = Sync(a, b);
  ASSERT_TRUE(ra2.has_value() && rb2.has_value());
  EXPECT_EQ(SharedView(a), SharedView(b));
}

// A hostile or buggy partner sends one op this node must refuse, then a
// good one: the refusal is named in the Ack, the good op applies, and the
// sequence moves on, so no later sync is stuck behind it.
TEST_F(NetTest, ARefusedOpIsNamedInTheAckAndBlocksNothing) {
  Node a, b;
  PinBoth(a, b);
  auto acceptor = Listen();
  auto endpoint = acceptor.local_endpoint();
  auto secret_a = a.store->pairing().PairSecret();
  auto secret_b = b.store->pairing().PairSecret();
  ASSERT_TRUE(secret_a && secret_b);
  std::optional<Result<SyncStats>> rb;
  auto server = [&]() -> awaitable<Result<SyncStats>> {
    auto socket = co_await acceptor.async_accept(use_awaitable);
    std::vector<PeerKeys> keys{{&b.id.secret_key, a.id.public_key, &*secret_b}};
    auto ch = co_await SecureChannel::Accept(
        Connection::Create(std::move(socket)), keys, nullptr);
    if (!ch) co_return std::unexpected(ch.error());
    auto session = std::make_shared<SyncSession>(
        std::move(*ch), b.store->sync(), SyncOptions{});
    co_return co_await session->Run();
  };
  std::optional<proto::SyncAck> ack;
  std::optional<Status> sent;
  auto client = [&]() -> awaitable<Status> {
    tcp::socket socket(io_);
    co_await socket.async_connect(endpoint, use_awaitable);
    PeerKeys keys{&a.id.secret_key, b.id.public_key, &*secret_a};
    auto ch = co_await SecureChannel::Initiate(
        Connection::Create(std::move(socket)), keys);
    if (!ch) co_return std::unexpected(ch.error());
    proto::WireMessage hello;
    hello.mutable_hello()->set_version(kProtocolVersion);
    if (auto st = co_await (*ch)->Send(hello); !st) co_return st;
    const crypto::Secret op_key = store::PairOpKey(*secret_a);
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
    if (auto st = co_await (*ch)->Send(batch); !st) co_return st;
    for (;;) {
      auto m = co_await (*ch)->Receive();
      if (!m) break;
      if (m->has_ack()) {
        ack = m->ack();
        break;
      }
    }
    (*ch)->connection().Close();
    co_return Status{};
  };
  Spawn(io_, server(), rb);
  Spawn(io_, client(), sent);
  ASSERT_TRUE(RunToCompletion(io_));
  io_.restart();
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
TEST_F(NetTest, ASessionRecoversARolledBackLog) {
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
TEST_F(NetTest, TheSessionConvergesBetweenTwoFakePorts) {
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
TEST_F(NetTest, TheSessionRecoversBetweenTwoFakePorts) {
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

TEST_F(NetTest, LargeSyncUsesManyBatches) {
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
