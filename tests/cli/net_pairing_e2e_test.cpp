// Pairing cannot be blocked (issue 9, point 6): idle connections to the
// listener neither use up the code nor delay the real dialer, and a dialer
// that comes after someone else's attempt used the code is told so plainly
// (the listener says the same).
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;
using NetPairingE2eTest = TwoNodes;

constexpr std::string_view kTakenWords =
    "someone else's attempt used this code first: start again with a new code";

TEST_F(NetPairingE2eTest, PairingSucceedsWithThreeIdleConnectionsOpen) {
  BackgroundProcess bg(INCH_BINARY,
                       {"--json", "pair", "--listen", "127.0.0.1:0"}, a_.Env());
  auto line = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(line.is_object()) << "no address line";
  const std::string address = line["address"].get<std::string>();
  std::vector<int> idle;
  for (int i = 0; i < 3; ++i) {
    int fd = ConnectLoopback(PortOf(address));
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  RunResult d =
      b_.Run({"pair", address, "--code", line["code"].get<std::string>()});
  RunResult l = bg.Wait();
  for (int fd : idle) ::close(fd);
  EXPECT_EQ(d.exit_code, 0) << Describe(d);
  EXPECT_EQ(l.exit_code, 0) << Describe(l);
  EXPECT_EQ(Status(a_)["partner"]["node_id"], NodeId(b_));
  EXPECT_EQ(Status(b_)["partner"]["node_id"], NodeId(a_));
}

TEST_F(NetPairingE2eTest, ADialerAfterTheCodeWasUsedIsToldSoPlainly) {
  BackgroundProcess bg(INCH_BINARY,
                       {"--json", "pair", "--listen", "127.0.0.1:0"}, a_.Env());
  auto line = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(line.is_object()) << "no address line";
  const std::string address = line["address"].get<std::string>();
  // Someone else's attempt: a well-formed first message (a random session
  // id and a valid group element), then silence.
  ASSERT_GE(sodium_init(), 0);
  std::string m1(2 + 48, '\0');
  m1[1] = 48;
  randombytes_buf(m1.data() + 2, 16);
  crypto_core_ristretto255_random(reinterpret_cast<unsigned char*>(m1.data()) +
                                  2 + 16);
  int other = ConnectLoopback(PortOf(address));
  ASSERT_GE(other, 0);
  ASSERT_EQ(::write(other, m1.data(), m1.size()),
            static_cast<ssize_t>(m1.size()));
  std::string m2 = "";
  {  // the listener answers the claim with its M2 (2 + 64 bytes)
    char buf[66];
    std::size_t got = 0;
    while (got < sizeof buf) {
      ssize_t n = ::read(other, buf + got, sizeof buf - got);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    ASSERT_EQ(got, sizeof buf) << "the listener did not answer the claim";
  }
  RunResult d =
      b_.Run({"pair", address, "--code", line["code"].get<std::string>()});
  ::close(other);  // the claimed attempt fails at once
  RunResult l = bg.Wait();
  // As for a wrong code, with words that say what happened.
  EXPECT_EQ(d.exit_code, 1) << Describe(d);
  EXPECT_NE(d.err.find(kTakenWords), std::string::npos) << d.err;
  EXPECT_EQ(d.err.find("did not match"), std::string::npos) << d.err;
  EXPECT_NE(l.exit_code, 0) << Describe(l);
  EXPECT_NE(l.err.find(kTakenWords), std::string::npos) << l.err;
  EXPECT_TRUE(Status(a_)["partner"].is_null()) << Status(a_).dump();
  EXPECT_TRUE(Status(b_)["partner"].is_null()) << Status(b_).dump();
}

}  // namespace
}  // namespace inch::test
