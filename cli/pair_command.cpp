// `inch pair`: show a one-time code and wait (announcing a pairing offer
// on the LAN), or find the node showing one (by its offer, or at a typed
// HOST:PORT) and pair; both pin each other once the code matched
// (net/pairing.hpp), then the person compares the check words.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/net_node.hpp"
#include "cli/passphrase_input.hpp"
#include "crypto/check_words.hpp"
#include "net/connection.hpp"
#include "net/daemon.hpp"
#include "net/discovery.hpp"
#include "net/discovery_pair.hpp"
#include "net/interfaces.hpp"
#include "net/pairing.hpp"
#include "net/resolve.hpp"

namespace inch::cli {
namespace {

namespace asio = boost::asio;

// Failed attempts one announced code survives (an explicit --listen
// keeps one: its dialer typed this very address, so no mix-up is likely). Each
// is one online guess at an 8-digit code (10^-8), so three keep the odds
// negligible while a dialer that tried this offer by mistake (two pairings on
// one LAN) does not use up our partner's code.
constexpr int kCodeAttempts = 3;

struct PairArgs {
  std::optional<std::string> listen;
  std::string peer, code;
  bool yes = false;
};

Status RefuseIfPaired(store::Pairing& store) {
  auto partner = store.Partner();
  if (!partner) return std::unexpected(partner.error());
  if (*partner) {
    return Fail(Errc::kExists, "already paired with " + (*partner)->node_id +
                                   ": run `inch unpair` first");
  }
  return {};
}

std::vector<std::string> ListenAddresses(const net::tcp::endpoint& bound) {
  auto all = net::ListInterfaceAddresses();
  if (!all) return {net::FormatEndpoint(bound)};
  return net::DisplayAddresses(bound, *all);
}

// Shows the check words and, when a person is there to answer, asks them
// to compare. "No" erases the partner here (the other laptop is told what
// to do in the message). Returns an error when the words were refused.
Status ConfirmPaired(Context& ctx, store::Pairing& store,
                     const net::PairResult& result, bool yes) {
  std::string node_id = crypto::NodeId(result.partner_public_key);
  if (ctx.out().json()) {
    // One line, like the first, so a script reads line by line.
    std::cout << nlohmann::json{{"partner",
                                 {{"node_id", node_id},
                                  {"check_words", result.check_words}}}}
                     .dump()
              << std::endl;
  } else {
    ctx.out().Line("Paired with node " + node_id + ".");
    ctx.out().Line("Check words: " +
                   ctx.out().Bold(crypto::JoinWords(result.check_words)));
  }
  if (yes || !StdinIsTerminal()) {
    if (!ctx.out().json()) {
      ctx.out().Hint(
          "Both screens should show the same words. If they differ, run "
          "`inch unpair` on both laptops.");
    }
    return {};
  }
  std::ostream& ask = ctx.out().json() ? std::cerr : std::cout;
  ask << "Do both screens show these words? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "y" || answer == "Y" || answer == "yes" || answer == "YES" ||
      answer == "Yes") {
    if (!ctx.out().json()) ctx.out().Line("Pairing confirmed.");
    return {};
  }
  if (auto st = store.ErasePartner(); !st) return st;
  return Fail(Errc::kCrypto,
              "unpaired here because the words differ: someone may have been "
              "in the middle. Run `inch unpair` on the other laptop too, then "
              "start again with `inch pair` on one and `inch pair --code "
              "CODE` on the other");
}

// Binds the listener: `listen` as given, or (discovery) the IPv6 wildcard,
// which takes IPv4 too, falling back to IPv4 alone.
Result<net::tcp::endpoint> Bind(net::tcp::acceptor& acceptor,
                                const std::optional<std::string>& listen) {
  std::vector<net::tcp::endpoint> tries;
  if (listen && !listen->empty()) {
    auto endpoint = net::ParseEndpoint(*listen);
    if (!endpoint) return std::unexpected(endpoint.error());
    tries.push_back(*endpoint);
  } else if (listen) {
    tries.push_back({asio::ip::address_v4::any(), 0});
  } else {
    tries.push_back({asio::ip::address_v6::any(), 0});
    tries.push_back({asio::ip::address_v4::any(), 0});
  }
  boost::system::error_code ec;
  for (const auto& endpoint : tries) {
    ec.clear();
    if (acceptor.is_open()) acceptor.close(ec);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec && endpoint.address().is_v6())
      acceptor.set_option(asio::ip::v6_only(false), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(8, ec);
    if (!ec) return acceptor.local_endpoint();
  }
  return Fail(Errc::kInvalidInput, "cannot listen on " +
                                       net::FormatEndpoint(tries.back()) +
                                       ": " + ec.message());
}

// The listener side, allowing kCodeAttempts failed attempts within the
// code's lifetime, as one task so the offer (on the same io_context) is
// stopped the moment it ends: otherwise the announcer keeps io.run() busy.
net::awaitable<Result<net::PairResult>> ListenForPartner(
    net::tcp::acceptor& acceptor, std::string code, Bytes my_public_key,
    net::PinFunction pin, net::OfferAnnouncer* offer, int attempts) {
  const auto until = std::chrono::steady_clock::now() + net::kCodeLifetime;
  Result<net::PairResult> result = Fail(Errc::kUnreachable, "not started");
  for (int attempt = 1;; ++attempt) {
    auto left = until - std::chrono::steady_clock::now();
    result =
        co_await net::PairAsListener(acceptor, code, my_public_key, pin, left);
    if (result || result.error().code != Errc::kCrypto) break;
    if (result.error().message.starts_with(net::kCodeTakenWords)) break;
    if (attempt >= attempts) {
      result =
          Fail(Errc::kCrypto,
               std::string(attempts == 1 ? "the code did not match (a typo, or "
                                           "someone else's attempt)"
                                         : "the code was tried " +
                                               std::to_string(attempts) +
                                               " times without a match") +
                   ", so it is used up: start again with a new code "
                   "(`inch pair`)");
      break;
    }
    std::cerr << "A pairing attempt with another code was refused (a typo, "
                 "or another couple pairing nearby). Still waiting; the code "
                 "survives "
              << (attempts - attempt) << " more failed attempt(s)."
              << std::endl;
  }
  if (offer) offer->Stop();  // paired or given up: the offer ends here
  co_return result;
}

Status Pair(Context& ctx, const PairArgs& args) {
  const bool discover_listen =
      !args.listen && args.peer.empty() && args.code.empty();
  const bool discover_dial =
      !args.listen && args.peer.empty() && !args.code.empty();
  if (args.listen && (!args.peer.empty() || !args.code.empty())) {
    return Fail(Errc::kUsage,
                "use either --listen, or HOST:PORT --code CODE, or --code "
                "CODE alone");
  }
  if (!args.peer.empty() && args.code.empty()) {
    return Fail(Errc::kUsage,
                "give the code the other laptop shows: inch pair " + args.peer +
                    " --code CODE");
  }
  if (!args.code.empty()) {
    if (auto normal = net::NormalizeCode(args.code); !normal)
      return std::unexpected(normal.error());
  }
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  if (auto st = RefuseIfPaired((*store)->pairing()); !st) return st;
  // A notice still owed to an old partner stays until it is delivered
  // (the daemon tells the old partner whenever it reaches it); only
  // pairing again with that same partner makes it moot (SetPartner).
  auto pin = [&](const net::PairResult& r) -> Status {
    return (*store)->pairing().SetPartner(r.partner_public_key, r.pair_secret);
  };
  // Logs (an ignored connection, an offer heard) go to stderr: stdout
  // carries only what a script reads.
  spdlog::set_default_logger(spdlog::stderr_color_mt("inch"));
  asio::io_context io;
  if (args.listen || discover_listen) {
    net::tcp::acceptor acceptor(io);
    auto bound = Bind(acceptor, args.listen);
    if (!bound) return std::unexpected(bound.error());
    std::string code_shown = net::NewPairingCode();
    auto addresses = ListenAddresses(*bound);
    std::unique_ptr<net::OfferAnnouncer> offer;
    if (discover_listen) {
      auto started =
          net::OfferAnnouncer::Start(io.get_executor(), bound->port());
      if (started) {
        offer = std::move(*started);
      } else {
        ctx.out().Hint("Cannot announce on this network (" +
                       started.error().message +
                       "): the other laptop must type an address below.");
      }
    }
    if (ctx.out().json()) {
      // One line, flushed before waiting, so a script can read it at once.
      nlohmann::json line{{"code", code_shown}, {"addresses", addresses}};
      if (args.listen)
        line["address"] =
            addresses.empty() ? net::FormatEndpoint(*bound) : addresses.front();
      std::cout << line.dump() << std::endl;
    } else {
      std::cout << "Pairing code: " << code_shown << "\n";
      if (discover_listen) {
        std::cout << "On the other laptop run:\n  inch pair --code "
                  << code_shown << "\n";
        if (!addresses.empty()) {
          std::cout << "If it cannot find this laptop, give it an address "
                       "instead:\n";
        }
      } else {
        std::cout << "On the other laptop run one of:\n";
      }
      for (const auto& a : addresses)
        std::cout << "  inch pair " << a << " --code " << code_shown << "\n";
      if (addresses.empty()) {
        std::cout << "(This laptop has no network address yet: connect it "
                     "to the Wi-Fi.)\n";
      }
      std::cout << "Waiting (the code expires in 10 minutes)..." << std::endl;
    }
    auto result = RunTask(
        io,
        ListenForPartner(acceptor, code_shown, node->identity.public_key, pin,
                         offer.get(), discover_listen ? kCodeAttempts : 1));
    if (!result) return std::unexpected(result.error());
    return ConfirmPaired(ctx, (*store)->pairing(), *result, args.yes);
  }
  net::tcp::endpoint reached;
  Result<net::PairResult> result = Fail(Errc::kUnreachable, "not tried");
  if (discover_dial) {
    if (!ctx.out().json())
      ctx.out().Hint("Looking for the other laptop's pairing offer...");
    result =
        RunTask(io, net::PairByDiscovery(args.code, node->identity.public_key,
                                         pin, {}, &reached));
  } else {
    auto endpoints = net::Resolve(args.peer);
    if (!endpoints) return std::unexpected(endpoints.error());
    for (const auto& ep : *endpoints) {
      io.restart();
      result = RunTask(
          io, net::PairAsDialer(ep, args.code, node->identity.public_key, pin));
      reached = ep;
      // Only a failed connect moves on to the name's next address: any
      // other outcome was an attempt at the code.
      if (result || result.error().code != Errc::kUnreachable) break;
    }
  }
  if (!result) return std::unexpected(result.error());
  // The daemon's port is learned at the first sync (or from the partner's
  // presence); until then guess the default port on the host we reached.
  (void)(*store)->pairing().SetPartnerAddress(
      net::FormatEndpoint({reached.address(), net::kDefaultPort}));
  return ConfirmPaired(ctx, (*store)->pairing(), *result, args.yes);
}

}  // namespace

void RegisterPairCommand(CLI::App& app, Context& ctx) {
  auto pair_args = std::make_shared<PairArgs>();
  auto* pair = app.add_subcommand(
      "pair",
      "Pair with the partner's node: `inch pair` shows a code, `inch pair "
      "--code CODE` on the other laptop finds it");
  pair->add_option("--listen", pair_args->listen,
                   "Show a code and wait on ADDR:PORT only, without announcing "
                   "(default 0.0.0.0:0, a free port)")
      ->expected(0, 1)
      ->type_name("[ADDR:PORT]");
  pair->add_option("peer", pair_args->peer,
                   "The listening node's HOST:PORT (a name like laptop.local "
                   "works)");
  pair->add_option("--code", pair_args->code,
                   "The code the other laptop shows");
  pair->add_flag("--yes,-y", pair_args->yes,
                 "Do not ask to compare the check words");
  pair->callback([&ctx, pair_args, pair] {
    if (pair->count("--listen") > 0 && !pair_args->listen)
      pair_args->listen = "";
    ctx.SetAction([&ctx, pair_args] { return Pair(ctx, *pair_args); });
  });
}

}  // namespace inch::cli
