// Names, id parsing and JSON for the lists commands; see lists_format.hpp.
#include "cli/lists_format.hpp"

namespace inch::cli::lists {

using store::ItemId;
using store::ItemKind;
using store::ItemState;

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

Result<ItemId> ParseItem(store::SharedStore& s, const std::string& text) {
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

nlohmann::json ItemJson(store::SharedStore& s, const ItemState& it,
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

std::size_t Width(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Pad(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t w = Width(text);
  if (w < width) out.append(width - w, ' ');
  return out;
}

}  // namespace inch::cli::lists
