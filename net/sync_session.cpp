// The sync protocol (sync_session.hpp, docs/PROTOCOL.md §4). One reader
// coroutine applies and records; one writer coroutine sends Hello, acks,
// batches and Done, woken through a timer used as a condition variable.
#include "net/sync_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "store/shared/op_codec.hpp"

namespace inch::net {

SyncSession::SyncSession(std::unique_ptr<SecureChannel> channel,
                         store::SyncPort& store, SyncOptions options)
    : channel_(std::move(channel)),
      store_(store),
      options_(options),
      peer_(channel_->connection().peer()),
      wake_(channel_->connection().socket().get_executor()),
      joined_(channel_->connection().socket().get_executor()) {}

void SyncSession::Wake() {
  dirty_ = true;
  wake_.cancel();
}

void SyncSession::NotifyLocalChange() { Wake(); }

void SyncSession::SetFirstMessage(proto::WireMessage message) {
  first_message_ = std::move(message);
}

awaitable<Status> SyncSession::Send(const proto::WireMessage& message) {
  auto st = co_await channel_->Send(message);
  if (st) last_sent_ = std::chrono::steady_clock::now();
  co_return st;
}

void SyncSession::Stop() {
  stop_ = true;
  channel_->connection().Close();
  Wake();
}

void SyncSession::Abort(const Error& error) {
  if (!error_) error_ = error;
  stop_ = true;
  channel_->connection().Close();
  Wake();
}

bool SyncSession::Converged() const {
  return my_done_ && peer_done_ && in_flight_ == 0 && pending_acks_.empty() &&
         !recovering_ && !return_from_ &&
         my_done_->sent == stats_.batches_sent &&
         my_done_->applied == stats_.batches_applied &&
         peer_done_->sent == stats_.batches_applied &&
         peer_done_->applied == stats_.batches_sent;
}

awaitable<Result<SyncStats>> SyncSession::Run() {
  auto self = shared_from_this();
  auto executor = co_await asio::this_coro::executor;
  if (first_message_) {
    // Before the writer starts: it sends batches only after the peer's
    // Hello, which this normally is.
    proto::WireMessage first = std::move(*first_message_);
    first_message_.reset();
    if (auto st = Handle(first); !st) {
      Abort(st.error());
      co_return std::unexpected(st.error());
    }
  }
  asio::co_spawn(
      executor, [self]() -> awaitable<void> { co_await self->WriterLoop(); },
      [self](std::exception_ptr e) {
        LogCompletion{"sync writer"}(e);
        self->writer_done_ = true;
        self->joined_.cancel();
      });
  Status read = co_await ReaderLoop();
  if (!read) Abort(read.error());
  stop_ = true;
  Wake();
  while (!writer_done_) {  // join the writer before the channel goes away
    joined_.expires_after(std::chrono::seconds(5));
    boost::system::error_code ec;
    co_await joined_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!ec) channel_->connection().Close();  // a write is stuck: unblock it
  }
  channel_->connection().Close();
  NotePartnerHas(acked_);
  if (stats_.partner_unpaired) {
    if (auto st = store_.ErasePartner(); !st) {
      spdlog::error("sync: could not erase the unpaired partner: {}",
                    st.error().message);
      co_return std::unexpected(st.error());
    }
    spdlog::info("sync: the partner unpaired; its data and keys are erased");
    co_return stats_;
  }
  if (error_ && !(options_.live && error_->code == Errc::kUnreachable)) {
    co_return std::unexpected(*error_);
  }
  if (!options_.live && !stats_.converged) {
    co_return inch::Fail(Errc::kUnreachable, "the sync did not finish");
  }
  co_return stats_;
}

