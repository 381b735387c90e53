// `inch lock` locks the daemon too (issue 9, point 7), through the real
// binary: after lock the daemon drops the key, ends its sessions, closes
// its listener and waits, so nothing is decrypted until `inch unlock`; a
// daemon started while locked waits instead of failing or prompting; the
// agent's idle timeout counts as a lock; `inch status` tells the daemon's
// state truthfully; and the daemon's log holds no secret and no content.
#include <gtest/gtest.h>
#include <signal.h>

#include "cli/home.hpp"
#include "cli/node_file.hpp"
#include "common/bytes.hpp"
#include "crypto/aead.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"
#include "crypto/secret.hpp"
#include "store/shared/shared_store.hpp"
#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

class LockDaemonTest : public TwoNodes {
 protected:
  void SetUp() override {
    TwoNodes::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
    Ok(a_, {"ready", "lists"});
    Ok(b_, {"ready", "lists"});
  }

  static std::string DaemonState(const InchSandbox& box) {
    json s = Status(box);
    if (!s.is_object() || !s.contains("daemon") || !s["daemon"].is_object()) {
      return "(no daemon in status: " + s.dump() + ")";
    }
    return s["daemon"]["state"].get<std::string>();
  }
  static bool IsState(const InchSandbox& box, const std::string& state) {
    return DaemonState(box) == state;
  }
  RunResult SyncBToA(const std::string& address) const {
    return b_.Run({"sync", "--peer", address});
  }
};

TEST_F(LockDaemonTest, AfterLockNothingIsDecryptedUntilUnlock) {
  std::string address;
  auto serve = Serve(a_, &address);
  ASSERT_FALSE(address.empty());
  ASSERT_EQ(SyncBToA(address).exit_code, 0);
  EXPECT_EQ(DaemonState(a_), "running");

  RunResult lock = a_.Run({"lock"});
  ASSERT_EQ(lock.exit_code, 0) << Describe(lock);
  EXPECT_NE(lock.out.find("Locked"), std::string::npos) << lock.out;
  EXPECT_NE(lock.err.find("waits for `inch unlock`"), std::string::npos)
      << lock.err;
  json status = Status(a_);
  EXPECT_EQ(status["locked"], true) << status.dump();
  EXPECT_EQ(status["daemon"]["state"], "waiting_for_unlock") << status.dump();

  // The partner's item cannot reach the locked node: its listener is shut.
  std::string marker = RandomMarker("LOCKED");
  SharedWish(b_, marker);
  RunResult refused = SyncBToA(address);
  EXPECT_EQ(refused.exit_code, 4) << Describe(refused);
  EXPECT_NE(refused.err.find("cannot reach " + address), std::string::npos)
      << refused.err;

  RunResult unlock = a_.RunWithPassphrase({"unlock"});
  ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  EXPECT_NE(unlock.err.find("serving again"), std::string::npos) << unlock.err;
  EXPECT_EQ(DaemonState(a_), "running");
  // The same sync, to the same address: the daemon listens where it did.
  RunResult again = SyncBToA(address);
  EXPECT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_TRUE(PartnerListHas(a_, marker));
}

TEST_F(LockDaemonTest, ServeStartedWhileLockedWaitsThenServesAfterUnlock) {
  ASSERT_EQ(a_.Run({"lock"}).exit_code, 0);
  BackgroundProcess serve(
      INCH_BINARY, {"--json", "serve", "--listen", "127.0.0.1:0"}, a_.Env());
  ASSERT_TRUE(serve.started());
  ASSERT_TRUE(Eventually([&] { return IsState(a_, "waiting_for_unlock"); }))
      << DaemonState(a_);
  // Waiting, not failed and not prompting: no address, still alive.
  EXPECT_EQ(serve.ReadLine(std::chrono::seconds(1)), "");
  EXPECT_EQ(DaemonState(a_), "waiting_for_unlock");

  std::string marker = RandomMarker("WAITED");
  SharedWish(b_, marker);
  ASSERT_EQ(a_.RunWithPassphrase({"unlock"}).exit_code, 0);
  auto line = json::parse(serve.ReadLine(), nullptr, false);
  ASSERT_TRUE(line.is_object() && line.contains("address")) << line.dump();
  EXPECT_EQ(DaemonState(a_), "running");
  RunResult sync = SyncBToA(line["address"].get<std::string>());
  EXPECT_EQ(sync.exit_code, 0) << Describe(sync);
  EXPECT_TRUE(PartnerListHas(a_, marker));

  serve.Signal(SIGTERM);
  RunResult done = serve.Wait();
  EXPECT_EQ(done.exit_code, 0) << Describe(done);
  EXPECT_NE(done.err.find("inch is locked: waiting for `inch unlock`"),
            std::string::npos)
      << done.err;
  EXPECT_EQ(DaemonState(a_), "not_running");
}

