// A disk edited without the key cannot release anything (issue 8, point
// 3): the attacker has write access to shared.db for a minute and no
// passphrase, and edits the plaintext bookkeeping the consent gate reads.
// Each edit must make the Outbox (and Preview) refuse with kCorrupt, and the
// partner must receive nothing it should not.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "shared_test_util.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::Node;
using testing::PartnerTexts;

class TamperTest : public testing::PairedNodes {
 protected:
  void SetUp() override {
    PairedNodes::SetUp();
    // Both ready for lists; a has one draft wish, one shared wish and a
    // note written while notes were off.
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kLists, true));
    ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kLists, true));
    FullExchange(a, b);
    // a switched notes on and off again: its notes row says off.
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kNotes, true));
    ASSERT_TRUE(a->edits().SetConsent(ConsentKind::kNotes, false));
    ASSERT_TRUE(a->edits().AddWish("private draft", 3));
    auto shared = a->edits().AddWish("shared wish", 3);
    ASSERT_TRUE(shared && a->edits().Share(*shared));
    ASSERT_TRUE(a->edits().AddNote("note while notes are off"));
    ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kNotes, true));
    FullExchange(a, b);
    ASSERT_EQ(PartnerTexts(b), std::set<std::string>{"shared wish"});
  }
  // Runs `sql` on a's closed shared.db, as an attacker with the disk would.
  // The Outbox refuses, Preview refuses, and b still holds only the one
  // wish a shared.
  void ExpectRefused() {
    auto out = a->sync().Outbox(*b->sync().ReceivedUpTo(), 100, 1 << 20);
    ASSERT_FALSE(out) << "released after a disk edit";
    EXPECT_EQ(out.error().code, Errc::kCorrupt);
    EXPECT_NE(out.error().message.find("changed outside inch"),
              std::string::npos)
        << out.error().message;
    auto preview = a->reader().Preview();
    ASSERT_FALSE(preview);
    EXPECT_EQ(preview.error().code, Errc::kCorrupt);
    EXPECT_EQ(PartnerTexts(b), std::set<std::string>{"shared wish"});
  }
};

TEST_F(TamperTest, AnUntouchedDiskStillReleases) {
  // The control: the same steps without an edit do not fail.
  a.Reopen();
  ASSERT_TRUE(a->sync().Outbox(*b->sync().ReceivedUpTo(), 100, 1 << 20));
  ASSERT_TRUE(a->reader().Preview());
}

TEST_F(TamperTest, RaisingAPendingOpsGateClassIsRefused) {
  a.EditWithoutKey("UPDATE pending SET gate = 8 WHERE gate = 0");
  ExpectRefused();
}

TEST_F(TamperTest, MarkingADraftSharedIsRefused) {
  a.EditWithoutKey("UPDATE pending SET gate = gate | 1");
  ExpectRefused();
}

TEST_F(TamperTest, SwitchingAConsentOnIsRefused) {
  a.EditWithoutKey(
      "UPDATE consents SET value = 1 WHERE author = 0 AND value = 0");
  ExpectRefused();
}

TEST_F(TamperTest, CopyingAConsentRowsMacIsRefused) {
  // The lists row's valid MAC, moved onto the notes row.
  a.EditWithoutKey(
      "INSERT OR REPLACE INTO consents(author, kind, hlc, value, mac)"
      " SELECT 0, 2, hlc, 1, mac FROM consents WHERE author = 0 AND kind = 1");
  ExpectRefused();
}

TEST_F(TamperTest, ForgingAReleaseRunIsRefused) {
  a.EditWithoutKey(
      "INSERT INTO releases(first, seq, count, mac) SELECT"
      " (SELECT value FROM meta WHERE key = 'next_release'), seq, 1, mac"
      " FROM pending ORDER BY seq LIMIT 1;"
      "DELETE FROM pending WHERE seq = (SELECT min(seq) FROM pending);"
      "UPDATE meta SET value = value + 1 WHERE key = 'next_release'");
  ExpectRefused();
}

TEST_F(TamperTest, DeletingAPendingRowIsRefused) {
  a.EditWithoutKey(
      "DELETE FROM pending WHERE seq = (SELECT min(seq) FROM pending)");
  ExpectRefused();
}

TEST_F(TamperTest, AnOldPendingRowPutBackIsRefused) {
  // A pending row copied before its op was released (an older copy of the
  // file), put back after: its MAC is valid, but the op is also in a run.
  auto w = a->edits().AddWish("sent later", 2);
  ASSERT_TRUE(w && a->edits().Share(*w));
  a.store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(a.path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT seq, gate, item, hex(mac) FROM pending"
                               " ORDER BY seq DESC LIMIT 1",
                               -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  const std::string row =
      std::to_string(sqlite3_column_int64(st, 0)) + ", " +
      std::to_string(sqlite3_column_int64(st, 1)) + ", " +
      std::to_string(sqlite3_column_int64(st, 2)) + ", x'" +
      reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + "'";
  sqlite3_finalize(st);
  sqlite3_close(db);
  a.Reopen();
  FullExchange(a, b);  // the share leaves: its pending row goes
  ASSERT_EQ(PartnerTexts(b),
            (std::set<std::string>{"shared wish", "sent later"}));
  a.EditWithoutKey("INSERT INTO pending(seq, gate, item, mac) VALUES (" + row +
                   ")");
  auto out = a->sync().Outbox(*b->sync().ReceivedUpTo(), 100, 1 << 20);
  ASSERT_FALSE(out) << "released after a disk edit";
  EXPECT_EQ(out.error().code, Errc::kCorrupt);
  EXPECT_FALSE(a->reader().Preview());
}

TEST_F(TamperTest, PrivateAnswersDoNotShowWhichWishWasAnswered) {
  auto bw = b->edits().AddWish("b's wish", 2);
  ASSERT_TRUE(bw && b->edits().Share(*bw));
  FullExchange(a, b);
  ASSERT_TRUE(
      a->edits().AnswerPrivately(ItemId{kPartner, bw->n}, PrivateAnswer::kNo));
  a.store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(a.path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  // No plaintext wish number; the row id is a 16-byte keyed hash.
  EXPECT_NE(
      sqlite3_prepare_v2(db, "SELECT n FROM private_answers", -1, &st, nullptr),
      SQLITE_OK);
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT id FROM private_answers", -1, &st,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_bytes(st, 0), 16);
  sqlite3_finalize(st);
  sqlite3_close(db);
  a.Reopen();
  auto answer = a->reader().PrivateAnswerFor(ItemId{kPartner, bw->n});
  ASSERT_TRUE(answer && *answer);
  EXPECT_EQ(**answer, PrivateAnswer::kNo);
}

}  // namespace
}  // namespace inch::store
