// SharedStore: opening and migrating shared.db, handing out its roles, the
// partner pin cache, and the helpers (clock, item keys, sealing at rest)
// the roles build on.
// Schema invariants: my ops are (author 0, local seq), each either pending
// or in a run of `releases` (contiguous release numbers, see
// shared_outbox.cpp); partner ops are (author 1, its release seq).
#include <sodium.h>

#include <algorithm>
#include <chrono>

#include "common/check.hpp"
#include "crypto/aead.hpp"
#include "crypto/identity.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

constexpr std::int64_t kApplicationId = 0x696e6373;  // "incs"
constexpr std::int64_t kSchemaVersion = 5;

// Migration n takes user_version n-1 to n; each runs in one transaction.
constexpr const char* kMigrations[] = {
    // 1: the first schema.
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;"
    "CREATE TABLE items(id INTEGER PRIMARY KEY, author INTEGER NOT NULL,"
    "  n INTEGER NOT NULL, key BLOB, released INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(author, n)) STRICT;"
    "CREATE TABLE ops(author INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  hlc INTEGER NOT NULL, item INTEGER, release INTEGER,"
    "  sealing INTEGER NOT NULL, body BLOB, PRIMARY KEY(author, seq)) STRICT;"
    "CREATE UNIQUE INDEX ops_release ON ops(release) WHERE author = 0;"
    "CREATE INDEX ops_item ON ops(item) WHERE item IS NOT NULL;"
    "CREATE TABLE consents(author INTEGER NOT NULL, kind INTEGER NOT NULL,"
    "  hlc INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY(author, "
    "kind)) STRICT;"
    "CREATE TABLE partner(id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  public_key BLOB NOT NULL, secret BLOB NOT NULL, address BLOB) STRICT;"
    "CREATE TABLE private_answers(n INTEGER PRIMARY KEY, answer BLOB NOT NULL) "
    "STRICT;"
    "INSERT INTO meta(key, value) VALUES ('hlc', 0), ('next_seq', 1),"
    "  ('next_item', 1), ('next_release', 1), ('received', 0), ('changes', 0);",
    // 2: releases are runs, not a column of every op (releasing 100,000
    // ops rewrote 100,000 rows and an index); my unreleased ops are listed
    // in `pending`; my ops carry their consent-gate class (OpGate) so
    // releasing does not open every pending op (NULL for v1 rows: the
    // Outbox opens those once and fills it in). A v1 run is a maximal
    // stretch of consecutive release numbers whose seqs are consecutive.
    "CREATE TABLE releases(first INTEGER PRIMARY KEY, seq INTEGER NOT NULL"
    "  UNIQUE, count INTEGER NOT NULL CHECK (count > 0)) STRICT;"
    "INSERT INTO releases(first, seq, count)"
    "  SELECT min(release), min(seq), count(*) FROM ("
    "    SELECT release, seq, sum(brk) OVER (ORDER BY release) AS run FROM ("
    "      SELECT release, seq, CASE WHEN seq - lag(seq) OVER (ORDER BY"
    "        release) = 1 THEN 0 ELSE 1 END AS brk"
    "      FROM ops WHERE author = 0 AND release IS NOT NULL))"
    "  GROUP BY run;"
    "CREATE TABLE pending(seq INTEGER PRIMARY KEY, gate INTEGER,"
    "  item INTEGER) STRICT;"
    "INSERT INTO pending(seq, gate, item)"
    "  SELECT seq, NULL, item FROM ops WHERE author = 0 AND release IS NULL;"
    "DROP INDEX ops_release;"
    "ALTER TABLE ops DROP COLUMN release;"
    "ALTER TABLE ops ADD COLUMN gate INTEGER;"
    "ALTER TABLE items DROP COLUMN released;",
    // 3: an op's clock lives only inside its sealed body: a plaintext
    // column told anyone with the disk when each change was made (v2 used
    // it only to restore the clock of erased ops, which need none).
    "ALTER TABLE ops DROP COLUMN hlc;",
    // 4: what the partner made this node store in this pairing, counted
    // against the quotas (shared_store.hpp, kMaxPartner*).
    "INSERT INTO meta(key, value)"
    "  SELECT 'partner_items', count(*) FROM items WHERE author = 1;"
    "INSERT INTO meta(key, value)"
    "  SELECT 'partner_ops', count(*) FROM ops WHERE author = 1;"
    "INSERT INTO meta(key, value) SELECT 'partner_bytes',"
    "  CAST(total(length(body)) AS INTEGER) FROM ops WHERE author = 1;"
    // ... and the gate's rows get MACs, private answers keyed ids (both
    // filled in by MacGateRecordsV4 in the same transaction).
    "INSERT INTO meta(key, value) VALUES ('last_sync', 0);"
    "ALTER TABLE pending ADD COLUMN mac BLOB;"
    "ALTER TABLE releases ADD COLUMN mac BLOB;"
    "ALTER TABLE consents ADD COLUMN mac BLOB;"
    "ALTER TABLE private_answers RENAME TO private_answers_v3;"
    "CREATE TABLE private_answers(id BLOB PRIMARY KEY, answer BLOB NOT NULL)"
    "  STRICT;",
    // 5: a generation that bumps when a pairing begins or ends, and the
    // unpair notice owed to an old partner (shared_pending_unpair.cpp).
    "INSERT INTO meta(key, value) VALUES ('pairings', 0);"
    "CREATE TABLE unpair_notice(id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  sealed BLOB NOT NULL) STRICT;",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

}  // namespace

