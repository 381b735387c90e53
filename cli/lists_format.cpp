// Names, id parsing and JSON for the lists commands; see lists_format.hpp.
#include "cli/lists_format.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "cli/terminal_text.hpp"

namespace inch::cli::lists {

using store::ItemId;
using store::ItemKind;
using store::ItemState;
using store::kMe;

const char* SizeName(store::GiveSize s) {
  return s == store::GiveSize::kSmall    ? "small"
         : s == store::GiveSize::kMedium ? "medium"
                                         : "large";
}

const char* KindName(ItemKind k) {
  return k == ItemKind::kWish ? "wish" : k == ItemKind::kGive ? "give" : "note";
}

const char* ProgressName(store::Progress p) {
  return p == store::Progress::kDone     ? "done"
         : p == store::Progress::kChosen ? "chosen"
                                         : "offered";
}

const char* MarkName(store::ResponseMark m) {
  return m == store::ResponseMark::kChosen ? "chosen"
         : m == store::ResponseMark::kDone ? "done"
                                           : "thanked";
}

const char* StateKey(store::PreviewState s) {
  switch (s) {
    case store::PreviewState::kSent:
      return "sent";
    case store::PreviewState::kWaitingForMe:
      return "waiting_for_me";
    case store::PreviewState::kWaitingForPartner:
      return "waiting_for_partner";
    case store::PreviewState::kDraft:
      return "draft";
  }
  return "draft";
}

const char* StateWords(store::PreviewState s) {
  switch (s) {
    case store::PreviewState::kSent:
      return "sent";
    case store::PreviewState::kWaitingForMe:
      return "waiting for my consent";
    case store::PreviewState::kWaitingForPartner:
      return "waiting for my partner's consent";
    case store::PreviewState::kDraft:
      return "private draft";
  }
  return "private draft";
}

Result<store::GiveSize> ParseSize(const std::string& s) {
  if (s == "small") return store::GiveSize::kSmall;
  if (s == "medium") return store::GiveSize::kMedium;
  if (s == "large") return store::GiveSize::kLarge;
  return Fail(Errc::kInvalidInput,
              "size must be small, medium or large, not '" + s + "'");
}

Result<ItemId> ParseItem(store::SharedReader& s, const std::string& text) {
  auto id = s.ParseId(text);
  if (!id) {
    return Fail(id.error().code,
                "'" + text +
                    "' is not a known item: see `inch list` or `inch preview`");
  }
  return id;
}

Status WithItemError(Status s, const std::string& id) {
  if (!s && s.error().code == Errc::kNotFound) {
    return Fail(Errc::kNotFound, "there is no item " + id +
                                     " (or it was withdrawn): see `inch list`");
  }
  return s;
}

nlohmann::json ItemJson(store::SharedReader& s, const ItemState& it,
                        const std::optional<store::PrivateAnswer>& answer) {
  auto ref = [&](const std::optional<ItemId>& r) {
    return r ? nlohmann::json(s.FormatId(*r)) : nlohmann::json(nullptr);
  };
  nlohmann::json j = {{"id", s.FormatId(it.id)},
                      {"author", it.id.author == store::kMe ? "me" : "partner"},
                      {"kind", KindName(it.kind)},
                      {"text", it.text},
                      {"shared", it.shared}};
  if (it.kind == ItemKind::kWish) j["importance"] = it.importance;
  if (it.kind == ItemKind::kGive) {
    j["size"] = SizeName(it.size);
    j["for"] = ref(it.for_item);
    j["smaller_than"] = ref(it.smaller_than);
    j["progress"] = ProgressName(it.progress);
    j["chosen"] = it.progress >= store::Progress::kChosen;
    j["done"] = it.progress == store::Progress::kDone;
    j["thanked"] = it.thanked;
  }
  if (answer) {
    j["private_answer"] =
        *answer == store::PrivateAnswer::kNo ? "no" : "not-yet";
  }
  return j;
}

// Importance as five calm dots (how much a wish reaches its author).
std::string Dots(int importance) {
  std::string s;
  for (int i = 1; i <= 5; ++i) s += i <= importance ? "●" : "○";
  return s;
}

namespace {

constexpr std::size_t kRefCells = 28;  // a referenced item's text

std::string RefWords(store::SharedReader& s, const store::State& st,
                     const ItemId& id) {
  std::string words = s.FormatId(id);
  if (auto it = st.items.find(id); it != st.items.end())
    words += "  “" + FirstLine(it->second.text, kRefCells) + "”";
  return words;
}

}  // namespace

std::string Relation(store::SharedReader& s, const store::State& st,
                     const ItemState& it) {
  std::string rel;
  if (it.for_item) {
    rel = std::string("for ") +
          (it.for_item->author == kMe ? "my wish " : "my partner's wish ") +
          RefWords(s, st, *it.for_item);
  }
  if (it.smaller_than) {
    if (!rel.empty()) rel += "; ";
    rel += "a smaller step of " + RefWords(s, st, *it.smaller_than);
  }
  return rel;
}

std::string StateOf(const ItemState& it,
                    const std::optional<store::PrivateAnswer>& answer) {
  std::vector<std::string> parts;
  if (it.id.author == kMe)
    parts.push_back(it.shared ? "shared" : "private draft");
  if (it.kind == ItemKind::kGive) {
    if (it.progress != store::Progress::kOffered)
      parts.push_back(ProgressName(it.progress));
    if (it.thanked) parts.push_back("thanked");
  }
  if (answer) {
    parts.push_back(std::string("my private answer: ") +
                    (*answer == store::PrivateAnswer::kNo ? "no" : "not yet"));
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " · ") + p;
  return out;
}

std::size_t Width(std::string_view text) { return Cells(text); }

std::string Pad(std::string_view text, std::size_t width) {
  return PadCells(text, width);
}

std::vector<const ItemState*> NotesNewestFirst(const store::State& st) {
  std::vector<const ItemState*> notes;
  for (const auto& [id, it] : st.items) {
    if (it.kind == ItemKind::kNote) notes.push_back(&it);
  }
  std::sort(notes.begin(), notes.end(), [](auto* a, auto* b) {
    return std::pair(a->created_hlc, a->id) > std::pair(b->created_hlc, b->id);
  });
  return notes;
}

nlohmann::json NotesJson(store::SharedReader& s, const store::State& st) {
  nlohmann::json list = nlohmann::json::array();
  for (auto* n : NotesNewestFirst(st)) {
    const auto ms = static_cast<std::int64_t>(n->created_hlc >> 16);
    list.push_back({{"id", s.FormatId(n->id)},
                    {"direction", n->id.author == kMe ? "sent" : "received"},
                    {"text", n->text},
                    {"created", IsoUtc(ms)},
                    {"created_ms", ms}});
  }
  return list;
}

}  // namespace inch::cli::lists
