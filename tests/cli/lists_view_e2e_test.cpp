// What people see from the lists commands, through the real `inch`
// binary: `inch list` aligned easiest first with the ladder, `inch preview`
// with each item's and note's state, and `inch status` unlocked or locked.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/lists_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

TEST_F(ListsE2eTest, ListIsAlignedEasiestFirstWithTheLadderVisible) {
  const std::string wid = RunJson(
      {"wish", "add", "Ask me about my day", "--importance", "4"})["id"];
  const std::string big =
      RunJson({"give", "add", "A weekend away", "--size", "large"})["id"];
  const std::string step = RunJson(
      {"give", "add", "Ten minutes on the sofa", "--smaller-than", wid})["id"];
  const std::string mid =
      RunJson({"give", "add", "Cook on Sunday", "--size", "medium"})["id"];
  ASSERT_EQ(box_.Run({"share", step}).exit_code, 0);
  RunResult r = box_.Run({"list"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::string& out = r.out;
  // Easiest first: small, medium, large; then the wish.
  const auto p_step = out.find(step), p_mid = out.find(mid),
             p_big = out.find(big), p_wish = out.find("  " + wid + "  ");
  ASSERT_NE(p_step, std::string::npos) << out;
  EXPECT_LT(p_step, p_mid) << out;
  EXPECT_LT(p_mid, p_big) << out;
  EXPECT_LT(p_big, p_wish) << out;
  // Aligned: every text starts in the same column; states are words.
  const std::string l_step = LineWith(out, "Ten minutes on the sofa");
  const std::string l_big = LineWith(out, "A weekend away");
  const std::string l_wish = LineWith(out, "Ask me about my day  ");
  const std::size_t col = Column(l_step, "Ten minutes");
  EXPECT_EQ(col, Column(l_big, "A weekend")) << out;
  EXPECT_EQ(col, Column(l_wish, "Ask me")) << out;
  EXPECT_NE(l_step.find("small"), std::string::npos) << l_step;
  EXPECT_NE(l_step.find("shared"), std::string::npos) << l_step;
  EXPECT_NE(l_big.find("private draft"), std::string::npos) << l_big;
  // The ladder: the rung names the item it is a smaller step of.
  EXPECT_NE(LineWith(out, "a smaller step of").find(wid), std::string::npos)
      << out;
  EXPECT_NE(out.find("My gives"), std::string::npos) << out;
  EXPECT_NE(out.find("My wishes"), std::string::npos) << out;
  json list = RunJson({"list"});
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0]["id"], step);
  EXPECT_EQ(list[0]["chosen"], false);
  EXPECT_EQ(list[0]["thanked"], false);
}

TEST_F(ListsE2eTest, PreviewShowsItemsAndNotesWithTheirStates) {
  const std::string wid = RunJson({"wish", "add", "Hold my hand"})["id"];
  const std::string draft = RunJson({"wish", "add", "DRAFT-TEXT"})["id"];
  ASSERT_EQ(box_.Run({"share", wid}).exit_code, 0);
  const std::string nid = RunJson({"thank", "Thanks for the tea"})["id"];
  RunResult r = box_.Run({"preview"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(LineWith(r.out, "Hold my hand").find("waiting for my consent"),
            std::string::npos);
  EXPECT_NE(
      LineWith(r.out, "Thanks for the tea").find("waiting for my consent"),
      std::string::npos);
  EXPECT_EQ(r.out.find("DRAFT-TEXT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 private draft"), std::string::npos) << r.out;
  ASSERT_EQ(box_.Run({"ready", "lists"}).exit_code, 0);
  r = box_.Run({"preview"});
  EXPECT_NE(
      LineWith(r.out, "Hold my hand").find("waiting for my partner's consent"),
      std::string::npos);
  EXPECT_NE(
      LineWith(r.out, "Thanks for the tea").find("waiting for my consent"),
      std::string::npos);
  EXPECT_NE(r.out.find("lists: ready, notes: not yet"), std::string::npos)
      << r.out;
  json preview = RunJson({"preview"});
  ASSERT_EQ(preview.size(), 2u) << preview;
  EXPECT_EQ(preview[0]["id"], wid);
  EXPECT_EQ(preview[0]["state"], "waiting_for_partner");
  EXPECT_EQ(preview[1]["id"], nid);
  EXPECT_EQ(preview[1]["kind"], "note");
  EXPECT_EQ(preview[1]["state"], "waiting_for_me");
}

TEST_F(ListsE2eTest, StatusShowsTheSharedPartOrLocked) {
  RunJson({"wish", "add", "One"});
  const std::string two = RunJson({"wish", "add", "Two"})["id"];
  ASSERT_EQ(box_.Run({"share", two}).exit_code, 0);
  ASSERT_EQ(box_.Run({"ready", "notes"}).exit_code, 0);
  RunJson({"thank", "Thanks"});
  json st = RunJson({"status"});
  EXPECT_EQ(st["consents"]["mine"]["lists"], false) << st;
  EXPECT_EQ(st["consents"]["mine"]["notes"], true) << st;
  EXPECT_EQ(st["consents"]["partner"]["notes"], false) << st;
  EXPECT_EQ(st["lists"]["mine"]["drafts"], 1) << st;
  EXPECT_EQ(st["lists"]["mine"]["shared"], 1) << st;
  EXPECT_EQ(st["lists"]["partner"], 0) << st;
  EXPECT_EQ(st["notes"]["mine"], 1) << st;
  RunResult people = box_.Run({"status"});
  EXPECT_NE(LineWith(people.out, "notes").find("me ready"), std::string::npos);
  EXPECT_NE(LineWith(people.out, "items").find("1 private draft"),
            std::string::npos);

  ASSERT_EQ(box_.Run({"lock"}).exit_code, 0);
  RunResult locked = box_.Run({"status"});
  ASSERT_EQ(locked.exit_code, 0) << Describe(locked);
  EXPECT_NE(LineWith(locked.out, "lists").find("locked"), std::string::npos);
  json lj = json::parse(box_.Run({"--json", "status"}).out, nullptr, false);
  ASSERT_TRUE(lj.is_object());
  EXPECT_TRUE(lj["consents"].is_null()) << lj;
  EXPECT_TRUE(lj["lists"].is_null()) << lj;
}

}  // namespace
}  // namespace inch::test
