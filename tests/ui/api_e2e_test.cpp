// The API's handlers called directly (ui/api.hpp), on a real home made by
// the `inch` binary: locked and unlocked, a wish added, shared and
// withdrawn, consent halves, bad input, and the same description of an
// item as `inch list --json` gives. The unlock agent is the CLI's: what the
// page unlocks, the CLI sees unlocked, and the other way round.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "crypto/secret.hpp"
#include "tests/support/inch_process.hpp"
#include "ui/api.hpp"
#include "ui/api_words.hpp"

namespace inch::ui {
namespace {

using nlohmann::json;
using test::Describe;
using test::InchSandbox;
using test::RunResult;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
    // The agent's socket is found through XDG_RUNTIME_DIR, as in `inch`.
    ::setenv("XDG_RUNTIME_DIR", box_.runtime_dir().c_str(), 1);
    ::unsetenv("INCH_PASSPHRASE_FILE");
  }

  ApiResponse Call(const std::string& method, const std::string& path,
                   json body = json::object()) const {
    return api_.Handle(ApiRequest{method, path, std::move(body)});
  }
  void Unlock() const {
    ApiResponse res =
        Call("POST", "/api/unlock", {{"passphrase", InchSandbox::kPassphrase}});
    ASSERT_EQ(res.status, 200u) << res.body.dump();
  }
  json CliJson(const std::vector<std::string>& args) const {
    std::vector<std::string> all = args;
    all.push_back("--json");
    RunResult r = box_.Run(all);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return json::parse(r.out, nullptr, false);
  }

  InchSandbox box_;
  Api api_{ApiConfig{box_.home()}};
};

TEST_F(ApiTest, LockedTheStatusSaysSoAndTheListsAre423) {
  ApiResponse status = Call("GET", "/api/status");
  ASSERT_EQ(status.status, 200u) << status.body.dump();
  EXPECT_EQ(status.body["locked"], true);
  EXPECT_TRUE(status.body["paired"].is_null());
  ApiResponse lists = Call("GET", "/api/lists");
  EXPECT_EQ(lists.status, 423u);
  EXPECT_EQ(lists.body["error"], "locked");
  EXPECT_NE(lists.body["message"].get<std::string>().find("passphrase"),
            std::string::npos);
  EXPECT_EQ(Call("POST", "/api/wishes", {{"text", "x"}}).status, 423u);
}

TEST_F(ApiTest, AWrongPassphraseIs401AndTheRightOneUnlocksForTheCliToo) {
  ApiResponse wrong =
      Call("POST", "/api/unlock", {{"passphrase", "not the passphrase"}});
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(wrong.body["error"], "wrong_passphrase");
  EXPECT_EQ(Call("POST", "/api/unlock", json::object()).status, 400u);
  EXPECT_EQ(CliJson({"status"})["locked"], true);

  Unlock();
  ApiResponse status = Call("GET", "/api/status");
  EXPECT_EQ(status.body["locked"], false) << status.body.dump();
  EXPECT_EQ(status.body["paired"], false);
  EXPECT_EQ(status.body["last_sync_words"], "not yet");
  EXPECT_GT(status.body["unlock_seconds_left"].get<int>(), 0);
  EXPECT_EQ(CliJson({"status"})["locked"], false);

  // The CLI's lock locks the page.
  RunResult lock = box_.Run({"lock"});
  ASSERT_EQ(lock.exit_code, 0) << Describe(lock);
  EXPECT_EQ(Call("GET", "/api/lists").status, 423u);
}

TEST_F(ApiTest, LockForgetsTheKey) {
  Unlock();
  ApiResponse lock = Call("POST", "/api/lock");
  EXPECT_EQ(lock.status, 200u);
  EXPECT_EQ(lock.body["locked"], true);
  EXPECT_EQ(lock.body["was_unlocked"], true);
  EXPECT_EQ(Call("GET", "/api/status").body["locked"], true);
  EXPECT_EQ(CliJson({"status"})["locked"], true);
}

TEST_F(ApiTest, AWishIsAddedPrivateThenSharedThenWithdrawn) {
  Unlock();
  ApiResponse added =
      Call("POST", "/api/wishes",
           {{"text", "Ask me one question about my day"}, {"importance", 4}});
  ASSERT_EQ(added.status, 201u) << added.body.dump();
  const std::string id = added.body["id"];
  EXPECT_EQ(added.body["kind"], "wish");
  EXPECT_EQ(added.body["author"], "me");
  EXPECT_EQ(added.body["shared"], false);
  EXPECT_EQ(added.body["importance"], 4);

  // The same description as `inch list --json`.
  ApiResponse lists = Call("GET", "/api/lists");
  ASSERT_EQ(lists.status, 200u) << lists.body.dump();
  ASSERT_EQ(lists.body["mine"]["wishes"].size(), 1u);
  EXPECT_EQ(lists.body["mine"]["wishes"][0], CliJson({"list"})[0]);
  EXPECT_TRUE(lists.body["partner"]["wishes"].empty());
  EXPECT_EQ(lists.body["paired"], false);

  ApiResponse shared = Call("POST", "/api/items/" + id + "/share");
  ASSERT_EQ(shared.status, 200u) << shared.body.dump();
  EXPECT_EQ(shared.body["status"], "shared");
  EXPECT_EQ(shared.body["item"]["shared"], true);
  EXPECT_EQ(CliJson({"list"})[0]["shared"], true);

  ApiResponse withdrawn = Call("POST", "/api/items/" + id + "/withdraw");
  ASSERT_EQ(withdrawn.status, 200u) << withdrawn.body.dump();
  EXPECT_TRUE(withdrawn.body["item"].is_null());
  EXPECT_TRUE(Call("GET", "/api/lists").body["mine"]["wishes"].empty());
  EXPECT_TRUE(CliJson({"list"}).empty());
  // Gone: acting on it again is 404.
  EXPECT_EQ(Call("POST", "/api/items/" + id + "/share").status, 404u);
}

