// End-to-end tests of the lists commands through the real `inch` binary:
// wish/give/share/withdraw/ready/list/preview/thank/notes with --json ids,
// and the bad inputs of issue 3 (exit 1 or 2, nothing changed).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/inch_process.hpp"

namespace inch {
namespace {

using nlohmann::json;
using test::Describe;
using test::InchSandbox;
using test::RunResult;

class ListsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
    RunResult unlock = box_.RunWithPassphrase({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  }
  json RunJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = box_.Run(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    json doc = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not one JSON document:\n" << r.out;
    return doc;
  }
  InchSandbox box_;
};

TEST_F(ListsE2eTest, CreateShareListPreviewWithdraw) {
  json wish = RunJson({"wish", "add", "Ask me one question about my day", "--importance", "4"});
  ASSERT_TRUE(wish.contains("id")) << wish;
  EXPECT_EQ(wish["kind"], "wish");
  EXPECT_EQ(wish["importance"], 4);
  EXPECT_EQ(wish["shared"], false);
  const std::string wid = wish["id"];
  json give = RunJson({"give", "add", "A walk after dinner", "--size", "small",
                       "--smaller-than", wid});
  EXPECT_EQ(give["smaller_than"], wid);
  const std::string gid = give["id"];
  RunResult people = box_.Run({"wish", "add", "Hold hands on the sofa"});
  ASSERT_EQ(people.exit_code, 0) << Describe(people);
  EXPECT_NE(people.out.find("Added wish "), std::string::npos) << people.out;

  // Drafts are not part of the preview: nothing would leave.
  EXPECT_EQ(RunJson({"preview"}).size(), 0u);
  ASSERT_EQ(box_.Run({"share", wid, gid}).exit_code, 0);
  json preview = RunJson({"preview"});
  ASSERT_EQ(preview.size(), 2u) << preview;
  for (const auto& e : preview) EXPECT_EQ(e["state"], "waiting_for_me") << e;
  ASSERT_EQ(box_.Run({"ready", "lists"}).exit_code, 0);
  preview = RunJson({"preview"});
  for (const auto& e : preview) EXPECT_EQ(e["state"], "waiting_for_partner") << e;

  json list = RunJson({"list", "--mine"});
  ASSERT_EQ(list.size(), 3u) << list;
  EXPECT_EQ(list[0]["id"], gid);  // easiest first: the small give leads
  EXPECT_EQ(RunJson({"list", "--partner"}).size(), 0u);

  ASSERT_EQ(box_.Run({"withdraw", wid}).exit_code, 0);
  EXPECT_EQ(RunJson({"list", "--mine"}).size(), 2u);
  RunResult again = box_.Run({"withdraw", wid});
  EXPECT_EQ(again.exit_code, 1) << Describe(again);

  json note = RunJson({"thank", "Thank you for making tea this morning"});
  ASSERT_TRUE(note.contains("id"));
  json notes = RunJson({"notes"});
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["direction"], "sent");
  EXPECT_EQ(notes[0]["id"], note["id"]);
}

TEST_F(ListsE2eTest, BadInputChangesNothing) {
  json wish = RunJson({"wish", "add", "A hug when I come home"});
  const std::string wid = wish["id"];
  const json before = RunJson({"list"});
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {{"wish", "add", ""}, 1},
      {{"wish", "add", "x", "--importance", "0"}, 1},
      {{"wish", "add", "x", "--importance", "6"}, 1},
      {{"wish", "add", std::string(4097, 'x')}, 1},
      {{"wish", "add", "bad \xC3\x28 utf8"}, 1},
      {{"give", "add", "x", "--size", "huge"}, 1},
      {{"give", "add", "x", "--for", wid}, 1},  // my own wish, not the partner's
      {{"give", "add", "x", "--for", "ffff-9"}, 1},
      {{"share", "ffff-9"}, 1},
      {{"share", wid, "nonsense"}, 1},  // nothing shared: all ids checked first
      {{"choose", wid}, 1},             // responding to my own item
      {{"done", wid}, 1},
      {{"answer", wid, "no"}, 1},
      {{"answer", wid, "maybe"}, 2},
      {{"ready", "everything"}, 2},
      {{"wish"}, 2},
  };
  for (const auto& c : cases) {
    RunResult r = box_.Run(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << Describe(r);
    EXPECT_FALSE(r.err.empty()) << Describe(r);
  }
  EXPECT_EQ(RunJson({"list"}), before);
  EXPECT_EQ(RunJson({"preview"}).size(), 0u);
}

}  // namespace
}  // namespace inch
