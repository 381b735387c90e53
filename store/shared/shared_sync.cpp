// SharedStore sync core: the release sequence (my ops that the consent gate
// lets out get contiguous release numbers 1, 2, 3, ... durably), the Outbox,
// ApplyFromPartner with its edge validation, and unpairing.
//
// Receiver state machine, per op in a batch (received = highest seq held):
//   seq <= received      -> duplicate, skipped (idempotent)
//   seq == received + 1  -> opened, validated, applied; received = seq
//   seq >  received + 1  -> gap: the whole batch is rejected (kProtocol)
// The batch is one transaction, so a rejected batch leaves nothing behind.
#include <algorithm>
#include <set>

#include "crypto/aead.hpp"
#include "store/shared/consent_gate.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

struct Pending {
  std::uint64_t seq = 0;
  std::optional<std::int64_t> item;
  OpClass cls = OpClass::kListItem;
  bool is_share = false;
  bool item_released = false;
};

Result<GateInputs> LoadGateInputs(Database& db) {
  GateInputs in;
  auto st = db.Prepare("SELECT author, kind, value FROM consents");
  for (;;) {
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const bool mine = st.ColumnInt(0) == kMe;
    const bool lists = st.ColumnInt(1) == proto::LISTS;
    const bool on = st.ColumnInt(2) != 0;
    (lists ? (mine ? in.my_lists : in.partner_lists)
           : (mine ? in.my_notes : in.partner_notes)) = on;
  }
  return in;
}

std::unexpected<Error> Reject(const std::string& why) {
  return Fail(Errc::kProtocol, "rejected ops from partner: " + why);
}

}  // namespace

Result<std::uint64_t> SharedStore::ReceivedUpTo() {
  auto v = impl_->Meta("received");
  if (!v) return std::unexpected(v.error());
  return static_cast<std::uint64_t>(*v);
}

// Opens a row of my log (joined with its item) for sending. Columns:
// seq (the at-rest AD), sealing, body, item author, item n, item key, item.
struct MineColumns {
  int seq, sealing, body, author, n, key, item;
};
static Result<proto::Op> OpenMine(SharedStore::Impl& impl, Statement& st,
                                  const MineColumns& c, ItemKeyCache& keys) {
  const auto seq = static_cast<std::uint64_t>(st.ColumnInt(c.seq));
  const auto sealing = st.ColumnInt(c.sealing);
  if (sealing == kSealedErased) {
    proto::Op op;
    op.mutable_erased();
    return op;
  }
  const crypto::Secret* key = &impl.shared_key;
  if (sealing == kSealedItem) {
    if (st.ColumnIsNull(c.key))
      return Fail(Errc::kCorrupt, "content op without a key");
    const std::int64_t ref = st.ColumnInt(c.item);
    key = keys.Find(ref);
    if (key == nullptr) {
      auto k = keys.Load(ref, static_cast<int>(st.ColumnInt(c.author)),
                         static_cast<std::uint64_t>(st.ColumnInt(c.n)),
                         st.ColumnBlob(c.key));
      if (!k) return std::unexpected(k.error());
      key = *k;
    }
  }
  return impl.OpenAtRest(*key, st.ColumnBlob(c.body), kMe, seq);
}

