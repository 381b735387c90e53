// The method's steps in a real browser: `inch ui --no-open` on a fresh
// home, driven by tests/ui/browser_method_check.py in Debian's headless
// Chromium (a wish, a give and a smaller step of it, shared, a note), which
// checks the ladder and "What my partner sees". Screenshots at 360 and 1280
// px go to <build>/tests/ui-screenshots/. A browser that cannot start
// fails the test: it never passes silently.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/support/background_process.hpp"
#include "tests/support/inch_process.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

TEST(BrowserMethodTest, AGiveItsSmallerStepAndThePreviewAreShown) {
  InchSandbox box;
  RunResult init = box.RunWithPassphrase({"init"});
  ASSERT_EQ(init.exit_code, 0) << Describe(init);
  BackgroundProcess ui(INCH_BINARY, {"ui", "--no-open"}, box.Env());
  ASSERT_TRUE(ui.started());
  const std::string url = ui.ReadLine();
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:")) << "first line: " << url;

  const std::string shots =
      std::string(INCH_BINARY_DIR) + "/tests/ui-screenshots";
  EnvVars env = {
      {"PATH", "/usr/bin:/bin"}, {"HOME", box.root()}, {"LANG", "C.UTF-8"}};
  RunResult browser = RunProcess(
      "/usr/bin/python3",
      {std::string(INCH_SOURCE_DIR) + "/tests/ui/browser_method_check.py", url,
       shots, std::string(InchSandbox::kPassphrase)},
      env, "", std::chrono::seconds(180));
  EXPECT_EQ(browser.exit_code, 0) << Describe(browser);

  // What the page made is in the store: the step points at the big give.
  RunResult list = box.Run({"list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << Describe(list);
  json items = json::parse(list.out, nullptr, false);
  ASSERT_TRUE(items.is_array()) << list.out;
  std::string big_id, step_of;
  for (const auto& it : items) {
    if (it["kind"] != "give") continue;
    const std::string text = it["text"];
    if (text.starts_with("A whole Saturday")) {
      big_id = it["id"];
      EXPECT_EQ(it["size"], "large");
      EXPECT_EQ(it["shared"], true);
    }
    if (text.starts_with("One evening walk") && it["smaller_than"].is_string())
      step_of = it["smaller_than"];
  }
  EXPECT_FALSE(big_id.empty()) << list.out;
  EXPECT_EQ(step_of, big_id) << list.out;
  RunResult notes = box.Run({"notes", "--json"});
  EXPECT_NE(notes.out.find("Thank you for listening"), std::string::npos)
      << Describe(notes);

  ui.Signal(SIGTERM);
  RunResult end = ui.Wait();
  EXPECT_EQ(end.exit_code, 0) << Describe(end);
}

}  // namespace
}  // namespace inch::test
