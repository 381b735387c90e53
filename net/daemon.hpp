// `inch serve`: listens for the partner, dials its last known address with
// backoff and jitter, keeps one live sync session and pushes local changes
// into it as soon as shared.db changes (inotify, then the store's local
// change counter: no polling). One io_context thread; Stop() (from a
// signal_set) ends every loop and session so Run() returns.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "crypto/identity.hpp"
#include "net/asio.hpp"
#include "net/sync_session.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::net {

inline constexpr std::uint16_t kDefaultPort = 47470;
inline constexpr std::size_t kMaxUnauthenticated = 4;
inline constexpr auto kMaxBackoff = std::chrono::seconds(60);

struct DaemonConfig {
  tcp::endpoint listen;
  std::string home_dir;                        // watched for shared.db* changes
  std::string pending_unpair_path;             // see unpair_notice.hpp
  const crypto::Identity* identity = nullptr;  // must outlive the daemon
  const crypto::Secret* local_key = nullptr;   // opens the pending notice
  // Opens shared.db afresh (each session gets its own handle, so pairing
  // or unpairing by another process is always seen).
  std::function<Result<std::unique_ptr<store::SyncPort>>()> open_store;
  // Told the bound address once listening (the CLI logs it).
  std::function<void(const tcp::endpoint&)> on_listening;
  std::chrono::milliseconds initial_backoff{1000};
};

// States: listening + dialing (no session) -> in session (live; a second
// authenticated connection is refused, dialing pauses) -> back to dialing
// when the session ends -> stopped (Stop: acceptor, sessions, pending
// handshakes and timers closed; Run returns once every loop has ended).
class Daemon {
 public:
  Daemon(asio::io_context& io, DaemonConfig config);

  // Serves until Stop(). kInvalidInput/kIo if it cannot listen or watch.
  awaitable<Status> Run();
  void Stop();

 private:
  awaitable<void> AcceptLoop();
  awaitable<void> HandleIncoming(tcp::socket socket);
  awaitable<void> DialLoop();
  awaitable<void> WatchLoop();
  awaitable<void> Sleep(asio::steady_timer& timer,
                        std::chrono::milliseconds duration);
  void OnLocalEvent();
  // Who the partner is and where it was last seen, as one comparable
  // string ("unpaired" when there is none).
  std::string PartnerFingerprint();
  void LoopEnded();

  asio::io_context& io_;
  DaemonConfig config_;
  tcp::acceptor acceptor_;
  std::optional<asio::posix::stream_descriptor> inotify_;
  asio::steady_timer dial_wake_;
  asio::steady_timer all_done_;
  std::unique_ptr<store::SyncPort> watch_store_;
  std::shared_ptr<SyncSession> session_;
  std::vector<std::weak_ptr<Connection>> unauthenticated_;
  std::uint64_t last_counter_ = 0;
  int loops_running_ = 0;
  bool stopped_ = false;
  bool waiting_for_partner_ = false;  // dial loop: not paired / no address
  std::string wait_fingerprint_;      // PartnerFingerprint() when it began
};

}  // namespace inch::net
