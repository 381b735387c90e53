// LocalEdits, the local changes: every change a user makes becomes one op in my
// log, in its own transaction, after validation against the current state.
// Nothing here decides what leaves the node: that is the Outbox's gate.
#include <chrono>

#include "common/check.hpp"
#include "crypto/aead.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {

std::unexpected<Error> NoItem() {
  return Fail(Errc::kNotFound, "no such item");
}

Status ValidImportance(int importance) {
  if (importance < 1 || importance > 5) {
    return Fail(Errc::kInvalidInput, "importance must be 1 to 5");
  }
  return {};
}

Status ValidSize(GiveSize size) {
  const int v = static_cast<int>(size);
  if (v < 1 || v > 3)
    return Fail(Errc::kInvalidInput, "size must be small, medium or large");
  return {};
}

}  // namespace

Status SharedDb::AppendLocal(proto::Op op, const std::optional<ItemRow>& item,
                             bool shared_seal) {
  auto hlc = NextHlc();
  if (!hlc) return std::unexpected(hlc.error());
  auto seq = Meta("next_seq");
  if (!seq) return std::unexpected(seq.error());
  if (auto s = SetMeta("next_seq", *seq + 1); !s) return s;
  op.set_seq(static_cast<std::uint64_t>(*seq));
  op.set_hlc(*hlc);
  Bytes body;
  Sealing sealing = kSealedShared;
  if (item && !shared_seal) {
    WipeOnExit wipe(scratch_key_);
    if (auto k = ItemKeyInto(*item, scratch_key_); !k) return k;
    body = SealAtRest(scratch_key_, op, kMe, op.seq());
    sealing = kSealedItem;
  } else {
    body = SealAtRest(shared_key_, op, kMe, op.seq());
  }
  std::optional<std::int64_t> ref;
  if (item) ref = item->ref;
  if (auto s = InsertOp(kMe, op.seq(), ref, sealing, &body, OpGate(op)); !s) {
    return s;
  }
  if (op.has_consent()) {
    if (auto s = RecordConsent(kMe, op); !s) return s;
  }
  auto changes = Meta("changes");
  if (!changes) return std::unexpected(changes.error());
  return SetMeta("changes", *changes + 1);
}

Status SharedDb::EraseItemContent(std::int64_t ref) {
  // My ops that never left are simply deleted; every other op keeps its
  // header (its seq must stay, so the partner sees no gap) but no body.
  std::vector<std::int64_t> unsent;
  {
    auto del = db().Prepare(
        "DELETE FROM pending WHERE seq IN (SELECT seq FROM ops WHERE author"
        " = 0 AND item = ?) RETURNING seq");
    del.Bind(1, ref);
    for (;;) {
      auto row = del.Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      unsent.push_back(del.ColumnInt(0));
    }
  }
  for (std::int64_t seq : unsent) {
    auto del = db().Prepare("DELETE FROM ops WHERE author = 0 AND seq = ?");
    if (auto s = del.Bind(1, seq).Run(); !s) return s;
  }
  auto blank =
      db().Prepare("UPDATE ops SET body = NULL, sealing = 2 WHERE item = ?");
  if (auto s = blank.Bind(1, ref).Run(); !s) return s;
  return db()
      .Prepare("UPDATE items SET key = NULL WHERE id = ?")
      .Bind(1, ref)
      .Run();
}

namespace {
// Runs `body` (which appends ops) in one transaction.
template <class F>
Status InTransaction(Database& db, F&& body) {
  auto tx = Transaction::Begin(db);
  if (!tx) return std::unexpected(tx.error());
  if (auto s = body(); !s) return s;
  return tx->Commit();
}

// Inside an open transaction: takes my next item number, adds the item's
// row and appends the op that `fill` writes for that number. Wishes, gives
// and notes are all born this way.
template <class Fill>
Result<ItemId> AppendNewItem(SharedDb& impl, Fill&& fill) {
  auto n = impl.Meta("next_item");
  if (!n) return std::unexpected(n.error());
  ItemId id{kMe, static_cast<std::uint64_t>(*n)};
  if (auto m = impl.SetMeta("next_item", *n + 1); !m) {
    return std::unexpected(m.error());
  }
  auto row = impl.InsertItem(kMe, id.n, false);
  if (!row) return std::unexpected(row.error());
  proto::Op op;
  fill(op, id.n);
  if (auto a = impl.AppendLocal(std::move(op), *row, false); !a) {
    return std::unexpected(a.error());
  }
  return id;
}
}  // namespace

