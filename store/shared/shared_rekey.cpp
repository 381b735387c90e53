// SharedStore::Rekey: shared.db's part of a master-key rotation (the whole
// rotation and its crash states: cli/key_rotation.hpp).
//
// What the shared subkey seals at rest, and so what is re-sealed here. Each
// value is opened under the current key and the same bytes (padding
// included) are sealed under the new one with the same associated data:
//   items.key                 AD AtRestAd("items", author, n)
//   ops.body, sealing 0       AD AtRestAd("ops", author, seq)
//   partner.secret            AD "partner/secret"
//   partner.address           AD "partner/address"
//   unpair_notice.sealed      AD "unpair_notice/1"
//   private_answers           under the local key made from the shared
//                             subkey; row ids and the gate's MACs under the
//                             record key made from it (RekeyDerived)
// Op bodies sealed under an item's own key (sealing 1) are not touched: the
// item key stays the same, only its wrapping in items.key changes. Anything
// new that is sealed under the shared subkey must be added to kColumns, or
// it would not open after a rotation (the rekey unit test seals one of each).
//
// Contract: all or nothing, in one transaction. Idempotent: when the first
// sealed value does not open under the current key but does under the new
// one, the store was rekeyed already (a rotation that died after this
// commit) and nothing is written.
#include <sodium.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/check.hpp"
#include "crypto/aead.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

static_assert(kSealedShared == 0, "kColumns selects ops with sealing = 0");

struct SealedColumn {
  const char* what;  // for people, in errors
  // ?1 = rowid to start after, ?2 = batch size; yields rowid, the sealed
  // value, then the two numbers its associated data is made of.
  const char* select;
  const char* update;  // ?1 = the new sealed value, ?2 = rowid
  bool local;          // under the local key, not the shared subkey
  std::string (*ad)(std::int64_t a, std::int64_t b);
};

std::string RowAd(const char* table, std::int64_t author, std::int64_t n) {
  return AtRestAd(table, static_cast<int>(author),
                  static_cast<std::uint64_t>(n));
}

constexpr SealedColumn kColumns[] = {
    {"an item key",
     "SELECT rowid, key, author, n FROM items WHERE key IS NOT NULL"
     " AND rowid > ?1 ORDER BY rowid LIMIT ?2",
     "UPDATE items SET key = ?1 WHERE rowid = ?2", false,
     [](std::int64_t a, std::int64_t b) { return RowAd("items", a, b); }},
    {"an op",
     "SELECT rowid, body, author, seq FROM ops WHERE sealing = 0"
     " AND body IS NOT NULL AND rowid > ?1 ORDER BY rowid LIMIT ?2",
     "UPDATE ops SET body = ?1 WHERE rowid = ?2", false,
     [](std::int64_t a, std::int64_t b) { return RowAd("ops", a, b); }},
    {"the pair secret",
     "SELECT rowid, secret, 0, 0 FROM partner WHERE rowid > ?1"
     " ORDER BY rowid LIMIT ?2",
     "UPDATE partner SET secret = ?1 WHERE rowid = ?2", false,
     [](std::int64_t, std::int64_t) { return std::string("partner/secret"); }},
    {"the partner's address",
     "SELECT rowid, address, 0, 0 FROM partner WHERE address IS NOT NULL"
     " AND rowid > ?1 ORDER BY rowid LIMIT ?2",
     "UPDATE partner SET address = ?1 WHERE rowid = ?2", false,
     [](std::int64_t, std::int64_t) { return std::string("partner/address"); }},
    {"the unpair notice",
     "SELECT rowid, sealed, 0, 0 FROM unpair_notice WHERE rowid > ?1"
     " ORDER BY rowid LIMIT ?2",
     "UPDATE unpair_notice SET sealed = ?1 WHERE rowid = ?2", false,
     [](std::int64_t, std::int64_t) { return std::string(kUnpairNoticeAd); }},
};

}  // namespace

void SharedDb::AdoptKeys(crypto::Secret shared, crypto::Secret local,
                         crypto::Secret record) {
  shared_key_ = std::move(shared);
  local_key_ = std::move(local);
  record_key_ = std::move(record);
}

Status SharedStore::Rekey(crypto::Secret new_shared_key) {
  if (new_shared_key.size() != crypto::kKeyBytes) {
    return Fail(Errc::kInvalidInput, "the new shared key must be 32 bytes");
  }
  SharedDb& impl = *impl_;
  crypto::Secret new_local =
      crypto::DeriveLabelledKey(new_shared_key, crypto::kLocalAnswersLabel);
  crypto::Secret new_record =
      crypto::DeriveLabelledKey(new_shared_key, crypto::kRecordMacLabel);
  auto adopt = [&] {
    impl.AdoptKeys(std::move(new_shared_key), std::move(new_local),
                   std::move(new_record));
  };
  constexpr std::int64_t kBatch = 512;
  bool probed = false;  // a value opened under the current key
  {
    auto tx = Transaction::Begin(impl.db());
    if (!tx) return std::unexpected(tx.error());
    for (const SealedColumn& column : kColumns) {
      const crypto::Secret& from =
          column.local ? impl.local_key() : impl.shared_key();
      const crypto::Secret& to = column.local ? new_local : new_shared_key;
      std::int64_t after = std::numeric_limits<std::int64_t>::min();
      for (;;) {
        std::vector<std::pair<std::int64_t, Bytes>> batch;
        {
          auto sel = impl.db().Prepare(column.select);
          sel.Bind(1, after).Bind(2, kBatch);
          for (;;) {
            auto row = sel.Step();
            if (!row) return std::unexpected(row.error());
            if (!*row) break;
            const Bytes sealed = sel.ColumnBlob(1);
            const std::string ad =
                column.ad(sel.ColumnInt(2), sel.ColumnInt(3));
            auto plain = crypto::Open(from, sealed, AsBytes(ad));
            if (!plain) {
              if (!probed) {
                if (auto again = crypto::Open(to, sealed, AsBytes(ad))) {
                  crypto::Wipe(*again);
                  adopt();  // rekeyed before; the transaction wrote nothing
                  return {};
                }
              }
              return Fail(Errc::kCorrupt,
                          std::string(column.what) +
                              " does not open under the current key; "
                              "nothing was changed");
            }
            probed = true;
            batch.emplace_back(sel.ColumnInt(0),
                               crypto::Seal(to, *plain, AsBytes(ad)));
            crypto::Wipe(*plain);
          }
        }
        if (batch.empty()) break;
        for (const auto& [rowid, resealed] : batch) {
          if (auto s = impl.db()
                           .Prepare(column.update)
                           .Bind(1, ByteView(resealed))
                           .Bind(2, rowid)
                           .Run();
              !s) {
            return s;
          }
        }
        after = batch.back().first;
      }
    }
    // Keyed by keys derived from the shared subkey too: the consent gate's
    // MACs and the private answers' row ids (checked under the old key
    // first, so a tampered row is refused, not blessed).
    if (auto s = impl.RekeyDerived(new_local, new_record); !s) return s;
    if (auto s = tx->Commit(); !s) return s;
  }
  adopt();
  // The old ciphertexts were zeroed in their pages (secure_delete); this
  // drops the log frames that still held them, when no reader holds it.
  (void)impl.db().CheckpointTruncate();
  return {};
}

}  // namespace inch::store
