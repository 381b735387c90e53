// End-to-end tests of the foundation commands through the real `inch`
// binary: init, unlock/lock, the journal round trip, prompts, status and
// the --json shapes, each in a fresh sandbox home.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/support/inch_process.hpp"

namespace inch {
namespace {

using nlohmann::json;
using test::Describe;
using test::InchSandbox;
using test::RunResult;

class JournalE2eTest : public ::testing::Test {
 protected:
  void InitAndUnlock() {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
    RunResult unlock = box_.RunWithPassphrase({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  }

  // Runs a command expected to succeed and print JSON; returns the document.
  json RunJson(const std::vector<std::string>& args,
               std::string_view stdin_text = "") {
    RunResult r = box_.Run(args, stdin_text);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    json doc = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not one JSON document:\n" << r.out;
    return doc;
  }

  InchSandbox box_;
};

TEST_F(JournalE2eTest, WriteListShowEditDeleteRoundTrip) {
  InitAndUnlock();
  RunResult w1 = box_.Run({"journal", "write", "We laughed at dinner today"});
  ASSERT_EQ(w1.exit_code, 0) << Describe(w1);
  EXPECT_EQ(w1.out, "Wrote #1.\n");
  RunResult w2 = box_.Run({"journal", "write", "--prompt", "more-of"},
                          "Slow Sunday mornings\nwith coffee in bed\n");
  ASSERT_EQ(w2.exit_code, 0) << Describe(w2);
  EXPECT_EQ(w2.out, "Wrote #2.\n");

  RunResult list = box_.Run({"journal", "list"});
  ASSERT_EQ(list.exit_code, 0) << Describe(list);
  std::size_t second = list.out.find("#2  ");
  std::size_t first = list.out.find("#1  ");
  ASSERT_NE(second, std::string::npos) << list.out;
  ASSERT_NE(first, std::string::npos) << list.out;
  EXPECT_LT(second, first) << "newest first:\n" << list.out;
  EXPECT_NE(list.out.find("[more-of] Slow Sunday mornings…"), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("We laughed at dinner today"), std::string::npos);

  RunResult show = box_.Run({"journal", "show", "2"});
  ASSERT_EQ(show.exit_code, 0) << Describe(show);
  EXPECT_NE(show.out.find("Slow Sunday mornings\nwith coffee in bed\n"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("more-of: What would I love more of"),
            std::string::npos)
      << show.out;

  RunResult edit = box_.Run({"journal", "edit", "#1", "We laughed a lot"});
  ASSERT_EQ(edit.exit_code, 0) << Describe(edit);
  EXPECT_EQ(edit.out, "Edited #1.\n");
  RunResult shown = box_.Run({"journal", "show", "1"});
  EXPECT_NE(shown.out.find("We laughed a lot"), std::string::npos);
  EXPECT_EQ(shown.out.find("dinner"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("(edited "), std::string::npos) << shown.out;

  RunResult edit_stdin = box_.Run({"journal", "edit", "1"}, "From stdin\n");
  ASSERT_EQ(edit_stdin.exit_code, 0) << Describe(edit_stdin);
  EXPECT_NE(box_.Run({"journal", "show", "1"}).out.find("\nFrom stdin\n"),
            std::string::npos);

  RunResult del = box_.Run({"journal", "delete", "2"});
  ASSERT_EQ(del.exit_code, 0) << Describe(del);
  EXPECT_NE(del.out.find("Deleted #2"), std::string::npos);
  RunResult after = box_.Run({"journal", "list"});
  EXPECT_EQ(after.out.find("Slow Sunday"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("From stdin"), std::string::npos) << after.out;
  RunResult gone = box_.Run({"journal", "show", "2"});
  EXPECT_EQ(gone.exit_code, 1) << Describe(gone);
  EXPECT_NE(gone.err.find("no journal entry #2"), std::string::npos);
}

TEST_F(JournalE2eTest, ListHonoursLimitAndSaysWhenEmpty) {
  InitAndUnlock();
  RunResult empty = box_.Run({"journal", "list"});
  ASSERT_EQ(empty.exit_code, 0) << Describe(empty);
  EXPECT_NE(empty.out.find("No entries yet"), std::string::npos);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(
        box_.Run({"journal", "write", "entry " + std::to_string(i)}).exit_code,
        0);
  }
  json two = RunJson({"journal", "list", "--limit", "2", "--json"});
  ASSERT_TRUE(two.is_array());
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0]["id"], 3);
  EXPECT_EQ(two[1]["id"], 2);
  EXPECT_EQ(two[0]["text"], "entry 3");
}

TEST_F(JournalE2eTest, JsonShapes) {
  InitAndUnlock();
  // Global options may come before or after the command.
  json written = RunJson({"--json", "journal", "write", "--prompt",
                          "connection", "--tag", "evening", "Holding hands"});
  ASSERT_TRUE(written.is_object());
  EXPECT_EQ(written["id"], 1);
  EXPECT_EQ(written["text"], "Holding hands");
  EXPECT_EQ(written["prompt"], "connection");
  EXPECT_EQ(written["tags"], json::array({"evening"}));
  EXPECT_TRUE(written["created"].is_string());
  EXPECT_TRUE(written["created_ms"].is_number_integer());

  json list = RunJson({"journal", "list", "--json"});
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], 1);
  EXPECT_EQ(list[0]["tags"], json::array({"evening"}));

  json shown = RunJson({"journal", "show", "1", "--json"});
  EXPECT_EQ(shown["id"], 1);
  EXPECT_EQ(shown["text"], "Holding hands");

