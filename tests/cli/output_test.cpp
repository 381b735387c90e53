// Unit tests of the people-facing formatting helpers in cli/output: line
// wrapping by terminal cells at spaces, cutting, and the reader's width taken
// from $COLUMNS.
#include "cli/output.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace inch::cli {
namespace {

using Lines = std::vector<std::string>;

TEST(WrapLineTest, BreaksAtTheLastSpaceThatFits) {
  EXPECT_EQ(WrapLine("your hand in mine made the evening", 12),
            (Lines{"your hand in", "mine made", "the evening"}));
}

TEST(WrapLineTest, ShortTextAndNoLimitStayWhole) {
  EXPECT_EQ(WrapLine("short", 40), (Lines{"short"}));
  EXPECT_EQ(WrapLine("no limit at all here", 0),
            (Lines{"no limit at all here"}));
  EXPECT_EQ(WrapLine("", 10), (Lines{""}));
}

TEST(WrapLineTest, CutsAWordLongerThanTheWidth) {
  EXPECT_EQ(WrapLine("abcdefghij xy", 4), (Lines{"abcd", "efgh", "ij", "xy"}));
}

TEST(WrapLineTest, CountsCodePointsNotBytes) {
  // Six two-byte letters fit a width of six; a cut never splits one.
  EXPECT_EQ(WrapLine("éééééé ààà", 6), (Lines{"éééééé", "ààà"}));
  EXPECT_EQ(WrapLine("éééé", 3), (Lines{"ééé", "é"}));
}

TEST(WrapLineTest, CountsCellsNotCodePoints) {
  // Each CJK character takes two cells; a space break is preferred.
  EXPECT_EQ(WrapLine("中文字 中文", 4), (Lines{"中文", "字", "中文"}));
  EXPECT_EQ(WrapLine("🎉🎉🎉", 5), (Lines{"🎉🎉", "🎉"}));
  // A character wider than the width still moves on.
  EXPECT_EQ(WrapLine("中文", 1), (Lines{"中", "文"}));
}

TEST(WrapLineTest, PrintsControlsAsVisibleText) {
  EXPECT_EQ(WrapLine("a\x1b[2J b\u202E\tc", 40), (Lines{"a␛[2J b    c"}));
  EXPECT_EQ(WrapLine("one\ntwo", 40), (Lines{"one two"}));
}

TEST(FirstLineTest, CutsOnCellsAndNeutralises) {
  EXPECT_EQ(FirstLine("中文字", 5), "中文…");
  EXPECT_EQ(FirstLine("中文字", 6), "中文字");
  EXPECT_EQ(FirstLine("\x1b]0;title\x07\nmore", 40), "␛]0;title␇…");
}

TEST(OutputTest, LineNeutralisesWhatAViewForgot) {
  testing::internal::CaptureStdout();
  Output(false).Line("x\x1b]52;c;AA==\x07\u202Ey\nz");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "x␛]52;c;AA==␇y\nz\n");
}

TEST(OutputTest, JsonKeepsTheExactTextButNoRawControls) {
  const std::string text = "a\x1b[2J\x07\x7f\u202Eb";
  testing::internal::CaptureStdout();
  Output(true).Json({{"text", text}});
  const std::string printed = testing::internal::GetCapturedStdout();
  for (const char* raw : {"\x1b", "\x07", "\x7f", "\u202E"})
    EXPECT_EQ(printed.find(raw), std::string::npos) << printed;
  EXPECT_EQ(nlohmann::json::parse(printed)["text"], text);
}

TEST(OutputTest, ColumnsComeFromTheEnvironmentWhenValid) {
  ASSERT_EQ(setenv("COLUMNS", "72", 1), 0);
  EXPECT_EQ(Output(false).columns(), 72u);
  EXPECT_EQ(Output(true).columns(), 0u) << "JSON is never fitted";
  ASSERT_EQ(setenv("COLUMNS", "wide", 1), 0);
  EXPECT_EQ(Output(false).columns(), 0u) << "tests never run on a terminal";
  ASSERT_EQ(setenv("COLUMNS", "-5", 1), 0);
  EXPECT_EQ(Output(false).columns(), 0u);
  unsetenv("COLUMNS");
}

}  // namespace
}  // namespace inch::cli
