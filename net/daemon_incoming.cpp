// The daemon's incoming side up to the session slot (daemon_incoming.hpp).
#include "net/daemon_incoming.hpp"

#include <vector>

#include "net/client.hpp"

namespace inch::net {

awaitable<std::optional<IncomingPartner>> AuthenticateIncoming(
    std::shared_ptr<Connection> conn, store::SyncPort& watch,
    const crypto::Identity& identity) {
  const std::string peer = conn->peer();
  // Candidates: the pinned partner, and an old partner still owed an
  // unpair notice (always last). The secrets live in this frame until the
  // handshake ends.
  std::vector<PeerKeys> candidates;
  std::optional<crypto::Secret> pair_secret;
  auto partner = watch.Partner();
  if (partner && *partner) {
    if (auto s = watch.PairSecret()) {
      pair_secret = std::move(*s);
      candidates.push_back(
          {&identity.secret_key, (*partner)->public_key, &*pair_secret});
    }
  }
  std::optional<store::UnpairNotice> owed;
  if (auto p = watch.OwedUnpairNotice(); p && *p) {
    owed = std::move(**p);
    candidates.push_back(
        {&identity.secret_key, owed->partner_public_key, &owed->pair_secret});
  }
  if (candidates.empty()) {
    spdlog::info("closed a connection from {}: not paired", peer);
    conn->Close();
    co_return std::nullopt;
  }
  std::size_t matched = 0;
  auto channel = co_await SecureChannel::Accept(conn, candidates, &matched);
  if (!channel) {
    spdlog::info("handshake failed from {}", peer);
    co_return std::nullopt;
  }
  // Liveness: the dialer's first transport frame, under the handshake
  // deadline. A replayed first message cannot produce it.
  conn->SetDeadline(kHandshakeTimeout);
  auto first = co_await (*channel)->Receive();
  if (!first || !first->has_hello()) {
    spdlog::info(
        "closed a connection from {}: it completed the handshake but sent "
        "no Hello (a replayed recording, or a vanished peer)",
        peer);
    conn->Close();
    co_return std::nullopt;
  }
  conn->ClearDeadline();
  if (owed && matched == candidates.size() - 1) {
    if (auto st = co_await SendUnpairNotice(**channel); st) {
      (void)watch.ForgetUnpairNotice(owed->partner_public_key);
      spdlog::info("told the old partner at {} that we unpaired", peer);
    }
    co_return std::nullopt;
  }
  co_return IncomingPartner{std::move(*channel), std::move(*first)};
}

awaitable<void> RefuseAsBusy(SecureChannel& channel) {
  Connection& conn = channel.connection();
  proto::WireMessage busy;
  busy.mutable_busy();
  if (co_await channel.Send(busy)) {  // best effort: the reason
    // Read until the peer closes (it does on Busy), so that closing with
    // frames unread sends no reset that could overtake the Busy.
    conn.ShutdownSend();
    conn.SetDeadline(std::chrono::seconds(2));
    while (co_await channel.Receive()) {
    }
  }
  conn.Close();
}

}  // namespace inch::net
