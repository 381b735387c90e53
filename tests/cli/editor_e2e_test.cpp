// Writing and editing journal entries in $EDITOR through the real binary:
// the buffer is a template as git's commit message is (the guided question
// and a hint as comment lines, the text being edited above them), comment
// lines never reach the entry, and an entry left empty cancels.
#include <nlohmann/json.hpp>

#include "tests/cli/editor_fixture.hpp"

namespace inch {
namespace {

using nlohmann::json;
using test::Describe;
using test::EditorTest;
using test::RunResult;

// Copies the buffer it was given to root/buffer, then types `typed` above
// the template (as a person does: the cursor starts on the first line).
std::string TypingEditor(const std::string& typed) {
  return "cp \"$1\" @ROOT@/buffer\n"
         "{ printf '" +
         typed + "'; cat \"$1\"; } > \"$1.new\" && mv \"$1.new\" \"$1\"";
}

class EditorE2eTest : public EditorTest {
 protected:
  json Entry(const std::string& id) const {
    RunResult r = Inch({"journal", "show", id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return json::parse(r.out, nullptr, false);
  }
};

TEST_F(EditorE2eTest, PromptQuestionIsACommentInTheBufferAndNotInTheEntry) {
  std::string editor = Editor("editor", TypingEditor("Slow mornings\\n"));
  RunResult r = OnTerminal({"journal", "write", "--prompt", "more-of"}, editor);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "Wrote #1.\n");
  std::string buffer = test::ReadFileBytes(box_.root() + "/buffer");
  RunResult prompts = Inch({"prompts", "--json"});
  std::string question;
  for (const auto& p : json::parse(prompts.out)) {
    if (p["id"] == "more-of") question = p["text"];
  }
  ASSERT_FALSE(question.empty()) << prompts.out;
  EXPECT_EQ(buffer, "\n\n# " + question +
                        "\n# Lines starting with # are ignored. An empty "
                        "entry cancels.\n");
  json entry = Entry("1");
  EXPECT_EQ(entry["text"], "Slow mornings") << entry.dump();
  EXPECT_EQ(entry["prompt"], "more-of");
}

TEST_F(EditorE2eTest, CommentLinesTypedAnywhereAreLeftOut) {
  std::string editor = Editor(
      "editor", TypingEditor("\\n# a note to self\\nfirst\\n#x\\nsecond\\n"));
  RunResult r = OnTerminal({"journal", "write"}, editor);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Entry("1")["text"], "first\nsecond");
}

TEST_F(EditorE2eTest, OnlyCommentsCancelsAndChangesNothing) {
  ASSERT_EQ(Inch({"journal", "write", "kept"}).exit_code, 0);
  std::string before = Snapshot();
  // Quits without typing, or types only blank and comment lines.
  for (const std::string& typed :
       {std::string(""), std::string("  \\n# hm\\n")}) {
    std::string editor = Editor("editor", TypingEditor(typed));
    for (std::vector<std::string> args :
         {std::vector<std::string>{"journal", "write", "--prompt", "more-of"},
          {"journal", "write"}}) {
      RunResult r = OnTerminal(args, editor);
      EXPECT_EQ(r.exit_code, 1) << Describe(r);
      EXPECT_NE(r.err.find("the entry is empty, so nothing was saved"),
                std::string::npos)
          << r.err;
      EXPECT_EQ(Snapshot(), before);
    }
  }
  // Deleting every line of an entry being edited cancels too.
  std::string wipe = Editor("editor", "sed -i '/^[^#]/d' \"$1\"");
  RunResult r = OnTerminal({"journal", "edit", "1"}, wipe);
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("nothing was saved"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(EditorE2eTest, EditLoadsTheTextAndKeepsItsOwnHashLines) {
  // An entry written by argument may have markdown headings: editing it
  // uses another comment character, so they survive.
  ASSERT_EQ(Inch({"journal", "write", "# Sunday\nwe walked\n; semi"}).exit_code,
            0);
  std::string editor =
      Editor("editor",
             "cp \"$1\" @ROOT@/buffer\nsed -i 's/walked/walked far/' \"$1\"");
  RunResult r = OnTerminal({"journal", "edit", "1"}, editor);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(r.out, "Edited #1.\n");
  EXPECT_EQ(test::ReadFileBytes(box_.root() + "/buffer"),
            "# Sunday\nwe walked\n; semi\n\n@ Lines starting with @ are "
            "ignored. An empty entry cancels.\n");
  EXPECT_EQ(Entry("1")["text"], "# Sunday\nwe walked far\n; semi");
}

TEST_F(EditorE2eTest, EditOfAPromptAnswerShowsTheQuestion) {
  ASSERT_EQ(
      Inch({"journal", "write", "--prompt", "more-of", "an answer"}).exit_code,
      0);
  std::string editor = Editor("editor", "cp \"$1\" @ROOT@/buffer");
  RunResult r = OnTerminal({"journal", "edit", "1"}, editor);
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  std::string buffer = test::ReadFileBytes(box_.root() + "/buffer");
  EXPECT_EQ(buffer.rfind("an answer\n\n# ", 0), 0u) << buffer;
  EXPECT_EQ(Entry("1")["text"], "an answer");
}

TEST_F(EditorE2eTest, EditorWithArgumentsAndVisualFirst) {
  // EDITOR may carry arguments; VISUAL wins over EDITOR, as in git.
  std::string editor = Editor("editor", "printf '%s\\n' \"$1\" > \"$2\"");
  std::string visual = Editor("visual", "printf 'from visual\\n' > \"$1\"");
  RunResult r = OnTerminal({"journal", "write"}, editor + " 'from editor'");
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_EQ(Entry("1")["text"], "from editor");
  RunResult v =
      OnTerminal({"journal", "write"}, editor + " nope", {{"VISUAL", visual}});
  ASSERT_EQ(v.exit_code, 0) << Describe(v);
  EXPECT_EQ(Entry("2")["text"], "from visual");
}

TEST_F(EditorE2eTest, MissingEditorSaysHowToSetOne) {
  std::string before = Snapshot();
  RunResult r =
      OnTerminal({"journal", "write"}, box_.root() + "/no-such-editor");
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("EDITOR"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was saved"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace inch
