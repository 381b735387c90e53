// `inch pair`: show a one-time code and wait (announcing a pairing offer
// on the LAN), or find the node showing one (by its offer, or at a typed
// HOST:PORT) and pair (cli/pair_flow.hpp, which the page calls too), then
// the person compares the check words.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/net_node.hpp"
#include "cli/pair_flow.hpp"
#include "cli/passphrase_input.hpp"
#include "crypto/check_words.hpp"

namespace inch::cli {
namespace {

namespace asio = boost::asio;

struct PairArgs {
  std::optional<std::string> listen;
  std::string peer, code;
  bool yes = false;
};

// Shows the check words and, when a person is there to answer, asks them
// to compare. "No" erases the partner here (the other laptop is told what
// to do in the message). Returns an error when the words were refused.
Status ConfirmPaired(Context& ctx, store::SharedStore& store,
                     const Paired& paired, bool yes) {
  if (ctx.out().json()) {
    // One line, like the first, so a script reads line by line.
    std::cout << nlohmann::json{{"partner",
                                 {{"node_id", paired.node_id},
                                  {"check_words", paired.check_words}}}}
                     .dump()
              << std::endl;
  } else {
    ctx.out().Line("Paired with node " + paired.node_id + ".");
    ctx.out().Line("Check words: " +
                   ctx.out().Bold(crypto::JoinWords(paired.check_words)));
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
  if (auto st = store.pairing().ErasePartner(); !st) return st;
  return Fail(Errc::kCrypto,
              "unpaired here because the words differ: someone may have been "
              "in the middle. Run `inch unpair` on the other laptop too, then "
              "start again with `inch pair` on one and `inch pair --code "
              "CODE` on the other");
}

// What the waiting side prints before it waits.
void ShowOffer(Context& ctx, const PairPlan& plan, const PairOffer& offer) {
  if (!plan.listen && !offer.announced) {
    ctx.out().Hint("Cannot announce on this network (" +
                   offer.why_not_announced +
                   "): the other laptop must type an address below.");
  }
  if (ctx.out().json()) {
    // One line, flushed before waiting, so a script can read it at once.
    nlohmann::json line{{"code", offer.code}, {"addresses", offer.addresses}};
    if (plan.listen)
      line["address"] =
          offer.addresses.empty() ? offer.bound : offer.addresses.front();
    std::cout << line.dump() << std::endl;
    return;
  }
  std::cout << "Pairing code: " << offer.code << "\n";
  if (!plan.listen) {
    std::cout << "On the other laptop run:\n  inch pair --code " << offer.code
              << "\n";
    if (!offer.addresses.empty()) {
      std::cout << "If it cannot find this laptop, give it an address "
                   "instead:\n";
    }
  } else {
    std::cout << "On the other laptop run one of:\n";
  }
  for (const auto& a : offer.addresses)
    std::cout << "  inch pair " << a << " --code " << offer.code << "\n";
  if (offer.addresses.empty()) {
    std::cout << "(This laptop has no network address yet: connect it "
                 "to the Wi-Fi.)\n";
  }
  std::cout << "Waiting (the code expires in 10 minutes)..." << std::endl;
}

Status Pair(Context& ctx, const PairArgs& args) {
  const PairPlan plan{args.listen, args.peer, args.code};
  if (auto st = CheckPairPlan(plan); !st) return st;
  auto node = LoadNode(ctx);
  if (!node) return std::unexpected(node.error());
  auto store = node->OpenStore();
  if (!store) return std::unexpected(store.error());
  // Logs (an ignored connection, an offer heard) go to stderr: stdout
  // carries only what a script reads.
  spdlog::set_default_logger(spdlog::stderr_color_mt("inch"));
  PairEvents events;
  events.offered = [&](const PairOffer& offer) { ShowOffer(ctx, plan, offer); };
  events.attempt_refused = [](int left) {
    std::cerr << "A pairing attempt with another code was refused (a typo, "
                 "or another couple pairing nearby). Still waiting; the code "
                 "survives "
              << left << " more failed attempt(s)." << std::endl;
  };
  if (!plan.listen && plan.peer.empty() && !plan.code.empty() &&
      !ctx.out().json()) {
    ctx.out().Hint("Looking for the other laptop's pairing offer...");
  }
  asio::io_context io;
  auto paired = RunPairing(*node, **store, io, plan, events);
  if (!paired) return std::unexpected(paired.error());
  return ConfirmPaired(ctx, **store, *paired, args.yes);
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
