// Unit tests of cli/terminal_text: what a partner could write to move my
// cursor, set my title, write my clipboard or reorder what I read is shown
// as visible, inert text; widths are terminal cells; JSON keeps the value.
#include "cli/terminal_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace inch::cli {
namespace {

// Whether `s` holds a byte a terminal acts on: C0 but \n, ESC, DEL, or the
// UTF-8 of a C1 control (C2 80..C2 9F).
bool HasControl(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b < 0x20 && b != '\n') || b == 0x7F) return true;
    if (b == 0xC2 && i + 1 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) < 0xA0)
      return true;
  }
  return false;
}

TEST(SafeTextTest, EscapeSequencesBecomeVisibleAndInert) {
  EXPECT_EQ(SafeText("a\x1b[2Jb"), "a␛[2Jb");
  EXPECT_EQ(SafeText("\x1b]0;title\x07"), "␛]0;title␇");
  EXPECT_EQ(SafeText("\x1b]52;c;SGVsbG8=\x1b\\"), "␛]52;c;SGVsbG8=␛\\");
  EXPECT_EQ(SafeText("del\x7f"), "del␡");
  EXPECT_EQ(SafeText("\x08\x01"), "␈␁");
  // C1 controls (CSI as one code point, NEL) are U+FFFD.
  EXPECT_EQ(SafeText("x\u009b2Jy\u0085"), "x\uFFFD2Jy\uFFFD");
  for (const char* hostile :
       {"\x1b[2J", "\x1b]0;t\x07", "\x1b]52;c;AA==\x07", "\u009b31m",
        "\x1b[1A\x1b[2K", "\r overwrite", "\x7f\x08"}) {
    EXPECT_FALSE(HasControl(SafeText(hostile))) << hostile;
    EXPECT_FALSE(HasControl(SafeText(hostile, Breaks::kSpace))) << hostile;
  }
}

TEST(SafeTextTest, BidiControlsAreDropped) {
  EXPECT_EQ(SafeText("abc\u202Edef\u202C"), "abcdef");
  EXPECT_EQ(SafeText("\u202A\u202B\u202D\u2066\u2067\u2068\u2069x"), "x");
  EXPECT_EQ(SafeText("\u200E\u200F\u061Cy"), "y");
  // Arabic and Hebrew letters themselves stay.
  EXPECT_EQ(SafeText("שלום مرحبا"), "שלום مرحبا");
}

TEST(SafeTextTest, BreaksAndTabsAreSafeSpacing) {
  EXPECT_EQ(SafeText("a\tb"), "a    b");
  EXPECT_EQ(SafeText("one\ntwo"), "one\ntwo");
  EXPECT_EQ(SafeText("one\r\ntwo\rthree"), "one\ntwo\nthree");
  EXPECT_EQ(SafeText("one\u2028two"), "one\ntwo");
  EXPECT_EQ(SafeText("one\r\ntwo\nthree", Breaks::kSpace), "one two three");
}

TEST(SafeTextTest, InvalidUtf8IsReplacementCharacters) {
  EXPECT_EQ(SafeText("a\xff"
                     "b"),
            "a\uFFFDb");
  EXPECT_EQ(SafeText("\xc0\xaf"), "\uFFFD\uFFFD");            // overlong '/'
  EXPECT_EQ(SafeText("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD");  // surrogate
  EXPECT_EQ(SafeText("\xe4\xb8"), "\uFFFD\uFFFD");            // cut short
  EXPECT_EQ(SafeText("\xf4\x90\x80\x80").find('\xf4'), std::string::npos);
}

TEST(SafeTextTest, OrdinaryTextIsUntouchedAndSafeTextIsStable) {
  for (const char* text : {"Tea in bed on Sunday", "中文 한국어 日本語",
                           "🎉 e\u0301 👨‍👩‍👧 🇯🇵",
                           "x\x1b[2J\u202E\t\r\n\x7f\xff"}) {
    const std::string once = SafeText(text);
    EXPECT_EQ(SafeText(once), once) << text;
  }
  EXPECT_EQ(SafeText("中文 🎉 e\u0301"), "中文 🎉 e\u0301");
}

TEST(SafeStyledTextTest, KeepsOnlyOutputsOwnStylesWhenColourIsOn) {
  const std::string styled = "\x1b[1m1-2\x1b[0m \x1b[2mdim\x1b[0m";
  EXPECT_EQ(SafeStyledText(styled, true), styled);
  EXPECT_EQ(SafeStyledText("\x1b[1mx\x1b[2J\x1b]0;t\x07", true),
            "\x1b[1mx␛[2J␛]0;t␇");
  EXPECT_EQ(SafeStyledText(styled, false), "␛[1m1-2␛[0m ␛[2mdim␛[0m");
  EXPECT_EQ(SafeStyledText("line\n\u202Enext", true), "line\nnext");
}

TEST(CellsTest, WideCharactersTakeTwoCellsMarksNone) {
  EXPECT_EQ(Cells("abc"), 3u);
  EXPECT_EQ(Cells("中文"), 4u);
  EXPECT_EQ(Cells("한국"), 4u);
  EXPECT_EQ(Cells("ＡＢ"), 4u);  // fullwidth forms
  EXPECT_EQ(Cells("🎉"), 2u);
  EXPECT_EQ(Cells("e\u0301"), 1u);   // e + combining acute
  EXPECT_EQ(Cells("a\u200Bb"), 2u);  // zero-width space
  EXPECT_EQ(Cells("●○…↳"), 4u);
  EXPECT_EQ(Cells("␛[2J"), 4u);
  EXPECT_EQ(Cells(""), 0u);
}

TEST(CellsTest, BuiltInTableAgreesOnCommonCharacters) {
  for (char32_t cp : {U'a', U'中', U'한', U'Ａ', U'🎉', U'😀', U'\u0301',
                      U'\u200B', U'\uFE0F', U'●', U'…', U'é', U'ж'}) {
    EXPECT_EQ(BuiltInCells(cp), CodePointCells(cp))
        << std::hex << static_cast<unsigned>(cp);
  }
}

TEST(CellsTest, PadAndFitCountCells) {
  EXPECT_EQ(PadCells("中", 4), "中  ");
  EXPECT_EQ(PadCells("abcdef", 4), "abcdef");
  EXPECT_EQ(Cells(PadCells("🎉 e\u0301", 10)), 10u);
  // A wide character that does not fit stays out whole.
  EXPECT_EQ(FitCells("中文字", 3), std::string("中").size());
  EXPECT_EQ(FitCells("中文字", 4), std::string("中文").size());
  // A combining mark stays with its letter.
  EXPECT_EQ(FitCells("e\u0301x", 1), std::string("e\u0301").size());
  EXPECT_EQ(FitCells("abc", 10), 3u);
}

TEST(JsonForTerminalTest, EscapesWhatJsonLeavesRawAndKeepsTheValue) {
  const std::string text =
      "esc\x1b[2J del\x7f csi\u009b bidi\u202E ls\u2028 中文 🎉";
  const std::string dumped = nlohmann::json{{"text", text}}.dump();
  const std::string safe = JsonForTerminal(dumped);
  EXPECT_FALSE(HasControl(safe)) << safe;
  EXPECT_EQ(safe.find("\u202E"), std::string::npos);
  EXPECT_EQ(safe.find("\u2028"), std::string::npos);
  EXPECT_NE(safe.find("中文 🎉"), std::string::npos) << "readable stays raw";
  EXPECT_EQ(nlohmann::json::parse(safe)["text"], text);
}

}  // namespace
}  // namespace inch::cli
