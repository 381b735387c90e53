// The GoogleTest side of the two-host harness: a fixture that makes the
// two hosts and one initialised, unlocked node on each, or skips loudly
// (with the reason) where network namespaces cannot be made.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/netns/netns_node.hpp"
#include "tests/netns/two_hosts.hpp"
#include "tests/support/marker_search.hpp"

namespace inch::test::netns {

class TwoHostsTest : public ::testing::Test {
 protected:
  static constexpr int kA = TwoHosts::kA;
  static constexpr int kB = TwoHosts::kB;

  void SetUp() override {
    const std::string& why = UnavailableReason();
    if (!why.empty()) {
      std::cerr << "\n*** SKIPPED: two-host (netns) test cannot run here: "
                << why << " ***\n\n";
      GTEST_SKIP() << "two-host (netns) tests need network namespaces: " << why;
    }
    hosts_ = std::make_unique<TwoHosts>();
    ASSERT_TRUE(hosts_->ok()) << hosts_->error();
    a_ = std::make_unique<Node>(*hosts_, kA);
    b_ = std::make_unique<Node>(*hosts_, kB);
    if (!NeedsB()) {
      ASSERT_EQ(a_->InitAndUnlock(), "");
      return;
    }
    // Both at once: each init and unlock stretches a passphrase (~3 s).
    auto a_ready =
        std::async(std::launch::async, [this] { return a_->InitAndUnlock(); });
    std::string b_ready = b_->InitAndUnlock();
    ASSERT_EQ(a_ready.get(), "");
    ASSERT_EQ(b_ready, "");
  }
  // Whether B's node is initialised too (tests of A alone skip its cost).
  virtual bool NeedsB() const { return true; }
  void TearDown() override {
    // Daemons, then nodes (their destructors lock the agents), then hosts.
    serve_a_.reset();
    serve_b_.reset();
    a_.reset();
    b_.reset();
    hosts_.reset();
  }

  // `host`'s address with `port` ("10.77.N.1:47470").
  std::string At(int host, int port) const {
    return hosts_->address(host) + ":" + std::to_string(port);
  }
  // Runs a command that must succeed; returns stdout.
  static std::string Ok(const Node& node,
                        const std::vector<std::string>& args) {
    RunResult r = node.Run(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return r.out;
  }
  static nlohmann::json Status(const Node& node) {
    return nlohmann::json::parse(node.Run({"--json", "status"}).out, nullptr,
                                 false);
  }
  // Both nodes name each other as partner, with the same check words.
  void ExpectPaired() const {
    auto sa = Status(*a_), sb = Status(*b_);
    ASSERT_TRUE(sa["partner"].is_object()) << sa.dump();
    ASSERT_TRUE(sb["partner"].is_object()) << sb.dump();
    EXPECT_EQ(sa["partner"]["node_id"], sb["node_id"]);
    EXPECT_EQ(sb["partner"]["node_id"], sa["node_id"]);
    EXPECT_EQ(sa["partner"]["check_words"], sb["partner"]["check_words"]);
  }
  // Both ready to exchange notes.
  void ReadyForNotes() const {
    Ok(*a_, {"ready", "notes"});
    Ok(*b_, {"ready", "notes"});
  }
  // A fresh note from `node`; returns its marker.
  static std::string Thank(const Node& node, const std::string& prefix) {
    std::string marker = RandomMarker(prefix);
    Ok(node, {"thank", "Thank you for " + marker});
    return marker;
  }
  // Every marker stands exactly once on both nodes (no loss, no duplicate).
  bool AllOnceOnBoth(const std::vector<std::string>& markers) const {
    for (const auto& m : markers) {
      if (a_->NotesCount(m) != 1 || b_->NotesCount(m) != 1) return false;
    }
    return true;
  }
  std::string CountsOf(const std::vector<std::string>& markers) const {
    std::string out;
    for (const auto& m : markers) {
      out += m + ": a=" + std::to_string(a_->NotesCount(m)) +
             " b=" + std::to_string(b_->NotesCount(m)) + "\n";
    }
    return out;
  }
  // `inch serve` on both, on `listen_a` and `listen_b` (with no address
  // when empty); returns once both listen.
  void ServeBoth(const std::string& listen_a, const std::string& listen_b) {
    std::string line_a, line_b;
    serve_a_ = Serve(*a_, listen_a, &line_a);
    serve_b_ = Serve(*b_, listen_b, &line_b);
    ASSERT_NE(line_a, "") << Describe(serve_a_->Wait(std::chrono::seconds(1)));
    ASSERT_NE(line_b, "") << Describe(serve_b_->Wait(std::chrono::seconds(1)));
  }
  // Both daemons' logs (stopping them: only for failure messages).
  std::string Logs() {
    std::string out;
    for (auto* serve : {&serve_a_, &serve_b_}) {
      if (!*serve) continue;
      (*serve)->Signal(SIGTERM);
      out += std::string(serve == &serve_a_ ? "--- A's" : "--- B's") +
             " daemon:\n" + Describe((*serve)->Wait(std::chrono::seconds(5))) +
             "\n";
    }
    return out;
  }
  // A first note from A stands once on both within 60 s: the daemons found
  // each other. Its marker is added to `notes`.
  void FirstNoteCrosses(const std::string& prefix,
                        std::vector<std::string>* notes) {
    notes->push_back(Thank(*a_, prefix));
    ASSERT_GE(SecondsUntil([&] { return AllOnceOnBoth(*notes); },
                           std::chrono::seconds(60)),
              0)
        << "the daemons never found each other\n"
        << CountsOf(*notes) << Logs();
  }
  // The link is down for 30 s while both write three notes each (added to
  // `notes`), then comes back; every note must then stand once on both.
  // Returns the seconds from link-up to convergence, negative (and a
  // failure) when there is none within 120 s.
  double OutageWhileBothWrite(std::vector<std::string>* notes) {
    if (std::string e = hosts_->LinkDown(); !e.empty()) {
      ADD_FAILURE() << "link down: " << e;
      return -1;
    }
    const auto up_at =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    const std::size_t first_apart = notes->size();
    for (int i = 0; i < 3; ++i) {
      notes->push_back(Thank(*a_, "APARTA"));
      notes->push_back(Thank(*b_, "APARTB"));
      std::this_thread::sleep_for(std::chrono::seconds(8));
    }
    std::this_thread::sleep_until(up_at);
    // Nothing written apart can have crossed a dead link.
    EXPECT_EQ(b_->NotesCount((*notes)[first_apart]), 0u);
    if (std::string e = hosts_->LinkUp(); !e.empty()) {
      ADD_FAILURE() << "link up: " << e;
      return -1;
    }
    double took = SecondsUntil([&] { return AllOnceOnBoth(*notes); },
                               std::chrono::seconds(120));
    EXPECT_GE(took, 0) << "no convergence within 120 s after the link came "
                          "back:\n"
                       << CountsOf(*notes) << Logs();
    return took;
  }
  // Prints a measured figure (never asserted) and records it in the XML.
  void Report(const std::string& what, double seconds) {
    std::cout << "[  FIGURE  ] " << what << ": " << seconds << " s"
              << std::endl;
    RecordProperty(what, std::to_string(seconds));
  }

  std::unique_ptr<TwoHosts> hosts_;
  std::unique_ptr<Node> a_, b_;
  std::unique_ptr<BackgroundProcess> serve_a_, serve_b_;  // by ServeBoth
};

}  // namespace inch::test::netns
