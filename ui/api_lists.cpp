// The API's lists routes: GET /api/lists, POST /api/wishes, POST
// /api/items/{id}/share and /withdraw, POST /api/consent. Every change is
// the store's own operation (the same calls as `inch wish add`, `inch
// share`, `inch withdraw`, `inch ready`), and what the partner's lists
// hold is what the store's consent gate let in: nothing here decides
// what may flow. Items are described as `inch list --json` does.
#include <algorithm>

#include "cli/lists_format.hpp"
#include "ui/api.hpp"
#include "ui/api_items.hpp"
#include "ui/api_words.hpp"

namespace inch::ui {

// The store of an unlocked node, or kLocked.
Result<store::SharedStore*> OpenStore(cli::Context& ctx) {
  if (auto st = RequireKey(ctx); !st) return std::unexpected(st.error());
  return ctx.OpenSharedStore();
}

// A string field of the body; kInvalidInput saying what is missing.
Result<std::string> TextField(const nlohmann::json& body, const char* name,
                              const char* missing) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) {
    return Fail(Errc::kInvalidInput, missing);
  }
  return it->get<std::string>();
}

// An item's id from the path: unknown ones are kNotFound, in the page's
// words (it never shows ids).
Result<store::ItemId> ItemFromPath(store::SharedStore& s, std::string_view id) {
  auto parsed = s.reader().ParseId(id);
  if (!parsed) {
    return Fail(Errc::kNotFound,
                "that item is not here any more: reload the page");
  }
  return parsed;
}

Result<nlohmann::json> ItemNow(store::SharedStore& s, store::ItemId id) {
  auto item = s.reader().Item(id);
  if (!item) return std::unexpected(item.error());
  if (!*item) return nlohmann::json(nullptr);
  return cli::lists::ItemJson(s.reader(), **item);
}

Result<std::optional<store::ItemId>> OptionalItem(store::SharedStore& s,
                                                  const nlohmann::json& body,
                                                  const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<store::ItemId>();
  if (!it->is_string()) {
    return Fail(Errc::kInvalidInput, "that choice is not one inch knows");
  }
  auto id = ItemFromPath(s, it->get<std::string>());
  if (!id) return std::unexpected(id.error());
  return std::optional<store::ItemId>(*id);
}

