// The networking commands: pair, serve, sync, unpair, and the partner part
// of `inch status`. Each runs one io_context on this thread until its
// coroutine ends; errors come back as Status and become exit codes in app.cpp
// (kUnreachable -> 4).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/home.hpp"
#include "cli/node_file.hpp"
#include "crypto/kdf.hpp"
#include "net/check_words.hpp"
#include "net/client.hpp"
#include "net/daemon.hpp"
#include "net/pairing.hpp"
#include "net/unpair_notice.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {
namespace {

namespace asio = boost::asio;

// What every networking command needs from the home.
struct NetNode {
  HomeFiles files;
  crypto::Secret master;
  crypto::Identity identity;
  std::string pending_path;
  crypto::Secret local_key;

  Result<std::unique_ptr<store::SharedStore>> OpenStore() const {
    return store::SharedStore::Open(
        files.shared_db, crypto::DeriveSubkey(master, crypto::Subkey::kShared),
        identity.public_key,
        /*create=*/::access(files.shared_db.c_str(), F_OK) != 0);
  }
};

Result<NetNode> LoadNode(Context& ctx) {
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  auto master = ctx.MasterKey();
  if (!master) return std::unexpected(master.error());
  auto identity = OpenIdentity(*master, **node);
  if (!identity) return std::unexpected(identity.error());
  NetNode out{*files, std::move(*master), std::move(*identity),
              files->unpair_pending, crypto::Secret()};
  out.local_key = crypto::DeriveSubkey(out.master, crypto::Subkey::kLocal);
  return out;
}

// Runs `task` to completion on a fresh io_context.
template <class T>
T RunTask(asio::io_context& io, net::awaitable<T> task) {
  std::optional<T> out;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) out.emplace(std::move(value));
  });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      return T(Fail(Errc::kIo, std::string("network error: ") + e.what()));
    }
  }
  return std::move(*out);
}

// The address people should type: the bound one, or for a wildcard bind
// the address this host would use toward the LAN (no packet is sent).
std::string DisplayAddress(asio::io_context& io, const net::tcp::endpoint& ep) {
  if (!ep.address().is_unspecified()) return net::FormatEndpoint(ep);
  boost::system::error_code ec;
  asio::ip::udp::socket probe(io);
  probe.open(asio::ip::udp::v4(), ec);
  if (!ec) probe.connect({asio::ip::make_address("192.0.2.1"), 9}, ec);
  auto address = ec ? asio::ip::make_address("127.0.0.1")
                    : probe.local_endpoint(ec).address();
  if (ec) address = asio::ip::make_address("127.0.0.1");
  return net::FormatEndpoint({address, ep.port()});
}

nlohmann::json PartnerJson(const store::PartnerInfo& partner,
                           const std::vector<std::string>& words) {
  return {{"node_id", partner.node_id},
          {"check_words", words},
          {"address", partner.last_address.empty()
                          ? nlohmann::json(nullptr)
                          : nlohmann::json(partner.last_address)}};
}

Status RefuseIfPaired(store::SharedStore& store) {
  auto partner = store.Partner();
  if (!partner) return std::unexpected(partner.error());
  if (*partner) {
    return Fail(Errc::kExists, "already paired with " + (*partner)->node_id +
                                   ": run `inch unpair` first");
  }
  return {};
}

Status ReportPaired(Context& ctx, const net::PairResult& result) {
  std::string node_id = crypto::NodeId(result.partner_public_key);
  if (ctx.out().json()) {
    ctx.out().Json(
        {{"partner",
          {{"node_id", node_id}, {"check_words", result.check_words}}}});
  } else {
    ctx.out().Line("Paired with node " + node_id + ".");
    ctx.out().Line("Check words: " +
                   ctx.out().Bold(net::JoinWords(result.check_words)));
    ctx.out().Hint(
        "Both screens should show the same words. If they differ, "
        "run `inch unpair` on both laptops.");
  }
  return {};
}

