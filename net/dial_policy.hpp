// When the daemon may dial its partner, and which of two sessions with it
// keeps the one slot: the daemon's backoff and dial policy, apart from its
// loops (daemon.hpp) so that it can be tested without sockets or sleeping.
// Every transition takes the time it happens at; the jitter is injected.
//
// State machine (one partner):
//   ready       now >= next_dial_at: the dial loop may dial at once.
//   backing off now <  next_dial_at: the dial loop sleeps until then.
// Transitions:
//   DialStarted(now)          an attempt begins: the next one waits at
//                             least kMinDialGap.
//   AttemptEnded(ok, now)     a dial or a session ended; converged resets
//                             the backoff to the initial delay, anything
//                             else doubles it (up to kMaxBackoff); the next
//                             attempt waits for it plus up to a quarter of
//                             jitter, never for more than kMaxBackoff.
//   Seen(now)                 a sighting of the partner; says whether it
//                             ends an absence (none for kAbsence).
//   DialSoon(now, moved)      a sighting at a new address, or after an
//                             absence, with no session: ready again, but
//                             never sooner than kMinDialGap after the last
//                             attempt; a move also resets the backoff.
//   PartnerMoved()            a silent session elsewhere is being ended:
//                             the backoff restarts for the new address.
// Local writes are no transition: they never shorten the wait.
// Invariants (checked after every transition; a violation aborts):
//   I1  kMinDialGap <= initial <= backoff <= kMaxBackoff;
//   I2  next_dial_at <= now + kMaxBackoff: no wait is ever longer;
//   I3  after the first attempt, next_dial_at >= last attempt +
//       kMinDialGap: no two attempts start less than kMinDialGap apart.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "common/bytes.hpp"

namespace inch::net {

inline constexpr auto kMaxBackoff = std::chrono::seconds(60);
// Two connections that began within this of each other are a race (both
// daemons dialled at once), not a stale session being replaced.
inline constexpr auto kDialRace = std::chrono::seconds(5);
// No sighting of the partner for this long is an absence (presence is
// announced every 5 s): the next sighting may dial at once.
inline constexpr auto kAbsence = std::chrono::seconds(20);
// Sightings never start attempts more often than this.
inline constexpr auto kMinDialGap = std::chrono::seconds(1);

class DialPolicy {
 public:
  using Clock = std::chrono::steady_clock;
  using Ms = std::chrono::milliseconds;
  // A uniform delay in [0, bound]; the default uses libsodium's generator.
  using Jitter = std::function<Ms(Ms bound)>;
  // What the policy needs to know of the session holding the slot.
  struct Slot {
    bool outgoing = false;  // dialled by this node
    Clock::time_point since{};
    Clock::time_point last_heard{};
  };

  // `initial_backoff` is raised to kMinDialGap; `ping_interval` is the
  // sessions' (a session silent for 1.5 of them is stale).
  DialPolicy(Ms initial_backoff, Ms ping_interval, Jitter jitter = {});

  void DialStarted(Clock::time_point now);
  void AttemptEnded(bool converged, Clock::time_point now);
  bool Seen(Clock::time_point now);
  void DialSoon(Clock::time_point now, bool moved);
  void PartnerMoved();

  // Whether a new authenticated connection (a live Hello, or a one-shot
  // `inch sync`) takes the slot from `current` (see daemon.hpp).
  // `my_key` and `partner_key` break a race of two fresh dials; an empty
  // `partner_key` (not readable) lets the newcomer in.
  bool Replaces(const Slot& current, bool incoming_live, ByteView my_key,
                ByteView partner_key, Clock::time_point now) const;
  // Whether `current`, with a peer at another address than the partner's
  // latest sighting, has heard nothing for 1.5 ping intervals.
  bool SilentElsewhere(const Slot& current, bool same_address,
                       Clock::time_point now) const;

  Clock::time_point next_dial_at() const { return next_dial_at_; }
  Ms backoff() const { return backoff_; }
  Ms initial_backoff() const { return initial_; }

 private:
  bool Stale(Clock::time_point last_heard, Clock::time_point now) const;
  void CheckInvariants(Clock::time_point now) const;

  Ms initial_;
  Ms ping_interval_;
  Jitter jitter_;
  Ms backoff_;
  Clock::time_point next_dial_at_{};  // no attempt before this
  std::optional<Clock::time_point> last_attempt_at_;
  std::optional<Clock::time_point> last_seen_at_;
};

}  // namespace inch::net
