// The two LAN discovery datagrams, byte by byte (docs/PROTOCOL.md
// "Discovery"). Every datagram starts with the same 6-byte header and has
// one exact size per kind; anything else is ignored, never answered.
//
//   header   magic "INCH" (49 4E 43 48) | version 0x01 | kind        6
//   offer    header(kind 0x01) | offer nonce (16, random) | port (u16 BE)
//                                                                    24
//   presence header(kind 0x02) | nonce (24, random)
//            | XChaCha20-Poly1305(K(w, sender), port u16 BE, AD=header)
//                                                                    48
//
// The offer carries nothing derived from the pairing code: the code is a
// low-entropy password and anything computed from it could be brute-forced
// offline. The presence body is opaque to all but the partner
// (crypto/presence.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "crypto/presence.hpp"

namespace inch::net {

inline constexpr std::array<std::uint8_t, 4> kDiscoveryMagic{'I', 'N', 'C',
                                                             'H'};
inline constexpr std::uint8_t kDiscoveryVersion = 1;
inline constexpr std::uint8_t kKindOffer = 1;
inline constexpr std::uint8_t kKindPresence = 2;
inline constexpr std::size_t kDiscoveryHeaderBytes = 6;
inline constexpr std::size_t kOfferNonceBytes = 16;
inline constexpr std::size_t kOfferBytes =
    kDiscoveryHeaderBytes + kOfferNonceBytes + 2;
inline constexpr std::size_t kPresenceBytes =
    kDiscoveryHeaderBytes + crypto::kPresenceBodyBytes;
// Receive buffer: larger than any valid datagram so an oversized one is
// seen whole and rejected by its length, not truncated into a valid size.
inline constexpr std::size_t kDiscoveryReceiveBytes = 512;

using OfferNonce = std::array<std::uint8_t, kOfferNonceBytes>;

struct Offer {
  OfferNonce nonce{};
  std::uint16_t tcp_port = 0;
};

// A fresh random offer nonce (one per `inch pair` run).
OfferNonce NewOfferNonce();

Bytes EncodeOffer(const Offer& offer);
// nullopt unless `datagram` is exactly an offer of this version with a
// non-zero port.
std::optional<Offer> DecodeOffer(ByteView datagram);

// One presence announcement of `tcp_port` by `my_public_key` in `window`.
Bytes EncodePresence(const crypto::PresenceKey& key, std::uint64_t window,
                     ByteView my_public_key, std::uint16_t tcp_port);
// The port a presence datagram carries if `partner_public_key` sealed it
// under `key` in window `window` or either neighbour (clock skew up to a
// window); nullopt for anything else (wrong size, header, stranger, self).
std::optional<std::uint16_t> DecodePresence(const crypto::PresenceKey& key,
                                            std::uint64_t window,
                                            ByteView partner_public_key,
                                            ByteView datagram);

}  // namespace inch::net
