// The daemon's loops (daemon.hpp): accept, dial with backoff, and watch
// shared.db for local changes. Each loop is a coroutine whose completion
// handler counts it out; Run() waits for all of them after Stop().
#include "net/daemon.hpp"

#include <sodium.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "net/client.hpp"
#include "net/secure_channel.hpp"
#include "net/unpair_notice.hpp"

namespace inch::net {
namespace {

bool IsStoreFile(std::string_view name) {
  return name.starts_with("shared.db");
}

// True if a batch of inotify events names one of the store's files. Event
// headers are copied out: the buffer lives in a coroutine frame, where g++ 12
// does not honour the alignment inotify_event needs.
bool BatchTouchesStore(const char* buf, std::size_t n) {
  for (std::size_t off = 0; off + sizeof(inotify_event) <= n;) {
    inotify_event ev;
    std::memcpy(&ev, buf + off, sizeof ev);
    const char* name = buf + off + sizeof ev;
    if (ev.len > 0 && off + sizeof ev + ev.len <= n &&
        IsStoreFile(std::string_view(name, ::strnlen(name, ev.len)))) {
      return true;
    }
    off += sizeof ev + ev.len;
  }
  return false;
}

}  // namespace

Daemon::Daemon(asio::io_context& io, DaemonConfig config)
    : io_(io),
      config_(std::move(config)),
      acceptor_(io),
      dial_wake_(io),
      all_done_(io) {}

void Daemon::LoopEnded() {
  --loops_running_;
  all_done_.cancel();
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

  auto store = config_.open_store();
  if (!store) co_return std::unexpected(store.error());
  watch_store_ = std::move(*store);
  if (auto c = watch_store_->LocalChangeCounter()) last_counter_ = *c;

  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || inotify_add_watch(
                    fd, config_.home_dir.c_str(),
                    IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) < 0) {
    if (fd >= 0) ::close(fd);
    co_return Fail(Errc::kIo, "cannot watch " + config_.home_dir);
  }
  inotify_.emplace(io_, fd);

