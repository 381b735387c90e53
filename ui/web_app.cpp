// The server's routes behind the gate; see web_app.hpp.
#include "ui/web_app.hpp"

#include "ui/assets.hpp"

namespace inch::ui {
namespace {

Response JsonResponse(const Request& req, unsigned status,
                      const nlohmann::json& body) {
  Response res{static_cast<http::status>(status), req.version()};
  res.set(http::field::content_type, "application/json");
  // Texts are sent as they are; the page renders them as text.
  res.body() =
      body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

}  // namespace

const Asset* FindAsset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (const Asset& a : Assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

Response WebApp::ApiCall(Request& req, std::string_view path) {
  ApiRequest api_req;
  api_req.method = std::string(req.method_string());
  api_req.path = std::string(path);
  if (!req.body().empty()) {
    // JSON only: a form or text/plain post (what another site's page could
    // send without asking) is refused even before the Origin check.
    const auto type = req[http::field::content_type];
    if (!type.starts_with("application/json")) {
      return JsonResponse(
          req, 415,
          ErrorJson({Errc::kInvalidInput, "inch's page sends JSON only"}));
    }
    api_req.body = nlohmann::json::parse(req.body(), nullptr, false);
    if (api_req.body.is_discarded() || !api_req.body.is_object()) {
      return JsonResponse(
          req, 400, ErrorJson({Errc::kInvalidInput, "that was not JSON"}));
    }
  }
  ApiResponse res = api_.Handle(api_req);
  return JsonResponse(req, res.status, res.body);
}

Response WebApp::Route(Request& req) {
  std::string_view target = req.target();
  const auto query = target.find('?');
  const std::string_view path = target.substr(0, query);
  if (path.starts_with("/api/")) return ApiCall(req, path);
  if (req.method() != http::verb::get) {
    return PlainResponse(req, http::status::method_not_allowed,
                         "Not allowed here.\n");
  }
  const Asset* asset = FindAsset(path);
  if (asset == nullptr) {
    return PlainResponse(req, http::status::not_found,
                         "There is no such page in inch.\n");
  }
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, asset->content_type);
  res.body() = std::string(asset->bytes);
  return res;
}

Response WebApp::Handle(Request& req) {
  std::optional<Response> refused = gate_.Check(req);
  Response res = refused ? std::move(*refused) : Route(req);
  Gate::AddSecurityHeaders(res);
  return res;
}

}  // namespace inch::ui
