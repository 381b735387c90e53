// The pairing routes called directly (ui/api_pair.cpp), with two homes in
// one process, each with its own Api (so its own PairJob): one offers, the
// other joins at the offer's port on loopback, both see the same check
// words, which `inch status --json` shows too; "no" erases the partner
// here; a wrong code fails in words; unpairing behind a confirmation, as
// `inch unpair` does it. Jobs are polled with generous deadlines; nothing
// asserts how long they took.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cli/partner_state.hpp"
#include "crypto/secret.hpp"
#include "tests/support/inch_process.hpp"
#include "ui/api.hpp"
#include "ui/api_pair.hpp"

namespace inch::ui {
namespace {

using nlohmann::json;
using test::Describe;
using test::InchSandbox;
using test::RunResult;

constexpr auto kDeadline = std::chrono::seconds(90);

class ApiPairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    for (InchSandbox* box : {&a_, &b_}) {
      RunResult init = box->RunWithPassphrase({"init"});
      ASSERT_EQ(init.exit_code, 0) << Describe(init);
    }
    // Both agents' sockets in one runtime folder (named per home), and
    // offers announced on a port of this test's own.
    ::setenv("XDG_RUNTIME_DIR", a_.runtime_dir().c_str(), 1);
    ::setenv("INCH_DISCOVERY_PORT",
             std::to_string(40000 + std::random_device{}() % 20000).c_str(), 1);
    ::unsetenv("INCH_PASSPHRASE_FILE");
    for (const Api* api : {&api_a_, &api_b_}) {
      ApiResponse res = Call(*api, "POST", "/api/unlock",
                             {{"passphrase", InchSandbox::kPassphrase}});
      ASSERT_EQ(res.status, 200u) << res.body.dump();
    }
  }
  void TearDown() override {
    for (const Api* api : {&api_a_, &api_b_}) {
      (void)Call(*api, "POST", "/api/pair/cancel");
      (void)Call(*api, "POST", "/api/lock");
    }
  }

