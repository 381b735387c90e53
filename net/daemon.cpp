// The daemon's loops (daemon.hpp): accept, dial with backoff, and watch
// the shared store's files for local changes. Each loop is a coroutine whose
// completion handler counts it out; Run() waits for all of them after Stop().
#include "net/daemon.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "net/client.hpp"
#include "net/daemon_incoming.hpp"

namespace inch::net {
namespace {

// True if a batch of inotify events names one of the store's files (names
// that begin with `prefix`). Event headers are copied out: the buffer lives
// in a coroutine frame, where g++ 12 does not honour the alignment
// inotify_event needs.
bool BatchTouchesStore(const char* buf, std::size_t n,
                       std::string_view prefix) {
  for (std::size_t off = 0; off + sizeof(inotify_event) <= n;) {
    inotify_event ev;
    std::memcpy(&ev, buf + off, sizeof ev);
    const char* name = buf + off + sizeof ev;
    if (ev.len > 0 && off + sizeof ev + ev.len <= n &&
        std::string_view(name, ::strnlen(name, ev.len)).starts_with(prefix)) {
      return true;
    }
    off += sizeof ev + ev.len;
  }
  return false;
}

// Who the partner is and where it was last seen, as one comparable string
// ("unpaired" when there is none).
std::string PartnerFingerprint(store::PartnerLink& port) {
  auto partner = port.Partner();
  if (!partner) return "unreadable";
  if (!*partner) return "unpaired";
  return ToHex((*partner)->public_key) + "@" + (*partner)->last_address;
}

// A live session's options: the daemon keeps it open, pings and listens.
SyncOptions LiveSessionOptions(const DaemonConfig& config,
                               std::uint16_t listen_port) {
  SyncOptions options;
  options.live = true;
  options.listen_port = listen_port;
  options.idle_timeout = config.idle_timeout;
  options.ping_interval = config.ping_interval;
  return options;
}

}  // namespace

Daemon::Daemon(asio::io_context& io, DaemonConfig config)
    : io_(io),
      config_(std::move(config)),
      acceptor_(io),
      dial_wake_(io),
      all_done_(io),
      policy_(config_.initial_backoff, config_.ping_interval) {}

awaitable<bool> Daemon::OpenWatchStore() {
  // A read-only or full home fails here: wait and try again, so that the
  // daemon recovers by itself once the home is writable.
  auto delay = policy_.initial_backoff();
  while (!stopped_) {
    auto store = config_.open_store();
    if (store) {
      watch_store_ = std::move(*store);
      if (auto c = watch_store_->LocalChangeCounter()) last_counter_ = *c;
      state_log_.Note("", "the shared store is open again");
      co_return true;
    }
    state_log_.Note(
        "store: " + store.error().message,
        "cannot open the shared store in " + config_.watch_dir + " (" +
            store.error().message +
            "): is the disk full or the folder read-only? will keep trying");
    co_await Sleep(dial_wake_, delay);
    delay = std::min<std::chrono::milliseconds>(delay * 2, kMaxBackoff);
  }
  co_return false;
}

awaitable<Status> Daemon::Run() {
  boost::system::error_code ec;
  acceptor_.open(config_.listen.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(config_.listen, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    co_return Fail(Errc::kIo, "cannot listen on " +
                                  FormatEndpoint(config_.listen) + ": " +
                                  ec.message());
  }
  if (config_.on_listening) config_.on_listening(acceptor_.local_endpoint());

  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || inotify_add_watch(
                    fd, config_.watch_dir.c_str(),
                    IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) < 0) {
    if (fd >= 0) ::close(fd);
    co_return Fail(Errc::kIo, "cannot watch " + config_.watch_dir);
  }
  inotify_.emplace(io_, fd);

  if (!co_await OpenWatchStore()) co_return Status{};  // stopped meanwhile
  state_log_.Reset();
  if (config_.announce &&
      acceptor_.local_endpoint().address().is_unspecified()) {
    presence_ = std::make_unique<PresenceFollower>(
        io_.get_executor(), config_.identity->public_key,
        acceptor_.local_endpoint(),
        [this](const tcp::endpoint& where) { OnPartnerSeen(where); },
        config_.presence);
    presence_->Follow(*watch_store_);
  }

  auto spawn = [this](awaitable<void> loop, const char* name) {
    ++loops_running_;
    asio::co_spawn(io_, std::move(loop), [this, name](std::exception_ptr e) {
      LogCompletion{name}(e);
      --loops_running_;
      all_done_.cancel();
    });
  };
  spawn(AcceptLoop(), "accept loop");
  spawn(DialLoop(), "dial loop");
  spawn(WatchLoop(), "watch loop");
  while (loops_running_ > 0) {
    all_done_.expires_at(asio::steady_timer::time_point::max());
    co_await all_done_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  co_return Status{};
}

void Daemon::Stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  if (inotify_) inotify_->close(ec);
  if (presence_) presence_->Stop();
  if (auto* session = slot_.get()) session->Stop();
  for (auto& weak : unauthenticated_) {
    if (auto conn = weak.lock()) conn->Close();
  }
  dial_wake_.cancel();
}

bool Daemon::Replaces(bool incoming_live) {
  if (slot_.empty()) return true;
  Bytes partner_key;
  if (incoming_live && slot_.outgoing()) {  // maybe a race: who dialled
    if (auto partner = watch_store_->Partner(); partner && *partner)
      partner_key = (*partner)->public_key;
  }
  return policy_.Replaces(slot_.ForPolicy(), incoming_live,
                          config_.identity->public_key, partner_key,
                          Clock::now());
}

awaitable<void> Daemon::AcceptLoop() {
  while (!stopped_) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(
        asio::redirect_error(use_awaitable, ec));
    if (stopped_) break;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    std::erase_if(unauthenticated_, [](auto& w) { return w.expired(); });
    if (unauthenticated_.size() >= kMaxUnauthenticated) {
      // The oldest pending handshake makes room, not the newcomer: the
      // partner completes its handshake and sends its Hello in one round
      // trip, so someone holding idle (or replayed) connections open
      // cannot keep it out.
      auto oldest = unauthenticated_.front().lock();
      unauthenticated_.erase(unauthenticated_.begin());
      if (oldest) {
        spdlog::warn(
            "dropped the oldest pending handshake (from {}): {} already "
            "pending",
            oldest->peer(), kMaxUnauthenticated);
        oldest->Close();
      }
    }
    asio::co_spawn(io_, HandleIncoming(std::move(socket)),
                   LogCompletion{"incoming connection"});
  }
}