awaitable<Status> SyncSession::ReaderLoop() {
  auto& conn = channel_->connection();
  // Batches received but not applied yet: while more frames are already
  // waiting in the socket, up to kMaxGroup batches are applied together in
  // one transaction (one fsync), each acknowledged only once it is durable.
  std::vector<proto::WireMessage> group;
  for (;;) {
    conn.SetDeadline(options_.idle_timeout);
    auto message = co_await channel_->Receive();
    if (message) last_heard_ = std::chrono::steady_clock::now();
    if (stop_ && !error_ && unpair_received_) co_return Status{};
    if (!message) {
      // Unapplied batches are not acknowledged: the peer sends them again.
      if (conn.eof() && (Converged() || options_.live)) {
        if (Converged()) stats_.converged = true;
        co_return Status{};
      }
      if (stop_ && !error_) co_return Status{};  // Stop() was called
      co_return std::unexpected(message.error());
    }
    const bool batch = message->has_batch() && peer_hello_;
    if (batch) {
      const auto& ops = message->batch().ops();
      if (ops.empty() || static_cast<std::size_t>(ops.size()) > kMaxBatchOps) {
        co_return inch::Fail(Errc::kProtocol, "batch size out of range");
      }
      group.push_back(std::move(*message));
      boost::system::error_code ec;
      if (group.size() < kMaxGroup && conn.socket().available(ec) > 0 && !ec)
        continue;  // the next frame is already here
    }
    if (!group.empty()) {
      // Before anything else: Done counts the batches applied.
      if (auto st = ApplyGroup(group); !st) co_return st;
      group.clear();
    }
    if (!batch) {
      if (auto st = Handle(*message); !st) co_return st;  // a batch first fails
    }
    Wake();
    if (unpair_received_) co_return Status{};
  }
}

Status SyncSession::ApplyGroup(const std::vector<proto::WireMessage>& group) {
  // Views into the parsed messages (no copy of the ops' bytes).
  std::vector<std::vector<ByteView>> sealed(group.size());
  std::vector<std::span<const ByteView>> batches;
  batches.reserve(group.size());
  for (std::size_t i = 0; i < group.size(); ++i) {
    const auto& ops = group[i].batch().ops();
    sealed[i].reserve(static_cast<std::size_t>(ops.size()));
    for (const auto& op : ops) sealed[i].push_back(AsBytes(op));
    batches.emplace_back(sealed[i]);
  }
  auto applied = store_.ApplyBatchesFromPartner(
      std::span<const std::span<const ByteView>>(batches));
  if (!applied) return std::unexpected(applied.error());
  std::size_t refused = 0;
  for (const auto& one : *applied) {
    ++stats_.batches_applied;
    stats_.ops_applied += one.applied;
    proto::SyncAck ack;
    ack.set_received_up_to(one.received_up_to);
    for (const auto& r : one.refused) {
      auto* out = ack.add_refused();
      out->set_seq(r.seq);
      out->set_reason(static_cast<std::uint32_t>(r.why));
    }
    refused += one.refused.size();
    pending_acks_.push_back(std::move(ack));
    if (one.partner_unpaired) stats_.partner_unpaired = true;
  }
  if (refused > 0) {
    stats_.ops_refused += refused;
    spdlog::warn(
        "sync: refused {} change(s) from the partner's node (invalid, "
        "clock too far ahead, or over this pairing's quota); the rest "
        "applied",
        refused);
  }
  return {};
}

Status SyncSession::Handle(const proto::WireMessage& message) {
  using M = proto::WireMessage;
  if (!peer_hello_ && message.body_case() != M::kHello &&
      message.body_case() != M::kBusy) {
    return inch::Fail(Errc::kProtocol, "first message was not Hello");
  }
  switch (message.body_case()) {
    case M::kHello: {
      if (peer_hello_) return inch::Fail(Errc::kProtocol, "second Hello");
      const auto& hello = message.hello();
      if (hello.version() != kProtocolVersion) {
        return inch::Fail(Errc::kProtocol, "unsupported protocol version " +
                                               std::to_string(hello.version()));
      }
      peer_hello_ = true;
      cursor_ = hello.received_up_to();
      NotePartnerHas(cursor_);
      options_.live = options_.live && hello.live();
      if (hello.listen_port() != 0 && hello.listen_port() <= 65535) {
        boost::system::error_code ec;
        auto remote = channel_->connection().socket().remote_endpoint(ec);
        if (!ec) {
          remote.port(static_cast<unsigned short>(hello.listen_port()));
          if (auto st = store_.SetPartnerAddress(FormatEndpoint(remote)); !st) {
            spdlog::warn("sync: cannot record the partner's address: {}",
                         st.error().message);
          }
        }
      }
      return {};
    }
    case M::kBatch:  // the reader groups batches; a lone one lands here
      return ApplyGroup({message});
    case M::kAck:
      if (in_flight_ == 0) return inch::Fail(Errc::kProtocol, "unexpected Ack");
      --in_flight_;
      acked_ = std::max(acked_, message.ack().received_up_to());
      if (const int n = message.ack().refused_size(); n > 0) {
        stats_.refused_by_partner += static_cast<std::uint64_t>(n);
        spdlog::warn(
            "sync: the partner's node refused {} of our change(s) "
            "(reason {}); the rest went through",
            n, message.ack().refused(0).reason());
      }
      return {};
    case M::kDone: {
      DoneCounts done{message.done().batches_sent(),
                      message.done().batches_applied()};
      if (done.sent != stats_.batches_applied ||
          done.applied > stats_.batches_sent) {
        return inch::Fail(Errc::kProtocol, "Done does not match the batches");
      }
      peer_done_ = done;
      return {};
    }
    case M::kUnpair:
      // The partner unpaired: erase it now (durable), then echo.
      if (auto st = store_.ErasePartner(); !st) return st;
      spdlog::info("sync: the partner unpaired; its data and keys are erased");
      unpair_received_ = true;
      return {};
    case M::kPing:
      return {};
    case M::kRecover:
      if (return_from_) return inch::Fail(Errc::kProtocol, "second Recover");
      spdlog::warn(
          "sync: the partner's node lost part of its own history (restored "
          "from a backup?); sending it back its copy");
      return_from_ = message.recover().from();
      return {};
    case M::kReturned: {
      if (!recovering_)
        return inch::Fail(Errc::kProtocol, "unexpected Returned");
      std::vector<ByteView> ops;
      ops.reserve(static_cast<std::size_t>(message.returned().ops_size()));
      for (const auto& op : message.returned().ops())
        ops.push_back(AsBytes(op));
      auto taken = store_.RecoverMine(ops);
      if (!taken) return std::unexpected(taken.error());
      stats_.ops_recovered += *taken;
      if (message.returned().done()) {
        recovering_ = false;
        spdlog::warn(
            "sync: took back {} of this laptop's own changes from the "
            "partner's copy; both laptops agree again",
            stats_.ops_recovered);
      }
      return {};
    }
    case M::kBusy:
      return inch::Fail(Errc::kUnreachable,
                        "the partner's node already has a sync session open "
                        "with this node (a daemon here is connected to it, "
                        "and keeps both in sync): this one was refused");
    default:
      return inch::Fail(Errc::kProtocol, "unknown message");
  }
}

