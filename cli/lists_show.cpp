// `inch show ID`: one wish, give or note with its whole text, wrapped to the
// reader's width (the list views cut texts to keep their columns), with my
// marks on it and what it answers. Read-only. A partner's text reaches the
// terminal only through WrapLine and SafeText (terminal_text.hpp).
#include <cstdint>
#include <vector>

#include "cli/lists_format.hpp"
#include "cli/terminal_text.hpp"

namespace inch::cli::lists {
namespace {

using store::ItemKind;
using store::ItemState;
using store::kMe;

constexpr std::size_t kIndent = 2;
constexpr std::size_t kMinWrap = 16;  // narrower is not worth reading

// "my partner's · ●●●○○ · shared · 2024-05-01 12:00": who wrote it, its
// size or importance, my marks, and when it was written.
std::string Details(const ItemState& it,
                    const std::optional<store::PrivateAnswer>& answer) {
  const bool mine = it.id.author == kMe;
  std::vector<std::string> parts;
  if (it.kind == ItemKind::kNote) {
    parts.emplace_back(mine ? "to my partner" : "from my partner");
  } else {
    parts.emplace_back(mine ? "mine" : "my partner's");
    parts.push_back(it.kind == ItemKind::kWish ? Dots(it.importance)
                                               : SizeName(it.size));
    if (std::string marks = StateOf(it, answer); !marks.empty())
      parts.push_back(std::move(marks));
  }
  if (std::string when =
          LocalMinute(static_cast<std::int64_t>(it.created_hlc >> 16));
      !when.empty()) {
    parts.push_back(std::move(when));
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " · ") + p;
  return out;
}

// `text` (safe, any number of lines) indented by `indent`, each line
// wrapped to `width` cells (0: no limit); `lead` (narrower than `indent`)
// takes the end of the first line's indent.
void PrintWrapped(const Output& out, std::string_view text, std::size_t indent,
                  std::size_t width, const std::string& lead = "") {
  const std::string pad(indent, ' ');
  bool first = true;
  while (true) {
    const auto nl = text.find('\n');
    for (const std::string& piece : WrapLine(text.substr(0, nl), width)) {
      out.Line(first && !lead.empty()
                   ? pad.substr(0, indent - Cells(lead)) + lead + piece
                   : pad + piece);
      first = false;
    }
    if (nl == std::string_view::npos) return;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

Status ShowItem(Context& ctx, const std::string& text_id) {
  return WithReader(ctx, [&](store::SharedReader& s) -> Status {
    auto id = ParseItem(s, text_id);
    if (!id) return std::unexpected(id.error());
    auto state = s.CurrentState();
    if (!state) return std::unexpected(state.error());
    auto found = state->items.find(*id);
    if (found == state->items.end())
      return WithItemError(Fail(Errc::kNotFound, "withdrawn"), text_id);
    const ItemState& it = found->second;
    auto answer = s.PrivateAnswerFor(it.id);
    if (!answer) return std::unexpected(answer.error());
    const Output& out = ctx.out();
    if (out.json()) {
      auto j = ItemJson(s, it, *answer);
      const auto ms = static_cast<std::int64_t>(it.created_hlc >> 16);
      if (it.kind == ItemKind::kNote)
        j["direction"] = it.id.author == kMe ? "sent" : "received";
      j["created"] = IsoUtc(ms);
      j["created_ms"] = ms;
      out.Json(j);
      return {};
    }
    std::string kind = KindName(it.kind);
    kind[0] = static_cast<char>(kind[0] - 'a' + 'A');
    // Wrapped to the reader's width when known; a pipe gets whole lines.
    const std::size_t cols = out.columns();
    const std::size_t wrap = cols > kIndent + 2 + kMinWrap ? cols - kIndent : 0;
    const std::string head = kind + " " + s.FormatId(it.id);
    const std::string details = Details(it, *answer);
    if (cols == 0 || Cells(head) + 2 + Cells(details) <= cols) {
      out.Line(out.Bold(head) + "  " + out.Dim(details));
    } else {
      out.Line(out.Bold(head));
      for (const std::string& piece : WrapLine(details, wrap))
        out.Line(std::string(kIndent, ' ') + out.Dim(piece));
    }
    PrintWrapped(out, SafeText(it.text), kIndent, wrap);
    if (std::string rel = Relation(s, *state, it); !rel.empty()) {
      PrintWrapped(out, SafeText(rel), kIndent + 2, wrap > 2 ? wrap - 2 : wrap,
                   "↳ ");
    }
    return {};
  });
}

}  // namespace inch::cli::lists
