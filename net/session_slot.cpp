// The daemon's session slot (session_slot.hpp).
#include "net/session_slot.hpp"

namespace inch::net {

DialPolicy::Slot SessionSlot::ForPolicy() const {
  return {outgoing_, since_, session_->last_heard()};
}

void SessionSlot::Take(std::shared_ptr<SyncSession> session, bool outgoing,
                       Clock::time_point now) {
  if (session_) {
    spdlog::info(
        "the partner connected again from {}: the session with {} was stale "
        "and is replaced",
        session->peer(), session_->peer());
    session_->Stop();
  }
  session_ = std::move(session);
  outgoing_ = outgoing;
  since_ = now;
}

void SessionSlot::Release(const std::shared_ptr<SyncSession>& session) {
  if (session_ == session) session_.reset();
}

}  // namespace inch::net
