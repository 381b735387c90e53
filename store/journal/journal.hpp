// The private journal: reflections kept in their own SQLite file, every
// field sealed (XChaCha20-Poly1305, padded, AD bound to table and row) so
// the disk only ever holds ciphertext. Never linked into net/ (design §5).
// File format and migrations: see schema.hpp and journal.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "store/journal/utf8.hpp"
#include "store/sqlite.hpp"

namespace inch::store {

struct JournalEntry {
  std::int64_t id = 0;  // INTEGER PRIMARY KEY: larger = written later
  std::string text;
  std::optional<std::string> prompt_id;
  std::vector<std::string> tags;
  std::int64_t created_ms = 0;  // unix ms, as passed to Write
  std::int64_t updated_ms = 0;  // unix ms, as passed to the last Edit
};

inline constexpr std::size_t kMaxEntryBytes = 64 * 1024;  // text, in bytes
inline constexpr std::size_t kMaxPromptIdBytes = 128;
inline constexpr std::size_t kMaxTags = 32;
inline constexpr std::size_t kMaxTagBytes = 64;

// One open journal file. Not thread-safe: use from one thread at a time.
// The key lives (in guarded memory) as long as the Journal.
class Journal {
 public:
  // Opens or creates the journal file. `key` is the 32-byte journal subkey
  // (aborts on another size: a programming error). Fails with
  // kNotFound (no file and !create), kExists (create over an existing file),
  // kCorrupt (not a database, integrity check fails, application_id differs,
  // or the key does not open the file's canary), kTooNew (user_version
  // newer than this code), kIo (the OS refused). A failed create removes
  // the half-made file.
  static Result<std::unique_ptr<Journal>> Open(const std::string& path,
                                               crypto::Secret key, bool create);

  // Seals and stores a new entry; returns its id. kInvalidInput (nothing
  // stored) for empty or whitespace-only text, text over kMaxEntryBytes,
  // invalid UTF-8 or a NUL byte in text, prompt id or tags, an empty or
  // oversized prompt id, or too many / empty / oversized tags; kIo/kCorrupt
  // from the database.
  Result<std::int64_t> Write(std::string_view text,
                             std::optional<std::string> prompt_id,
                             std::vector<std::string> tags,
                             std::int64_t now_ms);

  // At most `limit` entries, newest (highest id) first; only the returned
  // rows are decrypted. limit 0 returns an empty list. kCorrupt if a
  // returned record fails to open or decode.
  Result<std::vector<JournalEntry>> List(std::size_t limit);

  // kNotFound for an unknown id; kCorrupt if the record fails to open
  // (e.g. a ciphertext copied from another row) or decode.
  Result<JournalEntry> Get(std::int64_t id);

  // Replaces the text (prompt and tags are kept) and sets updated_ms.
  // kNotFound, kInvalidInput (same rules as Write; nothing changed),
  // kCorrupt if the stored record fails to open. The old ciphertext is
  // zeroed in the file and the WAL is truncated.
  Status Edit(std::int64_t id, std::string_view text, std::int64_t now_ms);

  // Deletes the entry: its bytes are zeroed in the file (secure_delete) and
  // the WAL is checkpointed and truncated. kNotFound for an unknown id; kIo
  // if the row is deleted but the WAL could not be truncated yet (another
  // reader holds it); the next Delete or Edit retries.
  Status Delete(std::int64_t id);

  // Number of entries; kIo/kCorrupt from the database.
  Result<std::int64_t> Count();

  // Re-seals every record and the key check under `new_journal_key` (32
  // bytes) in ONE transaction, so the file is wholly under the old key or
  // wholly under the new one; afterwards this Journal uses the new key.
  // kCorrupt (nothing changed) if any record does not open under the
  // current key; kIo from the database. The old ciphertexts are zeroed in
  // the file (secure_delete) and the WAL is truncated when no reader holds
  // it (best effort: it is old data under the old key). Used by key
  // rotation (cli/key_rotation.hpp).
  Status Rekey(const crypto::Secret& new_journal_key);

  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

 private:
  Journal(std::unique_ptr<Database> db, crypto::Secret key);
  // Opens and parses row `id`; kCorrupt when it does not open or parse.
  Result<JournalEntry> Load(std::int64_t id, std::int64_t format,
                            ByteView sealed);
  // Seals `entry` for its row in the current record format.
  Bytes Seal(const JournalEntry& entry);

  std::unique_ptr<Database> db_;
  crypto::Secret key_;
};

}  // namespace inch::store
