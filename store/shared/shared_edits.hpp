// The local-edit role of the shared store: every change a person makes
// becomes one op in my log, in its own transaction, after validation
// against the current state. Nothing here decides what leaves the node
// (that is the Outbox's consent gate, SharedSync).
#pragma once

#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "store/shared/state.hpp"

namespace inch::store {

class SharedDb;

// All kInvalidInput on bad text (empty, > 4 KiB, not UTF-8), importance
// outside 1..5; kNotFound on unknown or withdrawn ids; kInvalidInput on
// acting on the wrong partner's item.
class LocalEdits {
 public:
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
  // nullopt takes the answer back (idempotent, also once the wish is gone):
  // a "not yet" pressed by mistake must not stay for ever.
  Status AnswerPrivately(ItemId partner_wish,
                         std::optional<PrivateAnswer> answer);

 private:
  friend class SharedStore;
  explicit LocalEdits(SharedDb& impl) : impl_(&impl) {}
  SharedDb* impl_;
};

}  // namespace inch::store
