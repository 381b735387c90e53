// The pairing role (Pairing) and the sync port's view of it: the partner
// pin and the pair secret, both sealed at rest under the shared subkey (the
// unpair itself is in shared_fresh_start.cpp).
#include "crypto/aead.hpp"
#include "crypto/identity.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {

Status Pairing::SetPartner(ByteView partner_public_key,
                           const crypto::Secret& pair_secret) {
  if (partner_public_key.size() != 32 || pair_secret.size() < 16 ||
      pair_secret.size() > 64) {
    return Fail(Errc::kInvalidInput, "bad partner key or pair secret");
  }
  if (Bytes(partner_public_key.begin(), partner_public_key.end()) ==
      impl_->my_pk()) {
    return Fail(Errc::kInvalidInput, "a node cannot pair with itself");
  }
  if (auto s = impl_->FollowPairingElsewhere(); !s) return s;
  if (!impl_->partner_pk().empty())
    return Fail(Errc::kExists, "already paired; unpair first");
  auto& db = impl_->db();
  auto tx = Transaction::Begin(db);
  if (!tx) return std::unexpected(tx.error());
  // Nothing done for (or before) another pairing flows to this partner.
  if (auto s = impl_->StartAfresh(); !s) return s;
  if (auto s = impl_->DropNoticeOwedTo(partner_public_key); !s) return s;
  auto st = db.Prepare(
      "INSERT INTO partner(id, public_key, secret) VALUES (1, ?, ?)");
  st.Bind(1, partner_public_key);
  st.Bind(2, crypto::Seal(impl_->shared_key(), pair_secret.view(),
                          AsBytes("partner/secret")));
  if (auto s = st.Run(); !s) return s;
  if (auto s = tx->Commit(); !s) return s;
  return impl_->LoadPartnerCache();
}

Result<std::optional<PartnerInfo>> Pairing::Partner() {
  if (auto s = impl_->FollowPairingElsewhere(); !s)
    return std::unexpected(s.error());
  auto st = impl_->db().Prepare(
      "SELECT public_key, address FROM partner WHERE id = 1");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<PartnerInfo>();
  PartnerInfo info;
  info.public_key = st.ColumnBlob(0);
  info.node_id = crypto::NodeId(info.public_key);
  if (!st.ColumnIsNull(1)) {
    auto addr = crypto::Open(impl_->shared_key(), st.ColumnBlob(1),
                             AsBytes("partner/address"));
    if (!addr) return Fail(Errc::kCorrupt, "partner address does not open");
    info.last_address.assign(addr->begin(), addr->end());
  }
  return std::optional<PartnerInfo>(std::move(info));
}

Result<crypto::Secret> Pairing::PairSecret() {
  auto st = impl_->db().Prepare("SELECT secret FROM partner WHERE id = 1");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Fail(Errc::kNotFound, "not paired");
  auto secret = crypto::Open(impl_->shared_key(), st.ColumnBlob(0),
                             AsBytes("partner/secret"));
  if (!secret) return Fail(Errc::kCorrupt, "pair secret does not open");
  crypto::Secret out = crypto::Secret::CopyOf(*secret);
  crypto::Wipe(*secret);
  return out;
}

Status Pairing::SetPartnerAddress(std::string_view host_port) {
  if (auto s = impl_->FollowPairingElsewhere(); !s) return s;
  if (impl_->partner_pk().empty()) return Fail(Errc::kNotFound, "not paired");
  auto st = impl_->db().Prepare("UPDATE partner SET address = ? WHERE id = 1");
  st.Bind(1, crypto::Seal(impl_->shared_key(), AsBytes(host_port),
                          AsBytes("partner/address")));
  return st.Run();
}

bool Pairing::MeLow() { return impl_->MeLow(); }

// ---- The port's view of the pairing. ----

Result<std::optional<PartnerInfo>> SharedSync::Partner() {
  return Pairing(*impl_).Partner();
}
Result<crypto::Secret> SharedSync::PairSecret() {
  return Pairing(*impl_).PairSecret();
}
Status SharedSync::SetPartnerAddress(std::string_view host_port) {
  return Pairing(*impl_).SetPartnerAddress(host_port);
}
Status SharedSync::ErasePartner() { return Pairing(*impl_).ErasePartner(); }

}  // namespace inch::store