Result<ItemId> LocalEdits::AddWish(std::string_view text, int importance) {
  if (auto s = ValidateText(text); !s) return std::unexpected(s.error());
  if (auto s = ValidImportance(importance); !s)
    return std::unexpected(s.error());
  Result<ItemId> id = Fail(Errc::kIo, "not written");
  auto s = InTransaction(impl_->db(), [&]() -> Status {
    id = AppendNewItem(*impl_, [&](proto::Op& op, std::uint64_t n) {
      auto* c = op.mutable_create();
      c->set_n(n);
      c->set_type(proto::WISH);
      c->set_text(std::string(text));
      c->set_importance(static_cast<std::uint32_t>(importance));
    });
    if (!id) return std::unexpected(id.error());
    return {};
  });
  if (!s) return std::unexpected(s.error());
  return id;
}

Result<ItemId> LocalEdits::AddGive(std::string_view text, GiveSize size,
                                   std::optional<ItemId> for_wish,
                                   std::optional<ItemId> smaller_than) {
  if (auto s = ValidateText(text); !s) return std::unexpected(s.error());
  if (auto s = ValidSize(size); !s) return std::unexpected(s.error());
  if (for_wish) {
    if (for_wish->author != kPartner) {
      return Fail(Errc::kInvalidInput,
                  "--for must be one of your partner's wishes");
    }
    auto wish = impl_->ItemNow(kPartner, for_wish->n);
    if (!wish) return std::unexpected(wish.error());
    if (!*wish) return NoItem();
    if ((*wish)->kind != ItemKind::kWish) {
      return Fail(Errc::kInvalidInput,
                  "--for must be one of your partner's wishes");
    }
  }
  if (smaller_than) {
    auto rung = impl_->ItemNow(smaller_than->author, smaller_than->n);
    if (!rung) return std::unexpected(rung.error());
    if (!*rung) return NoItem();
    if ((*rung)->kind == ItemKind::kNote) {
      return Fail(Errc::kInvalidInput,
                  "--smaller-than must be a wish or a give");
    }
  }
  Result<ItemId> id = Fail(Errc::kIo, "not written");
  auto s = InTransaction(impl_->db(), [&]() -> Status {
    id = AppendNewItem(*impl_, [&](proto::Op& op, std::uint64_t n) {
      auto* c = op.mutable_create();
      c->set_n(n);
      c->set_type(proto::GIVE);
      c->set_text(std::string(text));
      c->set_size(static_cast<proto::GiveSize>(size));
      if (for_wish) {
        c->mutable_for_item()->set_other(true);
        c->mutable_for_item()->set_n(for_wish->n);
      }
      if (smaller_than) {
        c->mutable_smaller_than()->set_other(smaller_than->author == kPartner);
        c->mutable_smaller_than()->set_n(smaller_than->n);
      }
    });
    if (!id) return std::unexpected(id.error());
    return {};
  });
  if (!s) return std::unexpected(s.error());
  return id;
}

Status LocalEdits::Edit(ItemId id, std::optional<std::string_view> text,
                        std::optional<int> importance,
                        std::optional<GiveSize> size) {
  if (id.author != kMe)
    return Fail(Errc::kInvalidInput, "you can only edit your own items");
  if (text) {
    if (auto s = ValidateText(*text); !s) return s;
  }
  if (importance) {
    if (auto s = ValidImportance(*importance); !s) return s;
  }
  if (size) {
    if (auto s = ValidSize(*size); !s) return s;
  }
  auto item = impl_->ItemNow(kMe, id.n);
  if (!item) return std::unexpected(item.error());
  if (!*item || (*item)->kind == ItemKind::kNote) return NoItem();
  if ((importance && (*item)->kind != ItemKind::kWish) ||
      (size && (*item)->kind != ItemKind::kGive)) {
    return Fail(Errc::kInvalidInput,
                "importance is for wishes, size for gives");
  }
  auto row = impl_->FindItem(kMe, id.n);
  if (!row) return std::unexpected(row.error());
  proto::Op op;
  auto* e = op.mutable_edit();
  e->set_n(id.n);
  if (text) e->set_text(std::string(*text));
  if (importance) e->set_importance(static_cast<std::uint32_t>(*importance));
  if (size) e->set_size(static_cast<proto::GiveSize>(*size));
  return InTransaction(impl_->db(), [&] {
    return impl_->AppendLocal(std::move(op), **row, false);
  });
}

