// The private journal store; see journal.hpp for the contract.
// Invariants: every row of `entries` holds SealPadded(journal key, record,
// EntryAd(id, format)); meta 'canary' holds the sealed canary; meta
// 'last_id' is >= every id ever used, so ids are never reused. Plaintext
// exists only in memory and is wiped once sealed or parsed.
#include "store/journal/journal.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "common/check.hpp"
#include "crypto/aead.hpp"
#include "store/journal/record.hpp"
#include "store/journal/schema.hpp"

namespace inch::store {
namespace {

namespace rec = journal_record;

// Steps a cached statement to completion: a statement left on a row keeps
// a read transaction open, which would stop the WAL from being truncated.
void Drain(Statement& stmt) {
  while (true) {
    auto more = stmt.Step();
    if (!more || !*more) return;
  }
}

// Decodes one code point from valid UTF-8 at s[i], advancing i.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
  char32_t cp = extra == 0 ? b : b & (0x3F >> extra);
  for (std::size_t k = 1; k <= extra; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  i += extra + 1;
  return cp;
}

bool IsBlank(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
         c == 0xFEFF;
}

// Precondition: IsValidUtf8(s).
bool IsBlankText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (!IsBlank(NextCodePoint(s, i))) return false;
  }
  return true;
}

Status CheckText(std::string_view text) {
  if (text.size() > kMaxEntryBytes) {
    return Fail(Errc::kInvalidInput, "entry is too long (" +
                                         std::to_string(text.size()) +
                                         " bytes; the limit is " +
                                         std::to_string(kMaxEntryBytes) + ")");
  }
  if (!IsValidUtf8(text)) {
    return Fail(Errc::kInvalidInput, "entry is not valid UTF-8 text");
  }
  if (text.find('\0') != std::string_view::npos) {
    return Fail(Errc::kInvalidInput, "entry contains a NUL character");
  }
  if (IsBlankText(text)) {
    return Fail(Errc::kInvalidInput, "entry is empty");
  }
  return {};
}

// A prompt id or a tag: short, non-empty, UTF-8, no NUL.
Status CheckLabel(std::string_view what, std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max || !IsValidUtf8(s) ||
      s.find('\0') != std::string_view::npos) {
    return Fail(Errc::kInvalidInput, std::string(what) + " must be 1 to " +
                                         std::to_string(max) +
                                         " bytes of UTF-8 text");
  }
  return {};
}

Status CheckLabels(const std::optional<std::string>& prompt_id,
                   const std::vector<std::string>& tags) {
  if (prompt_id) {
    if (auto ok = CheckLabel("prompt id", *prompt_id, kMaxPromptIdBytes); !ok) {
      return ok;
    }
  }
  if (tags.size() > kMaxTags) {
    return Fail(Errc::kInvalidInput, "too many tags (the limit is " +
                                         std::to_string(kMaxTags) + ")");
  }
  for (const auto& tag : tags) {
    if (auto ok = CheckLabel("a tag", tag, kMaxTagBytes); !ok) return ok;
  }
  return {};
}

Error NoEntry(std::int64_t id) {
  return {Errc::kNotFound, "no journal entry " + std::to_string(id)};
}

// Opens `sealed` under `from` and seals the same bytes (padding included)
// under `to`, with the same associated data. kCorrupt if it does not open.
Result<Bytes> Reseal(const crypto::Secret& from, const crypto::Secret& to,
                     ByteView sealed, ByteView ad, std::string_view what) {
  auto plain = crypto::Open(from, sealed, ad);
  if (!plain) {
    return Fail(Errc::kCorrupt,
                std::string(what) + " does not open under the current key");
  }
  Bytes out = crypto::Seal(to, *plain, ad);
  crypto::Wipe(*plain);
  return out;
}

// Removes a half-created journal so `create` can be retried.
void RemoveFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-checked"}) {
    ::unlink((path + suffix).c_str());
  }
}

}  // namespace

Journal::Journal(std::unique_ptr<Database> db, crypto::Secret key)
    : db_(std::move(db)), key_(std::move(key)) {}

