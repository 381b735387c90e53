// In-process two-node harness for the channel, pairing and session tests
// (tests/net/*_test.cpp): temporary stores, an io_context run to
// completion (so a leaked session, timer or socket fails the run), and the
// two ends of a Noise channel or a sync session on 127.0.0.1, port 0.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/identity.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/secure_channel.hpp"
#include "net/sync_session.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::net::testing {

namespace fs = std::filesystem;
using ChannelResult = Result<std::unique_ptr<SecureChannel>>;

// Runs io until it has no work left, with a generous cap; returns false if
// work was still pending at the cap (a leaked timer or session).
inline bool RunToCompletion(asio::io_context& io) {
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

// One node: an identity and a real shared store in a temporary folder.
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

// `self` talking to `peer` under `psk`.
inline PeerKeys KeysFor(const crypto::Identity& self,
                        const crypto::Identity& peer,
                        const crypto::Secret& psk) {
  return PeerKeys{&self.secret_key, peer.public_key, &psk};
}

// The responder's end: accepts one connection and answers its handshake.
// `conn`, when given, gets the connection (to ask whether it timed out).
inline awaitable<ChannelResult> AcceptChannel(
    tcp::acceptor& acceptor, PeerKeys keys,
    std::shared_ptr<Connection>* conn = nullptr) {
  auto socket = co_await acceptor.async_accept(use_awaitable);
  auto c = Connection::Create(std::move(socket));
  if (conn != nullptr) *conn = c;
  const std::vector<PeerKeys> candidates{std::move(keys)};
  co_return co_await SecureChannel::Accept(c, candidates, nullptr);
}

// The initiator's end: connects to `endpoint` and runs the handshake.
inline awaitable<ChannelResult> DialChannel(tcp::endpoint endpoint,
                                            PeerKeys keys) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(endpoint, use_awaitable);
  co_return co_await SecureChannel::Initiate(
      Connection::Create(std::move(socket)), keys);
}

// One whole sync session over `channel` (or its failure) for `port`.
inline awaitable<Result<SyncStats>> RunSession(ChannelResult channel,
                                               store::SyncPort& port) {
  if (!channel) co_return std::unexpected(channel.error());
  auto session =
      std::make_shared<SyncSession>(std::move(*channel), port, SyncOptions{});
  co_return co_await session->Run();
}

class NetTest : public ::testing::Test {
 protected:
  using SyncPair = std::pair<Result<SyncStats>, Result<SyncStats>>;

  void SetUp() override { ASSERT_TRUE(crypto::InitCrypto()); }

  // Acceptor on 127.0.0.1, port 0.
  tcp::acceptor Listen() {
    return tcp::acceptor(io_,
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  }

  void PinBoth(Node& a, Node& b) {
    auto secret = crypto::Secret::Random(32);
    ASSERT_TRUE(
        a.store->pairing().SetPartner(b.id.public_key, secret).has_value());
    ASSERT_TRUE(
        b.store->pairing().SetPartner(a.id.public_key, secret).has_value());
  }

  // One sync between a (dialer) and b (listener).
  SyncPair Sync(Node& a, Node& b) {
    auto secret = a.store->pairing().PairSecret();
    EXPECT_TRUE(secret.has_value());
    return SyncPorts(a.store->sync(), a.id, b.store->sync(), b.id, *secret);
  }

  // One sync between two sync ports (a dials b) over a real channel.
  SyncPair SyncPorts(store::SyncPort& port_a, const crypto::Identity& id_a,
                     store::SyncPort& port_b, const crypto::Identity& id_b,
                     const crypto::Secret& secret) {
    auto acceptor = Listen();
    auto server = [&]() -> awaitable<Result<SyncStats>> {
      co_return co_await RunSession(
          co_await AcceptChannel(acceptor, KeysFor(id_b, id_a, secret)),
          port_b);
    };
    auto client = [&]() -> awaitable<Result<SyncStats>> {
      co_return co_await RunSession(
          co_await DialChannel(acceptor.local_endpoint(),
                               KeysFor(id_a, id_b, secret)),
          port_a);
    };
    std::optional<Result<SyncStats>> ra, rb;
    Spawn(io_, server(), rb);
    Spawn(io_, client(), ra);
    EXPECT_TRUE(RunToCompletion(io_));
    io_.restart();
    auto missing = [] { return Fail(Errc::kIo, "the session never ended"); };
    return {ra ? std::move(*ra) : missing(), rb ? std::move(*rb) : missing()};
  }

  // b runs a real session while a is played by `script`, which gets a's
  // channel once it has sent its Hello. Returns b's result; `*played`
  // gets the script's.
  template <class Script>
  Result<SyncStats> AgainstScriptedA(Node& a, Node& b, Script& script,
                                     std::optional<Status>* played) {
    auto secret = a.store->pairing().PairSecret();
    EXPECT_TRUE(secret.has_value());
    if (!secret) return std::unexpected(secret.error());
    auto acceptor = Listen();
    auto server = [&]() -> awaitable<Result<SyncStats>> {
      co_return co_await RunSession(
          co_await AcceptChannel(acceptor, KeysFor(b.id, a.id, *secret)),
          b.store->sync());
    };
    auto client = [&]() -> awaitable<Status> {
      auto ch = co_await DialChannel(acceptor.local_endpoint(),
                                     KeysFor(a.id, b.id, *secret));
      if (!ch) co_return std::unexpected(ch.error());
      proto::WireMessage hello;
      hello.mutable_hello()->set_version(kProtocolVersion);
      if (auto st = co_await (*ch)->Send(hello); !st) co_return st;
      co_return co_await script(**ch);
    };
    std::optional<Result<SyncStats>> rb;
    Spawn(io_, server(), rb);
    Spawn(io_, client(), *played);
    EXPECT_TRUE(RunToCompletion(io_));
    io_.restart();
    EXPECT_TRUE(played->has_value());
    if (!rb) return Fail(Errc::kIo, "b's session never ended");
    return std::move(*rb);
  }

  std::string SharedView(Node& n) {
    auto s = n.store->reader().SharedState();
    EXPECT_TRUE(s.has_value());
    return store::Canonical(*s, n.store->pairing().MeLow());
  }

  asio::io_context io_;
};

}  // namespace inch::net::testing
