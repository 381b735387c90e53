// Rollback recovery (issue 8, point 2; docs/PROTOCOL.md §8.11). When this
// node lost the tail of its own log (a home restored from a backup, a
// damaged -wal file), the partner still holds a copy of every op this node
// released. The partner returns them (ReturnPartnerOps), and this node
// takes them back (RecoverMine): each becomes one of my released ops again
// under its old release number, and my counters move past them, so no
// release number is ever given to two different ops.
//
// RecoverMine, per returned op (release number = my next_release):
//   - the same op still pending here (a change made before the backup that
//     left only after it: same clock, same kind) -> that pending copy goes,
//     the returned one takes its place as released;
//   - a create or note whose item number a change made *after* the restore
//     took -> the later local item moves to a fresh number first;
//   - otherwise it is imported as it came (an erased header when its content
//     is gone, or when it does not open: it is my own op, so nothing is
//     refused, only lost).
// Invariants kept: each of my ops is pending or in exactly one release run;
// release numbers stay 1 .. next_release - 1 without a gap; item numbers
// are unique per author.
#include <map>

#include "crypto/aead.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

std::uint64_t ItemNumber(const proto::Op& op) {
  auto item = ItemOf(op);
  return item && !item->first ? item->second : 0;
}

void SetItemNumber(proto::Op& op, std::uint64_t n) {
  if (op.has_create()) op.mutable_create()->set_n(n);
  if (op.has_edit()) op.mutable_edit()->set_n(n);
  if (op.has_share()) op.mutable_share()->set_n(n);
  if (op.has_withdraw()) op.mutable_withdraw()->set_n(n);
  if (op.has_note()) op.mutable_note()->set_n(n);
}

struct PendingOp {
  std::uint64_t seq;
  proto::Op::BodyCase kind;
};

}  // namespace

Result<std::uint64_t> SharedSync::ReleasedUpTo() {
  auto next = impl_->Meta("next_release");
  if (!next) return std::unexpected(next.error());
  return static_cast<std::uint64_t>(*next - 1);
}

Result<Outgoing> SharedSync::ReturnPartnerOps(std::uint64_t from,
                                              std::size_t max_ops,
                                              std::size_t max_bytes) {
  auto key = impl_->OpKey();
  if (!key) return std::unexpected(key.error());
  auto& db = impl_->db();
  auto st = db.Prepare(
      "SELECT o.seq, o.sealing, o.body, i.key, i.author, i.n FROM ops o"
      " LEFT JOIN items i ON i.id = o.item WHERE o.author = 1 AND o.seq >= ?"
      " ORDER BY o.seq LIMIT ?");
  st.Bind(1, static_cast<std::int64_t>(from));
  st.Bind(2, static_cast<std::int64_t>(std::max<std::size_t>(max_ops, 1) + 1));
  Outgoing out;
  std::size_t bytes = 0;
  crypto::Secret item_key(crypto::kKeyBytes);
  for (;;) {
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const auto seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    if (seq != from + out.sealed_ops.size())
      return Fail(Errc::kCorrupt, "the partner's log has a gap here");
    if (out.sealed_ops.size() >= std::max<std::size_t>(max_ops, 1)) {
      out.more = true;
      break;
    }
    proto::Op op;
    const auto sealing = st.ColumnInt(1);
    if (sealing == kSealedErased) {
      op.mutable_erased();
    } else {
      const crypto::Secret* k = &impl_->shared_key();
      if (sealing == kSealedItem) {
        if (st.ColumnIsNull(3))
          return Fail(Errc::kCorrupt, "content op without a key");
        if (auto s = impl_->OpenItemKeyInto(
                static_cast<int>(st.ColumnInt(4)),
                static_cast<std::uint64_t>(st.ColumnInt(5)), st.ColumnBlob(3),
                item_key);
            !s) {
          return std::unexpected(s.error());
        }
        k = &item_key;
      }
      auto opened = impl_->OpenAtRest(*k, st.ColumnBlob(2), kPartner, seq);
      if (!opened) return std::unexpected(opened.error());
      op = std::move(*opened);
    }
    op.set_seq(seq);
    if (op.has_erased()) op.set_hlc(1);
    Bytes wire = SealWireOp(**key, impl_->partner_pk(), op);
    if (!out.sealed_ops.empty() && bytes + wire.size() > max_bytes) {
      out.more = true;
      break;
    }
    bytes += wire.size();
    if (out.sealed_ops.empty()) out.first_seq = seq;
    out.last_seq = seq;
    out.sealed_ops.push_back(std::move(wire));
  }
  return out;
}