Journal::~Journal() = default;

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& path,
                                               crypto::Secret key,
                                               bool create) {
  INCH_CHECK(key.size() == crypto::kKeyBytes);
  if (create) {
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) {
      return Fail(Errc::kExists, "a journal already exists at " + path);
    }
    if (errno != ENOENT) {
      return Fail(Errc::kIo,
                  "cannot inspect " + path + ": " + std::strerror(errno));
    }
  }
  auto db = Database::Open(path, create);
  if (!db) {
    if (create) RemoveFiles(path);
    return std::unexpected(db.error());
  }
  std::unique_ptr<Journal> journal(new Journal(std::move(*db), std::move(key)));
  Database& d = *journal->db_;
  if (create) {
    auto made = [&]() -> Status {
      auto tx = Transaction::Begin(d);
      if (!tx) return std::unexpected(tx.error());
      if (auto ok = journal_schema::CreateAll(d); !ok) return ok;
      Bytes canary = crypto::SealPadded(
          journal->key_, AsBytes(rec::kCanaryPlaintext), rec::CanaryAd());
      auto ins =
          d.Prepare("INSERT INTO meta (name, value) VALUES ('canary', ?)");
      if (auto ok = ins.Bind(1, ByteView(canary)).Run(); !ok) return ok;
      return tx->Commit();
    }();
    if (!made) {
      journal.reset();  // close before removing
      RemoveFiles(path);
      return Wrap(made.error(), "cannot create the journal at " + path);
    }
    return journal;
  }
  if (auto ok = journal_schema::Migrate(d); !ok) {
    return std::unexpected(ok.error());
  }
  auto sel = d.Prepare("SELECT value FROM meta WHERE name = 'canary'");
  auto row = sel.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Fail(Errc::kCorrupt, path + " has no journal key check");
  Bytes sealed = sel.ColumnBlob(0);
  Drain(sel);
  auto plain = crypto::OpenPadded(journal->key_, sealed, rec::CanaryAd(),
                                  rec::kPadBucket);
  if (!plain || Bytes(rec::kCanaryPlaintext.begin(),
                      rec::kCanaryPlaintext.end()) != *plain) {
    return Fail(Errc::kCorrupt, "journal key does not open this file");
  }
  return journal;
}

Result<JournalEntry> Journal::Load(std::int64_t id, std::int64_t format,
                                   ByteView sealed) {
  if (format != rec::kFormat) {
    return Fail(Errc::kCorrupt, "journal entry " + std::to_string(id) +
                                    " has unknown format " +
                                    std::to_string(format));
  }
  auto plain = crypto::OpenPadded(key_, sealed, rec::EntryAd(id, format),
                                  rec::kPadBucket);
  if (!plain) {
    return Fail(Errc::kCorrupt,
                "journal entry " + std::to_string(id) +
                    " does not open: it was altered or moved from another row");
  }
  auto entry = rec::DecodeRecord(*plain, id);
  crypto::Wipe(*plain);
  return entry;
}

Bytes Journal::Seal(const JournalEntry& entry) {
  Bytes plain = rec::EncodeRecord(entry);
  Bytes sealed =
      crypto::SealPadded(key_, plain, rec::EntryAd(entry.id), rec::kPadBucket);
  crypto::Wipe(plain);
  return sealed;
}

