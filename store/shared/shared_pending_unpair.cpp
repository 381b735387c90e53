// What outlives one pairing's keys.
//
// The pairing generation (meta 'pairings'): every SetPartner and
// ErasePartner bumps it (in StartAfresh, inside their transaction), so
// that a daemon watching shared.db re-reads the pin and the pair secret
// only when they may have changed.
//
// The unpair notice owed to an old partner (table unpair_notice, one row):
// recorded by UnpairAndOweNotice in the transaction that erases the
// partner, so that a crash can never leave a partner erased with no notice
// owed; forgotten once delivered, or when a new pairing is with that same
// partner (whose node then unpaired too). Another new pairing keeps it: the
// old partner is still owed it. The row is one value sealed under the
// shared subkey with AD kUnpairNoticeAd ("unpair_notice/1", re-sealed by a
// key rotation, shared_rekey.cpp); its plaintext is the partner's public
// key (32) | the pair secret's length (1) | the pair secret | the address.
#include <algorithm>

#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

Bytes NoticePlaintext(const UnpairNotice& notice) {
  Bytes plain = notice.partner_public_key;
  plain.push_back(static_cast<std::uint8_t>(notice.pair_secret.size()));
  plain.insert(plain.end(), notice.pair_secret.view().begin(),
               notice.pair_secret.view().end());
  plain.insert(plain.end(), notice.last_address.begin(),
               notice.last_address.end());
  return plain;
}

Result<UnpairNotice> ParseNotice(ByteView plain) {
  if (plain.size() < 33 || plain.size() < 33u + plain[32]) {
    return Fail(Errc::kCorrupt, "the unpair notice is malformed");
  }
  const std::size_t secret_bytes = plain[32];
  UnpairNotice notice;
  notice.partner_public_key.assign(plain.begin(), plain.begin() + 32);
  notice.pair_secret = crypto::Secret::CopyOf(plain.subspan(33, secret_bytes));
  notice.last_address.assign(plain.begin() + 33 + secret_bytes, plain.end());
  return notice;
}

Status SaveNotice(SharedDb& impl, const UnpairNotice& notice) {
  if (notice.partner_public_key.size() != 32 ||
      notice.pair_secret.size() < 16 || notice.pair_secret.size() > 64) {
    return Fail(Errc::kInvalidInput, "bad unpair notice key or secret");
  }
  Bytes plain = NoticePlaintext(notice);
  WipeBytesOnExit wipe(plain);
  auto st = impl.db().Prepare(
      "INSERT OR REPLACE INTO unpair_notice(id, sealed) VALUES (1, ?)");
  st.Bind(1, ByteView(crypto::Seal(impl.shared_key(), plain,
                                   AsBytes(kUnpairNoticeAd))));
  return st.Run();
}

}  // namespace

Result<std::uint64_t> SharedSync::PairingGeneration() {
  auto v = impl_->Meta("pairings");
  if (!v) return std::unexpected(v.error());
  return static_cast<std::uint64_t>(*v);
}

Status Pairing::UnpairAndOweNotice() {
  if (impl_->partner_pk().empty()) return Fail(Errc::kNotFound, "not paired");
  return impl_->Unpair(/*owe_notice=*/true);
}

Status SharedDb::OweNoticeToPartner() {
  auto st = db_->Prepare(
      "SELECT public_key, secret, address FROM partner WHERE id = 1");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return Fail(Errc::kNotFound, "not paired");
  UnpairNotice notice;
  notice.partner_public_key = st.ColumnBlob(0);
  auto secret =
      crypto::Open(shared_key_, st.ColumnBlob(1), AsBytes("partner/secret"));
  if (!secret) return Fail(Errc::kCorrupt, "pair secret does not open");
  WipeBytesOnExit wipe(*secret);
  notice.pair_secret = crypto::Secret::CopyOf(*secret);
  if (!st.ColumnIsNull(2)) {
    auto addr =
        crypto::Open(shared_key_, st.ColumnBlob(2), AsBytes("partner/address"));
    if (!addr) return Fail(Errc::kCorrupt, "partner address does not open");
    notice.last_address.assign(addr->begin(), addr->end());
  }
  return SaveNotice(*this, notice);
}

Status SharedDb::DropNoticeOwedTo(ByteView partner_public_key) {
  auto st = db_->Prepare("SELECT sealed FROM unpair_notice WHERE id = 1");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return {};
  auto plain =
      crypto::Open(shared_key_, st.ColumnBlob(0), AsBytes(kUnpairNoticeAd));
  // One that does not open is no one's: a new pairing keeps it for
  // OwedUnpairNotice to report.
  if (!plain) return {};
  WipeBytesOnExit wipe(*plain);
  if (plain->size() < 32 ||
      !std::equal(partner_public_key.begin(), partner_public_key.end(),
                  plain->begin(), plain->begin() + 32)) {
    return {};
  }
  return db_->Exec("DELETE FROM unpair_notice");
}

Result<std::optional<UnpairNotice>> SharedSync::OwedUnpairNotice() {
  auto st =
      impl_->db().Prepare("SELECT sealed FROM unpair_notice WHERE id = 1");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<UnpairNotice>();
  auto plain = crypto::Open(impl_->shared_key(), st.ColumnBlob(0),
                            AsBytes(kUnpairNoticeAd));
  if (!plain) {
    return Fail(Errc::kCorrupt,
                "the unpair notice owed to the old partner does not open "
                "(shared.db was changed without the key)");
  }
  WipeBytesOnExit wipe(*plain);
  auto notice = ParseNotice(*plain);
  if (!notice) return std::unexpected(notice.error());
  return std::optional<UnpairNotice>(std::move(*notice));
}

Status SharedSync::ForgetUnpairNotice(ByteView partner_public_key) {
  return impl_->DropNoticeOwedTo(partner_public_key);
}

Status Pairing::ImportUnpairNotice(const UnpairNotice& notice) {
  return SaveNotice(*impl_, notice);
}

}  // namespace inch::store
