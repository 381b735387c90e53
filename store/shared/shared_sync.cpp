// The sync role, receiving side: ApplyBatchesFromPartner with its edge
// validation (the Outbox is in shared_outbox.cpp; unpairing in
// shared_fresh_start.cpp).
//
// Receiver state machine, per op in a batch (received = highest seq held):
//   seq <= received      -> duplicate, skipped (idempotent)
//   seq == received + 1  -> opened, validated, applied; received = seq
//   seq >  received + 1  -> gap: the whole batch is rejected (kProtocol)
// The batch is one transaction, so a rejected batch leaves nothing behind.
#include <algorithm>
#include <chrono>
#include <optional>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

#include "crypto/aead.hpp"
#include "store/shared/consent_gate.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

std::unexpected<Error> Reject(const std::string& why) {
  return Fail(Errc::kProtocol, "rejected ops from partner: " + why);
}

}  // namespace

Result<std::uint64_t> SharedSync::ReceivedUpTo() {
  auto v = impl_->Meta("received");
  if (!v) return std::unexpected(v.error());
  return static_cast<std::uint64_t>(*v);
}

namespace {

// One op from the partner, opened ahead of the database work (OpenOne),
// possibly on a helper thread. The wire plaintext is kept still padded and
// sealed at rest as is (the at-rest and wire buckets are equal), never
// re-serialized; a new item's fresh key and body are sealed right away.
struct Opened {
  std::optional<Error> error;  // kProtocol etc.: the op is rejected
  proto::Op op;
  Bytes padded;       // plaintext, until sealed (wiped by ~OpenedGroup)
  Bytes sealed_key;   // create/note: the new item key, sealed at rest
  Bytes sealed_body;  // create/note: the op sealed under that key
};

// Owns the opened ops of one apply; wipes any plaintext left on every path.
struct OpenedGroup {
  std::vector<Opened> ops;
  ~OpenedGroup() {
    for (Opened& o : ops) crypto::Wipe(o.padded);
  }
};

// Opens, checks the shape of and (new items) seals one wire op. Reads only
// immutable state of `impl` (keys, public keys), so helper threads may run
// it side by side. `slot` is a 32-byte guarded scratch key of the caller.
void OpenOne(const SharedDb& impl, const crypto::Secret& op_key, ByteView wire,
             crypto::Secret& slot, Opened& out) {
  auto op = OpenWireOp(op_key, impl.partner_pk(), wire, &out.padded);
  if (!op) {
    out.error = OpenWireOp(op_key, impl.my_pk(), wire)
                    ? Reject("an op claiming to be mine").error()
                    : op.error();
    return;
  }
  if (auto s = ValidateShape(*op); !s) {
    out.error = s.error();
    crypto::Wipe(out.padded);
    return;
  }
  out.op = std::move(*op);
  if (out.op.has_create() || out.op.has_note()) {
    const std::uint64_t n =
        out.op.has_create() ? out.op.create().n() : out.op.note().n();
    WipeOnExit wipe(slot);
    crypto::RandomKey(slot);
    out.sealed_key = crypto::Seal(impl.shared_key(), slot.view(),
                                  AsBytes(AtRestAd("items", kPartner, n)));
    out.sealed_body = crypto::Seal(
        slot, out.padded, AsBytes(AtRestAd("ops", kPartner, out.op.seq())));
    crypto::Wipe(out.padded);
  }
}

// Opens every op of `wires` into `out`: on this thread alone for a few,
// split with one helper thread for a bulk receive (2,800 ops per group),
// where sealing is a third of the work and the database the rest.
void OpenAll(const SharedDb& impl, const crypto::Secret& op_key,
             std::span<const ByteView> wires, std::vector<Opened>& out) {
  constexpr std::size_t kParallelFrom = 256;
  out.resize(wires.size());
  auto run = [&](std::size_t from, std::size_t to) {
    crypto::Secret slot(crypto::kKeyBytes);
    for (std::size_t i = from; i < to; ++i)
      OpenOne(impl, op_key, wires[i], slot, out[i]);
  };
  if (wires.size() < kParallelFrom) {
    run(0, wires.size());
    return;
  }
  const std::size_t half = wires.size() / 2;
  std::thread helper;
  try {
    helper = std::thread(run, half, wires.size());
  } catch (const std::system_error&) {  // no thread: do it all here
    run(0, wires.size());
    return;
  }
  run(0, half);
  helper.join();
}

// Applies one opened, validated-shape op from the partner (author slot 1)
// inside the caller's transaction. kProtocol when it makes no sense here.
Status ApplyOne(SharedDb& impl, const Opened& opened, bool& withdrew) {
  const proto::Op& op = opened.op;
  const Bytes& padded = opened.padded;
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
    Bytes body =
        crypto::Seal(key, padded, AsBytes(AtRestAd("ops", kPartner, seq)));
    return impl.InsertOp(kPartner, seq, ref, sealing, &body);
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
      auto row = impl.InsertSealedItem(kPartner, n, opened.sealed_key);
      if (!row) return std::unexpected(row.error());
      if (!*row) return Reject("creates an item that already exists");
      return impl.InsertOp(kPartner, seq, (*row)->ref, kSealedItem,
                           &opened.sealed_body);
    }
    case proto::Op::kEdit:
    case proto::Op::kShare: {
      const std::uint64_t n = op.has_edit() ? op.edit().n() : op.share().n();
      auto row = impl.FindItem(kPartner, n);
      if (!row) return std::unexpected(row.error());
      if (!*row || !(*row)->has_key)
        return Reject("changes an unknown or withdrawn item");
      WipeOnExit wipe(impl.scratch_key());
      if (auto k = impl.ItemKeyInto(**row, impl.scratch_key()); !k) return k;
      return store_sealed(impl.scratch_key(), (*row)->ref, kSealedItem);
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
        auto del =
            impl.db().Prepare("DELETE FROM private_answers WHERE id = ?");
        if (auto s = del.Bind(1, impl.AnswerRowId(n)).Run(); !s) return s;
      }
      withdrew = true;
      return store_sealed(impl.shared_key(), ref, kSealedShared);
    }
    case proto::Op::kRespond: {
      auto give = my_released(op.respond().n());
      if (!give) return std::unexpected(give.error());
      if (auto s = my_kind_is(**give, ItemKind::kGive); !s) return s;
      return store_sealed(impl.shared_key(), (*give)->ref, kSealedShared);
    }
    case proto::Op::kConsent: {
      if (auto s = impl.RecordConsent(kPartner, op); !s) return s;
      return store_sealed(impl.shared_key(), std::nullopt, kSealedShared);
    }
    case proto::Op::kUnpair:
      return store_sealed(impl.shared_key(), std::nullopt, kSealedShared);
    case proto::Op::kErased:
      return impl.InsertOp(kPartner, seq, std::nullopt, kSealedErased, nullptr);
    case proto::Op::BODY_NOT_SET:
      break;
  }
  return Reject("empty op");
}

