// Keys the shared store derives from its subkey, and the MAC that
// authenticates the plaintext bookkeeping its consent gate reads (which op
// is pending, its gate class, the release runs, the consents), so that a
// disk edit without the key cannot release anything (design.md §3).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

// Labels of the keys derived from the shared subkey: BLAKE2b-256 keyed with
// the subkey, over the label (docs/PROTOCOL.md "Keys at rest").
inline constexpr std::string_view kLocalAnswersLabel = "inch-local-answers v1";
inline constexpr std::string_view kRecordMacLabel = "inch-record-mac v1";

// A 32-byte key derived from `parent` (32 bytes) for `label`.
Secret DeriveLabelledKey(const Secret& parent, std::string_view label);

inline constexpr std::size_t kRecordMacBytes = 16;
using RecordMac = std::array<std::uint8_t, kRecordMacBytes>;

// MAC of one row: BLAKE2b-128 keyed with `key` over the table name, a zero
// byte, and each field as one tag byte (0 NULL, 1 integer) and, for an
// integer, its 8 bytes big-endian. The row's own key is among the fields,
// so a MAC cannot be moved to another row.
RecordMac MacRecord(const Secret& key, std::string_view table,
                    std::initializer_list<std::optional<std::int64_t>> fields);

// Constant-time check of a stored MAC (any length) against `expected`.
bool MacMatches(ByteView stored, const RecordMac& expected);

}  // namespace inch::crypto