awaitable<void> Daemon::HandleIncoming(tcp::socket socket) {
  auto conn = Connection::Create(std::move(socket));
  unauthenticated_.push_back(conn);
  const std::string peer = conn->peer();
  auto incoming =
      co_await AuthenticateIncoming(conn, *watch_store_, *config_.identity);
  std::erase_if(unauthenticated_, [&](auto& w) { return w.lock() == conn; });
  if (!incoming) co_return;
  auto& channel = incoming->channel;
  if (stopped_ ||
      (!slot_.empty() && !Replaces(incoming->hello.hello().live()))) {
    spdlog::info("refused a second session from {}", peer);
    co_await RefuseAsBusy(*channel);
    co_return;
  }
  // The session gets its own handle (opened only now, for the partner).
  auto store = config_.open_store();
  if (!store) {
    state_log_.Note("store: " + store.error().message,
                    "cannot open the shared store for the partner's session (" +
                        store.error().message +
                        "): is the disk full or the folder read-only?");
    channel->connection().Close();
    policy_.AttemptEnded(false, Clock::now());
    co_return;
  }
  auto session = std::make_shared<SyncSession>(
      std::move(channel), **store,
      LiveSessionOptions(config_, acceptor_.local_endpoint().port()));
  session->SetFirstMessage(std::move(incoming->hello));
  slot_.Take(session, /*outgoing=*/false, Clock::now());
  spdlog::info("partner connected from {}", peer);
  auto result = co_await session->Run();
  slot_.Release(session);

  const bool converged = result && result->converged;
  if (result) {
    spdlog::info("session with {} ended: {} ops sent, {} received{}", peer,
                 result->ops_sent, result->ops_applied,
                 converged ? "" : " (it never caught up: will back off)");
  } else {
    spdlog::info("session with {} failed: {}", peer, result.error().message);
  }
  policy_.AttemptEnded(converged, Clock::now());
  dial_wake_.cancel();  // re-evaluate; the backoff still applies
}

