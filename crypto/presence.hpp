// The presence token a paired node multicasts on the LAN so that its
// partner, and only its partner, can find it (docs/PROTOCOL.md
// "Discovery"). Keyed by the pair secret under its own label; every
// datagram has a fresh random nonce, so to anyone without the pair secret
// two announcements are unlinkable random bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

// P = BLAKE2b-256 keyed with the pair secret over this label.
inline constexpr std::string_view kPresenceLabel = "inch-presence v1";
// Prefix of the per-window, per-sender key's input.
inline constexpr std::string_view kPresenceWindowLabel = "inch-presence window";
inline constexpr std::chrono::seconds kPresenceWindow{60};
inline constexpr std::size_t kPresenceNonceBytes = 24;  // XChaCha20 nonce
inline constexpr std::size_t kPresenceTagBytes = 16;    // Poly1305
// nonce | Enc(port, 2 bytes) | tag
inline constexpr std::size_t kPresenceBodyBytes =
    kPresenceNonceBytes + 2 + kPresenceTagBytes;

// The window number for `now`: floor(unix seconds / 60).
std::uint64_t PresenceWindow(std::chrono::system_clock::time_point now);

class PresenceKey {
 public:
  // `pair_secret` must be 32 bytes (aborts otherwise: a programming error).
  explicit PresenceKey(const Secret& pair_secret);

  // The body of one announcement by `sender_public_key` (32 bytes) of
  // `tcp_port` in `window`, bound to `header` (the datagram's fixed
  // header, as associated data). A fresh random nonce every call.
  Bytes Seal(std::uint64_t window, ByteView sender_public_key,
             std::uint16_t tcp_port, ByteView header) const;

  // The port `body` carries if it was sealed by `sender_public_key` in
  // `window` under this key and `header`; nullopt otherwise (a stranger, a
  // tampered byte, another window, or our own announcement looped back).
  std::optional<std::uint16_t> Open(std::uint64_t window,
                                    ByteView sender_public_key, ByteView body,
                                    ByteView header) const;

 private:
  Secret WindowKey(std::uint64_t window, ByteView sender_public_key) const;
  Secret key_;
};

}  // namespace inch::crypto
