// A restored backup is detected and repaired, through the real binary
// (issue 8, point 2): the README says to back up by copying the home
// folder; restoring that copy while paired must not make later changes
// vanish silently.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using RollbackE2eTest = TwoNodes;

TEST_F(RollbackE2eTest, ARestoredHomeEndsWithEveryItemOnBothLaptops) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  std::string address;
  auto serve_b = Serve(b_, &address);
  const std::string first = RandomMarker("FIRST");
  SharedWish(a_, first);
  ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
  // The backup: the whole home folder, with nothing of a's running.
  const std::string backup = a_.home() + ".backup";
  fs::copy(a_.home(), backup, fs::copy_options::recursive);
  const std::string second = RandomMarker("SECOND");
  SharedWish(a_, second);
  ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
  ASSERT_TRUE(PartnerListHas(b_, second));
  // Restore it, and write something new before the next sync.
  fs::remove_all(a_.home());
  fs::copy(backup, a_.home(), fs::copy_options::recursive);
  fs::remove_all(backup);
  const std::string third = RandomMarker("THIRD");
  SharedWish(a_, third);
  RunResult sync = a_.Run({"sync", "--peer", address});
  ASSERT_EQ(sync.exit_code, 0) << Describe(sync);
  EXPECT_NE(sync.out.find("took them back"), std::string::npos) << sync.out;
  // A second sync has nothing left to repair.
  RunResult again = a_.Run({"--json", "sync", "--peer", address});
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_EQ(json::parse(again.out)["recovered"], 0) << again.out;
  for (const std::string& text : {first, second, third}) {
    EXPECT_TRUE(PartnerListHas(b_, text)) << text;
    EXPECT_NE(Ok(a_, {"--json", "list", "--mine"}).find(text),
              std::string::npos)
        << text;
  }
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

}  // namespace
}  // namespace inch::test
