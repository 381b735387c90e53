// Unit tests of the people-facing formatting helpers in cli/output: line
// wrapping by code points at spaces and the reader's width taken from
// $COLUMNS.
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
