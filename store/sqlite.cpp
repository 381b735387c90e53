// SQLite RAII layer; see sqlite.hpp for the contract.
#include "store/sqlite.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "common/check.hpp"

namespace inch::store {
namespace {

// The "inch" VFS: SQLite's default VFS with one change. SQLite opens the
// WAL with SQLITE_OPEN_CREATE on every connection, and so fsyncs the folder
// on each connection's first sync: one more device flush per command (as
// costly as the commit's own). The folder entry needs that sync once, when
// the file is created. So an existing WAL is opened without CREATE, and a
// missing one is created and its folder synced at once, before anything
// can be committed into it (by this connection or another).
sqlite3_vfs* g_base_vfs = nullptr;
sqlite3_vfs g_inch_vfs;

bool SyncFolderOf(const char* file) {
  std::string dir = file;
  const auto slash = dir.find_last_of('/');
  dir = slash == std::string::npos ? "."
        : slash == 0               ? "/"
                                   : dir.substr(0, slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  int rc;
  do {
    rc = ::fsync(fd);
  } while (rc != 0 && errno == EINTR);
  ::close(fd);
  return rc == 0;
}

int InchOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags,
             int* out_flags) {
  sqlite3_vfs* base = g_base_vfs;
  const int create_wal = SQLITE_OPEN_WAL | SQLITE_OPEN_CREATE;
  if (name == nullptr || (flags & create_wal) != create_wal) {
    return base->xOpen(base, name, file, flags, out_flags);
  }
  // A failed xOpen leaves file->pMethods null, so a second try is allowed.
  int rc =
      base->xOpen(base, name, file, flags & ~SQLITE_OPEN_CREATE, out_flags);
  if (rc == SQLITE_OK) return rc;
  rc = base->xOpen(base, name, file, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (!SyncFolderOf(name)) {
    file->pMethods->xClose(file);
    file->pMethods = nullptr;
    return SQLITE_IOERR_DIR_FSYNC;
  }
  return SQLITE_OK;
}

// Registers the VFS once per process; its name for sqlite3_open_v2.
const char* InchVfs() {
  static const bool registered = [] {
    g_base_vfs = sqlite3_vfs_find(nullptr);
    INCH_CHECK(g_base_vfs != nullptr);
    g_inch_vfs = *g_base_vfs;  // pAppData too: the base methods use it
    g_inch_vfs.pNext = nullptr;
    g_inch_vfs.zName = "inch";
    g_inch_vfs.xOpen = InchOpen;
    return sqlite3_vfs_register(&g_inch_vfs, 0) == SQLITE_OK;
  }();
  INCH_CHECK(registered);
  return g_inch_vfs.zName;
}

// `PRAGMA quick_check` reads every page: ~30 ms on a 37 MB store, paid by
// every command. It runs when the main file changed since the last check
// that passed, recorded in a stamp beside it (`<db>-checked`: device, inode,
// size, mtime and ctime, nothing secret). The main file changes only at
// checkpoints or by something outside inch (a restore, a copy, a truncation,
// another tool), and any such write moves its ctime. Pages read later are
// still checked by SQLite itself and reported as kCorrupt.
std::string StampOf(const struct stat& st) {
  return std::to_string(st.st_dev) + " " + std::to_string(st.st_ino) + " " +
         std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) +
         "." + std::to_string(st.st_mtim.tv_nsec) + " " +
         std::to_string(st.st_ctim.tv_sec) + "." +
         std::to_string(st.st_ctim.tv_nsec);
}

std::string ReadStamp(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return {};
  std::array<char, 256> buf{};
  const ssize_t n = ::read(fd, buf.data(), buf.size());
  ::close(fd);
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : "";
}

// Best effort and not synced: a lost stamp only costs one more check.
void WriteStamp(const std::string& path, const std::string& stamp) {
  int fd = ::open(path.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  if (::write(fd, stamp.data(), stamp.size()) !=
      static_cast<ssize_t>(stamp.size())) {
    (void)::ftruncate(fd, 0);
  }
  ::close(fd);
}

// While the WAL holds page 1, SQLite reads it from there and never looks at
// the main file's header, so a damaged header would go unnoticed until a
// checkpoint. An empty main file is a new store whose pages are all in the
// WAL still.
Status CheckHeader(const std::string& path) {
  static constexpr char kMagic[] = "SQLite format 3";  // and its NUL
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(Errc::kIo, "cannot read " + path);
  std::array<char, sizeof kMagic> head{};
  const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
  ::close(fd);
  if (n == 0) return {};
  if (n != static_cast<ssize_t>(head.size()) ||
      std::memcmp(head.data(), kMagic, sizeof kMagic) != 0) {
    return Fail(Errc::kCorrupt, path + " has no SQLite header");
  }
  return {};
}

Status QuickCheck(Database& db, const std::string& path) {
  auto check = db.Prepare("PRAGMA quick_check");
  auto row = check.Step();
  if (!row) return Wrap(row.error(), path);
  if (!*row || check.ColumnText(0) != "ok") {
    return Fail(Errc::kCorrupt, path + " failed its integrity check");
  }
  while (true) {
    auto more = check.Step();
    if (!more || !*more) break;
  }
  return {};
}

}  // namespace

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
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, InchVfs());
  std::unique_ptr<Database> db(new Database(raw, path));
  if (rc != SQLITE_OK)
    return std::unexpected(SqliteError(raw, rc, "cannot open " + path));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  // The last connection to close would checkpoint the WAL into the main
  // file and delete it: two more device flushes per command, and a new WAL
  // (header sync, folder sync) for the next. Committed data is durable in
  // the WAL already, and the stores checkpoint-truncate explicitly after
  // deletions. So the WAL (and -shm) stay between commands and are part of
  // the store; ~Database truncates it once it holds kCloseCheckpointFrames.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  // Replaces SQLite's autocheckpoint hook (same 1000-page policy) so that
  // the connection knows how many frames the WAL holds.
  sqlite3_wal_hook(raw, &Database::OnWalCommit, db.get());
  // journal_mode=WAL is persistent; the rest are per connection.
  auto setup = db->Exec(
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=ON;"
      "PRAGMA secure_delete=ON;"
      "PRAGMA temp_store=MEMORY;"
      "PRAGMA journal_size_limit=4194304;");
  if (!setup) return Wrap(setup.error(), path);
  if (auto ok = CheckHeader(path); !ok) return std::unexpected(ok.error());
  // The stat comes before the check: a change made meanwhile (another
  // process's checkpoint) leaves a stale stamp, so the next open checks.
  struct stat st {};
  const std::string stamp_path = path + "-checked";
  const bool stamped = ::stat(path.c_str(), &st) == 0;
  if (!stamped || ReadStamp(stamp_path) != StampOf(st)) {
    if (auto ok = QuickCheck(*db, path); !ok)
      return std::unexpected(ok.error());
    if (stamped) WriteStamp(stamp_path, StampOf(st));
  }
  return db;
}

int Database::OnWalCommit(void* self, sqlite3* db, const char* schema,
                          int frames) {
  static_cast<Database*>(self)->wal_frames_ = frames;
  if (frames >= kAutoCheckpointFrames) {
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE,
                                    nullptr, nullptr);
  }
  return SQLITE_OK;
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  // The next process to open the store alone rebuilds the WAL index by
  // reading every frame (~4 us each), so a WAL this connection grew is
  // emptied here. Best effort and without waiting: if another connection
  // reads or writes, it stays for a later close or the autocheckpoint.
  if (wal_frames_ >= kCloseCheckpointFrames) {
    sqlite3_busy_timeout(db_, 0);
    (void)sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                    nullptr, nullptr);
  }
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
  wal_frames_ = 0;
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
