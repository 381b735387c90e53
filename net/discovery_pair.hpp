// `inch pair --code CODE` with no address: hear the pairing offers on the
// LAN and run the CPace pairing (pairing.hpp) against each offering node
// until one accepts the code.
//
// Two pairings on one LAN at once: an offer says nothing about its code
// (by design), so the dialer cannot tell which offer is its partner's
// without trying. Trying the wrong one is one online guess at that other
// listener's code; the listener in cli/pair_command.cpp allows a few
// failed attempts per code (kCodeAttempts) so such a mismatch does not use
// up the other couple's code.
#pragma once

#include <chrono>
#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "net/asio.hpp"
#include "net/discovery_socket.hpp"
#include "net/pairing.hpp"

namespace inch::net {

inline constexpr auto kOfferSearchTimeout = std::chrono::seconds(60);
// After the first offer is heard, wait this long for others (offers repeat
// every second) so all are known before one is tried.
inline constexpr auto kOfferSettle = std::chrono::milliseconds(1500);

struct OfferSearchOptions {
  unsigned short udp_port = DiscoveryPort();
  std::chrono::steady_clock::duration timeout = kOfferSearchTimeout;
};

// Pairs with the first offering node that accepts `code`. kUnreachable
// when no offer was heard within the timeout (or the discovery port cannot
// be opened); kCrypto when every offer heard refused the code; otherwise
// PairAsDialer's error. `pin` as in PairAsDialer. `*reached` (if given)
// gets the listener's endpoint on success.
awaitable<Result<PairResult>> PairByDiscovery(std::string code,
                                              Bytes my_public_key,
                                              PinFunction pin,
                                              OfferSearchOptions options,
                                              tcp::endpoint* reached);

}  // namespace inch::net