std::string AtRestAd(std::string_view table, int author, std::uint64_t a) {
  return std::string(table) + "/" + std::to_string(author) + "/" +
         std::to_string(a);
}

SharedDb::SharedDb(std::unique_ptr<Database> db, crypto::Secret shared_key,
                   Bytes my_public_key, PartnerQuotas quotas)
    : db_(std::move(db)),
      local_key_(
          crypto::DeriveLabelledKey(shared_key, crypto::kLocalAnswersLabel)),
      record_key_(
          crypto::DeriveLabelledKey(shared_key, crypto::kRecordMacLabel)),
      my_pk_(std::move(my_public_key)),
      my_node_id_(crypto::NodeId(my_pk_)),
      quotas_(quotas) {
  shared_key_ = std::move(shared_key);
}

SharedStore::SharedStore(std::unique_ptr<SharedDb> impl)
    : impl_(std::move(impl)),
      pairing_(*impl_),
      sync_(*impl_),
      edits_(*impl_),
      reader_(*impl_) {}
SharedStore::~SharedStore() = default;

Result<std::unique_ptr<SharedStore>> SharedStore::Open(
    const std::string& path, crypto::Secret shared_key, Bytes my_public_key,
    bool create, PartnerQuotas quotas) {
  if (shared_key.size() != crypto::kKeyBytes || my_public_key.size() != 32) {
    return Fail(Errc::kInvalidInput,
                "shared store needs a 32-byte key and public key");
  }
  auto db = Database::Open(path, create);
  if (!db) return std::unexpected(db.error());
  auto impl = std::make_unique<SharedDb>(std::move(*db), std::move(shared_key),
                                         std::move(my_public_key), quotas);
  if (auto s = impl->Migrate(create); !s) return Wrap(s.error(), path);
  if (auto s = impl->LoadPartnerCache(); !s) return Wrap(s.error(), path);
  return std::unique_ptr<SharedStore>(new SharedStore(std::move(impl)));
}

namespace {
// The sync role over a store it owns (SharedSync keeps only a pointer to
// the SharedDb, which the owned store keeps alive).
class OwningSharedSync final : public SharedSync {
 public:
  OwningSharedSync(SharedDb& impl, std::unique_ptr<SharedStore> store)
      : SharedSync(impl), store_(std::move(store)) {}

