// LAN discovery: address filtering over a fake interface list, the offer
// and presence datagrams (strict sizes, nothing from the code, tokens only
// the partner can verify and no stranger can link), and a real multicast
// round trip between two presence services when this host can multicast.
#include "net/discovery.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <map>

#include "crypto/presence.hpp"
#include "crypto/secret.hpp"
#include "net/discovery_wire.hpp"
#include "net/interfaces.hpp"
#include "tests/net/free_port.hpp"

namespace inch::net {
namespace {

namespace ip = asio::ip;

InterfaceAddress Itf(std::string name, unsigned index, const char* address,
                     bool up = true, bool loopback = false,
                     bool multicast = true) {
  InterfaceAddress ia;
  ia.name = std::move(name);
  ia.index = index;
  ia.up = up;
  ia.loopback = loopback;
  ia.multicast = multicast;
  ia.address = ip::make_address(address);
  return ia;
}

// A laptop with loopback, Wi-Fi (v4 + ULA + link-local), a docker-like
// bridge that is down, and a VPN without multicast.
std::vector<InterfaceAddress> Laptop() {
  return {Itf("lo", 1, "127.0.0.1", true, true),
          Itf("lo", 1, "::1", true, true),
          Itf("wlan0", 2, "192.168.1.20"),
          Itf("wlan0", 2, "fd12:3456::20"),
          Itf("wlan0", 2, "fe80::1"),
          Itf("docker0", 3, "172.17.0.1", false),
          Itf("tun0", 4, "10.8.0.2", true, false, false),
          Itf("wlan0", 2, "2001:db8::20")};
}

std::vector<std::string> Strings(const std::vector<ip::address>& v) {
  std::vector<std::string> out;
  for (const auto& a : v) out.push_back(a.to_string());
  return out;
}

TEST(InterfacesTest, LanAddressesSkipLoopbackDownAndLinkLocal) {
  EXPECT_EQ(Strings(LanAddresses(Laptop())),
            (std::vector<std::string>{"192.168.1.20", "10.8.0.2",
                                      "2001:db8::20", "fd12:3456::20"}));
}

TEST(InterfacesTest, LinkLocalOnlyWhenNothingElse) {
  auto only = std::vector<InterfaceAddress>{
      Itf("lo", 1, "127.0.0.1", true, true), Itf("eth0", 2, "169.254.3.4")};
  EXPECT_EQ(Strings(LanAddresses(only)),
            (std::vector<std::string>{"169.254.3.4"}));
  // No network at all: nothing, never loopback as a fallback.
  EXPECT_TRUE(LanAddresses({Itf("lo", 1, "127.0.0.1", true, true)}).empty());
}

TEST(InterfacesTest, DisplayAddressesListEveryLanAddressForAWildcard) {
  auto v4 = DisplayAddresses({ip::address_v4::any(), 4000}, Laptop());
  EXPECT_EQ(v4,
            (std::vector<std::string>{"192.168.1.20:4000", "10.8.0.2:4000"}));
  auto dual = DisplayAddresses({ip::address_v6::any(), 4000}, Laptop());
  EXPECT_EQ(dual.size(), 4u);
  EXPECT_EQ(dual.back(), "[fd12:3456::20]:4000");
  for (const auto& a : dual) EXPECT_EQ(a.find("127.0.0.1"), std::string::npos);
}

TEST(InterfacesTest, DisplayAddressesShowASpecificBindAlone) {
  EXPECT_EQ(DisplayAddresses({ip::make_address("10.8.0.2"), 5}, Laptop()),
            (std::vector<std::string>{"10.8.0.2:5"}));
  // Loopback only when it was asked for.
  EXPECT_EQ(DisplayAddresses({ip::make_address("127.0.0.1"), 5}, Laptop()),
            (std::vector<std::string>{"127.0.0.1:5"}));
}

TEST(InterfacesTest, AnnounceOnUpMulticastNonLoopbackInterfaces) {
  auto list = AnnounceInterfaces(Laptop());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "wlan0");
  EXPECT_TRUE(list[0].has_v4);
  EXPECT_TRUE(list[0].has_v6);
  EXPECT_EQ(list[0].v4.to_string(), "192.168.1.20");
  // The same host read twice compares equal (no spurious re-announce).
  EXPECT_EQ(AnnounceInterfaces(Laptop()), list);
}

// ---- datagrams

struct Pair {
  crypto::Secret secret = crypto::Secret::Random(32);
  Bytes a_pk = crypto::RandomBytes(32), b_pk = crypto::RandomBytes(32);
};

constexpr std::uint64_t kWindow = 29'000'000;

TEST(PresenceTest, OnlyThePartnerVerifies) {
  Pair p;
  crypto::PresenceKey a(p.secret), b(p.secret);
  Bytes d = EncodePresence(a, kWindow, p.a_pk, 47470);
  ASSERT_EQ(d.size(), kPresenceBytes);
  EXPECT_EQ(DecodePresence(b, kWindow, p.a_pk, d), 47470);
  // A stranger's key never verifies it, nor does the sender itself (its
  // own announcement looped back is checked against the partner's key).
  crypto::PresenceKey stranger(crypto::Secret::Random(32));
  EXPECT_FALSE(DecodePresence(stranger, kWindow, p.a_pk, d));
  EXPECT_FALSE(DecodePresence(a, kWindow, p.b_pk, d));
}

TEST(PresenceTest, NeighbouringWindowsVerifyFartherOnesDoNot) {
  Pair p;
  crypto::PresenceKey k(p.secret);
  Bytes d = EncodePresence(k, kWindow, p.a_pk, 9);
  EXPECT_TRUE(DecodePresence(k, kWindow - 1, p.a_pk, d));
  EXPECT_TRUE(DecodePresence(k, kWindow + 1, p.a_pk, d));
  EXPECT_FALSE(DecodePresence(k, kWindow + 2, p.a_pk, d));
  EXPECT_FALSE(DecodePresence(k, kWindow - 2, p.a_pk, d));
}

// True when `x` and `y` share any run of 4 bytes (at any offsets).
bool ShareRun(ByteView x, ByteView y) {
  for (std::size_t i = 0; i + 4 <= x.size(); ++i) {
    auto run = x.subspan(i, 4);
    if (std::search(y.begin(), y.end(), run.begin(), run.end()) != y.end())
      return true;
  }
  return false;
}

TEST(PresenceTest, AnnouncementsAcrossWindowsShareNothingBeyondTheHeader) {
  Pair p;
  crypto::PresenceKey k(p.secret);
  for (int i = 0; i < 50; ++i) {
    Bytes x = EncodePresence(k, kWindow + i, p.a_pk, 47470);
    Bytes y = EncodePresence(k, kWindow + i + 1, p.a_pk, 47470);
    EXPECT_TRUE(
        std::equal(x.begin(), x.begin() + kDiscoveryHeaderBytes, y.begin()));
    ByteView bx = ByteView(x).subspan(kDiscoveryHeaderBytes);
    ByteView by = ByteView(y).subspan(kDiscoveryHeaderBytes);
    EXPECT_FALSE(ShareRun(bx, by)) << i;
    // Not even a byte at the same offset more often than chance allows.
    int same = 0;
    for (std::size_t j = 0; j < bx.size(); ++j) same += bx[j] == by[j];
    EXPECT_LT(same, 6) << i;  // 0.16 expected
  }
  // Within one window too: every datagram has a fresh nonce.
  Bytes x = EncodePresence(k, kWindow, p.a_pk, 1);
  Bytes y = EncodePresence(k, kWindow, p.a_pk, 1);
  EXPECT_FALSE(ShareRun(ByteView(x).subspan(kDiscoveryHeaderBytes),
                        ByteView(y).subspan(kDiscoveryHeaderBytes)));
}

// Chi-square of byte frequencies over the bodies; 255 degrees of freedom,
// so 400 is exceeded by random bytes with probability below 1e-8.
double ChiSquare(const std::vector<Bytes>& datagrams, std::size_t from) {
  std::array<double, 256> count{};
  double total = 0;
  for (const auto& d : datagrams) {
    for (std::size_t i = from; i < d.size(); ++i) {
      ++count[d[i]];
      ++total;
    }
  }
  double expected = total / 256, chi = 0;
  for (double c : count) chi += (c - expected) * (c - expected) / expected;
  return chi;
}

TEST(PresenceTest, BodiesLookRandom) {
  Pair p;
  crypto::PresenceKey k(p.secret);
  std::vector<Bytes> all;
  // One node announcing the same port for many windows: the worst case
  // for a pattern to show through.
  for (int i = 0; i < 4000; ++i)
    all.push_back(EncodePresence(k, kWindow + i / 12, p.a_pk, 47470));
  EXPECT_LT(ChiSquare(all, kDiscoveryHeaderBytes), 400.0);
  // Per offset too (the sealed port sits at a fixed place).
  for (std::size_t off = kDiscoveryHeaderBytes; off < kPresenceBytes; ++off) {
    std::map<std::uint8_t, int> seen;
    for (const auto& d : all) ++seen[d[off]];
    int most = 0;
    for (auto [b, n] : seen) most = std::max(most, n);
    EXPECT_LT(most, 50) << "offset " << off;  // ~15.6 expected
  }
}

TEST(OfferTest, EachOfferHasItsOwnNonceAndNothingElse) {
  // The encoder cannot see the code: an offer is its nonce and its port.
  OfferNonce n1 = NewOfferNonce(), n2 = NewOfferNonce();
  EXPECT_NE(n1, n2);
  Bytes o1 = EncodeOffer({n1, 4000}), o2 = EncodeOffer({n2, 4000});
  ASSERT_EQ(o1.size(), kOfferBytes);
  EXPECT_NE(o1, o2);
  auto back = DecodeOffer(o1);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->nonce, n1);
  EXPECT_EQ(back->tcp_port, 4000);
  // Nonces are uniform: many offers look random in their nonce bytes.
  std::vector<Bytes> all;
  for (int i = 0; i < 8000; ++i)
    all.push_back(EncodeOffer({NewOfferNonce(), 4000}));
  for (auto& d : all) d.resize(kDiscoveryHeaderBytes + kOfferNonceBytes);
  EXPECT_LT(ChiSquare(all, kDiscoveryHeaderBytes), 400.0);
}

