// The lists commands between two nodes, through the real `inch` binary:
// my marks and notes in `inch preview` against what the partner then holds,
// and an edit of a shared item reaching the partner (sealed on disk and on
// the wire).
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/cli/lists_fixture.hpp"
#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

// Two nodes: my marks and notes in `inch preview`, each with its state, and
// what the partner's node then holds matches what the preview said.
class ListsTwoNodeE2eTest : public TwoNodes {
 protected:
  // Pairs a and b, both ready for lists.
  void PairReadyForLists() {
    ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
    Ok(a_, {"ready", "lists"});
    Ok(b_, {"ready", "lists"});
  }
  // Starts b's daemon; Sync then reaches it from a.
  void ServeB() { serve_b_ = Serve(b_, &address_b_); }
  // One `inch sync` from a to b's daemon (or to `via`), which must succeed.
  void Sync(const std::string& via = "") {
    RunResult r = a_.Run({"sync", "--peer", via.empty() ? address_b_ : via});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
  }
  void StopB() {
    serve_b_->Signal(SIGTERM);
    EXPECT_EQ(serve_b_->Wait().exit_code, 0);
  }
  // `inch --json ARGS` on `box`, which must succeed.
  static json Json(const InchSandbox& box, std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    return json::parse(Ok(box, args), nullptr, false);
  }

  // Adds a give on `box`, shares it, and returns its id ("" on failure).
  static std::string SharedGive(const InchSandbox& box,
                                const std::string& text) {
    json give = Json(box, {"give", "add", text});
    EXPECT_TRUE(give.is_object() && give.contains("id")) << give.dump();
    if (!give.is_object() || !give.contains("id")) return "";
    const std::string id = give["id"];
    Ok(box, {"share", id});
    return id;
  }

  std::string address_b_;
  std::unique_ptr<BackgroundProcess> serve_b_;
};

TEST_F(ListsTwoNodeE2eTest, PreviewShowsMarksAndNotesUntilTheyArrive) {
  ASSERT_NO_FATAL_FAILURE(PairReadyForLists());
  const std::string gid = SharedGive(b_, "Tea in bed on Sunday");
  ASSERT_FALSE(gid.empty());
  ServeB();
  Sync();
  ASSERT_TRUE(PartnerListHas(a_, "Tea in bed on Sunday"));

  Ok(a_, {"choose", gid});
  Sync();  // the choice leaves while both lists consents hold
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
  json pj = Json(a_, {"preview"});
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
  Sync();
  json blist = Json(b_, {"list", "--mine"});
  ASSERT_EQ(blist.size(), 1u) << blist;
  // b's node holds a's marks back while a's lists are paused.
  EXPECT_EQ(blist[0]["progress"], "offered");
  EXPECT_EQ(blist[0]["thanked"], false);
  EXPECT_EQ(Json(b_, {"notes"}).size(), 0u);

  // Both consents on: everything flows, and preview says so.
  Ok(a_, {"ready", "lists"});
  Ok(a_, {"ready", "notes"});
  Ok(b_, {"ready", "notes"});
  Sync();
  Sync();  // the second carries the note released once B's consent arrived
  r = a_.Run({"preview"});
  EXPECT_TRUE(LinesWith(r.out, "waiting").empty()) << r.out;
  blist = Json(b_, {"list", "--mine"});
  ASSERT_EQ(blist.size(), 1u) << blist;
  EXPECT_EQ(blist[0]["progress"], "done");
  EXPECT_EQ(blist[0]["thanked"], true);
  json bnotes = Json(b_, {"notes"});
  ASSERT_EQ(bnotes.size(), 1u) << bnotes;
  EXPECT_EQ(bnotes[0]["text"], "Thank you for the tea");
  EXPECT_EQ(bnotes[0]["direction"], "received");
  RunResult bl = b_.Run({"list", "--mine"});
  EXPECT_NE(LineWith(bl.out, "Tea in bed").find("done · thanked"),
            std::string::npos)
      << bl.out;
  StopB();
}

// An edit of a shared item reaches the partner at the next sync; a draft's
// edit does not; neither partner can edit the other's item. Edits are new
// ops in the log, sealed like every op: the old text stays in history, but
// no text appears in plain on disk or on the wire.
// A private answer to a partner's wish can be taken back; neither the
// answer nor taking it back is ever an op.
TEST_F(ListsTwoNodeE2eTest, APrivateAnswerIsTakenBackOnThisLaptopOnly) {
  ASSERT_NO_FATAL_FAILURE(PairReadyForLists());
  const std::string wid = SharedWish(a_, "Breakfast together");
  ServeB();
  Sync();
  ASSERT_TRUE(PartnerListHas(b_, "Breakfast together"));
  const std::string preview = Ok(b_, {"--json", "preview"});

  Ok(b_, {"answer", wid, "not-yet"});
  EXPECT_EQ(Json(b_, {"list", "--partner"})[0]["private_answer"], "not-yet");
  RunResult back = b_.Run({"answer", wid, "take-back"});
  ASSERT_EQ(back.exit_code, 0) << Describe(back);
  EXPECT_NE(back.out.find("Taken back"), std::string::npos) << back.out;
  EXPECT_FALSE(Json(b_, {"list", "--partner"})[0].contains("private_answer"));
  EXPECT_EQ(Ok(b_, {"--json", "preview"}), preview);
  Ok(b_, {"answer", wid, "no"});
  EXPECT_EQ(Json(b_, {"list", "--partner"})[0]["private_answer"], "no");
  StopB();
}

TEST_F(ListsTwoNodeE2eTest, EditOfASharedItemReachesThePartner) {
  ASSERT_NO_FATAL_FAILURE(PairReadyForLists());
  const std::string old_text = RandomMarker("OLD");
  const std::string new_text = RandomMarker("NEW");
  const std::string draft_text = RandomMarker("DRAFT");
  const std::string wid = SharedWish(a_, old_text);
  json draft = Json(a_, {"wish", "add", "a draft"});
  const std::string bwid = SharedWish(b_, "Breakfast together");
  ServeB();
  Sync();
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
  TcpRelay relay(PortOf(address_b_), TcpRelay::Mode::kPass);
  Sync(relay.address());
  json theirs = Json(b_, {"list", "--partner"});
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
    EXPECT_TRUE(FindMarkerInBytes(wire, m).empty()) << m;
    EXPECT_TRUE(FindMarkerInTree(a_.home(), m).empty()) << m;
    EXPECT_TRUE(FindMarkerInTree(b_.home(), m).empty()) << m;
  }
  StopB();
}

}  // namespace
}  // namespace inch::test
