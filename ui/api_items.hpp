// What the lists, gives and notes handlers share (api_lists.cpp,
// api_gives.cpp, api_notes.cpp): the unlocked store, fields of a request's
// body, an item from the path, and the item as `inch list --json` has it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ui/api.hpp"

namespace inch::ui {

// The store of an unlocked node, or kLocked.
Result<store::SharedStore*> OpenStore(cli::Context& ctx);

// A string field of the body; kInvalidInput saying `missing` otherwise.
Result<std::string> TextField(const nlohmann::json& body, const char* name,
                              const char* missing);

// An optional item id in the body (absent or null: nullopt); an unknown one
// is kNotFound in the page's words.
Result<std::optional<store::ItemId>> OptionalItem(store::SharedStore& s,
                                                  const nlohmann::json& body,
                                                  const char* name);

// An item's id from the path: unknown ones are kNotFound, in the page's
// words (it never shows ids).
Result<store::ItemId> ItemFromPath(store::SharedStore& s, std::string_view id);

// The item as `inch list --json` describes it (null once withdrawn).
Result<nlohmann::json> ItemNow(store::SharedStore& s, store::ItemId id);

// The routes of the gives (api_gives.cpp) and notes (api_notes.cpp) groups,
// appended to ListsRoutes().
std::vector<Api::Route> GivesRoutes();
std::vector<Api::Route> NotesRoutes();

}  // namespace inch::ui
