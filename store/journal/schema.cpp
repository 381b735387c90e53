// Journal schema steps. Never edit a published step: add a new one.
//   v1: entries (id, sealed record), meta (canary).
//   v2: entries.format (record format per row, so a future format can
//       coexist with old rows) and meta 'last_id', so ids of deleted
//       entries are never handed out again.
#include "store/journal/schema.hpp"

#include <string>

namespace inch::store::journal_schema {
namespace {

constexpr Migration kSteps[] = {
    {1,
     "CREATE TABLE entries (id INTEGER PRIMARY KEY, record BLOB NOT NULL)"
     " STRICT;"
     "CREATE TABLE meta (name TEXT PRIMARY KEY, value ANY NOT NULL) STRICT;"},
    {2,
     "ALTER TABLE entries ADD COLUMN format INTEGER NOT NULL DEFAULT 1;"
     "INSERT INTO meta (name, value)"
     " SELECT 'last_id', COALESCE(MAX(id), 0) FROM entries;"},
};
static_assert(std::size(kSteps) == kVersion);

Status Apply(Database& db, const Migration& step) {
  if (auto ok = db.Exec(step.sql); !ok) {
    return Wrap(ok.error(),
                "journal migration to v" + std::to_string(step.to_version));
  }
  return db.SetPragmaInt("user_version", step.to_version);
}

}  // namespace

std::span<const Migration> Steps() { return kSteps; }

Status CreateAll(Database& db) {
  if (auto ok = db.SetPragmaInt("application_id", kApplicationId); !ok) {
    return ok;
  }
  for (const auto& step : kSteps) {
    if (auto ok = Apply(db, step); !ok) return ok;
  }
  return {};
}

Status Migrate(Database& db) {
  auto app = db.PragmaInt("application_id");
  if (!app) return std::unexpected(app.error());
  if (*app != kApplicationId) {
    return Fail(Errc::kCorrupt, db.path() + " is not an inch journal");
  }
  auto version = db.PragmaInt("user_version");
  if (!version) return std::unexpected(version.error());
  if (*version > kVersion) {
    return Fail(Errc::kTooNew, db.path() + " was written by a newer inch " +
                                   "(journal schema v" +
                                   std::to_string(*version) + ")");
  }
  if (*version < 1) {
    return Fail(Errc::kCorrupt, db.path() + " has no journal schema");
  }
  while (*version < kVersion) {
    auto tx = Transaction::Begin(db);
    if (!tx) return std::unexpected(tx.error());
    // Re-read under the write lock: another process may have migrated.
    version = db.PragmaInt("user_version");
    if (!version) return std::unexpected(version.error());
    if (*version >= kVersion) break;
    const auto& step = kSteps[static_cast<std::size_t>(*version)];
    if (auto ok = Apply(db, step); !ok) return ok;  // tx rolls back
    if (auto ok = tx->Commit(); !ok) return ok;
    *version = step.to_version;
  }
  return {};
}

}  // namespace inch::store::journal_schema
