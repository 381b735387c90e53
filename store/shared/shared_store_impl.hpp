// Internal to store/shared: the SharedStore's state and the helpers its
// roles' source files share (schema, keys, sealing at rest, the local log).
// Not a public header: nothing outside store/shared includes it.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/aead.hpp"
#include "crypto/record_mac.hpp"
#include "crypto/secret.hpp"
#include "proto/ops.pb.h"
#include "store/shared/consent_gate.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store.hpp"
#include "store/shared/state.hpp"
#include "store/sqlite.hpp"

namespace inch::store {

// How an op row's body is sealed at rest (a plaintext column, so the right
// key is known before opening; it reveals only "content op or not").
enum Sealing : std::int64_t {
  kSealedShared =
      0,  // under the shared subkey (consents, withdrawals, responses)
  kSealedItem = 1,    // under the item's own key (content)
  kSealedErased = 2,  // body NULL: the item was withdrawn
};

struct ItemRow {
  std::int64_t ref = 0;  // local integer id
  int author = kMe;
  std::uint64_t n = 0;
  bool has_key = false;   // false once withdrawn (tombstone)
  bool released = false;  // some op of it was released (my items)
};

// What the partner has made this node store in this pairing (meta rows
// partner_items / partner_ops / partner_bytes), checked against the
// kMaxPartner* quotas.
struct PartnerQuota {
  std::uint64_t items = 0, ops = 0, bytes = 0;
  void Count(const proto::Op& op, std::size_t wire_bytes);
};

// The state behind the roles (SharedStore's Pairing, SharedSync, LocalEdits
// and SharedReader) and the helpers they share. Its state is private: the
// roles share the database handle, the keys and the two pins through the
// accessors below; the key slots belong to ItemKeyCache, the quiet-release
// memo to the release pass (Release).
class SharedDb {
 public:
  SharedDb(std::unique_ptr<Database> db, crypto::Secret shared_key,
           Bytes my_public_key, PartnerQuotas quotas);

  Database& db() { return *db_; }
  const crypto::Secret& shared_key() const { return shared_key_; }
  // Private answers: never shared, never an op.
  const crypto::Secret& local_key() const { return local_key_; }
  // One reusable guarded slot for an item key: sodium_malloc costs an mmap,
  // mprotects and an mlock, so per-op key buffers dominated bulk work.
  // Holds a key only between ItemKeyInto/InsertItem and the seal/open that
  // follows; every user fills it right before use (and WipeOnExit).
  crypto::Secret& scratch_key() { return scratch_key_; }
  const Bytes& my_pk() const { return my_pk_; }
  const std::string& my_node_id() const { return my_node_id_; }
  // Empty when unpaired.
  const Bytes& partner_pk() const { return partner_pk_; }
  const std::string& partner_node_id() const { return partner_node_id_; }
  const PartnerQuotas& quotas() const { return quotas_; }
  // After a rotation committed (shared_rekey.cpp): the new keys.
  void AdoptKeys(crypto::Secret shared, crypto::Secret local,
                 crypto::Secret record);
  // Drops the partner pin from memory only (the fold during an unpair then
  // ranks me as the only author); LoadPartnerCache reloads it.
  void ForgetPartnerPin() { partner_pk_.clear(); }
  // Forgets the quiet-release memo: my log or the pairing changed under it.
  void ForgetQuietRelease() { quiet_.reset(); }

  Status Migrate(bool created);
  // Schema 4 (shared_gate_records.cpp): MACs for the gate's rows written
  // before them, and private answers moved to keyed row ids.
  Status MacGateRecordsV4();
  // Reloads the partner pin and forgets the cached op key.
  Status LoadPartnerCache();
  // A store held open for long (the daemon's) sees pairings made by other
  // processes (the page, `inch pair`, `inch unpair`): when another
  // connection committed since the last look (SQLite's data_version) and
  // the partner row's key differs from the pin cached here, reload it.
  Status FollowPairingElsewhere();
  // The cached pair op key. kNotFound when unpaired.
  Result<const crypto::Secret*> OpKey();

  Result<std::int64_t> Meta(const std::string& key);
  Status SetMeta(const std::string& key, std::int64_t value);
  // Advances the hybrid logical clock for a local op (inside a transaction).
  Result<std::uint64_t> NextHlc();
  // Folds a received clock into ours.
  Status ObserveHlc(std::uint64_t hlc);

  Result<std::optional<ItemRow>> FindItem(int author, std::uint64_t n);
  Result<std::optional<ItemRow>> FindItemByRef(std::int64_t ref);
  // Inserts an item row with a fresh random key (or a tombstone); the key
  // is also left in `key_out` when given (32 bytes).
  Result<ItemRow> InsertItem(int author, std::uint64_t n, bool tombstone,
                             crypto::Secret* key_out = nullptr);
  // Inserts an item row holding `sealed_key` (an item key already sealed
  // under the shared subkey with AD AtRestAd("items", author, n)), in one
  // statement: nullopt when (author, n) already exists (nothing changed).
  Result<std::optional<ItemRow>> InsertSealedItem(int author, std::uint64_t n,
                                                  ByteView sealed_key);
  // Opens a sealed item key into `slot` (32 bytes). kCorrupt if it fails.
  Status OpenItemKeyInto(int author, std::uint64_t n, ByteView sealed,
                         crypto::Secret& slot);
  // The key of `row` into `slot`; kNotFound once withdrawn.
  Status ItemKeyInto(const ItemRow& row, crypto::Secret& slot);

