// Shared by the lists commands (lists_commands.cpp) and their views
// (lists_view.cpp): names for sizes and marks, id parsing with messages that
// say where to look, the JSON form of an item, and column helpers for calm,
// aligned output. Internal to cli/: nothing outside the lists files uses it.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/context.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli::lists {

const char* SizeName(store::GiveSize s);
const char* KindName(store::ItemKind k);
const char* ProgressName(store::Progress p);
const char* MarkName(store::ResponseMark m);
// "sent", "waiting_for_me", ... (JSON) and the words people read.
const char* StateKey(store::PreviewState s);
const char* StateWords(store::PreviewState s);

// kInvalidInput naming the allowed sizes.
Result<store::GiveSize> ParseSize(const std::string& s);
// The store's ParseId with a message pointing at `inch list`.
Result<store::ItemId> ParseItem(store::SharedReader& s,
                                const std::string& text);
// Rewrites kNotFound into "there is no item ID (or it was withdrawn)".
Status WithItemError(Status s, const std::string& id);

// The JSON object of an item (with `id`); `answer` is my private answer
// to a partner's wish, shown only on this node.
nlohmann::json ItemJson(
    store::SharedReader& s, const store::ItemState& it,
    const std::optional<store::PrivateAnswer>& answer = std::nullopt);

// Importance as five calm dots (how much a wish reaches its author).
std::string Dots(int importance);
// "for my partner's wish 2-1  “…”; a smaller step of 1-4  “…”", or "".
std::string Relation(store::SharedReader& s, const store::State& st,
                     const store::ItemState& it);
// My marks on an item for people: "shared · chosen · thanked", ...
std::string StateOf(const store::ItemState& it,
                    const std::optional<store::PrivateAnswer>& answer);

// Easiest first: gives by size, then by the importance of the wish they
// serve (most wanted first); wishes by importance. Ties: oldest first.
// (`inch list` and the web interface's lists.)
void SortEasiestFirst(const store::State& st,
                      std::vector<const store::ItemState*>& items);

// Opens the shared store and runs `body` on it (errors pass through).
template <class F>
Status WithStore(Context& ctx, F&& body) {
  auto s = ctx.OpenSharedStore();
  if (!s) return std::unexpected(s.error());
  return body(**s);
}
// The same for a view: `body` gets the reading role alone.
template <class F>
Status WithReader(Context& ctx, F&& body) {
  auto s = ctx.OpenSharedStore();
  if (!s) return std::unexpected(s.error());
  return body((*s)->reader());
}

// Display width in terminal cells of safe text (terminal_text.hpp: a CJK
// character or an emoji is two, a combining mark none).
std::size_t Width(std::string_view text);
// `text` padded with spaces to `width` cells.
std::string Pad(std::string_view text, std::size_t width);

// The views (lists_view.cpp). With `wrap`, texts are whole, wrapped in
// their column, instead of cut to one line.
Status ShowList(Context& ctx, bool mine_only, bool partner_only, bool wrap);
Status ShowNotes(Context& ctx);
// My notes and my partner's, newest first (`inch notes`), and their JSON
// (`inch notes --json`, the web interface's notes).
std::vector<const store::ItemState*> NotesNewestFirst(const store::State& st);
nlohmann::json NotesJson(store::SharedReader& s, const store::State& st);
// What `inch preview --json` prints: my items and notes that leave or
// wait to, each with its state, then my marks on the partner's gives;
// `drafts` (if given) gets how many private drafts were left out.
Result<nlohmann::json> PreviewJson(store::SharedReader& s,
                                   std::size_t* drafts = nullptr);
Status ShowPreview(Context& ctx, bool wrap);
// `inch show ID`: one item or note, its whole text wrapped to the reader's
// width, with its marks and what it answers; kNotFound when withdrawn.
Status ShowItem(Context& ctx, const std::string& id);
// The `inch status` section: consents, item and note counts, or "locked".
void StatusSection(Context& ctx, StatusReport& report);

}  // namespace inch::cli::lists