Result<std::int64_t> Journal::Write(std::string_view text,
                                    std::optional<std::string> prompt_id,
                                    std::vector<std::string> tags,
                                    std::int64_t now_ms) {
  if (auto ok = CheckText(text); !ok) return std::unexpected(ok.error());
  if (auto ok = CheckLabels(prompt_id, tags); !ok) {
    return std::unexpected(ok.error());
  }
  auto tx = Transaction::Begin(*db_);
  if (!tx) return std::unexpected(tx.error());
  auto next = db_->Prepare(
      "SELECT max(COALESCE((SELECT MAX(id) FROM entries), 0),"
      " COALESCE((SELECT value FROM meta WHERE name = 'last_id'), 0))");
  auto row = next.Step();
  if (!row) return std::unexpected(row.error());
  INCH_CHECK(*row);  // an aggregate always yields one row
  std::int64_t last = next.ColumnInt(0);
  Drain(next);
  if (last < 0 || last == std::numeric_limits<std::int64_t>::max()) {
    return Fail(Errc::kCorrupt, "journal ids are exhausted or invalid");
  }
  JournalEntry entry{last + 1,
                     std::string(text),
                     std::move(prompt_id),
                     std::move(tags),
                     now_ms,
                     now_ms};
  Bytes sealed = Seal(entry);
  auto ins =
      db_->Prepare("INSERT INTO entries (id, record, format) VALUES (?, ?, ?)");
  if (auto ok = ins.Bind(1, entry.id)
                    .Bind(2, ByteView(sealed))
                    .Bind(3, rec::kFormat)
                    .Run();
      !ok) {
    return std::unexpected(ok.error());
  }
  auto mark = db_->Prepare(
      "INSERT OR REPLACE INTO meta (name, value) VALUES ('last_id', ?)");
  if (auto ok = mark.Bind(1, entry.id).Run(); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
  return entry.id;
}

Result<std::vector<JournalEntry>> Journal::List(std::size_t limit) {
  std::vector<JournalEntry> out;
  if (limit == 0) return out;
  const auto max =
      static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  auto sel = db_->Prepare(
      "SELECT id, record, format FROM entries ORDER BY id DESC LIMIT ?");
  sel.Bind(1, static_cast<std::int64_t>(limit < max ? limit : max));
  while (true) {
    auto row = sel.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    Bytes sealed = sel.ColumnBlob(1);
    auto entry = Load(sel.ColumnInt(0), sel.ColumnInt(2), sealed);
    if (!entry) {
      Drain(sel);
      return std::unexpected(entry.error());
    }
    out.push_back(std::move(*entry));
  }
  return out;
}

Result<JournalEntry> Journal::Get(std::int64_t id) {
  auto sel = db_->Prepare("SELECT record, format FROM entries WHERE id = ?");
  auto row = sel.Bind(1, id).Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::unexpected(NoEntry(id));
  Bytes sealed = sel.ColumnBlob(0);
  std::int64_t format = sel.ColumnInt(1);
  Drain(sel);
  return Load(id, format, sealed);
}

Status Journal::Edit(std::int64_t id, std::string_view text,
                     std::int64_t now_ms) {
  if (auto ok = CheckText(text); !ok) return ok;
  {
    auto tx = Transaction::Begin(*db_);
    if (!tx) return std::unexpected(tx.error());
    auto entry = Get(id);
    if (!entry) return std::unexpected(entry.error());
    entry->text.assign(text);
    entry->updated_ms = now_ms;
    Bytes sealed = Seal(*entry);
    auto upd =
        db_->Prepare("UPDATE entries SET record = ?, format = ? WHERE id = ?");
    if (auto ok = upd.Bind(1, ByteView(sealed))
                      .Bind(2, rec::kFormat)
                      .Bind(3, id)
                      .Run();
        !ok) {
      return ok;
    }
    if (auto ok = tx->Commit(); !ok) return ok;
  }
  // The old ciphertext was zeroed in the page (secure_delete); truncating
  // the WAL drops the frame that still held it.
  if (auto ok = db_->CheckpointTruncate(); !ok) {
    return Wrap(ok.error(),
                "entry edited, but its old copy is still in the log");
  }
  return {};
}

Status Journal::Delete(std::int64_t id) {
  {
    auto tx = Transaction::Begin(*db_);
    if (!tx) return std::unexpected(tx.error());
    auto del = db_->Prepare("DELETE FROM entries WHERE id = ?");
    if (auto ok = del.Bind(1, id).Run(); !ok) return ok;
    if (db_->Changes() == 0) return std::unexpected(NoEntry(id));
    if (auto ok = tx->Commit(); !ok) return ok;
  }
  if (auto ok = db_->CheckpointTruncate(); !ok) {
    return Wrap(ok.error(),
                "entry deleted, but its old copy is still in the log");
  }
  return {};
}

Status Journal::Rekey(const crypto::Secret& new_journal_key) {
  INCH_CHECK(new_journal_key.size() == crypto::kKeyBytes);
  {
    auto tx = Transaction::Begin(*db_);
    if (!tx) return std::unexpected(tx.error());
    // In batches by id, so memory stays bounded on a large journal; every
    // batch is part of the one transaction.
    constexpr std::int64_t kBatch = 256;
    std::int64_t after = std::numeric_limits<std::int64_t>::min();
    for (;;) {
      std::vector<std::pair<std::int64_t, Bytes>> batch;
      {
        auto sel = db_->Prepare(
            "SELECT id, record, format FROM entries WHERE id > ? ORDER BY id"
            " LIMIT ?");
        sel.Bind(1, after).Bind(2, kBatch);
        for (;;) {
          auto row = sel.Step();
          if (!row) return std::unexpected(row.error());
          if (!*row) break;
          const std::int64_t id = sel.ColumnInt(0);
          auto resealed = Reseal(key_, new_journal_key, sel.ColumnBlob(1),
                                 rec::EntryAd(id, sel.ColumnInt(2)),
                                 "journal entry " + std::to_string(id));
          if (!resealed) {
            Drain(sel);
            return std::unexpected(resealed.error());
          }
          batch.emplace_back(id, std::move(*resealed));
        }
      }
      if (batch.empty()) break;
      for (const auto& [id, sealed] : batch) {
        if (auto ok = db_->Prepare("UPDATE entries SET record = ? WHERE id = ?")
                          .Bind(1, ByteView(sealed))
                          .Bind(2, id)
                          .Run();
            !ok) {
          return ok;
        }
      }
      after = batch.back().first;
    }
    auto sel = db_->Prepare("SELECT value FROM meta WHERE name = 'canary'");
    auto row = sel.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return Fail(Errc::kCorrupt, "the journal has no key check");
    Bytes sealed = sel.ColumnBlob(0);
    Drain(sel);
    auto canary =
        Reseal(key_, new_journal_key, sealed, rec::CanaryAd(), "the key check");
    if (!canary) return std::unexpected(canary.error());
    auto upd = db_->Prepare("UPDATE meta SET value = ? WHERE name = 'canary'");
    if (auto ok = upd.Bind(1, ByteView(*canary)).Run(); !ok) return ok;
    if (auto ok = tx->Commit(); !ok) return ok;
  }
  key_ = crypto::Secret::CopyOf(new_journal_key.view());
  (void)db_->CheckpointTruncate();
  return {};
}

Result<std::int64_t> Journal::Count() {
  auto sel = db_->Prepare("SELECT COUNT(*) FROM entries");
  auto row = sel.Step();
  if (!row) return std::unexpected(row.error());
  INCH_CHECK(*row);
  std::int64_t n = sel.ColumnInt(0);
  Drain(sel);
  return n;
}

}  // namespace inch::store
