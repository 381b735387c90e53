// The daemon's incoming side before a connection may take the session
// slot: which keys may answer it, the handshake, and the liveness proof
// (the dialer's first transport frame, see daemon.hpp). An old partner
// that is still owed an unpair notice is told here, and goes no further.
#pragma once

#include <memory>
#include <optional>

#include "crypto/identity.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/secure_channel.hpp"
#include "proto/wire.pb.h"
#include "store/shared/sync_port.hpp"

namespace inch::net {

// The partner, authenticated and live.
struct IncomingPartner {
  std::unique_ptr<SecureChannel> channel;
  proto::WireMessage hello;  // its first message, a Hello
};

// Authenticates `conn` against the pinned partner and an old partner owed
// an unpair notice, reading their keys from `watch` (a long-lived handle:
// a stranger's connection opens no database). nullopt when the connection
// ended here: not paired, a failed handshake, no Hello in time, or an old
// partner that was told of the unpair. Each case is logged at info level.
awaitable<std::optional<IncomingPartner>> AuthenticateIncoming(
    std::shared_ptr<Connection> conn, store::SyncPort& watch,
    const crypto::Identity& identity);

// Tells an authenticated partner that a session is already live (Busy),
// then closes once the partner has closed (or after a short wait), so that
// no reset overtakes the Busy.
awaitable<void> RefuseAsBusy(SecureChannel& channel);

}  // namespace inch::net
