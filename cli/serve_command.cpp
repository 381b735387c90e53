// `inch serve`: the daemon in the foreground, logging to stderr (journald
// under systemd), until SIGINT or SIGTERM (net/daemon.hpp). It follows the
// lock: it takes the key only from the unlock agent, never from a prompt
// or the passphrase file, so `inch lock` locks it too.
//
// States:  WAITING --agent holds a key that opens this node--> RUNNING
//          (WAITING also covers a home with no node yet: a service
//          installed before the first run waits for it)
//          RUNNING --agent gone or changed (lock, idle timeout, unlock
//                    again, kill)--> WAITING, once the daemon has stopped
//                    and every key it held is wiped
//          either  --SIGINT / SIGTERM--> exit
// Invariant: in WAITING this process holds no key (master, identity,
// derived keys), no session, no listener and no key lock (so a key
// rotation may run meanwhile; node.json is read afresh on each unlock).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "cli/agent.hpp"
#include "cli/agent_watch.hpp"
#include "cli/commands.hpp"
#include "cli/daemon_state.hpp"
#include "cli/net_node.hpp"
#include "net/daemon.hpp"

namespace inch::cli {
namespace {

namespace asio = boost::asio;
using daemon_state::State;
using std::chrono::milliseconds;

// The agent's socket is watched; this tick is only the fallback.
constexpr milliseconds kAgentTick{5000};
// After the socket changes, look again this much later: `inch unlock` run
// again replaces the agent (socket removed, then bound anew), and a daemon
// whose key is still there keeps its sessions.
constexpr milliseconds kAgentSettle{250};

class Server {
 public:
  Server(Context& ctx, asio::io_context& io, std::string socket,
         net::tcp::endpoint listen)
      : ctx_(ctx),
        io_(io),
        socket_(std::move(socket)),
        listen_(std::move(listen)),
        state_(daemon_state::PathFor(socket_)),
        wake_(io),
        settle_(io) {}

  net::awaitable<Status> Run();
  void Stop();
  void OnAgentChange(AgentWatch::Why why);

 private:
  net::awaitable<Status> RunUnlocked(crypto::Secret master);
  void SetState(State state);
  void Wait(const std::string& why);
  // Whether the agent still holds the key this daemon runs with.
  bool AgentStillHolds() const;
  // Whether the home holds a node yet (false before the first run).
  bool HasNode() const;

  Context& ctx_;
  asio::io_context& io_;
  std::string socket_;
  net::tcp::endpoint listen_;
  daemon_state::Writer state_;
  asio::steady_timer wake_;        // WAITING sleeps on it; agent changes cancel
  asio::steady_timer settle_;      // kAgentSettle after a socket event
  net::Daemon* daemon_ = nullptr;  // set while RUNNING
  const crypto::Secret* running_key_ = nullptr;  // set while RUNNING
  std::string said_;  // the last reason for waiting logged, to log it once
  bool stopping_ = false;
};

void Server::SetState(State state) {
  if (auto ok = state_.Set(state); !ok) {
    spdlog::warn("{} (inch status may be wrong)", ok.error().message);
  }
}

void Server::Wait(const std::string& why) {
  SetState(State::kWaitingForUnlock);
  if (why != said_) spdlog::warn("{}", why);
  said_ = why;
}

bool Server::AgentStillHolds() const {
  // A look ('P'), not a use: see Run().
  auto key = agent::FetchKey(socket_, /*touch=*/false);
  return key && running_key_ != nullptr && key->master.Equals(*running_key_);
}

bool Server::HasNode() const {
  Context fresh;
  fresh.options = ctx_.options;
  auto home = fresh.Home();
  return home || home.error().code != Errc::kNotFound;
}

void Server::Stop() {
  stopping_ = true;
  wake_.cancel();
  settle_.cancel();
  if (daemon_ != nullptr) daemon_->Stop();
}

void Server::OnAgentChange(AgentWatch::Why why) {
  if (stopping_) return;
  if (daemon_ == nullptr) {
    // WAITING: a new agent binds its socket a moment before it listens.
    if (why == AgentWatch::Why::kTick) {
      wake_.cancel();
      return;
    }
  } else if (why == AgentWatch::Why::kTick) {
    // RUNNING: the cheap question; a killed agent leaves its socket behind.
    if (!agent::TimeLeft(socket_)) {
      spdlog::info("the unlock agent is gone: stopping");
      daemon_->Stop();
    }
    return;
  }
  settle_.expires_after(kAgentSettle);
  settle_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    if (daemon_ == nullptr) {
      wake_.cancel();
    } else if (!AgentStillHolds()) {
      spdlog::info("inch was locked: stopping");
      daemon_->Stop();
    }
  });
}