Status Pair(Context& ctx, const std::optional<std::string>& listen,
            const std::string& peer, const std::string& code) {
  if (listen && !peer.empty()) {
    return Fail(Errc::kUsage, "use either --listen or HOST:PORT --code CODE");
  }
  if (!listen && (peer.empty() || code.empty())) {
    return Fail(Errc::kUsage,
                "usage: inch pair --listen [ADDR:PORT] | inch pair HOST:PORT "
                "--code CODE");
  }
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  if (auto st = RefuseIfPaired(**store); !st) return st;
  auto pin = [&](const net::PairResult& r) -> Status {
    if (auto st = (*store)->SetPartner(r.partner_public_key, r.pair_secret);
        !st) {
      return st;
    }
    // A notice still owed to an old partner stays until it is delivered
    // (the daemon tells the old partner whenever it reaches it); only
    // pairing again with that same partner makes it moot.
    auto owed = net::LoadPendingUnpair(node->pending_path, node->local_key);
    if (owed && *owed && (*owed)->partner_public_key == r.partner_public_key)
      (void)net::ClearPendingUnpair(node->pending_path);
    return {};
  };
  asio::io_context io;
  if (listen) {
    auto endpoint = net::ParseEndpoint(listen->empty() ? "0.0.0.0:0" : *listen);
    if (!endpoint) return std::unexpected(endpoint.error());
    net::tcp::acceptor acceptor(io);
    boost::system::error_code ec;
    acceptor.open(endpoint->protocol(), ec);
    if (!ec) acceptor.bind(*endpoint, ec);
    if (!ec) acceptor.listen(4, ec);
    if (ec) {
      return Fail(Errc::kInvalidInput, "cannot listen on " +
                                           net::FormatEndpoint(*endpoint) +
                                           ": " + ec.message());
    }
    std::string code_shown = net::NewPairingCode();
    std::string address = DisplayAddress(io, acceptor.local_endpoint());
    if (ctx.out().json()) {
      // One line, flushed before waiting, so a script can read it at once.
      std::cout
          << nlohmann::json{{"address", address}, {"code", code_shown}}.dump()
          << std::endl;
    } else {
      std::cout << "Pairing code: " << code_shown << "\n"
                << "On the other laptop run:\n  inch pair " << address
                << " --code " << code_shown << "\n"
                << "Waiting (the code works once and expires in 10 minutes)..."
                << std::endl;
    }
    auto result =
        RunTask(io, net::PairAsListener(acceptor, code_shown,
                                        node->identity.public_key, pin));
    if (!result) return std::unexpected(result.error());
    if (ctx.out().json()) return {};  // the one JSON document was printed
    return ReportPaired(ctx, *result);
  }
  auto endpoint = net::ParseEndpoint(peer);
  if (!endpoint) return std::unexpected(endpoint.error());
  auto result = RunTask(
      io, net::PairAsDialer(*endpoint, code, node->identity.public_key, pin));
  if (!result) return std::unexpected(result.error());
  // The daemon's port is learned at the first sync; until then guess the
  // default port on the host we just reached.
  (void)(*store)->SetPartnerAddress(
      net::FormatEndpoint({endpoint->address(), net::kDefaultPort}));
  return ReportPaired(ctx, *result);
}

Status Sync(Context& ctx, const std::string& peer) {
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto partner = (*store)->Partner();
  if (!partner) return std::unexpected(partner.error());
  asio::io_context io;
  if (!*partner) {
    // Not paired: maybe an unpair notice is still owed.
    auto pending = net::LoadPendingUnpair(node->pending_path, node->local_key);
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
    (void)net::ClearPendingUnpair(node->pending_path);
    ctx.out().Line("Told the old partner's node that we unpaired.");
    return {};
  }
  // A notice still owed to an old partner goes first, best effort: its
  // old address may be gone, and the daemon keeps trying.
  if (auto owed = net::LoadPendingUnpair(node->pending_path, node->local_key);
      owed && *owed && !(*owed)->last_address.empty()) {
    if (auto old_ep = net::ParseEndpoint((*owed)->last_address)) {
      if (RunTask(io, net::DeliverUnpair(node->identity.secret_key, **owed,
                                         *old_ep))) {
        (void)net::ClearPendingUnpair(node->pending_path);
      }
    }
  }
  std::string address = peer.empty() ? (*partner)->last_address : peer;
  if (address.empty()) {
    return Fail(Errc::kUnreachable,
                "no address known for the partner: use --peer ADDR:PORT");
  }
  auto ep = net::ParseEndpoint(address);
  if (!ep) return std::unexpected(ep.error());
  auto stats = RunTask(io, net::SyncWith(**store, node->identity.secret_key,
                                         *ep, net::SyncOptions{}));
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

Status Serve(Context& ctx, const std::string& listen) {
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto endpoint = net::ParseEndpoint(
      listen.empty() ? "0.0.0.0:" + std::to_string(net::kDefaultPort) : listen);
  if (!endpoint) return std::unexpected(endpoint.error());
  spdlog::set_default_logger(spdlog::stderr_color_mt("inch"));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  asio::io_context io;
  net::DaemonConfig config;
  config.listen = *endpoint;
  config.home_dir = node->files.dir;
  config.pending_unpair_path = node->pending_path;
  config.identity = &node->identity;
  config.local_key = &node->local_key;
  config.open_store = [&node]() -> Result<std::unique_ptr<store::SyncPort>> {
    auto opened = node->OpenStore();
    if (!opened) return std::unexpected(opened.error());
    return std::unique_ptr<store::SyncPort>(std::move(*opened));
  };
  config.on_listening = [&](const net::tcp::endpoint& ep) {
    spdlog::info("listening on {}", net::FormatEndpoint(ep));
    if (ctx.out().json()) {
      std::cout << nlohmann::json{{"address", net::FormatEndpoint(ep)}}.dump()
                << std::endl;
    }
  };
  net::Daemon daemon(io, std::move(config));
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    daemon.Stop();
  });
  auto result = RunTask(io, [&]() -> net::awaitable<Status> {
    auto st = co_await daemon.Run();
    signals.cancel();
    co_return st;
  }());
  if (result) spdlog::info("stopped");
  return result;
}

