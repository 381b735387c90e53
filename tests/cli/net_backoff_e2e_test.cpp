// A partner that cannot store our ops (issue 9, point 4): its disk is
// "full" (its `inch serve` runs under a small RLIMIT_FSIZE with SIGXFSZ
// ignored, so its SQLite writes fail with EFBIG). The healthy daemon must
// not reconnect and resend in a loop: at most about one session a second,
// then fewer. Once the limit is lifted, the partner catches up by itself.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using NetBackoffE2eTest = TwoNodes;

std::size_t Sessions(const std::string& log) {
  std::size_t n = 0;
  for (const char* needle :
       {"partner connected from", "connected to the partner at"}) {
    for (auto at = log.find(needle); at != std::string::npos;
         at = log.find(needle, at + 1)) {
      ++n;
    }
  }
  return n;
}

// The pid of the `inch serve` whose environment names `home` (it runs
// under prlimit and sh, which exec it), or "" if none.
std::string ServePid(const std::string& home) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmd(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), {});
    if (cmdline.find(std::string("serve") + '\0') == std::string::npos ||
        cmdline.rfind(INCH_BINARY, 0) != 0) {
      continue;
    }
    std::ifstream env(entry.path() / "environ");
    std::string environ((std::istreambuf_iterator<char>(env)), {});
    if (environ.find("=" + home + '\0') != std::string::npos) return name;
  }
  return "";
}

TEST_F(NetBackoffE2eTest, APartnerWithAFullDiskGetsAtMostOneSessionASecond) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  std::string address_a;
  auto serve_a = Serve(a_, &address_a);
  // b learns where a listens; nothing to carry yet.
  ASSERT_EQ(b_.Run({"sync", "--peer", address_a}).exit_code, 0);
  // Far more than the 64 KiB b may write in one transaction.
  std::string last;
  for (int i = 0; i < 40; ++i) {
    last = RandomMarker("BIG");
    SharedWish(a_, last + " " + std::string(3900, 'x'));
  }
  BackgroundProcess serve_b("/bin/sh",
                            {"-c",
                             "trap '' XFSZ; exec /usr/bin/prlimit "
                             "--fsize=65536:unlimited -- \"$0\" --json "
                             "serve --listen 127.0.0.1:0",
                             INCH_BINARY},
                            b_.Env());
  ASSERT_FALSE(serve_b.ReadLine().empty()) << "b's daemon did not start";
  const auto started = std::chrono::steady_clock::now();
  constexpr auto kWatch = std::chrono::seconds(6);
  std::this_thread::sleep_for(kWatch);
  EXPECT_FALSE(PartnerListHas(b_, last)) << "b's writes did not fail";

  // The limit is lifted: b recovers with no restart.
  const std::string pid = ServePid(b_.home());
  ASSERT_FALSE(pid.empty()) << "b's daemon not found";
  RunResult lift = RunProcess("/usr/bin/prlimit",
                              {"--pid", pid, "--fsize=unlimited"}, b_.Env());
  EXPECT_EQ(lift.exit_code, 0) << Describe(lift);
  EXPECT_TRUE(Eventually([&] { return PartnerListHas(b_, last); },
                         std::chrono::seconds(150)))
      << "b never caught up";

  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  serve_a->Signal(SIGTERM);
  serve_b.Signal(SIGTERM);
  RunResult log_a = serve_a->Wait();
  RunResult log_b = serve_b.Wait();
  EXPECT_EQ(log_a.exit_code, 0) << Describe(log_a);
  // Counted on a's side (b's log may be cut short by its own limit), over
  // the whole run: at most one a second (a reconnect loop makes dozens).
  const std::size_t sessions = Sessions(log_a.err);
  EXPECT_GE(sessions, 2u) << log_a.err;
  EXPECT_LE(sessions, static_cast<std::size_t>(seconds) + 2u)
      << seconds << " s\n"
      << log_a.err;
}

}  // namespace
}  // namespace inch::test