// The highest clock a partner's op may carry now: kMaxClockSkewMs ahead
// of this node's wall clock, in HLC units (ms << 16).
std::uint64_t ClockLimit() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return (static_cast<std::uint64_t>(ms) + kMaxClockSkewMs) << 16;
}

// Whether an opened, well-formed op may be applied: nullopt, or why not.
std::optional<Refusal> Admit(const proto::Op& op, std::size_t wire_bytes,
                             std::uint64_t clock_limit,
                             const PartnerQuota& used,
                             const PartnerQuotas& max) {
  using R = Refusal;
  if (op.hlc() > clock_limit) return R::kClockAhead;
  const bool new_item = op.has_create() || op.has_note();
  if (used.ops >= max.ops || used.bytes + wire_bytes > max.bytes ||
      (new_item && used.items >= max.items)) {
    return R::kQuota;
  }
  return std::nullopt;
}

}  // namespace

void PartnerQuota::Count(const proto::Op& op, std::size_t wire_bytes) {
  ++ops;
  if (!op.has_erased()) bytes += wire_bytes;
  if (op.has_create() || op.has_note()) ++items;
}

Result<PartnerQuota> SharedDb::LoadPartnerQuota() {
  PartnerQuota q;
  for (auto [key, field] :
       {std::pair{"partner_items", &q.items}, std::pair{"partner_ops", &q.ops},
        std::pair{"partner_bytes", &q.bytes}}) {
    auto v = Meta(key);
    if (!v) return std::unexpected(v.error());
    *field = static_cast<std::uint64_t>(*v);
  }
  return q;
}

Status SharedDb::SavePartnerQuota(const PartnerQuota& q) {
  for (auto [key, value] :
       {std::pair{"partner_items", q.items}, std::pair{"partner_ops", q.ops},
        std::pair{"partner_bytes", q.bytes}}) {
    if (auto s = SetMeta(key, static_cast<std::int64_t>(value)); !s) return s;
  }
  return {};
}

