// The pairing role of the shared store: pinning a partner and forgetting
// it. Taken by the pair / unpair commands; the sync port reaches the same
// records through its own methods (SharedSync forwards to this class).
#pragma once

#include <optional>
#include <string_view>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "store/shared/sync_port.hpp"

namespace inch::store {

class SharedDb;

class Pairing {
 public:
  // Pins the partner and keeps the pair secret (sealed at rest), starting
  // afresh: every consent of mine off, my wishes and gives drafts, my notes
  // and responses gone (see shared_fresh_start.cpp).
  // kExists if already paired; kInvalidInput for a bad key or secret.
  Status SetPartner(ByteView partner_public_key,
                    const crypto::Secret& pair_secret);
  // nullopt when unpaired.
  Result<std::optional<PartnerInfo>> Partner();
  // kNotFound when unpaired.
  Result<crypto::Secret> PairSecret();
  // kNotFound when unpaired.
  Status SetPartnerAddress(std::string_view host_port);
  // Unpair: the partner's ops, items, keys, consents, private answers and
  // pin are gone; my log starts afresh (my wishes and gives become drafts
  // with no reference to the partner's items; my notes, responses and
  // consents go; release numbers start again at 1). Checkpoints the WAL.
  // Idempotent.
  Status ErasePartner();
  // `inch unpair`: erases the partner as ErasePartner does and records the
  // unpair notice owed to it, in one transaction (replacing an older
  // notice). A partner-initiated unpair (ErasePartner) owes none; a new
  // pairing keeps it unless it pairs with that same partner again.
  // kNotFound when unpaired.
  Status UnpairAndOweNotice();
  // Records `notice` as owed (replacing an older one): a notice that an
  // older inch kept in a file of its own (cli/legacy_unpair_notice.hpp).
  Status ImportUnpairNotice(const UnpairNotice& notice);
  // Whether my public key sorts before the partner's (true when unpaired):
  // the fold's tie-break (Canonical, Fold).
  bool MeLow();

 private:
  friend class SharedStore;
  friend class SharedSync;
  explicit Pairing(SharedDb& impl) : impl_(&impl) {}
  SharedDb* impl_;
};

}  // namespace inch::store