void SyncSession::NotePartnerHas(std::uint64_t has) {
  // Written when it grows, not per ack: a bundle only needs a floor, and a
  // stale one costs duplicates (idempotent), never a loss.
  // Never after an unpair: the store already started afresh, and a number
  // of the old pairing would make the next one's bundles skip ops.
  if (has <= noted_has_ || unpair_received_ || stats_.partner_unpaired) return;
  if (auto st = store_.RaiseCursor(store::Cursor::kPartnerHas, has); !st) {
    spdlog::warn("sync: cannot record what the partner holds: {}",
                 st.error().message);
    return;
  }
  noted_has_ = has;
}

awaitable<void> SyncSession::WriterLoop() {
  try {
    Status st = co_await WriterSteps();
    if (!st) Abort(st.error());
  } catch (const std::exception& e) {
    Abort(Error{Errc::kIo, std::string("sync writer: ") + e.what()});
  }
}

awaitable<Status> SyncSession::SendReturned() {
  auto out =
      store_.ReturnPartnerOps(*return_from_, kMaxBatchOps, kMaxBatchBytes);
  if (!out) co_return std::unexpected(out.error());
  proto::WireMessage returned;
  auto* ops = returned.mutable_returned()->mutable_ops();
  for (auto& op : out->sealed_ops) ops->Add()->assign(op.begin(), op.end());
  bool more = out->more;
  while (ops->size() > 1 && returned.ByteSizeLong() > kMaxPlaintext) {
    ops->RemoveLast();
    more = true;
  }
  returned.mutable_returned()->set_done(!more);
  if (auto st = co_await Send(returned); !st) co_return st;
  if (more) {
    return_from_ = *return_from_ + static_cast<std::uint64_t>(ops->size());
  } else {
    return_from_.reset();
  }
  co_return Status{};
}