namespace {

using store::ItemKind;
using store::ItemState;

Result<ApiResponse> GetLists(const Api& api, const ApiRequest&,
                             std::string_view) {
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto& s = **store;
  auto state = s.reader().CurrentState();
  if (!state) return std::unexpected(state.error());
  // [author][0 wishes, 1 gives]
  std::vector<const ItemState*> groups[2][2];
  for (const auto& [id, it] : state->items) {
    if (it.kind == ItemKind::kNote) continue;
    groups[id.author][it.kind == ItemKind::kWish ? 0 : 1].push_back(&it);
  }
  nlohmann::json out;
  for (int author : {store::kMe, store::kPartner}) {
    nlohmann::json side;
    for (int kind : {0, 1}) {
      auto& items = groups[author][kind];
      cli::lists::SortEasiestFirst(*state, items);
      nlohmann::json list = nlohmann::json::array();
      for (const ItemState* it : items) {
        auto answer = s.reader().PrivateAnswerFor(it->id);
        if (!answer) return std::unexpected(answer.error());
        list.push_back(cli::lists::ItemJson(s.reader(), *it, *answer));
      }
      side[kind == 0 ? "wishes" : "gives"] = std::move(list);
    }
    out[author == store::kMe ? "mine" : "partner"] = std::move(side);
  }
  auto counts = s.reader().Counts();
  if (!counts) return std::unexpected(counts.error());
  out["consents"] = ConsentsJson(*counts);
  auto partner = s.pairing().Partner();
  if (!partner) return std::unexpected(partner.error());
  out["paired"] = partner->has_value();
  return ApiResponse{200, out};
}

Result<ApiResponse> PostWish(const Api& api, const ApiRequest& req,
                             std::string_view) {
  auto text = TextField(req.body, "text", "write the wish first");
  if (!text) return std::unexpected(text.error());
  int importance = 3;
  if (auto it = req.body.find("importance"); it != req.body.end()) {
    if (!it->is_number_integer()) {
      return Fail(Errc::kInvalidInput, "importance is a number from 1 to 5");
    }
    const auto value = it->get<std::int64_t>();
    if (value < 1 || value > 5) {
      return Fail(Errc::kInvalidInput, "importance is a number from 1 to 5");
    }
    importance = static_cast<int>(value);
  }
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto id = (*store)->edits().AddWish(*text, importance);
  if (!id) return std::unexpected(id.error());
  auto item = ItemNow(**store, *id);
  if (!item) return std::unexpected(item.error());
  return ApiResponse{201, *item};
}

// share / withdraw: one of my items, by the id the lists gave the page.
template <class Act>
Result<ApiResponse> OnItem(const Api& api, std::string_view id, Act act,
                           const char* status) {
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto item = ItemFromPath(**store, id);
  if (!item) return std::unexpected(item.error());
  if (item->author != store::kMe) {
    return Fail(Errc::kInvalidInput,
                "that is your partner's: only its author can share or "
                "withdraw it");
  }
  if (auto st = act(**store, *item); !st) {
    if (st.error().code == Errc::kNotFound) {
      return Fail(Errc::kNotFound,
                  "that item is not here any more: reload the page");
    }
    return std::unexpected(st.error());
  }
  auto now = ItemNow(**store, *item);
  if (!now) return std::unexpected(now.error());
  return ApiResponse{200,
                     {{"id", (*store)->reader().FormatId(*item)},
                      {"status", status},
                      {"item", *now}}};
}

Result<ApiResponse> PostShare(const Api& api, const ApiRequest&,
                              std::string_view id) {
  return OnItem(
      api, id,
      [](store::SharedStore& s, store::ItemId i) { return s.edits().Share(i); },
      "shared");
}

Result<ApiResponse> PostWithdraw(const Api& api, const ApiRequest&,
                                 std::string_view id) {
  return OnItem(
      api, id,
      [](store::SharedStore& s, store::ItemId i) {
        return s.edits().Withdraw(i);
      },
      "withdrawn");
}

Result<ApiResponse> PostConsent(const Api& api, const ApiRequest& req,
                                std::string_view) {
  auto what = TextField(req.body, "what", "say which: lists or notes");
  if (!what) return std::unexpected(what.error());
  if (*what != "lists" && *what != "notes") {
    return Fail(Errc::kInvalidInput, "say which: lists or notes");
  }
  const auto on = req.body.find("on");
  if (on == req.body.end() || !on->is_boolean()) {
    return Fail(Errc::kInvalidInput,
                "say whether you are ready: on is true "
                "or false");
  }
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  const auto kind = *what == "lists" ? store::ConsentKind::kLists
                                     : store::ConsentKind::kNotes;
  if (auto st = (*store)->edits().SetConsent(kind, on->get<bool>()); !st) {
    return std::unexpected(st.error());
  }
  auto counts = (*store)->reader().Counts();
  if (!counts) return std::unexpected(counts.error());
  return ApiResponse{200,
                     {{"consent", *what},
                      {"on", on->get<bool>()},
                      {"consents", ConsentsJson(*counts)}}};
}

}  // namespace

std::vector<Api::Route> ListsRoutes() {
  std::vector<Api::Route> routes{
      {"GET", "/api/lists", GetLists},
      {"POST", "/api/wishes", PostWish},
      {"POST", "/api/items/{id}/share", PostShare},
      {"POST", "/api/items/{id}/withdraw", PostWithdraw},
      {"POST", "/api/consent", PostConsent}};
  for (auto& r : GivesRoutes()) routes.push_back(std::move(r));
  for (auto& r : NotesRoutes()) routes.push_back(std::move(r));
  return routes;
}

}  // namespace inch::ui
