// The first-run and journal routes called directly (ui/api.hpp): a home
// created by POST /api/setup opens with `inch unlock` (one implementation
// of `inch init`), and a reflection written, listed, edited and deleted
// through the API is what `inch journal ... --json` sees, described the
// same way. Questions come one at a time, in the method's order.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "cli/prompts.hpp"
#include "crypto/secret.hpp"
#include "tests/support/inch_process.hpp"
#include "ui/api.hpp"

namespace inch::ui {
namespace {

using nlohmann::json;
using test::Describe;
using test::InchSandbox;
using test::RunResult;

class JournalApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    ::setenv("XDG_RUNTIME_DIR", box_.runtime_dir().c_str(), 1);
    ::unsetenv("INCH_PASSPHRASE_FILE");
  }

  ApiResponse Call(const std::string& method, const std::string& path,
                   json body = json::object()) const {
    return api_.Handle(ApiRequest{method, path, std::move(body)});
  }
  void Init() const {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
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
  json Write(const std::string& text, json prompt) const {
    ApiResponse res =
        Call("POST", "/api/journal", {{"text", text}, {"prompt", prompt}});
    EXPECT_EQ(res.status, 201u) << res.body.dump();
    return res.body;
  }

  InchSandbox box_;
  Api api_{ApiConfig{box_.home()}};
};

TEST_F(JournalApiTest, FirstRunCreatesAHomeThatTheCliUnlocks) {
  ApiResponse before = Call("GET", "/api/setup");
  ASSERT_EQ(before.status, 200u) << before.body.dump();
  EXPECT_EQ(before.body["exists"], false);

  const std::string pass(InchSandbox::kPassphrase);
  ApiResponse differ = Call("POST", "/api/setup",
                            {{"passphrase", pass}, {"repeat", pass + "x"}});
  EXPECT_EQ(differ.status, 400u) << differ.body.dump();
  EXPECT_NE(differ.body["message"].get<std::string>().find("differ"),
            std::string::npos);
  EXPECT_EQ(Call("POST", "/api/setup", {{"passphrase", pass}}).status, 400u);
  EXPECT_EQ(
      Call("POST", "/api/setup", {{"passphrase", ""}, {"repeat", ""}}).status,
      400u);
  EXPECT_EQ(Call("GET", "/api/setup").body["exists"], false);

  ApiResponse made =
      Call("POST", "/api/setup", {{"passphrase", pass}, {"repeat", pass}});
  ASSERT_EQ(made.status, 201u) << made.body.dump();
  EXPECT_EQ(Call("GET", "/api/setup").body["exists"], true);
  ApiResponse again =
      Call("POST", "/api/setup", {{"passphrase", pass}, {"repeat", pass}});
  EXPECT_EQ(again.status, 409u) << again.body.dump();

  // The CLI opens what the page created, with the same passphrase.
  RunResult unlock = box_.RunWithPassphrase({"unlock"});
  EXPECT_EQ(unlock.exit_code, 0) << Describe(unlock);
  EXPECT_EQ(CliJson({"status"})["locked"], false);
}

TEST_F(JournalApiTest, LockedTheJournalIs423) {
  Init();
  EXPECT_EQ(Call("GET", "/api/setup").body["exists"], true);
  EXPECT_EQ(Call("GET", "/api/journal").status, 423u);
  EXPECT_EQ(Call("GET", "/api/journal/prompts").status, 423u);
  EXPECT_EQ(Call("POST", "/api/journal", {{"text", "x"}}).status, 423u);
  EXPECT_EQ(Call("POST", "/api/journal/1/delete").status, 423u);
}

TEST_F(JournalApiTest, QuestionsComeOneAtATimeInTheMethodsOrder) {
  Init();
  Unlock();
  const auto prompts = cli::GuidedPrompts();
  ASSERT_GE(prompts.size(), 3u);
  ApiResponse first = Call("GET", "/api/journal/prompts");
  ASSERT_EQ(first.status, 200u) << first.body.dump();
  EXPECT_EQ(first.body["prompts"].size(), prompts.size());
  EXPECT_EQ(first.body["next"], std::string(prompts[0].id));
  // Answering the first brings the second; a free entry changes nothing.
  Write("Being asked about my day.", std::string(prompts[0].id));
  Write("Just a thought.", nullptr);
  EXPECT_EQ(Call("GET", "/api/journal/prompts").body["next"],
            std::string(prompts[1].id));
  // Out of order: the first unanswered one still comes next.
  Write("Less rushing.", std::string(prompts[2].id));
  EXPECT_EQ(Call("GET", "/api/journal/prompts").body["next"],
            std::string(prompts[1].id));
}

TEST_F(JournalApiTest, AReflectionIsWrittenEditedAndDeletedAsTheCliSeesIt) {
  Init();
  Unlock();
  const auto& prompt = cli::GuidedPrompts()[0];
  json written = Write("Coffee together, phones away.", std::string(prompt.id));
  EXPECT_EQ(written["question"], std::string(prompt.text));
  EXPECT_EQ(written["prompt"], std::string(prompt.id));
  json later = Write("A walk after dinner.", nullptr);
  EXPECT_TRUE(later["question"].is_null());

  // Newest first, described as `inch journal list --json` describes them.
  ApiResponse list = Call("GET", "/api/journal");
  ASSERT_EQ(list.status, 200u) << list.body.dump();
  json entries = list.body["entries"];
  ASSERT_EQ(entries.size(), 2u) << list.body.dump();
  EXPECT_EQ(entries[0]["text"], "A walk after dinner.");
  json cli = CliJson({"journal", "list"});
  ASSERT_TRUE(cli.is_array()) << cli.dump();
  ASSERT_EQ(cli.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    json ours = entries[i];
    ours.erase("question");
    EXPECT_EQ(ours, cli[i]);
  }

  const std::string id = std::to_string(written["id"].get<std::int64_t>());
  ApiResponse edit = Call("POST", "/api/journal/" + id + "/edit",
                          {{"text", "Coffee together, slowly."}});
  ASSERT_EQ(edit.status, 200u) << edit.body.dump();
  EXPECT_EQ(edit.body["text"], "Coffee together, slowly.");
  EXPECT_EQ(edit.body["question"], std::string(prompt.text));
  EXPECT_GE(edit.body["updated_ms"], written["updated_ms"]);
  EXPECT_EQ(CliJson({"journal", "show", id})["text"],
            "Coffee together, slowly.");

  ApiResponse del = Call("POST", "/api/journal/" + id + "/delete");
  ASSERT_EQ(del.status, 200u) << del.body.dump();
  EXPECT_EQ(del.body["deleted"], true);
  RunResult show = box_.Run({"journal", "show", id});
  EXPECT_NE(show.exit_code, 0) << Describe(show);
  EXPECT_EQ(Call("GET", "/api/journal").body["entries"].size(), 1u);
  ApiResponse gone = Call("POST", "/api/journal/" + id + "/delete");
  EXPECT_EQ(gone.status, 404u) << gone.body.dump();
  EXPECT_EQ(
      Call("POST", "/api/journal/" + id + "/edit", {{"text", "x"}}).status,
      404u);
}

TEST_F(JournalApiTest, BadInputIsRefusedInWordsAndNothingIsStored) {
  Init();
  Unlock();
  for (const json& body :
       {json{{"text", ""}}, json{{"text", "   \n"}}, json{{"text", 7}},
        json::object(), json{{"text", "x"}, {"prompt", "no-such-question"}},
        json{{"text", "x"}, {"prompt", 3}}}) {
    ApiResponse res = Call("POST", "/api/journal", body);
    EXPECT_EQ(res.status, 400u) << body.dump() << " " << res.body.dump();
    EXPECT_EQ(res.body["error"], "invalid_input") << body.dump();
  }
  EXPECT_EQ(Call("GET", "/api/journal").body["entries"].size(), 0u);
  for (const char* path :
       {"/api/journal/abc/edit", "/api/journal/0/delete",
        "/api/journal/-1/delete", "/api/journal/99/delete"}) {
    EXPECT_EQ(Call("POST", path, {{"text", "x"}}).status, 404u) << path;
  }
  EXPECT_EQ(Call("GET", "/api/journal/1/delete").status, 405u);
}

}  // namespace
}  // namespace inch::ui