TEST(DatagramTest, MalformedTruncatedOversizedAreIgnored) {
  Pair p;
  crypto::PresenceKey k(p.secret);
  Bytes offer = EncodeOffer({NewOfferNonce(), 4000});
  Bytes presence = EncodePresence(k, kWindow, p.a_pk, 4000);
  auto offer_bad = [&](Bytes d) { return !DecodeOffer(d).has_value(); };
  auto presence_bad = [&](Bytes d) {
    return !DecodePresence(k, kWindow, p.a_pk, d).has_value();
  };
  for (std::size_t n = 0; n < offer.size(); ++n)
    EXPECT_TRUE(offer_bad(Bytes(offer.begin(), offer.begin() + n))) << n;
  for (std::size_t n = 0; n < presence.size(); ++n)
    EXPECT_TRUE(presence_bad(Bytes(presence.begin(), presence.begin() + n)))
        << n;
  Bytes longer = offer;
  longer.push_back(0);
  EXPECT_TRUE(offer_bad(longer));
  longer = presence;
  longer.push_back(0);
  EXPECT_TRUE(presence_bad(longer));
  EXPECT_TRUE(offer_bad(Bytes(kDiscoveryReceiveBytes, 0x49)));
  // Each header byte wrong (magic, version, kind), and a zero port.
  for (std::size_t i = 0; i < kDiscoveryHeaderBytes; ++i) {
    Bytes o = offer, q = presence;
    o[i] ^= 0x01;
    q[i] ^= 0x01;
    EXPECT_TRUE(offer_bad(o)) << i;
    EXPECT_TRUE(presence_bad(q)) << i;
  }
  EXPECT_TRUE(offer_bad(EncodeOffer({NewOfferNonce(), 0})));
  // The kinds are not interchangeable.
  EXPECT_TRUE(presence_bad(offer));
  EXPECT_TRUE(offer_bad(presence));
  // Any flipped body bit fails authentication.
  for (std::size_t i = kDiscoveryHeaderBytes; i < presence.size(); ++i) {
    Bytes q = presence;
    q[i] ^= 0x80;
    EXPECT_TRUE(presence_bad(q)) << i;
  }
}

