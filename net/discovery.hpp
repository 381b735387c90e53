// LAN discovery: a pairing offer while `inch pair` waits, and a paired
// node's presence, multicast on every interface (docs/PROTOCOL.md
// "Discovery"; datagrams in discovery_wire.hpp).
//
// Why our own announcer and not Avahi/mDNS-SD: a DNS-SD service is
// published under a stable instance name and host name, which is exactly
// the stable identifier a stranger could use to link a node across time
// and networks. Presence must be unlinkable random bytes that only the
// partner can recognise, which no DNS-SD record can be; so we send two
// fixed-size datagrams of our own.
//
// Both services run on one io_context thread and are owned by a
// shared_ptr; Stop() ends their coroutines, which keep them alive until then.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/presence.hpp"
#include "crypto/secret.hpp"
#include "net/asio.hpp"
#include "net/discovery_socket.hpp"
#include "net/discovery_wire.hpp"

namespace inch::net {

inline constexpr auto kPresenceInterval = std::chrono::seconds(5);
inline constexpr auto kOfferInterval = std::chrono::seconds(1);
// How often the interface list is read to notice a change (then we
// announce at once and join the group on new interfaces).
inline constexpr auto kInterfacePoll = std::chrono::seconds(1);

// Sends `make()` on every announce interface every `interval`, and at once
// when the set of interfaces (or their IPv4 addresses) changes.
class Announcer : public std::enable_shared_from_this<Announcer> {
 public:
  Announcer(std::shared_ptr<DiscoverySocket> socket,
            std::function<Bytes()> make,
            std::chrono::steady_clock::duration interval);
  void Start();
  void Stop();  // idempotent
  // Datagrams handed to the kernel so far (benchmarks, tests).
  std::uint64_t sent() const { return sent_; }

 private:
  awaitable<void> Loop();
  std::shared_ptr<DiscoverySocket> socket_;
  std::function<Bytes()> make_;
  std::chrono::steady_clock::duration interval_;
  asio::steady_timer timer_;
  std::vector<AnnounceInterface> interfaces_;
  bool stopped_ = false;
  std::uint64_t sent_ = 0;
};

// `inch pair` (listener): offers `tcp_port` on the LAN with a fresh nonce
// until Stop(). kUnreachable when the discovery port cannot be opened.
class OfferAnnouncer {
 public:
  static Result<std::unique_ptr<OfferAnnouncer>> Start(
      asio::any_io_executor executor, std::uint16_t tcp_port,
      unsigned short udp_port = DiscoveryPort());
  ~OfferAnnouncer();
  void Stop();

  OfferAnnouncer(std::shared_ptr<DiscoverySocket> socket,
                 std::shared_ptr<Announcer> announcer);

 private:
  std::shared_ptr<DiscoverySocket> socket_;
  std::shared_ptr<Announcer> announcer_;
};

// A paired node's presence: announces `tcp_port` every 5 s (and at once
// when the interfaces change), and calls `on_partner_seen` with the
// datagram's source address and the port it carries whenever a partner's
// announcement verifies (at most once a second per endpoint; a replayed
// datagram, i.e. a nonce already heard, is dropped). An unpaired node must
// not create one: it would have nothing to announce.
class PresenceService : public std::enable_shared_from_this<PresenceService> {
 public:
  using SeenFunction = std::function<void(const tcp::endpoint&)>;
  struct Options {
    unsigned short udp_port = DiscoveryPort();
    std::chrono::steady_clock::duration interval = kPresenceInterval;
  };

  // `pair_secret` 32 bytes, public keys 32 bytes each. kUnreachable when
  // the discovery port cannot be opened (the caller keeps working without
  // discovery: dialing a known address still works).
  static Result<std::shared_ptr<PresenceService>> Start(
      asio::any_io_executor executor, const crypto::Secret& pair_secret,
      Bytes my_public_key, Bytes partner_public_key, std::uint16_t tcp_port,
      SeenFunction on_partner_seen, Options options);
  void Stop();  // idempotent; no callback runs after it
  std::uint64_t sent() const;

  PresenceService(const crypto::Secret& pair_secret, Bytes my_public_key,
                  Bytes partner_public_key, std::uint16_t tcp_port,
                  SeenFunction on_partner_seen);  // use Start

 private:
  void OnDatagram(ByteView datagram, const asio::ip::address& source);
  bool SeenNonce(ByteView nonce);

  crypto::PresenceKey key_;
  Bytes my_public_key_, partner_public_key_;
  std::uint16_t tcp_port_;
  SeenFunction on_partner_seen_;
  std::shared_ptr<DiscoverySocket> socket_;
  std::shared_ptr<Announcer> announcer_;
  std::deque<Bytes> nonce_order_;
  std::set<Bytes> nonces_;
  std::map<tcp::endpoint, std::chrono::steady_clock::time_point> last_call_;
  bool stopped_ = false;
};

}  // namespace inch::net
