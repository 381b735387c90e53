// The shared store: my op log (drafts included), the partner's received log,
// the consent gate's release sequence and the transport-agnostic sync core.
// One file (shared.db), its own application_id; every op body is sealed at
// rest, item content under a per-item key so a withdrawal can destroy it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "store/shared/state.hpp"
#include "store/shared/sync_port.hpp"
#include "store/sqlite.hpp"

namespace inch::store {

// What `inch preview` shows: each of my items and notes with where it is.
enum class PreviewState {
  kSent,               // released: the partner's node holds it (or will)
  kWaitingForMe,       // shared, but my consent is off
  kWaitingForPartner,  // shared, my consent on, the partner's not known on
  kDraft,              // not shared: never leaves
};
struct PreviewEntry {
  ItemState item;
  PreviewState state;
};

// One of my marks on a partner's give, as Preview sees it.
enum class ResponseMark { kChosen = 1, kDone = 2, kThanked = 3 };
struct PreviewResponse {
  ItemId give;            // the partner's give it marks
  std::string give_text;  // for people; "" if the give is gone
  ResponseMark mark;
  PreviewState state;  // never kDraft: a response is sent when made
};

struct SharedCounts {
  std::size_t my_items = 0, partner_items = 0, my_notes = 0, partner_notes = 0,
              unreleased_ops = 0;
  std::size_t my_drafts = 0;  // of my_items: not shared yet
  // [kMe|kPartner][0 lists, 1 notes]; the partner's as known from its ops.
  bool consent[2][2] = {{false, false}, {false, false}};
};

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

class SharedStore final : public SyncPort {
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
  ~SharedStore() override;

  // ---- Pairing (issue 4). ----
  // Pins the partner and keeps the pair secret (sealed at rest), starting
  // afresh: every consent of mine off, my wishes and gives drafts, my notes
  // and responses gone (see shared_fresh_start.cpp).
  // kExists if already paired; kInvalidInput for a bad key or secret.
  Status SetPartner(ByteView partner_public_key,
                    const crypto::Secret& pair_secret);
  // nullopt when unpaired.
  Result<std::optional<PartnerInfo>> Partner() override;
  // kNotFound when unpaired.
  Result<crypto::Secret> PairSecret() override;
  // kNotFound when unpaired.
  Status SetPartnerAddress(std::string_view host_port) override;
  // Unpair: the partner's ops, items, keys, consents, private answers and
  // pin are gone; my log starts afresh (my wishes and gives become drafts
  // with no reference to the partner's items; my notes, responses and
  // consents go; release numbers start again at 1). Checkpoints the WAL.
  // Idempotent.
  Status ErasePartner() override;
  // Bumps with every SetPartner and ErasePartner (shared_pending_unpair.cpp).
  Result<std::uint64_t> PairingGeneration() override;
  // `inch unpair`: erases the partner as ErasePartner does and records the
  // unpair notice owed to it, in one transaction (replacing an older
  // notice). A partner-initiated unpair (ErasePartner) owes none; a new
  // pairing keeps it unless it pairs with that same partner again.
  // kNotFound when unpaired.
  Status UnpairAndOweNotice();
  Result<std::optional<UnpairNotice>> OwedUnpairNotice() override;
  Status ForgetUnpairNotice(ByteView partner_public_key) override;
  // Records `notice` as owed (replacing an older one): a notice that an
  // older inch kept in a file of its own (cli/legacy_unpair_notice.hpp).
  Status ImportUnpairNotice(const UnpairNotice& notice);