// Moves my item `n` (all of its ops still pending: it was made after the
// restore) to number `to`: its row, its key's binding, its ops' bodies, and
// rungs of mine that stand below it.
Status SharedDb::MoveMyItem(std::uint64_t n, std::uint64_t to) {
  auto row = FindItem(kMe, n);
  if (!row) return std::unexpected(row.error());
  if (!*row) return {};
  crypto::Secret key(crypto::kKeyBytes);
  const bool has_key = (*row)->has_key;
  if (has_key) {
    if (auto s = ItemKeyInto(**row, key); !s) return s;
  }
  auto upd = db().Prepare("UPDATE items SET n = ?, key = ? WHERE id = ?");
  upd.Bind(1, static_cast<std::int64_t>(to));
  if (has_key) {
    upd.Bind(2, crypto::Seal(shared_key_, key.view(),
                             AsBytes(AtRestAd("items", kMe, to))));
  } else {
    upd.BindNull(2);
  }
  upd.Bind(3, (*row)->ref);
  if (auto s = upd.Run(); !s) return s;
  // Its ops, and my pending creates that name it as the rung above.
  auto st = db().Prepare(
      "SELECT o.seq, o.sealing, o.body, o.item FROM ops o JOIN pending p ON"
      " p.seq = o.seq WHERE o.author = 0 AND o.sealing != 2");
  std::vector<std::pair<std::uint64_t, Bytes>> rewrites;
  ItemKeyCache keys(*this);
  for (;;) {
    auto more = st.Step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    const auto seq = static_cast<std::uint64_t>(st.ColumnInt(0));
    const bool own = !st.ColumnIsNull(3) && st.ColumnInt(3) == (*row)->ref;
    const crypto::Secret* k = &shared_key_;
    crypto::Secret other(crypto::kKeyBytes);
    if (st.ColumnInt(1) == kSealedItem) {
      if (own) {
        k = &key;
      } else {
        auto item = FindItemByRef(st.ColumnInt(3));
        if (!item) return std::unexpected(item.error());
        if (!*item) continue;
        if (auto s = ItemKeyInto(**item, other); !s) return s;
        k = &other;
      }
    }
    auto op = OpenAtRest(*k, st.ColumnBlob(2), kMe, seq);
    if (!op) return std::unexpected(op.error());
    bool changed = false;
    if (own && ItemNumber(*op) == n) {
      SetItemNumber(*op, to);
      changed = true;
    }
    if (op->has_create() && op->create().has_smaller_than() &&
        !op->create().smaller_than().other() &&
        op->create().smaller_than().n() == n) {
      op->mutable_create()->mutable_smaller_than()->set_n(to);
      changed = true;
    }
    if (changed) rewrites.emplace_back(seq, SealAtRest(*k, *op, kMe, seq));
  }
  for (const auto& [seq, body] : rewrites) {
    auto w =
        db().Prepare("UPDATE ops SET body = ? WHERE author = 0 AND seq = ?");
    if (auto s = w.Bind(1, body).Bind(2, static_cast<std::int64_t>(seq)).Run();
        !s) {
      return s;
    }
  }
  return {};
}

