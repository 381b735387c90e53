// Presence tokens (presence.hpp): XChaCha20-Poly1305 under a key for one
// time window and one sender, derived from the pair secret.
#include "crypto/presence.hpp"

#include <sodium.h>

#include <array>

#include "common/check.hpp"
#include "crypto/record_mac.hpp"

namespace inch::crypto {

std::uint64_t PresenceWindow(std::chrono::system_clock::time_point now) {
  auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count();
  if (secs < 0) return 0;
  return static_cast<std::uint64_t>(secs) / kPresenceWindow.count();
}

PresenceKey::PresenceKey(const Secret& pair_secret)
    : key_(DeriveLabelledKey(pair_secret, kPresenceLabel)) {}

// K(w, sender) = BLAKE2b-256 keyed with P over label | u64be(w) | sender pk.
// The sender's key is in it so a node never accepts its own announcement
// (multicast loops back) as its partner's.
Secret PresenceKey::WindowKey(std::uint64_t window,
                              ByteView sender_public_key) const {
  INCH_CHECK(sender_public_key.size() == 32);
  Bytes input(kPresenceWindowLabel.begin(), kPresenceWindowLabel.end());
  for (int shift = 56; shift >= 0; shift -= 8)
    input.push_back(static_cast<std::uint8_t>(window >> shift));
  input.insert(input.end(), sender_public_key.begin(), sender_public_key.end());
  Secret out(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  INCH_CHECK(crypto_generichash(out.data(), out.size(), input.data(),
                                input.size(), key_.data(), key_.size()) == 0);
  return out;
}

Bytes PresenceKey::Seal(std::uint64_t window, ByteView sender_public_key,
                        std::uint16_t tcp_port, ByteView header) const {
  Secret key = WindowKey(window, sender_public_key);
  Bytes body(kPresenceBodyBytes);
  randombytes_buf(body.data(), kPresenceNonceBytes);
  const std::array<std::uint8_t, 2> port{
      static_cast<std::uint8_t>(tcp_port >> 8),
      static_cast<std::uint8_t>(tcp_port & 0xFF)};
  unsigned long long written = 0;
  INCH_CHECK(crypto_aead_xchacha20poly1305_ietf_encrypt(
                 body.data() + kPresenceNonceBytes, &written, port.data(),
                 port.size(), header.data(), header.size(), nullptr,
                 body.data(), key.data()) == 0);
  INCH_CHECK(written == port.size() + kPresenceTagBytes);
  return body;
}

std::optional<std::uint16_t> PresenceKey::Open(std::uint64_t window,
                                               ByteView sender_public_key,
                                               ByteView body,
                                               ByteView header) const {
  if (body.size() != kPresenceBodyBytes || sender_public_key.size() != 32)
    return std::nullopt;
  Secret key = WindowKey(window, sender_public_key);
  std::array<std::uint8_t, 2> port{};
  unsigned long long read = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          port.data(), &read, nullptr, body.data() + kPresenceNonceBytes,
          body.size() - kPresenceNonceBytes, header.data(), header.size(),
          body.data(), key.data()) != 0 ||
      read != port.size()) {
    return std::nullopt;  // never act on a failed decryption's output
  }
  return static_cast<std::uint16_t>((port[0] << 8) | port[1]);
}

}  // namespace inch::crypto
