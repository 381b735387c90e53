// The daemon's presence on the LAN, kept in step with the pairing: while
// paired it announces this node (PresenceService, discovery.hpp) and
// hands every verified sighting of the partner to the daemon; unpaired, or
// paired anew, it stops or starts again with the new pair's keys. Only a
// daemon listening on a wildcard address announces: a sighting gives the
// datagram's source address, which a daemon bound to one address (say
// 127.0.0.1) may not be listening on. For the same reason a daemon
// listening on IPv4 only ignores sightings from IPv6 addresses (the
// partner announces over both): dialling one would reach no one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"
#include "net/asio.hpp"
#include "net/discovery.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::net {

// States: silent (unpaired, or the discovery port could not be opened) ->
// announcing (paired: a PresenceService for this pair's keys) -> silent
// again on unpairing or Stop(), or announcing anew for a new pair.
// Transitions: Follow() only. Invariants: announcing_for_ holds the pair
// secret of the running service exactly when service_ is set; followed_
// is the store's pairing generation the current state was read for, and
// is unset while the state may lag the pairing (never read, a store error,
// or announcing failed and is retried on the next Follow).
class PresenceFollower {
 public:
  PresenceFollower(asio::any_io_executor executor, Bytes my_public_key,
                   const tcp::endpoint& listening,
                   PresenceService::SeenFunction on_partner_seen,
                   PresenceService::Options options = {});
  ~PresenceFollower();
  PresenceFollower(const PresenceFollower&) = delete;
  PresenceFollower& operator=(const PresenceFollower&) = delete;

  // Starts, restarts or stops the announcements to match the pairing in
  // `store`. Called on every change to the store, so it reads the pin and
  // the pair secret only when the pairing generation moved. A store error
  // leaves things as they are.
  void Follow(store::PartnerLink& store);
  void Stop();  // idempotent
  bool announcing() const { return service_ != nullptr; }

 private:
  asio::any_io_executor executor_;
  Bytes my_public_key_;
  tcp::endpoint listening_;
  PresenceService::SeenFunction on_partner_seen_;
  PresenceService::Options options_;
  std::shared_ptr<PresenceService> service_;
  std::optional<crypto::Secret> announcing_for_;
  std::optional<std::uint64_t> followed_;
  bool said_unavailable_ = false;
};

}  // namespace inch::net
