// The daemon's one session slot: the live session with the partner, if
// any, which side dialled it and since when (what the dial policy weighs
// when another connection arrives, dial_policy.hpp).
#pragma once

#include <chrono>
#include <memory>

#include "net/dial_policy.hpp"
#include "net/sync_session.hpp"

namespace inch::net {

class SessionSlot {
 public:
  using Clock = std::chrono::steady_clock;

  bool empty() const { return !session_; }
  // The session holding the slot (nullptr when empty).
  SyncSession* get() const { return session_.get(); }
  bool holds(const std::shared_ptr<SyncSession>& s) const {
    return session_ == s;
  }
  bool outgoing() const { return outgoing_; }
  // The slot as the dial policy sees it; only when not empty.
  DialPolicy::Slot ForPolicy() const;
  // Takes the slot for `session`, stopping (and logging) any session it
  // replaces.
  void Take(std::shared_ptr<SyncSession> session, bool outgoing,
            Clock::time_point now);
  // Empties the slot if `session` still holds it (a replaced session that
  // ends must not empty its successor's slot).
  void Release(const std::shared_ptr<SyncSession>& session);

 private:
  std::shared_ptr<SyncSession> session_;
  bool outgoing_ = false;
  Clock::time_point since_{};
};

}  // namespace inch::net
