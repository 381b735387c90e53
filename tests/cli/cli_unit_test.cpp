// Unit tests of the CLI's pure helpers: durations, text truncation,
// node.json decoding, home resolution and permission checks.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cli/agent.hpp"
#include "cli/app.hpp"
#include "cli/home.hpp"
#include "cli/node_file.hpp"
#include "cli/output.hpp"
#include "cli/prompts.hpp"
#include "crypto/passphrase.hpp"

namespace inch::cli {
namespace {

using std::chrono::milliseconds;

TEST(ParseDurationTest, AcceptsUnitsAndCombinations) {
  EXPECT_EQ(*agent::ParseDuration("30s"), milliseconds(30'000));
  EXPECT_EQ(*agent::ParseDuration("15m"), milliseconds(900'000));
  EXPECT_EQ(*agent::ParseDuration("2h"), milliseconds(7'200'000));
  EXPECT_EQ(*agent::ParseDuration("1h30m"), milliseconds(5'400'000));
}

TEST(ParseDurationTest, RejectsNonsenseZeroAndTooLong) {
  for (const char* bad : {"", "15", "m", "15x", "0s", "25h", "-5m", "1h 5m",
                          "9999999h", "15m5"}) {
    auto d = agent::ParseDuration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code, Errc::kInvalidInput) << bad;
  }
}

TEST(FormatDurationTest, RoundsUpToSecondsForPeople) {
  EXPECT_EQ(agent::FormatDuration(milliseconds(900'000)), "15m");
  EXPECT_EQ(agent::FormatDuration(milliseconds(899'001)), "15m");
  EXPECT_EQ(agent::FormatDuration(milliseconds(898'000)), "14m 58s");
  EXPECT_EQ(agent::FormatDuration(milliseconds(45'000)), "45s");
  EXPECT_EQ(agent::FormatDuration(milliseconds(7'260'000)), "2h 1m");
}

TEST(FirstLineTest, CutsOnCodePointsAndMarksTheCut) {
  EXPECT_EQ(FirstLine("short", 10), "short");
  EXPECT_EQ(FirstLine("first\nsecond", 10), "first…");
  EXPECT_EQ(FirstLine("first\n", 10), "first");
  EXPECT_EQ(FirstLine("abcdef", 3), "abc…");
  // "é" is two bytes: a cut must not split it.
  EXPECT_EQ(FirstLine("ééé", 2), "éé…");
}

TEST(ExitCodeTest, FollowsDesignSectionSix) {
  EXPECT_EQ(ExitCodeFor(Errc::kInvalidInput), 1);
  EXPECT_EQ(ExitCodeFor(Errc::kNotFound), 1);
  EXPECT_EQ(ExitCodeFor(Errc::kCorrupt), 1);
  EXPECT_EQ(ExitCodeFor(Errc::kPermission), 1);
  EXPECT_EQ(ExitCodeFor(Errc::kUsage), 2);
  EXPECT_EQ(ExitCodeFor(Errc::kLocked), 3);
  EXPECT_EQ(ExitCodeFor(Errc::kWrongPassphrase), 3);
  EXPECT_EQ(ExitCodeFor(Errc::kUnreachable), 4);
}

TEST(PromptsTest, IdsAreUniqueAndFindable) {
  auto all = GuidedPrompts();
  ASSERT_GE(all.size(), 12u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(FindPrompt(all[i].id), &all[i]);
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      EXPECT_NE(all[i].id, all[j].id);
    }
  }
  EXPECT_EQ(FindPrompt("nope"), nullptr);
}

NodeFile SampleNode() {
  crypto::Identity id = crypto::GenerateIdentity();
  NodeFile node;
  node.identity_public = id.public_key;
  node.node_id = crypto::NodeId(id.public_key);
  node.wrapped.kdf = crypto::DefaultKdfParams();
  node.wrapped.sealed_master = Bytes(73, 1);
  node.sealed_identity = Bytes(73, 2);
  return node;
}

TEST(NodeFileTest, RoundTrips) {
  NodeFile node = SampleNode();
  auto back = DecodeNodeFile(EncodeNodeFile(node));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->node_id, node.node_id);
  EXPECT_EQ(back->identity_public, node.identity_public);
  EXPECT_EQ(back->wrapped.kdf.salt, node.wrapped.kdf.salt);
  EXPECT_EQ(back->wrapped.kdf.opslimit, node.wrapped.kdf.opslimit);
  EXPECT_EQ(back->wrapped.kdf.memlimit, node.wrapped.kdf.memlimit);
  EXPECT_EQ(back->wrapped.sealed_master, node.wrapped.sealed_master);
  EXPECT_EQ(back->sealed_identity, node.sealed_identity);
}

TEST(NodeFileTest, RejectsDamageAndNewerFormats) {
  std::string good = EncodeNodeFile(SampleNode());
  EXPECT_EQ(DecodeNodeFile("").error().code, Errc::kCorrupt);
  EXPECT_EQ(DecodeNodeFile("[1]").error().code, Errc::kCorrupt);
  EXPECT_EQ(DecodeNodeFile(good.substr(0, good.size() / 2)).error().code,
            Errc::kCorrupt);
  auto edit = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    return DecodeNodeFile(s);
  };
  // Format 2 is a rotation in progress (it needs both wrapped keys);
  // anything later was written by a newer inch.
  EXPECT_EQ(edit("\"format\": 1", "\"format\": 3").error().code, Errc::kTooNew);
  EXPECT_EQ(edit("\"format\": 1", "\"format\": 2").error().code,
            Errc::kCorrupt);
  EXPECT_EQ(edit("\"format\": 1", "\"format\": \"1\"").error().code,
            Errc::kCorrupt);
  EXPECT_EQ(edit("argon2id13", "scrypt").error().code, Errc::kCorrupt);
  // A node id that does not match the key is caught.
  NodeFile node = SampleNode();
  std::string s = EncodeNodeFile(node);
  s.replace(s.find(node.node_id), 2, node.node_id[0] == 'a' ? "bb" : "aa");
  EXPECT_EQ(DecodeNodeFile(s).error().code, Errc::kCorrupt);
}

TEST(NodeFileTest, IdentityOpensOnlyWithItsMasterKey) {
  crypto::Identity id = crypto::GenerateIdentity();
  crypto::Secret master = crypto::Secret::Random(32);
  NodeFile node;
  node.identity_public = id.public_key;
  node.sealed_identity = SealIdentity(master, id.secret_key);
  auto opened = OpenIdentity(master, node);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->secret_key.Equals(id.secret_key));
  auto wrong = OpenIdentity(crypto::Secret::Random(32), node);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::kWrongPassphrase);
}

class HomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "inch-unit-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

TEST_F(HomeTest, ResolvesFlagThenEnvThenXdg) {
  ::setenv("INCH_HOME", (root_ + "/env").c_str(), 1);
  ::setenv("XDG_DATA_HOME", (root_ + "/xdg").c_str(), 1);
  EXPECT_EQ(*ResolveHomeDir(root_ + "/flag/"), root_ + "/flag");
  EXPECT_EQ(*ResolveHomeDir(""), root_ + "/env");
  ::unsetenv("INCH_HOME");
  EXPECT_EQ(*ResolveHomeDir(""), root_ + "/xdg/inch");
  ::setenv("XDG_DATA_HOME", "relative", 1);  // ignored, per the XDG spec
  ::setenv("HOME", root_.c_str(), 1);
  EXPECT_EQ(*ResolveHomeDir(""), root_ + "/.local/share/inch");
  ::unsetenv("XDG_DATA_HOME");
}

TEST_F(HomeTest, CreateCheckAndRefuseLoosePermissions) {
  HomeFiles files = FilesIn(root_ + "/a/home");
  EXPECT_EQ(CheckHome(files).error().code, Errc::kNotFound);
  ASSERT_TRUE(CreateHome(files));
  struct stat st {};
  ASSERT_EQ(::stat(files.dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(CheckHome(files).error().code, Errc::kNotFound);  // no node.json
  ASSERT_TRUE(WriteFileAtomic(files.node_json, "{}"));
  ASSERT_EQ(::stat(files.node_json.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(CheckHome(files));
  EXPECT_EQ(CreateHome(files).error().code, Errc::kExists);
  ::chmod(files.node_json.c_str(), 0640);
  EXPECT_EQ(CheckHome(files).error().code, Errc::kPermission);
  ::chmod(files.node_json.c_str(), 0600);
  ::chmod(files.dir.c_str(), 0710);
  EXPECT_EQ(CheckHome(files).error().code, Errc::kPermission);
  ::chmod(files.dir.c_str(), 0700);
  EXPECT_TRUE(CheckHome(files));
}

TEST_F(HomeTest, AtomicWriteReplacesWholeFilesAndLeavesNoTemp) {
  std::string path = root_ + "/f.json";
  ASSERT_TRUE(WriteFileAtomic(path, "first"));
  ASSERT_TRUE(WriteFileAtomic(path, "second, longer"));
  EXPECT_EQ(*ReadFile(path, 100), "second, longer");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(root_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  EXPECT_EQ(ReadFile(path, 3).error().code, Errc::kInvalidInput);
  EXPECT_EQ(ReadFile(root_ + "/none", 3).error().code, Errc::kNotFound);
}

TEST_F(HomeTest, SocketPathIsPrivateAndPerHome) {
  ::setenv("XDG_RUNTIME_DIR", root_.c_str(), 1);
  auto a = agent::SocketPath(root_ + "/one", true);
  auto b = agent::SocketPath(root_ + "/two", true);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(a->rfind(root_ + "/inch/agent-", 0), 0u) << *a;
  struct stat st {};
  ASSERT_EQ(::stat((root_ + "/inch").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ::chmod((root_ + "/inch").c_str(), 0755);
  EXPECT_EQ(agent::SocketPath(root_ + "/one", false).error().code,
            Errc::kPermission);
  ::unsetenv("XDG_RUNTIME_DIR");
}

}  // namespace
}  // namespace inch::cli
