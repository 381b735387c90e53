// The editor buffer's template and its comment handling (cli/text_input):
// the choice of comment character, what is stripped, and what is kept.
#include "cli/text_input.hpp"

#include <gtest/gtest.h>

namespace inch::cli {
namespace {

TEST(EditorBuffer, NewEntryGetsTheQuestionAndTheHintAsComments) {
  EXPECT_EQ(EditorBuffer("", "What made you smile?", '#'),
            "\n\n# What made you smile?\n# Lines starting with # are ignored. "
            "An empty entry cancels.\n");
  EXPECT_EQ(EditorBuffer("", "", '#'),
            "\n\n# Lines starting with # are ignored. An empty entry "
            "cancels.\n");
}

TEST(EditorBuffer, TextBeingEditedComesFirst) {
  EXPECT_EQ(EditorBuffer("one\ntwo\n\n", "", ';'),
            "one\ntwo\n\n; Lines starting with ; are ignored. An empty entry "
            "cancels.\n");
}

TEST(CommentCharFor, PicksACharacterThatStartsNoLine) {
  EXPECT_EQ(CommentCharFor(""), '#');
  EXPECT_EQ(CommentCharFor("a # b\n x"), '#');  // only at a line's start
  EXPECT_EQ(CommentCharFor("# title\ntext"), ';');
  EXPECT_EQ(CommentCharFor("text\n#a\n;b"), '@');
  EXPECT_EQ(CommentCharFor("#\n;\n@\n!\n$\n%\n^\n&\n|\n:"), '#');  // all used
}

TEST(StripComments, DropsCommentLinesAndOuterBlankLines) {
  EXPECT_EQ(StripComments("\n \nfirst\n# no\n\nsecond\n\n#end\n", '#'),
            "first\n\nsecond");
  EXPECT_EQ(StripComments("# only\n#\n\n", '#'), "");
  EXPECT_EQ(StripComments(" # indented stays\n", '#'), " # indented stays");
  EXPECT_EQ(StripComments("# kept\n; dropped\r\nx\r\n", ';'), "# kept\nx");
}

TEST(StripComments, RoundTripsTheTemplateToTheTextBeingEdited) {
  std::string text = "# Sunday\nwe walked\n\nand talked";
  char c = CommentCharFor(text);
  EXPECT_EQ(StripComments(EditorBuffer(text, "A question", c), c), text);
}

}  // namespace
}  // namespace inch::cli
