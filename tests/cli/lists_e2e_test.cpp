// End-to-end tests of the lists commands through the real `inch` binary:
// add/edit/share/withdraw/ready/list/preview/thank/notes with --json ids,
// and bad inputs (exit 1 or 2, nothing changed). What people see is in
// lists_view_e2e_test.cpp, two nodes in lists_two_node_e2e_test.cpp.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/lists_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

TEST_F(ListsE2eTest, CreateShareListPreviewWithdraw) {
  json wish = RunJson(
      {"wish", "add", "Ask me one question about my day", "--importance", "4"});
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
  for (const auto& e : preview)
    EXPECT_EQ(e["state"], "waiting_for_partner") << e;

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
      {{"give", "add", "x", "--for", wid},
       1},  // my own wish, not the partner's
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
  }
  EXPECT_EQ(RunJson({"list"}), before);
  EXPECT_EQ(RunJson({"preview"}).size(), 0u);
}

TEST_F(ListsE2eTest, EditChangesWhatListShows) {
  const std::string wid =
      RunJson({"wish", "add", "Ask about my day", "--importance", "2"})["id"];
  const std::string big =
      RunJson({"give", "add", "A weekend away", "--size", "large"})["id"];
  const std::string mid =
      RunJson({"give", "add", "Cook on Sunday", "--size", "medium"})["id"];
  json w = RunJson({"wish", "edit", wid, "--text", "Ask me one question",
                    "--importance", "5"});
  EXPECT_EQ(w["id"], wid);
  EXPECT_EQ(w["text"], "Ask me one question");
  EXPECT_EQ(w["importance"], 5);
  w = RunJson({"wish", "edit", wid, "--text", "Ask me two questions"});
  EXPECT_EQ(w["importance"], 5) << "a field not given stays as it was";
  json g = RunJson({"give", "edit", big, "--size", "small"});
  EXPECT_EQ(g["size"], "small");
  EXPECT_EQ(g["text"], "A weekend away");
  RunResult people =
      box_.Run({"give", "edit", mid, "--text", "Cook on Saturday"});
  ASSERT_EQ(people.exit_code, 0) << Describe(people);
  EXPECT_NE(people.out.find("Edited give " + mid), std::string::npos)
      << people.out;
  EXPECT_NE(people.err.find("inch share " + mid), std::string::npos)
      << people.err;  // still a private draft, and the hint says so

  // What `inch list` shows: the new texts, and the now-small give first.
  json list = RunJson({"list"});
  ASSERT_EQ(list.size(), 3u) << list;
  EXPECT_EQ(list[0]["id"], big);
  EXPECT_EQ(list[1]["text"], "Cook on Saturday");
  EXPECT_EQ(list[2]["text"], "Ask me two questions");
  EXPECT_EQ(list[2]["importance"], 5);
  RunResult shown = box_.Run({"list"});
  EXPECT_NE(shown.out.find("Ask me two questions"), std::string::npos);
  EXPECT_EQ(shown.out.find("Ask about my day"), std::string::npos);
  EXPECT_EQ(shown.out.find("Cook on Sunday"), std::string::npos);
}

TEST_F(ListsE2eTest, EditRefusalsChangeNothing) {
  const std::string wid = RunJson({"wish", "add", "A hug"})["id"];
  const std::string gid = RunJson({"give", "add", "A walk"})["id"];
  const std::string nid = RunJson({"thank", "Thanks for the tea"})["id"];
  const std::string gone = RunJson({"wish", "add", "Gone soon"})["id"];
  ASSERT_EQ(box_.Run({"withdraw", gone}).exit_code, 0);
  const json list = RunJson({"list"}), notes = RunJson({"notes"});
  const json preview = RunJson({"preview"});
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string says;  // part of the message on stderr
  };
  const std::vector<Case> cases = {
      {{"wish", "edit", wid}, 2, "--text"},  // nothing to change
      {{"give", "edit", gid}, 2, "--size"},
      {{"wish", "edit", "--text", "x"}, 2, "id"},
      {{"wish", "edit", gid, "--text", "x"}, 1, "inch give edit"},
      {{"give", "edit", wid, "--text", "x"}, 1, "inch wish edit"},
      {{"wish", "edit", nid, "--text", "x"}, 1, "note"},
      {{"wish", "edit", gone, "--text", "x"}, 1, "withdrawn"},
      {{"wish", "edit", "ffff-9", "--text", "x"}, 1, "inch list"},
      {{"give", "edit", "nonsense", "--text", "x"}, 1, "inch list"},
      {{"wish", "edit", wid, "--text", ""}, 1, "empty"},
      {{"wish", "edit", wid, "--text", std::string(4097, 'x')}, 1, "4 KiB"},
      {{"give", "edit", gid, "--text", "bad \xC3\x28 utf8"}, 1, "UTF-8"},
      {{"wish", "edit", wid, "--importance", "0"}, 1, "importance"},
      {{"wish", "edit", wid, "--importance", "6"}, 1, "importance"},
      {{"wish", "edit", wid, "--importance", "much"}, 2, "importance"},
      {{"give", "edit", gid, "--size", "huge"}, 1, "small, medium or large"},
      {{"wish", "edit", wid, "--size", "small"}, 2, "--size"},
      {{"give", "edit", gid, "--importance", "3"}, 2, "--importance"},
      // A valid field does not carry an invalid one through.
      {{"wish", "edit", wid, "--text", "ok", "--importance", "9"}, 1, "1 to 5"},
      {{"give", "edit", gid, "--text", "ok", "--size", "tiny"}, 1, "tiny"},
  };
  for (const auto& c : cases) {
    RunResult r = box_.Run(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << Describe(r);
    EXPECT_NE(r.err.find(c.says), std::string::npos) << Describe(r);
    EXPECT_FALSE(r.err.empty()) << Describe(r);
    EXPECT_TRUE(r.out.empty()) << Describe(r);
  }
  EXPECT_EQ(RunJson({"list"}), list);
  EXPECT_EQ(RunJson({"notes"}), notes);
  EXPECT_EQ(RunJson({"preview"}), preview);
}

TEST_F(ListsE2eTest, ThankForRejectsMyOwnAndUnknownItems) {
  const std::string gid = RunJson({"give", "add", "A walk"})["id"];
  for (const std::string& target :
       {gid, std::string("ffff-9"), std::string("nonsense")}) {
    RunResult r = box_.Run({"thank", "Thanks", "--for", target});
    EXPECT_EQ(r.exit_code, 1) << Describe(r);
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_EQ(RunJson({"notes"}).size(), 0u);
  EXPECT_EQ(RunJson({"list"})[0]["thanked"], false);
}

}  // namespace
}  // namespace inch::test