awaitable<Status> SyncSession::WriterSteps() {
  auto& conn = channel_->connection();
  auto received = store_.ReceivedUpTo();
  if (!received) co_return std::unexpected(received.error());
  {
    proto::WireMessage hello;
    hello.mutable_hello()->set_version(kProtocolVersion);
    hello.mutable_hello()->set_received_up_to(*received);
    hello.mutable_hello()->set_listen_port(options_.listen_port);
    hello.mutable_hello()->set_live(options_.live);
    if (auto st = co_await Send(hello); !st) co_return st;
  }
  for (;;) {
    if (unpair_received_) {
      proto::WireMessage echo;
      echo.mutable_unpair();
      (void)co_await Send(echo);  // best effort: we erased already
      conn.ShutdownSend();
      co_return Status{};
    }
    if (stop_) co_return Status{};
    dirty_ = false;
    while (!pending_acks_.empty()) {
      proto::WireMessage ack;
      *ack.mutable_ack() = std::move(pending_acks_.front());
      pending_acks_.pop_front();
      if (auto st = co_await Send(ack); !st) co_return st;
    }
    if (stats_.partner_unpaired) {
      // An Unpair op arrived and was acknowledged: nothing more to send.
      conn.ShutdownSend();
      co_return Status{};
    }
    if (return_from_) {
      if (auto st = co_await SendReturned(); !st) co_return st;
      continue;
    }
    bool sent_batch = false;
    if (peer_hello_ && in_flight_ < kWindow && !recovering_) {
      auto out = store_.Outbox(cursor_, kMaxBatchOps, kMaxBatchBytes);
      if (!out && out.error().code == Errc::kRollback && !recovery_tried_) {
        // This node lost part of its log; the peer holds a copy of all it
        // ever released. Ask for it back before sending anything new.
        auto released = store_.ReleasedUpTo();
        if (!released) co_return std::unexpected(released.error());
        spdlog::warn(
            "sync: {}; taking those changes back from the partner's "
            "copy",
            out.error().message);
        proto::WireMessage ask;
        ask.mutable_recover()->set_from(*released + 1);
        if (auto st = co_await Send(ask); !st) co_return st;
        recovering_ = true;
        recovery_tried_ = true;  // once: a peer that returns too little fails
        continue;
      }
      if (!out) co_return std::unexpected(out.error());
      if (!out->sealed_ops.empty()) {
        proto::WireMessage batch;
        auto* ops = batch.mutable_batch()->mutable_ops();
        ops->Reserve(static_cast<int>(out->sealed_ops.size()));
        for (auto& op : out->sealed_ops)
          ops->Add()->assign(op.begin(), op.end());
        // kMaxBatchBytes leaves room for the framing of the smallest ops;
        // should an op ever be smaller, send fewer (the rest simply goes in
        // the next batch).
        while (ops->size() > 1 && batch.ByteSizeLong() > kMaxPlaintext)
          ops->RemoveLast();
        const auto count = static_cast<std::uint64_t>(ops->size());
        const auto last = store::PeekWireSeq(AsBytes(ops->at(ops->size() - 1)));
        if (!last)
          co_return inch::Fail(Errc::kCorrupt, "an unsealed outbox op");
        if (auto st = co_await Send(batch); !st) co_return st;
        cursor_ = *last;
        ++in_flight_;
        ++stats_.batches_sent;
        stats_.ops_sent += count;
        sent_batch = true;
      } else if (!my_done_ || my_done_->sent != stats_.batches_sent ||
                 my_done_->applied != stats_.batches_applied) {
        DoneCounts counts{stats_.batches_sent, stats_.batches_applied};
        proto::WireMessage done;
        done.mutable_done()->set_batches_sent(counts.sent);
        done.mutable_done()->set_batches_applied(counts.applied);
        if (auto st = co_await Send(done); !st) co_return st;
        my_done_ = counts;
      }
    }
    if (sent_batch) continue;
    if (Converged()) {
      stats_.converged = true;
      NotePartnerHas(acked_);
      // "Last sync" for people, shown to the minute: recorded at the first
      // convergence, then at most once a minute (a live session converges
      // again after every change it carries, and each record is a durable
      // write on the push path).
      const auto now = std::chrono::steady_clock::now();
      if (!noted_sync_at_ || now - *noted_sync_at_ >= std::chrono::minutes(1)) {
        if (auto st = store_.NoteSynced(); !st) {
          spdlog::warn("sync: cannot record the time of this sync: {}",
                       st.error().message);
        }
        noted_sync_at_ = now;
      }
      if (!options_.live) {
        conn.ShutdownSend();  // the peer reads EOF after our last frame
        co_return Status{};
      }
    }
    if (dirty_) continue;
    // A ping is due ping_interval after the last frame sent, however often
    // the reader wakes this loop: both sides ping, so each hears the other.
    if (options_.live) {
      wake_.expires_at(last_sent_ + options_.ping_interval);
    } else {
      wake_.expires_after(std::chrono::hours(1));
    }
    boost::system::error_code ec;
    co_await wake_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (options_.live && !stop_ &&
        std::chrono::steady_clock::now() >=
            last_sent_ + options_.ping_interval) {
      proto::WireMessage ping;
      ping.mutable_ping();
      if (auto st = co_await Send(ping); !st) co_return st;
    }
  }
}

}  // namespace inch::net
