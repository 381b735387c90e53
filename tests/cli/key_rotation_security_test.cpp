// Master-key rotation (`inch passphrase --rotate-key`, issue 8 point 7)
// through the real binary: an old copy of node.json with the old
// passphrase opens nothing written after the rotation (while a plain
// passphrase change leaves it opening everything); a wrong passphrase
// changes no byte; the agent is locked; a running daemon refuses it; a
// paired node goes on syncing; and a rotation stopped where a crash would
// stop it is finished by the next command, with either passphrase.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/home.hpp"
#include "cli/key_rotation.hpp"
#include "cli/node_file.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"
#include "store/journal/journal.hpp"
#include "store/shared/shared_store.hpp"
#include "tests/cli/net_fixture.hpp"
#include "tests/support/inch_process.hpp"

namespace inch {
namespace {

using nlohmann::json;
using test::Describe;
using test::InchSandbox;
using test::RandomMarker;
using test::ReadFileBytes;
using test::RunResult;

void Overwrite(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Every file of the home but the lock, name -> bytes.
std::map<std::string, std::string> HomeBytes(const InchSandbox& box) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(box.home())) {
    std::string name = e.path().filename().string();
    if (name != "key.lock") out[name] = ReadFileBytes(e.path().string());
  }
  return out;
}

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(box_.RunWithPassphrase({"init"}).exit_code, 0);
    fresh_ = box_.WriteFile("fresh", "a brand new passphrase\n");
  }
  RunResult WithOld(std::vector<std::string> args) const {
    return box_.RunWithPassphrase(std::move(args));
  }
  RunResult WithNew(std::vector<std::string> args) const {
    // One insert, not two push_backs: g++ 12 reports a false
    // -Warray-bounds on push_back of a literal here.
    args.insert(args.end(), {std::string("--passphrase-file"), fresh_});
    return box_.Run(args);
  }
  std::string Node() const { return ReadFileBytes(box_.home() + "/node.json"); }
  using Runner = std::function<RunResult(std::vector<std::string>)>;
  Runner Old() const {
    return [this](std::vector<std::string> a) { return WithOld(std::move(a)); };
  }
  Runner New() const {
    return [this](std::vector<std::string> a) { return WithNew(std::move(a)); };
  }
  Runner Agent() const {
    return [this](std::vector<std::string> a) { return box_.Run(a); };
  }
  // Writes a journal entry and a wish holding `marker` with `run`.
  void WriteBoth(const Runner& run, const std::string& marker) {
    RunResult j = run({"journal", "write", "journal " + marker});
    ASSERT_EQ(j.exit_code, 0) << Describe(j);
    RunResult w = run({"wish", "add", "wish " + marker});
    ASSERT_EQ(w.exit_code, 0) << Describe(w);
  }
  // What journal list and list show with `run` (exit codes, out and err).
  std::pair<RunResult, RunResult> Read(const Runner& run) {
    return {run({"journal", "list"}), run({"list", "--mine"})};
  }

  InchSandbox box_;
  std::string fresh_;
};

TEST_F(KeyRotationTest, AnOldNodeJsonOpensNothingWrittenAfterRotation) {
  const std::string before = RandomMarker("BEFORE");
  const std::string after = RandomMarker("AFTER");
  WriteBoth(Old(), before);
  const std::string old_node = Node();

  RunResult rotate =
      WithOld({"passphrase", "--rotate-key", "--new-passphrase-file", fresh_});
  ASSERT_EQ(rotate.exit_code, 0) << Describe(rotate);
  EXPECT_NE(rotate.out.find("Rotated the master key"), std::string::npos);
  json was = json::parse(old_node), now = json::parse(Node());
  EXPECT_EQ(now["format"], 1);
  EXPECT_FALSE(now.contains("rotation"));
  EXPECT_EQ(now["node_id"], was["node_id"]);
  EXPECT_NE(now["sealed_identity"], was["sealed_identity"]);
  EXPECT_NE(now["sealed_master"], was["sealed_master"]);
  WriteBoth(New(), after);

  // The current node.json with the new passphrase shows old and new.
  auto [journal, wishes] = Read(New());
  ASSERT_EQ(journal.exit_code, 0) << Describe(journal);
  ASSERT_EQ(wishes.exit_code, 0) << Describe(wishes);
  for (const std::string& m : {before, after}) {
    EXPECT_NE(journal.out.find(m), std::string::npos) << m;
    EXPECT_NE(wishes.out.find(m), std::string::npos) << m;
  }
  // ... and the old passphrase no longer opens it.
  EXPECT_EQ(WithOld({"journal", "list"}).exit_code, 3);

  // The old copy of node.json with the old passphrase: nothing written
  // after the rotation is shown (nor, as the stores moved on, before).
  const std::string current = Node();
  Overwrite(box_.home() + "/node.json", old_node);
  auto [old_journal, old_wishes] = Read(Old());
  for (const RunResult* r : {&old_journal, &old_wishes}) {
    EXPECT_NE(r->exit_code, 0) << Describe(*r);
    EXPECT_EQ(r->out.find(after), std::string::npos) << Describe(*r);
    EXPECT_EQ(r->err.find(after), std::string::npos) << Describe(*r);
  }
  EXPECT_NE(old_journal.err.find("failed its integrity check"),
            std::string::npos)
      << Describe(old_journal);
  Overwrite(box_.home() + "/node.json", current);
  EXPECT_EQ(WithNew({"journal", "list"}).exit_code, 0);
}

