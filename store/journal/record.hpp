// The plaintext inside one sealed journal row (record format 1) and the
// associated data that binds it to its place. Internal to the journal;
// exposed so tests can build old files by hand and fuzz the decoder.
// Format 1, all integers little-endian:
//   u8 kind (1 = entry) | i64 created_ms | i64 updated_ms | u32 len, text |
//   u8 has_prompt (0/1) [| u32 len, prompt_id] | u32 tag count |
//   count x (u32 len, tag)   — nothing may follow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "store/journal/journal.hpp"

namespace inch::store::journal_record {

inline constexpr std::int64_t kFormat = 1;      // entries.format, AD suffix
inline constexpr std::size_t kPadBucket = 256;  // ciphertext length bucket
inline constexpr std::string_view kCanaryPlaintext = "inch journal canary v1";

// "inch/journal/entries/<id>/v<format>": a ciphertext opens only in its row.
Bytes EntryAd(std::int64_t id, std::int64_t format = kFormat);
// "inch/journal/meta/canary/v1".
Bytes CanaryAd();

// Serialises the entry's fields (not its id, which lives in the AD). The
// caller wipes the result (crypto::Wipe) once sealed.
Bytes EncodeRecord(const JournalEntry& entry);

// Parses a format-1 record for row `id`. kCorrupt on any malformed,
// truncated, over-long or trailing byte, or invalid UTF-8; never reads
// past `plain`.
Result<JournalEntry> DecodeRecord(ByteView plain, std::int64_t id);

}  // namespace inch::store::journal_record
