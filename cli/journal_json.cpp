// See journal_json.hpp.
#include "cli/journal_json.hpp"

#include "cli/output.hpp"

namespace inch::cli {

nlohmann::json EntryJson(const store::JournalEntry& e) {
  return {{"id", e.id},
          {"text", e.text},
          {"prompt", e.prompt_id ? nlohmann::json(*e.prompt_id)
                                 : nlohmann::json(nullptr)},
          {"tags", e.tags},
          {"created", IsoUtc(e.created_ms)},
          {"created_ms", e.created_ms},
          {"updated", IsoUtc(e.updated_ms)},
          {"updated_ms", e.updated_ms}};
}

}  // namespace inch::cli
