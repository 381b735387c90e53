// SharedSync::Outbox: the release sequence and what leaves for the partner.
// My ops that the consent gate lets out get contiguous release numbers
// 1, 2, 3, ... durably, then the ones the partner lacks are re-sealed under
// the pair op key.
//
// Release bookkeeping (schema 2), invariants:
//   - each of my ops is either in `pending` (never released) or covered by
//     exactly one row of `releases`, a run: my ops with local seq in
//     [seq, seq + count) carry release numbers first .. first + count - 1;
//   - runs never overlap, cover no missing seq, and their release numbers
//     are 1 .. next_release - 1 without a gap;
//   - an op's gate class is in ops.gate (NULL for rows written by schema
//     1: opened once and filled in).
// Releasing a run of 100,000 ops is one row here plus a range delete in
// `pending`, instead of rewriting 100,000 op rows and an index.
#include <algorithm>
#include <map>
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

}  // namespace

Result<GateInputs> SharedDb::Gate() {
  GateInputs in;
  auto st = db().Prepare("SELECT author, kind, value, hlc, mac FROM consents");
  for (;;) {
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    if (!crypto::MacMatches(st.ColumnBlob(4),
                            ConsentMac(st.ColumnInt(0), st.ColumnInt(1),
                                       st.ColumnInt(3), st.ColumnInt(2)))) {
      return TamperedGate("a consent");
    }
    const bool mine = st.ColumnInt(0) == kMe;
    const bool lists = st.ColumnInt(1) == proto::LISTS;
    const bool on = st.ColumnInt(2) != 0;
    (lists ? (mine ? in.my_lists : in.partner_lists)
           : (mine ? in.my_notes : in.partner_notes)) = on;
  }
  return in;
}

