// The one consent gate (design.md §3): the single place that decides whether
// one of my ops may leave this node. Used by the Outbox (what is released)
// and by Preview (what the user is told), so the two cannot disagree.
#pragma once

namespace inch::store {

enum class OpClass {
  kListItem,    // create/edit/share of a wish or give
  kResponse,    // my chosen/done/thanked on the partner's give
  kNote,        // an appreciation note
  kWithdrawal,  // withdrawal of one of my items
  kConsent,     // a change of my consents
  kUnpair,
};

struct OpInfo {
  OpClass cls = OpClass::kListItem;
  bool item_shared = false;    // list items: the author shared the item
  bool item_released = false;  // withdrawals: some op of the item already left
};

struct GateInputs {
  bool my_lists = false;       // my "ready lists"
  bool partner_lists = false;  // the partner's, as known from its ops
  bool my_notes = false;
  bool partner_notes = false;
};

// True iff the op may be released to the partner now. Pure and total.
bool MayRelease(const OpInfo& op, const GateInputs& in);

// The receiver's half (both nodes enforce consent): true iff what the
// partner sent of class `cls` may be shown to me now. A partner's list
// items and its responses on my gives show only while lists are on for
// both of us, its notes only while notes are; until then they are held
// (stored, not shown, not usable as a reference). Pure and total.
bool MayShow(OpClass cls, const GateInputs& in);

}  // namespace inch::store
