// The UDP sockets LAN discovery sends and hears on: one IPv4 and one IPv6
// socket bound to the discovery port (SO_REUSEADDR, so several nodes on one
// host each get every datagram), joined to the group on every announce
// interface, sending on each interface in turn with TTL/hops 1.
// Owned by a shared_ptr; receive loops hold it until Close().
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "net/asio.hpp"
#include "net/interfaces.hpp"

namespace inch::net {

using udp = asio::ip::udp;

inline constexpr unsigned short kDefaultDiscoveryPort = 47471;
// The UDP port: INCH_DISCOVERY_PORT when set to a valid port (tests run
// several pairs at once), else 47471.
unsigned short DiscoveryPort();
asio::ip::address_v4 DiscoveryGroupV4();  // 239.255.74.71
asio::ip::address_v6 DiscoveryGroupV6();  // ff02::74:71

class DiscoverySocket : public std::enable_shared_from_this<DiscoverySocket> {
 public:
  // Called for every datagram heard (any size up to the receive buffer),
  // with its source address (IPv6 link-local with the receiving scope).
  using Handler = std::function<void(ByteView, const asio::ip::address&)>;

  // Opens whichever of IPv4 and IPv6 this host has. kUnreachable when
  // neither can be bound (the message says why).
  static Result<std::shared_ptr<DiscoverySocket>> Open(
      asio::any_io_executor executor, unsigned short port);

  // Joins the group on each interface not yet joined (a re-added
  // interface is joined again). Never fails: an interface that refuses is
  // skipped and logged at debug level.
  void Join(const std::vector<AnnounceInterface>& interfaces);
  // Sends `datagram` once per interface and family (`make` is called for
  // each, so each datagram can carry a fresh nonce). Returns how many
  // were handed to the kernel.
  int SendAll(const std::function<Bytes()>& make,
              const std::vector<AnnounceInterface>& interfaces);
  // Starts the receive loops; `handler` runs on the socket's executor.
  void Start(Handler handler);
  void Close();  // idempotent; the loops end
  const asio::any_io_executor& executor() const { return executor_; }

  explicit DiscoverySocket(asio::any_io_executor executor);  // use Open

 private:
  awaitable<void> ReceiveLoop(udp::socket& socket);

  std::optional<udp::socket> v4_, v6_;
  unsigned short port_ = 0;
  std::vector<AnnounceInterface> joined_;
  Handler handler_;
  asio::any_io_executor executor_;
  bool closed_ = false;
};

}  // namespace inch::net
