// LAN discovery traffic (printed, never asserted): bytes per hour a paired
// node's presence costs, and what one pairing offer costs, computed from
// the real encoders' output sizes, the announce rates in net/discovery.hpp
// and this host's announce interfaces (and for a typical one-Wi-Fi laptop).
#include <cstdio>

#include "crypto/presence.hpp"
#include "crypto/secret.hpp"
#include "net/discovery.hpp"
#include "net/discovery_wire.hpp"
#include "net/interfaces.hpp"

using namespace inch;

namespace {

// Per-datagram headers below UDP: IPv4 20 + UDP 8, IPv6 40 + UDP 8, plus
// Ethernet framing 14 + FCS 4 (Wi-Fi framing is larger; this is the floor).
constexpr double kV4Overhead = 20 + 8, kV6Overhead = 40 + 8, kL2 = 14 + 4;

void Report(const char* what, std::size_t size, double per_hour, int v4,
            int v6) {
  const double payload = static_cast<double>(size);
  double udp = payload * per_hour * (v4 + v6);
  double wire = per_hour * (v4 * (payload + kV4Overhead + kL2) +
                            v6 * (payload + kV6Overhead + kL2));
  std::printf(
      "%-44s %3zu B x %6.0f/h x (%d IPv4 + %d IPv6) = %8.0f B/h "
      "payload, %8.0f B/h on the wire\n",
      what, size, per_hour, v4, v6, udp, wire);
}

}  // namespace

int main() {
  if (!crypto::InitCrypto()) return 1;
  crypto::PresenceKey key(crypto::Secret::Random(32));
  Bytes pk = crypto::RandomBytes(32);
  std::size_t presence =
      net::EncodePresence(
          key, crypto::PresenceWindow(std::chrono::system_clock::now()), pk,
          47470)
          .size();
  std::size_t offer = net::EncodeOffer({net::NewOfferNonce(), 47470}).size();
  double presence_rate =
      3600.0 / std::chrono::duration<double>(net::kPresenceInterval).count();
  double offer_rate =
      3600.0 / std::chrono::duration<double>(net::kOfferInterval).count();

  std::printf(
      "discovery datagrams: presence %zu B, offer %zu B (UDP payload)\n",
      presence, offer);
  Report("presence, one Wi-Fi interface", presence, presence_rate, 1, 1);
  int v4 = 0, v6 = 0;
  if (auto all = net::ListInterfaceAddresses()) {
    for (const auto& itf : net::AnnounceInterfaces(*all)) {
      v4 += itf.has_v4;
      v6 += itf.has_v6;
    }
  }
  Report("presence, this host's announce interfaces", presence, presence_rate,
         v4, v6);
  // An offer lives while `inch pair` waits: at most the code's 10 minutes.
  double offer_bytes_10min = static_cast<double>(offer) * offer_rate / 6.0 * 2;
  Report("pairing offer while waiting, one interface", offer, offer_rate, 1, 1);
  std::printf(
      "one pairing offer left waiting its full 10 minutes: %.0f B "
      "payload\n",
      offer_bytes_10min);
  std::printf("(an interface change adds one extra announcement at once)\n");
  return 0;
}