awaitable<void> Daemon::DialLoop() {
  while (!stopped_) {
    if (!slot_.empty()) {
      co_await Sleep(dial_wake_, std::chrono::hours(1));
      continue;
    }
    if (Clock::now() < policy_.next_dial_at()) {
      co_await SleepUntil(dial_wake_, policy_.next_dial_at());
      continue;  // woken early: check again (a session may have begun)
    }
    auto store = config_.open_store();
    if (!store) {
      state_log_.Note("store: " + store.error().message,
                      "cannot open the shared store (" + store.error().message +
                          "): is the disk full or the folder read-only? will "
                          "keep trying");
      policy_.AttemptEnded(false, Clock::now());
      continue;
    }
    // An old partner owed an unpair notice first.
    if (auto p = (*store)->OwedUnpairNotice();
        p && *p && !(*p)->last_address.empty()) {
      if (auto ep = ParseEndpoint((*p)->last_address)) {
        if (auto st =
                co_await DeliverUnpair(config_.identity->secret_key, **p, *ep);
            st) {
          (void)(*store)->ForgetUnpairNotice((*p)->partner_public_key);
          spdlog::info("told the old partner that we unpaired");
        }
      }
    }
    std::optional<tcp::endpoint> target;
    auto partner = (*store)->Partner();
    if (partner && *partner && !(*partner)->last_address.empty()) {
      if (auto ep = ParseEndpoint((*partner)->last_address)) target = *ep;
    }
    if (!target) {
      // Not paired or no address yet: the partner will dial us, or a
      // change to the shared store (pairing) wakes this loop.
      spdlog::info("no partner address to dial: waiting to be dialled");
      wait_fingerprint_ = PartnerFingerprint(*watch_store_);
      store->reset();  // closed before the wait, not during it
      waiting_for_partner_ = true;
      co_await Sleep(dial_wake_, std::chrono::minutes(5));
      waiting_for_partner_ = false;
      continue;
    }
    policy_.DialStarted(Clock::now());
    std::shared_ptr<SyncSession> mine;
    auto result = co_await SyncWith(
        **store, config_.identity->secret_key, *target,
        LiveSessionOptions(config_, acceptor_.local_endpoint().port()),
        [this, &mine](std::shared_ptr<SyncSession> s) {
          if (s) {
            if (!slot_.empty() || stopped_) {
              s->Stop();  // an incoming session won the race
              return;
            }
            mine = s;
            slot_.Take(std::move(s), /*outgoing=*/true, Clock::now());
            state_log_.Note("connected", "");
            spdlog::info("connected to the partner at {}", mine->peer());
          } else if (mine) {
            slot_.Release(mine);
          }
        });
    if (stopped_) break;
    const bool converged = result && mine && result->converged;
    if (result && mine) {
      spdlog::info("session ended: {} ops sent, {} received{}",
                   result->ops_sent, result->ops_applied,
                   converged ? "" : " (it never caught up: will back off)");
    } else if (!result) {
      const auto where = FormatEndpoint(*target);
      if (result.error().code == Errc::kUnreachable && !mine) {
        state_log_.Note("unreachable " + where,
                        "cannot reach your partner's laptop at " + where +
                            ": is it on? will keep trying");
      } else {
        state_log_.Note("failed " + where + ": " + result.error().message,
                        "could not sync with your partner's laptop at " +
                            where + ": " + result.error().message +
                            "; will keep trying");
      }
      spdlog::debug("dial failed: {}", result.error().message);
    }
    policy_.AttemptEnded(converged, Clock::now());
  }
}

void Daemon::OnPartnerSeen(const tcp::endpoint& where) {
  if (stopped_ || !watch_store_) return;
  const auto now = Clock::now();
  const bool absent = policy_.Seen(now);
  const std::string address = FormatEndpoint(where);
  bool moved = false;
  auto partner = watch_store_->Partner();
  if (!partner || !*partner) return;
  if ((*partner)->last_address != address) {
    if (auto st = watch_store_->SetPartnerAddress(address); !st) {
      spdlog::warn("cannot record the partner's address: {}",
                   st.error().message);
      return;
    }
    spdlog::info("the partner's laptop is now at {}", address);
    moved = true;
  }
  if (auto* session = slot_.get()) {
    boost::system::error_code ec;
    const auto remote = session->connection().socket().remote_endpoint(ec);
    const bool same = !ec && remote.address() == where.address();
    if (policy_.SilentElsewhere(slot_.ForPolicy(), same, now)) {
      // The partner announces from another address while our session with
      // it has gone quiet: its address changed under the connection (DHCP,
      // another network). End it now rather than after the idle timeout; a
      // healthy session hears a ping every ping interval, so one to a
      // partner with two addresses is never cut.
      spdlog::info(
          "the partner's laptop is at {} and the old connection is silent: "
          "reconnecting",
          address);
      session->Stop();
      policy_.PartnerMoved();
      return;  // the session's end lets the dial loop dial the new address
    }
  }
  if (!slot_.empty() || !(moved || absent)) return;
  policy_.DialSoon(now, moved);
  dial_wake_.cancel();
}

void Daemon::OnLocalEvent() {
  if (presence_) presence_->Follow(*watch_store_);  // paired or unpaired?
  auto counter = watch_store_->LocalChangeCounter();
  if (!counter) return;
  bool changed = *counter != last_counter_;
  last_counter_ = *counter;
  if (changed && !slot_.empty()) {
    slot_.get()->NotifyLocalChange();
  } else if (slot_.empty() && waiting_for_partner_ &&
             PartnerFingerprint(*watch_store_) != wait_fingerprint_) {
    // Paired (or an address learned) meanwhile. A local write never wakes
    // the dial loop: it would bypass the backoff; the next attempt carries
    // it. Its own opening and closing of the store are events too.
    dial_wake_.cancel();
  }
}

awaitable<void> Daemon::WatchLoop() {
  std::array<char, 4096> buf;
  while (!stopped_) {
    boost::system::error_code ec;
    std::size_t n = co_await inotify_->async_read_some(
        asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec || stopped_) break;
    bool relevant = BatchTouchesStore(buf.data(), n, config_.watch_prefix);
    if (relevant) OnLocalEvent();
  }
}

}  // namespace inch::net
