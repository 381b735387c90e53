// The API's node routes: GET /api/status, POST /api/unlock, POST
// /api/lock. Unlocking starts the same unlock agent `inch unlock` does, so
// the CLI, `inch serve` and the page share one lock.
#include <sodium.h>

#include <chrono>

#include "cli/agent.hpp"
#include "cli/daemon_state.hpp"
#include "cli/node_file.hpp"
#include "cli/output.hpp"
#include "crypto/check_words.hpp"
#include "crypto/passphrase.hpp"
#include "ui/api.hpp"
#include "ui/api_words.hpp"

namespace inch::ui {
namespace {

using std::chrono::milliseconds;

// The partner, consents and last sync; needs the key.
Status AddPairing(cli::Context& ctx, nlohmann::json& out) {
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  auto store = ctx.OpenSharedStore();
  if (!store) return std::unexpected(store.error());
  auto& s = **store;
  auto partner = s.pairing().Partner();
  if (!partner) return std::unexpected(partner.error());
  out["paired"] = partner->has_value();
  out["partner"] = nullptr;
  if (*partner) {
    std::vector<std::string> words;
    if (auto secret = s.pairing().PairSecret()) {
      words = crypto::CheckWords(*secret, (*node)->identity_public,
                                 (*partner)->public_key);
    }
    out["partner"] = {{"check_words", words}};
  }
  auto counts = s.reader().Counts();
  if (!counts) return std::unexpected(counts.error());
  out["consents"] = ConsentsJson(*counts);
  auto last = s.reader().LastSync();
  if (!last) return std::unexpected(last.error());
  out["last_sync"] =
      *last ? nlohmann::json(cli::IsoUtc(*last)) : nlohmann::json(nullptr);
  out["last_sync_words"] = LastSyncWords(*last, NowMs());
  return {};
}

Result<ApiResponse> GetStatus(const Api& api, const ApiRequest&,
                              std::string_view) {
  cli::Context ctx = api.NewContext();
  if (auto files = ctx.Home(); !files) return std::unexpected(files.error());
  auto socket = ctx.AgentSocket(false);
  if (!socket) return std::unexpected(socket.error());
  // A look, not a use: opening the page does not extend the unlock.
  std::optional<milliseconds> left = cli::agent::TimeLeft(*socket);
  nlohmann::json out;
  const auto daemon =
      cli::daemon_state::Read(cli::daemon_state::PathFor(*socket));
  out["background"] = {{"state", cli::daemon_state::Name(daemon.state)},
                       {"words", BackgroundWords(daemon.state)}};
  auto key = left ? ctx.MasterKey(/*allow_prompt=*/false)
                  : Result<crypto::Secret>(Fail(Errc::kLocked, "locked"));
  out["locked"] = !key.has_value();
  out["unlock_seconds_left"] =
      key ? nlohmann::json(left->count() / 1000) : nlohmann::json(nullptr);
  if (!key) {
    if (key.error().code != Errc::kLocked) return std::unexpected(key.error());
    out["paired"] = nullptr;
    out["partner"] = nullptr;
    out["consents"] = nullptr;
    out["last_sync"] = nullptr;
    out["last_sync_words"] = nullptr;
    return ApiResponse{200, out};
  }
  if (auto st = AddPairing(ctx, out); !st) return std::unexpected(st.error());
  return ApiResponse{200, out};
}

Result<ApiResponse> PostUnlock(const Api& api, const ApiRequest& req,
                               std::string_view) {
  const auto it = req.body.find("passphrase");
  if (it == req.body.end() || !it->is_string() ||
      it->get_ref<const std::string&>().empty()) {
    return Fail(Errc::kInvalidInput, "type your passphrase to unlock inch");
  }
  const auto& typed = it->get_ref<const std::string&>();
  if (typed.size() > kMaxPassphraseBytes) {
    return Fail(Errc::kInvalidInput, "that passphrase is too long");
  }
  crypto::Secret pass = crypto::Secret::CopyOf(
      {reinterpret_cast<const std::uint8_t*>(typed.data()), typed.size()});
  cli::Context ctx = api.NewContext();
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  if ((*node)->rotation) {
    return Fail(Errc::kExists,
                "a change of key was interrupted: finish it in a terminal "
                "with `inch passphrase --rotate-key`, then come back");
  }
  auto socket = ctx.AgentSocket(/*create_dir=*/true);
  if (!socket) return std::unexpected(socket.error());
  auto master = crypto::UnwrapMasterKey(pass, (*node)->wrapped);
  if (!master) {
    if (master.error().code == Errc::kWrongPassphrase) {
      return Fail(Errc::kWrongPassphrase,
                  "that passphrase did not open inch: check it and try "
                  "again");
    }
    return std::unexpected(master.error());
  }
  if (auto id = cli::OpenIdentity(*master, **node); !id) {
    return std::unexpected(id.error());
  }
  // As `inch unlock`: a running agent is replaced, with the default time.
  cli::agent::Stop(*socket);
  if (auto st = cli::agent::Start(*socket, std::move(*master),
                                  cli::agent::kDefaultIdle);
      !st) {
    return std::unexpected(st.error());
  }
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(cli::agent::kDefaultIdle)
          .count();
  return ApiResponse{200, {{"locked", false}, {"seconds_left", seconds}}};
}

Result<ApiResponse> PostLock(const Api& api, const ApiRequest&,
                             std::string_view) {
  cli::Context ctx = api.NewContext();
  auto socket = ctx.AgentSocket(false);
  if (!socket) return std::unexpected(socket.error());
  const bool was_unlocked = cli::agent::Stop(*socket);
  return ApiResponse{200, {{"locked", true}, {"was_unlocked", was_unlocked}}};
}

}  // namespace

std::vector<Api::Route> NodeRoutes() {
  return {{"GET", "/api/status", GetStatus},
          {"POST", "/api/unlock", PostUnlock},
          {"POST", "/api/lock", PostLock}};
}

}  // namespace inch::ui
