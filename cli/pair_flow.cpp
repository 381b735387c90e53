// The pairing both front ends share; see pair_flow.hpp.
#include "cli/pair_flow.hpp"

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

Status RefuseIfPaired(store::SharedStore& store) {
  auto partner = store.pairing().Partner();
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

// The listener side, allowing `attempts` failed attempts within the
// code's lifetime, as one task so the offer (on the same io_context) is
// stopped the moment it ends: otherwise the announcer keeps io.run() busy.
net::awaitable<Result<net::PairResult>> ListenForPartner(
    net::tcp::acceptor& acceptor, std::string code, Bytes my_public_key,
    net::PinFunction pin, net::OfferAnnouncer* offer, int attempts,
    const PairEvents& events) {
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
    if (events.attempt_refused) events.attempt_refused(attempts - attempt);
  }
  if (offer) offer->Stop();  // paired or given up: the offer ends here
  co_return result;
}

Result<net::PairResult> Listen(const NetNode& node, asio::io_context& io,
                               const PairPlan& plan,
                               const net::PinFunction& pin,
                               const PairEvents& events) {
  const bool announce = !plan.listen;
  net::tcp::acceptor acceptor(io);
  auto bound = Bind(acceptor, plan.listen);
  if (!bound) return std::unexpected(bound.error());
  PairOffer shown{net::NewPairingCode(),
                  ListenAddresses(*bound),
                  net::FormatEndpoint(*bound),
                  bound->port(),
                  false,
                  ""};
  std::unique_ptr<net::OfferAnnouncer> offer;
  if (announce) {
    auto started = net::OfferAnnouncer::Start(io.get_executor(), bound->port());
    if (started) {
      offer = std::move(*started);
      shown.announced = true;
    } else {
      shown.why_not_announced = started.error().message;
    }
  }
  if (events.offered) events.offered(shown);
  return RunTask(
      io, ListenForPartner(acceptor, shown.code, node.identity.public_key, pin,
                           offer.get(), announce ? kCodeAttempts : 1, events));
}

Result<net::PairResult> Dial(const NetNode& node, store::SharedStore& store,
                             asio::io_context& io, const PairPlan& plan,
                             const net::PinFunction& pin) {
  net::tcp::endpoint reached;
  Result<net::PairResult> result = Fail(Errc::kUnreachable, "not tried");
  if (plan.peer.empty()) {
    result =
        RunTask(io, net::PairByDiscovery(plan.code, node.identity.public_key,
                                         pin, {}, &reached));
  } else {
    auto endpoints = net::Resolve(plan.peer);
    if (!endpoints) return std::unexpected(endpoints.error());
    for (const auto& ep : *endpoints) {
      io.restart();
      result = RunTask(
          io, net::PairAsDialer(ep, plan.code, node.identity.public_key, pin));
      reached = ep;
      // Only a failed connect moves on to the name's next address: any
      // other outcome was an attempt at the code.
      if (result || result.error().code != Errc::kUnreachable) break;
      if (result.error().message == kStoppedWords) break;
    }
  }
  if (!result) return result;
  // The daemon's port is learned at the first sync (or from the partner's
  // presence); until then guess the default port on the host we reached.
  (void)store.pairing().SetPartnerAddress(
      net::FormatEndpoint({reached.address(), net::kDefaultPort}));
  return result;
}

}  // namespace

Status CheckPairPlan(const PairPlan& plan) {
  if (plan.listen && (!plan.peer.empty() || !plan.code.empty())) {
    return Fail(Errc::kUsage,
                "use either --listen, or HOST:PORT --code CODE, or --code "
                "CODE alone");
  }
  if (!plan.peer.empty() && plan.code.empty()) {
    return Fail(Errc::kUsage,
                "give the code the other laptop shows: inch pair " + plan.peer +
                    " --code CODE");
  }
  if (!plan.code.empty()) {
    if (auto normal = net::NormalizeCode(plan.code); !normal)
      return std::unexpected(normal.error());
  }
  return {};
}

Result<Paired> RunPairing(const NetNode& node, store::SharedStore& store,
                          asio::io_context& io, const PairPlan& plan,
                          const PairEvents& events) {
  if (auto st = CheckPairPlan(plan); !st) return std::unexpected(st.error());
  if (auto st = RefuseIfPaired(store); !st) return std::unexpected(st.error());
  // A notice still owed to an old partner stays until it is delivered
  // (the daemon tells the old partner whenever it reaches it); only
  // pairing again with that same partner makes it moot (SetPartner).
  auto pin = [&](const net::PairResult& r) -> Status {
    return store.pairing().SetPartner(r.partner_public_key, r.pair_secret);
  };
  const bool waits = plan.listen || plan.code.empty();
  auto result = waits ? Listen(node, io, plan, pin, events)
                      : Dial(node, store, io, plan, pin);
  if (!result) return std::unexpected(result.error());
  return Paired{result->partner_public_key,
                crypto::NodeId(result->partner_public_key),
                result->check_words};
}

}  // namespace inch::cli