Result<SharedStore::Outgoing> SharedStore::Outbox(std::uint64_t partner_has,
                                                  std::size_t max_ops,
                                                  std::size_t max_bytes) {
  auto key = impl_->OpKey();
  if (!key) return std::unexpected(key.error());
  const crypto::Secret& op_key = **key;
  auto& db = *impl_->db;
  ItemKeyCache keys(*impl_);
  std::uint64_t released_up_to = 0;
  {
    // 1. Release: newly eligible ops, in local order, get the next numbers.
    auto tx = Transaction::Begin(db);
    if (!tx) return std::unexpected(tx.error());
    auto in = LoadGateInputs(db);
    if (!in) return std::unexpected(in.error());
    auto st = db.Prepare(
        "SELECT o.seq, o.sealing, o.body, i.author, i.n, i.key, o.item, "
        "i.released"
        " FROM ops o INDEXED BY ops_release LEFT JOIN items i ON i.id = o.item"
        " WHERE o.author = 0 AND o.release IS NULL");
    std::vector<Pending> pending;
    std::set<std::int64_t> shared;  // items released or with a pending share
    for (;;) {
      auto row = st.Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      Pending p;
      p.seq = static_cast<std::uint64_t>(st.ColumnInt(0));
      if (!st.ColumnIsNull(6)) {
        p.item = st.ColumnInt(6);
        p.item_released = st.ColumnInt(7) != 0;
        if (p.item_released) shared.insert(*p.item);
      }
      auto known = impl_->pending_class.find(p.seq);
      if (known == impl_->pending_class.end()) {
        auto op = OpenMine(*impl_, st, {0, 1, 2, 3, 4, 5, 6}, keys);
        if (!op) return std::unexpected(op.error());
        known = impl_->pending_class
                    .emplace(p.seq,
                             Impl::PendingClass{ClassOf(*op), op->has_share()})
                    .first;
      }
      p.cls = known->second.cls;
      p.is_share = known->second.is_share;
      if (p.is_share && p.item) shared.insert(*p.item);
      pending.push_back(p);
    }
    // Forget ops that vanished (withdrawn drafts) once they dominate.
    if (impl_->pending_class.size() > 2 * pending.size() + 1024) {
      std::unordered_map<std::uint64_t, Impl::PendingClass> kept;
      for (const Pending& p : pending)
        kept.emplace(p.seq, impl_->pending_class.at(p.seq));
      impl_->pending_class.swap(kept);
    }
    std::sort(pending.begin(), pending.end(),
              [](const Pending& a, const Pending& b) { return a.seq < b.seq; });
    auto next = impl_->Meta("next_release");
    if (!next) return std::unexpected(next.error());
    auto release = static_cast<std::uint64_t>(*next);
    // Eligible ops with consecutive local seqs get consecutive release
    // numbers, so each such run is one UPDATE (release = seq + delta)
    // instead of one statement per op.
    std::uint64_t run_first = 0, run_last = 0, run_release = 0;
    std::vector<std::uint64_t> released_seqs;
    auto flush = [&]() -> Status {
      if (run_first == 0) return {};
      auto up = db.Prepare(
          "UPDATE ops SET release = seq + ? WHERE author = 0 AND release IS "
          "NULL AND seq BETWEEN ? AND ?");
      up.Bind(1, static_cast<std::int64_t>(run_release - run_first))
          .Bind(2, static_cast<std::int64_t>(run_first))
          .Bind(3, static_cast<std::int64_t>(run_last));
      if (auto r = up.Run(); !r) return r;
      if (static_cast<std::uint64_t>(db.Changes()) != run_last - run_first + 1)
        return Fail(Errc::kCorrupt, "the op log changed while releasing");
      run_first = 0;
      return {};
    };
    for (const Pending& p : pending) {
      const OpInfo info{p.cls, p.item && shared.contains(*p.item),
                        p.item_released};
      if (!MayRelease(info, *in)) continue;
      released_seqs.push_back(p.seq);
      if (run_first == 0 || p.seq != run_last + 1) {
        if (auto r = flush(); !r) return std::unexpected(r.error());
        run_first = p.seq;
        run_release = release;
      }
      run_last = p.seq;
      ++release;
    }
    if (auto r = flush(); !r) return std::unexpected(r.error());
    const auto first_new = static_cast<std::uint64_t>(*next);
    if (release != first_new) {
      // My items with a newly released op now count as released
      // (withdrawing them must tell the partner). Responses are about the
      // partner's items, so only my items are marked: one statement that
      // looks up only the new releases' items ('+' keeps SQLite from
      // scanning all my items through the (author, n) index instead).
      auto mark = db.Prepare(
          "UPDATE items SET released = 1 WHERE id IN (SELECT item FROM ops"
          " INDEXED BY ops_release WHERE author = 0 AND release >= ? AND"
          " item IS NOT NULL) AND +author = 0 AND +released = 0");
      if (auto r = mark.Bind(1, static_cast<std::int64_t>(first_new)).Run();
          !r) {
        return std::unexpected(r.error());
      }
      if (auto s = impl_->SetMeta("next_release",
                                  static_cast<std::int64_t>(release));
          !s) {
        return std::unexpected(s.error());
      }
    }
    // Nothing written when nothing was released: the commit costs no fsync.
    if (auto s = tx->Commit(); !s) return std::unexpected(s.error());
    for (std::uint64_t seq : released_seqs) impl_->pending_class.erase(seq);
    released_up_to = release - 1;
  }
  if (partner_has > released_up_to) {
    return Fail(Errc::kProtocol, "partner claims ops that were never released");
  }
  // 2. Collect what the partner lacks, re-sealed under the pair key.
  Outgoing out;
  auto st = db.Prepare(
      "SELECT o.release, o.sealing, o.body, i.author, i.n, i.key, o.item, "
      "o.hlc, o.seq"
      // INDEXED BY: without it SQLite walks every op of mine by primary
      // key and sorts them, so each batch cost O(history).
      " FROM ops o INDEXED BY ops_release LEFT JOIN items i ON i.id = o.item"
      " WHERE o.author = 0 AND o.release > ? ORDER BY o.release LIMIT ?");
  st.Bind(1, static_cast<std::int64_t>(partner_has));
  st.Bind(2, static_cast<std::int64_t>(std::max<std::size_t>(max_ops, 1)));
  std::size_t bytes = 0;
  for (;;) {
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    // Column 8 is the at-rest seq (the AD); column 0 the release number.
    auto op = OpenMine(*impl_, st, {8, 1, 2, 3, 4, 5, 6}, keys);
    if (!op) return std::unexpected(op.error());
    const auto release = static_cast<std::uint64_t>(st.ColumnInt(0));
    op->set_seq(release);
    op->set_hlc(static_cast<std::uint64_t>(st.ColumnInt(7)));
    Bytes wire = SealWireOp(op_key, impl_->my_pk, *op);
    if (!out.sealed_ops.empty() && bytes + wire.size() > max_bytes) break;
    bytes += wire.size();
    if (out.sealed_ops.empty()) out.first_seq = release;
    out.last_seq = release;
    out.sealed_ops.push_back(std::move(wire));
  }
  out.more = out.last_seq < released_up_to && released_up_to > partner_has;
  return out;
}

