// The API's notes and preview: GET /api/notes (sent and received, newest
// first, as `inch notes --json`, with both halves of the notes consent),
// POST /api/notes (a note, for one of the partner's gives or not, as `inch
// thank`), and GET /api/preview (what the partner's laptop holds or will
// receive from this one, as `inch preview --json`). A note leaves when the
// store's consent gate lets it, never because of this file.
#include "cli/lists_format.hpp"
#include "ui/api_items.hpp"
#include "ui/api_words.hpp"

namespace inch::ui {
namespace {

Result<ApiResponse> GetNotes(const Api& api, const ApiRequest&,
                             std::string_view) {
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto& s = **store;
  auto state = s.reader().CurrentState();
  if (!state) return std::unexpected(state.error());
  auto counts = s.reader().Counts();
  if (!counts) return std::unexpected(counts.error());
  return ApiResponse{200,
                     {{"notes", cli::lists::NotesJson(s.reader(), *state)},
                      {"consent", ConsentsJson(*counts)["notes"]}}};
}

Result<ApiResponse> PostNote(const Api& api, const ApiRequest& req,
                             std::string_view) {
  auto text = TextField(req.body, "text", "write the note first");
  if (!text) return std::unexpected(text.error());
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto& s = **store;
  auto give = OptionalItem(s, req.body, "for");
  if (!give) return std::unexpected(give.error());
  auto id = s.edits().AddNote(*text, *give);
  if (!id) {
    if (id.error().code == Errc::kNotFound) {
      return Fail(Errc::kNotFound,
                  "that give is not here any more: reload the page");
    }
    return std::unexpected(id.error());
  }
  auto note = ItemNow(s, *id);
  if (!note) return std::unexpected(note.error());
  nlohmann::json j = *note;
  if (*give) j["thanks_for"] = s.reader().FormatId(**give);
  return ApiResponse{201, j};
}

Result<ApiResponse> GetPreview(const Api& api, const ApiRequest&,
                               std::string_view) {
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto& s = **store;
  std::size_t drafts = 0;
  auto list = cli::lists::PreviewJson(s.reader(), &drafts);
  if (!list) return std::unexpected(list.error());
  auto counts = s.reader().Counts();
  if (!counts) return std::unexpected(counts.error());
  return ApiResponse{200,
                     {{"items", *list},
                      {"drafts", drafts},
                      {"consents", ConsentsJson(*counts)}}};
}

}  // namespace

std::vector<Api::Route> NotesRoutes() {
  return {{"GET", "/api/notes", GetNotes},
          {"POST", "/api/notes", PostNote},
          {"GET", "/api/preview", GetPreview}};
}

}  // namespace inch::ui
