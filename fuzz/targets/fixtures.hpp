// Fixed keys and the few wire constants the fuzz targets and the seed
// generator must agree on. Deterministic on purpose: a saved input must
// reach the same code on every run, so nothing here is random.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/noise.hpp"
#include "crypto/secret.hpp"

namespace inch::fuzz {

// Calls crypto::InitCrypto once (and silences protobuf's log); aborts if
// libsodium cannot start.
void InitOnce();

// A 32-byte secret whose bytes are `tag`, tag+1, ... (deterministic).
crypto::Secret FixedSecret(std::uint8_t tag, std::size_t size = 32);

// The pair key and the author's public key the wire_op/op targets use.
const crypto::Secret& OpKey();
ByteView AuthorKey();

// The wire-op AD (crypto::OpAd): "inch-op v1" | author public key | seq
// (8 bytes, big endian).
Bytes WireOpAd(ByteView author_public_key, std::uint64_t seq);

// Static keys of the two handshake parties, the PSK and fixed ephemerals.
struct HandshakeKeys {
  crypto::Secret initiator_static, responder_static;
  Bytes initiator_public, responder_public;
  crypto::Secret psk, initiator_ephemeral, responder_ephemeral;
};
const HandshakeKeys& HandshakeFixture();
inline constexpr std::string_view kPrologue = "inch/1";  // net/secure_channel

// A KKpsk0 handshake party on the fixture keys (fixed ephemeral). Aborts if
// the fixture cannot start one (a bug).
crypto::noise::Handshake StartHandshake(crypto::noise::Role role);
// The honest messages 0 and 1 of a run between two fixture parties, and
// the first transport message from initiator to responder carrying `plain`.
Bytes HonestMessage0();
Bytes HonestMessage1();
Bytes HonestTransport(ByteView plain);

// Pairing constants, mirrored from net/pairing.cpp (internal there).
inline constexpr std::string_view kPairCode = "12345678";
inline constexpr std::string_view kPairCi = "inch/1 pairing dialer->listener";
inline constexpr std::string_view kPairAdDialer = "inch/1 dialer";
inline constexpr std::string_view kPairAdListener = "inch/1 listener";
inline constexpr std::size_t kPairSidBytes = 16;
// Fixed CPace scalars for the listener and the dialer (tests-only hook).
const crypto::Secret& ListenerScalar();
const crypto::Secret& DialerScalar();

}  // namespace inch::fuzz
