// The networking commands sync and unpair, and the partner part of `inch
// status` (pair and serve have their own files). Each runs one io_context on
// this thread until its coroutine ends; errors come back as Status and
// become exit codes in app.cpp (kUnreachable -> 4).
#include <chrono>
#include <optional>

#include "cli/commands.hpp"
#include "cli/home.hpp"
#include "cli/net_node.hpp"
#include "cli/node_file.hpp"
#include "cli/partner_state.hpp"
#include "crypto/check_words.hpp"
#include "crypto/kdf.hpp"
#include "net/client.hpp"
#include "net/resolve.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {
namespace {

namespace asio = boost::asio;

nlohmann::json PartnerJson(const store::PartnerInfo& partner,
                           const std::vector<std::string>& words) {
  return {{"node_id", partner.node_id},
          {"check_words", words},
          {"address", partner.last_address.empty()
                          ? nlohmann::json(nullptr)
                          : nlohmann::json(partner.last_address)}};
}

Status Sync(Context& ctx, const std::string& peer) {
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto partner = (*store)->pairing().Partner();
  if (!partner) return std::unexpected(partner.error());
  asio::io_context io;
  if (!*partner) {
    // Not paired: maybe an unpair notice is still owed.
    auto pending = (*store)->sync().OwedUnpairNotice();
    if (!pending) return std::unexpected(pending.error());
    if (!*pending) return Fail(Errc::kNotFound, "not paired: run `inch pair`");
    auto ep =
        net::ParseEndpoint(peer.empty() ? (*pending)->last_address : peer);
    if (!ep)
      return Fail(Errc::kUnreachable,
                  "no address for the old partner: use --peer");
    auto st = RunTask(
        io, net::DeliverUnpair(node->identity.secret_key, **pending, *ep));
    if (!st) return st;
    (void)(*store)->sync().ForgetUnpairNotice((*pending)->partner_public_key);
    ctx.out().Line("Told the old partner's node that we unpaired.");
    return {};
  }
  // A notice still owed to an old partner goes first, best effort: its
  // old address may be gone, and the daemon keeps trying.
  if (auto owed = (*store)->sync().OwedUnpairNotice();
      owed && *owed && !(*owed)->last_address.empty()) {
    if (auto old_ep = net::ParseEndpoint((*owed)->last_address)) {
      if (RunTask(io, net::DeliverUnpair(node->identity.secret_key, **owed,
                                         *old_ep))) {
        (void)(*store)->sync().ForgetUnpairNotice((*owed)->partner_public_key);
      }
    }
  }
  std::string address = peer.empty() ? (*partner)->last_address : peer;
  if (address.empty()) {
    return Fail(Errc::kUnreachable,
                "no address known for the partner: use --peer ADDR:PORT");
  }
  // A typed --peer may be a name (laptop.local); stored addresses are
  // numeric and resolve without the resolver.
  auto eps = net::Resolve(address);
  if (!eps) return std::unexpected(eps.error());
  auto stats =
      RunTask(io, net::SyncWith((*store)->sync(), node->identity.secret_key,
                                eps->front(), net::SyncOptions{}));
  if (!stats) return std::unexpected(stats.error());
  if (ctx.out().json()) {
    ctx.out().Json({{"converged", stats->converged},
                    {"sent", stats->ops_sent},
                    {"received", stats->ops_applied},
                    {"partner_unpaired", stats->partner_unpaired},
                    {"refused", stats->ops_refused},
                    {"refused_by_partner", stats->refused_by_partner},
                    {"recovered", stats->ops_recovered}});
  } else if (stats->partner_unpaired) {
    ctx.out().Line("The partner unpaired; its data and keys are erased here.");
  } else {
    ctx.out().Line("Synced: sent " + std::to_string(stats->ops_sent) +
                   ", received " + std::to_string(stats->ops_applied) + ".");
    if (stats->ops_recovered > 0) {
      ctx.out().Line(
          "This laptop had lost " + std::to_string(stats->ops_recovered) +
          " of its own changes (was it restored from a backup?). It took "
          "them back from your partner's laptop; both laptops agree again.");
    }
    if (stats->ops_refused > 0) {
      ctx.out().Line(
          "This laptop set aside " + std::to_string(stats->ops_refused) +
          " change(s) from your partner's that it could not accept (too "
          "many, too large, or dated in the future); everything else "
          "arrived. Is your partner's clock right?");
    }
    if (stats->refused_by_partner > 0) {
      ctx.out().Line("Your partner's laptop could not accept " +
                     std::to_string(stats->refused_by_partner) +
                     " of your changes; everything else arrived. Is this "
                     "laptop's clock right?");
    }
  }
  return {};
}

Status Unpair(Context& ctx) {
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto told = UnpairAndTell(*node, **store);
  if (!told) return std::unexpected(told.error());
  if (ctx.out().json()) {
    ctx.out().Json({{"unpaired", true}, {"partner_told", *told}});
  } else {
    ctx.out().Line("Unpaired: the partner's data and keys are erased here.");
    ctx.out().Line(*told ? "The partner's node was told and erased ours."
                         : "The partner's node will be told the next time "
                           "they reach each other (inch serve or inch sync).");
  }
  return {};
}

void StatusSectionNet(Context& ctx, StatusReport& report) {
  auto master = ctx.MasterKey(/*allow_prompt=*/false);
  if (!master) return;  // locked: the node section already says so
  auto node = LoadNode(ctx);
  if (!node) return;
  auto store = node->OpenStore();
  if (!store) return;
  auto seen = ReadPartnerStatus(*node, **store);
  if (!seen) return;
  const auto& partner = seen->partner;
  if (!partner) {
    report.json["partner"] = nullptr;
    report.lines.emplace_back("partner", "not paired");
  } else {
    const auto& words = seen->check_words;
    report.json["partner"] = PartnerJson(*partner, words);
    report.lines.emplace_back(
        "partner", partner->node_id + "  (" + crypto::JoinWords(words) + ")");
    if (auto state = (*store)->reader().CurrentState();
        state && !report.json.contains("consents")) {
      auto on = [&](int slot, int kind) {
        return state->consent[slot][kind].on;
      };
      report.json["consents"] = {
          {"lists",
           {{"me", on(store::kMe, 0)}, {"partner", on(store::kPartner, 0)}}},
          {"notes",
           {{"me", on(store::kMe, 1)}, {"partner", on(store::kPartner, 1)}}}};
      auto yn = [](bool b) {
        return b ? std::string("ready") : std::string("not yet");
      };
      report.lines.emplace_back("lists", "me " + yn(on(store::kMe, 0)) +
                                             ", partner " +
                                             yn(on(store::kPartner, 0)));
      report.lines.emplace_back("notes", "me " + yn(on(store::kMe, 1)) +
                                             ", partner " +
                                             yn(on(store::kPartner, 1)));
    }
  }
  const std::int64_t ms = seen->last_sync_ms;
  report.json["last_sync"] =
      ms ? nlohmann::json(IsoUtc(ms)) : nlohmann::json(nullptr);
  report.lines.emplace_back("last sync", ms ? LocalMinute(ms) : "never");
}

}  // namespace

void RegisterNetCommands(CLI::App& app, Context& ctx) {
  RegisterPairCommand(app, ctx);
  RegisterServeCommand(app, ctx);
  auto sync_peer = std::make_shared<std::string>();
  auto* sync =
      app.add_subcommand("sync", "Sync once with the partner and exit");
  sync->add_option("--peer", *sync_peer,
                   "ADDR:PORT (default: the partner's last address)");
  sync->callback([&ctx, sync_peer] {
    ctx.SetAction([&ctx, sync_peer] { return Sync(ctx, *sync_peer); });
  });

  app.add_subcommand("unpair", "Erase the partner here and tell its node")
      ->callback([&ctx] { ctx.SetAction([&ctx] { return Unpair(ctx); }); });

  ctx.AddStatusSection(StatusSectionNet);
}

}  // namespace inch::cli
