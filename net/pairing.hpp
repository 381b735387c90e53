// Pairing: two nodes that share nothing but a short one-time code agree on
// each other's static public keys and a pair secret. CPace (crypto/cpace.hpp)
// with the code as PRS, key confirmation both ways, the static keys
// exchanged under ISK-derived keys, then both confirm. Every message has a
// fixed size. Full message layouts are in docs/PROTOCOL.md §2.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "net/asio.hpp"

namespace inch::net {

inline constexpr auto kCodeLifetime = std::chrono::minutes(10);
inline constexpr auto kPairStepTimeout = std::chrono::seconds(15);
// How a pairing that lost the code to someone else's attempt begins its
// message (kCrypto, as a wrong code): callers keep those words as they are.
inline constexpr std::string_view kCodeTakenWords =
    "someone else's attempt used this code first";
// Connections the listener lets wait for their first message at once.
inline constexpr std::size_t kMaxUnclaimed = 8;

// A fresh 8-digit code shown as "1234-5678".
std::string NewPairingCode();
// The 8 digits of a typed code (spaces and dashes ignored); kInvalidInput
// for anything else.
Result<std::string> NormalizeCode(std::string_view typed);

struct PairResult {
  Bytes partner_public_key;    // 32 bytes
  crypto::Secret pair_secret;  // 32 bytes, the Noise PSK
  std::vector<std::string> check_words;
};

// Called once both sides confirmed, before the last message: pin the
// partner (SetPartner). A failure aborts pairing on both sides (the
// listener then never sends its final confirmation).
using PinFunction = std::function<Status(const PairResult&)>;

// Listener side, on an already bound and listening acceptor. Serves
// connections concurrently (at most kMaxUnclaimed waiting); the first that
// sends a complete, well-formed first message uses the code, whatever its
// outcome, and later ones are told the code was used. kCrypto when the
// attempt fails (wrong code, tampering; or, when another attempt was turned
// away meanwhile, "someone else's attempt used this code first"),
// kUnreachable when the code expired (10 min) or the peer vanished. `pin`
// is called after the dialer's final confirmation.
// `lifetime` is the code's (shorter only in tests).
awaitable<Result<PairResult>> PairAsListener(
    tcp::acceptor& acceptor, std::string code, Bytes my_public_key,
    PinFunction pin,
    std::chrono::steady_clock::duration lifetime = kCodeLifetime);

// Dialer side. kUnreachable if it cannot connect or the listener vanished;
// kCrypto when the code was wrong, anything was tampered with, or another
// attempt had used the code first (said so plainly). `pin` is
// called only after the listener confirmed it has pinned us.
awaitable<Result<PairResult>> PairAsDialer(tcp::endpoint listener,
                                           std::string code,
                                           Bytes my_public_key,
                                           PinFunction pin);

}  // namespace inch::net
