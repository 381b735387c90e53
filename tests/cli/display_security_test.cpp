// A partner's text never drives my terminal: a paired partner writes a
// wish, a give and a note full of escape sequences (clear screen, window
// title, OSC 52 clipboard write, cursor moves), a BEL, DEL, a C1 CSI and a
// bidi override. Every human view on my node (list, notes, show, preview,
// status, errors) prints none of those bytes; `--json` keeps the exact text.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

constexpr const char* kHostile =
    "Tea\x1b[2J\x1b[H in bed\x1b]0;pwned\x07 \x1b]52;c;SGVsbG8=\x07 "
    "\u202Edeb ni aeT\u202C\x1b[1A\x1b[2K\r fake line\x7f \u009b31m red\t"
    "\u2066iso\u2069\nsecond \x1bP+q\x1b\\ line";

// The first byte sequence of `out` a terminal would act on, described, or
// "" when there is none: C0 controls but \n, DEL, the UTF-8 of C1 controls,
// and the bidi embeddings, overrides and isolates.
std::string TerminalControl(const std::string& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto b = static_cast<unsigned char>(out[i]);
    if ((b < 0x20 && b != '\n') || b == 0x7F)
      return "byte " + std::to_string(b) + " at " + std::to_string(i);
    const std::string_view rest = std::string_view(out).substr(i);
    if (b == 0xC2 && rest.size() > 1 &&
        static_cast<unsigned char>(rest[1]) < 0xA0)
      return "a C1 control at " + std::to_string(i);
    for (const char* bidi : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E",
                             "\u2066", "\u2067", "\u2068", "\u2069"}) {
      if (rest.starts_with(bidi))
        return "a bidi control at " + std::to_string(i);
    }
  }
  return "";
}

class DisplaySecurityTest : public TwoNodes {
 protected:
  // Runs `args` on `box` for people (wide terminal, then narrow): exit 0 and
  // nothing a terminal acts on, on stdout or stderr.
  static std::string Human(const InchSandbox& box,
                           const std::vector<std::string>& args) {
    std::string last;
    for (const char* cols : {"", "40"}) {
      EnvVars env;
      if (*cols != '\0') env["COLUMNS"] = cols;
      RunResult r = box.Run(args, "", env);
      EXPECT_EQ(r.exit_code, 0) << Describe(r);
      EXPECT_EQ(TerminalControl(r.out), "") << args[0] << ":\n" << r.out;
      EXPECT_EQ(TerminalControl(r.err), "") << args[0] << ":\n" << r.err;
      last = r.out;
    }
    return last;
  }
};

TEST_F(DisplaySecurityTest, APartnersControlsAreNeutralisedAndJsonIsExact) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  for (InchSandbox* box : {&a_, &b_}) {
    Ok(*box, {"ready", "lists"});
    Ok(*box, {"ready", "notes"});
  }
  const std::string mine = SharedWish(a_, "A quiet breakfast");
  const std::string wish = SharedWish(b_, kHostile);
  std::string address;
  auto serve_b = Serve(b_, &address);
  auto sync = [&] {
    RunResult s = a_.Run({"sync", "--peer", address});
    ASSERT_EQ(s.exit_code, 0) << Describe(s);
  };
  sync();
  sync();  // the second carries what the consents released
  ASSERT_TRUE(PartnerListHas(a_, wish));
  // A give for my wish (so my view shows what it answers) and a note.
  json give =
      json::parse(Ok(b_, {"--json", "give", "add", kHostile, "--for", mine}),
                  nullptr, false);
  ASSERT_TRUE(give.is_object() && give.contains("id")) << give;
  const std::string gid = give["id"];
  Ok(b_, {"share", gid});
  Ok(b_, {"thank", kHostile});
  sync();
  ASSERT_TRUE(PartnerListHas(a_, gid));
  ASSERT_TRUE(NotesHave(a_, "SGVsbG8="));
  Ok(a_, {"choose", gid});  // my preview then shows the give's text too

  // Human views: the text is there, visible and inert.
  const std::string list = Human(a_, {"list"});
  EXPECT_NE(list.find("␛[2J"), std::string::npos) << list;
  Human(a_, {"list", "--partner"});
  const std::string wrapped = Human(a_, {"list", "--wrap"});
  EXPECT_NE(wrapped.find("second"), std::string::npos) << wrapped;
  const std::string notes = Human(a_, {"notes"});
  EXPECT_NE(notes.find("␛]52;c;SGVsbG8=␇"), std::string::npos) << notes;
  const std::string shown = Human(a_, {"show", wish});
  EXPECT_NE(shown.find("deb ni aeT"), std::string::npos) << shown;
  EXPECT_NE(shown.find("second"), std::string::npos) << shown;
  Human(a_, {"show", gid});
  Human(a_, {"preview"});
  Human(a_, {"preview", "--wrap"});
  Human(a_, {"status"});
  json anote = json::parse(Ok(a_, {"--json", "notes"}), nullptr, false);
  ASSERT_TRUE(anote.is_array() && anote.size() == 1) << anote;
  Human(a_, {"show", anote[0]["id"].get<std::string>()});
  // An error quoting what was typed is neutralised as well.
  RunResult bad = a_.Run({"show", std::string("\x1b]0;x\x07") + kHostile});
  EXPECT_NE(bad.exit_code, 0) << Describe(bad);
  EXPECT_EQ(TerminalControl(bad.err), "") << bad.err;

  // JSON: the exact text, yet no raw control on the terminal either.
  auto json_of = [&](const std::vector<std::string>& args) {
    RunResult r = a_.Run(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    EXPECT_EQ(TerminalControl(r.out), "") << r.out;
    EXPECT_NE(r.out.find("\\u001b[2J"), std::string::npos) << r.out;
    return json::parse(r.out, nullptr, false);
  };
  json partner = json_of({"--json", "list", "--partner"});
  ASSERT_TRUE(partner.is_array()) << partner;
  std::size_t exact = 0;
  for (const auto& item : partner) exact += item["text"] == kHostile;
  EXPECT_EQ(exact, 2u) << partner;
  json one = json_of({"--json", "show", wish});
  EXPECT_EQ(one["id"], wish);
  EXPECT_EQ(one["text"], kHostile);
  EXPECT_EQ(json_of({"--json", "notes"})[0]["text"], kHostile);
  json preview = json_of({"--json", "preview"});
  std::size_t in_preview = 0;
  for (const auto& e : preview) in_preview += e["text"] == kHostile;
  EXPECT_EQ(in_preview, 1u) << preview;

  serve_b->Signal(SIGTERM);
  serve_b->Wait();
}

}  // namespace
}  // namespace inch::test
