// Security and bad-input tests through the real `inch` binary: no
// plaintext marker anywhere on disk, wrong passphrases and every kind of
// bad input rejected with the right exit code and nothing changed,
// passphrase change, loose permissions, corrupt files, usage errors.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/inch_process.hpp"
#include "tests/support/marker_search.hpp"

namespace inch {
namespace {

using nlohmann::json;
using test::Describe;
using test::FindMarkerInTree;
using test::InchSandbox;
using test::RandomMarker;
using test::ReadFileBytes;
using test::RunResult;

std::string HitsText(const std::vector<test::MarkerHit>& hits) {
  std::string s;
  for (const auto& h : hits) s += h.file + " (" + h.encoding + ")\n";
  return s;
}

class JournalSecurityTest : public ::testing::Test {
 protected:
  void Init() {
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
  }
  void InitAndUnlock() {
    Init();
    RunResult unlock = box_.RunWithPassphrase({"unlock"});
    ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  }
  // What the user sees of the journal, to compare before and after.
  std::string Snapshot() {
    RunResult r = box_.Run({"journal", "list", "--json", "--limit", "1000"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return r.out;
  }
  void ExpectRejected(const std::vector<std::string>& args,
                      std::string_view stdin_text, int code,
                      std::string_view message) {
    std::string before = Snapshot();
    RunResult r = box_.Run(args, stdin_text);
    EXPECT_EQ(r.exit_code, code) << args.back() << "\n" << Describe(r);
    EXPECT_NE(r.err.find(message), std::string::npos)
        << "expected '" << message << "' in:\n"
        << r.err;
    EXPECT_EQ(r.err.rfind("inch: ", 0), 0u) << r.err;
    EXPECT_EQ(Snapshot(), before) << "the journal changed";
  }

  InchSandbox box_;
};

TEST_F(JournalSecurityTest, MarkersNeverReachTheDiskInAnyEncoding) {
  InitAndUnlock();
  std::vector<std::string> kept, deleted;
  for (int i = 0; i < 6; ++i) {
    std::string marker = RandomMarker();
    RunResult w = i % 2 == 0 ? box_.Run({"journal", "write", "about " + marker})
                             : box_.Run({"journal", "write", "--tag", marker},
                                        "text " + marker + "\n");
    ASSERT_EQ(w.exit_code, 0) << Describe(w);
    (i < 3 ? deleted : kept).push_back(marker);
  }
  std::string edited = RandomMarker("EDIT");
  ASSERT_EQ(box_.Run({"journal", "edit", "6", edited}).exit_code, 0);
  kept.push_back(edited);
  // The markers are really stored: the user can read them back.
  std::string all = box_.Run({"journal", "list", "--json"}).out;
  for (const auto& m : kept) EXPECT_NE(all.find(m), std::string::npos) << m;

  for (const auto& m : kept) {
    auto hits = FindMarkerInTree(box_.root(), m);
    EXPECT_TRUE(hits.empty()) << HitsText(hits);
  }
  for (const char* id : {"1", "2", "3"}) {
    ASSERT_EQ(box_.Run({"journal", "delete", id}).exit_code, 0);
  }
  for (const auto& m : kept) {
    auto hits = FindMarkerInTree(box_.root(), m);
    EXPECT_TRUE(hits.empty()) << HitsText(hits);
  }
  for (const auto& m : deleted) {
    auto hits = FindMarkerInTree(box_.root(), m);
    EXPECT_TRUE(hits.empty()) << HitsText(hits);
    EXPECT_EQ(box_.Run({"journal", "list", "--json"}).out.find(m),
              std::string::npos);
  }
}

TEST_F(JournalSecurityTest, MarkerSearchFindsWhatIsThere) {
  // Guards the guard: a marker written in plain text, hex or base64 must be
  // found, or the test above would pass vacuously.
  std::string m = RandomMarker();
  box_.WriteFile("plain", "xx" + m + "yy");
  std::string hex;
  for (unsigned char c : m) {
    hex += "0123456789abcdef"[c >> 4];
    hex += "0123456789abcdef"[c & 15];
  }
  box_.WriteFile("hex", hex);
  auto hits = FindMarkerInTree(box_.root(), m);
  ASSERT_EQ(hits.size(), 2u) << HitsText(hits);
  auto b64 = test::FindMarkerInBytes("QU" + std::string("JD"), "ABC");
  EXPECT_FALSE(b64.empty());  // "ABC" is "QUJD" in base64
}

TEST_F(JournalSecurityTest, WrongPassphraseExitsThreeAndChangesNothing) {
  Init();
  ASSERT_EQ(box_.RunWithPassphrase({"journal", "write", "kept"}).exit_code, 0);
  std::string node_before = ReadFileBytes(box_.home() + "/node.json");
  std::string journal_before =
      box_.RunWithPassphrase({"journal", "list", "--json"}).out;
  std::string wrong = box_.WriteFile("wrong", "not my passphrase\n");
  for (std::vector<std::string> args :
       {std::vector<std::string>{"journal", "list"},
        {"journal", "write", "sneaky"},
        {"journal", "delete", "1"},
        {"unlock"},
        {"passphrase", "--new-passphrase-file", wrong}}) {
    args.push_back("--passphrase-file");
    args.push_back(wrong);
    RunResult r = box_.Run(args);
    EXPECT_EQ(r.exit_code, 3) << args[0] << "\n" << Describe(r);
    EXPECT_NE(r.err.find("wrong passphrase"), std::string::npos) << r.err;
  }
  EXPECT_EQ(ReadFileBytes(box_.home() + "/node.json"), node_before);
  EXPECT_EQ(box_.RunWithPassphrase({"journal", "list", "--json"}).out,
            journal_before);
  // The failed unlock left no agent behind.
  EXPECT_EQ(json::parse(box_.Run({"status", "--json"}).out)["locked"], true);
  // INCH_PASSPHRASE_FILE is honoured the same way.
  RunResult env =
      box_.Run({"journal", "list"}, "", {{"INCH_PASSPHRASE_FILE", wrong}});
  EXPECT_EQ(env.exit_code, 3) << Describe(env);
}

TEST_F(JournalSecurityTest, PassphraseChangeRewrapsTheKeyOnly) {
  Init();
  ASSERT_EQ(box_.RunWithPassphrase({"journal", "write", "before"}).exit_code,
            0);
  std::string fresh = box_.WriteFile("fresh", "a brand new passphrase\n");
  json node_before = json::parse(ReadFileBytes(box_.home() + "/node.json"));
  RunResult change =
      box_.RunWithPassphrase({"passphrase", "--new-passphrase-file", fresh});
  ASSERT_EQ(change.exit_code, 0) << Describe(change);
  json node_after = json::parse(ReadFileBytes(box_.home() + "/node.json"));
  EXPECT_EQ(node_after["node_id"], node_before["node_id"]);
  EXPECT_EQ(node_after["sealed_identity"], node_before["sealed_identity"]);
  EXPECT_NE(node_after["sealed_master"], node_before["sealed_master"]);
  EXPECT_NE(node_after["kdf"]["salt"], node_before["kdf"]["salt"]);

  RunResult old_pass = box_.RunWithPassphrase({"journal", "list"});
  EXPECT_EQ(old_pass.exit_code, 3) << Describe(old_pass);
  RunResult new_pass =
      box_.Run({"journal", "list", "--passphrase-file", fresh});
  EXPECT_EQ(new_pass.exit_code, 0) << Describe(new_pass);
  EXPECT_NE(new_pass.out.find("before"), std::string::npos);
  // Without a way to enter the new one, nothing happens.
  RunResult no_new = box_.Run({"passphrase", "--passphrase-file", fresh});
  EXPECT_EQ(no_new.exit_code, 1) << Describe(no_new);
  EXPECT_EQ(json::parse(ReadFileBytes(box_.home() + "/node.json")), node_after);
}

TEST_F(JournalSecurityTest, BadEntriesAreRejectedAndChangeNothing) {
  InitAndUnlock();
  ASSERT_EQ(box_.Run({"journal", "write", "a real entry"}).exit_code, 0);
  ExpectRejected({"journal", "write", ""}, "", 1, "empty");
  ExpectRejected({"journal", "write", "   \n\t "}, "", 1, "empty");
  ExpectRejected({"journal", "write"}, "", 1, "empty");
  ExpectRejected({"journal", "write"}, std::string(64 * 1024 + 1, 'a'), 1,
                 "too long");
  ExpectRejected({"journal", "write"}, "bad \xff\xfe bytes", 1, "UTF-8");
  ExpectRejected({"journal", "write"}, "overlong \xc0\xaf", 1, "UTF-8");
  ExpectRejected({"journal", "write", "--prompt", "no-such", "x"}, "", 1,
                 "inch prompts");
  ExpectRejected({"journal", "show", "99"}, "", 1, "no journal entry #99");
  ExpectRejected({"journal", "edit", "99", "x"}, "", 1, "no journal entry #99");
  ExpectRejected({"journal", "delete", "99"}, "", 1, "no journal entry #99");
  ExpectRejected({"journal", "show", "one"}, "", 1, "not an entry id");
  ExpectRejected({"journal", "edit", "1", ""}, "", 1, "empty");
  ExpectRejected({"journal", "edit", "1"}, "\xed\xa0\x80", 1, "UTF-8");
  ExpectRejected({"unlock", "--for", "forever"}, "", 1, "duration");
  // Exactly 64 KiB is allowed.
  RunResult max = box_.Run({"journal", "write"}, std::string(64 * 1024, 'b'));
  EXPECT_EQ(max.exit_code, 0) << Describe(max);
}

TEST_F(JournalSecurityTest, MissingNodeSaysToRunInit) {
  for (std::vector<std::string> args : {std::vector<std::string>{"status"},
                                        {"journal", "list"},
                                        {"unlock"},
                                        {"passphrase"}}) {
    RunResult r = box_.RunWithPassphrase(args);
    EXPECT_EQ(r.exit_code, 1) << Describe(r);
    EXPECT_NE(
        r.err.find("no inch node in " + box_.home() + ": run `inch init`"),
        std::string::npos)
        << r.err;
  }
  struct stat st {};
  EXPECT_NE(::stat(box_.home().c_str(), &st), 0) << "nothing was created";
}

TEST_F(JournalSecurityTest, SecondInitIsRefused) {
  Init();
  std::string before = ReadFileBytes(box_.home() + "/node.json");
  std::string journal = ReadFileBytes(box_.home() + "/journal.db");
  RunResult again = box_.RunWithPassphrase({"init"});
  EXPECT_EQ(again.exit_code, 1) << Describe(again);
  EXPECT_NE(again.err.find("already an inch node"), std::string::npos);
  EXPECT_EQ(ReadFileBytes(box_.home() + "/node.json"), before);
  EXPECT_EQ(ReadFileBytes(box_.home() + "/journal.db"), journal);
}

TEST_F(JournalSecurityTest, InitRejectsAnEmptyPassphrase) {
  std::string empty = box_.WriteFile("empty", "\n");
  RunResult r = box_.Run({"init", "--passphrase-file", empty});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("empty"), std::string::npos);
  EXPECT_NE(box_.Run({"status"}).exit_code, 0);
}

TEST_F(JournalSecurityTest, LoosePermissionsAreRefused) {
  InitAndUnlock();
  ASSERT_EQ(::chmod(box_.home().c_str(), 0755), 0);
  RunResult dir = box_.Run({"journal", "list"});
  EXPECT_EQ(dir.exit_code, 1) << Describe(dir);
  EXPECT_NE(dir.err.find("chmod 700 " + box_.home()), std::string::npos)
      << dir.err;
  ASSERT_EQ(::chmod(box_.home().c_str(), 0700), 0);
  std::string node = box_.home() + "/node.json";
  ASSERT_EQ(::chmod(node.c_str(), 0644), 0);
  RunResult file = box_.Run({"status"});
  EXPECT_EQ(file.exit_code, 1) << Describe(file);
  EXPECT_NE(file.err.find("chmod 600 " + node), std::string::npos) << file.err;
  ASSERT_EQ(::chmod(node.c_str(), 0600), 0);
  EXPECT_EQ(box_.Run({"journal", "list"}).exit_code, 0);
}

TEST_F(JournalSecurityTest, CorruptFilesAreReportedAndLeftAlone) {
  InitAndUnlock();
  ASSERT_EQ(box_.Run({"journal", "write", "precious"}).exit_code, 0);
  ASSERT_EQ(box_.Run({"lock"}).exit_code, 0);
  std::string db = box_.home() + "/journal.db";
  std::string bytes = ReadFileBytes(db);
  ASSERT_GT(bytes.size(), 100u);
  std::string damaged = bytes;
  for (int i = 0; i < 16; ++i) damaged[i] = 'X';  // the SQLite header
  { std::ofstream(db, std::ios::binary | std::ios::trunc) << damaged; }
  RunResult r = box_.RunWithPassphrase({"journal", "list"});
  EXPECT_EQ(r.exit_code, 1) << Describe(r);
  EXPECT_NE(r.err.find("journal.db"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("backup"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFileBytes(db), damaged)
      << "a corrupt store must not be touched";

  { std::ofstream(db, std::ios::binary | std::ios::trunc) << bytes; }
  std::string node = box_.home() + "/node.json";
  std::string good = ReadFileBytes(node);
  { std::ofstream(node, std::ios::trunc) << "{\"format\": 1, \"node"; }
  RunResult n = box_.RunWithPassphrase({"status"});
  EXPECT_EQ(n.exit_code, 1) << Describe(n);
  EXPECT_NE(n.err.find("node.json is damaged"), std::string::npos) << n.err;
  { std::ofstream(node, std::ios::trunc) << good; }
  RunResult ok = box_.RunWithPassphrase({"journal", "list"});
  EXPECT_EQ(ok.exit_code, 0) << Describe(ok);
  EXPECT_NE(ok.out.find("precious"), std::string::npos);
}

TEST_F(JournalSecurityTest, UsageErrorsExitTwoWithUsage) {
  for (std::vector<std::string> args : {std::vector<std::string>{"bogus"},
                                        {"journal", "list", "--bogus"},
                                        {"journal"},
                                        {},
                                        {"journal", "list", "--limit", "many"},
                                        {"journal", "show"}}) {
    RunResult r = box_.Run(args);
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
    EXPECT_EQ(r.err.rfind("inch: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("Usage:"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace inch
