// Consent belongs to one pairing (issue 8, point 1), through the real
// binary: after unpairing from one partner and pairing with another,
// nothing written for the first reaches the second unless its author acts
// again, and sync with the new partner never gets stuck on the old one.
#include <gtest/gtest.h>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

class PartnerChangeTest : public TwoNodes {
 protected:
  void SetUp() override {
    TwoNodes::SetUp();
    ASSERT_TRUE(c_.RunWithPassphrase({"init"}).exit_code == 0);
    ASSERT_TRUE(c_.RunWithPassphrase({"unlock"}).exit_code == 0);
  }
  static std::string IdOf(const std::string& out) {
    auto doc = json::parse(out, nullptr, false);
    if (!doc.is_object() || !doc.contains("id")) return "";
    return doc["id"].is_string() ? doc["id"].get<std::string>()
                                 : doc["id"].dump();
  }
  InchSandbox c_;
};

TEST_F(PartnerChangeTest, ANewPartnerStartsFromNothing) {
  // a and b share a life: lists, a give for b's wish, a note, both ready.
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  for (auto* box : {&a_, &b_}) {
    Ok(*box, {"ready", "lists"});
    Ok(*box, {"ready", "notes"});
  }
  const std::string b_wish_text = RandomMarker("BWISH");
  SharedWish(b_, b_wish_text);
  std::string address_b;
  auto serve_b = Serve(b_, &address_b);
  ASSERT_EQ(a_.Run({"sync", "--peer", address_b}).exit_code, 0);
  auto partner_list = json::parse(Ok(a_, {"--json", "list", "--partner"}));
  ASSERT_EQ(partner_list.size(), 1u) << partner_list.dump();
  const std::string b_wish = partner_list[0]["id"].get<std::string>();
  const std::string wish_text = RandomMarker("AWISH");
  const std::string give_text = RandomMarker("AGIVE");
  const std::string note_text = RandomMarker("ANOTE");
  SharedWish(a_, wish_text);
  const std::string give =
      IdOf(Ok(a_, {"--json", "give", "add", give_text, "--for", b_wish}));
  ASSERT_FALSE(give.empty());
  Ok(a_, {"share", give});
  Ok(a_, {"thank", note_text});
  ASSERT_EQ(a_.Run({"sync", "--peer", address_b}).exit_code, 0);
  ASSERT_TRUE(PartnerListHas(b_, give_text));

  // a unpairs (b is told) and pairs with c, who is ready for everything.
  RunResult unpair = a_.Run({"--json", "unpair"});
  ASSERT_EQ(unpair.exit_code, 0) << Describe(unpair);
  serve_b->Signal(SIGTERM);
  serve_b->Wait();
  ASSERT_EQ(Pair(a_, c_), std::make_pair(0, 0));
  Ok(c_, {"ready", "lists"});
  Ok(c_, {"ready", "notes"});
  std::string address_c;
  auto serve_c = Serve(c_, &address_c);
  RunResult first = a_.Run({"sync", "--peer", address_c});
  ASSERT_EQ(first.exit_code, 0) << Describe(first);

  // Nothing of a's old life reached c: not the items, not the note.
  EXPECT_FALSE(PartnerListHas(c_, wish_text));
  EXPECT_FALSE(PartnerListHas(c_, give_text));
  EXPECT_FALSE(NotesHave(c_, note_text));
  EXPECT_TRUE(FindMarkerInTree(c_.home(), wish_text).empty());
  EXPECT_TRUE(FindMarkerInTree(c_.home(), note_text).empty());
  // a's consents are off and its items are drafts again; the give is a's
  // own idea now, and the note to b is gone.
  json status = Status(a_);
  EXPECT_EQ(status["consents"]["mine"]["lists"], false) << status.dump();
  EXPECT_EQ(status["consents"]["mine"]["notes"], false) << status.dump();
  json mine = json::parse(Ok(a_, {"--json", "list", "--mine"}));
  ASSERT_EQ(mine.size(), 2u) << mine.dump();
  for (const auto& item : mine) {
    EXPECT_EQ(item["shared"], false) << item.dump();
    if (item["kind"] == "give") {
      EXPECT_TRUE(item["for"].is_null()) << item.dump();
    }
  }
  EXPECT_FALSE(NotesHave(a_, note_text));
  EXPECT_FALSE(PartnerListHas(a_, b_wish_text));

  // Only what a shares again, once both are ready, reaches c, and the
  // sync is not stuck on the old partner's wish.
  Ok(a_, {"share", give});
  Ok(a_, {"ready", "lists"});
  RunResult again = a_.Run({"sync", "--peer", address_c});
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_TRUE(PartnerListHas(c_, give_text));
  EXPECT_FALSE(PartnerListHas(c_, wish_text));
  serve_c->Signal(SIGTERM);
  EXPECT_EQ(serve_c->Wait().exit_code, 0);
}

TEST_F(PartnerChangeTest, ANoticeOwedToTheOldPartnerSurvivesANewPairing) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  std::string address_b;
  {
    auto serve_b = Serve(b_, &address_b);
    ASSERT_EQ(a_.Run({"sync", "--peer", address_b}).exit_code, 0);
    serve_b->Signal(SIGTERM);
    serve_b->Wait();
  }
  RunResult unpair = a_.Run({"--json", "unpair"});  // b is away
  ASSERT_EQ(unpair.exit_code, 0) << Describe(unpair);
  ASSERT_FALSE(json::parse(unpair.out)["partner_told"].get<bool>());
  ASSERT_EQ(Pair(a_, c_), std::make_pair(0, 0));
  // b's daemon comes back at its old address; a's next sync (c is not
  // even running) tells b first.
  BackgroundProcess serve_b(
      INCH_BINARY, {"--json", "serve", "--listen", address_b}, b_.Env());
  ASSERT_TRUE(json::parse(serve_b.ReadLine(), nullptr, false).is_object());
  a_.Run({"sync"});
  EXPECT_TRUE(Eventually([&] { return Status(b_)["partner"].is_null(); }));
  EXPECT_TRUE(Status(a_)["partner"].is_object());  // still paired with c
}

}  // namespace
}  // namespace inch::test