 private:
  std::unique_ptr<SharedStore> store_;
};
}  // namespace

std::unique_ptr<SyncPort> SharedStore::OwnedSyncPort(
    std::unique_ptr<SharedStore> store) {
  SharedDb& impl = *store->impl_;
  return std::make_unique<OwningSharedSync>(impl, std::move(store));
}

Status SharedDb::Migrate(bool created) {
  auto app = db().PragmaInt("application_id");
  if (!app) return std::unexpected(app.error());
  auto version = db().PragmaInt("user_version");
  if (!version) return std::unexpected(version.error());
  if (*app != 0 && *app != kApplicationId) {
    return Fail(Errc::kInvalidInput, "not an inch shared store");
  }
  if (*version > kSchemaVersion) {
    return Fail(Errc::kTooNew, "written by a newer inch (schema " +
                                   std::to_string(*version) +
                                   "); upgrade inch");
  }
  if (*app == 0 && !created)
    return Fail(Errc::kCorrupt, "shared store is empty");
  for (std::int64_t v = *version; v < kSchemaVersion; ++v) {
    auto tx = Transaction::Begin(db());
    if (!tx) return std::unexpected(tx.error());
    if (auto s = db().Exec(kMigrations[v]); !s) return s;
    if (v + 1 == 4) {
      if (auto s = MacGateRecordsV4(); !s) return s;
    }
    if (auto s = db().SetPragmaInt("application_id", kApplicationId); !s)
      return s;
    if (auto s = db().SetPragmaInt("user_version", v + 1); !s) return s;
    if (auto s = tx->Commit(); !s) return s;
  }
  return {};
}

Status SharedDb::FollowPairingElsewhere() {
  auto version = db().PragmaInt("data_version");
  if (!version) return std::unexpected(version.error());
  if (*version == seen_data_version_) return {};
  seen_data_version_ = *version;
  auto st = db().Prepare("SELECT public_key FROM partner WHERE id = 1");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  const Bytes on_disk = *row ? st.ColumnBlob(0) : Bytes{};
  if (on_disk == partner_pk_) return {};
  ForgetQuietRelease();
  return LoadPartnerCache();
}

Status SharedDb::LoadPartnerCache() {
  partner_pk_.clear();
  partner_node_id_.clear();
  op_key_ = crypto::Secret();
  // What this load saw, so FollowPairingElsewhere looks again only after
  // another connection's commit.
  auto version = db().PragmaInt("data_version");
  if (!version) return std::unexpected(version.error());
  seen_data_version_ = *version;
  auto st = db().Prepare("SELECT public_key FROM partner WHERE id = 1");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    partner_pk_ = st.ColumnBlob(0);
    partner_node_id_ = crypto::NodeId(partner_pk_);
  }
  return {};
}

Result<const crypto::Secret*> SharedDb::OpKey() {
  if (partner_pk_.empty()) return Fail(Errc::kNotFound, "not paired");
  if (op_key_.empty()) {
    auto st = db().Prepare("SELECT secret FROM partner WHERE id = 1");
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return Fail(Errc::kNotFound, "not paired");
    auto secret =
        crypto::Open(shared_key_, st.ColumnBlob(0), AsBytes("partner/secret"));
    if (!secret) return Fail(Errc::kCorrupt, "pair secret does not open");
    const crypto::Secret pair = crypto::Secret::CopyOf(*secret);
    crypto::Wipe(*secret);
    op_key_ = PairOpKey(pair);
  }
  return &op_key_;
}

bool SharedDb::MeLow() const {
  return partner_pk_.empty() || my_pk_ < partner_pk_;
}

Result<std::int64_t> SharedDb::Meta(const std::string& key) {
  auto st = db().Prepare("SELECT value FROM meta WHERE key = ?");
  st.Bind(1, key);
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Fail(Errc::kCorrupt, "shared store lacks meta " + key);
  return st.ColumnInt(0);
}

