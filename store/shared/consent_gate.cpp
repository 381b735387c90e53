// The consent gate; see consent_gate.hpp. Every rule is one line here, and
// each has a test in tests/store/shared_store_test.cpp.
#include "store/shared/consent_gate.hpp"

namespace inch::store {

bool MayRelease(const OpInfo& op, const GateInputs& in) {
  const bool lists = in.my_lists && in.partner_lists;  // reveal together
  const bool notes = in.my_notes && in.partner_notes;
  switch (op.cls) {
    case OpClass::kListItem:
      return op.item_shared && lists;  // drafts never leave
    case OpClass::kResponse:
      return lists;
    case OpClass::kNote:
      return notes;
    case OpClass::kWithdrawal:
      // Withdrawing a never-released item is purely local: nothing to tell.
      return op.item_released;
    case OpClass::kConsent:
    case OpClass::kUnpair:
      return true;
  }
  return false;
}

bool MayShow(OpClass cls, const GateInputs& in) {
  switch (cls) {
    case OpClass::kListItem:
    case OpClass::kResponse:
      return in.my_lists && in.partner_lists;
    case OpClass::kNote:
      return in.my_notes && in.partner_notes;
    case OpClass::kWithdrawal:
    case OpClass::kConsent:
    case OpClass::kUnpair:
      return true;
  }
  return false;
}

}  // namespace inch::store
