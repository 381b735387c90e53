// The CRDT state of the shared lists and notes: a pure, deterministic fold of
// both partners' op logs. Order of the input does not matter: LWW fields are
// ordered by (hlc, author rank), response progress only moves forward, the
// thanked flag only turns on, and a withdrawal wins over everything.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proto/ops.pb.h"

namespace inch::store {

// Author slot as seen from this node: 0 = me, 1 = the partner.
inline constexpr int kMe = 0;
inline constexpr int kPartner = 1;

// An item id: (author slot, the author's item counter n).
struct ItemId {
  int author = kMe;
  std::uint64_t n = 0;
  auto operator<=>(const ItemId&) const = default;
};

enum class ItemKind { kWish = 1, kGive = 2, kNote = 3 };
enum class GiveSize { kSmall = 1, kMedium = 2, kLarge = 3 };
enum class Progress { kOffered = 0, kChosen = 1, kDone = 2 };
enum class ConsentKind { kLists = 1, kNotes = 2 };
enum class PrivateAnswer { kNotYet = 1, kNo = 2 };

// A last-writer-wins stamp; larger wins. `rank` is the author's absolute
// rank (0 = lower public key) so both nodes break hlc ties the same way.
struct Stamp {
  std::uint64_t hlc = 0;
  int rank = -1;
  auto operator<=>(const Stamp&) const = default;
};

struct ItemState {
  ItemId id;
  ItemKind kind = ItemKind::kWish;
  std::string text;
  int importance = 0;                      // wishes
  GiveSize size = GiveSize::kSmall;        // gives
  std::optional<ItemId> for_item;          // gives: the partner's wish
  std::optional<ItemId> smaller_than;      // gives: ladder rung below
  bool shared = false;                     // notes are shared at creation
  Progress progress = Progress::kOffered;  // gives: the other partner's marks
  bool thanked = false;
  std::uint64_t created_hlc = 0;
  Stamp text_stamp, importance_stamp, size_stamp;  // LWW registers
};

struct ConsentState {
  bool on = false;
  std::uint64_t hlc = 0;  // 0 = never set
};

struct State {
  std::map<ItemId, ItemState> items;  // withdrawn items are absent
  ConsentState consent[2][2];         // [author slot][0 lists, 1 notes]
  bool unpaired_by[2] = {false, false};
};

// One op with the slot of the log it came from.
struct OpWithAuthor {
  int author = kMe;
  proto::Op op;
};

// Folds ops in any order into the same State. `me_low` says whether my
// public key sorts before the partner's (the absolute tie-break). Ops that
// make no sense (edit of an unknown item, response to a wish) are ignored:
// validation happens at the edge, the fold only has to be deterministic.
State Fold(const std::vector<OpWithAuthor>& ops, bool me_low);

// A canonical byte-exact rendering of `s` in absolute terms (authors by
// rank, not slot), so two nodes' states of the same ops compare equal.
std::string Canonical(const State& s, bool me_low);

}  // namespace inch::store