Status SharedDb::SetMeta(const std::string& key, std::int64_t value) {
  return db()
      .Prepare("UPDATE meta SET value = ? WHERE key = ?")
      .Bind(1, value)
      .Bind(2, key)
      .Run();
}

Result<std::uint64_t> SharedDb::NextHlc() {
  auto last = Meta("hlc");
  if (!last) return std::unexpected(last.error());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const std::uint64_t now = static_cast<std::uint64_t>(ms) << 16;
  const std::uint64_t next =
      std::max(now, static_cast<std::uint64_t>(*last) + 1);
  if (auto s = SetMeta("hlc", static_cast<std::int64_t>(next)); !s) {
    return std::unexpected(s.error());
  }
  return next;
}

Status SharedDb::ObserveHlc(std::uint64_t hlc) {
  auto last = Meta("hlc");
  if (!last) return std::unexpected(last.error());
  // Clamp to the signed range SQLite stores; a larger clock is just capped.
  const std::uint64_t capped = std::min<std::uint64_t>(hlc, INT64_MAX - 1);
  if (capped <= static_cast<std::uint64_t>(*last)) return {};
  return SetMeta("hlc", static_cast<std::int64_t>(capped));
}

namespace {
ItemRow RowFrom(Statement& st) {
  ItemRow r;
  r.ref = st.ColumnInt(0);
  r.author = static_cast<int>(st.ColumnInt(1));
  r.n = static_cast<std::uint64_t>(st.ColumnInt(2));
  r.has_key = !st.ColumnIsNull(3);
  r.released = st.ColumnInt(4) != 0;
  return r;
}
}  // namespace

Result<std::optional<ItemRow>> SharedDb::FindItem(int author, std::uint64_t n) {
  auto st =
      db().Prepare(std::string("SELECT id, author, n, key, ") +
                   kItemReleasedSql + " FROM items WHERE author = ? AND n = ?");
  st.Bind(1, author).Bind(2, static_cast<std::int64_t>(n));
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<ItemRow>();
  return std::optional<ItemRow>(RowFrom(st));
}

Result<std::optional<ItemRow>> SharedDb::FindItemByRef(std::int64_t ref) {
  auto st = db().Prepare(std::string("SELECT id, author, n, key, ") +
                         kItemReleasedSql + " FROM items WHERE id = ?");
  st.Bind(1, ref);
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<ItemRow>();
  return std::optional<ItemRow>(RowFrom(st));
}

Result<ItemRow> SharedDb::InsertItem(int author, std::uint64_t n,
                                     bool tombstone, crypto::Secret* key_out) {
  auto st = db().Prepare("INSERT INTO items(author, n, key) VALUES (?, ?, ?)");
  st.Bind(1, author).Bind(2, static_cast<std::int64_t>(n));
  if (tombstone) {
    st.BindNull(3);
  } else {
    crypto::Secret& key = key_out != nullptr ? *key_out : scratch_key_;
    // Only the sealed form is needed unless the caller asked for the key.
    std::optional<WipeOnExit> wipe;
    if (key_out == nullptr) wipe.emplace(key);
    INCH_CHECK(key.size() == crypto::kKeyBytes);
    crypto::RandomKey(key);
    st.Bind(3, crypto::Seal(shared_key_, key.view(),
                            AsBytes(AtRestAd("items", author, n))));
  }
  if (auto s = st.Run(); !s) return std::unexpected(s.error());
  return ItemRow{db().LastInsertRowid(), author, n, !tombstone, false};
}

Result<std::optional<ItemRow>> SharedDb::InsertSealedItem(int author,
                                                          std::uint64_t n,
                                                          ByteView sealed_key) {
  auto st = db().Prepare(
      "INSERT INTO items(author, n, key) VALUES (?, ?, ?)"
      " ON CONFLICT(author, n) DO NOTHING");
  st.Bind(1, author).Bind(2, static_cast<std::int64_t>(n)).Bind(3, sealed_key);
  if (auto s = st.Run(); !s) return std::unexpected(s.error());
  if (db().Changes() == 0) return std::optional<ItemRow>();
  return std::optional<ItemRow>(
      ItemRow{db().LastInsertRowid(), author, n, true, false});
}