// ---- a real multicast round trip on this host's interfaces

using testing::FreeUdpPort;

TEST(PresenceServiceTest, PartnersFindEachOtherOverRealMulticast) {
  auto all = ListInterfaceAddresses();
  ASSERT_TRUE(all);
  if (AnnounceInterfaces(*all).empty()) {
    GTEST_SKIP() << "no up, multicast-capable, non-loopback interface here: "
                    "multicast cannot be sent (the netns tests cover it)";
  }
  asio::io_context io;
  Pair p;
  PresenceService::Options opts{FreeUdpPort(), std::chrono::milliseconds(200)};
  std::vector<tcp::endpoint> a_saw, b_saw;
  auto a = PresenceService::Start(
      io.get_executor(), p.secret, p.a_pk, p.b_pk, 1111,
      [&](auto ep) { a_saw.push_back(ep); }, opts);
  auto b = PresenceService::Start(
      io.get_executor(), p.secret, p.b_pk, p.a_pk, 2222,
      [&](auto ep) { b_saw.push_back(ep); }, opts);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  // A stranger on the same port, with another pair secret.
  Pair q;
  std::vector<tcp::endpoint> stranger_saw;
  auto s = PresenceService::Start(
      io.get_executor(), q.secret, q.a_pk, p.a_pk, 3333,
      [&](auto ep) { stranger_saw.push_back(ep); }, opts);
  ASSERT_TRUE(s);
  asio::steady_timer stop(io);
  stop.expires_after(std::chrono::seconds(3));
  stop.async_wait([&](auto) {
    (*a)->Stop();
    (*b)->Stop();
    (*s)->Stop();
  });
  io.run();
  if ((*a)->sent() == 0) GTEST_SKIP() << "the kernel refused every send";
  ASSERT_FALSE(a_saw.empty()) << "a never heard b";
  ASSERT_FALSE(b_saw.empty()) << "b never heard a";
  EXPECT_EQ(a_saw.front().port(), 2222);
  EXPECT_EQ(b_saw.front().port(), 1111);
  EXPECT_TRUE(stranger_saw.empty());
  // Nobody reports itself, and one endpoint at most once a second.
  for (const auto& ep : a_saw) EXPECT_NE(ep.port(), 1111);
  std::map<tcp::endpoint, int> per;
  for (const auto& ep : a_saw) ++per[ep];
  for (auto [ep, n] : per) EXPECT_LE(n, 4) << ep;
}

