// The shared store: my op log (drafts included), the partner's received log,
// the consent gate's release sequence and the transport-agnostic sync core.
// One file (shared.db), its own application_id; every op body is sealed at
// rest, item content under a per-item key so a withdrawal can destroy it.
//
// Roles. SharedStore only opens shared.db, rotates its key and hands out
// one object per role; take the narrowest role you need, as a reference:
//   - Pairing  (pairing(), shared_pairing.hpp): pin a partner, read the pin,
//     unpair. The pair and unpair commands.
//   - SharedSync (sync(), shared_sync.hpp): the SyncPort (sync_port.hpp) of
//     net/: outbox, applying the partner's ops, recovery, cursors. Drivers
//     of a session, the daemon and bundles take `SyncPort&`, never more.
//   - LocalEdits (edits(), shared_edits.hpp): the changes a person makes
//     (wishes, gives, notes, sharing, consents, responses, private answers).
//   - SharedReader (reader(), shared_reader.hpp): what a person sees (folds,
//     one item, preview, counts, item ids, last sync, private answers).
// A command that edits and then prints takes the store and uses two roles;
// a view (the CLI's lists, the browser UI) takes SharedReader& alone. The
// roles are views of one database: they live as long as their SharedStore,
// and like it they are not for use from two threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "store/shared/shared_edits.hpp"
#include "store/shared/shared_pairing.hpp"
#include "store/shared/shared_reader.hpp"
#include "store/shared/shared_sync.hpp"
#include "store/shared/state.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::store {

// What one pairing lets the partner make this node store (docs/PROTOCOL.md
// "Quotas"): beyond them, ops are refused one by one. Counted from the
// pairing's start; erased headers count as ops, not as bytes.
inline constexpr std::uint64_t kMaxPartnerItems = 200'000;
inline constexpr std::uint64_t kMaxPartnerOps = 250'000;
inline constexpr std::uint64_t kMaxPartnerBytes = 32ull << 20;
struct PartnerQuotas {
  std::uint64_t items = kMaxPartnerItems, ops = kMaxPartnerOps,
                bytes = kMaxPartnerBytes;
};
// How far ahead of this node's clock a partner's op may be stamped.
inline constexpr std::uint64_t kMaxClockSkewMs = 24ull * 60 * 60 * 1000;

class SharedStore final {
 public:
  // Opens (or with `create`, creates) shared.db at `path`. `shared_key` =
  // DeriveSubkey(master, kShared) (32 bytes); `my_public_key` = the node's
  // identity public key (32 bytes). kNotFound / kCorrupt / kTooNew (a file
  // written by a newer inch) / kInvalidInput (a file of another kind).
  // `quotas`: the product's unless a test needs small ones.
  static Result<std::unique_ptr<SharedStore>> Open(const std::string& path,
                                                   crypto::Secret shared_key,
                                                   Bytes my_public_key,
                                                   bool create,
                                                   PartnerQuotas quotas = {});
  // The sync port alone, owning its store: for a driver that keeps only
  // the port (the daemon's open_store).
  static std::unique_ptr<SyncPort> OwnedSyncPort(
      std::unique_ptr<SharedStore> store);
  ~SharedStore();
  SharedStore(const SharedStore&) = delete;
  SharedStore& operator=(const SharedStore&) = delete;

  Pairing& pairing() { return pairing_; }
  SharedSync& sync() { return sync_; }
  LocalEdits& edits() { return edits_; }
  SharedReader& reader() { return reader_; }

  // Key rotation: re-seals all under a new shared subkey (shared_rekey.cpp).
  Status Rekey(crypto::Secret new_shared_key);

  // The state behind the roles (shared_store_impl.hpp; internal).
  using Impl = SharedDb;

 private:
  explicit SharedStore(std::unique_ptr<SharedDb> impl);
  std::unique_ptr<SharedDb> impl_;
  Pairing pairing_;
  SharedSync sync_;
  LocalEdits edits_;
  SharedReader reader_;
};

}  // namespace inch::store
