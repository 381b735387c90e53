// `inch pair`: show a one-time code and wait, or dial the node showing
// one; both pin each other once the code matched (net/pairing.hpp).
#include <iostream>

#include "cli/commands.hpp"
#include "cli/net_node.hpp"
#include "net/check_words.hpp"
#include "net/connection.hpp"
#include "net/daemon.hpp"
#include "net/pairing.hpp"
#include "net/unpair_notice.hpp"

namespace inch::cli {
namespace {

namespace asio = boost::asio;

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

}  // namespace

void RegisterPairCommand(CLI::App& app, Context& ctx) {
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
}

}  // namespace inch::cli