  Bytes SealAtRest(const crypto::Secret& key, const proto::Op& op, int author,
                   std::uint64_t seq);
  Result<proto::Op> OpenAtRest(const crypto::Secret& key, ByteView body,
                               int author, std::uint64_t seq);
  // Inserts an op row; my ops (author kMe) also become pending, with
  // `gate` = OpGate of the op so releasing needs no decrypt.
  Status InsertOp(int author, std::uint64_t seq,
                  std::optional<std::int64_t> item, Sealing sealing,
                  const Bytes* body,
                  std::optional<std::int64_t> gate = std::nullopt);
  // The release pass (shared_outbox.cpp): newly eligible pending ops, in
  // local order, get the next release numbers, durably. Returns the
  // highest release number given so far (0: none). kCorrupt if the log
  // does not open.
  Result<std::uint64_t> Release();

  // Appends one of my ops in its own transaction; `item` is the row the op
  // is about (content ops are sealed under its key unless `shared_seal`).
  Status AppendLocal(proto::Op op, const std::optional<ItemRow>& item,
                     bool shared_seal);
  // Erases every op of an item (inside a transaction): my unreleased ops
  // are deleted, the others keep only their header; the key goes.
  Status EraseItemContent(std::int64_t ref);

  // The MACs of the gate's rows (crypto/record_mac.hpp); each binds the
  // row's key and every value the gate reads.
  crypto::RecordMac PendingMac(std::int64_t seq,
                               std::optional<std::int64_t> gate,
                               std::optional<std::int64_t> item) const;
  crypto::RecordMac ReleaseMac(std::int64_t first, std::int64_t seq,
                               std::int64_t count) const;
  crypto::RecordMac ConsentMac(std::int64_t author, std::int64_t kind,
                               std::int64_t hlc, std::int64_t value) const;
  // Checks every gate row's MAC and that each of my ops is pending or in
  // exactly one release run. kCorrupt (in plain words) when shared.db was
  // changed without the key: then nothing may be released or previewed.
  // `pending_too`: also every pending row (LoadPending checks those as it
  // reads them).
  Status CheckGateRecords(bool pending_too);
  // The consents row of `author` for a consent op, with its MAC; a later
  // clock wins (local ops always carry the latest clock).
  Status RecordConsent(int author, const proto::Op& op);
  // Key rotation (shared_rekey.cpp): inside its transaction, checks every
  // gate record under the current keys, then re-MACs them and re-keys the
  // private answers under keys derived from the new shared subkey.
  Status RekeyDerived(const crypto::Secret& new_local,
                      const crypto::Secret& new_record);
  // The `private_answers` row id for the partner's wish n: a keyed hash,
  // so the file does not show which wishes I answered.
  Bytes AnswerRowId(std::uint64_t n) const;

  Result<PartnerQuota> LoadPartnerQuota();
  Status SavePartnerQuota(const PartnerQuota& q);

  // The consent gate's inputs, from the consents table.
  Result<GateInputs> Gate();
  // Removes from `s` what the receiver's gate holds back (MayShow): the
  // partner's items, and its marks on my gives, that I have not consented
  // to see yet.
  static void HideUnconsented(State& s, const GateInputs& in);

  // Rollback recovery (shared_recovery.cpp): moves my item n, made after a
  // restore and not released, to number `to`.
  Status MoveMyItem(std::uint64_t n, std::uint64_t to);

  // Rewrites my log for a new pairing (shared_fresh_start.cpp): my wishes
  // and gives become drafts, everything else of mine goes, consents off.
  // Inside the caller's transaction, with no partner pinned.
  Status StartAfresh();
  // Ends the pairing (shared_fresh_start.cpp); with `owe_notice`, records
  // the notice owed to the partner in the same transaction.
  Status Unpair(bool owe_notice);
  // The owed notice (shared_pending_unpair.cpp), inside the caller's
  // transaction: recorded from the pinned partner, or forgotten when a new
  // pairing is with the partner it was owed to.
  Status OweNoticeToPartner();
  Status DropNoticeOwedTo(ByteView partner_public_key);

  // All ops (or only what both nodes hold) opened, for the fold.
  Result<std::vector<OpWithAuthor>> LoadOps(bool released_only);
  // The fold of one item's ops; nullopt if absent or withdrawn.
  Result<std::optional<ItemState>> ItemNow(int author, std::uint64_t n);
  bool MeLow() const;

