// First run and the journal in a real browser: `inch ui --no-open` on a
// laptop with no inch yet, driven through tests/ui/browser_journal_check.py
// in Debian's headless Chromium (create with the passphrase typed twice,
// unlock, answer two questions, edit one, delete the other after its
// confirmation). What the page left is then read with the CLI. Screenshots
// at 360 and 1280 px go to <build>/tests/ui-screenshots/journal/. A browser
// that cannot start fails the test: it never passes silently.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "cli/prompts.hpp"
#include "tests/support/background_process.hpp"
#include "tests/support/inch_process.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

TEST(BrowserJournalTest, APersonSetsUpInchAndKeepsAJournal) {
  InchSandbox box;  // no `inch init`: the page does it
  BackgroundProcess ui(INCH_BINARY, {"ui", "--no-open"}, box.Env());
  ASSERT_TRUE(ui.started());
  const std::string url = ui.ReadLine();
  ASSERT_TRUE(url.starts_with("http://127.0.0.1:")) << "first line: " << url;

  const std::string shots =
      std::string(INCH_BINARY_DIR) + "/tests/ui-screenshots/journal";
  EnvVars env = {
      {"PATH", "/usr/bin:/bin"}, {"HOME", box.root()}, {"LANG", "C.UTF-8"}};
  RunResult browser = RunProcess(
      "/usr/bin/python3",
      {std::string(INCH_SOURCE_DIR) + "/tests/ui/browser_journal_check.py", url,
       shots, std::string(InchSandbox::kPassphrase)},
      env, "", std::chrono::seconds(240));
  EXPECT_EQ(browser.exit_code, 0) << Describe(browser);

  // The passphrase chosen on the page opens inch in the terminal, and the
  // journal holds the one reflection left: the first, edited, answering
  // the first question.
  RunResult unlock = box.RunWithPassphrase({"unlock"});
  ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  RunResult list = box.Run({"journal", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << Describe(list);
  json entries = json::parse(list.out, nullptr, false);
  ASSERT_TRUE(entries.is_array()) << list.out;
  ASSERT_EQ(entries.size(), 1u) << list.out;
  EXPECT_EQ(entries[0]["text"],
            "Coffee together before the day starts, phones in the other "
            "room.\nAnd asking how the night was.");
  EXPECT_EQ(entries[0]["prompt"], std::string(cli::GuidedPrompts()[0].id));
  EXPECT_GT(entries[0]["updated_ms"], entries[0]["created_ms"]);

  ui.Signal(SIGTERM);
  RunResult end = ui.Wait();
  EXPECT_EQ(end.exit_code, 0) << Describe(end);
}

}  // namespace
}  // namespace inch::test
