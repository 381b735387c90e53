// The reading role of the shared store: folds, one item, Preview, counts,
// the short ids people type, and the local-only facts (last sync, private
// answers). Reads only: nothing here writes shared.db.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "store/shared/state.hpp"

namespace inch::store {

class SharedDb;

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

class SharedReader {
 public:
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
  // When a sync session last converged (Unix ms; 0: never).
  Result<std::int64_t> LastSync();
  // My private answer to the partner's wish, if any.
  Result<std::optional<PrivateAnswer>> PrivateAnswerFor(ItemId partner_wish);

 private:
  friend class SharedStore;
  explicit SharedReader(SharedDb& impl) : impl_(&impl) {}
  SharedDb* impl_;
};

}  // namespace inch::store