 private:
  friend class ItemKeyCache;
  std::unique_ptr<Database> db_;
  crypto::Secret shared_key_;
  crypto::Secret local_key_;
  // MACs the bookkeeping the consent gate reads (pending, releases,
  // consents), so a disk edit without the key cannot release anything.
  crypto::Secret record_key_;
  crypto::Secret scratch_key_{crypto::kKeyBytes};
  // Guarded slots an ItemKeyCache borrows (one cache at a time), so a scan
  // per sync batch does not pay sodium_malloc for its slots; wiped after.
  std::array<crypto::Secret, 8> key_slots_;
  bool key_slots_busy_ = false;
  // The pair op key (PairOpKey of the pair secret), derived once per
  // pairing instead of per batch; empty when unpaired or not yet needed.
  crypto::Secret op_key_;
  // What the state was after the last release pass, which left nothing
  // eligible (see Release); reset when my log is rewritten.
  struct QuietRelease {
    std::int64_t changes, next_release;
    bool my_lists, partner_lists, my_notes, partner_notes;
    bool operator==(const QuietRelease&) const = default;
  };
  std::optional<QuietRelease> quiet_;
  Bytes my_pk_;
  std::string my_node_id_;
  PartnerQuotas quotas_;
  Bytes partner_pk_;
  std::string partner_node_id_;
  std::int64_t seen_data_version_ = -1;  // FollowPairingElsewhere's last look
};

std::string AtRestAd(std::string_view table, int author, std::uint64_t a);
// The owed unpair notice's associated data (table/row; its one row).
inline constexpr std::string_view kUnpairNoticeAd = "unpair_notice/1";

// A private answer at rest, sealed under the local key with AD "answers/" +
// hex(row id): the answer (1 not yet, 2 no), then the wish number (8 bytes
// big-endian), so a key rotation can recompute the keyed row id.
Bytes AnswerPlaintext(std::uint64_t n, PrivateAnswer answer);

// The plain-words error for a gate record that does not check.
std::unexpected<Error> TamperedGate(std::string_view what);

// Op bodies at rest are padded to this bucket, as on the wire, so a
// partner's op is stored with the padding it arrived with.
inline constexpr std::size_t kOpPadBucket = 64;
static_assert(kOpPadBucket == kWirePadBucket);

// SQL for "the `items` row is my item and some op of mine on it has been
// released" (withdrawing it must then tell the partner): derived from the
// release bookkeeping rather than stored, so releasing writes no item row.
inline constexpr const char* kItemReleasedSql =
    "(items.author = 0 AND EXISTS (SELECT 1 FROM ops o WHERE o.item ="
    " items.id AND o.author = 0 AND o.seq NOT IN (SELECT seq FROM pending)))";

// The ops.gate column of one of my ops: its OpClass * 2 + 1 if it shares
// its item. Plaintext metadata of the same kind as `sealing` and `item`.
std::int64_t OpGate(const proto::Op& op);

// Wipes a key slot (the SharedDb's scratch_key) when it goes out of scope, so
// an item key stays in memory only while it is being used.
class WipeOnExit {
 public:
  explicit WipeOnExit(crypto::Secret& slot) : slot_(slot) {}
  ~WipeOnExit() { sodium_memzero(slot_.data(), slot_.size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  crypto::Secret& slot_;
};

// Wipes a plaintext buffer when it goes out of scope (every exit path).
class WipeBytesOnExit {
 public:
  explicit WipeBytesOnExit(Bytes& bytes) : bytes_(bytes) {}
  ~WipeBytesOnExit() { crypto::Wipe(bytes_); }
  WipeBytesOnExit(const WipeBytesOnExit&) = delete;
  WipeBytesOnExit& operator=(const WipeBytesOnExit&) = delete;

 private:
  Bytes& bytes_;
};

// Opened item keys for one scan over ops in log order (an item's ops mostly
// sit close together): direct-mapped by item ref, so a scan opens each key
// about once without sorting the log, and allocates guarded memory only for
// its few slots. Valid while the SharedDb lives; wipes its keys on destruction.
class ItemKeyCache {
 public:
  explicit ItemKeyCache(SharedDb& impl);
  ~ItemKeyCache();
  ItemKeyCache(const ItemKeyCache&) = delete;
  ItemKeyCache& operator=(const ItemKeyCache&) = delete;
  // The cached key of item `ref`, or nullptr.
  const crypto::Secret* Find(std::int64_t ref) const;
  // Opens `sealed` (the items row of `ref`) into a slot; kCorrupt if it
  // does not open. The pointer is valid until the next Load.
  Result<const crypto::Secret*> Load(std::int64_t ref, int author,
                                     std::uint64_t n, ByteView sealed);

 private:
  static constexpr std::size_t kSlots = 8;
  SharedDb& impl_;
  std::array<std::int64_t, kSlots> refs_;
  std::array<crypto::Secret, kSlots> own_;  // used if the SharedDb's are busy
  std::array<crypto::Secret, kSlots>* keys_;
  bool borrowed_ = false;
};

}  // namespace inch::store