net::awaitable<Status> Server::Run() {
  while (!stopping_) {
    // The daemon looks at the agent's key without resetting its idle
    // timer: it runs unattended, and if its use counted, "unlocked for 15
    // minutes of inactivity" would never end while it runs. The person's
    // own commands keep the agent alive; `inch unlock --for 8h` (up to
    // 24h) is how to keep a daemon serving through a day.
    auto key = agent::FetchKey(socket_, /*touch=*/false);
    if (!HasNode()) {
      // Installed as a service before the first run: the page's (or `inch
      // init`'s) unlock starts an agent, which wakes us.
      Wait(
          "there is no inch on this laptop yet: waiting for the first run "
          "(`inch ui`, or `inch init` then `inch unlock`)");
    } else if (!key) {
      Wait("inch is locked: waiting for `inch unlock`");
    } else {
      auto st = co_await RunUnlocked(std::move(key->master));
      if (!st) co_return st;
      if (stopping_) break;
      if (said_.empty()) {  // it ran: a lock stopped it
        spdlog::info(
            "the key is forgotten, sessions ended, the listener is closed");
        Wait("inch is locked: waiting for `inch unlock`");
      }
    }
    wake_.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(net::use_awaitable, ec));
  }
  co_return Status{};
}

// One RUNNING period. Everything secret lives in this frame (the context's
// cached key, the node's master, identity and local key, and the daemon's
// stores with their subkeys) and is wiped when it returns.
net::awaitable<Status> Server::RunUnlocked(crypto::Secret master) {
  Context ctx;
  ctx.options = ctx_.options;
  auto files = ctx.Home();
  if (!files) co_return std::unexpected(files.error());
  auto node_file = ctx.Node();  // holds the key lock until this returns
  if (!node_file) co_return std::unexpected(node_file.error());
  if ((*node_file)->rotation) {
    Wait(
        "a key rotation was interrupted: run `inch passphrase --rotate-key` "
        "to finish it; waiting");
    co_return Status{};
  }
  auto identity = OpenIdentity(master, **node_file);
  if (!identity) {
    Wait(
        "the unlocked key does not open this node (was it unlocked before a "
        "key rotation?): run `inch unlock` again; waiting");
    co_return Status{};
  }
  NetNode node{*files, std::move(master), std::move(*identity)};

  net::DaemonConfig config;
  config.listen = listen_;
  // The daemon watches the store's folder for its files (net/ knows no
  // store file names).
  const std::filesystem::path shared_db(node.files.shared_db);
  config.watch_dir = shared_db.parent_path().string();
  config.watch_prefix = shared_db.filename().string();
  config.identity = &node.identity;
  config.open_store = [&node]() -> Result<std::unique_ptr<store::SyncPort>> {
    auto opened = node.OpenStore();
    if (!opened) return std::unexpected(opened.error());
    return store::SharedStore::OwnedSyncPort(std::move(*opened));
  };
  config.on_listening = [this](const net::tcp::endpoint& ep) {
    // Port 0 becomes the port we got: after a lock the partner finds us
    // where it last did.
    listen_ = ep;
    said_.clear();
    SetState(State::kRunning);
    spdlog::info("listening on {}", net::FormatEndpoint(ep));
    if (ctx_.out().json()) {
      std::cout << nlohmann::json{{"address", net::FormatEndpoint(ep)}}.dump()
                << std::endl;
    }
  };
  // The agent may have gone between our look and now.
  if (!agent::TimeLeft(socket_)) co_return Status{};
  net::Daemon daemon(io_, std::move(config));
  daemon_ = &daemon;
  running_key_ = &node.master;
  auto st = co_await daemon.Run();
  daemon_ = nullptr;
  running_key_ = nullptr;
  co_return st;
}

Status Serve(Context& ctx, const std::string& listen) {
  // No node yet is a state to wait in (see Server::Run), not an error.
  if (auto files = ctx.Home();
      !files && files.error().code != Errc::kNotFound) {
    return std::unexpected(files.error());
  }
  auto socket = ctx.AgentSocket(/*create_dir=*/true);
  if (!socket) return std::unexpected(socket.error());
  auto endpoint = net::ParseEndpoint(
      listen.empty() ? "0.0.0.0:" + std::to_string(net::kDefaultPort) : listen);
  if (!endpoint) return std::unexpected(endpoint.error());
  spdlog::set_default_logger(spdlog::stderr_color_mt("inch"));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  const char* env_file = std::getenv("INCH_PASSPHRASE_FILE");
  if (!ctx.options.passphrase_file.empty() ||
      (env_file != nullptr && env_file[0] != '\0')) {
    spdlog::warn(
        "inch serve does not read the passphrase file: it takes the key "
        "from `inch unlock`, so that `inch lock` locks it too");
  }
  asio::io_context io;
  Server server(ctx, io, *socket, *endpoint);
  auto watch = AgentWatch::Start(
      io, *socket, kAgentTick,
      [&server](AgentWatch::Why why) { server.OnAgentChange(why); });
  if (!watch) return std::unexpected(watch.error());
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    server.Stop();
  });
  auto result = RunTask(io, [&]() -> net::awaitable<Status> {
    auto st = co_await server.Run();
    signals.cancel();
    watch->Close();
    server.Stop();  // cancels the settle timer, so io.run() can return
    co_return st;
  }());
  if (result) spdlog::info("stopped");
  return result;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, Context& ctx) {
  auto serve_listen = std::make_shared<std::string>();
  auto* serve = app.add_subcommand(
      "serve",
      "Run the daemon: listen, reconnect, push changes (waits while locked)");
  serve->add_option("--listen", *serve_listen,
                    "ADDR:PORT (default 0.0.0.0:47470)");
  serve->callback([&ctx, serve_listen] {
    ctx.SetAction([&ctx, serve_listen] { return Serve(ctx, *serve_listen); });
  });
}

}  // namespace inch::cli
