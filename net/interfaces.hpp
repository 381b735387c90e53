// This host's network interfaces, as discovery and `inch pair --listen`
// need them: the addresses a partner on the LAN could reach us at, and the
// interfaces to send multicast announcements on. Read with getifaddrs(3);
// the filtering is a pure function so tests can feed it a fake list.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "net/asio.hpp"

namespace inch::net {

// One address of one interface, as getifaddrs reports it.
struct InterfaceAddress {
  std::string name;        // "eth0"
  unsigned index = 0;      // if_nametoindex, the IPv6 scope id
  bool up = false;         // IFF_UP and IFF_RUNNING
  bool loopback = false;   // IFF_LOOPBACK
  bool multicast = false;  // IFF_MULTICAST
  asio::ip::address address;
};

// Every IPv4/IPv6 address of every interface, unfiltered. kUnreachable if
// getifaddrs fails (with its reason).
Result<std::vector<InterfaceAddress>> ListInterfaceAddresses();

// The addresses a partner on the LAN can dial, best first: IPv4 (not
// loopback, not link-local 169.254/16 unless it is all there is), then
// IPv6 global and ULA, then IPv6 link-local with its scope id. Only up,
// non-loopback interfaces. Duplicates removed. No routing-table guess: every
// candidate is listed because no one interface is "the" LAN.
std::vector<asio::ip::address> LanAddresses(
    const std::vector<InterfaceAddress>& all);

// An interface to announce on: up, multicast-capable, not loopback, with
// the families it has an address in (IPv4 needs an address to pick the
// outgoing interface by; IPv6 multicast uses the index).
struct AnnounceInterface {
  std::string name;
  unsigned index = 0;
  asio::ip::address_v4 v4;  // unspecified if the interface has none
  bool has_v4 = false;
  bool has_v6 = false;
  friend bool operator==(const AnnounceInterface&,
                         const AnnounceInterface&) = default;
};
// Sorted by index, so two calls on an unchanged host compare equal (the
// presence service re-announces when the set changes).
std::vector<AnnounceInterface> AnnounceInterfaces(
    const std::vector<InterfaceAddress>& all);

// The strings `inch pair --listen` prints for an acceptor bound to `bound`:
// just that address when it is specific (loopback included: it was asked
// for), else every LAN address of its family (an IPv6 wildcard accepts both
// families here, so it lists both), each with the bound port. Empty when
// the host has no LAN address at all.
std::vector<std::string> DisplayAddresses(
    const tcp::endpoint& bound, const std::vector<InterfaceAddress>& all);

}  // namespace inch::net
