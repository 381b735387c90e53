// Rollback is detected and repaired, never silent (issue 8, point 2): a
// node whose log lost its tail (a home restored from a backup, a damaged
// -wal) takes its released ops back from the partner's copy and both
// converge, with no release number given to two different ops.
#include <gtest/gtest.h>

#include <filesystem>

#include "shared_test_util.hpp"

namespace inch::store {
namespace {

namespace fs = std::filesystem;
using testing::FullExchange;
using testing::Node;
using testing::PartnerTexts;

class RecoveryTest : public testing::PairedNodes {
 protected:
  void SetUp() override {
    PairedNodes::SetUp();
    for (Node* n : {&a, &b}) {
      ASSERT_TRUE((*n)->edits().SetConsent(ConsentKind::kLists, true));
      ASSERT_TRUE((*n)->edits().SetConsent(ConsentKind::kNotes, true));
    }
    FullExchange(a, b);
  }
  // Copies `n`'s store files (closed) to `to`, as a backup would.
  static void Backup(Node& n, const std::string& to) {
    n.store.reset();
    fs::create_directories(to);
    for (const char* ext : {"", "-wal", "-shm"}) {
      if (fs::exists(n.path + ext))
        fs::copy_file(n.path + ext, to + "/db" + ext,
                      fs::copy_options::overwrite_existing);
    }
    n.Reopen();
  }
  static void Restore(Node& n, const std::string& from) {
    n.store.reset();
    for (const char* ext : {"", "-wal", "-shm"}) {
      fs::remove(n.path + ext);
      if (fs::exists(from + "/db" + ext))
        fs::copy_file(from + "/db" + ext, n.path + ext);
    }
    n.Reopen();
  }
  static std::set<std::string> MyTexts(Node& n) {
    auto s = n->reader().CurrentState();
    EXPECT_TRUE(s.has_value());
    std::set<std::string> out;
    if (!s) return out;
    for (auto& [id, item] : s->items)
      if (id.author == kMe) out.insert(item.text);
    return out;
  }
  // One sync as two sessions would run it, with recovery when asked.
  static void SyncWithRecovery(Node& from, Node& to) {
    auto out = from->sync().Outbox(*to->sync().ReceivedUpTo(), 1000, 1 << 20);
    if (!out && out.error().code == Errc::kRollback) {
      auto released = from->sync().ReleasedUpTo();
      ASSERT_TRUE(released);
      for (std::uint64_t next = *released + 1;;) {
        auto back = to->sync().ReturnPartnerOps(next, 3, 1 << 20);
        ASSERT_TRUE(back) << back.error().message;
        std::vector<ByteView> views(back->sealed_ops.begin(),
                                    back->sealed_ops.end());
        auto taken = from->sync().RecoverMine(views);
        ASSERT_TRUE(taken) << taken.error().message;
        next += *taken;
        if (!back->more) break;
      }
      out = from->sync().Outbox(*to->sync().ReceivedUpTo(), 1000, 1 << 20);
    }
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_TRUE(ApplyFromPartner(to->sync(), out->sealed_ops));
  }
  static void Converge(Node& x, Node& y) {
    for (int i = 0; i < 4; ++i) {
      SyncWithRecovery(x, y);
      SyncWithRecovery(y, x);
    }
    auto sx = x->reader().SharedState(), sy = y->reader().SharedState();
    ASSERT_TRUE(sx && sy);
    EXPECT_EQ(Canonical(*sx, x->pairing().MeLow()),
              Canonical(*sy, y->pairing().MeLow()));
  }
};

TEST_F(RecoveryTest, ARestoredHomeTakesItsChangesBackAndBothConverge) {
  auto before = a->edits().AddWish("before the backup", 3);
  ASSERT_TRUE(before && a->edits().Share(*before));
  FullExchange(a, b);
  const std::string backup = dir.path() + "/backup";
  Backup(a, backup);
  // After the backup: a new wish and a note reach b, and a marks nothing.
  auto lost = a->edits().AddWish("made after the backup", 4);
  ASSERT_TRUE(lost && a->edits().Share(*lost));
  ASSERT_TRUE(a->edits().AddNote("a note after the backup"));
  FullExchange(a, b);
  ASSERT_EQ(PartnerTexts(b).size(), 3u);
  Restore(a, backup);
  // The restored a writes a new wish: its item number and its release
  // number are ones b already holds for other ops.
  auto fresh = a->edits().AddWish("made after the restore", 2);
  ASSERT_TRUE(fresh && a->edits().Share(*fresh));
  EXPECT_EQ(fresh->n, lost->n);
  // The rollback is detected, never silent.
  auto out = a->sync().Outbox(*b->sync().ReceivedUpTo(), 100, 1 << 20);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kRollback);
  EXPECT_NE(out.error().message.find("backup"), std::string::npos);
  // Recovered and converged: all four of a's items on both laptops.
  Converge(a, b);
  const std::set<std::string> all{"before the backup", "made after the backup",
                                  "a note after the backup",
                                  "made after the restore"};
  EXPECT_EQ(MyTexts(a), all);
  EXPECT_EQ(PartnerTexts(b), all);
}

TEST_F(RecoveryTest, APendingChangeThatLeftAfterTheBackupIsNotDoubled) {
  // A wish shared while b was not ready yet: pending at the backup.
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, false));
  FullExchange(a, b);
  auto wish = a->edits().AddWish("pending at the backup", 3);
  ASSERT_TRUE(wish && a->edits().Share(*wish));
  const std::string backup = dir.path() + "/backup";
  Backup(a, backup);
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
  FullExchange(a, b);  // now it leaves
  ASSERT_EQ(PartnerTexts(b), std::set<std::string>{"pending at the backup"});
  Restore(a, backup);
  Converge(a, b);
  EXPECT_EQ(MyTexts(a), std::set<std::string>{"pending at the backup"});
  EXPECT_EQ(PartnerTexts(b), std::set<std::string>{"pending at the backup"});
  auto counts = a->reader().Counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->unreleased_ops, 0u);
}

