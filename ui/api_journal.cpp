// The API's journal routes: the private reflections, which never leave
// this laptop (the journal is its own file, never linked into net/).
//   GET  /api/journal                 entries, newest first
//   GET  /api/journal/prompts         the guided questions, and which next
//   POST /api/journal                 {"text", "prompt": ID | null}
//   POST /api/journal/{id}/edit       {"text"}
//   POST /api/journal/{id}/delete     no body
// The same store calls as `inch journal write|list|edit|delete`; entries
// are described as `inch journal ... --json` does, plus the question.
#include <charconv>
#include <chrono>
#include <set>

#include "cli/journal_json.hpp"
#include "cli/prompts.hpp"
#include "cli/text_input.hpp"
#include "ui/api.hpp"
#include "ui/api_words.hpp"

namespace inch::ui {
namespace {

// More than a person writes in years of reflection, and a bound on the
// response (entries are at most 64 KiB each).
constexpr std::size_t kListLimit = 1000;

Result<store::Journal*> OpenJournal(cli::Context& ctx) {
  if (auto st = RequireKey(ctx); !st) return std::unexpected(st.error());
  return ctx.OpenJournal();
}

const char* const kGone =
    "that reflection is not here any more: reload the page";

// The entry id in the path: the page only sends ids it was given.
Result<std::int64_t> EntryId(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Fail(Errc::kNotFound, kGone);
  }
  return id;
}

// The entry, with its question's text (null without one, or for a
// question this version no longer has). Wipes `e`'s text.
nlohmann::json Described(store::JournalEntry& e) {
  nlohmann::json out = cli::EntryJson(e);
  const cli::GuidedPrompt* p =
      e.prompt_id ? cli::FindPrompt(*e.prompt_id) : nullptr;
  out["question"] =
      p ? nlohmann::json(std::string(p->text)) : nlohmann::json(nullptr);
  cli::WipeString(e.text);
  return out;
}

// The text of the body; the store refuses an empty or oversized one.
Result<std::string> TextOf(const nlohmann::json& body) {
  const auto it = body.find("text");
  if (it == body.end() || !it->is_string()) {
    return Fail(Errc::kInvalidInput, "write something first");
  }
  return it->get<std::string>();
}

// The store's refusal in the page's words.
Error Refused(const Error& e) {
  if (e.code == Errc::kInvalidInput) {
    return {e.code, "that cannot be saved: " + e.message};
  }
  if (e.code == Errc::kNotFound) return {e.code, kGone};
  return e;
}

Result<ApiResponse> GetJournal(const Api& api, const ApiRequest&,
                               std::string_view) {
  cli::Context ctx = api.NewContext();
  auto journal = OpenJournal(ctx);
  if (!journal) return std::unexpected(journal.error());
  auto entries = (*journal)->List(kListLimit);
  if (!entries) return std::unexpected(entries.error());
  nlohmann::json list = nlohmann::json::array();
  for (auto& e : *entries) list.push_back(Described(e));
  return ApiResponse{200, {{"entries", std::move(list)}}};
}

// The next question, one at a time in the method's order: the first not
// yet answered, else the one answered longest ago.
Result<ApiResponse> GetPrompts(const Api& api, const ApiRequest&,
                               std::string_view) {
  cli::Context ctx = api.NewContext();
  auto journal = OpenJournal(ctx);
  if (!journal) return std::unexpected(journal.error());
  auto entries = (*journal)->List(kListLimit);
  if (!entries) return std::unexpected(entries.error());
  std::vector<std::string> latest_first;  // prompt ids, newest answer first
  std::set<std::string> seen;
  for (auto& e : *entries) {
    cli::WipeString(e.text);
    if (e.prompt_id && seen.insert(*e.prompt_id).second) {
      latest_first.push_back(*e.prompt_id);
    }
  }
  nlohmann::json prompts = nlohmann::json::array();
  std::string next;
  for (const auto& p : cli::GuidedPrompts()) {
    prompts.push_back({{"id", p.id}, {"text", p.text}});
    if (next.empty() && !seen.contains(std::string(p.id))) next = p.id;
  }
  for (auto it = latest_first.rbegin();
       next.empty() && it != latest_first.rend(); ++it) {
    if (cli::FindPrompt(*it) != nullptr) next = *it;
  }
  return ApiResponse{200, {{"prompts", std::move(prompts)}, {"next", next}}};
}

Result<ApiResponse> PostEntry(const Api& api, const ApiRequest& req,
                              std::string_view) {
  auto text = TextOf(req.body);
  if (!text) return std::unexpected(text.error());
  std::optional<std::string> prompt;
  if (auto it = req.body.find("prompt");
      it != req.body.end() && !it->is_null()) {
    const cli::GuidedPrompt* p =
        it->is_string() ? cli::FindPrompt(it->get_ref<const std::string&>())
                        : nullptr;
    if (p == nullptr) {
      cli::WipeString(*text);
      return Fail(Errc::kInvalidInput,
                  "that question is not one of inch's: reload the page");
    }
    prompt = std::string(p->id);
  }
  cli::Context ctx = api.NewContext();
  auto journal = OpenJournal(ctx);
  if (!journal) {
    cli::WipeString(*text);
    return std::unexpected(journal.error());
  }
  store::JournalEntry entry;
  entry.created_ms = entry.updated_ms = NowMs();
  auto id = (*journal)->Write(*text, prompt, {}, entry.created_ms);
  if (!id) {
    cli::WipeString(*text);
    return std::unexpected(Refused(id.error()));
  }
  entry.id = *id;
  entry.prompt_id = prompt;
  entry.text = std::move(*text);
  return ApiResponse{201, Described(entry)};
}

Result<ApiResponse> PostEdit(const Api& api, const ApiRequest& req,
                             std::string_view id_text) {
  auto id = EntryId(id_text);
  if (!id) return std::unexpected(id.error());
  auto text = TextOf(req.body);
  if (!text) return std::unexpected(text.error());
  cli::Context ctx = api.NewContext();
  auto journal = OpenJournal(ctx);
  if (!journal) {
    cli::WipeString(*text);
    return std::unexpected(journal.error());
  }
  const std::int64_t now = NowMs();
  auto ok = (*journal)->Edit(*id, *text, now);
  cli::WipeString(*text);
  if (!ok) return std::unexpected(Refused(ok.error()));
  auto entry = (*journal)->Get(*id);
  if (!entry) return std::unexpected(Refused(entry.error()));
  return ApiResponse{200, Described(*entry)};
}

Result<ApiResponse> PostDelete(const Api& api, const ApiRequest&,
                               std::string_view id_text) {
  auto id = EntryId(id_text);
  if (!id) return std::unexpected(id.error());
  cli::Context ctx = api.NewContext();
  auto journal = OpenJournal(ctx);
  if (!journal) return std::unexpected(journal.error());
  if (auto ok = (*journal)->Delete(*id); !ok) {
    return std::unexpected(Refused(ok.error()));
  }
  return ApiResponse{200, {{"id", *id}, {"deleted", true}}};
}

}  // namespace

std::vector<Api::Route> JournalRoutes() {
  return {{"GET", "/api/journal", GetJournal},
          {"GET", "/api/journal/prompts", GetPrompts},
          {"POST", "/api/journal", PostEntry},
          {"POST", "/api/journal/{id}/edit", PostEdit},
          {"POST", "/api/journal/{id}/delete", PostDelete}};
}

}  // namespace inch::ui
