// The API's gives and marks: POST /api/gives (a give with a size, "for" one
// of the partner's wishes, a smaller step of a wish or give), POST
// /api/items/{id}/choose and /done (my marks on a partner's give, as `inch
// choose` and `inch done`), and POST /api/items/{id}/not-yet (my private
// answer to a partner's wish, as `inch answer ID not-yet`: kept on this
// laptop, never an op). The store checks every rule (whose item, which
// kind, forward-only marks) and the consent gate decides what leaves.
#include "cli/lists_format.hpp"
#include "ui/api_items.hpp"

namespace inch::ui {
namespace {

Result<ApiResponse> PostGive(const Api& api, const ApiRequest& req,
                             std::string_view) {
  auto text = TextField(req.body, "text", "write what you are willing to give");
  if (!text) return std::unexpected(text.error());
  std::string size_name = "small";
  if (auto it = req.body.find("size"); it != req.body.end()) {
    if (!it->is_string()) {
      return Fail(Errc::kInvalidInput, "size is small, medium or large");
    }
    size_name = it->get<std::string>();
  }
  auto size = cli::lists::ParseSize(size_name);
  if (!size) return Fail(Errc::kInvalidInput, "size is small, medium or large");
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto& s = **store;
  auto for_wish = OptionalItem(s, req.body, "for");
  if (!for_wish) return std::unexpected(for_wish.error());
  auto smaller = OptionalItem(s, req.body, "smaller_than");
  if (!smaller) return std::unexpected(smaller.error());
  auto id = s.edits().AddGive(*text, *size, *for_wish, *smaller);
  if (!id) {
    if (id.error().code == Errc::kNotFound) {
      return Fail(Errc::kNotFound,
                  "what you chose is not here any more: reload the page");
    }
    return std::unexpected(id.error());
  }
  auto item = ItemNow(s, *id);
  if (!item) return std::unexpected(item.error());
  return ApiResponse{201, *item};
}

// A mark or private answer on one of my partner's items, by the id the
// lists gave the page; answers {"id", "status", "item"} like share does.
template <class Act>
Result<ApiResponse> OnPartnerItem(const Api& api, std::string_view id, Act act,
                                  const char* status) {
  cli::Context ctx = api.NewContext();
  auto store = OpenStore(ctx);
  if (!store) return std::unexpected(store.error());
  auto& s = **store;
  auto item = ItemFromPath(s, id);
  if (!item) return std::unexpected(item.error());
  if (item->author == store::kMe) {
    return Fail(Errc::kInvalidInput,
                "that one is yours: only your partner can mark it");
  }
  if (auto st = act(s, *item); !st) {
    if (st.error().code == Errc::kNotFound) {
      return Fail(Errc::kNotFound,
                  "that item is not here any more: reload the page");
    }
    return std::unexpected(st.error());
  }
  auto now = s.reader().Item(*item);
  if (!now) return std::unexpected(now.error());
  nlohmann::json j = nullptr;
  if (*now) {
    auto answer = s.reader().PrivateAnswerFor(*item);
    if (!answer) return std::unexpected(answer.error());
    j = cli::lists::ItemJson(s.reader(), **now, *answer);
  }
  return ApiResponse{
      200,
      {{"id", s.reader().FormatId(*item)}, {"status", status}, {"item", j}}};
}

Result<ApiResponse> PostChoose(const Api& api, const ApiRequest&,
                               std::string_view id) {
  return OnPartnerItem(
      api, id,
      [](store::SharedStore& s, store::ItemId i) {
        return s.edits().Respond(i, store::Progress::kChosen);
      },
      "chosen");
}

Result<ApiResponse> PostDone(const Api& api, const ApiRequest&,
                             std::string_view id) {
  return OnPartnerItem(
      api, id,
      [](store::SharedStore& s, store::ItemId i) {
        return s.edits().Respond(i, store::Progress::kDone);
      },
      "done");
}

Result<ApiResponse> PostNotYet(const Api& api, const ApiRequest&,
                               std::string_view id) {
  return OnPartnerItem(
      api, id,
      [](store::SharedStore& s, store::ItemId i) {
        return s.edits().AnswerPrivately(i, store::PrivateAnswer::kNotYet);
      },
      "not-yet");
}

// Takes a private answer back: it was never sent, so nothing else changes.
Result<ApiResponse> PostTakeBack(const Api& api, const ApiRequest&,
                                 std::string_view id) {
  return OnPartnerItem(
      api, id,
      [](store::SharedStore& s, store::ItemId i) {
        return s.edits().AnswerPrivately(i, std::nullopt);
      },
      "taken-back");
}

}  // namespace

std::vector<Api::Route> GivesRoutes() {
  return {{"POST", "/api/gives", PostGive},
          {"POST", "/api/items/{id}/choose", PostChoose},
          {"POST", "/api/items/{id}/done", PostDone},
          {"POST", "/api/items/{id}/not-yet", PostNotYet},
          {"POST", "/api/items/{id}/take-back", PostTakeBack}};
}

}  // namespace inch::ui
