// The journal file's schema and its numbered forward migrations. The file
// is identified by PRAGMA application_id and versioned by user_version;
// each step runs in its own transaction, so a crash leaves a file at some
// complete version, never in between.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/error.hpp"
#include "store/sqlite.hpp"

namespace inch::store::journal_schema {

inline constexpr std::int64_t kApplicationId = 0x696E6A31;  // 'inj1'
inline constexpr std::int64_t kVersion = 2;  // user_version this code writes

struct Migration {
  std::int64_t to_version;  // user_version after the step
  std::string_view sql;     // run inside the step's transaction
};

// The steps, in order: steps()[i].to_version == i + 1.
std::span<const Migration> Steps();

// Applies every step to a brand-new file inside the caller's transaction
// and stamps application_id and user_version. kIo/kCorrupt from SQLite.
Status CreateAll(Database& db);

// Checks application_id and user_version of an existing file and migrates
// it forward to kVersion, one transaction per step. kCorrupt (foreign
// application_id, version 0 or negative), kTooNew (newer than kVersion),
// kIo from SQLite.
Status Migrate(Database& db);

}  // namespace inch::store::journal_schema
