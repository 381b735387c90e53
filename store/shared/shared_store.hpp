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
#include "store/sqlite.hpp"

namespace inch::store {

struct PartnerInfo {
  Bytes public_key;  // 32 bytes, pinned at pairing
  std::string node_id;
  std::string last_address;  // "" when unknown
};

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

class SharedStore {
 public:
  // Opens (or with `create`, creates) shared.db at `path`. `shared_key` =
  // DeriveSubkey(master, kShared) (32 bytes); `my_public_key` = the node's
  // identity public key (32 bytes). kNotFound / kCorrupt / kTooNew (a file
  // written by a newer inch) / kInvalidInput (a file of another kind).
  static Result<std::unique_ptr<SharedStore>> Open(const std::string& path,
                                                   crypto::Secret shared_key,
                                                   Bytes my_public_key,
                                                   bool create);
  ~SharedStore();

  // ---- Pairing (issue 4). ----
  // Pins the partner and keeps the pair secret (sealed at rest).
  // kExists if already paired; kInvalidInput for a bad key or secret.
  Status SetPartner(ByteView partner_public_key,
                    const crypto::Secret& pair_secret);
  // nullopt when unpaired.
  Result<std::optional<PartnerInfo>> Partner();
  // kNotFound when unpaired.
  Result<crypto::Secret> PairSecret();
  // kNotFound when unpaired.
  Status SetPartnerAddress(std::string_view host_port);
  // Unpair: the partner's ops, items, keys, consents and pin are gone; my
  // ops are kept but none counts as released any more (a future partner
  // starts from release 1); ops of withdrawn items and Unpair ops are
  // dropped. Checkpoints the WAL. Idempotent.
  Status ErasePartner();
  // Appends an Unpair op (it always flows) so the partner erases me too;
  // the caller syncs, then calls ErasePartner(). kNotFound when unpaired.
  Status RequestUnpair();

  // ---- Sync core (transport-agnostic). ----
  // A sealed op on the wire = 8-byte big-endian release seq | Seal(pair key,
  // Op, AD = "inch-op v1" | author public key | seq-BE), padded to 64 bytes.
  // The pair key is BLAKE2b-256 keyed with the pair secret of "inch-op-key v1".
  // Highest contiguous release seq received from the partner (0 = none).
  Result<std::uint64_t> ReceivedUpTo();
  struct Outgoing {
    std::vector<Bytes> sealed_ops;
    std::uint64_t first_seq = 0;  // seq of sealed_ops[0] (0 if empty)
    std::uint64_t last_seq = 0;   // seq of the last one (0 if empty)
    bool more = false;            // more ops after last_seq are ready
  };
  // Releases newly eligible ops first (durably), then returns the released
  // ops with seq > partner_has, at most max_ops and about max_bytes (always
  // at least one op if any). kNotFound when unpaired; kProtocol if
  // partner_has is beyond what was ever released.
  Result<Outgoing> Outbox(std::uint64_t partner_has, std::size_t max_ops,
                          std::size_t max_bytes);
  struct Applied {
    std::uint64_t received_up_to = 0;
    std::size_t applied = 0;
    std::size_t duplicates = 0;
    bool partner_unpaired =
        false;  // an Unpair op arrived: sync, then ErasePartner()
  };
  // Validates and applies ops from the partner in ONE transaction, durable
  // on return. Duplicates (seq <= received) are skipped. kProtocol with
  // nothing applied on any malformed, unopenable or invalid op, a gap, or an
  // op sealed as mine; kNotFound when unpaired.
  Result<Applied> ApplyFromPartner(std::span<const Bytes> sealed_ops);
  // Several consecutive batches in ONE transaction (one fsync for all),
  // each checked as above and never split; one result per batch, durable
  // on return. Any rejected op rejects them all (nothing applied). Errors
  // as ApplyFromPartner.
  Result<std::vector<Applied>> ApplyBatchesFromPartner(
      std::span<const std::span<const Bytes>> batches);
  // The same over views (the bytes must outlive the call): a network
  // receiver applies the ops where they were parsed, without copies.
  Result<std::vector<Applied>> ApplyBatchesFromPartner(
      std::span<const std::span<const ByteView>> batches);
  // Bumps on every local op; a daemon polls it cheaply to push changes.
  Result<std::uint64_t> LocalChangeCounter();

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