TEST_F(RecoveryTest, WhenThePartnerRolledBackItRecoversFromMe) {
  const std::string backup = dir.path() + "/backup-b";
  Backup(b, backup);
  auto wish = b->edits().AddWish("b's wish after its backup", 3);
  ASSERT_TRUE(wish && b->edits().Share(*wish));
  FullExchange(a, b);
  Restore(b, backup);
  auto other = b->edits().AddWish("b's wish after its restore", 2);
  ASSERT_TRUE(other && b->edits().Share(*other));
  Converge(b, a);
  EXPECT_EQ(PartnerTexts(a),
            (std::set<std::string>{"b's wish after its backup",
                                   "b's wish after its restore"}));
}

TEST_F(RecoveryTest, ALostWalTailIsRecovered) {
  auto wish = a->edits().AddWish("kept", 3);
  ASSERT_TRUE(wish && a->edits().Share(*wish));
  FullExchange(a, b);
  // Snapshot a's files while its connection holds the WAL open, as a crash
  // leaves them, then lose the WAL's last frames.
  auto lost = a->edits().AddWish("in the lost tail", 3);
  ASSERT_TRUE(lost && a->edits().Share(*lost));
  const std::string snap = dir.path() + "/snap";
  fs::create_directories(snap);
  fs::copy_file(a.path, snap + "/db");
  ASSERT_TRUE(fs::exists(a.path + "-wal"));
  fs::copy_file(a.path + "-wal", snap + "/db-wal");
  FullExchange(a, b);
  ASSERT_EQ(PartnerTexts(b).size(), 2u);
  const auto wal = fs::file_size(snap + "/db-wal");
  fs::resize_file(snap + "/db-wal", wal - 100);  // the last commit is torn
  Restore(a, snap);
  Converge(a, b);
  EXPECT_EQ(PartnerTexts(b),
            (std::set<std::string>{"kept", "in the lost tail"}));
  EXPECT_TRUE(MyTexts(a).contains("in the lost tail"));
}

}  // namespace
}  // namespace inch::store
