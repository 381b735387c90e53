// The presence follower reads the pairing only when it may have changed:
// the daemon calls Follow on every batch of changes to shared.db (each
// local write is one), and the pin and the pair secret cost a read and an
// AEAD open each.
#include "net/daemon_presence.hpp"

#include <gtest/gtest.h>

#include "crypto/identity.hpp"
#include "tests/net/fake_sync_port.hpp"
#include "tests/net/free_port.hpp"

namespace inch::net {
namespace {

using testing::FreeUdpPort;

class PresenceFollowTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::InitCrypto()); }
  PresenceFollower MakeFollower() {
    PresenceService::Options options;
    options.udp_port = FreeUdpPort();
    return PresenceFollower(
        io_.get_executor(), me_.public_key,
        tcp::endpoint(asio::ip::address_v4::any(), 47470),
        [](const tcp::endpoint&) {}, options);
  }
  asio::io_context io_;
  crypto::Identity me_ = crypto::GenerateIdentity();
  crypto::Identity partner_ = crypto::GenerateIdentity();
  testing::FakeSyncPort port_;
};

TEST_F(PresenceFollowTest, LocalChangesDoNotReReadThePairing) {
  auto follower = MakeFollower();
  follower.Follow(port_);
  EXPECT_EQ(port_.partner_reads(), 1);
  EXPECT_FALSE(follower.announcing());
  for (int i = 0; i < 10; ++i) {
    port_.AddOp();
    follower.Follow(port_);
  }
  EXPECT_EQ(port_.partner_reads(), 1);
  EXPECT_EQ(port_.secret_reads(), 0);

  port_.Pair(partner_.public_key, crypto::Secret::Random(32));
  follower.Follow(port_);
  ASSERT_TRUE(follower.announcing());
  EXPECT_EQ(port_.partner_reads(), 2);
  EXPECT_EQ(port_.secret_reads(), 1);
  for (int i = 0; i < 10; ++i) {
    port_.AddOp();
    follower.Follow(port_);
  }
  EXPECT_EQ(port_.partner_reads(), 2);
  EXPECT_EQ(port_.secret_reads(), 1);
  follower.Stop();
}

TEST_F(PresenceFollowTest, ASamePartnerRePairIsFollowed) {
  auto follower = MakeFollower();
  port_.Pair(partner_.public_key, crypto::Secret::Random(32));
  follower.Follow(port_);
  ASSERT_TRUE(follower.announcing());
  // Unpaired and paired again with the same partner between two batches
  // of events: the pin looks the same, the pair secret is new.
  port_.Unpair();
  port_.Pair(partner_.public_key, crypto::Secret::Random(32));
  follower.Follow(port_);
  EXPECT_EQ(port_.secret_reads(), 2);
  EXPECT_TRUE(follower.announcing());
  port_.Unpair();
  follower.Follow(port_);
  EXPECT_FALSE(follower.announcing());
  EXPECT_EQ(port_.partner_reads(), 3);
  follower.Stop();
}

}  // namespace
}  // namespace inch::net
