// The sync port: all that net/ may ask of the shared store. The sync
// session, the daemon and a carried bundle are drivers of this one port;
// none of them sees the local-edit or reading side of the store, and
// nothing here can reach the journal. SharedStore implements it; tests
// drive the session against an in-memory fake as well
// (tests/net/fake_sync_port.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::store {

struct PartnerInfo {
  Bytes public_key;  // 32 bytes, pinned at pairing
  std::string node_id;
  std::string last_address;  // "" when unknown
};

// An unpair notice still owed to an old partner: after `inch unpair` erased
// the partner, just enough is kept (sealed at rest) to tell its node once,
// the next time either node reaches the other.
struct UnpairNotice {
  Bytes partner_public_key;  // 32 bytes
  crypto::Secret pair_secret;
  std::string last_address;  // "" when unknown
};

// What leaves for the partner: sealed ops (docs/PROTOCOL.md §8.2).
struct Outgoing {
  std::vector<Bytes> sealed_ops;
  std::uint64_t first_seq = 0;  // seq of sealed_ops[0] (0 if empty)
  std::uint64_t last_seq = 0;   // seq of the last one (0 if empty)
  bool more = false;            // more ops after last_seq are ready
};

// Why this node refused one op of the partner's (wire values, see
// docs/PROTOCOL.md §8.7).
enum class Refusal : std::uint32_t {
  kInvalid = 1,     // does not open, is sealed as mine, or makes no sense
  kClockAhead = 2,  // its clock is more than kMaxClockSkewMs ahead of mine
  kQuota = 3,       // the pairing's quota of items, ops or bytes is full
};
// What the port remembers for carried bundles (docs/proposed/bundle.md):
// numbers that only grow within one pairing and restart at 0 with a new one.
enum class Cursor : int {
  kPartnerHas = 1,     // highest of my release numbers the partner holds
  kBundleWritten = 2,  // stamp of the last bundle I wrote
  kBundleRead = 3,     // stamp of the last partner's bundle I read
};

struct Refused {
  std::uint64_t seq = 0;
  Refusal why = Refusal::kInvalid;
};

// The result of applying one batch of the partner's ops.
struct Applied {
  std::uint64_t received_up_to = 0;
  std::size_t applied = 0;
  std::size_t duplicates = 0;
  // Ops refused one by one: each is kept as an erased header (its number
  // counts as received, its content is dropped), so one bad op never
  // blocks the ones after it.
  std::vector<Refused> refused;
  bool partner_unpaired = false;  // an (old-style) Unpair op arrived
};

// The port is five small roles, so that each driver's needs read at a
// glance and a fake can be written role by role. SharedSync implements them
// all; SyncSession drives PartnerLink, OpExchange and RollbackRecovery (and
// raises kPartnerHas), the daemon PartnerLink and UnpairNotices, a carried
// bundle PartnerLink, OpExchange and BundleCursors.

// The pairing as the network sees it.
class PartnerLink {
 public:
  virtual ~PartnerLink() = default;
  // The pinned partner (nullopt when unpaired) and the pair secret
  // (kNotFound when unpaired).
  virtual Result<std::optional<PartnerInfo>> Partner() = 0;
  virtual Result<crypto::Secret> PairSecret() = 0;
  // Where the partner's node was last reached ("host:port").
  virtual Status SetPartnerAddress(std::string_view host_port) = 0;
  // The partner unpaired: erase it, and start afresh.
  virtual Status ErasePartner() = 0;
  // Bumps whenever a pairing begins or ends, a same-partner re-pair
  // included: one cheap read, so that a watcher re-reads the keys above
  // only when they may have changed.
  virtual Result<std::uint64_t> PairingGeneration() = 0;
};

// Ops in and out.
class OpExchange {
 public:
  virtual ~OpExchange() = default;
  // Highest contiguous release number received from the partner.
  virtual Result<std::uint64_t> ReceivedUpTo() = 0;
  // Releases what the consent gate allows, then returns released ops after
  // `partner_has`. kRollback when the partner holds more than was released.
  virtual Result<Outgoing> Outbox(std::uint64_t partner_has,
                                  std::size_t max_ops,
                                  std::size_t max_bytes) = 0;
  // Applies consecutive batches in one durable transaction.
  virtual Result<std::vector<Applied>> ApplyBatchesFromPartner(
      std::span<const std::span<const ByteView>> batches) = 0;
  // Bumps on every local change (a daemon polls it to push at once).
  virtual Result<std::uint64_t> LocalChangeCounter() = 0;
  // A session converged now ("last sync" for people).
  virtual Status NoteSynced() = 0;
};

// Rollback recovery (docs/PROTOCOL.md §8.11).
class RollbackRecovery {
 public:
  virtual ~RollbackRecovery() = default;
  virtual Result<std::uint64_t> ReleasedUpTo() = 0;
  virtual Result<Outgoing> ReturnPartnerOps(std::uint64_t from,
                                            std::size_t max_ops,
                                            std::size_t max_bytes) = 0;
  virtual Result<std::size_t> RecoverMine(
      std::span<const ByteView> sealed_ops) = 0;
};

// What a carried bundle remembers.
class BundleCursors {
 public:
  virtual ~BundleCursors() = default;
  // A bundle cursor (0 until raised); Raise keeps max(old, value), durably.
  virtual Result<std::uint64_t> GetCursor(Cursor which) = 0;
  virtual Status RaiseCursor(Cursor which, std::uint64_t value) = 0;
};

// The unpair notice owed to an old partner (nullopt: none owed). Once
// delivered, it is forgotten; naming its partner keeps a notice owed to a
// newer one meanwhile.
class UnpairNotices {
 public:
  virtual ~UnpairNotices() = default;
  virtual Result<std::optional<UnpairNotice>> OwedUnpairNotice() = 0;
  virtual Status ForgetUnpairNotice(ByteView partner_public_key) = 0;
};

// All that net/ may ask of the shared store.
class SyncPort : public PartnerLink,
                 public OpExchange,
                 public RollbackRecovery,
                 public BundleCursors,
                 public UnpairNotices {};

}  // namespace inch::store
