// Edge checks and the wire envelope for shared ops: text rules, the shape of
// an op (enums known, ranges, sizes), the consent-gate class of an op, and
// sealing an op for the partner under the pair key (author bound in the AD).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "proto/ops.pb.h"
#include "store/shared/consent_gate.hpp"

namespace inch::store {

inline constexpr std::size_t kMaxTextBytes = 4096;
inline constexpr std::size_t kMaxWireOpBytes = 8 * 1024;
inline constexpr std::size_t kWirePadBucket = 64;

// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsUtf8(std::string_view text);

// kInvalidInput unless 1..4096 bytes of UTF-8 without NUL.
Status ValidateText(std::string_view text);

// The 32-byte op key: BLAKE2b-256 keyed with the pair secret (16..64 bytes,
// aborts otherwise) over "inch-op-key v1".
crypto::Secret PairOpKey(const crypto::Secret& pair_secret);

// Wire form: seq (8 bytes, big endian) | SealPadded(op_key, op, AD), with
// AD = "inch-op v1" | author public key | seq. op.seq() is the seq.
Bytes SealWireOp(const crypto::Secret& op_key, ByteView author_public_key,
                 const proto::Op& op);
// The seq of a wire op without opening it; nullopt when too short/long.
std::optional<std::uint64_t> PeekWireSeq(ByteView wire);
// Opens and parses a wire op sealed by `author_public_key`. kProtocol when
// it does not open, does not parse, or its inner seq differs. With
// `padded`, the opened plaintext (still padded to kWirePadBucket) is left
// there for the caller to re-seal as is and then wipe (crypto::Wipe);
// on failure it is left empty.
Result<proto::Op> OpenWireOp(const crypto::Secret& op_key,
                             ByteView author_public_key, ByteView wire,
                             Bytes* padded = nullptr);

// Structural check of an op from anyone: body set, enums known, importance
// 1..5 for wishes, a size for gives, text rules, n >= 1, hlc > 0.
// kProtocol on failure (untrusted input), with a reason.
Status ValidateShape(const proto::Op& op);

// The gate class of one of MY ops; item-free classes ignore the item flags.
OpClass ClassOf(const proto::Op& op);

// The item n an op is about, relative to its author: (other?, n); nullopt
// for consent, unpair and erased ops.
std::optional<std::pair<bool, std::uint64_t>> ItemOf(const proto::Op& op);

}  // namespace inch::store
