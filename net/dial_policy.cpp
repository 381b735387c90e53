// The daemon's backoff and dial policy (dial_policy.hpp).
#include "net/dial_policy.hpp"

#include <sodium.h>

#include <algorithm>

#include "common/check.hpp"

namespace inch::net {
namespace {

DialPolicy::Ms RandomJitter(DialPolicy::Ms bound) {
  return DialPolicy::Ms(randombytes_uniform(static_cast<std::uint32_t>(
      std::max<std::int64_t>(bound.count(), 0) + 1)));
}

}  // namespace

DialPolicy::DialPolicy(Ms initial_backoff, Ms ping_interval, Jitter jitter)
    : initial_(std::clamp<Ms>(initial_backoff, kMinDialGap, kMaxBackoff)),
      ping_interval_(ping_interval),
      jitter_(jitter ? std::move(jitter) : Jitter(RandomJitter)),
      backoff_(initial_) {
  CheckInvariants(Clock::now());
}

void DialPolicy::CheckInvariants(Clock::time_point now) const {
  INCH_CHECK(kMinDialGap <= initial_ && initial_ <= backoff_ &&
             backoff_ <= kMaxBackoff);             // I1
  INCH_CHECK(next_dial_at_ <= now + kMaxBackoff);  // I2
  INCH_CHECK(!last_attempt_at_ ||
             next_dial_at_ >= *last_attempt_at_ + kMinDialGap);  // I3
}

void DialPolicy::DialStarted(Clock::time_point now) {
  last_attempt_at_ = now;
  next_dial_at_ = std::max(next_dial_at_, now + kMinDialGap);
  CheckInvariants(now);
}

void DialPolicy::AttemptEnded(bool converged, Clock::time_point now) {
  backoff_ = converged ? initial_ : std::min<Ms>(backoff_ * 2, kMaxBackoff);
  // Jitter keeps two daemons that dial each other from colliding again;
  // the delay never exceeds kMaxBackoff.
  const Ms jitter = std::clamp<Ms>(jitter_(backoff_ / 4), Ms(0), backoff_ / 4);
  const Ms delay = std::min<Ms>(backoff_ + jitter, kMaxBackoff);
  next_dial_at_ = std::max(next_dial_at_, now + delay);
  CheckInvariants(now);
}

bool DialPolicy::Seen(Clock::time_point now) {
  const bool absent = !last_seen_at_ || now - *last_seen_at_ > kAbsence;
  last_seen_at_ = now;
  CheckInvariants(now);
  return absent;
}

void DialPolicy::DialSoon(Clock::time_point now, bool moved) {
  // The old failures were about another place or time: start over, but
  // never sooner than kMinDialGap after the last attempt.
  if (moved) backoff_ = initial_;
  next_dial_at_ =
      last_attempt_at_ ? std::max(now, *last_attempt_at_ + kMinDialGap) : now;
  CheckInvariants(now);
}

void DialPolicy::PartnerMoved() {
  backoff_ = initial_;
  INCH_CHECK(kMinDialGap <= initial_ && initial_ <= backoff_);  // I1
}

bool DialPolicy::Stale(Clock::time_point last_heard,
                       Clock::time_point now) const {
  return now - last_heard > ping_interval_ * 3 / 2;
}

bool DialPolicy::Replaces(const Slot& current, bool incoming_live,
                          ByteView my_key, ByteView partner_key,
                          Clock::time_point now) const {
  // A one-shot sync carries everything already: it waits for a session
  // that is still heard from.
  if (!incoming_live) return Stale(current.last_heard, now);
  // The partner's daemon dials only when it has no session, so the old one
  // is dead on its side, unless both dialled at once.
  if (!current.outgoing || now - current.since >= kDialRace) return true;
  // A race: keep the connection dialled by the node with the smaller
  // public key, so that both sides keep the same one.
  if (partner_key.empty()) return true;
  return std::lexicographical_compare(partner_key.begin(), partner_key.end(),
                                      my_key.begin(), my_key.end());
}

bool DialPolicy::SilentElsewhere(const Slot& current, bool same_address,
                                 Clock::time_point now) const {
  return !same_address && Stale(current.last_heard, now);
}

}  // namespace inch::net
