// Replay cannot lock the partner out (issue 9, point 5): KKpsk0's first
// message can be replayed by anyone who recorded it. Replayed connections,
// held open, must neither take the daemon's session slot nor stop the real
// partner from syncing, every time.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using NetReplaySecurityTest = TwoNodes;

TEST_F(NetReplaySecurityTest, ReplayedFirstMessagesLeaveThePartnerSyncing) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  std::string address;
  auto serve_b = Serve(b_, &address);
  // a's first handshake message: a 2-byte length and 48 bytes.
  std::string first;
  {
    TcpRelay relay(PortOf(address), TcpRelay::Mode::kPass);
    RunResult sync = a_.Run({"sync", "--peer", relay.address()});
    ASSERT_EQ(sync.exit_code, 0) << Describe(sync);
    first = relay.FirstClientStream().substr(0, 2 + 48);
  }
  ASSERT_EQ(first.size(), 50u);
  ASSERT_EQ(first.substr(0, 2), std::string("\x00\x30", 2));

  std::vector<int> replays;
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    // A new replay before each sync, the older ones still held open.
    int fd = ConnectLoopback(PortOf(address));
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, first.data(), first.size()),
              static_cast<ssize_t>(first.size()));
    replays.push_back(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::string item = RandomMarker("ITEM");
    SharedWish(a_, item);
    RunResult sync = a_.Run({"sync", "--peer", address});
    EXPECT_EQ(sync.exit_code, 0) << "round " << round << "\n" << Describe(sync);
    EXPECT_TRUE(PartnerListHas(b_, item)) << "round " << round;
  }
  for (int fd : replays) ::close(fd);
  serve_b->Signal(SIGTERM);
  RunResult daemon = serve_b->Wait();
  EXPECT_EQ(daemon.exit_code, 0) << Describe(daemon);
  EXPECT_EQ(Count(daemon.err, "refused a second session"), 0u) << daemon.err;
}

}  // namespace
}  // namespace inch::test