  // ---- Sync core (transport-agnostic). ----
  // A sealed op on the wire = 8-byte big-endian release seq | Seal(pair key,
  // Op, AD = "inch-op v1" | author public key | seq-BE), padded to 64 bytes.
  // The pair key is BLAKE2b-256 keyed with the pair secret of "inch-op-key v1".
  // Highest contiguous release seq received from the partner (0 = none).
  Result<std::uint64_t> ReceivedUpTo() override;
  using Outgoing = store::Outgoing;
  // Releases newly eligible ops first (durably), then returns the released
  // ops with seq > partner_has, at most max_ops and about max_bytes (always
  // at least one op if any). kNotFound when unpaired; kProtocol if
  // partner_has is beyond what was ever released.
  Result<Outgoing> Outbox(std::uint64_t partner_has, std::size_t max_ops,
                          std::size_t max_bytes) override;
  using Refusal = store::Refusal;
  using Refused = store::Refused;
  using Applied = store::Applied;
  // Validates and applies ops from the partner in ONE transaction, durable
  // on return. Duplicates (seq <= received) are skipped. An op that does
  // not open, makes no sense here, runs ahead of my clock or exceeds the
  // pairing's quotas is refused alone (Applied::refused). kProtocol with
  // nothing applied on a batch that is malformed as a whole (an op of the
  // wrong size, a gap, too many ops); kNotFound when unpaired.
  Result<Applied> ApplyFromPartner(std::span<const Bytes> sealed_ops);
  // Several consecutive batches in ONE transaction (one fsync for all),
  // each checked as above and never split; one result per batch, durable
  // on return. A rejected batch rejects them all (nothing applied).
  // Errors as ApplyFromPartner.
  Result<std::vector<Applied>> ApplyBatchesFromPartner(
      std::span<const std::span<const Bytes>> batches);
  // The same over views (the bytes must outlive the call): a network
  // receiver applies the ops where they were parsed, without copies.
  Result<std::vector<Applied>> ApplyBatchesFromPartner(
      std::span<const std::span<const ByteView>> batches) override;
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
  // Bundle cursors (shared_partner_cursor.cpp), in meta; a fresh start
  // resets them. kInvalidInput for a value past 2^63.
  Result<std::uint64_t> GetCursor(Cursor which) override;
  Status RaiseCursor(Cursor which, std::uint64_t value) override;

  // When a sync session last converged (Unix ms; 0: never), recorded by
  // every session, inch sync's and the daemon's alike.
  Status NoteSynced() override;
  Result<std::int64_t> LastSync();

  // Bumps on every local op; a daemon polls it cheaply to push changes.
  Result<std::uint64_t> LocalChangeCounter() override;

  // ---- Local changes (the CLI). All kInvalidInput on bad text (empty,
  // > 4 KiB, not UTF-8), importance outside 1..5; kNotFound on unknown or
  // withdrawn ids; kInvalidInput on acting on the wrong partner's item. ----
  Result<ItemId> AddWish(std::string_view text, int importance);
  Result<ItemId> AddGive(std::string_view text, GiveSize size,
                         std::optional<ItemId> for_wish,
                         std::optional<ItemId> smaller_than);
  // Edits my item (nullopt fields unchanged).
  Status Edit(ItemId id, std::optional<std::string_view> text,
              std::optional<int> importance, std::optional<GiveSize> size);
  Status Share(ItemId id);     // my wish or give; idempotent
  Status Withdraw(ItemId id);  // my item or note
  Status SetConsent(ConsentKind kind, bool on);
  // Marks the partner's give: kChosen or kDone (forward only; a step back
  // is kInvalidInput), or thanked.
  Status Respond(ItemId partner_give, Progress progress);
  Status MarkThanked(ItemId partner_give);
  // An appreciation note, sent at creation (as far as the notes consents
  // allow). With `thanks_for` (a partner's give) it also marks that give as
  // thanked, in the same transaction; the give is checked first as Respond
  // does, so a bad one changes nothing.
  Result<ItemId> AddNote(std::string_view text,
                         std::optional<ItemId> thanks_for = std::nullopt);
  // Private "not yet" / "no" to a partner's wish: local only, never an op.
  Status AnswerPrivately(ItemId partner_wish, PrivateAnswer answer);
  Result<std::optional<PrivateAnswer>> PrivateAnswerFor(ItemId partner_wish);

  // ---- Reading. ----
  // Fold of my whole log (drafts included) and the partner's.
  Result<State> CurrentState();
  // Fold of only what both nodes hold: my released ops and the partner's.
  Result<State> SharedState();
  // One item as CurrentState() would show it, folding only that item's ops
  // (a command that prints what it just wrote need not decrypt the whole
  // history). nullopt if there is no such item or it was withdrawn.
  Result<std::optional<ItemState>> Item(ItemId id);
  // My items and notes with where each stands (consent gate's view).
  Result<std::vector<PreviewEntry>> Preview();
  // My chosen/done/thanked marks on the partner's gives, in the order made,
  // each with where it stands (the same gate as Preview).
  Result<std::vector<PreviewResponse>> PreviewResponses();
  Result<SharedCounts> Counts();
  // "3f2a-7": 4 hex digits of the author's node id (more if both nodes
  // share them), '-', n. Parse is case-insensitive; kNotFound if unknown.
  std::string FormatId(ItemId id);
  Result<ItemId> ParseId(std::string_view text);
  // Whether my public key sorts before the partner's (true when unpaired).
  bool MeLow();

  // Key rotation: re-seals all under a new shared subkey (shared_rekey.cpp).
  Status Rekey(crypto::Secret new_shared_key);

  class Impl;

 private:
  explicit SharedStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace inch::store
