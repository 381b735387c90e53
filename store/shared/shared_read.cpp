// SharedReader, reading: loading and opening the logs for the fold, the
// per-item fold used to validate local actions, Preview (through the one
// consent gate), counts, and the short item ids people type.
#include <algorithm>
#include <cctype>

#include "crypto/aead.hpp"
#include "store/shared/consent_gate.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store_impl.hpp"

namespace inch::store {
namespace {
// The gate's inputs as the fold sees them (consent ops of both logs).
GateInputs GateOf(const State& s) {
  return GateInputs{s.consent[kMe][0].on, s.consent[kPartner][0].on,
                    s.consent[kMe][1].on, s.consent[kPartner][1].on};
}
}  // namespace

ItemKeyCache::ItemKeyCache(SharedDb& impl) : impl_(impl) {
  refs_.fill(-1);
  borrowed_ = !impl_.key_slots_busy_;
  keys_ = borrowed_ ? &impl_.key_slots_ : &own_;
  if (borrowed_) impl_.key_slots_busy_ = true;
}

ItemKeyCache::~ItemKeyCache() {
  if (!borrowed_) return;  // own_ wipes itself
  for (auto& key : *keys_) {
    if (!key.empty()) sodium_memzero(key.data(), key.size());
  }
  impl_.key_slots_busy_ = false;
}

const crypto::Secret* ItemKeyCache::Find(std::int64_t ref) const {
  const std::size_t slot = static_cast<std::size_t>(ref) % kSlots;
  return refs_[slot] == ref ? &(*keys_)[slot] : nullptr;
}

Result<const crypto::Secret*> ItemKeyCache::Load(std::int64_t ref, int author,
                                                 std::uint64_t n,
                                                 ByteView sealed) {
  const std::size_t slot = static_cast<std::size_t>(ref) % kSlots;
  crypto::Secret& key = (*keys_)[slot];
  if (key.empty()) key = crypto::Secret(crypto::kKeyBytes);
  refs_[slot] = -1;  // not valid unless the open below succeeds
  if (auto s = impl_.OpenItemKeyInto(author, n, sealed, key); !s)
    return std::unexpected(s.error());
  refs_[slot] = ref;
  return &key;
}

Result<std::vector<OpWithAuthor>> SharedDb::LoadOps(bool released_only) {
  // Log order (no sort: the fold does not care); the key cache opens each
  // item key about once since an item's ops mostly sit together.
  const std::string sql =
      std::string(
          "SELECT o.author, o.seq, o.sealing, o.item, o.body, i.author, i.n, "
          "i.key FROM ops o LEFT JOIN items i ON i.id = o.item") +
      (released_only ? " WHERE o.author = 1 OR o.seq NOT IN (SELECT seq FROM"
                       " pending)"
                     : "");
  auto st = db().Prepare(sql);
  std::vector<OpWithAuthor> out;
  ItemKeyCache keys(*this);
  for (;;) {
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const int author = static_cast<int>(st.ColumnInt(0));
    const auto seq = static_cast<std::uint64_t>(st.ColumnInt(1));
    const auto sealing = st.ColumnInt(2);
    if (sealing == kSealedErased) continue;  // contributes nothing to state
    const crypto::Secret* key = &shared_key_;
    if (sealing == kSealedItem) {
      if (st.ColumnIsNull(7)) continue;  // withdrawn: content is gone
      const std::int64_t ref = st.ColumnInt(3);
      key = keys.Find(ref);
      if (key == nullptr) {
        auto k = keys.Load(ref, static_cast<int>(st.ColumnInt(5)),
                           static_cast<std::uint64_t>(st.ColumnInt(6)),
                           st.ColumnBlob(7));
        if (!k) return std::unexpected(k.error());
        key = *k;
      }
    }
    auto op = OpenAtRest(*key, st.ColumnBlob(4), author, seq);
    if (!op) return std::unexpected(op.error());
    out.push_back(OpWithAuthor{author, std::move(*op)});
  }
  return out;
}

Result<std::optional<ItemState>> SharedDb::ItemNow(int author,
                                                   std::uint64_t n) {
  auto row = FindItem(author, n);
  if (!row) return std::unexpected(row.error());
  if (!*row || !(*row)->has_key) return std::optional<ItemState>();
  crypto::Secret& key = scratch_key_;
  WipeOnExit wipe(key);
  if (auto k = ItemKeyInto(**row, key); !k) return std::unexpected(k.error());
  auto st =
      db().Prepare("SELECT author, seq, sealing, body FROM ops WHERE item = ?");
  st.Bind(1, (*row)->ref);
  std::vector<OpWithAuthor> ops;
  for (;;) {
    auto more = st.Step();
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    const auto sealing = st.ColumnInt(2);
    if (sealing == kSealedErased) continue;
    const int op_author = static_cast<int>(st.ColumnInt(0));
    auto op =
        OpenAtRest(sealing == kSealedItem ? key : shared_key_, st.ColumnBlob(3),
                   op_author, static_cast<std::uint64_t>(st.ColumnInt(1)));
    if (!op) return std::unexpected(op.error());
    ops.push_back(OpWithAuthor{op_author, std::move(*op)});
  }
  State s = Fold(ops, MeLow());
  auto gate = Gate();
  if (!gate) return std::unexpected(gate.error());
  HideUnconsented(s, *gate);
  auto it = s.items.find(ItemId{author, n});
  if (it == s.items.end()) return std::optional<ItemState>();
  return std::optional<ItemState>(std::move(it->second));
}

void SharedDb::HideUnconsented(State& s, const GateInputs& in) {
  std::erase_if(s.items, [&](const auto& entry) {
    const auto& [id, item] = entry;
    if (id.author != kPartner) return false;
    return !MayShow(
        item.kind == ItemKind::kNote ? OpClass::kNote : OpClass::kListItem, in);
  });
  if (MayShow(OpClass::kResponse, in)) return;
  for (auto& [id, item] : s.items) {
    if (id.author != kMe || item.kind != ItemKind::kGive) continue;
    item.progress = Progress::kOffered;  // marks only the partner makes
    item.thanked = false;
  }
}

Result<State> SharedReader::CurrentState() {
  auto ops = impl_->LoadOps(false);
  if (!ops) return std::unexpected(ops.error());
  State s = Fold(*ops, impl_->MeLow());
  impl_->HideUnconsented(s, GateOf(s));
  return s;
}

Result<std::optional<ItemState>> SharedReader::Item(ItemId id) {
  return impl_->ItemNow(id.author, id.n);
}

Result<State> SharedReader::SharedState() {
  auto ops = impl_->LoadOps(true);
  if (!ops) return std::unexpected(ops.error());
  return Fold(*ops, impl_->MeLow());
}

Result<std::vector<PreviewEntry>> SharedReader::Preview() {
  // What Preview promises must rest on the same authenticated records as
  // what the Outbox releases.
  if (auto s = impl_->CheckGateRecords(true); !s)
    return std::unexpected(s.error());
  auto state = CurrentState();
  if (!state) return std::unexpected(state.error());
  const GateInputs in = GateOf(*state);
  std::vector<PreviewEntry> out;
  for (auto& [id, item] : state->items) {
    if (id.author != kMe) continue;
    auto row = impl_->FindItem(kMe, id.n);
    if (!row) return std::unexpected(row.error());
    const bool released = *row && (*row)->released;
    const OpInfo info{
        item.kind == ItemKind::kNote ? OpClass::kNote : OpClass::kListItem,
        item.shared, released};
    PreviewState ps;
    if (released || MayRelease(info, in)) {
      ps = PreviewState::kSent;
    } else if (!item.shared) {
      ps = PreviewState::kDraft;
    } else if (!(item.kind == ItemKind::kNote ? in.my_notes : in.my_lists)) {
      ps = PreviewState::kWaitingForMe;
    } else {
      ps = PreviewState::kWaitingForPartner;
    }
    out.push_back(PreviewEntry{item, ps});
  }
  return out;
}

Result<std::vector<PreviewResponse>> SharedReader::PreviewResponses() {
  if (auto s = impl_->CheckGateRecords(true); !s)
    return std::unexpected(s.error());
  auto state = CurrentState();
  if (!state) return std::unexpected(state.error());
  const GateInputs in = GateOf(*state);
  // My responses are my shared-sealed ops on the partner's items (my
  // withdrawals are on my own items); erased ones are gone with the give.
  auto st = impl_->db().Prepare(
      "SELECT o.seq, o.seq IN (SELECT seq FROM pending), o.body, i.n FROM ops"
      " o JOIN items i ON i.id = o.item WHERE o.author = 0 AND o.sealing = 0"
      " AND i.author = 1 ORDER BY o.seq");
  std::vector<PreviewResponse> out;
  for (;;) {
    auto row = st.Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    auto op = impl_->OpenAtRest(impl_->shared_key(), st.ColumnBlob(2), kMe,
                                static_cast<std::uint64_t>(st.ColumnInt(0)));
    if (!op) return std::unexpected(op.error());
    if (!op->has_respond()) continue;
    PreviewResponse r;
    r.give = ItemId{kPartner, static_cast<std::uint64_t>(st.ColumnInt(3))};
    if (auto it = state->items.find(r.give); it != state->items.end())
      r.give_text = it->second.text;
    switch (op->respond().kind()) {
      case proto::CHOSEN:
        r.mark = ResponseMark::kChosen;
        break;
      case proto::DONE:
        r.mark = ResponseMark::kDone;
        break;
      default:
        r.mark = ResponseMark::kThanked;
        break;
    }
    if (st.ColumnInt(1) == 0 || MayRelease(OpInfo{OpClass::kResponse}, in)) {
      r.state = PreviewState::kSent;
    } else {
      r.state = in.my_lists ? PreviewState::kWaitingForPartner
                            : PreviewState::kWaitingForMe;
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<SharedCounts> SharedReader::Counts() {
  auto state = CurrentState();
  if (!state) return std::unexpected(state.error());
  SharedCounts c;
  for (const auto& [id, item] : state->items) {
    const bool note = item.kind == ItemKind::kNote;
    if (id.author == kMe) {
      (note ? c.my_notes : c.my_items)++;
      if (!note && !item.shared) ++c.my_drafts;
    } else {
      (note ? c.partner_notes : c.partner_items)++;
    }
  }
  for (int slot : {kMe, kPartner}) {
    for (int kind : {0, 1})
      c.consent[slot][kind] = state->consent[slot][kind].on;
  }
  auto st = impl_->db().Prepare("SELECT count(*) FROM pending");
  auto row = st.Step();
  if (!row) return std::unexpected(row.error());
  c.unreleased_ops = static_cast<std::size_t>(st.ColumnInt(0));
  return c;
}

namespace {
// Hex digits needed so the two node ids' prefixes differ (at least 4).
std::size_t PrefixLen(const std::string& a, const std::string& b) {
  std::size_t len = 4;
  if (b.empty()) return len;
  while (len < a.size() && a.compare(0, len, b, 0, len) == 0) ++len;
  return len;
}
}  // namespace

std::string SharedReader::FormatId(ItemId id) {
  const std::size_t len =
      PrefixLen(impl_->my_node_id(), impl_->partner_node_id());
  const std::string& node =
      id.author == kMe ? impl_->my_node_id() : impl_->partner_node_id();
  return node.substr(0, len) + "-" + std::to_string(id.n);
}

Result<ItemId> SharedReader::ParseId(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= text.size() ||
      text.size() - dash - 1 > 18) {
    return Fail(Errc::kInvalidInput, "not an item id: " + std::string(text));
  }
  std::string prefix(text.substr(0, dash));
  for (char& ch : prefix)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::uint64_t n = 0;
  for (char ch : text.substr(dash + 1)) {
    if (ch < '0' || ch > '9')
      return Fail(Errc::kInvalidInput, "not an item id: " + std::string(text));
    n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  const bool mine = impl_->my_node_id().starts_with(prefix);
  const bool theirs = !impl_->partner_node_id().empty() &&
                      impl_->partner_node_id().starts_with(prefix);
  if (n == 0 || mine == theirs) {
    return Fail(Errc::kNotFound, "no item " + std::string(text));
  }
  return ItemId{mine ? kMe : kPartner, n};
}

}  // namespace inch::store