  json edited =
      RunJson({"journal", "edit", "1", "Holding hands, long", "--json"});
  EXPECT_EQ(edited["id"], 1);
  EXPECT_EQ(edited["text"], "Holding hands, long");
  EXPECT_GE(edited["updated_ms"].get<std::int64_t>(),
            edited["created_ms"].get<std::int64_t>());

  json status = RunJson({"status", "--json"});
  EXPECT_TRUE(status["node_id"].is_string());
  EXPECT_EQ(status["node_id"].get<std::string>().size(), 32u);
  EXPECT_EQ(status["id"], status["node_id"]);
  EXPECT_EQ(status["locked"], false);
  EXPECT_GT(status["unlock_seconds_left"].get<int>(), 0);
  EXPECT_EQ(status["journal"]["entries"], 1);

  json deleted = RunJson({"--json", "journal", "delete", "1"});
  EXPECT_EQ(deleted["id"], 1);
  EXPECT_EQ(deleted["deleted"], true);

  json prompts = RunJson({"prompts", "--json"});
  ASSERT_TRUE(prompts.is_array());
  for (const auto& p : prompts) {
    EXPECT_TRUE(p["id"].is_string());
    EXPECT_TRUE(p["text"].is_string());
  }

  json locked = RunJson({"lock", "--json"});
  EXPECT_EQ(locked["locked"], true);
  EXPECT_EQ(locked["was_unlocked"], true);
  json after = RunJson({"status", "--json"});
  EXPECT_EQ(after["locked"], true);
  EXPECT_TRUE(after["journal"].is_null());
  EXPECT_TRUE(after["unlock_seconds_left"].is_null());
}

TEST_F(JournalE2eTest, InitCreatesAPrivateHomeAndPrintsTheNodeId) {
  RunResult init = box_.RunWithPassphrase({"init", "--json"});
  ASSERT_EQ(init.exit_code, 0) << Describe(init);
  json doc = json::parse(init.out);
  std::string id = doc["id"];
  EXPECT_EQ(id.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(box_.home().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* name : {"node.json", "journal.db"}) {
    std::string path = box_.home() + "/" + name;
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
  json node = json::parse(test::ReadFileBytes(box_.home() + "/node.json"));
  EXPECT_EQ(node["node_id"], id);
  EXPECT_EQ(node["kdf"]["alg"], "argon2id13");
  EXPECT_GE(node["kdf"]["opslimit"].get<std::uint64_t>(), 3u);
  EXPECT_GE(node["kdf"]["memlimit"].get<std::uint64_t>(), 256u << 20);
}

TEST_F(JournalE2eTest, UnlockOnceThenLockForgetsTheKey) {
  ASSERT_EQ(box_.RunWithPassphrase({"init"}).exit_code, 0);
  RunResult locked = box_.Run({"journal", "list"});
  EXPECT_EQ(locked.exit_code, 3) << Describe(locked);
  EXPECT_NE(locked.err.find("inch is locked"), std::string::npos);

  RunResult unlock = box_.RunWithPassphrase({"unlock", "--for", "2h"});
  ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  EXPECT_NE(unlock.out.find("2h"), std::string::npos) << unlock.out;

  // The agent's socket is private: folder 0700, socket 0600.
  struct stat st {};
  std::string dir = box_.runtime_dir() + "/inch";
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // No passphrase anywhere now: the agent serves the key.
  EXPECT_EQ(box_.Run({"journal", "write", "no passphrase needed"}).exit_code,
            0);
  RunResult status = box_.Run({"status"});
  EXPECT_EQ(status.exit_code, 0) << Describe(status);
  EXPECT_NE(status.out.find("unlocked ("), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("1 entry"), std::string::npos) << status.out;

  RunResult lock = box_.Run({"lock"});
  EXPECT_EQ(lock.exit_code, 0);
  EXPECT_NE(lock.out.find("Locked"), std::string::npos);
  RunResult again = box_.Run({"journal", "list"});
  EXPECT_EQ(again.exit_code, 3) << Describe(again);
  RunResult lock2 = box_.Run({"lock"});
  EXPECT_EQ(lock2.exit_code, 0);
  EXPECT_NE(lock2.out.find("Already locked"), std::string::npos);
  RunResult status2 = box_.Run({"status"});
  EXPECT_NE(status2.out.find("locked"), std::string::npos);
  EXPECT_EQ(status2.out.find("entry"), std::string::npos) << status2.out;
}

TEST_F(JournalE2eTest, AgentForgetsTheKeyAfterTheIdleTimeout) {
  ASSERT_EQ(box_.RunWithPassphrase({"init"}).exit_code, 0);
  ASSERT_EQ(box_.RunWithPassphrase({"unlock", "--for", "1s"}).exit_code, 0);
  // Poll with a generous deadline: the outcome, not the speed, is tested.
  bool locked = false;
  for (int i = 0; i < 300 && !locked; ++i) {
    RunResult s = box_.Run({"status", "--json"});
    ASSERT_EQ(s.exit_code, 0) << Describe(s);
    locked = json::parse(s.out)["locked"] == true;
    if (!locked) ::usleep(100 * 1000);
  }
  EXPECT_TRUE(locked);
  EXPECT_EQ(box_.Run({"journal", "list"}).exit_code, 3);
}

TEST_F(JournalE2eTest, PromptsAreGuidedQuestionsWithIds) {
  RunResult r = box_.Run({"prompts"});  // needs no node
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  for (const char* id : {"connection", "more-of", "less-of", "i-contribute",
                         "i-block", "reaches-me", "closeness", "resentment"}) {
    EXPECT_NE(r.out.find(id), std::string::npos) << id;
  }
  json all = json::parse(box_.Run({"prompts", "--json"}).out);
  EXPECT_GE(all.size(), 12u);
}

}  // namespace
}  // namespace inch