// A recorded announcement replayed later is dropped by its nonce; a fresh
// one from the same place is reported.
TEST(PresenceServiceTest, AReplayedAnnouncementIsDropped) {
  auto all = ListInterfaceAddresses();
  ASSERT_TRUE(all);
  auto itfs = AnnounceInterfaces(*all);
  auto v4 = std::find_if(itfs.begin(), itfs.end(),
                         [](const auto& i) { return i.has_v4; });
  if (v4 == itfs.end()) {
    GTEST_SKIP() << "no multicast-capable IPv4 interface here: multicast "
                    "cannot be sent (the netns tests cover it)";
  }
  asio::io_context io;
  Pair p;
  PresenceService::Options opts{FreeUdpPort(), std::chrono::hours(1)};
  std::vector<tcp::endpoint> saw;
  auto a = PresenceService::Start(
      io.get_executor(), p.secret, p.a_pk, p.b_pk, 1111,
      [&](auto ep) { saw.push_back(ep); }, opts);
  ASSERT_TRUE(a) << a.error().message;
  // "b", by hand: one recorded datagram sent twice, then a fresh one, each
  // more than the 1 s per-endpoint gap apart.
  crypto::PresenceKey key(p.secret);
  auto window = crypto::PresenceWindow(std::chrono::system_clock::now());
  Bytes recorded = EncodePresence(key, window, p.b_pk, 2222);
  Bytes fresh = EncodePresence(key, window, p.b_pk, 2222);
  udp::socket sender(io, udp::v4());
  sender.set_option(ip::multicast::outbound_interface(v4->v4));
  udp::endpoint group(DiscoveryGroupV4(), opts.udp_port);
  asio::steady_timer t(io);
  int step = 0;
  std::function<void()> next = [&] {
    Bytes& d = step < 2 ? recorded : fresh;
    boost::system::error_code ec;
    sender.send_to(asio::buffer(d), group, 0, ec);
    if (++step == 4) {
      (*a)->Stop();
      return;
    }
    t.expires_after(std::chrono::milliseconds(1300));
    t.async_wait([&](auto) { next(); });
  };
  t.expires_after(std::chrono::milliseconds(200));  // a joins first
  t.async_wait([&](auto) { next(); });
  io.run();
  // recorded, (replay dropped), fresh, (last step only stops).
  ASSERT_EQ(saw.size(), 2u);
  EXPECT_EQ(saw[0].port(), 2222);
}

}  // namespace
}  // namespace inch::net