namespace {

// Applies one validated-shape op from the partner (author slot 1) inside
// the caller's transaction. kProtocol when it makes no sense here.
Status ApplyOne(SharedStore::Impl& impl, const proto::Op& op, bool& withdrew) {
  const std::uint64_t seq = op.seq();
  auto my_released = [&](std::uint64_t n) -> Result<std::optional<ItemRow>> {
    auto row = impl.FindItem(kMe, n);
    if (!row) return std::unexpected(row.error());
    if (!*row || !(*row)->released)
      return Reject("refers to an item it never received");
    return row;
  };
  auto my_kind_is = [&](const ItemRow& row, ItemKind kind) -> Status {
    if (!row.has_key) return {};  // withdrawn meanwhile: concurrent, harmless
    auto item = impl.ItemNow(kMe, row.n);
    if (!item) return std::unexpected(item.error());
    if (*item && (*item)->kind != kind)
      return Reject("refers to the wrong kind of item");
    return {};
  };
  auto store_sealed = [&](const crypto::Secret& key,
                          std::optional<std::int64_t> ref, Sealing sealing) {
    Bytes body = impl.SealAtRest(key, op, kPartner, seq);
    return impl.InsertOp(kPartner, seq, op.hlc(), ref, std::nullopt, sealing,
                         &body);
  };
  switch (op.body_case()) {
    case proto::Op::kCreate:
    case proto::Op::kNote: {
      const std::uint64_t n = op.has_create() ? op.create().n() : op.note().n();
      if (op.has_create() && op.create().has_for_item()) {
        auto wish = my_released(op.create().for_item().n());
        if (!wish) return std::unexpected(wish.error());
        if (auto s = my_kind_is(**wish, ItemKind::kWish); !s) return s;
      }
      if (op.has_create() && op.create().has_smaller_than() &&
          op.create().smaller_than().other()) {
        auto rung = my_released(op.create().smaller_than().n());
        if (!rung) return std::unexpected(rung.error());
      }
      // The insert itself detects an existing item (no lookup per op).
      WipeOnExit wipe(impl.scratch_key);
      auto row = impl.InsertNewItem(kPartner, n, impl.scratch_key);
      if (!row) return std::unexpected(row.error());
      if (!*row) return Reject("creates an item that already exists");
      return store_sealed(impl.scratch_key, (*row)->ref, kSealedItem);
    }
    case proto::Op::kEdit:
    case proto::Op::kShare: {
      const std::uint64_t n = op.has_edit() ? op.edit().n() : op.share().n();
      auto row = impl.FindItem(kPartner, n);
      if (!row) return std::unexpected(row.error());
      if (!*row || !(*row)->has_key)
        return Reject("changes an unknown or withdrawn item");
      WipeOnExit wipe(impl.scratch_key);
      if (auto k = impl.ItemKeyInto(**row, impl.scratch_key); !k) return k;
      return store_sealed(impl.scratch_key, (*row)->ref, kSealedItem);
    }
    case proto::Op::kWithdraw: {
      const std::uint64_t n = op.withdraw().n();
      auto row = impl.FindItem(kPartner, n);
      if (!row) return std::unexpected(row.error());
      std::int64_t ref;
      if (!*row) {
        // Its content reached us only as erased headers: keep a tombstone.
        auto tomb = impl.InsertItem(kPartner, n, true);
        if (!tomb) return std::unexpected(tomb.error());
        ref = tomb->ref;
      } else {
        ref = (*row)->ref;
        if (auto s = impl.EraseItemContent(ref); !s) return s;
        auto del = impl.db->Prepare("DELETE FROM private_answers WHERE n = ?");
        if (auto s = del.Bind(1, static_cast<std::int64_t>(n)).Run(); !s)
          return s;
      }
      withdrew = true;
      return store_sealed(impl.shared_key, ref, kSealedShared);
    }
    case proto::Op::kRespond: {
      auto give = my_released(op.respond().n());
      if (!give) return std::unexpected(give.error());
      if (auto s = my_kind_is(**give, ItemKind::kGive); !s) return s;
      return store_sealed(impl.shared_key, (*give)->ref, kSealedShared);
    }
    case proto::Op::kConsent: {
      auto st = impl.db->Prepare(
          "INSERT INTO consents(author, kind, hlc, value) VALUES (1, ?, ?, ?)"
          " ON CONFLICT(author, kind) DO UPDATE SET hlc = excluded.hlc,"
          " value = excluded.value WHERE excluded.hlc > consents.hlc");
      st.Bind(1, static_cast<std::int64_t>(op.consent().kind()))
          .Bind(2, static_cast<std::int64_t>(
                       std::min<std::uint64_t>(op.hlc(), INT64_MAX)))
          .Bind(3, static_cast<std::int64_t>(op.consent().on()));
      if (auto s = st.Run(); !s) return s;
      return store_sealed(impl.shared_key, std::nullopt, kSealedShared);
    }
    case proto::Op::kUnpair:
      return store_sealed(impl.shared_key, std::nullopt, kSealedShared);
    case proto::Op::kErased:
      return impl.InsertOp(kPartner, seq, op.hlc(), std::nullopt, std::nullopt,
                           kSealedErased, nullptr);
    case proto::Op::BODY_NOT_SET:
      break;
  }
  return Reject("empty op");
}

}  // namespace

