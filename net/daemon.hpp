// `inch serve`: listens for the partner, dials its last known address with
// backoff and jitter, keeps one live sync session and pushes local changes
// into it as soon as the shared store's files change (inotify, then the
// store's local change counter: no polling). One io_context thread; Stop()
// (from a signal_set) ends every loop and session so Run() returns.
//
// Liveness (docs/PROTOCOL.md): an incoming connection counts as the
// partner's only once its first transport frame (the dialer's Hello) has
// arrived. KKpsk0's first message can be replayed by anyone who recorded
// it, but that frame is encrypted under keys mixed with this responder's
// fresh ephemeral, so only a live holder of the partner's keys can send it.
// Until then the connection holds no slot, opens no store, gets no Hello.
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
#include "net/daemon_presence.hpp"
#include "net/dial_policy.hpp"
#include "net/session_slot.hpp"
#include "net/state_log.hpp"
#include "net/sync_session.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::net {

inline constexpr std::uint16_t kDefaultPort = 47470;
inline constexpr std::size_t kMaxUnauthenticated = 4;

struct DaemonConfig {
  tcp::endpoint listen;
  // Where the shared store's files are, and how their names begin (the
  // file, its -wal and -shm): watched for changes. cli/ fills them in.
  std::string watch_dir;
  std::string watch_prefix;
  const crypto::Identity* identity = nullptr;  // must outlive the daemon
  // Opens the shared store afresh (each session gets its own handle, so pairing
  // or unpairing by another process is always seen).
  std::function<Result<std::unique_ptr<store::SyncPort>>()> open_store;
  // Told the bound address once listening (the CLI logs it).
  std::function<void(const tcp::endpoint&)> on_listening;
  // Never below 1 s: at most one attempt a second to a failing partner.
  std::chrono::milliseconds initial_backoff{1000};
  // Session timing (tests shorten it; see SyncOptions).
  std::chrono::milliseconds idle_timeout = SyncOptions{}.idle_timeout;
  std::chrono::milliseconds ping_interval = SyncOptions{}.ping_interval;
  // Announce this node to the partner on the LAN and follow its sightings
  // (daemon_presence.hpp); only when listening on a wildcard address.
  bool announce = true;
  PresenceService::Options presence;
};

// States: opening (the shared store cannot be opened yet, say a read-only
// or full home: retried with backoff, logged once per change) -> listening
// + dialing (no session) -> in session (live; dialing pauses) -> back to
// dialing when the session ends -> stopped (Stop: acceptor, sessions,
// pending handshakes and timers closed; Run returns once every loop ended).
// Transitions into "in session": an outgoing session whose handshake
// completed, or an incoming one whose Hello arrived (see above). When a
// session exists and another authenticated Hello arrives from the partner:
//   - live Hello, the current session incoming or older than kDialRace:
//     the new one replaces it (the partner's daemon dials only when it has
//     no session, so the old one is dead on its side);
//   - live Hello racing our own fresh outgoing session: the connection
//     dialled by the node with the smaller public key is kept, the same
//     choice on both sides;
//   - one-shot Hello (`inch sync`): Busy while the session was heard from
//     within 1.5 ping intervals (it carries everything already); else the
//     session is stale and is replaced.
// Backoff: one delay for the partner, grown by every attempt or session
// that did not converge (failed dials, refused or failed sessions, a
// partner that cannot store our ops), reset only by a converged session;
// the dial loop never starts before the delay is over. Local writes never
// shorten it; OnPartnerSeen may (new address, or after an absence), never
// to less than kMinDialGap after the last attempt. The policy, its states
// and invariants: DialPolicy (dial_policy.hpp).
class Daemon {
 public:
  Daemon(asio::io_context& io, DaemonConfig config);

  // Serves until Stop(). kInvalidInput/kIo if it cannot listen or watch.
  // A store that cannot be opened is retried (with backoff) until Stop().
  awaitable<Status> Run();
  void Stop();

  // Discovery saw the partner at `where`: records the address if it
  // changed and, with no live session, dials soon when the address is new
  // or the partner was absent (at most once per kMinDialGap).
  void OnPartnerSeen(const tcp::endpoint& where);

  // Whether a session with the partner is live (status, tests, benches).
  bool in_session() const { return !slot_.empty(); }

 private:
  using Clock = std::chrono::steady_clock;
  awaitable<void> AcceptLoop();
  awaitable<void> HandleIncoming(tcp::socket socket);
  awaitable<void> DialLoop();
  awaitable<void> WatchLoop();
  awaitable<bool> OpenWatchStore();
  // Whether a new authenticated connection (live or not) takes the slot
  // from the current session; see the class comment.
  bool Replaces(bool incoming_live);
  void OnLocalEvent();

  asio::io_context& io_;
  DaemonConfig config_;
  tcp::acceptor acceptor_;
  std::optional<asio::posix::stream_descriptor> inotify_;
  asio::steady_timer dial_wake_;
  asio::steady_timer all_done_;
  std::unique_ptr<store::SyncPort> watch_store_;
  std::unique_ptr<PresenceFollower> presence_;  // wildcard listeners only
  SessionSlot slot_;
  DialPolicy policy_;
  StateChangeLog state_log_;
  std::vector<std::weak_ptr<Connection>> unauthenticated_;
  std::uint64_t last_counter_ = 0;
  int loops_running_ = 0;
  bool stopped_ = false;
  bool waiting_for_partner_ = false;  // dial loop: not paired / no address
  std::string wait_fingerprint_;      // PartnerFingerprint when it began
};

}  // namespace inch::net
