// Finding a pairing offer and pairing with it (discovery_pair.hpp).
#include "net/discovery_pair.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "net/connection.hpp"
#include "net/discovery.hpp"
#include "net/discovery_wire.hpp"

namespace inch::net {
namespace {

// Offers heard so far, one per nonce, each with every address it came
// from (IPv4 first: both families usually carry the same offer).
struct HeardOffer {
  OfferNonce nonce;
  std::vector<tcp::endpoint> addresses;
  bool tried = false;
};

struct OfferBoard {
  std::vector<HeardOffer> offers;
  asio::steady_timer wake;
  explicit OfferBoard(const asio::any_io_executor& ex) : wake(ex) {}

  void Hear(ByteView datagram, const asio::ip::address& source) {
    auto offer = DecodeOffer(datagram);
    if (!offer) return;
    tcp::endpoint where(source, offer->tcp_port);
    auto it = std::find_if(offers.begin(), offers.end(), [&](const auto& o) {
      return o.nonce == offer->nonce;
    });
    if (it == offers.end()) {
      offers.push_back({offer->nonce, {where}, false});
      spdlog::info("pairing: heard an offer from {}", FormatEndpoint(where));
      wake.cancel();
      return;
    }
    if (std::find(it->addresses.begin(), it->addresses.end(), where) ==
        it->addresses.end()) {
      it->addresses.push_back(where);
      std::stable_partition(
          it->addresses.begin(), it->addresses.end(),
          [](const auto& ep) { return ep.address().is_v4(); });
    }
  }
};

}  // namespace

awaitable<Result<PairResult>> PairByDiscovery(std::string code,
                                              Bytes my_public_key,
                                              PinFunction pin,
                                              OfferSearchOptions options,
                                              tcp::endpoint* reached) {
  if (auto normal = NormalizeCode(code); !normal)
    co_return std::unexpected(normal.error());
  auto executor = co_await asio::this_coro::executor;
  auto socket = DiscoverySocket::Open(executor, options.udp_port);
  if (!socket) co_return std::unexpected(socket.error());
  auto board = std::make_shared<OfferBoard>(executor);
  (*socket)->Start([weak = std::weak_ptr<OfferBoard>(board)](
                       ByteView d, const asio::ip::address& from) {
    if (auto b = weak.lock()) b->Hear(d, from);
  });
  // Join on every interface now and whenever they change; we send nothing.
  auto joiner = std::make_shared<Announcer>(
      *socket, [] { return Bytes{}; }, std::chrono::hours(24));
  joiner->Start();
  struct Closer {
    std::shared_ptr<DiscoverySocket> s;
    std::shared_ptr<Announcer> a;
    ~Closer() {
      a->Stop();
      s->Close();
    }
  } closer{*socket, joiner};

  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool settled = false;
  int refused = 0;
  std::optional<Error> last_error;
  for (;;) {
    auto next = std::find_if(board->offers.begin(), board->offers.end(),
                             [](const auto& o) { return !o.tried; });
    if (next == board->offers.end()) {
      auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) break;
      co_await Sleep(board->wake, left);  // an offer cancels the wait
      continue;
    }
    if (!settled) {
      settled = true;
      asio::steady_timer settle(executor);
      co_await Sleep(settle, kOfferSettle);
      continue;  // the board may have grown: iterators are stale
    }
    next->tried = true;
    auto addresses = next->addresses;  // Hear() may grow the board meanwhile
    for (const auto& ep : addresses) {
      auto result = co_await PairAsDialer(ep, code, my_public_key, pin);
      if (result) {
        if (reached) *reached = ep;
        co_return result;
      }
      last_error = result.error();
      if (result.error().code == Errc::kUnreachable) continue;  // next address
      if (result.error().code == Errc::kCrypto) {
        // Not our partner's offer (or a wrong code): try the next offer.
        ++refused;
        // Every offer heard so far refused the code: wait a little for a
        // late one, not the whole search time.
        deadline = std::min(
            deadline, std::chrono::steady_clock::now() + 2 * kOfferSettle);
        spdlog::info("pairing: {} did not accept the code", FormatEndpoint(ep));
        break;
      }
      co_return result;  // pinning failed: stop here
    }
  }
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(options.timeout);
  if (refused > 0) {
    co_return Fail(
        Errc::kCrypto,
        "the code did not match " +
            std::string(refused == 1
                            ? "the pairing offer"
                            : std::to_string(refused) + " pairing offers") +
            " on this network: check the code on the other laptop's screen "
            "and run `inch pair --code CODE` again");
  }
  if (!board->offers.empty() && last_error) {
    co_return Fail(Errc::kUnreachable,
                   "heard a pairing offer but could not connect to it (" +
                       last_error->message +
                       "): a firewall may block it; try `inch pair HOST:PORT "
                       "--code CODE` with an address the other laptop shows");
  }
  co_return Fail(Errc::kUnreachable,
                 "no pairing offer found on this network after " +
                     std::to_string(secs.count()) +
                     " s: is `inch pair` running on the other laptop, on the "
                     "same Wi-Fi?");
}

}  // namespace inch::net
