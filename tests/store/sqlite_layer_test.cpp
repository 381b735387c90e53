// Tests for the SQLite RAII layer shared by both stores: opening,
// refusing garbage, transactions that roll back unless committed, binding
// and WAL truncation.
#include <gtest/gtest.h>
#include <sys/stat.h>

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