TEST_F(ApiTest, WishesComeMostWantedFirst) {
  Unlock();
  for (auto [text, importance] :
       {std::pair{"a little", 1}, std::pair{"deeply", 5},
        std::pair{"some", 2}}) {
    ASSERT_EQ(Call("POST", "/api/wishes",
                   {{"text", text}, {"importance", importance}})
                  .status,
              201u);
  }
  json wishes = Call("GET", "/api/lists").body["mine"]["wishes"];
  ASSERT_EQ(wishes.size(), 3u);
  EXPECT_EQ(wishes[0]["text"], "deeply");
  EXPECT_EQ(wishes[1]["text"], "some");
  EXPECT_EQ(wishes[2]["text"], "a little");
}

TEST_F(ApiTest, BadInputIs400AndChangesNothing) {
  Unlock();
  EXPECT_EQ(Call("POST", "/api/wishes", json::object()).status, 400u);
  EXPECT_EQ(Call("POST", "/api/wishes", {{"text", ""}}).status, 400u);
  EXPECT_EQ(
      Call("POST", "/api/wishes", {{"text", "x"}, {"importance", 9}}).status,
      400u);
  EXPECT_EQ(Call("POST", "/api/wishes", {{"text", "x"}, {"importance", "high"}})
                .status,
            400u);
  EXPECT_EQ(
      Call("POST", "/api/wishes", {{"text", std::string(5000, 'a')}}).status,
      400u);
  EXPECT_TRUE(Call("GET", "/api/lists").body["mine"]["wishes"].empty());
  EXPECT_EQ(Call("POST", "/api/items/ffff-99/share").status, 404u);
  EXPECT_EQ(Call("POST", "/api/items/nonsense/withdraw").status, 404u);
  EXPECT_EQ(
      Call("POST", "/api/consent", {{"what", "journal"}, {"on", true}}).status,
      400u);
  EXPECT_EQ(Call("POST", "/api/consent", {{"what", "lists"}}).status, 400u);
}

TEST_F(ApiTest, ConsentShowsBothHalves) {
  Unlock();
  ApiResponse on =
      Call("POST", "/api/consent", {{"what", "lists"}, {"on", true}});
  ASSERT_EQ(on.status, 200u) << on.body.dump();
  EXPECT_EQ(on.body["consents"]["lists"]["mine"], true);
  EXPECT_EQ(on.body["consents"]["lists"]["partner"], false);
  EXPECT_EQ(on.body["consents"]["lists"]["words"],
            "You are ready; waiting for your partner.");
  EXPECT_EQ(on.body["consents"]["notes"]["mine"], false);
  EXPECT_EQ(CliJson({"status"})["consents"]["mine"]["lists"], true);
  ApiResponse off =
      Call("POST", "/api/consent", {{"what", "lists"}, {"on", false}});
  EXPECT_EQ(off.body["consents"]["lists"]["mine"], false);
  EXPECT_EQ(CliJson({"status"})["consents"]["mine"]["lists"], false);
}

TEST_F(ApiTest, UnknownPathsAre404AndWrongMethods405) {
  EXPECT_EQ(Call("GET", "/api/nothing").status, 404u);
  EXPECT_EQ(Call("DELETE", "/api/lists").status, 405u);
  EXPECT_EQ(Call("GET", "/api/unlock").status, 405u);
  EXPECT_EQ(Call("POST", "/api/items//share").status, 404u);
  EXPECT_EQ(Call("POST", "/api/items/a/b/share").status, 404u);
}

TEST(ApiWordsTest, ConsentAndSyncInWords) {
  EXPECT_EQ(ConsentWords(true, false),
            "You are ready; waiting for your partner.");
  EXPECT_EQ(ConsentWords(false, true),
            "Your partner is ready; you are not yet.");
  EXPECT_EQ(ConsentWords(true, true), "You are both ready.");
  EXPECT_EQ(ConsentWords(false, false), "Neither of you is ready yet.");
  const std::int64_t now = 1'800'000'000'000;
  EXPECT_EQ(LastSyncWords(0, now), "not yet");
  EXPECT_EQ(LastSyncWords(now - 30'000, now), "just now");
  EXPECT_EQ(LastSyncWords(now + 60'000, now), "just now");
  EXPECT_EQ(LastSyncWords(now - 12 * 60'000, now), "12 minutes ago");
  EXPECT_EQ(LastSyncWords(now - 3 * 3'600'000, now), "3 hours ago");
  EXPECT_EQ(LastSyncWords(now - 30 * 3'600'000, now), "yesterday");
  EXPECT_EQ(LastSyncWords(now - 5 * 86'400'000, now), "5 days ago");
}

}  // namespace
}  // namespace inch::ui