TEST_F(KeyRotationTest, APlainPassphraseChangeLeavesTheOldNodeJsonOpeningAll) {
  // The contrast that the test above guards: without --rotate-key the
  // master key stays, so the old copy opens what was written after.
  const std::string old_node = Node();
  RunResult change = WithOld({"passphrase", "--new-passphrase-file", fresh_});
  ASSERT_EQ(change.exit_code, 0) << Describe(change);
  const std::string after = RandomMarker("AFTER");
  WriteBoth(New(), after);
  Overwrite(box_.home() + "/node.json", old_node);
  auto [journal, wishes] = Read(Old());
  EXPECT_EQ(journal.exit_code, 0) << Describe(journal);
  EXPECT_NE(journal.out.find(after), std::string::npos);
  EXPECT_NE(wishes.out.find(after), std::string::npos);
}

TEST_F(KeyRotationTest, AWrongPassphraseChangesNoByte) {
  WriteBoth(Old(), "kept");
  const auto before = HomeBytes(box_);
  ASSERT_TRUE(before.contains("shared.db"));
  std::string wrong = box_.WriteFile("wrong", "not my passphrase\n");
  RunResult r = box_.Run({"passphrase", "--rotate-key", "--new-passphrase-file",
                          fresh_, "--passphrase-file", wrong});
  EXPECT_EQ(r.exit_code, 3) << Describe(r);
  EXPECT_NE(r.err.find("wrong passphrase; nothing was changed"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(HomeBytes(box_), before);
  // No way to give the new passphrase: nothing changes either.
  RunResult no_new = WithOld({"passphrase", "--rotate-key"});
  EXPECT_EQ(no_new.exit_code, 1) << Describe(no_new);
  EXPECT_EQ(HomeBytes(box_), before);
  EXPECT_EQ(WithOld({"journal", "list"}).exit_code, 0);
}

TEST_F(KeyRotationTest, TheAgentIsLockedAfterwards) {
  ASSERT_EQ(WithOld({"unlock"}).exit_code, 0);
  ASSERT_EQ(box_.Run({"journal", "write", "while unlocked"}).exit_code, 0);
  RunResult rotate = WithOld({"--json", "passphrase", "--rotate-key",
                              "--new-passphrase-file", fresh_});
  ASSERT_EQ(rotate.exit_code, 0) << Describe(rotate);
  EXPECT_TRUE(json::parse(rotate.out)["agent_locked"].get<bool>());
  EXPECT_EQ(json::parse(box_.Run({"--json", "status"}).out)["locked"], true);
  EXPECT_EQ(box_.Run({"journal", "list"}).exit_code, 3);
  ASSERT_EQ(WithNew({"unlock"}).exit_code, 0);
  RunResult list = box_.Run({"journal", "list"});
  EXPECT_EQ(list.exit_code, 0) << Describe(list);
  EXPECT_NE(list.out.find("while unlocked"), std::string::npos);
}

TEST_F(KeyRotationTest, ARunningDaemonRefusesItAndNothingChanges) {
  ASSERT_EQ(WithOld({"unlock"}).exit_code, 0);
  WriteBoth(Agent(), "kept");
  test::BackgroundProcess serve(
      INCH_BINARY, {"--json", "serve", "--listen", "127.0.0.1:0"}, box_.Env());
  ASSERT_FALSE(serve.ReadLine().empty()) << "serve printed no address";
  const auto before = HomeBytes(box_);
  RunResult r =
      WithOld({"passphrase", "--rotate-key", "--new-passphrase-file", fresh_});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("inch serve"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was changed"), std::string::npos) << r.err;
  EXPECT_EQ(Node(), before.at("node.json"));
  // Still unlocked, with the same key: the daemon's key stays valid.
  EXPECT_EQ(json::parse(box_.Run({"--json", "status"}).out)["locked"], false);
  serve.Signal(SIGTERM);
  serve.Wait();
  RunResult again =
      WithOld({"passphrase", "--rotate-key", "--new-passphrase-file", fresh_});
  EXPECT_EQ(again.exit_code, 0) << Describe(again);
}

// A rotation stopped where a crash would stop it: node.json says
// ROTATING, and `stores` of journal/shared already moved to the new key.
class InterruptedRotationTest : public KeyRotationTest,
                                public ::testing::WithParamInterface<int> {
 protected:
  void Interrupt(bool rekey_stores) {
    ASSERT_TRUE(crypto::InitCrypto());
    cli::HomeFiles files = cli::FilesIn(box_.home());
    auto node = cli::LoadNodeFile(files);
    ASSERT_TRUE(node) << node.error().message;
    auto pass = crypto::Secret::CopyOf(AsBytes(InchSandbox::kPassphrase));
    auto master = crypto::UnwrapMasterKey(pass, node->wrapped);
    ASSERT_TRUE(master);
    auto fresh = crypto::Secret::CopyOf(AsBytes("a brand new passphrase"));
    auto keys = cli::BeginRotation(files, *node, *master, fresh);
    ASSERT_TRUE(keys) << keys.error().message;
    ASSERT_TRUE(node->rotation);
    if (!rekey_stores) return;
    auto journal = store::Journal::Open(
        files.journal_db,
        crypto::DeriveSubkey(keys->old_master, crypto::Subkey::kJournal),
        false);
    ASSERT_TRUE(journal) << journal.error().message;
    ASSERT_TRUE((*journal)->Rekey(
        crypto::DeriveSubkey(keys->new_master, crypto::Subkey::kJournal)));
    auto shared = store::SharedStore::Open(
        files.shared_db,
        crypto::DeriveSubkey(keys->old_master, crypto::Subkey::kShared),
        node->identity_public, false);
    ASSERT_TRUE(shared) << shared.error().message;
    ASSERT_TRUE((*shared)->Rekey(
        crypto::DeriveSubkey(keys->new_master, crypto::Subkey::kShared)));
  }
};

TEST_P(InterruptedRotationTest, TheNextCommandFinishesItWithEitherPassphrase) {
  const bool stores_moved = GetParam() & 1;
  const bool with_new = GetParam() & 2;
  const std::string before = RandomMarker("BEFORE");
  WriteBoth(Old(), before);
  Interrupt(stores_moved);
  ASSERT_EQ(json::parse(Node())["format"], 2);
  // An interrupted rotation refuses a plain passphrase change.
  EXPECT_EQ(WithOld({"passphrase", "--new-passphrase-file", fresh_}).exit_code,
            1);

  RunResult list =
      with_new ? WithNew({"journal", "list"}) : WithOld({"journal", "list"});
  ASSERT_EQ(list.exit_code, 0) << Describe(list);
  EXPECT_NE(list.out.find(before), std::string::npos) << Describe(list);
  EXPECT_NE(list.err.find("Finished a key rotation"), std::string::npos)
      << Describe(list);
  json now = json::parse(Node());
  EXPECT_EQ(now["format"], 1);
  EXPECT_FALSE(now.contains("rotation"));
  EXPECT_EQ(WithOld({"journal", "list"}).exit_code, 3);
  RunResult wishes = WithNew({"list", "--mine"});
  EXPECT_EQ(wishes.exit_code, 0) << Describe(wishes);
  EXPECT_NE(wishes.out.find(before), std::string::npos) << Describe(wishes);
}

INSTANTIATE_TEST_SUITE_P(AllCrashPoints, InterruptedRotationTest,
                         ::testing::Values(0, 1, 2, 3));

TEST_F(KeyRotationTest, RotateKeyFinishesAnInterruptedRotation) {
  ASSERT_TRUE(crypto::InitCrypto());
  WriteBoth(Old(), "kept");
  cli::HomeFiles files = cli::FilesIn(box_.home());
  auto node = cli::LoadNodeFile(files);
  ASSERT_TRUE(node);
  auto pass = crypto::Secret::CopyOf(AsBytes(InchSandbox::kPassphrase));
  auto master = crypto::UnwrapMasterKey(pass, node->wrapped);
  ASSERT_TRUE(master);
  auto fresh = crypto::Secret::CopyOf(AsBytes("a brand new passphrase"));
  ASSERT_TRUE(cli::BeginRotation(files, *node, *master, fresh));
  RunResult r = WithNew({"passphrase", "--rotate-key"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("Finished the key rotation"), std::string::npos);
  EXPECT_EQ(json::parse(Node())["format"], 1);
  EXPECT_EQ(WithNew({"journal", "list"}).exit_code, 0);
}

TEST_F(KeyRotationTest, AnAgentWithTheOldKeyFinishesItAndIsLocked) {
  ASSERT_TRUE(crypto::InitCrypto());
  ASSERT_EQ(WithOld({"unlock"}).exit_code, 0);
  ASSERT_EQ(box_.Run({"journal", "write", "kept"}).exit_code, 0);
  cli::HomeFiles files = cli::FilesIn(box_.home());
  auto node = cli::LoadNodeFile(files);
  ASSERT_TRUE(node);
  auto pass = crypto::Secret::CopyOf(AsBytes(InchSandbox::kPassphrase));
  auto master = crypto::UnwrapMasterKey(pass, node->wrapped);
  ASSERT_TRUE(master);
  auto fresh = crypto::Secret::CopyOf(AsBytes("a brand new passphrase"));
  ASSERT_TRUE(cli::BeginRotation(files, *node, *master, fresh));
  // No passphrase given: the agent's (old) key finishes the rotation, and
  // the agent, whose key opens nothing any more, is stopped.
  RunResult r = box_.Run({"journal", "list"});
  ASSERT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("kept"), std::string::npos);
  EXPECT_EQ(json::parse(Node())["format"], 1);
  EXPECT_EQ(json::parse(box_.Run({"--json", "status"}).out)["locked"], true);
  EXPECT_EQ(WithNew({"journal", "list"}).exit_code, 0);
}

class RotationWhilePaired : public test::TwoNodes {};

TEST_F(RotationWhilePaired, AnUnpairNoticeOwedIsStillDeliveredAfterRotation) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  std::string address;
  {
    auto serve_b = Serve(b_, &address);
    ASSERT_EQ(a_.Run({"sync", "--peer", address}).exit_code, 0);
    serve_b->Signal(SIGTERM);
    serve_b->Wait();
  }
  RunResult unpair = a_.Run({"--json", "unpair"});  // b is not reachable now
  ASSERT_EQ(unpair.exit_code, 0) << Describe(unpair);
  ASSERT_FALSE(json::parse(unpair.out)["partner_told"].get<bool>());
  std::string fresh = a_.WriteFile("fresh", "a brand new passphrase\n");
  RunResult rotate = a_.RunWithPassphrase(
      {"passphrase", "--rotate-key", "--new-passphrase-file", fresh});
  ASSERT_EQ(rotate.exit_code, 0) << Describe(rotate);
  // The notice was re-sealed under the new key: a still delivers it.
  auto serve_b = Serve(b_, &address);
  RunResult deliver =
      a_.Run({"sync", "--peer", address, "--passphrase-file", fresh});
  EXPECT_EQ(deliver.exit_code, 0) << Describe(deliver);
  EXPECT_NE(deliver.out.find("Told the old partner"), std::string::npos)
      << Describe(deliver);
  EXPECT_TRUE(Eventually([&] { return Status(b_)["partner"].is_null(); }));
}

TEST_F(RotationWhilePaired, APairedNodeStillSyncsAfterRotation) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  Ok(a_, {"ready", "lists"});
  Ok(b_, {"ready", "lists"});
  const json words = Status(a_)["partner"]["check_words"];
  SharedWish(a_, "before the rotation");
  {
    std::string address;
    auto serve = Serve(a_, &address);
    ASSERT_EQ(b_.Run({"sync", "--peer", address}).exit_code, 0);
  }
  ASSERT_TRUE(PartnerListHas(b_, "before the rotation"));

  std::string fresh = a_.WriteFile("fresh", "a brand new passphrase\n");
  RunResult rotate = a_.RunWithPassphrase(
      {"passphrase", "--rotate-key", "--new-passphrase-file", fresh});
  ASSERT_EQ(rotate.exit_code, 0) << Describe(rotate);
  ASSERT_EQ(a_.Run({"unlock", "--passphrase-file", fresh}).exit_code, 0);
  // The pair secret was re-sealed, not changed: same check words.
  EXPECT_EQ(Status(a_)["partner"]["check_words"], words);

  SharedWish(a_, "after the rotation");
  SharedWish(b_, "from b afterwards");
  std::string address;
  auto serve = Serve(a_, &address);
  RunResult sync = b_.Run({"sync", "--peer", address});
  ASSERT_EQ(sync.exit_code, 0) << Describe(sync);
  EXPECT_TRUE(PartnerListHas(b_, "after the rotation"));
  EXPECT_TRUE(
      Eventually([&] { return PartnerListHas(a_, "from b afterwards"); }));
  EXPECT_NE(Ok(a_, {"--json", "list", "--mine"}).find("before the rotation"),
            std::string::npos);
}

}  // namespace
}  // namespace inch
