// `inch serve`: the daemon in the foreground, logging to stderr, until
// SIGINT or SIGTERM (net/daemon.hpp).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/net_node.hpp"
#include "net/daemon.hpp"

namespace inch::cli {
namespace {

namespace asio = boost::asio;

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

}  // namespace

void RegisterServeCommand(CLI::App& app, Context& ctx) {
  auto serve_listen = std::make_shared<std::string>();
  auto* serve = app.add_subcommand(
      "serve", "Run the daemon: listen, reconnect, push changes");
  serve->add_option("--listen", *serve_listen,
                    "ADDR:PORT (default 0.0.0.0:47470)");
  serve->callback([&ctx, serve_listen] {
    ctx.SetAction([&ctx, serve_listen] { return Serve(ctx, *serve_listen); });
  });
}

}  // namespace inch::cli