Status SharedDb::OpenItemKeyInto(int author, std::uint64_t n, ByteView sealed,
                                 crypto::Secret& slot) {
  INCH_CHECK(slot.size() == crypto::kKeyBytes);
  auto key =
      crypto::Open(shared_key_, sealed, AsBytes(AtRestAd("items", author, n)));
  if (!key || key->size() != slot.size()) {
    if (key) crypto::Wipe(*key);
    return Fail(Errc::kCorrupt, "an item key does not open");
  }
  std::copy(key->begin(), key->end(), slot.data());
  crypto::Wipe(*key);
  return {};
}

Status SharedDb::ItemKeyInto(const ItemRow& row, crypto::Secret& slot) {
  auto st =
      db().Prepare("SELECT key FROM items WHERE id = ? AND key IS NOT NULL");
  st.Bind(1, row.ref);
  auto found = st.Step();
  if (!found) return std::unexpected(found.error());
  if (!*found) return Fail(Errc::kNotFound, "that item was withdrawn");
  return OpenItemKeyInto(row.author, row.n, st.ColumnBlob(0), slot);
}

Bytes SharedDb::SealAtRest(const crypto::Secret& key, const proto::Op& op,
                           int author, std::uint64_t seq) {
  std::string plain;
  INCH_CHECK(op.SerializeToString(&plain));
  Bytes sealed = crypto::SealPadded(
      key, AsBytes(plain), AsBytes(AtRestAd("ops", author, seq)), kOpPadBucket);
  sodium_memzero(plain.data(), plain.size());
  return sealed;
}

Result<proto::Op> SharedDb::OpenAtRest(const crypto::Secret& key, ByteView body,
                                       int author, std::uint64_t seq) {
  auto plain = crypto::OpenPadded(
      key, body, AsBytes(AtRestAd("ops", author, seq)), kOpPadBucket);
  if (!plain) return Fail(Errc::kCorrupt, "a stored op does not open");
  proto::Op op;
  bool ok = op.ParseFromArray(plain->data(), static_cast<int>(plain->size()));
  crypto::Wipe(*plain);
  if (!ok) return Fail(Errc::kCorrupt, "a stored op does not parse");
  return op;
}

std::int64_t OpGate(const proto::Op& op) {
  return static_cast<std::int64_t>(ClassOf(op)) * 2 + (op.has_share() ? 1 : 0);
}

Status SharedDb::InsertOp(int author, std::uint64_t seq,
                          std::optional<std::int64_t> item, Sealing sealing,
                          const Bytes* body, std::optional<std::int64_t> gate) {
  if (author == kMe) {
    auto st = db().Prepare(
        "INSERT INTO pending(seq, gate, item, mac) VALUES (?, ?, ?, ?)");
    st.Bind(1, static_cast<std::int64_t>(seq));
    gate ? st.Bind(2, *gate) : st.BindNull(2);
    item ? st.Bind(3, *item) : st.BindNull(3);
    st.Bind(4,
            ByteView(PendingMac(static_cast<std::int64_t>(seq), gate, item)));
    if (auto s = st.Run(); !s) return s;
  }
  auto st = db().Prepare(
      "INSERT INTO ops(author, seq, item, sealing, body, gate)"
      " VALUES (?, ?, ?, ?, ?, ?)");
  st.Bind(1, author).Bind(2, static_cast<std::int64_t>(seq));
  item ? st.Bind(3, *item) : st.BindNull(3);
  st.Bind(4, static_cast<std::int64_t>(sealing));
  body ? st.Bind(5, *body) : st.BindNull(5);
  gate ? st.Bind(6, *gate) : st.BindNull(6);
  return st.Run();
}

}  // namespace inch::store
