// A UDP port that was free a moment ago, for tests that run their own
// discovery on real multicast (a fixed port would collide between runs).
#pragma once

#include "net/asio.hpp"

namespace inch::net::testing {

inline unsigned short FreeUdpPort() {
  asio::io_context io;
  asio::ip::udp::socket s(io, {asio::ip::address_v4::any(), 0});
  return s.local_endpoint().port();
}

}  // namespace inch::net::testing
