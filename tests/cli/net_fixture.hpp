// Two sandboxed nodes driven through the real binary for the networking
// end-to-end and security tests: init + unlock, pairing through a
// background listener, daemons on free ports, and helpers to add content.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/support/background_process.hpp"
#include "tests/support/inch_process.hpp"
#include "tests/support/marker_search.hpp"
#include "tests/support/tcp_relay.hpp"

namespace inch::test {

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    for (InchSandbox* box : {&a_, &b_}) {
      RunResult init = box->RunWithPassphrase({"init"});
      ASSERT_EQ(init.exit_code, 0) << Describe(init);
      RunResult unlock = box->RunWithPassphrase({"unlock"});
      ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
    }
  }

  static std::string NodeId(const InchSandbox& box) {
    auto doc = nlohmann::json::parse(box.Run({"--json", "status"}).out, nullptr,
                                     false);
    return doc.is_object() && doc.contains("node_id")
               ? doc["node_id"].get<std::string>()
               : "";
  }
  static nlohmann::json Status(const InchSandbox& box) {
    return nlohmann::json::parse(box.Run({"--json", "status"}).out, nullptr,
                                 false);
  }

  // Pairs `listener` (shows the code) with `dialer` typing `typed` (the
  // right code when empty). Returns both exit codes.
  std::pair<int, int> Pair(const InchSandbox& listener,
                           const InchSandbox& dialer,
                           const std::string& typed = "") {
    BackgroundProcess bg(INCH_BINARY,
                         {"--json", "pair", "--listen", "127.0.0.1:0"},
                         listener.Env());
    auto line = nlohmann::json::parse(bg.ReadLine(), nullptr, false);
    EXPECT_TRUE(line.is_object()) << "no address line";
    if (!line.is_object()) return {-1, -1};
    std::string code = typed.empty() ? line["code"].get<std::string>() : typed;
    RunResult d = dialer.Run(
        {"pair", line["address"].get<std::string>(), "--code", code});
    RunResult l = bg.Wait();
    return {l.exit_code, d.exit_code};
  }

  // `inch serve` on a free port; `address` gets "127.0.0.1:PORT".
  std::unique_ptr<BackgroundProcess> Serve(const InchSandbox& box,
                                           std::string* address) {
    auto bg = std::make_unique<BackgroundProcess>(
        INCH_BINARY,
        std::vector<std::string>{"--json", "serve", "--listen", "127.0.0.1:0"},
        box.Env());
    auto line = nlohmann::json::parse(bg->ReadLine(), nullptr, false);
    EXPECT_TRUE(line.is_object()) << "serve printed no address";
    if (line.is_object()) *address = line["address"].get<std::string>();
    return bg;
  }
  static std::uint16_t PortOf(const std::string& address) {
    return static_cast<std::uint16_t>(
        std::stoi(address.substr(address.rfind(':') + 1)));
  }

  // Runs a command that must succeed; returns stdout.
  static std::string Ok(const InchSandbox& box,
                        const std::vector<std::string>& args) {
    RunResult r = box.Run(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return r.out;
  }
  // Adds a wish, shares it, and returns its id.
  static std::string SharedWish(const InchSandbox& box,
                                const std::string& text) {
    auto doc = nlohmann::json::parse(Ok(box, {"--json", "wish", "add", text}),
                                     nullptr, false);
    EXPECT_TRUE(doc.is_object() && doc.contains("id")) << doc.dump();
    if (!doc.is_object() || !doc.contains("id")) return "";
    std::string id =
        doc["id"].is_string() ? doc["id"].get<std::string>() : doc["id"].dump();
    Ok(box, {"share", id});
    return id;
  }
  static bool PartnerListHas(const InchSandbox& box, const std::string& text) {
    return box.Run({"--json", "list", "--partner"}).out.find(text) !=
           std::string::npos;
  }
  // Pairs a and b, both ready for notes, and starts both daemons; one
  // manual sync teaches b where a's daemon listens, so they then connect
  // on their own. `address_a` gets a's daemon address.
  void ServeBoth(std::string* address_a,
                 std::unique_ptr<BackgroundProcess>* serve_a,
                 std::unique_ptr<BackgroundProcess>* serve_b) {
    ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
    Ok(a_, {"ready", "notes"});
    Ok(b_, {"ready", "notes"});
    *serve_a = Serve(a_, address_a);
    ASSERT_EQ(b_.Run({"sync", "--peer", *address_a}).exit_code, 0);
    std::string address_b;
    *serve_b = Serve(b_, &address_b);
  }
  // Whether `box`'s notes (sent or received) hold `text`.
  static bool NotesHave(const InchSandbox& box, const std::string& text) {
    return box.Run({"--json", "notes"}).out.find(text) != std::string::npos;
  }
  // How many times `needle` stands in `text` (log lines, say).
  static std::size_t Count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1)) {
      ++n;
    }
    return n;
  }

  // Polls `pred` every 100 ms up to a generous deadline (never a timing
  // assertion: only the outcome is checked).
  template <class Pred>
  static bool Eventually(
      Pred pred, std::chrono::seconds deadline = std::chrono::seconds(30)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred();
  }

  InchSandbox a_, b_;
};

}  // namespace inch::test
