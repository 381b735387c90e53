// `inch list` and `inch notes` fit the reader's width ($COLUMNS, as a
// terminal would give it): long texts are cut or wrapped, never the marks
// that say where an item stands, and nothing is cut when there is room.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/inch_process.hpp"

namespace inch::test {
namespace {

// The widest line of `text`, in code points.
std::size_t WidestLine(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::size_t widest = 0;
  while (std::getline(in, line)) {
    std::size_t n = 0;
    for (char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    widest = std::max(widest, n);
  }
  return widest;
}

class ListWidthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(box_.RunWithPassphrase({"init"}).exit_code, 0);
    ASSERT_EQ(box_.RunWithPassphrase({"unlock"}).exit_code, 0);
    RunResult add = box_.Run({"wish", "add", kLong, "--importance", "4"});
    ASSERT_EQ(add.exit_code, 0) << Describe(add);
  }
  RunResult List(const std::string& columns) const {
    return box_.Run({"list"}, "", {{"COLUMNS", columns}});
  }
  static constexpr const char* kLong =
      "Plan one whole evening a week, just the two of us, phones in a drawer";
  InchSandbox box_;
};

TEST_F(ListWidthTest, NarrowColumnsCutTheTextButKeepTheState) {
  RunResult r = List("60");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_LE(WidestLine(r.out), 60u) << r.out;
  EXPECT_NE(r.out.find("private draft"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Plan one whole"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("…"), std::string::npos) << r.out;
}

TEST_F(ListWidthTest, WideColumnsKeepTheDefaultColumn) {
  RunResult wide = List("200"), unknown = box_.Run({"list"});
  ASSERT_EQ(wide.exit_code, 0) << Describe(wide);
  EXPECT_EQ(wide.out, unknown.out) << "a wide reader sees the usual layout";
  EXPECT_GT(WidestLine(wide.out), 60u) << wide.out;
}

TEST_F(ListWidthTest, NotesWrapUnderTheirFirstLine) {
  std::string note =
      "Thank you for the walk: your hand in mine made the whole evening feel "
      "lighter, and I noticed";
  RunResult thank = box_.Run({"thank", note});
  ASSERT_EQ(thank.exit_code, 0) << Describe(thank);
  RunResult r = box_.Run({"notes"}, "", {{"COLUMNS", "80"}});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_LE(WidestLine(r.out), 80u) << r.out;
  // Every word is still there, in order, across the wrapped lines.
  std::string joined;
  std::istringstream in(r.out);
  for (std::string word; in >> word;) joined += word + " ";
  EXPECT_NE(joined.find(note + " "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace inch::test
