// The dialing side of the protocol, for `inch sync`, `inch unpair` and the
// daemon's reconnect loop: connect with a deadline, authenticate, then run
// one sync session or deliver an owed unpair notice.
#pragma once

#include <chrono>
#include <memory>

#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/secure_channel.hpp"
#include "net/sync_session.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::net {

inline constexpr auto kConnectTimeout = std::chrono::seconds(5);

// Connects to `peer`. kUnreachable (refused, no route, timeout).
awaitable<Result<std::shared_ptr<Connection>>> Dial(tcp::endpoint peer);

// Dials the pinned partner at `peer` and syncs once (or, with
// options.live, until the connection ends). kNotFound when unpaired,
// kUnreachable when it cannot be reached or vanished, kCrypto when the
// handshake failed (not our partner, or it unpaired us), kProtocol.
// `on_session` (optional) sees the session once it runs (daemon pushes).
awaitable<Result<SyncStats>> SyncWith(
    store::SyncPort& store, const crypto::Secret& my_secret, tcp::endpoint peer,
    SyncOptions options,
    std::function<void(std::shared_ptr<SyncSession>)> on_session = {});

// Delivers an owed unpair notice to `peer` (dial, handshake with the old
// keys, UnpairNotice, wait for its echo). kUnreachable, kCrypto.
awaitable<Status> DeliverUnpair(const crypto::Secret& my_secret,
                                const store::UnpairNotice& notice,
                                tcp::endpoint peer);

// Sends the notice on an authenticated channel and waits for the echo (or
// the peer closing after it erased us). kUnreachable on failure.
awaitable<Status> SendUnpairNotice(SecureChannel& channel);

}  // namespace inch::net
