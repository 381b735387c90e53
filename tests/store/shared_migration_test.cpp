// Schema migration of shared.db: two files written by schema 1 (checked in
// beside this test: a node with released, held-back and pending ops, and its
// partner) open under the current code, keep their release numbers as runs,
// keep what is pending, and then sync as before through the consent gate.
// The files were made with fixed keys: shared key 0x41.. / 0x42.., public
// keys 0xA1.. / 0xB2.., pair secret 0x5A.. (32 bytes each).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>
#include <tuple>
#include <vector>

#include "shared_test_util.hpp"

namespace inch::store {
namespace {

namespace fs = std::filesystem;
using testing::FullExchange;
using testing::Node;
using testing::PartnerTexts;
using testing::Send;
using testing::TempDir;

const fs::path kHere = fs::path(__FILE__).parent_path();

// Rows of `sql` (integer columns) read straight from the file.
std::vector<std::vector<std::int64_t>> Rows(const std::string& path,
                                            const std::string& sql) {
  std::vector<std::vector<std::int64_t>> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::int64_t> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i)
      row.push_back(sqlite3_column_int64(st, i));
    out.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

class SharedMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    a = Copy("shared_v1_golden.db", 0x41, 0xA1);
    b = Copy("shared_v1_golden_b.db", 0x42, 0xB2);
  }
  Node Copy(const std::string& name, std::uint8_t key, std::uint8_t pk) {
    Node n;
    n.path = dir.path() + "/" + name;
    fs::copy_file(kHere / name, n.path);
    n.key = crypto::Secret::CopyOf(Bytes(32, key));
    n.pk = Bytes(32, pk);
    return n;
  }
  TempDir dir;
  Node a, b;
};

TEST_F(SharedMigrationTest, VersionOneFilesMigrateAndKeepTheirReleases) {
  ASSERT_EQ(Rows(a.path, "PRAGMA user_version"),
            (std::vector<std::vector<std::int64_t>>{{1}}));
  a.Reopen();
  // v1 released seq 3 as 1, then seqs 1-2 as 2-3: two runs; 4-8 pending.
  a.store.reset();
  EXPECT_EQ(Rows(a.path, "PRAGMA user_version"),
            (std::vector<std::vector<std::int64_t>>{{5}}));
  // Schema 4: every gate record got its MAC in the same migration.
  EXPECT_EQ(Rows(a.path,
                 "SELECT (SELECT count(*) FROM pending WHERE length(mac) = 16)"
                 " + (SELECT count(*) FROM releases WHERE length(mac) = 16)"),
            (std::vector<std::vector<std::int64_t>>{{7}}));
  EXPECT_EQ(Rows(a.path, "SELECT count(*) FROM consents WHERE mac IS NULL"),
            (std::vector<std::vector<std::int64_t>>{{0}}));
  EXPECT_EQ(
      Rows(a.path, "SELECT first, seq, count FROM releases ORDER BY first"),
      (std::vector<std::vector<std::int64_t>>{{1, 3, 1}, {2, 1, 2}}));
  EXPECT_EQ(Rows(a.path, "SELECT seq FROM pending ORDER BY seq"),
            (std::vector<std::vector<std::int64_t>>{{4}, {5}, {6}, {7}, {8}}));
  EXPECT_EQ(Rows(a.path, "SELECT count(*) FROM ops WHERE gate IS NOT NULL"),
            (std::vector<std::vector<std::int64_t>>{{0}}));
  a.Reopen();
  b.Reopen();
  auto state = a->reader().CurrentState();
  ASSERT_TRUE(state);
  std::set<std::string> mine;
  for (auto& [id, item] : state->items)
    if (id.author == kMe) mine.insert(item.text);
  EXPECT_EQ(mine, (std::set<std::string>{"golden wish one: tea in bed",
                                         "golden draft give: never leaves",
                                         "golden wish three: a walk",
                                         "golden note four: thank you"}));
  EXPECT_EQ(PartnerTexts(a), std::set<std::string>{"golden partner wish"});
  EXPECT_EQ(PartnerTexts(b),
            std::set<std::string>{"golden wish one: tea in bed"});
  auto counts = a->reader().Counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->unreleased_ops, 5u);

  // The partner already holds releases 1-3: it gets the newly eligible
  // ones only (the shared wish and my notes consent), never the draft, and
  // the note waits for its notes consent.
  EXPECT_EQ(Send(a, b), 3u);
  EXPECT_EQ(PartnerTexts(b),
            (std::set<std::string>{"golden wish one: tea in bed",
                                   "golden wish three: a walk"}));
  counts = a->reader().Counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->unreleased_ops, 2u);
  // Pending rows of schema 1 were opened once and their class kept.
  a.store.reset();
  EXPECT_EQ(Rows(a.path,
                 "SELECT seq FROM ops WHERE author = 0 AND gate IS"
                 " NOT NULL ORDER BY seq"),
            (std::vector<std::vector<std::int64_t>>{{4}, {5}, {6}, {7}, {8}}));
  a.Reopen();
  ASSERT_TRUE(b->edits().SetConsent(ConsentKind::kNotes, true));
  FullExchange(a, b);
  EXPECT_EQ(PartnerTexts(b),
            (std::set<std::string>{"golden wish one: tea in bed",
                                   "golden wish three: a walk",
                                   "golden note four: thank you"}));
  counts = a->reader().Counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->unreleased_ops, 1u);  // the draft, forever
  // Release numbers stay contiguous across the old and the new runs.
  a.store.reset();
  auto runs = Rows(a.path, "SELECT first, count FROM releases ORDER BY first");
  std::int64_t next = 1;
  for (const auto& run : runs) {
    EXPECT_EQ(run[0], next);
    next += run[1];
  }
  EXPECT_EQ(next, 8);  // 3 old releases + wish, share, consent, note
}

