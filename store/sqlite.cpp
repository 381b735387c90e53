// SQLite RAII layer; see sqlite.hpp for the contract.
#include "store/sqlite.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/check.hpp"

namespace inch::store {

Error SqliteError(sqlite3* db, int rc, std::string_view context) {
  const char* detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = std::string(context) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return {Errc::kCorrupt, message};
    case SQLITE_CANTOPEN:
      return {Errc::kNotFound, message};
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return {Errc::kPermission, message};
    default:
      return {Errc::kIo, message};
  }
}

Statement& Statement::Bind(int index, std::int64_t value) {
  INCH_CHECK(sqlite3_bind_int64(stmt_, index, value) == SQLITE_OK);
  return *this;
}

Statement& Statement::Bind(int index, ByteView blob) {
  // An empty blob must still be a blob, not NULL: pass a non-null pointer.
  static const std::uint8_t kEmpty = 0;
  const void* data = blob.empty() ? &kEmpty : blob.data();
  INCH_CHECK(sqlite3_bind_blob64(stmt_, index, data, blob.size(),
                                 SQLITE_TRANSIENT) == SQLITE_OK);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  INCH_CHECK(sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                                 SQLITE_TRANSIENT, SQLITE_UTF8) == SQLITE_OK);
  return *this;
}

Statement& Statement::BindNull(int index) {
  INCH_CHECK(sqlite3_bind_null(stmt_, index) == SQLITE_OK);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(
      SqliteError(sqlite3_db_handle(stmt_), rc, "database step failed"));
}

Status Statement::Run() {
  for (;;) {
    auto more = Step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
  }
}

std::int64_t Statement::ColumnInt(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

Bytes Statement::ColumnBlob(int col) const {
  auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? Bytes(p, p + n) : Bytes{};
}

std::string Statement::ColumnText(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string{};
}

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 bool create) {
  if (!create && ::access(path.c_str(), F_OK) != 0) {
    return Fail(Errc::kNotFound, "no database at " + path);
  }
  if (create && ::access(path.c_str(), F_OK) != 0) {
    // Create the file ourselves so it is 0600 from its first byte. Only when
    // it is missing: close() on a second descriptor of an open database
    // drops every POSIX lock this process holds on it (SQLite's included),
    // which let another process reset the WAL under our connections.
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Fail(Errc::kIo, "cannot create " + path);
    ::close(fd);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK)
    return std::unexpected(SqliteError(raw, rc, "cannot open " + path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  // journal_mode=WAL is persistent; the rest are per connection.
  auto setup = db->Exec(
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=ON;"
      "PRAGMA secure_delete=ON;"
      "PRAGMA temp_store=MEMORY;");
  if (!setup) return Wrap(setup.error(), path);
  auto check = db->Prepare("PRAGMA quick_check");
  auto row = check.Step();
  if (!row) return Wrap(row.error(), path);
  if (!*row || check.ColumnText(0) != "ok") {
    return Fail(Errc::kCorrupt, path + " failed its integrity check");
  }
  while (true) {
    auto more = check.Step();
    if (!more || !*more) break;
  }
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Database::Exec(std::string_view sql) {
  std::string owned(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return std::unexpected(SqliteError(db_, rc, "database"));
  return {};
}

Statement Database::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                                &stmt, nullptr);
    if (rc != SQLITE_OK) {
      std::fprintf(stderr, "inch: bad SQL (%s): %s\n", sqlite3_errmsg(db_),
                   sql.c_str());
      std::abort();
    }
    it = cache_.emplace(sql, stmt).first;
  }
  sqlite3_reset(it->second);
  sqlite3_clear_bindings(it->second);
  return Statement(it->second);
}

std::int64_t Database::LastInsertRowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::Changes() const { return sqlite3_changes(db_); }

Result<std::int64_t> Database::PragmaInt(std::string_view name) {
  auto stmt = Prepare("PRAGMA " + std::string(name));
  auto row = stmt.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row)
    return Fail(Errc::kCorrupt,
                "PRAGMA " + std::string(name) + " returned nothing");
  std::int64_t value = stmt.ColumnInt(0);
  while (true) {
    auto more = stmt.Step();
    if (!more || !*more) break;
  }
  return value;
}

Status Database::SetPragmaInt(std::string_view name, std::int64_t value) {
  return Exec("PRAGMA " + std::string(name) + "=" + std::to_string(value));
}

Status Database::CheckpointTruncate() {
  // A cached SELECT left on a row keeps a read transaction open, and the
  // checkpoint then fails with SQLITE_LOCKED: reset them all first.
  for (auto& [sql, stmt] : cache_) sqlite3_reset(stmt);
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                     nullptr, nullptr);
  if (rc != SQLITE_OK)
    return std::unexpected(SqliteError(db_, rc, "checkpoint"));
  return {};
}

Result<Transaction> Transaction::Begin(Database& db) {
  auto begun = db.Exec("BEGIN IMMEDIATE");
  if (!begun) return std::unexpected(begun.error());
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) {
  other.db_ = nullptr;
}

Transaction::~Transaction() {
  if (db_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  INCH_CHECK(db_ != nullptr);
  auto done = db_->Exec("COMMIT");
  if (!done) return done;  // destructor rolls back
  db_ = nullptr;
  return {};
}

}  // namespace inch::store