// A service installed before the first run (or `inch serve` started then)
// waits for the node instead of failing, and serves once it is made and
// unlocked.
TEST(ServeBeforeFirstRunTest, WaitsForTheNodeThenServesOnceUnlocked) {
  InchSandbox box;  // no `inch init` yet
  BackgroundProcess serve(
      INCH_BINARY, {"--json", "serve", "--listen", "127.0.0.1:0"}, box.Env());
  ASSERT_TRUE(serve.started());
  EXPECT_EQ(serve.ReadLine(std::chrono::seconds(2)), "");  // alive, waiting
  ASSERT_EQ(box.RunWithPassphrase({"init"}).exit_code, 0);
  ASSERT_EQ(box.RunWithPassphrase({"unlock"}).exit_code, 0);
  auto line = json::parse(serve.ReadLine(), nullptr, false);
  ASSERT_TRUE(line.is_object() && line.contains("address")) << line.dump();
  serve.Signal(SIGTERM);
  RunResult done = serve.Wait();
  EXPECT_EQ(done.exit_code, 0) << Describe(done);
  EXPECT_NE(done.err.find("there is no inch on this laptop yet: waiting for "
                          "the first run"),
            std::string::npos)
      << done.err;
}

TEST_F(LockDaemonTest, TheIdleTimeoutLocksTheDaemonToo) {
  ASSERT_EQ(a_.RunWithPassphrase({"unlock", "--for", "3s"}).exit_code, 0);
  std::string address;
  auto serve = Serve(a_, &address);
  ASSERT_FALSE(address.empty());
  // The daemon's own looks do not keep the agent alive.
  ASSERT_TRUE(Eventually([&] { return IsState(a_, "waiting_for_unlock"); }))
      << DaemonState(a_);
  EXPECT_EQ(Status(a_)["locked"], true);
  EXPECT_EQ(SyncBToA(address).exit_code, 4);
}

TEST_F(LockDaemonTest, UnlockingAgainKeepsTheDaemonServing) {
  std::string address;
  auto serve = Serve(a_, &address);
  ASSERT_FALSE(address.empty());
  ASSERT_EQ(a_.RunWithPassphrase({"unlock", "--for", "1h"}).exit_code, 0);
  EXPECT_EQ(DaemonState(a_), "running");
  EXPECT_EQ(SyncBToA(address).exit_code, 0);
  serve->Signal(SIGTERM);
  RunResult done = serve->Wait();
  // The agent was replaced under it with the same key: no lock happened.
  EXPECT_EQ(done.err.find("inch is locked"), std::string::npos) << done.err;
  EXPECT_EQ(Count(done.err, "listening on"), 1u) << done.err;
}

