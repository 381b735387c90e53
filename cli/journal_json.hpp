// A journal entry as `inch journal ... --json` describes it; the web
// interface's API uses the same shape (docs/API.md).
#pragma once

#include <nlohmann/json.hpp>

#include "store/journal/journal.hpp"

namespace inch::cli {

// {"id", "text", "prompt": ID | null, "tags", "created", "created_ms",
//  "updated", "updated_ms"}
nlohmann::json EntryJson(const store::JournalEntry& e);

}  // namespace inch::cli
