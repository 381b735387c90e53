// Pairing in two real browsers: two homes, two `inch ui --no-open` on
// loopback, two headless Chromium sessions through
// tests/ui/browser_pair_check.py. A shows a code, B types it, both pages
// show the same check words and both say yes; then A unpairs. The words
// the pages showed are the ones `inch status` shows; after unpairing, A
// has no partner and B (which A could not tell: no daemon runs) still has
// one until it is told. Screenshots at 360 and 1280 px go to
// <build>/tests/ui-screenshots/pair-*. A browser that cannot start fails.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <random>

#include "tests/support/background_process.hpp"
#include "tests/support/inch_process.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

class BrowserPairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (InchSandbox* box : {&a_, &b_}) {
      RunResult init = box->RunWithPassphrase({"init"});
      ASSERT_EQ(init.exit_code, 0) << Describe(init);
    }
  }
  // Offers on a discovery port of this test's own, so that no other test's
  // offers are heard.
  EnvVars UiEnv(const InchSandbox& box) const {
    return box.Env({{"INCH_DISCOVERY_PORT", std::to_string(udp_port_)}});
  }
  json StatusJson(const InchSandbox& box) const {
    RunResult r = box.RunWithPassphrase({"status", "--json"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return json::parse(r.out, nullptr, false);
  }

  InchSandbox a_, b_;
  unsigned short udp_port_ =
      static_cast<unsigned short>(40000 + std::random_device{}() % 20000);
};

TEST_F(BrowserPairTest, TwoPartnersPairComparingTheWordsThenOneUnpairs) {
  BackgroundProcess ui_a(INCH_BINARY, {"ui", "--no-open"}, UiEnv(a_));
  BackgroundProcess ui_b(INCH_BINARY, {"ui", "--no-open"}, UiEnv(b_));
  ASSERT_TRUE(ui_a.started());
  ASSERT_TRUE(ui_b.started());
  const std::string url_a = ui_a.ReadLine();
  const std::string url_b = ui_b.ReadLine();
  ASSERT_TRUE(url_a.starts_with("http://127.0.0.1:")) << url_a;
  ASSERT_TRUE(url_b.starts_with("http://127.0.0.1:")) << url_b;
  ASSERT_NE(url_a, url_b);

  const std::string shots =
      std::string(INCH_BINARY_DIR) + "/tests/ui-screenshots";
  EnvVars env = {
      {"PATH", "/usr/bin:/bin"}, {"HOME", a_.root()}, {"LANG", "C.UTF-8"}};
  RunResult browser = RunProcess(
      "/usr/bin/python3",
      {std::string(INCH_SOURCE_DIR) + "/tests/ui/browser_pair_check.py", url_a,
       url_b, shots, std::string(InchSandbox::kPassphrase)},
      env, "", std::chrono::seconds(300));
  ASSERT_EQ(browser.exit_code, 0) << Describe(browser);

  // The words both pages showed, as `inch status` shows them on B.
  const auto at = browser.out.find("words: ");
  ASSERT_NE(at, std::string::npos) << browser.out;
  const std::string shown =
      browser.out.substr(at + 7, browser.out.find('\n', at) - at - 7);
  json b = StatusJson(b_);
  ASSERT_TRUE(b["partner"].is_object()) << b.dump();
  std::string words;
  for (const auto& w : b["partner"]["check_words"]) {
    words += (words.empty() ? "" : " ") + w.get<std::string>();
  }
  EXPECT_EQ(words, shown);
  // A unpaired on its page; B is told when the two next reach each other.
  EXPECT_TRUE(StatusJson(a_)["partner"].is_null());

  for (BackgroundProcess* ui : {&ui_a, &ui_b}) {
    ui->Signal(SIGTERM);
    RunResult end = ui->Wait();
    EXPECT_EQ(end.exit_code, 0) << Describe(end);
  }
}

}  // namespace
}  // namespace inch::test