  static ApiResponse Call(const Api& api, const std::string& method,
                          const std::string& path, json body = json::object()) {
    return api.Handle(ApiRequest{method, path, std::move(body)});
  }
  // Polls GET /api/pair until `done` holds for its answer (or the
  // deadline passes: then the last answer, which the caller's checks fail).
  template <class Pred>
  static json PollUntil(const Api& api, Pred done) {
    const auto until = std::chrono::steady_clock::now() + kDeadline;
    json job;
    do {
      job = Call(api, "GET", "/api/pair").body;
      if (done(job)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < until);
    return job;
  }
  static json PollWhileWorking(const Api& api) {
    return PollUntil(api,
                     [](const json& j) { return j["state"] != "working"; });
  }
  // A offers; returns its snapshot once the code is shown.
  json Offer() const {
    ApiResponse res = Call(api_a_, "POST", "/api/pair/offer");
    EXPECT_EQ(res.status, 202u) << res.body.dump();
    EXPECT_EQ(res.body["task"], "offer");
    return PollUntil(api_a_, [](const json& j) {
      return !j["code"].is_null() || j["state"] != "working";
    });
  }
  // B joins A's offer at its port on loopback with `code`.
  ApiResponse Join(const json& offer, const std::string& code) const {
    const std::string address =
        "127.0.0.1:" + std::to_string(offer["port"].get<int>());
    return Call(api_b_, "POST", "/api/pair/join",
                {{"code", code}, {"address", address}});
  }
  // Both reach the words; returns {A's job, B's job}.
  std::pair<json, json> PairBoth() const {
    json offer = Offer();
    EXPECT_EQ(offer["state"], "working") << offer.dump();
    EXPECT_TRUE(offer["code"].is_string()) << offer.dump();
    if (!offer["code"].is_string()) return {offer, json()};
    ApiResponse join = Join(offer, offer["code"]);
    EXPECT_EQ(join.status, 202u) << join.body.dump();
    return {PollWhileWorking(api_a_), PollWhileWorking(api_b_)};
  }
  json StatusJson(const InchSandbox& box) const {
    RunResult r = box.RunWithPassphrase({"status", "--json"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return json::parse(r.out, nullptr, false);
  }

  InchSandbox a_, b_;
  Api api_a_{ApiConfig{a_.home()}};
  Api api_b_{ApiConfig{b_.home()}};
};

TEST_F(ApiPairTest, BothSeeTheSameWordsAndOnceBothSayYesBothArePaired) {
  ApiResponse before = Call(api_a_, "GET", "/api/partner");
  ASSERT_EQ(before.status, 200u) << before.body.dump();
  EXPECT_EQ(before.body["paired"], false);
  EXPECT_EQ(before.body["words"], "You are not paired yet.");

  auto [a, b] = PairBoth();
  ASSERT_EQ(a["state"], "comparing") << a.dump();
  ASSERT_EQ(b["state"], "comparing") << b.dump();
  ASSERT_EQ(a["check_words"].size(), 4u) << a.dump();
  EXPECT_EQ(a["check_words"], b["check_words"]);
  EXPECT_TRUE(a["code"].is_null()) << "the used code is no longer shown";
  // The same words as `inch status` shows on each laptop.
  EXPECT_EQ(StatusJson(a_)["partner"]["check_words"], a["check_words"]);
  EXPECT_EQ(StatusJson(b_)["partner"]["check_words"], b["check_words"]);
  // Another pairing waits for the answer.
  EXPECT_EQ(Call(api_a_, "POST", "/api/pair/offer").status, 409u);

  for (const Api* api : {&api_a_, &api_b_}) {
    ApiResponse yes = Call(*api, "POST", "/api/pair/confirm", {{"same", true}});
    ASSERT_EQ(yes.status, 200u) << yes.body.dump();
    EXPECT_EQ(yes.body["state"], "done");
    EXPECT_NE(yes.body["message"].get<std::string>().find("Paired"),
              std::string::npos)
        << yes.body.dump();
    ApiResponse partner = Call(*api, "GET", "/api/partner");
    EXPECT_EQ(partner.body["paired"], true) << partner.body.dump();
    EXPECT_EQ(partner.body["check_words"], a["check_words"]);
    EXPECT_EQ(partner.body["words"],
              "You are paired. Your partner's laptop has not been reached "
              "yet.");
  }
  // Paired: a new offer is refused before anything starts.
  ApiResponse again = Call(api_a_, "POST", "/api/pair/offer");
  EXPECT_EQ(again.status, 409u) << again.body.dump();
  EXPECT_NE(again.body["message"].get<std::string>().find("unpair first"),
            std::string::npos);
}

TEST_F(ApiPairTest, NoErasesThePartnerHereAndSaysWhatToDoOnTheOther) {
  auto [a, b] = PairBoth();
  ASSERT_EQ(a["state"], "comparing") << a.dump();
  ASSERT_EQ(b["state"], "comparing") << b.dump();
  ApiResponse no = Call(api_a_, "POST", "/api/pair/confirm", {{"same", false}});
  ASSERT_EQ(no.status, 200u) << no.body.dump();
  EXPECT_EQ(no.body["state"], "failed");
  const std::string words = no.body["message"];
  EXPECT_NE(words.find("answer No as well"), std::string::npos) << words;
  EXPECT_EQ(Call(api_a_, "GET", "/api/partner").body["paired"], false);
  EXPECT_TRUE(StatusJson(a_)["partner"].is_null());
  // The other laptop keeps the pairing until its person answers.
  EXPECT_EQ(Call(api_b_, "GET", "/api/partner").body["paired"], true);
  EXPECT_EQ(Call(api_b_, "POST", "/api/pair/confirm", {{"same", false}})
                .body["state"],
            "failed");
  EXPECT_EQ(Call(api_b_, "GET", "/api/partner").body["paired"], false);
  // Dismissed, the job is gone.
  EXPECT_EQ(Call(api_a_, "POST", "/api/pair/cancel").body["state"], "none");
}

TEST_F(ApiPairTest, AWrongCodeFailsInWordsAndTheOfferKeepsWaitingUntilStopped) {
  json offer = Offer();
  ASSERT_TRUE(offer["code"].is_string()) << offer.dump();
  std::string wrong = offer["code"];
  wrong[0] = wrong[0] == '1' ? '2' : '1';
  ASSERT_EQ(Join(offer, wrong).status, 202u);
  json b = PollWhileWorking(api_b_);
  EXPECT_EQ(b["state"], "failed") << b.dump();
  EXPECT_NE(b["message"].get<std::string>().find("did not match"),
            std::string::npos)
      << b.dump();
  // An announced code survives a few wrong tries, and says so.
  json a = PollUntil(api_a_, [](const json& j) {
    return j["message"].get<std::string>().starts_with("Someone tried");
  });
  EXPECT_EQ(a["state"], "working") << a.dump();
  EXPECT_NE(a["message"].get<std::string>().find("2 more wrong tries"),
            std::string::npos)
      << a.dump();
  EXPECT_EQ(a["code"], offer["code"]);

  EXPECT_EQ(Call(api_a_, "POST", "/api/pair/cancel").status, 200u);
  a = PollWhileWorking(api_a_);
  EXPECT_EQ(a["state"], "failed") << a.dump();
  EXPECT_EQ(a["message"], "Pairing stopped. Nothing was changed.");
  EXPECT_EQ(Call(api_a_, "GET", "/api/partner").body["paired"], false);
  EXPECT_EQ(Call(api_b_, "GET", "/api/partner").body["paired"], false);
}

TEST_F(ApiPairTest, UnpairingNeedsAConfirmationAndDoesWhatInchUnpairDoes) {
  auto [a, b] = PairBoth();
  ASSERT_EQ(a["state"], "comparing") << a.dump();
  for (const Api* api : {&api_a_, &api_b_}) {
    ASSERT_EQ(Call(*api, "POST", "/api/pair/confirm", {{"same", true}}).status,
              200u);
  }
  ApiResponse unconfirmed = Call(api_a_, "POST", "/api/unpair");
  EXPECT_EQ(unconfirmed.status, 400u) << unconfirmed.body.dump();
  EXPECT_EQ(Call(api_a_, "GET", "/api/partner").body["paired"], true);

  ApiResponse unpair = Call(api_a_, "POST", "/api/unpair", {{"confirm", true}});
  ASSERT_EQ(unpair.status, 202u) << unpair.body.dump();
  EXPECT_EQ(unpair.body["task"], "unpair");
  json done = PollWhileWorking(api_a_);
  EXPECT_EQ(done["state"], "done") << done.dump();
  // B's laptop serves nothing, so it is told later, and the page says so.
  EXPECT_NE(done["message"].get<std::string>().find("will be told"),
            std::string::npos)
      << done.dump();
  ApiResponse partner = Call(api_a_, "GET", "/api/partner");
  EXPECT_EQ(partner.body["paired"], false);
  EXPECT_EQ(partner.body["notice_owed"], true) << partner.body.dump();
  EXPECT_TRUE(partner.body["notice_words"].is_string());
  EXPECT_TRUE(StatusJson(a_)["partner"].is_null());
  // Not paired: nothing to unpair.
  EXPECT_EQ(Call(api_a_, "POST", "/api/unpair", {{"confirm", true}}).status,
            404u);
}

TEST_F(ApiPairTest, LockedIs423AndBadRequestsSayWhatIsWrong) {
  EXPECT_EQ(Call(api_a_, "POST", "/api/lock").status, 200u);
  EXPECT_EQ(Call(api_a_, "POST", "/api/pair/offer").status, 423u);
  EXPECT_EQ(Call(api_a_, "GET", "/api/partner").status, 423u);
  EXPECT_EQ(Call(api_a_, "GET", "/api/pair").body["state"], "none");

  ApiResponse bad = Call(api_b_, "POST", "/api/pair/join", {{"code", "12ab"}});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body["message"].get<std::string>().find("eight digits"),
            std::string::npos);
  EXPECT_EQ(Call(api_b_, "POST", "/api/pair/join", json::object()).status,
            400u);
  EXPECT_EQ(Call(api_b_, "POST", "/api/pair/join",
                 {{"code", "1234-5678"}, {"address", 7}})
                .status,
            400u);
  EXPECT_EQ(Call(api_b_, "POST", "/api/pair/confirm", {{"same", "yes"}}).status,
            400u);
  EXPECT_EQ(Call(api_b_, "POST", "/api/pair/confirm", {{"same", true}}).status,
            409u);
  EXPECT_EQ(Call(api_b_, "GET", "/api/pair/offer").status, 405u);
}

TEST(PartnerWordsTest, SayWhetherPairedAndWhenThePartnersLaptopWasReached) {
  const std::int64_t now = 1'800'000'000'000;
  cli::PartnerStatus seen;
  EXPECT_EQ(PartnerWords(seen, now), "You are not paired yet.");
  seen.partner = store::PartnerInfo{};
  EXPECT_EQ(PartnerWords(seen, now),
            "You are paired. Your partner's laptop has not been reached yet.");
  seen.last_sync_ms = now - 5 * 60'000;
  EXPECT_EQ(PartnerWords(seen, now),
            "Your partner's laptop was reached 5 minutes ago.");
  seen.last_sync_ms = now - 30'000;
  EXPECT_EQ(PartnerWords(seen, now),
            "Your partner's laptop was reached just now.");
}

}  // namespace
}  // namespace inch::ui