Result<Applied> ApplyFromPartner(SyncPort& port,
                                 std::span<const Bytes> sealed_ops) {
  const std::span<const Bytes> one[] = {sealed_ops};
  auto applied = ApplyBatchesFromPartner(port, one);
  if (!applied) return std::unexpected(applied.error());
  return applied->front();
}

Result<std::vector<Applied>> ApplyBatchesFromPartner(
    SyncPort& port, std::span<const std::span<const Bytes>> batches) {
  std::vector<std::vector<ByteView>> views(batches.size());
  std::vector<std::span<const ByteView>> spans;
  spans.reserve(batches.size());
  for (std::size_t i = 0; i < batches.size(); ++i) {
    views[i].assign(batches[i].begin(), batches[i].end());
    spans.emplace_back(views[i]);
  }
  return port.ApplyBatchesFromPartner(
      std::span<const std::span<const ByteView>>(spans));
}

Result<std::vector<Applied>> SharedSync::ApplyBatchesFromPartner(
    std::span<const std::span<const ByteView>> batches) {
  if (impl_->partner_pk().empty()) return Fail(Errc::kNotFound, "not paired");
  std::size_t total = 0;
  for (const auto& batch : batches) total += batch.size();
  if (total > 100000) return Reject("batch too large");
  auto key = impl_->OpKey();
  if (!key) return std::unexpected(key.error());
  const crypto::Secret& op_key = **key;
  auto& db = impl_->db();
  auto tx = Transaction::Begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto have_meta = impl_->Meta("received");
  if (!have_meta) return std::unexpected(have_meta.error());
  auto have = static_cast<std::uint64_t>(*have_meta);
  // 1. Sequence checks (cheap, in order): duplicates are skipped, a gap
  //    rejects everything; what is left is applied in order below.
  std::vector<Applied> results(batches.size());
  std::vector<ByteView> todo;
  std::vector<std::size_t> batch_of;  // of each op in todo
  for (std::size_t b = 0; b < batches.size(); ++b) {
    for (const ByteView wire : batches[b]) {
      auto seq = PeekWireSeq(wire);
      if (!seq) return Reject("an op of the wrong size");
      if (*seq <= have) {
        ++results[b].duplicates;
        continue;
      }
      if (*seq != have + 1) return Reject("a gap in the sequence");
      todo.push_back(wire);
      batch_of.push_back(b);
      have = *seq;
    }
    results[b].received_up_to = have;
  }
  // 2. Open, check and seal (no database), then 3. apply in order; a chunk
  //    at a time, so the opened ops held at once stay few. An op refused
  //    here is kept as an erased header, so the ones after it still apply.
  constexpr std::size_t kChunk = 4096;
  bool withdrew = false;
  std::uint64_t max_hlc = 0;
  auto quota = impl_->LoadPartnerQuota();
  if (!quota) return std::unexpected(quota.error());
  const std::uint64_t clock_limit = ClockLimit();
  for (std::size_t from = 0; from < todo.size(); from += kChunk) {
    const std::size_t to = std::min(todo.size(), from + kChunk);
    OpenedGroup opened;
    OpenAll(*impl_, op_key, {todo.begin() + from, todo.begin() + to},
            opened.ops);
    for (std::size_t i = from; i < to; ++i) {
      Opened& one = opened.ops[i - from];
      Applied& result = results[batch_of[i]];
      auto why = one.error ? std::optional(Refusal::kInvalid)
                           : Admit(one.op, todo[i].size(), clock_limit, *quota,
                                   impl_->quotas());
      if (!why) {
        if (auto s = ApplyOne(*impl_, one, withdrew); !s) {
          if (s.error().code != Errc::kProtocol)
            return Wrap(s.error(), "applying ops from partner");
          why = Refusal::kInvalid;
        }
      }
      crypto::Wipe(one.padded);
      if (why) {
        const std::uint64_t seq = *PeekWireSeq(todo[i]);
        if (auto s = impl_->InsertOp(kPartner, seq, std::nullopt, kSealedErased,
                                     nullptr);
            !s) {
          return std::unexpected(s.error());
        }
        ++quota->ops;
        result.refused.push_back(Refused{seq, *why});
        continue;
      }
      quota->Count(one.op, todo[i].size());
      if (one.op.has_unpair()) result.partner_unpaired = true;
      max_hlc = std::max(max_hlc, one.op.hlc());
      ++result.applied;
    }
  }
  if (auto s = impl_->SavePartnerQuota(*quota); !s)
    return std::unexpected(s.error());
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

}  // namespace inch::store
