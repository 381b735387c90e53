// Offer and presence announcers and the presence listener (discovery.hpp).
#include "net/discovery.hpp"

namespace inch::net {
namespace {

std::vector<AnnounceInterface> CurrentInterfaces() {
  auto all = ListInterfaceAddresses();
  if (!all) {
    spdlog::debug("discovery: {}", all.error().message);
    return {};
  }
  return AnnounceInterfaces(*all);
}

constexpr std::size_t kMaxRememberedNonces = 4096;
constexpr auto kMinSeenGap = std::chrono::seconds(1);

}  // namespace

Announcer::Announcer(std::shared_ptr<DiscoverySocket> socket,
                     std::function<Bytes()> make,
                     std::chrono::steady_clock::duration interval)
    : socket_(std::move(socket)),
      make_(std::move(make)),
      interval_(interval),
      timer_(socket_->executor()) {}

void Announcer::Start() {
  asio::co_spawn(
      timer_.get_executor(),
      [weak = weak_from_this()]() -> awaitable<void> {
        if (auto self = weak.lock()) co_await self->Loop();
      },
      LogCompletion{"discovery announcer"});
}

// States: poll the interfaces every kInterfacePoll; send when `interval_`
// has passed since the last send or the interface set changed. The loop
// holds `this` through the coroutine that Start() spawned with a strong
// reference taken once; Stop() cancels the timer so it ends promptly.
awaitable<void> Announcer::Loop() {
  auto self = shared_from_this();
  auto last_send = std::chrono::steady_clock::time_point{};
  bool first = true;
  while (!stopped_) {
    auto now_interfaces = CurrentInterfaces();
    bool changed = first || now_interfaces != interfaces_;
    first = false;
    if (changed) {
      interfaces_ = std::move(now_interfaces);
      socket_->Join(interfaces_);
    }
    auto now = std::chrono::steady_clock::now();
    if (changed || now - last_send >= interval_) {
      sent_ += static_cast<std::uint64_t>(socket_->SendAll(make_, interfaces_));
      last_send = now;
    }
    auto wait = std::min<std::chrono::steady_clock::duration>(
        kInterfacePoll,
        interval_ - (std::chrono::steady_clock::now() - last_send));
    if (wait <= std::chrono::steady_clock::duration::zero())
      wait = std::chrono::milliseconds(10);
    timer_.expires_after(wait);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

void Announcer::Stop() {
  stopped_ = true;
  timer_.cancel();
}

// ---- offers

OfferAnnouncer::OfferAnnouncer(std::shared_ptr<DiscoverySocket> socket,
                               std::shared_ptr<Announcer> announcer)
    : socket_(std::move(socket)), announcer_(std::move(announcer)) {}

OfferAnnouncer::~OfferAnnouncer() { Stop(); }

Result<std::unique_ptr<OfferAnnouncer>> OfferAnnouncer::Start(
    asio::any_io_executor executor, std::uint16_t tcp_port,
    unsigned short udp_port) {
  auto socket = DiscoverySocket::Open(std::move(executor), udp_port);
  if (!socket) return std::unexpected(socket.error());
  // One nonce for this offer: the dialer uses it to tell listeners apart.
  Offer offer{NewOfferNonce(), tcp_port};
  auto announcer = std::make_shared<Announcer>(
      *socket, [offer] { return EncodeOffer(offer); }, kOfferInterval);
  announcer->Start();
  return std::make_unique<OfferAnnouncer>(*socket, announcer);
}

void OfferAnnouncer::Stop() {
  if (announcer_) announcer_->Stop();
  if (socket_) socket_->Close();
}

// ---- presence

PresenceService::PresenceService(const crypto::Secret& pair_secret,
                                 Bytes my_public_key, Bytes partner_public_key,
                                 std::uint16_t tcp_port,
                                 SeenFunction on_partner_seen)
    : key_(pair_secret),
      my_public_key_(std::move(my_public_key)),
      partner_public_key_(std::move(partner_public_key)),
      tcp_port_(tcp_port),
      on_partner_seen_(std::move(on_partner_seen)) {}

Result<std::shared_ptr<PresenceService>> PresenceService::Start(
    asio::any_io_executor executor, const crypto::Secret& pair_secret,
    Bytes my_public_key, Bytes partner_public_key, std::uint16_t tcp_port,
    SeenFunction on_partner_seen, Options options) {
  if (pair_secret.size() != 32 || my_public_key.size() != 32 ||
      partner_public_key.size() != 32) {
    return Fail(Errc::kInvalidInput, "presence needs 32-byte keys");
  }
  auto socket = DiscoverySocket::Open(std::move(executor), options.udp_port);
  if (!socket) return std::unexpected(socket.error());
  auto self = std::make_shared<PresenceService>(
      pair_secret, std::move(my_public_key), std::move(partner_public_key),
      tcp_port, std::move(on_partner_seen));
  self->socket_ = *socket;
  std::weak_ptr<PresenceService> weak = self;
  self->announcer_ = std::make_shared<Announcer>(
      self->socket_,
      [weak]() -> Bytes {
        auto me = weak.lock();
        if (!me) return {};
        return EncodePresence(
            me->key_, crypto::PresenceWindow(std::chrono::system_clock::now()),
            me->my_public_key_, me->tcp_port_);
      },
      options.interval);
  self->socket_->Start(
      [weak](ByteView datagram, const asio::ip::address& source) {
        if (auto me = weak.lock()) me->OnDatagram(datagram, source);
      });
  self->announcer_->Start();
  return self;
}

std::uint64_t PresenceService::sent() const {
  return announcer_ ? announcer_->sent() : 0;
}

bool PresenceService::SeenNonce(ByteView nonce) {
  Bytes key(nonce.begin(), nonce.end());
  if (!nonces_.insert(key).second) return true;
  nonce_order_.push_back(std::move(key));
  if (nonce_order_.size() > kMaxRememberedNonces) {
    nonces_.erase(nonce_order_.front());
    nonce_order_.pop_front();
  }
  return false;
}

void PresenceService::OnDatagram(ByteView datagram,
                                 const asio::ip::address& source) {
  if (stopped_) return;
  auto port = DecodePresence(
      key_, crypto::PresenceWindow(std::chrono::system_clock::now()),
      partner_public_key_, datagram);
  if (!port) return;  // a stranger's, our own, or noise: ignored silently
  // A recorded datagram replayed (from anywhere) within the windows we
  // accept would otherwise point us at the replayer's address.
  if (SeenNonce(datagram.subspan(kDiscoveryHeaderBytes,
                                 crypto::kPresenceNonceBytes))) {
    return;
  }
  tcp::endpoint where(source, *port);
  auto now = std::chrono::steady_clock::now();
  auto [it, fresh] = last_call_.try_emplace(where, now);
  if (!fresh && now - it->second < kMinSeenGap) return;
  it->second = now;
  if (on_partner_seen_) on_partner_seen_(where);
}

void PresenceService::Stop() {
  stopped_ = true;
  if (announcer_) announcer_->Stop();
  if (socket_) socket_->Close();
}

}  // namespace inch::net