  auto spawn = [this](awaitable<void> loop, const char* name) {
    ++loops_running_;
    asio::co_spawn(io_, std::move(loop), [this, name](std::exception_ptr e) {
      LogCompletion{name}(e);
      LoopEnded();
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
  if (session_) session_->Stop();
  for (auto& weak : unauthenticated_) {
    if (auto conn = weak.lock()) conn->Close();
  }
  dial_wake_.cancel();
}

awaitable<void> Daemon::Sleep(asio::steady_timer& timer,
                              std::chrono::milliseconds duration) {
  timer.expires_after(duration);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
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
      // partner completes its handshake in one round trip, so someone
      // holding idle connections open cannot keep it out.
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
  std::string peer = conn->peer();
  // Candidates: the pinned partner, and an old partner still owed an
  // unpair notice. The secrets live in this frame until the handshake ends.
  // They come from the long-lived watch handle: a stranger's connection
  // opens no database.
  std::vector<PeerKeys> candidates;
  std::optional<crypto::Secret> pair_secret;
  auto partner = watch_store_->Partner();
  if (partner && *partner) {
    if (auto s = watch_store_->PairSecret()) {
      pair_secret = std::move(*s);
      candidates.push_back({&config_.identity->secret_key,
                            (*partner)->public_key, &*pair_secret});
    }
  }
  std::optional<PendingUnpair> pending;
  if (auto p =
          LoadPendingUnpair(config_.pending_unpair_path, *config_.local_key);
      p && *p) {
    pending = std::move(**p);
    candidates.push_back({&config_.identity->secret_key,
                          pending->partner_public_key, &pending->pair_secret});
  }
  if (candidates.empty()) {
    spdlog::info("closed a connection from {}: not paired", peer);
    conn->Close();
    co_return;
  }
  std::size_t matched = 0;
  auto channel = co_await SecureChannel::Accept(conn, candidates, &matched);
  std::erase_if(unauthenticated_, [&](auto& w) { return w.lock() == conn; });
  if (!channel) {
    spdlog::info("handshake failed from {}", peer);
    co_return;
  }
  if (pending && matched == candidates.size() - 1) {
    if (auto st = co_await SendUnpairNotice(**channel); st) {
      (void)ClearPendingUnpair(config_.pending_unpair_path);
      spdlog::info("told the old partner at {} that we unpaired", peer);
    }
    co_return;
  }
  if (session_ || stopped_) {
    spdlog::info("refused a second session from {}", peer);
    proto::WireMessage busy;
    busy.mutable_busy();
    if (co_await (*channel)->Send(busy)) {  // best effort: the reason
      // Read until the peer closes (it does on Busy), so that closing with
      // its Hello unread sends no reset that could overtake the Busy.
      conn->ShutdownSend();
      conn->SetDeadline(std::chrono::seconds(2));
      while (co_await (*channel)->Receive()) {
      }
    }
    conn->Close();
    co_return;
  }
  // The session gets its own handle (opened only now, for the partner).
  auto store = config_.open_store();
  if (!store) {
    spdlog::error("cannot open the shared store: {}", store.error().message);
    (*channel)->connection().Close();
    co_return;
  }
  SyncOptions options;
  options.live = true;
  options.listen_port = acceptor_.local_endpoint().port();
  session_ =
      std::make_shared<SyncSession>(std::move(*channel), **store, options);
  spdlog::info("partner connected from {}", peer);
  auto result = co_await session_->Run();
  session_.reset();

  if (result) {
    spdlog::info("session with {} ended: {} ops sent, {} received", peer,
                 result->ops_sent, result->ops_applied);
  } else {
    spdlog::info("session with {} failed: {}", peer, result.error().message);
  }
  dial_wake_.cancel();
}

awaitable<void> Daemon::DialLoop() {
  auto backoff = config_.initial_backoff;
  while (!stopped_) {
    if (session_) {
      co_await Sleep(dial_wake_, std::chrono::hours(1));
      continue;
    }
    // An old partner owed an unpair notice first.
    if (auto p =
            LoadPendingUnpair(config_.pending_unpair_path, *config_.local_key);
        p && *p && !(*p)->last_address.empty()) {
      if (auto ep = ParseEndpoint((*p)->last_address)) {
        if (auto st =
                co_await DeliverUnpair(config_.identity->secret_key, **p, *ep);
            st) {
          (void)ClearPendingUnpair(config_.pending_unpair_path);
          spdlog::info("told the old partner that we unpaired");
        }
      }
    }
    auto store = config_.open_store();
    std::optional<tcp::endpoint> target;
    if (store) {
      auto partner = (*store)->Partner();
      if (partner && *partner && !(*partner)->last_address.empty()) {
        if (auto ep = ParseEndpoint((*partner)->last_address)) target = *ep;
      }
    }
    if (!target) {
      // Not paired or no address yet: the partner will dial us, or a
      // change to shared.db (pairing) wakes this loop.
      spdlog::info("no partner address to dial: waiting to be dialled");
      wait_fingerprint_ = PartnerFingerprint();
      if (store) store->reset();  // closed before the wait, not during it
      waiting_for_partner_ = true;
      co_await Sleep(dial_wake_, std::chrono::minutes(5));
      waiting_for_partner_ = false;
      continue;
    }
    SyncOptions options;
    options.live = true;
    options.listen_port = acceptor_.local_endpoint().port();
    bool owned = false;
    auto result = co_await SyncWith(
        **store, config_.identity->secret_key, *target, options,
        [this, &owned](std::shared_ptr<SyncSession> s) {
          if (s) {
            if (session_ || stopped_) {
              s->Stop();  // an incoming session won the race
              return;
            }
            session_ = std::move(s);
            owned = true;
            spdlog::info("connected to the partner at {}", session_->peer());
          } else if (owned) {
            session_.reset();
          }
        });
    if (stopped_) break;
    if (result && owned) {
      spdlog::info("session ended: {} ops sent, {} received", result->ops_sent,
                   result->ops_applied);
      backoff = config_.initial_backoff;
    } else {
      if (!result) spdlog::debug("dial failed: {}", result.error().message);
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
    }
    // Jitter keeps two daemons that dial each other from colliding again.
    auto jitter = std::chrono::milliseconds(randombytes_uniform(
        static_cast<std::uint32_t>(backoff.count() / 2 + 1)));
    co_await Sleep(dial_wake_, backoff + jitter);
  }
}

void Daemon::OnLocalEvent() {
  auto counter = watch_store_->LocalChangeCounter();
  if (!counter) return;
  bool changed = *counter != last_counter_;
  last_counter_ = *counter;
  if (changed && session_) {
    session_->NotifyLocalChange();
  } else if (!session_ &&
             (changed || (waiting_for_partner_ &&
                          PartnerFingerprint() != wait_fingerprint_))) {
    // Something to push, or paired (or an address learned) meanwhile. Only
    // a real change wakes the dial loop: its own opening and closing of
    // shared.db are events too, and must not wake it again and again.
    dial_wake_.cancel();
  }
}

std::string Daemon::PartnerFingerprint() {
  auto partner = watch_store_->Partner();
  if (!partner) return "unreadable";
  if (!*partner) return "unpaired";
  return ToHex((*partner)->public_key) + "@" + (*partner)->last_address;
}

awaitable<void> Daemon::WatchLoop() {
  std::array<char, 4096> buf;
  while (!stopped_) {
    boost::system::error_code ec;
    std::size_t n = co_await inotify_->async_read_some(
        asio::buffer(buf), asio::redirect_error(use_awaitable, ec));
    if (ec || stopped_) break;
    bool relevant = BatchTouchesStore(buf.data(), n);
    if (relevant) OnLocalEvent();
  }
}

}  // namespace inch::net
