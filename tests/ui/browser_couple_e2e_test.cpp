// A couple goes through the whole method in their two browsers
// (tests/ui/browser_couple_check.py): two homes with no inch yet, each with
// its `inch ui --no-open` and its daemon (`inch serve`, waiting until the
// page unlocks), and two headless Chromium sessions. Create, journal with
// a prompt, pair by the code alone while comparing the check words, wish,
// share, ready, give and a smaller step, see the partner's lists, choose,
// done, a private "not yet", thank, preview; the daemons carry everything
// between the two.
//
// Pairing by the code alone needs a network where the two laptops hear
// each other's offer, so everything runs in a network namespace with a LAN
// of its own (root only; skipped loudly elsewhere: BrowserPairTest pairs
// two browsers on loopback by a typed address). What the pages did is then
// read back with the CLI. Screenshots go to
// <build>/tests/ui-screenshots/couple-*.
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "tests/support/background_process.hpp"
#include "tests/support/inch_process.hpp"
#include "tests/support/lan_namespace.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

json CliJson(const InchSandbox& box, const std::vector<std::string>& args) {
  RunResult r = box.RunWithPassphrase(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  return json::parse(r.out, nullptr, false);
}

const json* ItemWithText(const json& list, const std::string& text) {
  for (const auto& it : list) {
    if (it.value("text", "") == text) return &it;
  }
  return nullptr;
}

std::string CheckWords(const InchSandbox& box) {
  json status = CliJson(box, {"status", "--json"});
  std::string words;
  if (!status.is_object() || !status["partner"].is_object()) return words;
  for (const auto& w : status["partner"]["check_words"]) {
    words += (words.empty() ? "" : " ") + w.get<std::string>();
  }
  return words;
}

// One partner's laptop: the daemon and the page's server, in the LAN.
struct Laptop {
  Laptop(const LanNamespace& lan, const InchSandbox& box)
      : serve(LanNamespace::kIp,
              lan.Exec(INCH_BINARY, {"serve", "--listen", "0.0.0.0:0"}),
              box.Env()),
        ui(LanNamespace::kIp, lan.Exec(INCH_BINARY, {"ui", "--no-open"}),
           box.Env()) {}
  // SIGTERM to both: whether both ended well, and what they said.
  bool Stop(std::string* said) {
    bool well = true;
    for (BackgroundProcess* p : {&ui, &serve}) {
      p->Signal(SIGTERM);
      RunResult end = p->Wait();
      well = well && end.exit_code == 0;
      *said += Describe(end) + "\n";
    }
    return well;
  }
  BackgroundProcess serve;
  BackgroundProcess ui;
};

TEST(BrowserCoupleTest, TwoPartnersGoThroughTheWholeMethodInTheirBrowsers) {
  LanNamespace lan("inchcp");
  if (!lan.ok()) {
    std::cerr << "\n*** SKIPPED: the couple's browser test needs a network "
                 "namespace: "
              << lan.why() << " ***\n\n";
    GTEST_SKIP() << lan.why();
  }
  InchSandbox a_box, b_box;  // no `inch init`: the pages do it
  Laptop a(lan, a_box), b(lan, b_box);
  ASSERT_TRUE(a.ui.started() && b.ui.started());
  const std::string url_a = a.ui.ReadLine();
  const std::string url_b = b.ui.ReadLine();
  ASSERT_TRUE(url_a.starts_with("http://127.0.0.1:")) << url_a;
  ASSERT_TRUE(url_b.starts_with("http://127.0.0.1:")) << url_b;

  const std::string shots =
      std::string(INCH_BINARY_DIR) + "/tests/ui-screenshots";
  EnvVars env = {
      {"PATH", "/usr/bin:/bin"}, {"HOME", a_box.root()}, {"LANG", "C.UTF-8"}};
  RunResult browser = RunProcess(
      LanNamespace::kIp,
      lan.Exec(
          "/usr/bin/python3",
          {std::string(INCH_SOURCE_DIR) + "/tests/ui/browser_couple_check.py",
           url_a, url_b, shots, std::string(InchSandbox::kPassphrase)}),
      env, "", std::chrono::seconds(600));
  std::string said = "A's laptop:\n";
  const bool a_well = a.Stop(&said);
  said += "B's laptop:\n";
  const bool b_well = b.Stop(&said);
  ASSERT_EQ(browser.exit_code, 0) << Describe(browser) << said;
  EXPECT_TRUE(a_well && b_well) << said;

  // The words both pages showed are the ones both laptops pinned.
  const auto at = browser.out.find("words: ");
  ASSERT_NE(at, std::string::npos) << browser.out;
  const std::string shown =
      browser.out.substr(at + 7, browser.out.find('\n', at) - at - 7);
  EXPECT_EQ(CheckWords(a_box), shown);
  EXPECT_EQ(CheckWords(b_box), shown);

  // B's laptop holds A's marks and thanks on its smaller step, and A's
  // note as received; A keeps its "not yet" to B's wish.
  const std::string step =
      "Tonight, ten minutes on the sofa, asking about your day";
  json b_list = CliJson(b_box, {"list", "--json"});
  const json* b_step = ItemWithText(b_list, step);
  ASSERT_NE(b_step, nullptr) << b_list.dump();
  EXPECT_EQ((*b_step)["done"], true) << b_step->dump();
  EXPECT_EQ((*b_step)["thanked"], true) << b_step->dump();
  json b_notes = CliJson(b_box, {"notes", "--json"});
  ASSERT_TRUE(b_notes.is_array()) << b_notes.dump();
  ASSERT_EQ(b_notes.size(), 1u) << b_notes.dump();
  EXPECT_EQ(b_notes[0]["direction"], "received");
  EXPECT_EQ(b_notes[0]["text"],
            "Thank you for the ten minutes on the sofa: I felt heard");
  json a_list = CliJson(a_box, {"list", "--json"});
  const json* a_wish = ItemWithText(
      a_list, "Plan one evening a month that is just for the two of us");
  ASSERT_NE(a_wish, nullptr) << a_list.dump();
  EXPECT_EQ((*a_wish)["private_answer"], "not-yet");
}

}  // namespace
}  // namespace inch::test