Result<SharedStore::Applied> SharedStore::ApplyFromPartner(
    std::span<const Bytes> sealed_ops) {
  const std::span<const Bytes> one[] = {sealed_ops};
  auto applied = ApplyBatchesFromPartner(one);
  if (!applied) return std::unexpected(applied.error());
  return applied->front();
}

Result<std::vector<SharedStore::Applied>> SharedStore::ApplyBatchesFromPartner(
    std::span<const std::span<const Bytes>> batches) {
  if (impl_->partner_pk.empty()) return Fail(Errc::kNotFound, "not paired");
  std::size_t total = 0;
  for (const auto& batch : batches) total += batch.size();
  if (total > 100000) return Reject("batch too large");
  auto key = impl_->OpKey();
  if (!key) return std::unexpected(key.error());
  const crypto::Secret& op_key = **key;
  auto& db = *impl_->db;
  auto tx = Transaction::Begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto have_meta = impl_->Meta("received");
  if (!have_meta) return std::unexpected(have_meta.error());
  auto have = static_cast<std::uint64_t>(*have_meta);
  std::vector<Applied> results;
  results.reserve(batches.size());
  bool withdrew = false;
  std::uint64_t max_hlc = 0;
  for (const auto& batch : batches) {
    Applied result;
    for (const Bytes& wire : batch) {
      auto seq = PeekWireSeq(wire);
      if (!seq) return Reject("an op of the wrong size");
      if (*seq <= have) {
        ++result.duplicates;
        continue;
      }
      if (*seq != have + 1) return Reject("a gap in the sequence");
      auto op = OpenWireOp(op_key, impl_->partner_pk, wire);
      if (!op) {
        if (OpenWireOp(op_key, impl_->my_pk, wire))
          return Reject("an op claiming to be mine");
        return std::unexpected(op.error());
      }
      if (auto s = ValidateShape(*op); !s) return std::unexpected(s.error());
      if (auto s = ApplyOne(*impl_, *op, withdrew); !s) {
        if (s.error().code == Errc::kProtocol)
          return std::unexpected(s.error());
        return Wrap(s.error(), "applying ops from partner");
      }
      if (op->has_unpair()) result.partner_unpaired = true;
      max_hlc = std::max(max_hlc, op->hlc());
      have = *seq;
      ++result.applied;
    }
    result.received_up_to = have;
    results.push_back(result);
  }
  if (auto s = impl_->ObserveHlc(max_hlc); !s)
    return std::unexpected(s.error());
  if (auto s = impl_->SetMeta("received", static_cast<std::int64_t>(have));
      !s) {
    return std::unexpected(s.error());
  }
  if (auto s = tx->Commit(); !s) return std::unexpected(s.error());
  if (withdrew) {
    if (auto s = db.CheckpointTruncate(); !s) return std::unexpected(s.error());
  }
  return results;
}

