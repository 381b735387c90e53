// The words the page shows for states the API reports: consent halves,
// the last sync, background syncing. Calm, plain, no ids, no jargon; kept
// apart from the handlers so they are tested alone.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/daemon_state.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::ui {

// "You are ready; waiting for your partner." and the other three.
std::string ConsentWords(bool mine, bool partner);

// {"lists": {"mine", "partner", "words"}, "notes": {...}}
nlohmann::json ConsentsJson(const store::SharedCounts& counts);

// "just now", "12 minutes ago", "3 hours ago", "yesterday", "5 days ago";
// "not yet" for 0. A time ahead of `now_ms` (a clock moved) is "just now".
std::string LastSyncWords(std::int64_t last_ms, std::int64_t now_ms);

// Whether this laptop keeps in touch with the partner's by itself.
std::string BackgroundWords(cli::daemon_state::State state);

// Unix time in milliseconds.
std::int64_t NowMs();

}  // namespace inch::ui
