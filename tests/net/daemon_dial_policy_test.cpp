// The daemon's backoff and dial policy on its own (net/dial_policy.hpp):
// every transition gets its time, the jitter is chosen by the test, so
// nothing sleeps and every figure is exact.
#include <gtest/gtest.h>

#include "net/dial_policy.hpp"

namespace inch::net {
namespace {
using namespace std::chrono_literals;
using Clock = DialPolicy::Clock;
using Ms = DialPolicy::Ms;

constexpr Ms kPing = 1000ms;
const Clock::time_point t0 = Clock::now();

DialPolicy NoJitter(Ms initial = 1000ms) {
  return DialPolicy(initial, kPing, [](Ms) { return Ms(0); });
}

TEST(DialPolicyTest, AFailingPartnerWaitsTwiceAsLongEachTimeUpToAMinute) {
  auto policy = NoJitter();
  EXPECT_LE(policy.next_dial_at(), t0);  // ready at first
  auto now = t0;
  std::vector<Ms> waits;
  for (int i = 0; i < 8; ++i) {
    policy.DialStarted(now);
    policy.AttemptEnded(false, now);
    waits.push_back(
        std::chrono::duration_cast<Ms>(policy.next_dial_at() - now));
    now = policy.next_dial_at();
  }
  EXPECT_EQ(waits, (std::vector<Ms>{2s, 4s, 8s, 16s, 32s, 60s, 60s, 60s}));
  // One session that converged starts over.
  policy.AttemptEnded(true, now);
  EXPECT_EQ(policy.backoff(), 1s);
  EXPECT_EQ(policy.next_dial_at(), now + 1s);
}

TEST(DialPolicyTest, JitterAddsAtMostAQuarterAndNeverPassesTheCap) {
  Ms asked{-1};
  DialPolicy policy(1000ms, kPing, [&](Ms bound) {
    asked = bound;
    return bound * 10;  // a generator out of range is held to the bound
  });
  policy.AttemptEnded(false, t0);  // backoff 2 s
  EXPECT_EQ(asked, 500ms);
  EXPECT_EQ(policy.next_dial_at(), t0 + 2500ms);
  auto now = t0 + 3s;
  for (int i = 0; i < 6; ++i) policy.AttemptEnded(false, now);
  EXPECT_EQ(policy.backoff(), 60s);
  EXPECT_EQ(policy.next_dial_at(), now + 60s);
}

TEST(DialPolicyTest, AnInitialBackoffBelowTheDialGapIsRaised) {
  auto policy = NoJitter(10ms);
  EXPECT_EQ(policy.initial_backoff(), kMinDialGap);
  policy.AttemptEnded(true, t0);
  EXPECT_EQ(policy.next_dial_at(), t0 + 1s);
}

TEST(DialPolicyTest, ASightingAfterAnAbsenceOrAtANewAddressDialsSoon) {
  auto policy = NoJitter();
  EXPECT_TRUE(policy.Seen(t0));  // never seen before
  EXPECT_FALSE(policy.Seen(t0 + 5s));
  EXPECT_FALSE(policy.Seen(t0 + 25s));  // 20 s after the last sighting
  EXPECT_TRUE(policy.Seen(t0 + 46s));

  // Five failures: the next attempt waits 32 s.
  auto now = t0 + 50s;
  for (int i = 0; i < 5; ++i) {
    policy.DialStarted(now);
    policy.AttemptEnded(false, now);
  }
  EXPECT_EQ(policy.backoff(), 32s);
  // After an absence: at once, with the backoff kept...
  policy.DialSoon(now + 3s, /*moved=*/false);
  EXPECT_EQ(policy.next_dial_at(), now + 3s);
  EXPECT_EQ(policy.backoff(), 32s);
  // ... at a new address: at once, and the backoff starts over.
  policy.DialSoon(now + 4s, /*moved=*/true);
  EXPECT_EQ(policy.backoff(), 1s);
}

TEST(DialPolicyTest, SightingsNeverStartAttemptsCloserThanTheDialGap) {
  auto policy = NoJitter();
  policy.DialStarted(t0);
  policy.DialSoon(t0 + 100ms, /*moved=*/true);
  EXPECT_EQ(policy.next_dial_at(), t0 + kMinDialGap);
  policy.AttemptEnded(false, t0 + 200ms);
  policy.DialSoon(t0 + 300ms, /*moved=*/false);
  EXPECT_EQ(policy.next_dial_at(), t0 + kMinDialGap);
}

TEST(DialPolicyTest, ASilentSessionElsewhereRestartsTheBackoff) {
  auto policy = NoJitter();
  for (int i = 0; i < 3; ++i) policy.AttemptEnded(false, t0);
  const DialPolicy::Slot quiet{true, t0, t0};
  EXPECT_FALSE(policy.SilentElsewhere(quiet, /*same_address=*/true, t0 + 5s));
  EXPECT_FALSE(policy.SilentElsewhere(quiet, false, t0 + 1500ms));
  EXPECT_TRUE(policy.SilentElsewhere(quiet, false, t0 + 1501ms));
  policy.PartnerMoved();
  EXPECT_EQ(policy.backoff(), 1s);
}

TEST(DialPolicyTest, WhichConnectionKeepsTheSlot) {
  auto policy = NoJitter();
  const Bytes low(32, 0x01), high(32, 0x02);
  const DialPolicy::Slot incoming{false, t0, t0};
  const DialPolicy::Slot mine{true, t0, t0};
  // A one-shot sync waits while the session is heard from.
  EXPECT_FALSE(policy.Replaces(incoming, false, low, high, t0 + 1500ms));
  EXPECT_TRUE(policy.Replaces(incoming, false, low, high, t0 + 1501ms));
  // A live Hello replaces an incoming session, or an outgoing old one.
  EXPECT_TRUE(policy.Replaces(incoming, true, low, high, t0 + 1ms));
  EXPECT_TRUE(policy.Replaces(mine, true, low, high, t0 + kDialRace));
  // Both dialled at once: the smaller key's dial wins, on both sides.
  EXPECT_FALSE(policy.Replaces(mine, true, low, high, t0 + 1s));
  EXPECT_TRUE(policy.Replaces(mine, true, high, low, t0 + 1s));
  EXPECT_TRUE(policy.Replaces(mine, true, low, Bytes(), t0 + 1s));
}

TEST(DialPolicyDeathTest, AViolatedInvariantAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // A clock that ran backwards would make a wait longer than the cap (I2).
  EXPECT_DEATH(
      {
        auto policy = NoJitter();
        policy.DialStarted(t0);
        policy.AttemptEnded(false, t0 - 2min);
      },
      "invariant failed");
}

}  // namespace
}  // namespace inch::net
