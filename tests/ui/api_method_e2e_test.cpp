// The API's method steps called directly (ui/api.hpp) on two real homes
// paired by the `inch` binary: gives with a size, "for" a partner's wish
// and smaller steps; choose, done and the private "not yet" on the
// partner's items; notes; and the preview. The page's home is a (its agent
// unlocked by the CLI); b is the partner, driven through the CLI. What the
// API says is compared with what the CLI's --json says.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "crypto/secret.hpp"
#include "tests/cli/net_fixture.hpp"
#include "ui/api.hpp"
#include "ui/api_words.hpp"

namespace inch::test {
namespace {

using nlohmann::json;
using ui::Api;
using ui::ApiConfig;
using ui::ApiRequest;
using ui::ApiResponse;

constexpr std::string_view kScriptPayload = "<img src=x onerror=alert(1)>";

class ApiMethodTest : public TwoNodes {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    ASSERT_NO_FATAL_FAILURE(TwoNodes::SetUp());
    // The page's agent is a's, found through XDG_RUNTIME_DIR as in `inch`.
    ::setenv("XDG_RUNTIME_DIR", a_.runtime_dir().c_str(), 1);
    ::unsetenv("INCH_PASSPHRASE_FILE");
  }
  void TearDown() override {
    if (serve_b_) {
      serve_b_->Signal(SIGTERM);
      (void)serve_b_->Wait();
    }
  }

  ApiResponse Call(const std::string& method, const std::string& path,
                   json body = json::object()) const {
    return api_.Handle(ApiRequest{method, path, std::move(body)});
  }
  // `inch --json ARGS` on a.
  json CliJson(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    return json::parse(Ok(a_, args), nullptr, false);
  }

  // Pairs a and b, both ready for lists and notes; b shares the payload
  // wish and a give; a syncs with b's daemon and then holds both.
  void PartnerWithLists() {
    ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
    for (const char* what : {"lists", "notes"}) {
      ASSERT_EQ(
          Call("POST", "/api/consent", {{"what", what}, {"on", true}}).status,
          200u);
      Ok(b_, {"ready", what});
    }
    ASSERT_FALSE(SharedWish(b_, std::string(kScriptPayload)).empty());
    json give =
        json::parse(Ok(b_, {"--json", "give", "add", "Tea in bed on Sunday"}),
                    nullptr, false);
    ASSERT_TRUE(give.is_object() && give.contains("id")) << give.dump();
    Ok(b_, {"share", give["id"].get<std::string>()});
    serve_b_ = Serve(b_, &address_b_);
    Sync();
    ASSERT_TRUE(PartnerListHas(a_, "Tea in bed on Sunday"));
    json lists = Call("GET", "/api/lists").body;
    ASSERT_EQ(lists["partner"]["wishes"].size(), 1u) << lists.dump();
    ASSERT_EQ(lists["partner"]["gives"].size(), 1u) << lists.dump();
    wish_ = lists["partner"]["wishes"][0]["id"];
    give_ = lists["partner"]["gives"][0]["id"];
  }
  void Sync() const {
    RunResult r = a_.Run({"sync", "--peer", address_b_});
    ASSERT_EQ(r.exit_code, 0) << Describe(r);
  }