Status Unpair(Context& ctx) {
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  auto partner = (*store)->Partner();
  if (!partner) return std::unexpected(partner.error());
  if (!*partner) return Fail(Errc::kNotFound, "not paired");
  auto secret = (*store)->PairSecret();
  if (!secret) return std::unexpected(secret.error());
  net::PendingUnpair pending{(*partner)->public_key, std::move(*secret),
                             (*partner)->last_address};
  // Keep just enough to tell the partner, then erase everything else now.
  if (auto st =
          net::SavePendingUnpair(node->pending_path, node->local_key, pending);
      !st) {
    return st;
  }
  if (auto st = (*store)->ErasePartner(); !st) return st;
  bool told = false;
  if (auto ep = net::ParseEndpoint(pending.last_address)) {
    asio::io_context io;
    auto st = RunTask(
        io, net::DeliverUnpair(node->identity.secret_key, pending, *ep));
    if (st) told = net::ClearPendingUnpair(node->pending_path).has_value();
  }
  if (ctx.out().json()) {
    ctx.out().Json({{"unpaired", true}, {"partner_told", told}});
  } else {
    ctx.out().Line("Unpaired: the partner's data and keys are erased here.");
    ctx.out().Line(told ? "The partner's node was told and erased ours."
                        : "The partner's node will be told the next time they "
                          "reach each other (inch serve or inch sync).");
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
  auto partner = (*store)->Partner();
  if (!partner) return;
  if (!*partner) {
    report.json["partner"] = nullptr;
    report.lines.emplace_back("partner", "not paired");
  } else {
    std::vector<std::string> words;
    if (auto secret = (*store)->PairSecret()) {
      words = net::CheckWords(*secret, node->identity.public_key,
                              (*partner)->public_key);
    }
    report.json["partner"] = PartnerJson(**partner, words);
    report.lines.emplace_back(
        "partner", (*partner)->node_id + "  (" + net::JoinWords(words) + ")");
    if (auto state = (*store)->CurrentState();
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
  // Every session that converged (inch sync, or a daemon's) records it in
  // the store; homes written before then kept it in a file.
  std::int64_t ms = 0;
  if (auto noted = (*store)->LastSync()) ms = *noted;
  if (ms == 0) {
    auto last = ReadFile(node->files.dir + "/last-sync", 64);
    ms = last ? std::atoll(last->c_str()) : 0;
  }
  report.json["last_sync"] =
      ms ? nlohmann::json(IsoUtc(ms)) : nlohmann::json(nullptr);
  report.lines.emplace_back("last sync", ms ? LocalMinute(ms) : "never");
}

}  // namespace

void RegisterNetCommands(CLI::App& app, Context& ctx) {
  struct PairArgs {
    std::optional<std::string> listen;
    std::string peer, code;
  };
  auto pair_args = std::make_shared<PairArgs>();
  auto* pair = app.add_subcommand(
      "pair", "Pair with the partner's node using a one-time code");
  pair->add_option(
          "--listen", pair_args->listen,
          "Show a code and wait on ADDR:PORT (default 0.0.0.0:0, a free port)")
      ->expected(0, 1)
      ->type_name("[ADDR:PORT]");
  pair->add_option("peer", pair_args->peer, "The listening node's HOST:PORT");
  pair->add_option("--code", pair_args->code,
                   "The code the other laptop shows");
  pair->callback([&ctx, pair_args, pair] {
    if (pair->count("--listen") > 0 && !pair_args->listen)
      pair_args->listen = "";
    ctx.SetAction([&ctx, pair_args] {
      return Pair(ctx, pair_args->listen, pair_args->peer, pair_args->code);
    });
  });

  auto serve_listen = std::make_shared<std::string>();
  auto* serve = app.add_subcommand(
      "serve", "Run the daemon: listen, reconnect, push changes");
  serve->add_option("--listen", *serve_listen,
                    "ADDR:PORT (default 0.0.0.0:47470)");
  serve->callback([&ctx, serve_listen] {
    ctx.SetAction([&ctx, serve_listen] { return Serve(ctx, *serve_listen); });
  });

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