Status SharedStore::RequestUnpair() {
  if (impl_->partner_pk.empty()) return Fail(Errc::kNotFound, "not paired");
  proto::Op op;
  op.mutable_unpair();
  auto tx = Transaction::Begin(*impl_->db);
  if (!tx) return std::unexpected(tx.error());
  if (auto s = impl_->AppendLocal(std::move(op), std::nullopt, true); !s)
    return s;
  return tx->Commit();
}

Status SharedStore::ErasePartner() {
  auto& db = *impl_->db;
  {
    auto tx = Transaction::Begin(db);
    if (!tx) return std::unexpected(tx.error());
    // My Unpair ops must not reach a future partner: find them by opening
    // my item-free ops (consents and unpairs; a handful).
    std::vector<std::int64_t> unpairs;
    auto st = db.Prepare(
        "SELECT seq, body FROM ops WHERE author = 0 AND item IS NULL AND "
        "sealing = 0");
    for (;;) {
      auto row = st.Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      const auto seq = st.ColumnInt(0);
      auto op = impl_->OpenAtRest(impl_->shared_key, st.ColumnBlob(1), kMe,
                                  static_cast<std::uint64_t>(seq));
      if (!op) return std::unexpected(op.error());
      if (op->has_unpair()) unpairs.push_back(seq);
    }
    for (auto seq : unpairs) {
      auto del = db.Prepare("DELETE FROM ops WHERE author = 0 AND seq = ?");
      if (auto s = del.Bind(1, seq).Run(); !s) return s;
    }
    if (auto s =
            db.Exec("DELETE FROM ops WHERE author = 1;"
                    "DELETE FROM ops WHERE item IN (SELECT id FROM items WHERE "
                    "author = 1);"
                    "DELETE FROM ops WHERE item IN"
                    "  (SELECT id FROM items WHERE author = 0 AND key IS NULL);"
                    "DELETE FROM items WHERE author = 1;"
                    "UPDATE ops SET release = NULL WHERE author = 0;"
                    "UPDATE items SET released = 0;"
                    "DELETE FROM consents WHERE author = 1;"
                    "DELETE FROM private_answers;"
                    "DELETE FROM partner;"
                    "UPDATE meta SET value = 1 WHERE key = 'next_release';"
                    "UPDATE meta SET value = 0 WHERE key = 'received';");
        !s) {
      return s;
    }
    if (auto s = tx->Commit(); !s) return s;
  }
  if (auto s = db.CheckpointTruncate(); !s) return s;
  return impl_->LoadPartnerCache();
}

}  // namespace inch::store
