// getifaddrs and the pure filters over its result (interfaces.hpp).
#include "net/interfaces.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "net/connection.hpp"

namespace inch::net {
namespace {

bool IsLinkLocalV4(const asio::ip::address_v4& a) {
  return (a.to_uint() & 0xFFFF0000u) == 0xA9FE0000u;  // 169.254/16
}

// fc00::/7, unique local: reachable on the home LAN like a global address.
bool IsUniqueLocal(const asio::ip::address_v6& a) {
  return (a.to_bytes()[0] & 0xFE) == 0xFC;
}

bool Usable(const InterfaceAddress& ia) {
  if (!ia.up || ia.loopback) return false;
  const auto& a = ia.address;
  if (a.is_unspecified() || a.is_loopback() || a.is_multicast()) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return false;
  return true;
}

// Lower rank prints first.
int Rank(const asio::ip::address& a) {
  if (a.is_v4()) return IsLinkLocalV4(a.to_v4()) ? 4 : 0;
  auto v6 = a.to_v6();
  if (v6.is_link_local()) return 5;
  return IsUniqueLocal(v6) ? 2 : 1;
}

}  // namespace

Result<std::vector<InterfaceAddress>> ListInterfaceAddresses() {
  ifaddrs* head = nullptr;
  if (getifaddrs(&head) != 0) {
    return Fail(
        Errc::kUnreachable,
        std::string("cannot list network interfaces: ") + std::strerror(errno));
  }
  std::vector<InterfaceAddress> out;
  for (ifaddrs* it = head; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_name == nullptr) continue;
    InterfaceAddress ia;
    ia.name = it->ifa_name;
    ia.index = if_nametoindex(it->ifa_name);
    ia.up = (it->ifa_flags & IFF_UP) && (it->ifa_flags & IFF_RUNNING);
    ia.loopback = (it->ifa_flags & IFF_LOOPBACK) != 0;
    ia.multicast = (it->ifa_flags & IFF_MULTICAST) != 0;
    if (it->ifa_addr->sa_family == AF_INET) {
      sockaddr_in sin;
      std::memcpy(&sin, it->ifa_addr, sizeof sin);
      ia.address = asio::ip::address_v4(ntohl(sin.sin_addr.s_addr));
    } else if (it->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 sin6;
      std::memcpy(&sin6, it->ifa_addr, sizeof sin6);
      asio::ip::address_v6::bytes_type bytes;
      std::memcpy(bytes.data(), sin6.sin6_addr.s6_addr, bytes.size());
      asio::ip::address_v6 v6(bytes);
      if (v6.is_link_local()) v6.scope_id(ia.index);
      ia.address = v6;
    } else {
      continue;  // AF_PACKET and friends
    }
    out.push_back(std::move(ia));
  }
  freeifaddrs(head);
  return out;
}

std::vector<asio::ip::address> LanAddresses(
    const std::vector<InterfaceAddress>& all) {
  std::vector<asio::ip::address> out;
  for (const auto& ia : all) {
    if (!Usable(ia)) continue;
    if (std::find(out.begin(), out.end(), ia.address) == out.end())
      out.push_back(ia.address);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    return Rank(x) < Rank(y);
  });
  // Link-local addresses (169.254/16, fe80::/10 with our own scope id) are
  // a last resort: the partner's scope differs, so list them only when
  // there is nothing better.
  bool routable = std::any_of(out.begin(), out.end(),
                              [](const auto& a) { return Rank(a) < 4; });
  if (routable) {
    std::erase_if(out, [](const auto& a) { return Rank(a) >= 4; });
  }
  return out;
}

std::vector<AnnounceInterface> AnnounceInterfaces(
    const std::vector<InterfaceAddress>& all) {
  std::vector<AnnounceInterface> out;
  for (const auto& ia : all) {
    if (!ia.up || ia.loopback || !ia.multicast || ia.index == 0) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const auto& x) { return x.index == ia.index; });
    if (it == out.end()) {
      out.push_back({ia.name, ia.index, {}, false, false});
      it = out.end() - 1;
    }
    if (ia.address.is_v4() && !it->has_v4) {
      it->v4 = ia.address.to_v4();
      it->has_v4 = true;
    } else if (ia.address.is_v6()) {
      it->has_v6 = true;
    }
  }
  std::sort(out.begin(), out.end(),
            [](const auto& x, const auto& y) { return x.index < y.index; });
  return out;
}

std::vector<std::string> DisplayAddresses(
    const tcp::endpoint& bound, const std::vector<InterfaceAddress>& all) {
  if (!bound.address().is_unspecified()) return {FormatEndpoint(bound)};
  std::vector<std::string> out;
  for (const auto& a : LanAddresses(all)) {
    if (bound.address().is_v4() && !a.is_v4()) continue;
    out.push_back(FormatEndpoint({a, bound.port()}));
  }
  return out;
}

}  // namespace inch::net