Status LocalEdits::Share(ItemId id) {
  if (id.author != kMe)
    return Fail(Errc::kInvalidInput, "you can only share your own items");
  auto item = impl_->ItemNow(kMe, id.n);
  if (!item) return std::unexpected(item.error());
  if (!*item) return NoItem();
  if ((*item)->shared) return {};  // notes are shared at creation
  auto row = impl_->FindItem(kMe, id.n);
  if (!row) return std::unexpected(row.error());
  proto::Op op;
  op.mutable_share()->set_n(id.n);
  return InTransaction(impl_->db(), [&] {
    return impl_->AppendLocal(std::move(op), **row, false);
  });
}

Status LocalEdits::Withdraw(ItemId id) {
  if (id.author != kMe) {
    return Fail(Errc::kInvalidInput, "you can only withdraw your own items");
  }
  auto row = impl_->FindItem(kMe, id.n);
  if (!row) return std::unexpected(row.error());
  if (!*row || !(*row)->has_key) return NoItem();
  auto s = InTransaction(impl_->db(), [&]() -> Status {
    if (auto e = impl_->EraseItemContent((*row)->ref); !e) return e;
    if (!(*row)->released) return {};  // never left: nothing to tell
    proto::Op op;
    op.mutable_withdraw()->set_n(id.n);
    return impl_->AppendLocal(std::move(op), **row, true);
  });
  if (!s) return s;
  return impl_->db().CheckpointTruncate();  // the old pages leave the WAL too
}

Status LocalEdits::SetConsent(ConsentKind kind, bool on) {
  auto st = impl_->db().Prepare(
      "SELECT value FROM consents WHERE author = 0 AND kind = ?");
  st.Bind(1, static_cast<std::int64_t>(kind));
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (*row ? (st.ColumnInt(0) != 0) == on : !on) return {};  // already so
  proto::Op op;
  op.mutable_consent()->set_kind(static_cast<proto::ConsentKind>(kind));
  op.mutable_consent()->set_on(on);
  return InTransaction(impl_->db(), [&] {
    return impl_->AppendLocal(std::move(op), std::nullopt, true);
  });
}

namespace {
// Checks a response to the partner's give. The row to respond on, or
// nullopt when the response is already there (idempotent).
Result<std::optional<ItemRow>> CheckResponse(SharedDb& impl, ItemId give,
                                             proto::ResponseKind kind,
                                             Progress progress) {
  if (give.author != kPartner) {
    return Fail(Errc::kInvalidInput,
                "you can only respond to your partner's gives");
  }
  auto item = impl.ItemNow(kPartner, give.n);
  if (!item) return std::unexpected(item.error());
  if (!*item) return NoItem();
  if ((*item)->kind != ItemKind::kGive) {
    return Fail(Errc::kInvalidInput,
                "only your partner's gives can be chosen, done or thanked");
  }
  if (kind == proto::THANKED) {
    if ((*item)->thanked) return std::optional<ItemRow>();
  } else if (progress <= (*item)->progress) {
    if (progress == (*item)->progress) return std::optional<ItemRow>();
    return Fail(Errc::kInvalidInput, "that give is already further along");
  }
  auto row = impl.FindItem(kPartner, give.n);
  if (!row) return std::unexpected(row.error());
  if (!*row) return NoItem();
  return row;
}

// Appends the response op (inside the caller's transaction).
Status AppendResponse(SharedDb& impl, const ItemRow& row,
                      proto::ResponseKind kind) {
  proto::Op op;
  op.mutable_respond()->set_n(row.n);
  op.mutable_respond()->set_kind(kind);
  return impl.AppendLocal(std::move(op), row, true);
}

Status RespondOp(SharedDb& impl, ItemId give, proto::ResponseKind kind,
                 Progress progress) {
  auto row = CheckResponse(impl, give, kind, progress);
  if (!row) return std::unexpected(row.error());
  if (!*row) return {};
  return InTransaction(impl.db(),
                       [&] { return AppendResponse(impl, **row, kind); });
}
}  // namespace