  Api api_{ApiConfig{a_.home()}};
  std::string address_b_, wish_, give_;
  std::unique_ptr<BackgroundProcess> serve_b_;
};

TEST_F(ApiMethodTest, APartnersScriptPayloadComesBackAsItsExactText) {
  ASSERT_NO_FATAL_FAILURE(PartnerWithLists());
  ApiResponse lists = Call("GET", "/api/lists");
  ASSERT_EQ(lists.status, 200u);
  const json& wish = lists.body["partner"]["wishes"][0];
  EXPECT_EQ(wish["text"], std::string(kScriptPayload));
  EXPECT_EQ(wish["author"], "partner");
  // The same description as `inch list --json`.
  json cli = CliJson({"list", "--partner"});
  ASSERT_TRUE(cli.is_array());
  EXPECT_NE(std::find(cli.begin(), cli.end(), wish), cli.end()) << cli.dump();
}

TEST_F(ApiMethodTest, NotYetStaysOnThisLaptopAndIsNeverSent) {
  ASSERT_NO_FATAL_FAILURE(PartnerWithLists());
  const json before = Call("GET", "/api/preview").body;

  ApiResponse answered = Call("POST", "/api/items/" + wish_ + "/not-yet");
  ASSERT_EQ(answered.status, 200u) << answered.body.dump();
  EXPECT_EQ(answered.body["status"], "not-yet");
  EXPECT_EQ(answered.body["item"]["private_answer"], "not-yet");
  EXPECT_EQ(
      Call("GET", "/api/lists").body["partner"]["wishes"][0]["private_answer"],
      "not-yet");

  // Nothing more leaves: the preview is the same as before.
  const json after = Call("GET", "/api/preview").body;
  EXPECT_EQ(after, before);
  EXPECT_EQ(after.dump().find("not-yet"), std::string::npos) << after.dump();
  EXPECT_EQ(after["items"], CliJson({"preview"}));
  // And after a sync b's node knows nothing of it.
  Sync();
  EXPECT_EQ(Ok(b_, {"--json", "preview"}).find("not-yet"), std::string::npos);
  EXPECT_EQ(Ok(b_, {"--json", "list"}).find("not-yet"), std::string::npos);

  // Only a partner's wish takes a private answer.
  EXPECT_EQ(Call("POST", "/api/items/" + give_ + "/not-yet").status, 400u);

  // A "not yet" pressed by mistake is taken back, as `inch answer ID
  // take-back` would, and the preview still says nothing of either.
  ApiResponse back = Call("POST", "/api/items/" + wish_ + "/take-back");
  ASSERT_EQ(back.status, 200u) << back.body.dump();
  EXPECT_EQ(back.body["status"], "taken-back");
  EXPECT_FALSE(back.body["item"].contains("private_answer"))
      << back.body.dump();
  EXPECT_FALSE(Call("GET", "/api/lists")
                   .body["partner"]["wishes"][0]
                   .contains("private_answer"));
  EXPECT_EQ(Call("GET", "/api/preview").body, before);
}

TEST_F(ApiMethodTest, ChooseThenDoneThenThankShowInThePreview) {
  ASSERT_NO_FATAL_FAILURE(PartnerWithLists());
  ApiResponse chosen = Call("POST", "/api/items/" + give_ + "/choose");
  ASSERT_EQ(chosen.status, 200u) << chosen.body.dump();
  EXPECT_EQ(chosen.body["item"]["chosen"], true);
  EXPECT_EQ(chosen.body["item"]["done"], false);
  ApiResponse done = Call("POST", "/api/items/" + give_ + "/done");
  ASSERT_EQ(done.status, 200u) << done.body.dump();
  EXPECT_EQ(done.body["item"]["done"], true);
  // Forward only: choosing again after done is refused by the store.
  EXPECT_EQ(Call("POST", "/api/items/" + give_ + "/choose").status, 400u);

  ApiResponse note = Call(
      "POST", "/api/notes",
      {{"text", "Thank you for the tea, it made my Sunday"}, {"for", give_}});
  ASSERT_EQ(note.status, 201u) << note.body.dump();
  EXPECT_EQ(note.body["kind"], "note");
  EXPECT_EQ(note.body["thanks_for"], give_);

  json preview = Call("GET", "/api/preview").body;
  EXPECT_EQ(preview["items"], CliJson({"preview"}));
  bool marks = false, noted = false;
  for (const auto& e : preview["items"]) {
    if (e["kind"] == "response" && e["id"] == give_) {
      marks = e["marks"].contains("chosen") && e["marks"].contains("done") &&
              e["marks"].contains("thanked");
    }
    if (e["kind"] == "note") noted = e["text"] == note.body["text"];
  }
  EXPECT_TRUE(marks) << preview.dump();
  EXPECT_TRUE(noted) << preview.dump();
}

TEST_F(ApiMethodTest, MarksAreForThePartnersGivesOnly) {
  ASSERT_NO_FATAL_FAILURE(PartnerWithLists());
  ApiResponse mine =
      Call("POST", "/api/gives", {{"text", "A walk after dinner"}});
  ASSERT_EQ(mine.status, 201u) << mine.body.dump();
  const std::string id = mine.body["id"];
  EXPECT_EQ(Call("POST", "/api/items/" + id + "/choose").status, 400u);
  EXPECT_EQ(Call("POST", "/api/items/" + id + "/done").status, 400u);
  EXPECT_EQ(Call("POST", "/api/items/" + wish_ + "/choose").status, 400u);
  EXPECT_EQ(Call("POST", "/api/items/zzzz-99/choose").status, 404u);
}

TEST_F(ApiMethodTest, AGiveHasASizeAForAndASmallerStep) {
  ASSERT_NO_FATAL_FAILURE(PartnerWithLists());
  ApiResponse big = Call(
      "POST", "/api/gives",
      {{"text", "A weekend away, just us"}, {"size", "large"}, {"for", wish_}});
  ASSERT_EQ(big.status, 201u) << big.body.dump();
  EXPECT_EQ(big.body["size"], "large");
  EXPECT_EQ(big.body["for"], wish_);
  EXPECT_EQ(big.body["shared"], false);
  ApiResponse step = Call("POST", "/api/gives",
                          {{"text", "An evening out, phones at home"},
                           {"size", "medium"},
                           {"smaller_than", big.body["id"]}});
  ASSERT_EQ(step.status, 201u) << step.body.dump();
  EXPECT_EQ(step.body["smaller_than"], big.body["id"]);
  EXPECT_TRUE(step.body["for"].is_null());

  // The lists say it as `inch list --json` does, easiest first.
  json gives = Call("GET", "/api/lists").body["mine"]["gives"];
  ASSERT_EQ(gives.size(), 2u);
  EXPECT_EQ(gives[0], step.body);
  EXPECT_EQ(gives[1], big.body);
  json cli = CliJson({"list", "--mine"});
  EXPECT_NE(std::find(cli.begin(), cli.end(), step.body), cli.end());

  // Bad input changes nothing.
  EXPECT_EQ(
      Call("POST", "/api/gives", {{"text", "x"}, {"size", "huge"}}).status,
      400u);
  EXPECT_EQ(Call("POST", "/api/gives", {{"size", "small"}}).status, 400u);
  EXPECT_EQ(
      Call("POST", "/api/gives", {{"text", "x"}, {"for", "zzzz-99"}}).status,
      404u);
  // "for" is a partner's wish: not my own give.
  EXPECT_EQ(Call("POST", "/api/gives", {{"text", "x"}, {"for", big.body["id"]}})
                .status,
            400u);
  EXPECT_EQ(Call("GET", "/api/lists").body["mine"]["gives"].size(), 2u);
}

TEST_F(ApiMethodTest, NotesComeNewestFirstWithTheNotesConsentInWords) {
  ApiResponse empty = Call("GET", "/api/notes");
  ASSERT_EQ(empty.status, 200u) << empty.body.dump();
  EXPECT_TRUE(empty.body["notes"].empty());
  EXPECT_EQ(empty.body["consent"]["mine"], false);
  EXPECT_EQ(empty.body["consent"]["words"],
            ui::ConsentWords(false, false).c_str());
  for (const char* text : {"first, thank you", "second, thank you"}) {
    ASSERT_EQ(Call("POST", "/api/notes", {{"text", text}}).status, 201u);
  }
  ApiResponse notes = Call("GET", "/api/notes");
  ASSERT_EQ(notes.body["notes"].size(), 2u);
  EXPECT_EQ(notes.body["notes"][0]["text"], "second, thank you");
  EXPECT_EQ(notes.body["notes"][0]["direction"], "sent");
  EXPECT_EQ(notes.body["notes"], CliJson({"notes"}));
  EXPECT_EQ(Call("POST", "/api/notes", {{"text", ""}}).status, 400u);
  EXPECT_EQ(Call("POST", "/api/notes", json::object()).status, 400u);
}

TEST_F(ApiMethodTest, ThePreviewLeavesDraftsOutAndCountsThem) {
  ASSERT_EQ(Call("POST", "/api/wishes", {{"text", "a private one"}}).status,
            201u);
  ApiResponse shared = Call("POST", "/api/wishes", {{"text", "a shared one"}});
  ASSERT_EQ(shared.status, 201u);
  ASSERT_EQ(Call("POST", "/api/items/" + shared.body["id"].get<std::string>() +
                             "/share")
                .status,
            200u);
  ApiResponse preview = Call("GET", "/api/preview");
  ASSERT_EQ(preview.status, 200u) << preview.body.dump();
  EXPECT_EQ(preview.body["drafts"], 1);
  ASSERT_EQ(preview.body["items"].size(), 1u);
  EXPECT_EQ(preview.body["items"][0]["text"], "a shared one");
  EXPECT_EQ(preview.body["items"][0]["state"], "waiting_for_me");
  EXPECT_EQ(preview.body["items"], CliJson({"preview"}));
  // Locked, it is 423 like every list.
  Ok(a_, {"lock"});
  EXPECT_EQ(Call("GET", "/api/preview").status, 423u);
  EXPECT_EQ(Call("GET", "/api/notes").status, 423u);
}

}  // namespace
}  // namespace inch::test
