// Carried bundles through the real binary (net/bundle.hpp): two paired
// homes exchange changes with no network after pairing, each bad bundle
// gets its own message and changes nothing, bundles and network syncs mix
// with no loss and no duplicate, and a shared item's text never appears in
// the bundle file.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

class BundleE2eTest : public TwoNodes {
 protected:
  // `from` writes a bundle into its sandbox; returns the path.
  std::string WriteBundle(const InchSandbox& from, const std::string& name,
                          std::size_t* changes = nullptr) {
    const std::string path = from.root() + "/" + name;
    RunResult r = from.Run({"--json", "bundle", "write", path});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    auto doc = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(doc.is_object()) << r.out;
    if (changes && doc.is_object())
      *changes = doc["changes"].get<std::size_t>();
    return path;
  }
  // `to` reads the bundle at `path`; returns the JSON summary.
  json ReadBundle(const InchSandbox& to, const std::string& path) {
    RunResult r = to.Run({"--json", "bundle", "read", path});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return json::parse(r.out, nullptr, false);
  }
  // Carries a bundle from `from` to `to`.
  json Carry(const InchSandbox& from, const InchSandbox& to) {
    return ReadBundle(to, WriteBundle(from, "carry.bundle"));
  }
  static std::string PartnerList(const InchSandbox& box) {
    return box.Run({"--json", "list", "--partner"}).out;
  }
  static std::size_t PartnerItems(const InchSandbox& box) {
    auto doc = json::parse(PartnerList(box), nullptr, false);
    return doc.is_array() ? doc.size() : 999;
  }
  // Reading `path` on b fails with `exit` and `words`, changing nothing.
  void ExpectRefused(const std::string& path, int exit,
                     const std::string& words) {
    const std::string before = PartnerList(b_);
    RunResult r = b_.Run({"bundle", "read", path});
    EXPECT_EQ(r.exit_code, exit) << Describe(r);
    EXPECT_NE(r.err.find(words), std::string::npos) << Describe(r);
    EXPECT_EQ(PartnerList(b_), before);
  }
  static void WriteBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  // Both ready for lists, consents carried both ways by bundles alone.
  void ReadyByBundles() {
    ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
    Ok(a_, {"ready", "lists"});
    Ok(b_, {"ready", "lists"});
    Carry(a_, b_);
    Carry(b_, a_);
  }
};

TEST_F(BundleE2eTest, RoundTripWithNoNetworkBothWays) {
  ReadyByBundles();
  const std::string wish_a = RandomMarker("WISHA");
  SharedWish(a_, wish_a);
  json read = Carry(a_, b_);
  EXPECT_EQ(read["outcome"], "read") << read.dump();
  EXPECT_GE(read["received"].get<int>(), 2) << read.dump();  // create, share
  EXPECT_TRUE(PartnerListHas(b_, wish_a));

  const std::string wish_b = RandomMarker("WISHB");
  SharedWish(b_, wish_b);
  Carry(b_, a_);
  EXPECT_TRUE(PartnerListHas(a_, wish_b));
  // Once a has b's bundle, it knows b holds its ops: nothing is resent.
  std::size_t changes = 99;
  WriteBundle(a_, "again.bundle", &changes);
  EXPECT_EQ(changes, 0u);
  // People read plain words.
  RunResult r = b_.Run({"bundle", "write", b_.root() + "/people.bundle"});
  EXPECT_EQ(r.exit_code, 0) << Describe(r);
  EXPECT_NE(r.out.find("Carry it to your partner's laptop"), std::string::npos)
      << r.out;
}

