// The key and associated data of a sealed wire op (store/shared/op_codec,
// docs/PROTOCOL.md "Ops"). Derived from the pair secret under its own
// label, so an op key never opens a bundle and a bundle key never opens an
// op (bundle_key.hpp).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

inline constexpr std::string_view kOpKeyLabel = "inch-op-key v1";
inline constexpr std::string_view kOpAdLabel = "inch-op v1";

// BLAKE2b-256 keyed with the pair secret (16..64 bytes; aborts otherwise)
// over kOpKeyLabel. Both partners derive the same 32-byte key.
Secret DeriveOpKey(const Secret& pair_secret);

// kOpAdLabel | author public key | seq (8 bytes, big endian): binds a sealed
// op to its author and its place in the author's log.
Bytes OpAd(ByteView author_public_key, std::uint64_t seq);

}  // namespace inch::crypto
