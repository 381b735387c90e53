// One sync session over an authenticated SecureChannel: each side says what
// it has (Hello), sends what the other lacks in bounded batches, applies
// what it receives durably (one store transaction per batch) before
// acknowledging it, and both stop when their Done messages agree. The
// protocol knows nothing about ops: they are opaque sealed bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "common/error.hpp"
#include "net/asio.hpp"
#include "net/secure_channel.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::net {

inline constexpr std::uint32_t kProtocolVersion = 1;
inline constexpr std::size_t kMaxBatchOps = 1000;
// Sealed-op bytes per batch: as many as fit one frame. Each op costs up to
// 3 more bytes in the message (tag + 2-byte length: ops are < 16 KiB) and
// is at least kMinWireOp bytes (seq 8 + version 1 + nonce 24 + 64 padded +
// tag 16), which bounds the op count; 8 bytes cover the message headers.
inline constexpr std::size_t kMinWireOp = 113;
inline constexpr std::size_t kMaxBatchBytes =
    kMaxPlaintext - 8 - 3 * (kMaxPlaintext / kMinWireOp);
inline constexpr std::size_t kWindow = 8;  // unacknowledged batches
// Batches already waiting in the socket that the receiver applies in one
// transaction (one fsync): fsync latency, not bandwidth, bounds a sync.
inline constexpr std::size_t kMaxGroup = 8;

struct SyncOptions {
  bool live = false;              // daemons: stay connected and push
  std::uint16_t listen_port = 0;  // announced in Hello (0: not listening)
  // A session ends when no frame arrived for idle_timeout (one-shot and
  // live alike). A live side sends a Ping whenever it has sent nothing for
  // ping_interval, so a live peer is heard at least that often and a
  // silent one is noticed within idle_timeout (< 30 s, issue 9).
  std::chrono::milliseconds idle_timeout{25'000};
  std::chrono::milliseconds ping_interval{8'000};  // live sessions only
};

struct SyncStats {
  std::uint64_t batches_sent = 0, batches_applied = 0;
  std::uint64_t ops_sent = 0, ops_applied = 0;
  bool converged = false;         // both sides had everything at one point
  bool partner_unpaired = false;  // partner erased us; we erased it too
  std::uint64_t ops_refused = 0;  // partner's ops this node refused
  std::uint64_t refused_by_partner = 0;  // my ops the partner refused
  std::uint64_t ops_recovered = 0;       // my own ops taken back (rollback)
};

// States (per session): hello -> exchanging -> converged (one-shot: both
// half-close and read EOF) | live (a live session stays in exchanging until
// the connection ends) | failed (anything unexpected: the connection closes
// and the store keeps only fully applied batches).
// Invariants: a Batch is acknowledged only after ApplyFromPartner returned
// (durable); at most kWindow batches are unacknowledged; the first message
// each way is Hello; Done.batches_sent equals the batches the receiver has
// applied when it arrives (messages are in order), else kProtocol.
// Converged when my latest Done and the peer's latest Done both count
// every batch sent and applied on each side, with nothing in flight.
class SyncSession : public std::enable_shared_from_this<SyncSession> {
 public:
  // `store` must outlive the session.
  SyncSession(std::unique_ptr<SecureChannel> channel, store::SyncPort& store,
              SyncOptions options);

  // Runs the session to its end. One-shot: ok once converged; kUnreachable
  // if the partner vanished, kCrypto/kProtocol on a bad frame. Live: ends
  // when the connection does (ok if nothing went wrong on our side).
  awaitable<Result<SyncStats>> Run();

  // The peer's first message, already read by the daemon (which waits for
  // it before it counts a connection as the partner's): handled first, as
  // if it had just arrived. Call before Run().
  void SetFirstMessage(proto::WireMessage message);

  // A local op may have been added: check the outbox again (live).
  void NotifyLocalChange();
  // Ends the session (shutdown); Run() then returns.
  void Stop();

  const std::string& peer() const { return peer_; }
  // When the last frame from the peer arrived (its first one included).
  std::chrono::steady_clock::time_point last_heard() const {
    return last_heard_;
  }
  const SyncStats& stats() const { return stats_; }
  Connection& connection() { return channel_->connection(); }

 private:
  struct DoneCounts {
    std::uint64_t sent = 0, applied = 0;
  };
  awaitable<Status> ReaderLoop();
  awaitable<void> WriterLoop();
  awaitable<Status> WriterSteps();
  // Sends one Returned frame of the peer's ops from return_from_.
  awaitable<Status> SendReturned();
  // Every frame the writer sends goes through here (pings are due
  // ping_interval after the last one).
  awaitable<Status> Send(const proto::WireMessage& message);
  Status Handle(const proto::WireMessage& message);
  // Applies received batches in one store transaction and queues an ack
  // for each. kProtocol (nothing applied) if any op is rejected.
  Status ApplyGroup(const std::vector<proto::WireMessage>& group);
  bool Converged() const;
  // Records (durably, when it grew) how far the partner holds my ops, for
  // bundles written later (docs/proposed/bundle.md).
  void NotePartnerHas(std::uint64_t has);
  void Wake();
  void Abort(const Error& error);  // records the first error, closes

  std::unique_ptr<SecureChannel> channel_;
  store::SyncPort& store_;
  SyncOptions options_;
  std::string peer_;
  asio::steady_timer wake_;
  asio::steady_timer joined_;
  bool dirty_ = false;
  bool stop_ = false;
  bool writer_done_ = false;
  std::optional<Error> error_;
  std::optional<proto::WireMessage> first_message_;
  std::chrono::steady_clock::time_point last_heard_ =
      std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_sent_ =
      std::chrono::steady_clock::now();

  bool peer_hello_ = false;
  std::uint64_t cursor_ =
      0;  // highest of my release seqs the peer has/was sent
  std::size_t in_flight_ = 0;
  std::uint64_t acked_ = 0;      // highest received_up_to the peer acked
  std::uint64_t noted_has_ = 0;  // what NotePartnerHas last recorded
  std::deque<proto::SyncAck> pending_acks_;
  std::optional<DoneCounts> my_done_, peer_done_;
  bool unpair_received_ = false;
  // Rollback recovery: I asked the peer for my ops back (until its last
  // Returned frame), and/or the peer asked me for its ops from here.
  // When this session last recorded "last sync" (NoteSynced).
  std::optional<std::chrono::steady_clock::time_point> noted_sync_at_;
  bool recovering_ = false;
  bool recovery_tried_ = false;
  std::optional<std::uint64_t> return_from_;
  SyncStats stats_;
};

}  // namespace inch::net