TEST_F(BundleE2eTest, EveryBadBundleIsRefusedAndChangesNothing) {
  ReadyByBundles();
  SharedWish(a_, RandomMarker("FIRST"));
  const std::string first = WriteBundle(a_, "first.bundle");
  SharedWish(a_, RandomMarker("SECOND"));
  const std::string second = WriteBundle(a_, "second.bundle");
  const std::string good = ReadFileBytes(second);
  ASSERT_GT(good.size(), 100u);
  const std::string dir = b_.root() + "/";

  WriteBytes(dir + "notes.txt", "just some notes, not a bundle\n");
  ExpectRefused(dir + "notes.txt", 1, "not an inch bundle");
  WriteBytes(dir + "cut.bundle", good.substr(0, good.size() / 2));
  ExpectRefused(dir + "cut.bundle", 1, "cut short");
  std::string changed = good;
  changed[good.size() - 10] ^= 0x20;
  WriteBytes(dir + "changed.bundle", changed);
  ExpectRefused(dir + "changed.bundle", 1, "has been changed");
  ExpectRefused(dir + "missing.bundle", 1, "missing.bundle");
  // b's own bundle, read where it was written.
  const std::string own = WriteBundle(b_, "own.bundle");
  ExpectRefused(own, 1, "your own bundle");
  {
    // A bundle of another pair.
    InchSandbox c, d;
    for (InchSandbox* box : {&c, &d}) {
      ASSERT_EQ(box->RunWithPassphrase({"init"}).exit_code, 0);
      ASSERT_EQ(box->RunWithPassphrase({"unlock"}).exit_code, 0);
    }
    ASSERT_EQ(Pair(c, d), std::make_pair(0, 0));
    Ok(c, {"ready", "lists"});
    ExpectRefused(WriteBundle(c, "other.bundle"), 1, "another pair");
    // A laptop that is not paired.
    Ok(d, {"unpair"});
    RunResult lone = d.Run({"bundle", "read", second});
    EXPECT_EQ(lone.exit_code, 1) << Describe(lone);
    EXPECT_NE(lone.err.find("not paired"), std::string::npos) << lone.err;
  }

  // The good one reads; then again (duplicate) and the first (old) are
  // said plainly, exit 0, and change nothing.
  json read = ReadBundle(b_, second);
  EXPECT_EQ(read["outcome"], "read");
  const std::string after = PartnerList(b_);
  EXPECT_EQ(PartnerItems(b_), 2u) << after;
  RunResult dup = b_.Run({"bundle", "read", second});
  EXPECT_EQ(dup.exit_code, 0) << Describe(dup);
  EXPECT_NE(dup.out.find("already read"), std::string::npos) << dup.out;
  RunResult old = b_.Run({"bundle", "read", first});
  EXPECT_EQ(old.exit_code, 0) << Describe(old);
  EXPECT_NE(old.out.find("older than one already read"), std::string::npos)
      << old.out;
  EXPECT_EQ(PartnerList(b_), after);

  // Locked: exit 3, nothing read.
  Ok(b_, {"lock"});
  SharedWish(a_, RandomMarker("THIRD"));
  RunResult locked =
      b_.Run({"bundle", "read", WriteBundle(a_, "third.bundle")});
  EXPECT_EQ(locked.exit_code, 3) << Describe(locked);
  EXPECT_NE(locked.err.find("locked"), std::string::npos) << locked.err;
  ASSERT_EQ(b_.RunWithPassphrase({"unlock"}).exit_code, 0);
  EXPECT_EQ(PartnerList(b_), after);
}

TEST_F(BundleE2eTest, BundlesAndNetworkSyncsMixWithNoLossAndNoDuplicate) {
  ReadyByBundles();
  const std::string one = RandomMarker("ONE"), two = RandomMarker("TWO"),
                    three = RandomMarker("THREE");
  SharedWish(a_, one);
  const std::string early = WriteBundle(a_, "early.bundle");
  SharedWish(a_, two);
  // The network carries both wishes; the bundle written before it arrives
  // afterwards and adds nothing.
  std::string address;
  auto serve_b = Serve(b_, &address);
  RunResult sync = a_.Run({"--json", "sync", "--peer", address});
  ASSERT_EQ(sync.exit_code, 0) << Describe(sync);
  EXPECT_TRUE(PartnerListHas(b_, one));
  EXPECT_TRUE(PartnerListHas(b_, two));
  serve_b->Signal(SIGTERM);
  serve_b->Wait();
  json late = ReadBundle(b_, early);
  EXPECT_EQ(late["received"], 0) << late.dump();
  EXPECT_EQ(PartnerItems(b_), 2u);
  // The session taught a what b holds: its next bundle carries only what
  // is new since.
  SharedWish(a_, three);
  std::size_t changes = 0;
  const std::string after = WriteBundle(a_, "after.bundle", &changes);
  EXPECT_EQ(changes, 2u);  // create and share of the third wish
  ReadBundle(b_, after);
  EXPECT_EQ(PartnerItems(b_), 3u);
  EXPECT_TRUE(PartnerListHas(b_, three));
  // And a sync after the bundle has nothing left to send.
  serve_b = Serve(b_, &address);
  RunResult again = a_.Run({"--json", "sync", "--peer", address});
  ASSERT_EQ(again.exit_code, 0) << Describe(again);
  auto doc = json::parse(again.out, nullptr, false);
  EXPECT_EQ(doc["sent"], 0) << again.out;
  EXPECT_EQ(PartnerItems(b_), 3u);
  serve_b->Signal(SIGTERM);
  EXPECT_EQ(serve_b->Wait().exit_code, 0);
}

TEST_F(BundleE2eTest, ASharedItemsTextIsNotInTheBundleFile) {
  ReadyByBundles();
  const std::string marker = RandomMarker("PRIVATE");
  SharedWish(a_, marker);
  const std::string path = WriteBundle(a_, "private.bundle");
  const std::string bytes = ReadFileBytes(path);
  ASSERT_FALSE(bytes.empty());
  EXPECT_TRUE(FindMarkerInBytes(bytes, marker).empty());
  EXPECT_TRUE(FindMarkerInBytes(bytes, NodeId(a_)).empty());
  EXPECT_TRUE(FindMarkerInBytes(bytes, NodeId(b_)).empty());
  // The marker is really carried (the search could find it).
  ReadBundle(b_, path);
  EXPECT_TRUE(PartnerListHas(b_, marker));
}

}  // namespace
}  // namespace inch::test