namespace {

// Opens a row of my log (joined with its item) for sending. Columns:
// seq (the at-rest AD), sealing, body, item author, item n, item key, item.
struct MineColumns {
  int seq, sealing, body, author, n, key, item;
};
Result<proto::Op> OpenMine(SharedDb& impl, Statement& st, const MineColumns& c,
                           ItemKeyCache& keys) {
  const auto seq = static_cast<std::uint64_t>(st.ColumnInt(c.seq));
  const auto sealing = st.ColumnInt(c.sealing);
  if (sealing == kSealedErased) {
    proto::Op op;
    op.mutable_erased();
    return op;
  }
  const crypto::Secret* key = &impl.shared_key();
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

// My pending ops with their gate class, in local order, from the narrow
// `pending` table alone. Rows without a gate (schema 1, or pending again
// after an unpair of such a store) are opened once and the gate kept.
Result<std::vector<Pending>> LoadPending(SharedDb& impl, ItemKeyCache& keys) {
  auto& db = impl.db();
  struct Learnt {
    std::int64_t seq, gate;
    std::optional<std::int64_t> item;
  };
  std::vector<Learnt> learnt;
  {
    auto st = db.Prepare(
        "SELECT o.seq, o.sealing, o.body, i.author, i.n, i.key, o.item,"
        " p.item, p.mac FROM pending p CROSS JOIN ops o ON o.author = 0 AND"
        " o.seq = p.seq LEFT JOIN items i ON i.id = o.item"
        " WHERE p.gate IS NULL");
    for (;;) {
      auto row = st.Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      const std::optional<std::int64_t> item =
          st.ColumnIsNull(7) ? std::nullopt
                             : std::optional<std::int64_t>(st.ColumnInt(7));
      if (!crypto::MacMatches(
              st.ColumnBlob(8),
              impl.PendingMac(st.ColumnInt(0), std::nullopt, item))) {
        return TamperedGate("a change waiting to be sent");
      }
      auto op = OpenMine(impl, st, {0, 1, 2, 3, 4, 5, 6}, keys);
      if (!op) return std::unexpected(op.error());
      learnt.push_back({st.ColumnInt(0), OpGate(*op), item});
    }
  }
  for (const auto& l : learnt) {
    auto fill =
        db.Prepare("UPDATE pending SET gate = ?1, mac = ?3 WHERE seq = ?2");
    fill.Bind(1, l.gate).Bind(2, l.seq);
    fill.Bind(3, ByteView(impl.PendingMac(l.seq, l.gate, l.item)));
    if (auto r = fill.Run(); !r) return std::unexpected(r.error());
    auto ops =
        db.Prepare("UPDATE ops SET gate = ?1 WHERE author = 0 AND seq = ?2");
    if (auto r = ops.Bind(1, l.gate).Bind(2, l.seq).Run(); !r)
      return std::unexpected(r.error());
  }
  auto count = db.Prepare("SELECT count(*) FROM pending");
  if (auto row = count.Step(); !row) return std::unexpected(row.error());
  std::vector<Pending> pending;
  pending.reserve(static_cast<std::size_t>(count.ColumnInt(0)));
  auto st = db.Prepare("SELECT seq, gate, item, mac FROM pending ORDER BY seq");
  for (;;) {
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    Pending p;
    p.seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    const std::int64_t gate = st.ColumnInt(1);
    const std::optional<std::int64_t> item =
        st.ColumnIsNull(2) ? std::nullopt
                           : std::optional<std::int64_t>(st.ColumnInt(2));
    if (!crypto::MacMatches(
            st.ColumnBlob(3),
            impl.PendingMac(st.ColumnInt(0),
                            st.ColumnIsNull(1)
                                ? std::nullopt
                                : std::optional<std::int64_t>(gate),
                            item))) {
      return TamperedGate("a change waiting to be sent");
    }
    if (st.ColumnIsNull(1) || gate < 0 ||
        gate / 2 > static_cast<std::int64_t>(OpClass::kUnpair))
      return Fail(Errc::kCorrupt, "an op of an unknown class");
    p.cls = static_cast<OpClass>(gate / 2);
    p.is_share = gate % 2 == 1;
    if (!st.ColumnIsNull(2)) p.item = st.ColumnInt(2);
    pending.push_back(p);
  }
  return pending;
}

// Whether my item `ref` has been released (kItemReleasedSql), memoized for
// one release pass.
Result<bool> ItemReleased(Database& db, std::int64_t ref,
                          std::map<std::int64_t, bool>& memo) {
  if (auto it = memo.find(ref); it != memo.end()) return it->second;
  auto st = db.Prepare(std::string("SELECT ") + kItemReleasedSql +
                       " FROM items WHERE id = ?");
  auto row = st.Bind(1, ref).Step();
  if (!row) return std::unexpected(row.error());
  const bool released = *row && st.ColumnInt(0) != 0;
  memo.emplace(ref, released);
  return released;
}

// Records one run: my ops first_seq..last_seq (all pending, consecutive)
// get release numbers from `first` (their items now count as released:
// kItemReleasedSql).
Status ReleaseRun(SharedDb& impl, std::uint64_t first, std::uint64_t first_seq,
                  std::uint64_t last_seq) {
  Database& db = impl.db();
  const auto lo = static_cast<std::int64_t>(first_seq);
  const auto hi = static_cast<std::int64_t>(last_seq);
  auto run = db.Prepare(
      "INSERT INTO releases(first, seq, count, mac) VALUES (?, ?, ?, ?)");
  run.Bind(1, static_cast<std::int64_t>(first))
      .Bind(2, lo)
      .Bind(3, hi - lo + 1);
  run.Bind(4, ByteView(impl.ReleaseMac(static_cast<std::int64_t>(first), lo,
                                       hi - lo + 1)));
  if (auto r = run.Run(); !r) return r;
  auto del = db.Prepare("DELETE FROM pending WHERE seq BETWEEN ? AND ?");
  if (auto r = del.Bind(1, lo).Bind(2, hi).Run(); !r) return r;
  if (db.Changes() != hi - lo + 1)
    return Fail(Errc::kCorrupt, "the op log changed while releasing");
  return {};
}

}  // namespace

Result<std::uint64_t> SharedDb::Release() {
  auto tx = Transaction::Begin(db());
  if (!tx) return std::unexpected(tx.error());
  auto in = Gate();
  if (!in) return std::unexpected(in.error());
  auto changes = Meta("changes");
  if (!changes) return std::unexpected(changes.error());
  auto next = Meta("next_release");
  if (!next) return std::unexpected(next.error());
  const auto first_new = static_cast<std::uint64_t>(*next);
  // The last pass left only ops that were not eligible, and neither my
  // log, the releases nor a consent changed since (removals from my log
  // only hold more back): a scan of every pending op would find nothing.
  // What a pass releases cannot make a remaining op eligible: a list item
  // counts as shared through its pending share already, and a pending
  // withdrawal exists only for an item released before it.
  QuietRelease now{*changes,          *next,        in->my_lists,
                   in->partner_lists, in->my_notes, in->partner_notes};
  if (quiet_ && *quiet_ == now) return first_new - 1;
  if (auto s = CheckGateRecords(false); !s) return std::unexpected(s.error());
  ItemKeyCache keys(*this);
  auto pending = LoadPending(*this, keys);
  if (!pending) return std::unexpected(pending.error());
  // Only list items and withdrawals depend on their item's state; notes,
  // responses, consents and unpairs (most of a big log) need no lookup.
  std::set<std::int64_t> shared;  // items with a pending share
  for (const Pending& p : *pending)
    if (p.is_share && p.item) shared.insert(*p.item);
  std::map<std::int64_t, bool> released_memo;
  for (Pending& p : *pending) {
    const bool depends =
        p.cls == OpClass::kListItem || p.cls == OpClass::kWithdrawal;
    if (!depends || !p.item) continue;
    auto released = ItemReleased(db(), *p.item, released_memo);
    if (!released) return std::unexpected(released.error());
    p.item_released = *released;
    if (p.item_released) shared.insert(*p.item);
  }
  // Eligible ops with consecutive local seqs get consecutive release
  // numbers: each such run is one `releases` row.
  std::uint64_t release = first_new;
  std::uint64_t run_first = 0, run_last = 0, run_release = 0;
  for (const Pending& p : *pending) {
    const OpInfo info{p.cls, p.item && shared.contains(*p.item),
                      p.item_released};
    if (!MayRelease(info, *in)) continue;
    if (run_first == 0 || p.seq != run_last + 1) {
      if (run_first != 0) {
        if (auto r = ReleaseRun(*this, run_release, run_first, run_last); !r)
          return std::unexpected(r.error());
      }
      run_first = p.seq;
      run_release = release;
    }
    run_last = p.seq;
    ++release;
  }
  if (run_first != 0) {
    if (auto r = ReleaseRun(*this, run_release, run_first, run_last); !r)
      return std::unexpected(r.error());
  }
  if (release != first_new) {
    if (auto s = SetMeta("next_release", static_cast<std::int64_t>(release));
        !s) {
      return std::unexpected(s.error());
    }
  }
  // Nothing written when nothing was released (bar schema-1 gates filled
  // in): the commit then costs no fsync.
  quiet_.reset();
  if (auto s = tx->Commit(); !s) return std::unexpected(s.error());
  now.next_release = static_cast<std::int64_t>(release);
  quiet_ = now;
  return release - 1;
}

Result<Outgoing> SharedSync::Outbox(std::uint64_t partner_has,
                                    std::size_t max_ops,
                                    std::size_t max_bytes) {
  auto key = impl_->OpKey();
  if (!key) return std::unexpected(key.error());
  const crypto::Secret& op_key = **key;
  auto& db = impl_->db();
  // 0. A partner that holds more of my log than I remember releasing means
  //    this node lost part of its log (a home restored from a backup, a
  //    damaged -wal file). Checked before releasing anything new, so no
  //    release number is ever given twice to different ops.
  auto before = impl_->Meta("next_release");
  if (!before) return std::unexpected(before.error());
  if (partner_has >= static_cast<std::uint64_t>(*before)) {
    return Fail(Errc::kRollback,
                "your partner's laptop holds " + std::to_string(partner_has) +
                    " of this laptop's changes, but this laptop remembers "
                    "sending only " +
                    std::to_string(*before - 1) +
                    " (was the home folder restored from a backup?)");
  }
  // 1. Release: newly eligible ops, in local order, get the next numbers.
  auto released = impl_->Release();
  if (!released) return std::unexpected(released.error());
  const std::uint64_t released_up_to = *released;
  // 2. Collect what the partner lacks, in release order (run by run),
  // re-sealed under the pair key.
  Outgoing out;
  if (partner_has == released_up_to) return out;
  max_ops = std::max<std::size_t>(max_ops, 1);
  auto runs = db.Prepare(
      "SELECT first, seq, count, mac FROM releases WHERE first >= (SELECT"
      " max(first) FROM releases WHERE first <= ?) ORDER BY first");
  runs.Bind(1, static_cast<std::int64_t>(partner_has + 1));
  ItemKeyCache keys(*impl_);
  std::size_t bytes = 0;
  bool full = false;
  std::uint64_t expect = partner_has + 1;  // the next release number
  while (!full && out.sealed_ops.size() < max_ops) {
    auto row = runs.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const auto first = static_cast<std::uint64_t>(runs.ColumnInt(0));
    const auto seq = static_cast<std::uint64_t>(runs.ColumnInt(1));
    const auto count = static_cast<std::uint64_t>(runs.ColumnInt(2));
    if (!crypto::MacMatches(
            runs.ColumnBlob(3),
            impl_->ReleaseMac(runs.ColumnInt(0), runs.ColumnInt(1),
                              runs.ColumnInt(2)))) {
      return TamperedGate("the record of what was sent");
    }
    if (first > expect || first + count <= expect)
      return Fail(Errc::kCorrupt, "the release runs have a gap");
    const std::uint64_t lo = seq + (expect - first), hi = seq + count - 1;
    auto st = db.Prepare(
        "SELECT o.seq, o.sealing, o.body, i.author, i.n, i.key, o.item"
        " FROM ops o LEFT JOIN items i ON i.id = o.item"
        " WHERE o.author = 0 AND o.seq BETWEEN ? AND ? ORDER BY o.seq LIMIT ?");
    st.Bind(1, static_cast<std::int64_t>(lo))
        .Bind(2, static_cast<std::int64_t>(hi))
        .Bind(3, static_cast<std::int64_t>(max_ops - out.sealed_ops.size()));
    for (;;) {
      auto op_row = st.Step();
      if (!op_row) return std::unexpected(op_row.error());
      if (!*op_row) break;
      const auto at = static_cast<std::uint64_t>(st.ColumnInt(0));
      const std::uint64_t release = first + (at - seq);
      if (release != expect)
        return Fail(Errc::kCorrupt, "a released op is missing");
      auto op = OpenMine(*impl_, st, {0, 1, 2, 3, 4, 5, 6}, keys);
      if (!op) return std::unexpected(op.error());
      op->set_seq(release);
      // An erased op has no body and so no clock of its own; it changes no
      // state, so the smallest valid clock does (no time is kept for it).
      if (op->has_erased()) op->set_hlc(1);
      Bytes wire = SealWireOp(op_key, impl_->my_pk(), *op);
      if (!out.sealed_ops.empty() && bytes + wire.size() > max_bytes) {
        full = true;
        break;
      }
      bytes += wire.size();
      if (out.sealed_ops.empty()) out.first_seq = release;
      out.last_seq = release;
      out.sealed_ops.push_back(std::move(wire));
      ++expect;
    }
    if (!full && out.sealed_ops.size() < max_ops && expect != first + count)
      return Fail(Errc::kCorrupt, "a released op is missing");
  }
  out.more = out.last_seq < released_up_to;
  return out;
}

}  // namespace inch::store
