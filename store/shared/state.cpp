// The deterministic fold of both op logs; see state.hpp for the rules.
// Every rule is a join (max or or) over a total order, which is what makes
// the fold commutative, associative and idempotent.
#include "store/shared/state.hpp"

#include <algorithm>
#include <tuple>

namespace inch::store {
namespace {

struct Acc {
  bool created = false;
  bool withdrawn = false;
  Stamp create_stamp;
  ItemState st;
  Progress progress = Progress::kOffered;
  bool thanked = false;
};

std::optional<ItemId> RefToId(const proto::ItemRef& ref, int author) {
  return ItemId{ref.other() ? 1 - author : author, ref.n()};
}

template <class T>
void Lww(T& field, Stamp& field_stamp, const T& value, Stamp stamp) {
  if (stamp > field_stamp) {
    field = value;
    field_stamp = stamp;
  }
}

}  // namespace

State Fold(const std::vector<OpWithAuthor>& ops, bool me_low) {
  auto rank = [me_low](int author) { return me_low ? author : 1 - author; };
  std::map<ItemId, Acc> acc;
  State s;
  for (const auto& [author, op] : ops) {
    const Stamp stamp{op.hlc(), rank(author)};
    switch (op.body_case()) {
      case proto::Op::kCreate: {
        const auto& c = op.create();
        Acc& a = acc[ItemId{author, c.n()}];
        a.created = true;
        if (stamp > a.create_stamp) {
          // Kind and references are fixed at creation; the latest create
          // wins only to stay deterministic on (invalid) duplicates.
          a.create_stamp = stamp;
          a.st.kind =
              c.type() == proto::GIVE ? ItemKind::kGive : ItemKind::kWish;
          a.st.for_item =
              c.has_for_item() ? RefToId(c.for_item(), author) : std::nullopt;
          a.st.smaller_than = c.has_smaller_than()
                                  ? RefToId(c.smaller_than(), author)
                                  : std::nullopt;
          a.st.created_hlc = op.hlc();
        }
        Lww(a.st.text, a.st.text_stamp, c.text(), stamp);
        Lww(a.st.importance, a.st.importance_stamp,
            static_cast<int>(c.importance()), stamp);
        Lww(a.st.size, a.st.size_stamp, static_cast<GiveSize>(c.size()), stamp);
        break;
      }
      case proto::Op::kEdit: {
        const auto& e = op.edit();
        Acc& a = acc[ItemId{author, e.n()}];
        if (e.has_text()) Lww(a.st.text, a.st.text_stamp, e.text(), stamp);
        if (e.has_importance()) {
          Lww(a.st.importance, a.st.importance_stamp,
              static_cast<int>(e.importance()), stamp);
        }
        if (e.has_size()) {
          Lww(a.st.size, a.st.size_stamp, static_cast<GiveSize>(e.size()),
              stamp);
        }
        break;
      }
      case proto::Op::kShare:
        acc[ItemId{author, op.share().n()}].st.shared = true;
        break;
      case proto::Op::kWithdraw:
        acc[ItemId{author, op.withdraw().n()}].withdrawn = true;
        break;
      case proto::Op::kRespond: {
        // A response is always about the other partner's give.
        Acc& a = acc[ItemId{1 - author, op.respond().n()}];
        switch (op.respond().kind()) {
          case proto::CHOSEN:
            a.progress = std::max(a.progress, Progress::kChosen);
            break;
          case proto::DONE:
            a.progress = std::max(a.progress, Progress::kDone);
            break;
          case proto::THANKED:
            a.thanked = true;
            break;
          default:
            break;
        }
        break;
      }
      case proto::Op::kConsent: {
        const auto& c = op.consent();
        if (c.kind() != proto::LISTS && c.kind() != proto::NOTES) break;
        ConsentState& cs = s.consent[author][c.kind() == proto::LISTS ? 0 : 1];
        if (std::pair(op.hlc(), c.on()) > std::pair(cs.hlc, cs.on)) {
          cs.hlc = op.hlc();
          cs.on = c.on();
        }
        break;
      }
      case proto::Op::kNote: {
        const auto& n = op.note();
        Acc& a = acc[ItemId{author, n.n()}];
        a.created = true;
        if (stamp > a.create_stamp) {
          a.create_stamp = stamp;
          a.st.kind = ItemKind::kNote;
          a.st.created_hlc = op.hlc();
        }
        a.st.shared = true;
        Lww(a.st.text, a.st.text_stamp, n.text(), stamp);
        break;
      }
      case proto::Op::kUnpair:
        s.unpaired_by[author] = true;
        break;
      case proto::Op::kErased:
      case proto::Op::BODY_NOT_SET:
        break;
    }
  }
  for (auto& [id, a] : acc) {
    if (!a.created || a.withdrawn) continue;  // withdrawal wins, forever
    a.st.id = id;
    if (a.st.kind == ItemKind::kGive) {
      a.st.progress = a.progress;
      a.st.thanked = a.thanked;
    }
    s.items.emplace(id, std::move(a.st));
  }
  return s;
}

std::string Canonical(const State& s, bool me_low) {
  auto rank = [me_low](int author) { return me_low ? author : 1 - author; };
  auto ref = [&](const std::optional<ItemId>& r) {
    return r ? std::to_string(rank(r->author)) + ":" + std::to_string(r->n)
             : std::string("-");
  };
  std::vector<std::pair<std::pair<int, std::uint64_t>, std::string>> rows;
  for (const auto& [id, it] : s.items) {
    std::string row =
        "item " + std::to_string(rank(id.author)) + ":" + std::to_string(id.n) +
        " kind=" + std::to_string(static_cast<int>(it.kind)) +
        " text=" + std::to_string(it.text.size()) + ":" + it.text +
        " imp=" + std::to_string(it.importance) +
        " size=" + std::to_string(static_cast<int>(it.size)) +
        " for=" + ref(it.for_item) + " smaller=" + ref(it.smaller_than) +
        " shared=" + std::to_string(it.shared) +
        " progress=" + std::to_string(static_cast<int>(it.progress)) +
        " thanked=" + std::to_string(it.thanked) +
        " created=" + std::to_string(it.created_hlc) + "\n";
    rows.emplace_back(std::pair<int, std::uint64_t>{rank(id.author), id.n},
                      std::move(row));
  }
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (int r = 0; r < 2; ++r) {
    const int slot = me_low ? r : 1 - r;
    for (int k = 0; k < 2; ++k) {
      const ConsentState& c = s.consent[slot][k];
      out += "consent " + std::to_string(r) + ":" + std::to_string(k) + "=" +
             std::to_string(c.on) + "@" + std::to_string(c.hlc) + "\n";
    }
    out += "unpaired " + std::to_string(r) + "=" +
           std::to_string(s.unpaired_by[slot]) + "\n";
  }
  for (auto& [key, row] : rows) out += row;
  return out;
}

}  // namespace inch::store