Result<std::size_t> SharedSync::RecoverMine(
    std::span<const ByteView> sealed_ops) {
  auto key = impl_->OpKey();
  if (!key) return std::unexpected(key.error());
  auto& impl = *impl_;
  auto& db = impl.db();
  auto tx = Transaction::Begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto next = impl.Meta("next_release");
  if (!next) return std::unexpected(next.error());
  const auto first_release = static_cast<std::uint64_t>(*next);
  // My pending ops by clock: a returned op with the same clock and kind is
  // the same op (clocks of one node never repeat).
  std::map<std::uint64_t, PendingOp> pending_by_hlc;
  std::map<std::uint64_t, std::uint64_t> pending_create_hlc;  // n -> hlc
  {
    auto st = db.Prepare(
        "SELECT o.seq, o.sealing, o.body, o.item FROM ops o JOIN pending p ON"
        " p.seq = o.seq WHERE o.author = 0 AND o.sealing != 2");
    crypto::Secret item_key(crypto::kKeyBytes);
    for (;;) {
      auto more = st.Step();
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
      const auto seq = static_cast<std::uint64_t>(st.ColumnInt(0));
      const crypto::Secret* k = &impl.shared_key();
      if (st.ColumnInt(1) == kSealedItem) {
        auto item = impl.FindItemByRef(st.ColumnInt(3));
        if (!item) return std::unexpected(item.error());
        if (!*item) continue;
        if (auto s = impl.ItemKeyInto(**item, item_key); !s)
          return std::unexpected(s.error());
        k = &item_key;
      }
      auto op = impl.OpenAtRest(*k, st.ColumnBlob(2), kMe, seq);
      if (!op) return std::unexpected(op.error());
      pending_by_hlc[op->hlc()] = PendingOp{seq, op->body_case()};
      if (op->has_create() || op->has_note())
        pending_create_hlc[ItemNumber(*op)] = op->hlc();
    }
  }
  auto seq_meta = impl.Meta("next_seq");
  if (!seq_meta) return std::unexpected(seq_meta.error());
  auto local_seq = static_cast<std::uint64_t>(*seq_meta);
  const std::uint64_t first_local = local_seq;
  std::uint64_t max_hlc = 0;
  std::size_t taken = 0;
  for (const ByteView wire : sealed_ops) {
    const std::uint64_t release = first_release + taken;
    auto seq = PeekWireSeq(wire);
    if (!seq || *seq != release)
      return Fail(Errc::kProtocol, "returned ops out of order");
    auto op = OpenWireOp(**key, impl.my_pk(), wire);
    if (!op || !ValidateShape(*op)) {
      op = proto::Op();
      op->mutable_erased();
    }
    const std::uint64_t n = ItemNumber(*op);
    // The same op, still pending here: it leaves the pending list.
    if (auto it = pending_by_hlc.find(op->hlc());
        !op->has_erased() && it != pending_by_hlc.end() &&
        it->second.kind == op->body_case()) {
      for (const char* sql : {"DELETE FROM pending WHERE seq = ?",
                              "DELETE FROM ops WHERE author = 0 AND seq = ?"}) {
        auto del = db.Prepare(sql);
        if (auto s =
                del.Bind(1, static_cast<std::int64_t>(it->second.seq)).Run();
            !s) {
          return std::unexpected(s.error());
        }
      }
      pending_by_hlc.erase(it);
    } else if (op->has_create() || op->has_note()) {
      // A later local item holds this number: it moves out of the way.
      auto taken_by = pending_create_hlc.find(n);
      if (taken_by != pending_create_hlc.end() &&
          taken_by->second != op->hlc()) {
        auto to = impl.Meta("next_item");
        if (!to) return std::unexpected(to.error());
        const auto fresh =
            std::max<std::uint64_t>(static_cast<std::uint64_t>(*to), n + 1);
        if (auto s = impl.MoveMyItem(n, fresh); !s)
          return std::unexpected(s.error());
        if (auto s =
                impl.SetMeta("next_item", static_cast<std::int64_t>(fresh + 1));
            !s) {
          return std::unexpected(s.error());
        }
        pending_create_hlc.emplace(fresh, taken_by->second);
        pending_create_hlc.erase(taken_by);
      }
    }
    // The item row the op is about (mine, or the partner's give it marks).
    std::optional<ItemRow> row;
    if (n != 0) {
      auto found = impl.FindItem(kMe, n);
      if (!found) return std::unexpected(found.error());
      row = *found;
      if (!row && (op->has_create() || op->has_note() || op->has_withdraw())) {
        auto made = impl.InsertItem(kMe, n, op->has_withdraw());
        if (!made) return std::unexpected(made.error());
        row = *made;
      }
    } else if (op->has_respond()) {
      auto found = impl.FindItem(kPartner, op->respond().n());
      if (!found) return std::unexpected(found.error());
      row = *found;
    }
    Sealing sealing = kSealedShared;
    Bytes body;
    const bool content =
        op->has_create() || op->has_edit() || op->has_share() || op->has_note();
    if (op->has_erased() || (content && (!row || !row->has_key))) {
      sealing = kSealedErased;
    } else if (content) {
      WipeOnExit wipe(impl.scratch_key());
      if (auto s = impl.ItemKeyInto(*row, impl.scratch_key()); !s)
        return std::unexpected(s.error());
      body = impl.SealAtRest(impl.scratch_key(), *op, kMe, local_seq);
      sealing = kSealedItem;
    } else {
      body = impl.SealAtRest(impl.shared_key(), *op, kMe, local_seq);
    }
    auto ins = db.Prepare(
        "INSERT INTO ops(author, seq, item, sealing, body, gate)"
        " VALUES (0, ?, ?, ?, ?, ?)");
    ins.Bind(1, static_cast<std::int64_t>(local_seq));
    row ? ins.Bind(2, row->ref) : ins.BindNull(2);
    ins.Bind(3, static_cast<std::int64_t>(sealing));
    sealing == kSealedErased ? ins.BindNull(4) : ins.Bind(4, body);
    ins.Bind(5, OpGate(*op));
    if (auto s = ins.Run(); !s) return std::unexpected(s.error());
    if (op->has_consent()) {
      if (auto s = impl.RecordConsent(kMe, *op); !s)
        return std::unexpected(s.error());
    }
    if (op->has_withdraw() && row && row->has_key) {
      if (auto s = impl.EraseItemContent(row->ref); !s)
        return std::unexpected(s.error());
    }
    if (n != 0 && (op->has_create() || op->has_note())) {
      auto next_item = impl.Meta("next_item");
      if (!next_item) return std::unexpected(next_item.error());
      if (static_cast<std::uint64_t>(*next_item) <= n) {
        if (auto s =
                impl.SetMeta("next_item", static_cast<std::int64_t>(n + 1));
            !s) {
          return std::unexpected(s.error());
        }
      }
    }
    if (!op->has_erased()) max_hlc = std::max(max_hlc, op->hlc());
    ++local_seq;
    ++taken;
  }
  if (taken == 0) return std::size_t{0};
  auto run = db.Prepare(
      "INSERT INTO releases(first, seq, count, mac) VALUES (?, ?, ?, ?)");
  const auto count = static_cast<std::int64_t>(taken);
  run.Bind(1, static_cast<std::int64_t>(first_release))
      .Bind(2, static_cast<std::int64_t>(first_local))
      .Bind(3, count);
  run.Bind(4, ByteView(impl.ReleaseMac(static_cast<std::int64_t>(first_release),
                                       static_cast<std::int64_t>(first_local),
                                       count)));
  if (auto s = run.Run(); !s) return std::unexpected(s.error());
  for (auto [k, v] : {std::pair{"next_seq", local_seq},
                      std::pair{"next_release", first_release + taken}}) {
    if (auto s = impl.SetMeta(k, static_cast<std::int64_t>(v)); !s)
      return std::unexpected(s.error());
  }
  if (auto s = impl.ObserveHlc(max_hlc); !s) return std::unexpected(s.error());
  auto changes = impl.Meta("changes");
  if (!changes) return std::unexpected(changes.error());
  if (auto s = impl.SetMeta("changes", *changes + 1); !s)
    return std::unexpected(s.error());
  impl.ForgetQuietRelease();
  if (auto s = tx->Commit(); !s) return std::unexpected(s.error());
  return taken;
}

}  // namespace inch::store
