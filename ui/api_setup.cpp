// The API's first-run routes: GET /api/setup (is there a home here yet?)
// and POST /api/setup (create it). Creating calls the same function as
// `inch init` (cli/node_create.hpp); the page then unlocks as usual.
#include <unistd.h>

#include "cli/node_create.hpp"
#include "ui/api.hpp"

namespace inch::ui {
namespace {

Result<ApiResponse> GetSetup(const Api& api, const ApiRequest&,
                             std::string_view) {
  cli::Context ctx = api.NewContext();
  auto files = ctx.Home();
  if (!files && files.error().code != Errc::kNotFound) {
    return std::unexpected(files.error());
  }
  return ApiResponse{200, {{"exists", files.has_value()}}};
}

// A passphrase field as guarded memory; kInvalidInput with `missing`.
Result<crypto::Secret> PassphraseField(const nlohmann::json& body,
                                       const char* name, const char* missing) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string() ||
      it->get_ref<const std::string&>().empty()) {
    return Fail(Errc::kInvalidInput, missing);
  }
  const auto& typed = it->get_ref<const std::string&>();
  if (typed.size() > kMaxPassphraseBytes) {
    return Fail(Errc::kInvalidInput,
                "that passphrase is too long: keep it under 1,000 letters");
  }
  return crypto::Secret::CopyOf(
      {reinterpret_cast<const std::uint8_t*>(typed.data()), typed.size()});
}

Result<ApiResponse> PostSetup(const Api& api, const ApiRequest& req,
                              std::string_view) {
  auto pass = PassphraseField(req.body, "passphrase",
                              "choose a passphrase and type it twice");
  if (!pass) return std::unexpected(pass.error());
  auto repeat =
      PassphraseField(req.body, "repeat", "type the passphrase a second time");
  if (!repeat) return std::unexpected(repeat.error());
  if (!pass->Equals(*repeat)) {
    return Fail(Errc::kInvalidInput,
                "the two passphrases differ: type the same one twice");
  }
  cli::Context ctx = api.NewContext();
  auto files = ctx.HomePaths();
  if (!files) return std::unexpected(files.error());
  if (::access(files->node_json.c_str(), F_OK) == 0) {
    return Fail(Errc::kExists,
                "inch is already set up on this laptop: reload the page "
                "to unlock it");
  }
  auto made = cli::CreateNode(*files, *pass);
  if (!made) return std::unexpected(made.error());
  return ApiResponse{201, {{"exists", true}}};
}

}  // namespace

std::vector<Api::Route> SetupRoutes() {
  return {{"GET", "/api/setup", GetSetup}, {"POST", "/api/setup", PostSetup}};
}

}  // namespace inch::ui
