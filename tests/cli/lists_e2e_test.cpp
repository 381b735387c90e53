// End-to-end tests of the lists commands through the real `inch` binary:
// add/edit/share/withdraw/ready/list/preview/thank/notes with --json ids, bad
// inputs (exit 1 or 2, nothing changed), what people see in `inch list`,
// `preview` and `status`, and two nodes: marks and notes in the preview
// against what the partner then holds, and an edit reaching the partner.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/net_fixture.hpp"
#include "tests/support/inch_process.hpp"

namespace inch {
namespace {

using nlohmann::json;
using test::Describe;
using test::InchSandbox;
using test::RunResult;

class ListsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
    RunResult unlock = box_.RunWithPassphrase({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  }
  json RunJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = box_.Run(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    json doc = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << "not one JSON document:\n" << r.out;
    return doc;
  }
  InchSandbox box_;
};

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

// The lines of `text` that contain `needle`.
std::vector<std::string> LinesWith(const std::string& text,
                                   const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

// The screen column (in code points) where `needle` starts in `line`.
std::size_t Column(const std::string& line, const std::string& needle) {
  const std::size_t at = line.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " in " << line;
  std::size_t col = 0;
  for (std::size_t i = 0; i < std::min(at, line.size()); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  }
  return col;
}

// The one line of `text` containing `needle` ("" and a failure otherwise).
std::string LineWith(const std::string& text, const std::string& needle) {
  auto lines = LinesWith(text, needle);
  EXPECT_EQ(lines.size(), 1u) << "'" << needle << "' in:\n" << text;
  return lines.empty() ? "" : lines.front();
}

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

// Two nodes: my marks and notes in `inch preview`, each with its state, and
// what the partner's node then holds matches what the preview said.
class ListsTwoNodeE2eTest : public test::TwoNodes {};

TEST_F(ListsTwoNodeE2eTest, PreviewShowsMarksAndNotesUntilTheyArrive) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  json give =
      json::parse(Ok(b_, {"--json", "give", "add", "Tea in bed on Sunday"}),
                  nullptr, false);
  ASSERT_TRUE(give.is_object());
  const std::string gid = give["id"];
  Ok(b_, {"share", gid});
  std::string address;
  auto serve_b = Serve(b_, &address);
  auto sync = [&] {
    RunResult r = a_.Run({"sync", "--peer", address});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
  };
  sync();
  ASSERT_TRUE(PartnerListHas(a_, "Tea in bed on Sunday"));

  Ok(a_, {"choose", gid});
  sync();  // the choice leaves while both lists consents hold
  Ok(a_, {"done", gid});
  Ok(a_, {"thank", "Thank you for the tea", "--for", gid});
  // a pauses before the next sync: the later marks wait for it. While
  // paused, a's node holds b's list back, so no new mark can be made.
  Ok(a_, {"ready", "lists", "--off"});
  EXPECT_EQ(a_.Run({"choose", gid}).exit_code, 1);
  RunResult r = a_.Run({"preview"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  const std::string marks = LineWith(r.out, gid);
  EXPECT_NE(marks.find(gid), std::string::npos) << marks;
  EXPECT_NE(marks.find("chosen (sent)"), std::string::npos) << marks;
  EXPECT_NE(marks.find("done (waiting for my consent)"), std::string::npos)
      << marks;
  EXPECT_NE(marks.find("thanked (waiting for my consent)"), std::string::npos)
      << marks;
  EXPECT_NE(
      LineWith(r.out, "Thank you for the tea").find("waiting for my consent"),
      std::string::npos);
  json pj = json::parse(Ok(a_, {"--json", "preview"}), nullptr, false);
  ASSERT_TRUE(pj.is_array()) << pj;
  json response, note;
  for (const auto& e : pj) {
    if (e["kind"] == "response") response = e;
    if (e["kind"] == "note") note = e;
  }
  ASSERT_TRUE(response.is_object()) << pj;
  EXPECT_EQ(response["id"], gid);
  EXPECT_EQ(response["marks"]["chosen"], "sent");
  EXPECT_EQ(response["marks"]["done"], "waiting_for_me");
  EXPECT_EQ(response["state"], "waiting_for_me");
  ASSERT_TRUE(note.is_object()) << pj;
  EXPECT_EQ(note["state"], "waiting_for_me");

  // Only what preview called sent reaches B.
  sync();
  json blist =
      json::parse(Ok(b_, {"--json", "list", "--mine"}), nullptr, false);
  ASSERT_EQ(blist.size(), 1u) << blist;
  // b's node holds a's marks back while a's lists are paused.
  EXPECT_EQ(blist[0]["progress"], "offered");
  EXPECT_EQ(blist[0]["thanked"], false);
  EXPECT_EQ(json::parse(Ok(b_, {"--json", "notes"})).size(), 0u);

  // Both consents on: everything flows, and preview says so.
  Ok(a_, {"ready", "lists"});
  Ok(a_, {"ready", "notes"});
  Ok(b_, {"ready", "notes"});
  sync();
  sync();  // the second carries the note released once B's consent arrived
  r = a_.Run({"preview"});
  EXPECT_TRUE(LinesWith(r.out, "waiting").empty()) << r.out;
  blist = json::parse(Ok(b_, {"--json", "list", "--mine"}), nullptr, false);
  ASSERT_EQ(blist.size(), 1u) << blist;
  EXPECT_EQ(blist[0]["progress"], "done");
  EXPECT_EQ(blist[0]["thanked"], true);
  json bnotes = json::parse(Ok(b_, {"--json", "notes"}), nullptr, false);
  ASSERT_EQ(bnotes.size(), 1u) << bnotes;
  EXPECT_EQ(bnotes[0]["text"], "Thank you for the tea");
  EXPECT_EQ(bnotes[0]["direction"], "received");
  RunResult bl = b_.Run({"list", "--mine"});
  EXPECT_NE(LineWith(bl.out, "Tea in bed").find("done · thanked"),
            std::string::npos)
      << bl.out;
  serve_b->Signal(SIGTERM);
  serve_b->Wait();
}

// An edit of a shared item reaches the partner at the next sync; a draft's
// edit does not; neither partner can edit the other's item. Edits are new
// ops in the log, sealed like every op: the old text stays in history, but
// no text appears in plain on disk or on the wire.
TEST_F(ListsTwoNodeE2eTest, EditOfASharedItemReachesThePartner) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  const std::string old_text = test::RandomMarker("OLD");
  const std::string new_text = test::RandomMarker("NEW");
  const std::string draft_text = test::RandomMarker("DRAFT");
  const std::string wid = SharedWish(a_, old_text);
  json draft =
      json::parse(Ok(a_, {"--json", "wish", "add", "a draft"}), nullptr, false);
  const std::string bwid = SharedWish(b_, "Breakfast together");
  std::string address;
  auto serve_b = Serve(b_, &address);
  ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
  ASSERT_TRUE(PartnerListHas(b_, old_text));

  // Neither partner may edit the other's item.
  const std::string a_partner = Ok(a_, {"--json", "list", "--partner"});
  RunResult r = a_.Run({"wish", "edit", bwid, "--text", "mine now"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("partner's"), std::string::npos) << r.err;
  EXPECT_EQ(Ok(a_, {"--json", "list", "--partner"}), a_partner);
  r = b_.Run({"wish", "edit", wid, "--importance", "1"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);

  r = a_.Run({"wish", "edit", wid, "--text", new_text, "--importance", "5"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.err.find("inch preview"), std::string::npos) << r.err;
  Ok(a_,
     {"wish", "edit", draft["id"].get<std::string>(), "--text", draft_text});
  test::TcpRelay relay(PortOf(address), test::TcpRelay::Mode::kPass);
  ASSERT_EQ(a_.Run({"sync", "--peer", relay.address()}).exit_code, 0);
  json theirs =
      json::parse(Ok(b_, {"--json", "list", "--partner"}), nullptr, false);
  ASSERT_EQ(theirs.size(), 1u) << theirs;  // the draft stayed home
  EXPECT_EQ(theirs[0]["id"], wid);
  EXPECT_EQ(theirs[0]["text"], new_text);
  EXPECT_EQ(theirs[0]["importance"], 5);
  RunResult seen = b_.Run({"list", "--partner"});
  EXPECT_NE(seen.out.find(new_text), std::string::npos) << seen.out;
  EXPECT_EQ(seen.out.find(old_text), std::string::npos) << seen.out;
  const std::string wire = relay.Recorded();
  ASSERT_FALSE(wire.empty());
  for (const std::string& m : {old_text, new_text, draft_text}) {
    EXPECT_TRUE(test::FindMarkerInBytes(wire, m).empty()) << m;
    EXPECT_TRUE(test::FindMarkerInTree(a_.home(), m).empty()) << m;
    EXPECT_TRUE(test::FindMarkerInTree(b_.home(), m).empty()) << m;
  }
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

}  // namespace inch
