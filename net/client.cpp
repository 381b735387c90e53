// Dialing: connect with a deadline, Noise initiator, then a sync session
// or the unpair notice (client.hpp).
#include "net/client.hpp"

#include <spdlog/spdlog.h>

namespace inch::net {

awaitable<Result<std::shared_ptr<Connection>>> Dial(tcp::endpoint peer) {
  auto executor = co_await asio::this_coro::executor;
  auto conn = Connection::Create(tcp::socket(executor));
  conn->SetDeadline(kConnectTimeout);
  boost::system::error_code ec;
  co_await conn->socket().async_connect(
      peer, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    conn->Close();
    co_return Fail(Errc::kUnreachable,
                   "cannot reach " + FormatEndpoint(peer) + ": " +
                       (conn->timed_out() ? "timed out" : ec.message()));
  }
  conn->ClearDeadline();
  // Re-create to record the peer address now that it is connected.
  co_return Connection::Create(std::move(conn->socket()));
}

awaitable<Result<SyncStats>> SyncWith(
    store::SyncPort& store, const crypto::Secret& my_secret, tcp::endpoint peer,
    SyncOptions options,
    std::function<void(std::shared_ptr<SyncSession>)> on_session) {
  auto partner = store.Partner();
  if (!partner) co_return std::unexpected(partner.error());
  if (!*partner) co_return Fail(Errc::kNotFound, "not paired: run `inch pair`");
  auto secret = store.PairSecret();
  if (!secret) co_return std::unexpected(secret.error());
  auto conn = co_await Dial(peer);
  if (!conn) co_return std::unexpected(conn.error());
  PeerKeys keys{&my_secret, (*partner)->public_key, &*secret};
  auto channel = co_await SecureChannel::Initiate(*conn, keys);
  if (!channel) {
    co_return Fail(channel.error().code == Errc::kCrypto ? Errc::kCrypto
                                                         : Errc::kUnreachable,
                   "the partner's node at " + FormatEndpoint(peer) +
                       " did not complete the handshake (busy, not our "
                       "partner, or it unpaired)");
  }
  auto session =
      std::make_shared<SyncSession>(std::move(*channel), store, options);
  if (on_session) on_session(session);
  auto result = co_await session->Run();
  if (on_session) on_session(nullptr);
  co_return result;
}

awaitable<Status> SendUnpairNotice(SecureChannel& channel) {
  // Every session starts with Hello; ours claims nothing and stays short.
  proto::WireMessage hello;
  hello.mutable_hello()->set_version(kProtocolVersion);
  if (auto st = co_await channel.Send(hello); !st) co_return st;
  proto::WireMessage notice;
  notice.mutable_unpair();
  if (auto st = co_await channel.Send(notice); !st) co_return st;
  channel.connection().SetDeadline(std::chrono::seconds(10));
  // The peer answers with its Hello (sent before it read ours) and then
  // echoes the notice once it erased us; anything else is skipped.
  for (;;) {
    auto reply = co_await channel.Receive();
    if (!reply) {
      co_return Fail(Errc::kUnreachable, "the notice was not acknowledged");
    }
    if (reply->has_unpair()) break;
  }
  channel.connection().Close();
  co_return Status{};
}

awaitable<Status> DeliverUnpair(const crypto::Secret& my_secret,
                                const store::UnpairNotice& notice,
                                tcp::endpoint peer) {
  auto conn = co_await Dial(peer);
  if (!conn) co_return std::unexpected(conn.error());
  PeerKeys keys{&my_secret, notice.partner_public_key, &notice.pair_secret};
  auto channel = co_await SecureChannel::Initiate(*conn, keys);
  if (!channel) co_return std::unexpected(channel.error());
  co_return co_await SendUnpairNotice(**channel);
}

}  // namespace inch::net
