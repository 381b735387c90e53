// The API's routing and error mapping; see api.hpp. The handlers are in
// api_node.cpp (status, unlock, lock) and api_lists.cpp.
#include "ui/api.hpp"

#include <spdlog/spdlog.h>

#include "cli/agent.hpp"

namespace inch::ui {
namespace {

const char* CodeName(Errc code) {
  switch (code) {
    case Errc::kInvalidInput:
    case Errc::kUsage:
      return "invalid_input";
    case Errc::kNotFound:
      return "not_found";
    case Errc::kExists:
      return "exists";
    case Errc::kLocked:
      return "locked";
    case Errc::kWrongPassphrase:
      return "wrong_passphrase";
    case Errc::kConsent:
      return "consent";
    case Errc::kUnreachable:
      return "unreachable";
    default:
      return "internal";
  }
}

// Matches `path` against `pattern`; `id` gets the {id} segment.
bool Matches(std::string_view pattern, std::string_view path,
             std::string_view& id) {
  const auto brace = pattern.find("{id}");
  if (brace == std::string_view::npos) return pattern == path;
  const std::string_view head = pattern.substr(0, brace);
  const std::string_view tail = pattern.substr(brace + 4);
  if (path.size() <= head.size() + tail.size() || !path.starts_with(head) ||
      !path.ends_with(tail))
    return false;
  id = path.substr(head.size(), path.size() - head.size() - tail.size());
  return id.find('/') == std::string_view::npos;
}

}  // namespace

unsigned StatusFor(Errc code) {
  switch (code) {
    case Errc::kInvalidInput:
    case Errc::kUsage:
      return 400;
    case Errc::kWrongPassphrase:
      return 401;
    case Errc::kConsent:
      return 403;
    case Errc::kNotFound:
      return 404;
    case Errc::kExists:
      return 409;
    case Errc::kLocked:
      return 423;
    case Errc::kUnreachable:
      return 503;
    default:
      return 500;
  }
}

nlohmann::json ErrorJson(const Error& e) {
  return {{"error", CodeName(e.code)}, {"message", e.message}};
}

Api::Api(ApiConfig config) : config_(std::move(config)) {
  for (auto& r : NodeRoutes()) routes_.push_back(std::move(r));
  for (auto& r : ListsRoutes()) routes_.push_back(std::move(r));
  for (auto& r : SetupRoutes()) routes_.push_back(std::move(r));
  for (auto& r : JournalRoutes()) routes_.push_back(std::move(r));
  for (auto& r : PairRoutes()) routes_.push_back(std::move(r));
  pair_job_ = NewPairJob();
}

cli::Context Api::NewContext() const {
  cli::Context ctx;
  ctx.options.home = config_.home;
  ctx.options.json = true;  // nothing is printed for people from here
  return ctx;
}

Status RequireKey(cli::Context& ctx) {
  // A look at the agent that counts as use, then the context's own
  // checked look (it refuses an agent that holds another node's key).
  if (auto socket = ctx.AgentSocket(false)) {
    (void)cli::agent::FetchKey(*socket, /*touch=*/true);  // only the touch
  }
  auto key = ctx.MasterKey(/*allow_prompt=*/false);
  if (!key) {
    if (key.error().code == Errc::kLocked) {
      return Fail(Errc::kLocked,
                  "inch is locked: type your passphrase to unlock it");
    }
    return std::unexpected(key.error());
  }
  return {};
}

ApiResponse Api::Handle(const ApiRequest& req) const {
  bool path_known = false;
  for (const Route& route : routes_) {
    std::string_view id;
    if (!Matches(route.pattern, req.path, id)) continue;
    path_known = true;
    if (route.method != req.method) continue;
    try {
      auto res = route.handler(*this, req, id);
      if (!res) return {StatusFor(res.error().code), ErrorJson(res.error())};
      return std::move(*res);
    } catch (const std::exception& e) {
      // A bug or an unexpected JSON shape: the server keeps serving.
      spdlog::error("ui: {} {} failed: {}", req.method, req.path, e.what());
      return {500, ErrorJson({Errc::kIo,
                              "something went wrong in inch: "
                              "reload the page"})};
    }
  }
  if (path_known) {
    return {405, ErrorJson({Errc::kInvalidInput, "not allowed here"})};
  }
  return {404, ErrorJson({Errc::kNotFound, "no such page in inch"})};
}

}  // namespace inch::ui
