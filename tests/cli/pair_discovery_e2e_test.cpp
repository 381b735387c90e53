// `inch pair` through the real binary: the addresses --listen prints, a
// hostname in HOST:PORT, and pairing with nothing typed but the code. The
// code-alone tests need multicast between two processes, so they run in a
// network namespace made here (root only: veth pair, private addresses);
// where one cannot be made they are skipped with the reason.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>

#include "tests/cli/net_fixture.hpp"
#include "tests/support/lan_namespace.hpp"
#include "tests/support/terminal_process.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

class PairDiscoveryE2eTest : public TwoNodes {
 protected:
  // A namespace with a LAN of its own (tests/support/lan_namespace.hpp),
  // so processes in it have two multicast-capable interfaces. Returns
  // false (and says why) when it cannot be made.
  bool MakeNetns() {
    lan_ = std::make_unique<LanNamespace>("inchpd");
    why_ = lan_->why();
    return lan_->ok();
  }

  // `ip netns exec NS inch args...`.
  std::vector<std::string> InNs(const std::vector<std::string>& args) const {
    return lan_->Exec(INCH_BINARY, args);
  }
  EnvVars NsEnv(const InchSandbox& box) const {
    return box.Env({{"INCH_DISCOVERY_PORT", std::to_string(udp_port_)}});
  }
  RunResult RunInNs(const InchSandbox& box,
                    const std::vector<std::string>& args) const {
    return RunProcess(kIp, InNs(args), NsEnv(box));
  }

  static constexpr const char* kIp = LanNamespace::kIp;
  std::unique_ptr<LanNamespace> lan_;
  std::string why_;
  unsigned short udp_port_ =
      static_cast<unsigned short>(40000 + std::random_device{}() % 20000);
};

TEST_F(PairDiscoveryE2eTest, ListenOnASpecificAddressPrintsJustIt) {
  BackgroundProcess bg(INCH_BINARY,
                       {"--json", "pair", "--listen", "127.0.0.1:0"}, a_.Env());
  auto line = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(line.is_object());
  ASSERT_TRUE(line["addresses"].is_array()) << line;
  ASSERT_EQ(line["addresses"].size(), 1u) << line;
  EXPECT_EQ(line["addresses"][0], line["address"]);
  EXPECT_TRUE(line["address"].get<std::string>().starts_with("127.0.0.1:"))
      << line;
  bg.Signal(SIGTERM);
}

TEST_F(PairDiscoveryE2eTest, ListenOnTheWildcardListsEveryLanAddress) {
  if (!MakeNetns()) GTEST_SKIP() << why_;
  BackgroundProcess bg(kIp, InNs({"--json", "pair", "--listen"}), NsEnv(a_));
  auto line = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(line.is_object());
  std::vector<std::string> got;
  for (const auto& a : line["addresses"]) {
    std::string s = a.get<std::string>();
    got.push_back(s.substr(0, s.rfind(':')));
    EXPECT_EQ(s.find("127."), std::string::npos) << line;
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"10.77.0.1", "10.77.0.2"})) << line;
  EXPECT_EQ(line["address"], line["addresses"][0]);
  bg.Signal(SIGTERM);
}

TEST_F(PairDiscoveryE2eTest, PairWithNothingTypedButTheCode) {
  if (!MakeNetns()) GTEST_SKIP() << why_;
  BackgroundProcess bg(kIp, InNs({"--json", "pair"}), NsEnv(a_));
  auto first = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(first.is_object());
  // Exactly the two keys of the shared contract.
  EXPECT_EQ(first.size(), 2u) << first;
  ASSERT_TRUE(first["code"].is_string()) << first;
  ASSERT_TRUE(first["addresses"].is_array()) << first;
  EXPECT_FALSE(first["addresses"].empty()) << first;
  RunResult d = RunInNs(
      b_, {"--json", "pair", "--code", first["code"].get<std::string>()});
  ASSERT_EQ(d.exit_code, 0) << Describe(d);
  auto second = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(second.is_object());
  RunResult l = bg.Wait();
  EXPECT_EQ(l.exit_code, 0) << Describe(l);
  auto dialer = json::parse(d.out, nullptr, false);
  ASSERT_TRUE(dialer.is_object()) << d.out;
  EXPECT_EQ(second["partner"]["node_id"], NodeId(b_));
  EXPECT_EQ(dialer["partner"]["node_id"], NodeId(a_));
  EXPECT_EQ(second["partner"]["check_words"], dialer["partner"]["check_words"]);
  EXPECT_EQ(Status(a_)["partner"]["node_id"], NodeId(b_));
  EXPECT_EQ(Status(b_)["partner"]["node_id"], NodeId(a_));
}