// Schema 3: no op's clock is kept in the clear (it told anyone with the disk
// when each change was made); the clocks live on inside the sealed bodies.
TEST_F(SharedMigrationTest, NoClockIsKeptOutsideTheSealedBodies) {
  const std::string has_clock =
      "SELECT count(*) FROM pragma_table_info('ops') WHERE name = 'hlc'";
  ASSERT_EQ(Rows(a.path, has_clock),
            (std::vector<std::vector<std::int64_t>>{{1}}));
  a.Reopen();
  auto state = a->reader().CurrentState();
  ASSERT_TRUE(state.has_value());
  ASSERT_FALSE(state->items.empty());
  for (const auto& [id, item] : state->items)
    EXPECT_GT(item.created_hlc, 0u) << "the clock is still in the body";
  a.store.reset();
  EXPECT_EQ(Rows(a.path, has_clock),
            (std::vector<std::vector<std::int64_t>>{{0}}));
  // A new store never had the column.
  Node fresh = testing::MakeNode(dir.path(), "fresh");
  ASSERT_TRUE(fresh->edits().AddWish("a wish", 3).has_value());
  fresh.store.reset();
  EXPECT_EQ(Rows(fresh.path, has_clock),
            (std::vector<std::vector<std::int64_t>>{{0}}));
}

TEST_F(SharedMigrationTest, MigratedStoreCanUnpairAndReleaseAgain) {
  a.Reopen();
  ASSERT_TRUE(a->pairing().ErasePartner());
  a.store.reset();
  EXPECT_TRUE(Rows(a.path, "SELECT * FROM releases").empty());
  // Every op of mine is pending again (the partner's are gone).
  EXPECT_EQ(Rows(a.path, "SELECT count(*) FROM pending"),
            Rows(a.path, "SELECT count(*) FROM ops WHERE author = 0"));
  EXPECT_EQ(Rows(a.path, "SELECT count(*) FROM ops WHERE author = 1"),
            (std::vector<std::vector<std::int64_t>>{{0}}));
}

}  // namespace
}  // namespace inch::store
