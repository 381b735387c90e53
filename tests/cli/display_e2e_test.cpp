// What people see is measured in terminal cells, through the real binary:
// rows of `inch list` with CJK, Hangul, emoji and combining marks line up
// with plain ASCII rows and fit a narrow terminal; `inch show ID` gives one
// item's whole text, wrapped; a cut list says how to see the whole text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/inch_process.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

// Terminal cells as this test counts them, on its own (not the code under
// test): the texts below use only these ranges.
std::size_t TestCells(std::string_view s) {
  std::size_t cells = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    auto cp = static_cast<char32_t>(len == 1 ? b : b & (0x7F >> len));
    for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    const bool wide =
        (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0x1F300 && cp <= 0x1FAFF);
    const bool none = (cp >= 0x0300 && cp <= 0x036F) ||
                      (cp >= 0x200B && cp <= 0x200F) || cp == 0xFE0F;
    cells += wide ? 2 : none ? 0 : 1;
  }
  return cells;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string LineWith(const std::string& text, const std::string& needle) {
  for (const auto& line : Lines(text)) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

class DisplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(box_.RunWithPassphrase({"init"}).exit_code, 0);
    ASSERT_EQ(box_.RunWithPassphrase({"unlock"}).exit_code, 0);
  }
  std::string Add(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--json"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = box_.Run(all);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    json doc = json::parse(r.out, nullptr, false);
    return doc.is_object() && doc.contains("id") ? doc["id"].get<std::string>()
                                                 : "";
  }
  InchSandbox box_;
};

// The texts are picked to be narrower than the text column, so no row is
// cut: every state mark must then start in the same cell.
TEST_F(DisplayTest, WideAndCombiningRowsLineUpWithAsciiRows) {
  const std::vector<std::string> texts = {
      "Tea in bed on Sunday", "周末一起喝茶",       "함께 산책하기",
      "🎉 a party 🎂 for two",  "Cafe\u0301 au lait", "ＦＵＬＬ width"};
  for (const auto& t : texts) Add({"wish", "add", t, "--importance", "3"});
  RunResult r = box_.Run({"list"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  std::size_t column = 0;
  for (const auto& t : texts) {
    const std::string line = LineWith(r.out, t);
    ASSERT_FALSE(line.empty()) << t << "\n" << r.out;
    const auto at = line.find("private draft");
    ASSERT_NE(at, std::string::npos) << line;
    const std::size_t cells = TestCells(line.substr(0, at));
    if (column == 0) column = cells;
    EXPECT_EQ(cells, column) << "out of line:\n" << r.out;
  }
}

TEST_F(DisplayTest, WideTextsAreCutToANarrowTerminalInCells) {
  const std::string long_cjk =
      "每个星期留出一个完整的晚上只属于我们两个人手机放进抽屉里一起做饭聊天";
  const std::string id = Add({"wish", "add", long_cjk});
  Add({"wish", "add", "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉"});
  for (const char* cols : {"50", "60", "71"}) {
    RunResult r = box_.Run({"list"}, "", {{"COLUMNS", cols}});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    for (const auto& line : Lines(r.out))
      EXPECT_LE(TestCells(line), std::stoul(cols)) << line;
    EXPECT_NE(LineWith(r.out, id).find("private draft"), std::string::npos)
        << r.out;
    EXPECT_NE(r.err.find("inch show ID"), std::string::npos) << r.err;
  }
}

TEST_F(DisplayTest, ShowGivesTheWholeTextWrapped) {
  const std::string text =
      "Plan one whole evening a week, just the two of us, phones in a "
      "drawer, 一起做饭 and a walk after 🎉\nThen tea.";
  const std::string wid = Add({"wish", "add", text, "--importance", "4"});
  const std::string gid = Add({"give", "add", "A walk after dinner, every day",
                               "--size", "medium", "--smaller-than", wid});
  RunResult r = box_.Run({"show", wid}, "", {{"COLUMNS", "30"}});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  for (const auto& line : Lines(r.out))
    EXPECT_LE(TestCells(line), 30u) << r.out;
  EXPECT_NE(r.out.find(wid), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("●●●●○"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("private draft"), std::string::npos) << r.out;
  // Every word, in order, across the wrapped lines.
  auto words = [](const std::string& s) {
    std::string joined;
    std::istringstream in(s);
    for (std::string w; in >> w;) joined += w + " ";
    return joined;
  };
  EXPECT_NE(words(r.out).find(words(text)), std::string::npos) << r.out;

  RunResult give = box_.Run({"show", gid});
  ASSERT_EQ(give.exit_code, 0) << Describe(give);
  EXPECT_NE(give.out.find("medium"), std::string::npos) << give.out;
  EXPECT_NE(give.out.find("↳ a smaller step of " + wid), std::string::npos)
      << give.out;

  RunResult j = box_.Run({"--json", "show", wid});
  ASSERT_EQ(j.exit_code, 0) << Describe(j);
  json doc = json::parse(j.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << j.out;
  EXPECT_EQ(doc["id"], wid);
  EXPECT_EQ(doc["text"], text);
  EXPECT_EQ(doc["importance"], 4);

  ASSERT_EQ(box_.Run({"withdraw", wid}).exit_code, 0);
  RunResult gone = box_.Run({"show", wid});
  EXPECT_EQ(gone.exit_code, 1) << Describe(gone);
  EXPECT_NE(gone.err.find("withdrawn"), std::string::npos) << gone.err;
  RunResult unknown = box_.Run({"show", "nothing"});
  EXPECT_EQ(unknown.exit_code, 1) << Describe(unknown);
  EXPECT_NE(unknown.err.find("inch list"), std::string::npos) << unknown.err;
}

TEST_F(DisplayTest, WrapShowsEveryWholeTextWithinTheColumns) {
  const std::string cjk =
      "每个星期留出一个完整的晚上只属于我们两个人手机放进抽屉里一起做饭聊天";
  const std::string ascii =
      "Plan one whole evening a week, just the two of us, phones in a drawer";
  const std::string id = Add({"wish", "add", cjk + "\n" + ascii});
  const std::string tea = Add({"wish", "add", "Tea"});
  const std::string gid =
      Add({"give", "add", ascii + " 🎉", "--smaller-than", tea});
  ASSERT_EQ(box_.Run({"share", id, gid}).exit_code, 0);
  // The preview's longer states need a wider terminal to fit.
  for (const auto& [view, cols] :
       {std::pair{std::vector<std::string>{"list", "--wrap"}, 50u},
        std::pair{std::vector<std::string>{"preview", "--wrap"}, 64u}}) {
    RunResult r = box_.Run(view, "", {{"COLUMNS", std::to_string(cols)}});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
    for (const auto& line : Lines(r.out))
      EXPECT_LE(TestCells(line), cols) << r.out;
    EXPECT_EQ(r.out.find("…"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("inch show"), std::string::npos) << r.err;
    // Every word of the long ASCII text, in order, in each row.
    std::istringstream words(ascii);
    std::size_t at = 0;
    for (std::string w; words >> w;) {
      at = r.out.find(w, at);
      ASSERT_NE(at, std::string::npos) << w << "\n" << r.out;
    }
    // The CJK line was wrapped, not cut: its last characters are there.
    EXPECT_NE(r.out.find("聊天"), std::string::npos) << r.out;
  }
}

TEST_F(DisplayTest, AListWithNothingCutSaysNothingMore) {
  Add({"wish", "add", "Tea in bed"});
  RunResult r = box_.Run({"list"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.err.find("inch show"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace inch::test
