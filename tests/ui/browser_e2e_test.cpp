// The page in a real browser: `inch ui --no-open` on a fresh home, opened
// in Debian's headless Chromium through tests/ui/browser_check.py (the
// token exchanged, unlock, a wish added and shared, ready for lists, lock),
// with a script payload in a wish that must render as text and never run.
// Screenshots at 360 and 1280 px go to <build>/tests/ui-screenshots/. A
// browser that cannot start fails the test: it never passes silently.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/support/background_process.hpp"
#include "tests/support/inch_process.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

constexpr std::string_view kPayload =
    "<img src=x onerror=\"window.__inch_pwned=1;document.title='pwned'\">";

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
  }
  InchSandbox box_;
};

TEST_F(BrowserTest, APersonUnlocksAddsAndSharesAWishAndAPayloadStaysText) {
  BackgroundProcess ui(INCH_BINARY, {"ui", "--no-open"}, box_.Env());
  ASSERT_TRUE(ui.started());
  const std::string url = ui.ReadLine();
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:")) << "first line: " << url;
  ASSERT_NE(url.find("/t/"), std::string::npos);

  const std::string shots =
      std::string(INCH_BINARY_DIR) + "/tests/ui-screenshots";
  EnvVars env = {
      {"PATH", "/usr/bin:/bin"}, {"HOME", box_.root()}, {"LANG", "C.UTF-8"}};
  RunResult browser = RunProcess(
      "/usr/bin/python3",
      {std::string(INCH_SOURCE_DIR) + "/tests/ui/browser_check.py", url, shots,
       std::string(InchSandbox::kPassphrase), std::string(kPayload)},
      env, "", std::chrono::seconds(180));
  EXPECT_EQ(browser.exit_code, 0) << Describe(browser);

  // What the page added is in the store, the payload verbatim.
  RunResult unlock = box_.RunWithPassphrase({"unlock"});
  ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  RunResult list = box_.Run({"list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << Describe(list);
  json items = json::parse(list.out, nullptr, false);
  ASSERT_TRUE(items.is_array()) << list.out;
  bool payload_kept = false, shared = false;
  for (const auto& it : items) {
    if (it["text"] == std::string(kPayload)) payload_kept = true;
    if (it["text"].get<std::string>().starts_with("Ask me one question"))
      shared = it["shared"].get<bool>();
  }
  EXPECT_TRUE(payload_kept) << list.out;
  EXPECT_TRUE(shared) << list.out;

  ui.Signal(SIGTERM);
  RunResult end = ui.Wait();
  EXPECT_EQ(end.exit_code, 0) << Describe(end);
  // The token never reaches a log.
  const std::string token = url.substr(url.find("/t/") + 3);
  EXPECT_EQ(end.err.find(token), std::string::npos);
  EXPECT_EQ(end.out.find(token), std::string::npos);
}

TEST_F(BrowserTest, ANonLoopbackListenAddressIsRefused) {
  for (const char* listen : {"0.0.0.0:0", "[::]:0", "192.0.2.1:0"}) {
    RunResult r = box_.Run({"ui", "--no-open", "--listen", listen});
    EXPECT_EQ(r.exit_code, 1) << Describe(r);
    EXPECT_NE(r.err.find("this laptop only"), std::string::npos) << Describe(r);
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(BrowserTest, WithoutANodeItServesThePageThatCreatesOne) {
  InchSandbox empty;
  BackgroundProcess ui(INCH_BINARY, {"ui", "--no-open"}, empty.Env());
  ASSERT_TRUE(ui.started());
  const std::string url = ui.ReadLine();
  EXPECT_TRUE(url.starts_with("http://127.0.0.1:")) << "first line: " << url;
  ui.Signal(SIGTERM);
  RunResult end = ui.Wait();
  EXPECT_EQ(end.exit_code, 0) << Describe(end);
}

}  // namespace
}  // namespace inch::test
