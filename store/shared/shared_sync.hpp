// The sync role of the shared store: SharedSync implements the SyncPort
// (sync_port.hpp), the transport-agnostic sync core that the session, the
// daemon and carried bundles drive. Its methods are the port's (see there
// and the comments below); the Outbox's consent gate lives behind it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::store {

class SharedDb;

class SharedSync : public SyncPort {
 public:
  // ---- Pairing, as the port sees it (the same as Pairing's). ----
  Result<std::optional<PartnerInfo>> Partner() override;
  Result<crypto::Secret> PairSecret() override;
  Status SetPartnerAddress(std::string_view host_port) override;
  Status ErasePartner() override;
  // Bumps with every SetPartner and ErasePartner (shared_pending_unpair.cpp).
  Result<std::uint64_t> PairingGeneration() override;
  // The unpair notice owed to an old partner, recorded by
  // Pairing::UnpairAndOweNotice (shared_pending_unpair.cpp).
  Result<std::optional<UnpairNotice>> OwedUnpairNotice() override;
  Status ForgetUnpairNotice(ByteView partner_public_key) override;

  // ---- Sync core. ----
  // A sealed op on the wire = 8-byte big-endian release seq | Seal(pair key,
  // Op, AD = "inch-op v1" | author public key | seq-BE), padded to 64 bytes.
  // The pair key is BLAKE2b-256 keyed with the pair secret of "inch-op-key v1".
  // Highest contiguous release seq received from the partner (0 = none).
  Result<std::uint64_t> ReceivedUpTo() override;
  // Releases newly eligible ops first (durably), then returns the released
  // ops with seq > partner_has, at most max_ops and about max_bytes (always
  // at least one op if any). kNotFound when unpaired; kRollback if
  // partner_has is beyond what was ever released.
  Result<Outgoing> Outbox(std::uint64_t partner_has, std::size_t max_ops,
                          std::size_t max_bytes) override;
  // Validates and applies consecutive batches of the partner's ops in ONE
  // transaction (one fsync for all), each never split; one result per
  // batch, durable on return (the bytes must outlive the call: a network
  // receiver applies the ops where they were parsed). Duplicates (seq <=
  // received) are skipped. An op that does not open, makes no sense here,
  // runs ahead of my clock or exceeds the pairing's quotas is refused alone
  // (Applied::refused). kProtocol with nothing applied when a batch is
  // malformed as a whole (an op of the wrong size, a gap, too many ops);
  // kNotFound when unpaired.
  Result<std::vector<Applied>> ApplyBatchesFromPartner(
      std::span<const std::span<const ByteView>> batches) override;
  // Bumps on every local op; a daemon polls it cheaply to push changes.
  Result<std::uint64_t> LocalChangeCounter() override;
  // When a sync session last converged, recorded by every session, inch
  // sync's and the daemon's alike (SharedReader::LastSync reads it).
  Status NoteSynced() override;

  // ---- Rollback recovery (docs/PROTOCOL.md §8.11). ----
  // The highest release number given so far (0: none).
  Result<std::uint64_t> ReleasedUpTo() override;
  // The partner's ops this node holds with seq >= from, sealed for the
  // partner as on the wire (erased ones as erased headers), in order, at
  // most max_ops and about max_bytes. What a partner that lost the tail of
  // its log asks for back. kNotFound when unpaired.
  Result<Outgoing> ReturnPartnerOps(std::uint64_t from, std::size_t max_ops,
                                    std::size_t max_bytes) override;
  // Takes back my own ops that the partner returned, starting at my next
  // release number, in ONE durable transaction: each becomes released
  // again under its number (see shared_recovery.cpp for pending copies and
  // renumbered later items). Returns how many. kProtocol if out of order.
  Result<std::size_t> RecoverMine(
      std::span<const ByteView> sealed_ops) override;

  // ---- Bundle cursors (shared_partner_cursor.cpp), in meta; a fresh
  // start resets them. kInvalidInput for a value past 2^63. ----
  Result<std::uint64_t> GetCursor(Cursor which) override;
  Status RaiseCursor(Cursor which, std::uint64_t value) override;

 protected:
  explicit SharedSync(SharedDb& impl) : impl_(&impl) {}

 private:
  friend class SharedStore;
  SharedDb* impl_;
};

// Adapters over any port for callers holding owned bytes (tests, benches,
// a bundle read into memory): the batch(es) as views, errors as
// ApplyBatchesFromPartner's.
Result<Applied> ApplyFromPartner(SyncPort& port,
                                 std::span<const Bytes> sealed_ops);
Result<std::vector<Applied>> ApplyBatchesFromPartner(
    SyncPort& port, std::span<const std::span<const Bytes>> batches);

}  // namespace inch::store
