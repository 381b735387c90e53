// Multicast sockets for discovery (discovery_socket.hpp).
#include "net/discovery_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "net/discovery_wire.hpp"

namespace inch::net {
namespace {

bool SetV4Interface(udp::socket& s, int option, unsigned index,
                    const asio::ip::address_v4* group) {
  ip_mreqn req{};
  if (group) req.imr_multiaddr.s_addr = htonl(group->to_uint());
  req.imr_ifindex = static_cast<int>(index);
  return setsockopt(s.native_handle(), IPPROTO_IP, option, &req, sizeof req) ==
         0;
}

}  // namespace

unsigned short DiscoveryPort() {
  const char* env = std::getenv("INCH_DISCOVERY_PORT");
  if (env == nullptr) return kDefaultDiscoveryPort;
  std::string_view text(env);
  unsigned value = 0;
  auto [end, err] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (err != std::errc() || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return kDefaultDiscoveryPort;
  }
  return static_cast<unsigned short>(value);
}

asio::ip::address_v4 DiscoveryGroupV4() {
  return asio::ip::make_address_v4("239.255.74.71");
}
asio::ip::address_v6 DiscoveryGroupV6() {
  return asio::ip::make_address_v6("ff02::74:71");
}

DiscoverySocket::DiscoverySocket(asio::any_io_executor executor)
    : executor_(std::move(executor)) {}

Result<std::shared_ptr<DiscoverySocket>> DiscoverySocket::Open(
    asio::any_io_executor executor, unsigned short port) {
  auto self = std::make_shared<DiscoverySocket>(executor);
  self->port_ = port;
  std::string why;
  auto open = [&](udp protocol, const asio::ip::address& any,
                  std::optional<udp::socket>& slot) {
    udp::socket s(executor);
    boost::system::error_code ec;
    s.open(protocol, ec);
    if (!ec) s.set_option(udp::socket::reuse_address(true), ec);
    if (!ec && protocol == udp::v6()) s.set_option(asio::ip::v6_only(true), ec);
    if (!ec) s.bind({any, port}, ec);
    if (!ec) s.set_option(asio::ip::multicast::hops(1), ec);
    if (!ec) s.set_option(asio::ip::multicast::enable_loopback(true), ec);
    if (ec) {
      why += (why.empty() ? "" : "; ") + ec.message();
      return;
    }
    if (protocol == udp::v4()) {
      // Only datagrams for groups this socket joined, not every group any
      // process on the host joined.
      int off = 0;
      (void)setsockopt(s.native_handle(), IPPROTO_IP, IP_MULTICAST_ALL, &off,
                       sizeof off);
    }
    slot.emplace(std::move(s));
  };
  open(udp::v4(), asio::ip::address_v4::any(), self->v4_);
  open(udp::v6(), asio::ip::address_v6::any(), self->v6_);
  if (!self->v4_ && !self->v6_) {
    return Fail(Errc::kUnreachable, "cannot open the LAN discovery port " +
                                        std::to_string(port) + ": " + why);
  }
  return self;
}

void DiscoverySocket::Join(const std::vector<AnnounceInterface>& interfaces) {
  for (const auto& itf : interfaces) {
    bool known =
        std::find(joined_.begin(), joined_.end(), itf) != joined_.end();
    if (known) continue;
    // A join already in place fails with EADDRINUSE: harmless.
    if (v4_ && itf.has_v4) {
      auto group = DiscoveryGroupV4();
      if (!SetV4Interface(*v4_, IP_ADD_MEMBERSHIP, itf.index, &group) &&
          errno != EADDRINUSE) {
        spdlog::debug("discovery: cannot join {} on {}: {}", group.to_string(),
                      itf.name, std::strerror(errno));
      }
    }
    if (v6_ && itf.has_v6) {
      boost::system::error_code ec;
      v6_->set_option(
          asio::ip::multicast::join_group(DiscoveryGroupV6(), itf.index), ec);
      if (ec && ec != boost::system::errc::address_in_use) {
        spdlog::debug("discovery: cannot join ff02::74:71 on {}: {}", itf.name,
                      ec.message());
      }
    }
  }
  joined_ = interfaces;
}

int DiscoverySocket::SendAll(const std::function<Bytes()>& make,
                             const std::vector<AnnounceInterface>& interfaces) {
  int sent = 0;
  if (make().empty()) return 0;  // the owner is gone
  for (const auto& itf : interfaces) {
    boost::system::error_code ec;
    if (v4_ && itf.has_v4 &&
        SetV4Interface(*v4_, IP_MULTICAST_IF, itf.index, nullptr)) {
      Bytes datagram = make();
      v4_->send_to(asio::buffer(datagram), {DiscoveryGroupV4(), port_}, 0, ec);
      if (!ec)
        ++sent;
      else
        spdlog::debug("discovery: send on {} failed: {}", itf.name,
                      ec.message());
    }
    if (v6_ && itf.has_v6) {
      v6_->set_option(asio::ip::multicast::outbound_interface(itf.index), ec);
      if (ec) continue;
      auto group = DiscoveryGroupV6();
      group.scope_id(itf.index);
      Bytes datagram = make();
      v6_->send_to(asio::buffer(datagram), {group, port_}, 0, ec);
      if (!ec)
        ++sent;
      else
        spdlog::debug("discovery: send on {} (IPv6) failed: {}", itf.name,
                      ec.message());
    }
  }
  return sent;
}

void DiscoverySocket::Start(Handler handler) {
  handler_ = std::move(handler);
  for (auto* slot : {&v4_, &v6_}) {
    if (!*slot) continue;
    asio::co_spawn(
        executor_,
        [self = shared_from_this(), s = &**slot]() -> awaitable<void> {
          co_await self->ReceiveLoop(*s);
        },
        LogCompletion{"discovery receive"});
  }
}

awaitable<void> DiscoverySocket::ReceiveLoop(udp::socket& socket) {
  Bytes buffer(kDiscoveryReceiveBytes);
  while (!closed_) {
    udp::endpoint from;
    boost::system::error_code ec;
    std::size_t n = co_await socket.async_receive_from(
        asio::buffer(buffer), from, asio::redirect_error(use_awaitable, ec));
    if (closed_) break;
    if (ec) {
      if (ec == asio::error::operation_aborted) break;
      continue;  // a transient error (ICMP, say) must not end discovery
    }
    if (handler_) handler_(ByteView(buffer.data(), n), from.address());
  }
}

void DiscoverySocket::Close() {
  closed_ = true;
  boost::system::error_code ec;
  if (v4_) v4_->close(ec);
  if (v6_) v6_->close(ec);
}

}  // namespace inch::net
