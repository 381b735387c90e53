// A thin RAII layer over SQLite that returns values instead of throwing:
// a database handle, cached prepared statements and a write transaction
// that rolls back unless committed. Shared by the journal and the shared
// store; it knows nothing about either schema.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/error.hpp"

namespace inch::store {

// A cheap handle to a cached prepared statement, returned by
// Database::Prepare already reset; valid while the Database lives.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  // Move-only; the last handle resets the statement, so a read that stopped
  // at its first row does not keep a read transaction (a stale snapshot that
  // blocks checkpoints and later writes) open on the connection.
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (stmt_ != nullptr) sqlite3_reset(stmt_);
  }

  // Binders take 1-based indexes; they abort on a bad index (programming
  // error).
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, ByteView blob);
  Statement& Bind(int index, std::string_view text);
  Statement& BindNull(int index);

  // Steps once. Returns true while a row is available, false when done;
  // kCorrupt/kIo on errors (SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FULL ...).
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();

  std::int64_t ColumnInt(int col) const;
  Bytes ColumnBlob(int col) const;
  std::string ColumnText(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  // Opens (or with `create`, creates) the file at `path` with mode 0600,
  // WAL, synchronous=FULL, foreign keys, busy_timeout, secure_delete.
  // `path`-wal and -shm stay after close and are part of the store (copy
  // all `path`* files together); closing empties only a WAL grown past 64
  // frames. `PRAGMA quick_check` runs when the main file changed since the
  // last check that passed (stamp in `path`-checked). kNotFound if it does
  // not exist and !create; kCorrupt if it is not a database (its header is
  // read on every open) or fails the check.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (schema, pragmas).
  Status Exec(std::string_view sql);

  // Returns a cached, reset statement with no bindings, valid while this
  // Database lives. Aborts on invalid SQL (a bug).
  Statement Prepare(const std::string& sql);

  std::int64_t LastInsertRowid() const;
  int Changes() const;

  // PRAGMA helpers.
  Result<std::int64_t> PragmaInt(std::string_view name);
  Status SetPragmaInt(std::string_view name, std::int64_t value);

  // Checkpoints and truncates the WAL so deleted content leaves it too.
  Status CheckpointTruncate();

  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  // SQLite's default autocheckpoint threshold, kept.
  static constexpr int kAutoCheckpointFrames = 1000;
  // WAL size (frames) at which closing truncates it; see ~Database.
  static constexpr int kCloseCheckpointFrames = 64;

  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  static int OnWalCommit(void* self, sqlite3* db, const char* schema,
                         int frames);
  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> cache_;
  int wal_frames_ = 0;  // frames in the WAL after this connection's commit
};

// BEGIN IMMEDIATE on construction; rolls back in the destructor unless
// Commit() succeeded. Check ok() (or Begin's result) before use.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed or rolled back
};

// Maps an SQLite result code to our error type with `context`.
Error SqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace inch::store
