// The Noise channel between two in-process nodes on 127.0.0.1: messages
// both ways under one handshake hash, strangers refused on both sides, and
// the handshake deadline for a peer that sends nothing. Every run ends with
// the io_context out of work (tests/net/two_node_harness.hpp).
#include <gtest/gtest.h>

#include "tests/net/two_node_harness.hpp"

namespace inch::net {
namespace {

using namespace testing;  // the harness
using ChannelTest = NetTest;

TEST_F(ChannelTest, ChannelCarriesMessagesBothWays) {
  Node a, b;
  auto psk = crypto::Secret::Random(32);
  auto acceptor = Listen();
  std::optional<Result<std::string>> got_a, got_b;
  auto server = [&]() -> awaitable<Result<std::string>> {
    auto ch = co_await AcceptChannel(acceptor, KeysFor(b.id, a.id, psk));
    if (!ch) co_return std::unexpected(ch.error());
    auto m = co_await (*ch)->Receive();
    if (!m) co_return std::unexpected(m.error());
    proto::WireMessage reply;
    reply.mutable_ack()->set_received_up_to(m->hello().received_up_to() + 1);
    (void)co_await (*ch)->Send(reply);
    co_return ToHex((*ch)->handshake_hash());
  };
  auto client = [&]() -> awaitable<Result<std::string>> {
    auto ch = co_await DialChannel(acceptor.local_endpoint(),
                                   KeysFor(a.id, b.id, psk));
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
TEST_F(ChannelTest, HandshakeFailsForStrangers) {
  Node a, b, mallory;
  auto psk = crypto::Secret::Random(32);
  auto wrong_psk = crypto::Secret::Random(32);
  for (int variant = 0; variant < 2; ++variant) {
    auto acceptor = Listen();
    std::optional<ChannelResult> server_result, client_result;
    PeerKeys stranger = variant == 0 ? KeysFor(a.id, b.id, wrong_psk)
                                     : KeysFor(mallory.id, b.id, psk);
    Spawn(io_, AcceptChannel(acceptor, KeysFor(b.id, a.id, psk)),
          server_result);
    Spawn(io_, DialChannel(acceptor.local_endpoint(), stranger), client_result);
    ASSERT_TRUE(RunToCompletion(io_));
    io_.restart();
    ASSERT_TRUE(server_result && client_result);
    EXPECT_FALSE(server_result->has_value()) << variant;
    EXPECT_FALSE(client_result->has_value()) << variant;
  }
}

TEST_F(ChannelTest, PeerThatSendsNothingHitsTheHandshakeDeadline) {
  Node a, b;
  auto psk = crypto::Secret::Random(32);
  auto acceptor = Listen();
  std::optional<ChannelResult> server_result;
  std::shared_ptr<Connection> conn;
  tcp::socket idle(io_);
  idle.connect(acceptor.local_endpoint());
  Spawn(io_, AcceptChannel(acceptor, KeysFor(b.id, a.id, psk), &conn),
        server_result);
  ASSERT_TRUE(RunToCompletion(io_));
  ASSERT_TRUE(server_result);
  ASSERT_FALSE(server_result->has_value());
  EXPECT_EQ(server_result->error().code, Errc::kUnreachable);
  ASSERT_TRUE(conn);
  EXPECT_TRUE(conn->timed_out());
}

}  // namespace
}  // namespace inch::net
