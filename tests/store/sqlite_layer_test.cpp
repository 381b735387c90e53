// Tests for the SQLite RAII layer shared by both stores: opening,
// refusing garbage, transactions that roll back unless committed, binding,
// WAL truncation, the WAL kept between connections and the integrity check
// that runs again whenever the main file changed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "journal_test_util.hpp"
#include "store/sqlite.hpp"

namespace inch::store {
namespace {

using inch::testing::ReadFile;
using inch::testing::TempDir;
using inch::testing::WriteFile;

std::int64_t CountRows(Database& db) {
  auto sel = db.Prepare("SELECT COUNT(*) FROM t");
  auto row = sel.Step();
  EXPECT_TRUE(row && *row);
  std::int64_t n = sel.ColumnInt(0);
  (void)sel.Step();
  return n;
}

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(path_, true);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (x INTEGER, b BLOB) STRICT"));
  }
  TempDir dir_;
  std::string path_ = dir_.File("t.db");
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (?)").Bind(1, 1).Run());
    EXPECT_EQ(CountRows(*db_), 1);
  }  // no commit
  EXPECT_EQ(CountRows(*db_), 0);
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (?)").Bind(1, 2).Run());
    ASSERT_TRUE(tx->Commit());
  }
  EXPECT_EQ(CountRows(*db_), 1);
}

TEST_F(SqliteTest, MovedTransactionRollsBackOnce) {
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(tx);
    Transaction moved(std::move(*tx));
    ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (3)").Run());
  }
  EXPECT_EQ(CountRows(*db_), 0);
  // The connection is usable again: no transaction left open.
  auto again = Transaction::Begin(*db_);
  ASSERT_TRUE(again) << again.error().message;
}

TEST_F(SqliteTest, NestedBeginFails) {
  auto tx = Transaction::Begin(*db_);
  ASSERT_TRUE(tx);
  EXPECT_FALSE(Transaction::Begin(*db_));
}

TEST_F(SqliteTest, EmptyBlobIsNotNull) {
  ASSERT_TRUE(db_->Prepare("INSERT INTO t (x, b) VALUES (1, ?)")
                  .Bind(1, ByteView())
                  .Run());
  auto sel = db_->Prepare("SELECT b FROM t");
  auto row = sel.Step();
  ASSERT_TRUE(row && *row);
  EXPECT_FALSE(sel.ColumnIsNull(0));
  EXPECT_TRUE(sel.ColumnBlob(0).empty());
  (void)sel.Step();
}

TEST_F(SqliteTest, PragmasRoundTrip) {
  ASSERT_TRUE(db_->SetPragmaInt("user_version", 42));
  auto v = db_->PragmaInt("user_version");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 42);
  auto mode = db_->PragmaInt("secure_delete");
  ASSERT_TRUE(mode);
  EXPECT_EQ(*mode, 1);
}

TEST_F(SqliteTest, CheckpointTruncateEmptiesTheWal) {
  ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (1)").Run());
  ASSERT_GT(ReadFile(path_ + "-wal").size(), 0u);
  ASSERT_TRUE(db_->CheckpointTruncate());
  EXPECT_EQ(ReadFile(path_ + "-wal").size(), 0u);
}

TEST_F(SqliteTest, CreatedFileIsOwnerOnly) {
  struct stat st;
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SqliteTest, CommittedRowsStayInTheKeptWalAcrossConnections) {
  ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (1)").Run());
  db_.reset();  // closing does not checkpoint: the WAL stays
  EXPECT_GT(ReadFile(path_ + "-wal").size(), 0u);
  auto again = Database::Open(path_, false);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(CountRows(**again), 1);
}

TEST_F(SqliteTest, AMissingWalIsCreatedAgain) {
  ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (1)").Run());
  ASSERT_TRUE(db_->CheckpointTruncate());
  db_.reset();
  ASSERT_EQ(::unlink((path_ + "-wal").c_str()), 0);
  ::unlink((path_ + "-shm").c_str());
  {
    auto db = Database::Open(path_, false);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE((*db)->Prepare("INSERT INTO t (x) VALUES (2)").Run());
  }
  struct stat st;
  ASSERT_EQ(::stat((path_ + "-wal").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto db = Database::Open(path_, false);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(CountRows(**db), 2);
}

TEST_F(SqliteTest, ClosingAGrownWalEmptiesIt) {
  for (int i = 0; i < 100; ++i) {  // one commit, one frame or more, each
    ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (?)").Bind(1, i).Run());
  }
  db_.reset();
  EXPECT_EQ(ReadFile(path_ + "-wal").size(), 0u);
  auto db = Database::Open(path_, false);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(CountRows(**db), 100);
}

TEST_F(SqliteTest, StampOfThePassedCheckIsOwnerOnly) {
  struct stat st;
  ASSERT_EQ(::stat((path_ + "-checked").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// The stamp must not hide a change: a damaged table page that opening
// alone never reads is still found, because the file changed.
TEST_F(SqliteTest, AChangedFileIsCheckedAgain) {
  ASSERT_TRUE(db_->Prepare("INSERT INTO t (x) VALUES (1)").Run());
  ASSERT_TRUE(db_->CheckpointTruncate());  // the rows are in the main file
  db_.reset();
  ASSERT_TRUE(Database::Open(path_, false));  // passes, stamps
  std::string bytes = ReadFile(path_);
  ASSERT_GE(bytes.size(), 8192u);
  {  // page 2 is t's root: an invalid b-tree page type
    std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    f.put('\x7f');
  }
  auto db = Database::Open(path_, false);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kCorrupt) << db.error().message;
}

// While the WAL holds page 1, SQLite never reads the main file's header:
// Open checks it itself, and leaves a damaged file as it found it.
TEST_F(SqliteTest, ADamagedHeaderIsCorruptWhileTheWalHoldsPageOne) {
  ASSERT_TRUE(db_->CheckpointTruncate());
  for (int i = 0; i < 10; ++i) {  // the file grows: page 1 changes
    ASSERT_TRUE(db_->Prepare("INSERT INTO t (x, b) VALUES (?, ?)")
                    .Bind(1, i)
                    .Bind(2, Bytes(2000, 0x5a))
                    .Run());
  }
  db_.reset();
  ASSERT_GT(ReadFile(path_ + "-wal").size(), 0u);
  std::string damaged = ReadFile(path_);
  ASSERT_GE(damaged.size(), 4096u);
  for (int i = 0; i < 16; ++i) damaged[i] = 'X';
  WriteFile(path_, damaged);
  auto db = Database::Open(path_, false);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kCorrupt) << db.error().message;
  EXPECT_EQ(ReadFile(path_), damaged);
}

TEST(SqliteOpenTest, MissingIsNotFound) {
  TempDir dir;
  auto db = Database::Open(dir.File("none.db"), false);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kNotFound);
}

TEST(SqliteOpenTest, GarbageIsCorrupt) {
  TempDir dir;
  WriteFile(dir.File("g.db"), std::string(4096, 'g'));
  auto db = Database::Open(dir.File("g.db"), false);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kCorrupt) << db.error().message;
}

}  // namespace
}  // namespace inch::store