TEST_F(PairDiscoveryE2eTest, AWrongCodeDoesNotUseUpTheAnnouncedCode) {
  if (!MakeNetns()) GTEST_SKIP() << why_;
  BackgroundProcess bg(kIp, InNs({"--json", "pair"}), NsEnv(a_));
  auto first = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(first.is_object());
  std::string code = first["code"].get<std::string>();
  std::string wrong = code == "1111-1111" ? "2222-2222" : "1111-1111";
  // Someone else's pairing nearby tries this offer with their own code.
  RunResult miss = RunInNs(b_, {"pair", "--code", wrong});
  EXPECT_NE(miss.exit_code, 0) << Describe(miss);
  EXPECT_NE(miss.err.find("did not match"), std::string::npos)
      << Describe(miss);
  EXPECT_TRUE(Status(b_)["partner"].is_null());
  RunResult d = RunInNs(b_, {"pair", "--code", code, "--yes"});
  ASSERT_EQ(d.exit_code, 0) << Describe(d);
  RunResult l = bg.Wait();
  EXPECT_EQ(l.exit_code, 0) << Describe(l);
  EXPECT_NE(l.err.find("refused"), std::string::npos) << Describe(l);
  EXPECT_EQ(Status(a_)["partner"]["node_id"], NodeId(b_));
}

TEST_F(PairDiscoveryE2eTest, AnUnknownHostnameSaysWhatToCheck) {
  RunResult r =
      b_.Run({"pair", "no-such-laptop.invalid:47470", "--code", "1234-5678"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("could not find 'no-such-laptop.invalid' on this "
                       "network: is the other laptop on and on the same "
                       "Wi-Fi?"),
            std::string::npos)
      << Describe(r);
}

TEST_F(PairDiscoveryE2eTest, AHostnamePairsThroughTheResolver) {
  char name[256] = {};
  ASSERT_EQ(gethostname(name, sizeof name - 1), 0);
  // The name must resolve to an address we can listen on: bind the
  // wildcard and dial by the host's own name (/etc/hosts or DNS).
  BackgroundProcess bg(INCH_BINARY, {"--json", "pair", "--listen"}, a_.Env());
  auto line = json::parse(bg.ReadLine(), nullptr, false);
  ASSERT_TRUE(line.is_object());
  std::string port = line["address"].get<std::string>();
  port = port.substr(port.rfind(':') + 1);
  RunResult d = b_.Run({"pair", std::string(name) + ":" + port, "--code",
                        line["code"].get<std::string>()});
  if (d.err.find("could not find") != std::string::npos) {
    bg.Signal(SIGTERM);
    GTEST_SKIP() << "this host's own name '" << name << "' does not resolve";
  }
  ASSERT_EQ(d.exit_code, 0) << Describe(d);
  EXPECT_EQ(bg.Wait().exit_code, 0);
  EXPECT_EQ(Status(b_)["partner"]["node_id"], NodeId(a_));
}

// On a terminal, the dialer shows the check words and asks to compare them
// (this terminal never answers, so the run is cut short at the question);
// --yes does not ask.
TEST_F(PairDiscoveryE2eTest, OnATerminalBothWordsAreComparedUnlessYes) {
  for (bool yes : {false, true}) {
    InchSandbox a, b;
    for (InchSandbox* box : {&a, &b}) {
      ASSERT_EQ(box->RunWithPassphrase({"init"}).exit_code, 0);
      ASSERT_EQ(box->RunWithPassphrase({"unlock"}).exit_code, 0);
    }
    BackgroundProcess bg(
        INCH_BINARY, {"--json", "pair", "--listen", "127.0.0.1:0"}, a.Env());
    auto line = json::parse(bg.ReadLine(), nullptr, false);
    ASSERT_TRUE(line.is_object());
    std::vector<std::string> args{"pair", line["address"].get<std::string>(),
                                  "--code", line["code"].get<std::string>()};
    if (yes) args.push_back("--yes");
    RunResult d =
        RunOnTerminal(INCH_BINARY, args, b.Env(), std::chrono::seconds(20));
    bool asked = d.out.find("Do both screens show these words? [y/N]") !=
                 std::string::npos;
    EXPECT_EQ(asked, !yes) << Describe(d);
    EXPECT_NE(d.out.find("Check words:"), std::string::npos) << Describe(d);
    if (yes) {
      EXPECT_EQ(d.exit_code, 0) << Describe(d);
    }
    bg.Wait();
  }
}

}  // namespace
}  // namespace inch::test