TEST_F(LockDaemonTest, StatusTellsTheDaemonsStateTruthfully) {
  EXPECT_EQ(DaemonState(a_), "not_running");
  EXPECT_NE(a_.Run({"status"}).out.find("not running"), std::string::npos);

  std::string address;
  auto serve = Serve(a_, &address);
  ASSERT_FALSE(address.empty());
  json status = Status(a_);
  EXPECT_EQ(status["daemon"]["state"], "running") << status.dump();
  EXPECT_TRUE(status["daemon"]["pid"].is_number()) << status.dump();
  RunResult text = a_.Run({"status"});
  EXPECT_NE(text.out.find("running (pid "), std::string::npos) << text.out;

  ASSERT_EQ(a_.Run({"lock"}).exit_code, 0);
  EXPECT_EQ(DaemonState(a_), "waiting_for_unlock");
  text = a_.Run({"status"});
  EXPECT_NE(text.out.find("waiting for `inch unlock`"), std::string::npos)
      << text.out;

  ASSERT_EQ(a_.RunWithPassphrase({"unlock"}).exit_code, 0);
  EXPECT_EQ(DaemonState(a_), "running");
  serve->Signal(SIGKILL);  // no chance to tidy its state file
  serve->Wait();
  EXPECT_EQ(DaemonState(a_), "not_running");
  text = a_.Run({"status"});
  EXPECT_NE(text.out.find("not running"), std::string::npos) << text.out;
  // A lock with a dead daemon's file left behind does not wait for it.
  RunResult lock = a_.Run({"--json", "lock"});
  EXPECT_EQ(lock.exit_code, 0) << Describe(lock);
  EXPECT_EQ(json::parse(lock.out)["daemon"]["state"], "not_running");
}

// Every key of `box`'s node, in hex: master, identity secret, pair secret.
std::vector<std::string> SecretsInHex(const InchSandbox& box) {
  std::vector<std::string> out;
  EXPECT_TRUE(crypto::InitCrypto());
  cli::HomeFiles files = cli::FilesIn(box.home());
  auto node = cli::LoadNodeFile(files);
  EXPECT_TRUE(node) << node.error().message;
  if (!node) return out;
  auto pass = crypto::Secret::CopyOf(AsBytes(InchSandbox::kPassphrase));
  auto master = crypto::UnwrapMasterKey(pass, node->wrapped);
  EXPECT_TRUE(master);
  if (!master) return out;
  out.push_back(ToHex(master->view()));
  if (auto id = cli::OpenIdentity(*master, *node)) {
    out.push_back(ToHex(id->secret_key.view()));
  }
  auto store = store::SharedStore::Open(
      files.shared_db, crypto::DeriveSubkey(*master, crypto::Subkey::kShared),
      node->identity_public, false);
  EXPECT_TRUE(store) << store.error().message;
  if (!store) return out;
  auto pair = (*store)->pairing().PairSecret();
  EXPECT_TRUE(pair) << pair.error().message;
  if (pair) out.push_back(ToHex(pair->view()));
  EXPECT_EQ(out.size(), 3u);
  return out;
}

TEST_F(LockDaemonTest, TheDaemonsLogHoldsNoSecretAndNoContent) {
  std::string address_a;
  std::unique_ptr<BackgroundProcess> serve_a, serve_b;
  serve_a = Serve(a_, &address_a);
  ASSERT_EQ(SyncBToA(address_a).exit_code, 0);
  std::string address_b;
  serve_b = Serve(b_, &address_b);
  std::string marker = RandomMarker("LOGGED");
  SharedWish(a_, marker);
  ASSERT_TRUE(Eventually([&] { return PartnerListHas(b_, marker); }));
  // A lock and an unlock are logged too.
  ASSERT_EQ(a_.Run({"lock"}).exit_code, 0);
  ASSERT_EQ(a_.RunWithPassphrase({"unlock"}).exit_code, 0);
  serve_a->Signal(SIGTERM);
  serve_b->Signal(SIGTERM);
  std::string log = serve_a->Wait().err + serve_b->Wait().err;
  ASSERT_NE(log.find("listening on"), std::string::npos) << log;
  EXPECT_NE(log.find("inch is locked: waiting for `inch unlock`"),
            std::string::npos)
      << log;
  EXPECT_TRUE(FindMarkerInBytes(log, marker).empty()) << log;
  std::vector<std::string> secrets = SecretsInHex(a_);
  for (const std::string& hex : SecretsInHex(b_)) secrets.push_back(hex);
  ASSERT_EQ(secrets.size(), 6u);
  for (const std::string& hex : secrets) {
    EXPECT_TRUE(FindMarkerInBytes(log, hex).empty()) << hex;
    EXPECT_EQ(log.find(hex.substr(0, 16)), std::string::npos) << hex;
  }
}

}  // namespace
}  // namespace inch::test
