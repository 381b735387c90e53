// Consent belongs to one pairing (design.md §3): when a pairing ends, and
// again when a new one begins, my log is rewritten so that nothing I did
// for one partner can flow to another.
//
// What a fresh start leaves, invariants (checked by StartAfresh's tests in
// tests/store/shared_fresh_start_test.cpp):
//   - every consent of mine is off, and no consent op of mine is in the log;
//   - each of my live wishes and gives is one CreateItem op, a draft (no
//     ShareItem), with its current text, importance and size, in the order
//     they were created; a reference to a partner's item is cleared (a give
//     "for" an old partner's wish becomes my own idea; a rung below a
//     partner's item becomes a plain give); a rung below my own live item
//     stays;
//   - my notes, responses, withdrawals and unpair ops are gone, and with
//     them the items rows of my notes and withdrawn items;
//   - nothing of mine counts as released: every op is pending, release
//     numbers start again at 1.
// The partner's ops, items and private answers are erased by ErasePartner
// before it starts afresh; SetPartner starts afresh before pinning.
#include <sodium.h>

#include <algorithm>
#include <set>

#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

// Rewrites `c` (a create of mine) for a new pairing: references to the
// other partner's items go; a rung below one of my items stays only if that
// item is still one of my live wishes or gives.
void ClearForeignReferences(proto::CreateItem& c,
                            const std::set<std::uint64_t>& my_live) {
  if (c.has_for_item()) c.clear_for_item();  // always the partner's wish
  if (c.has_smaller_than() &&
      (c.smaller_than().other() || !my_live.contains(c.smaller_than().n()))) {
    c.clear_smaller_than();
  }
}

}  // namespace

Status SharedDb::StartAfresh() {
  // 1. What my items are now, from my log alone.
  auto all = LoadOps(false);
  if (!all) return std::unexpected(all.error());
  std::erase_if(*all, [](const OpWithAuthor& o) { return o.author != kMe; });
  const State mine = Fold(*all, MeLow());
  for (auto& o : *all) {
    std::string* text = o.op.has_create()
                            ? o.op.mutable_create()->mutable_text()
                        : o.op.has_note() ? o.op.mutable_note()->mutable_text()
                        : o.op.has_edit() ? o.op.mutable_edit()->mutable_text()
                                          : nullptr;
    if (text != nullptr) sodium_memzero(text->data(), text->size());
  }
  all->clear();
  std::vector<const ItemState*> keep;
  std::set<std::uint64_t> live;
  for (const auto& [id, item] : mine.items) {
    if (id.author != kMe || item.kind == ItemKind::kNote) continue;
    keep.push_back(&item);
    live.insert(id.n);
  }
  std::sort(keep.begin(), keep.end(), [](const auto* a, const auto* b) {
    return std::pair(a->created_hlc, a->id.n) <
           std::pair(b->created_hlc, b->id.n);
  });
  // 2. Drop my whole log and every item row of mine that is not kept.
  if (auto s =
          db().Exec("DELETE FROM ops WHERE author = 0;"
                    "DELETE FROM pending;"
                    "DELETE FROM releases;"
                    "DELETE FROM consents WHERE author = 0;"
                    "DELETE FROM meta WHERE key LIKE 'cursor/%';"
                    "UPDATE meta SET value = 1 WHERE key = 'next_release';");
      !s) {
    return s;
  }
  {
    auto items = db().Prepare("SELECT n FROM items WHERE author = 0");
    std::vector<std::int64_t> gone;
    for (;;) {
      auto row = items.Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      const auto n = items.ColumnInt(0);
      if (!live.contains(static_cast<std::uint64_t>(n))) gone.push_back(n);
    }
    for (const auto n : gone) {
      auto del = db().Prepare("DELETE FROM items WHERE author = 0 AND n = ?");
      if (auto s = del.Bind(1, n).Run(); !s) return s;
    }
  }
  // 3. One draft create per kept item, under the item's own key.
  for (const ItemState* item : keep) {
    auto row = FindItem(kMe, item->id.n);
    if (!row) return std::unexpected(row.error());
    if (!*row) return Fail(Errc::kCorrupt, "an item of mine lost its row");
    proto::Op op;
    auto* c = op.mutable_create();
    c->set_n(item->id.n);
    c->set_text(item->text);
    if (item->kind == ItemKind::kWish) {
      c->set_type(proto::WISH);
      c->set_importance(static_cast<std::uint32_t>(item->importance));
    } else {
      c->set_type(proto::GIVE);
      c->set_size(static_cast<proto::GiveSize>(item->size));
      if (item->for_item) c->mutable_for_item()->set_other(true);
      if (item->smaller_than) {
        c->mutable_smaller_than()->set_other(item->smaller_than->author != kMe);
        c->mutable_smaller_than()->set_n(item->smaller_than->n);
      }
    }
    ClearForeignReferences(*c, live);
    const Status appended = AppendLocal(std::move(op), **row, false);
    if (!appended) return appended;
  }
  // A daemon's quiet-release memo, here or in another process, must see
  // that the log changed even when nothing was kept.
  auto changes = Meta("changes");
  if (!changes) return std::unexpected(changes.error());
  if (auto s = SetMeta("changes", *changes + 1); !s) return s;
  // A pairing begins or ends here: a watcher re-reads the keys.
  auto pairings = Meta("pairings");
  if (!pairings) return std::unexpected(pairings.error());
  if (auto s = SetMeta("pairings", *pairings + 1); !s) return s;
  quiet_.reset();
  return {};
}

Status Pairing::ErasePartner() { return impl_->Unpair(false); }

Status SharedDb::Unpair(bool owe_notice) {
  auto erase = [&]() -> Status {
    auto tx = Transaction::Begin(*db_);
    if (!tx) return std::unexpected(tx.error());
    if (owe_notice) {
      if (auto s = OweNoticeToPartner(); !s) return s;
    }
    if (auto s = db_->Exec(
            "DELETE FROM ops WHERE author = 1;"
            "DELETE FROM ops WHERE item IN (SELECT id FROM items WHERE "
            "author = 1);"
            "DELETE FROM items WHERE author = 1;"
            "DELETE FROM consents WHERE author = 1;"
            "DELETE FROM private_answers;"
            "DELETE FROM partner;"
            "UPDATE meta SET value = 0 WHERE key IN ('received', 'last_sync',"
            "  'partner_items', 'partner_ops', 'partner_bytes');");
        !s) {
      return s;
    }
    // The pin is gone: the fold below ranks me as the only author.
    ForgetPartnerPin();
    if (auto s = StartAfresh(); !s) return s;
    return tx->Commit();
  };
  const Status erased = erase();
  ForgetQuietRelease();
  // The pin in memory follows the file, whether the erase committed or
  // rolled back.
  if (auto s = LoadPartnerCache(); !s) return s;
  if (!erased) return erased;
  return db_->CheckpointTruncate();
}

}  // namespace inch::store
