// GET /api/partner: the partner part of `inch status` (the same
// cli::ReadPartnerStatus) in words for the page. Only what status shows:
// paired or not, the check words, and when the last sync reached the
// partner's laptop; nothing about when the partner was "online".
#include "cli/daemon_state.hpp"
#include "cli/output.hpp"
#include "ui/api_pair.hpp"
#include "ui/api_words.hpp"

namespace inch::ui {

std::string PartnerWords(const cli::PartnerStatus& seen, std::int64_t now_ms) {
  if (!seen.partner) return "You are not paired yet.";
  if (seen.last_sync_ms <= 0) {
    return "You are paired. Your partner's laptop has not been reached yet.";
  }
  return "Your partner's laptop was reached " +
         LastSyncWords(seen.last_sync_ms, now_ms) + ".";
}

Result<ApiResponse> GetPartner(const Api& api, const ApiRequest&,
                               std::string_view) {
  cli::Context ctx = api.NewContext();
  if (auto st = RequireKey(ctx); !st) return std::unexpected(st.error());
  auto node = cli::LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto seen = cli::ReadPartnerStatus(*node, **store);
  if (!seen) return std::unexpected(seen.error());
  auto socket = ctx.AgentSocket(false);
  if (!socket) return std::unexpected(socket.error());
  const auto daemon =
      cli::daemon_state::Read(cli::daemon_state::PathFor(*socket));
  const std::int64_t now = NowMs();
  nlohmann::json out{
      {"paired", seen->partner.has_value()},
      {"check_words", seen->check_words},
      {"last_sync", seen->last_sync_ms > 0
                        ? nlohmann::json(cli::IsoUtc(seen->last_sync_ms))
                        : nlohmann::json(nullptr)},
      {"last_sync_words", LastSyncWords(seen->last_sync_ms, now)},
      {"words", PartnerWords(*seen, now)},
      {"background", BackgroundWords(daemon.state)},
      {"notice_owed", seen->notice_owed},
      {"notice_words",
       seen->notice_owed
           ? nlohmann::json(
                 "Your previous partner's laptop has not yet been told that "
                 "you unpaired. It will be told the next time the two "
                 "laptops reach each other, and will then erase what you "
                 "shared.")
           : nlohmann::json(nullptr)}};
  return ApiResponse{200, std::move(out)};
}

}  // namespace inch::ui