Status LocalEdits::Respond(ItemId partner_give, Progress progress) {
  if (progress == Progress::kOffered) {
    return Fail(Errc::kInvalidInput, "a response is chosen or done");
  }
  return RespondOp(*impl_, partner_give,
                   progress == Progress::kChosen ? proto::CHOSEN : proto::DONE,
                   progress);
}

Status LocalEdits::MarkThanked(ItemId partner_give) {
  return RespondOp(*impl_, partner_give, proto::THANKED, Progress::kOffered);
}

Result<ItemId> LocalEdits::AddNote(std::string_view text,
                                   std::optional<ItemId> thanks_for) {
  if (auto s = ValidateText(text); !s) return std::unexpected(s.error());
  // Everything is checked before the one transaction that adds the note
  // and the thanked mark together: either both happen or neither.
  std::optional<ItemRow> thanked_row;
  if (thanks_for) {
    auto row =
        CheckResponse(*impl_, *thanks_for, proto::THANKED, Progress::kOffered);
    if (!row) return std::unexpected(row.error());
    thanked_row = *row;
  }
  Result<ItemId> id = Fail(Errc::kIo, "not written");
  auto s = InTransaction(impl_->db(), [&]() -> Status {
    id = AppendNewItem(*impl_, [&](proto::Op& op, std::uint64_t n) {
      op.mutable_note()->set_n(n);
      op.mutable_note()->set_text(std::string(text));
    });
    if (!id) return std::unexpected(id.error());
    if (!thanked_row) return {};
    return AppendResponse(*impl_, *thanked_row, proto::THANKED);
  });
  if (!s) return std::unexpected(s.error());
  return id;
}

Status LocalEdits::AnswerPrivately(ItemId partner_wish,
                                   std::optional<PrivateAnswer> answer) {
  if (partner_wish.author != kPartner) {
    return Fail(Errc::kInvalidInput,
                "private answers are for your partner's wishes");
  }
  if (!answer) {
    auto st = impl_->db().Prepare("DELETE FROM private_answers WHERE id = ?");
    st.Bind(1, impl_->AnswerRowId(partner_wish.n));
    return st.Run();
  }
  const int v = static_cast<int>(*answer);
  if (v < 1 || v > 2)
    return Fail(Errc::kInvalidInput, "answer is not-yet or no");
  auto item = impl_->ItemNow(kPartner, partner_wish.n);
  if (!item) return std::unexpected(item.error());
  if (!*item) return NoItem();
  if ((*item)->kind != ItemKind::kWish) {
    return Fail(Errc::kInvalidInput,
                "private answers are for your partner's wishes");
  }
  const Bytes plain = AnswerPlaintext(partner_wish.n, *answer);
  const Bytes id = impl_->AnswerRowId(partner_wish.n);
  auto st = impl_->db().Prepare(
      "INSERT INTO private_answers(id, answer) VALUES (?, ?)"
      " ON CONFLICT(id) DO UPDATE SET answer = excluded.answer");
  st.Bind(1, id);
  st.Bind(2, crypto::Seal(impl_->local_key(), plain,
                          AsBytes("answers/" + ToHex(id))));
  return st.Run();
}

Result<std::optional<PrivateAnswer>> SharedReader::PrivateAnswerFor(
    ItemId partner_wish) {
  if (partner_wish.author != kPartner) return std::optional<PrivateAnswer>();
  const Bytes id = impl_->AnswerRowId(partner_wish.n);
  auto st =
      impl_->db().Prepare("SELECT answer FROM private_answers WHERE id = ?");
  st.Bind(1, id);
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<PrivateAnswer>();
  auto plain = crypto::Open(impl_->local_key(), st.ColumnBlob(0),
                            AsBytes("answers/" + ToHex(id)));
  if (!plain || plain->size() != 9 || (*plain)[0] < 1 || (*plain)[0] > 2) {
    return Fail(Errc::kCorrupt, "a private answer does not open");
  }
  return std::optional<PrivateAnswer>(static_cast<PrivateAnswer>((*plain)[0]));
}

Status SharedSync::NoteSynced() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return impl_->SetMeta("last_sync", static_cast<std::int64_t>(ms));
}

Result<std::int64_t> SharedReader::LastSync() {
  return impl_->Meta("last_sync");
}

Result<std::uint64_t> SharedSync::LocalChangeCounter() {
  auto v = impl_->Meta("changes");
  if (!v) return std::unexpected(v.error());
  return static_cast<std::uint64_t>(*v);
}

}  // namespace inch::store
