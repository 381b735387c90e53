// What the lists commands show: `inch list` (easiest first, aligned, the
// ladder visible), `inch notes`, `inch preview` (exactly what the partner's
// node holds or will receive from this one) and the shared part of
// `inch status`, and `inch show ID` (one item, whole). Read-only: nothing
// here changes the store. A partner's text is untrusted: it reaches the
// terminal only through FirstLine, WrapLine or SafeText (terminal_text.hpp),
// which also measure it in terminal cells.
#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "cli/lists_format.hpp"
#include "cli/terminal_text.hpp"

namespace inch::cli::lists {
namespace {

using store::ItemId;
using store::ItemKind;
using store::ItemState;
using store::kMe;

constexpr std::size_t kTextChars = 44;     // the text column, in cells
constexpr std::size_t kMinTextChars = 16;  // narrower is not worth reading

// One aligned line: id, a short column (size or importance), the text (cut
// to the text column when printed), and a dim state; `relation` becomes a
// second, indented line.
struct Row {
  std::string id, col, text, state, relation;
};
struct Section {
  std::string title;
  std::vector<Row> rows;
};

// The cells of text kept in the text column (FirstLine adds "…"):
// kTextChars, fewer (down to kMinTextChars) so that lines fit the reader's
// width when it is known.
std::size_t TextColumn(const Output& out, std::size_t before_text,
                       std::size_t state_width) {
  const std::size_t cols = out.columns();
  const std::size_t rest =
      before_text + (state_width ? state_width + 2 : 0) + 1;
  if (cols == 0 || cols >= rest + kTextChars) return kTextChars;
  return cols > rest + kMinTextChars ? cols - rest : kMinTextChars;
}

// Whether `shown` (FirstLine of `text`) left something out.
bool WasCut(std::string_view shown, std::string_view text) {
  std::string whole = SafeText(text);
  if (!whole.empty() && whole.back() == '\n') whole.pop_back();
  return shown != whole;
}

// The lines `text` takes in a column of `cells`: its first line cut to fit
// (FirstLine), or with `wrap` all of it, each line wrapped (SIZE_MAX: no
// limit). Sets `cut` when something was left out.
std::vector<std::string> Pieces(std::string_view text, std::size_t cells,
                                bool wrap, bool& cut) {
  if (!wrap) {
    std::string first = FirstLine(text, cells);
    cut = cut || WasCut(first, text);
    return {std::move(first)};
  }
  const std::string safe = SafeText(text);
  std::string_view rest = safe;
  if (rest.ends_with('\n')) rest.remove_suffix(1);
  std::vector<std::string> out;
  while (true) {
    const auto nl = rest.find('\n');
    for (auto& piece :
         WrapLine(rest.substr(0, nl), cells == SIZE_MAX ? 0 : cells))
      out.push_back(std::move(piece));
    if (nl == std::string_view::npos) return out;
    rest.remove_prefix(nl + 1);
  }
}

// Prints the sections aligned, texts cut to their column or, with `wrap`,
// whole and wrapped within it; returns whether some text was cut.
bool PrintSections(const Output& out, const std::vector<Section>& sections,
                   bool wrap) {
  std::size_t wid = 0, wcol = 0, wstate = 0;
  for (const auto& sec : sections) {
    for (const auto& r : sec.rows) {
      wid = std::max(wid, Width(r.id));
      wcol = std::max(wcol, Width(r.col));
      wstate = std::max(wstate, Width(r.state));
    }
  }
  const std::size_t indent = 2 + wid + 2 + (wcol > 0 ? wcol + 2 : 0);
  // Wrapped lines may use the cell FirstLine keeps for its "…".
  const std::size_t text_cells =
      TextColumn(out, indent, wstate) + (wrap ? 1 : 0);
  // The relation line: "↳ " after the indent, cut to the width if known.
  const std::size_t relation_cells = out.columns() > indent + 3 + kMinTextChars
                                         ? out.columns() - indent - 3
                                         : SIZE_MAX;
  bool cut = false;
  std::vector<std::vector<std::string>> texts;
  std::size_t wtext = 0;
  for (const auto& sec : sections) {
    for (const auto& r : sec.rows) {
      texts.push_back(Pieces(r.text, text_cells, wrap, cut));
      for (const auto& piece : texts.back())
        wtext = std::max(wtext, Width(piece));
    }
  }
  bool first = true;
  std::size_t row = 0;
  for (const auto& sec : sections) {
    if (sec.rows.empty()) continue;
    if (!first) out.Line("");
    first = false;
    out.Line(out.Bold(sec.title));
    for (const auto& r : sec.rows) {
      const auto& text = texts[row++];
      std::string line = "  " + out.Bold(Pad(r.id, wid)) + "  ";
      if (wcol > 0) line += Pad(r.col, wcol) + "  ";
      line += r.state.empty()
                  ? text.front()
                  : Pad(text.front(), wtext) + "  " + out.Dim(r.state);
      out.Line(line);
      for (std::size_t i = 1; i < text.size(); ++i)
        out.Line(std::string(indent, ' ') + text[i]);
      if (r.relation.empty()) continue;
      bool lead = true;
      for (const auto& piece : Pieces(r.relation, relation_cells, wrap, cut)) {
        out.Line(std::string(indent, ' ') +
                 out.Dim((lead ? "↳ " : "  ") + piece));
        lead = false;
      }
    }
  }
  return cut;
}

// Said once under a view whose texts were cut.
void HintShow(const Output& out) {
  out.Hint(
      "Texts ending in “…” were cut: `inch show ID` shows one whole, "
      "`--wrap` shows them all.");
}

// The importance of the wish a give answers or is a smaller step of
// (followed up a short ladder), 0 when there is none.
int RelatedImportance(const store::State& st, const ItemState& it) {
  const ItemState* cur = &it;
  for (int step = 0; step < 8; ++step) {
    if (cur->kind == ItemKind::kWish) return cur->importance;
    auto next = cur->for_item ? cur->for_item : cur->smaller_than;
    if (!next) return 0;
    auto found = st.items.find(*next);
    if (found == st.items.end()) return 0;
    cur = &found->second;
  }
  return 0;
}

}  // namespace

void SortEasiestFirst(const store::State& st,
                      std::vector<const ItemState*>& items) {
  auto key = [&](const ItemState* x) {
    const bool give = x->kind == ItemKind::kGive;
    return std::tuple(give ? static_cast<int>(x->size) : 0,
                      -(give ? RelatedImportance(st, *x) : x->importance),
                      x->created_hlc, x->id);
  };
  std::sort(
      items.begin(), items.end(),
      [&](const ItemState* a, const ItemState* b) { return key(a) < key(b); });
}

Status ShowList(Context& ctx, bool mine_only, bool partner_only, bool wrap) {
  return WithReader(ctx, [&](store::SharedReader& s) -> Status {
    auto state = s.CurrentState();
    if (!state) return std::unexpected(state.error());
    // [author][0 gives, 1 wishes]
    std::vector<const ItemState*> groups[2][2];
    for (const auto& [id, it] : state->items) {
      if (it.kind == ItemKind::kNote) continue;
      if ((mine_only && id.author != kMe) || (partner_only && id.author == kMe))
        continue;
      groups[id.author][it.kind == ItemKind::kWish ? 1 : 0].push_back(&it);
    }
    static const char* const kTitles[2][2] = {
        {"My gives", "My wishes"},
        {"My partner's gives", "My partner's wishes"}};
    nlohmann::json list = nlohmann::json::array();
    std::vector<Section> sections;
    for (int author : {kMe, store::kPartner}) {
      for (int kind : {0, 1}) {
        auto& items = groups[author][kind];
        SortEasiestFirst(*state, items);
        Section sec{kTitles[author][kind], {}};
        for (const ItemState* it : items) {
          auto answer = s.PrivateAnswerFor(it->id);
          if (!answer) return std::unexpected(answer.error());
          list.push_back(ItemJson(s, *it, *answer));
          sec.rows.push_back(
              Row{s.FormatId(it->id),
                  kind == 0 ? SizeName(it->size) : Dots(it->importance),
                  it->text, StateOf(*it, *answer), Relation(s, *state, *it)});
        }
        sections.push_back(std::move(sec));
      }
    }
    if (ctx.out().json()) {
      ctx.out().Json(list);
      return {};
    }
    if (list.empty()) {
      ctx.out().Line(
          partner_only
              ? "Nothing from my partner yet: their list arrives once both of "
                "you are ready (`inch ready lists`) and your nodes have synced."
              : "No wishes or gives yet. Add one with `inch wish add TEXT` or "
                "`inch give add TEXT`.");
      return {};
    }
    if (PrintSections(ctx.out(), sections, wrap)) HintShow(ctx.out());
    return {};
  });
}

Status ShowNotes(Context& ctx) {
  return WithReader(ctx, [&](store::SharedReader& s) -> Status {
    auto state = s.CurrentState();
    if (!state) return std::unexpected(state.error());
    if (ctx.out().json()) {
      ctx.out().Json(NotesJson(s, *state));
      return {};
    }
    const std::vector<const ItemState*> notes = NotesNewestFirst(*state);
    if (notes.empty()) {
      ctx.out().Line("No notes yet. Write one with `inch thank TEXT`.");
      return {};
    }
    std::size_t wid = 0;
    for (auto* n : notes) wid = std::max(wid, Width(s.FormatId(n->id)));
    for (auto* n : notes) {
      const std::string head =
          LocalMinute(static_cast<std::int64_t>(n->created_hlc >> 16)) + "  " +
          Pad(n->id.author == kMe ? "to my partner" : "from my partner", 15);
      const std::string id = Pad(s.FormatId(n->id), wid);
      // Notes are read in full; later lines are indented under the first.
      const std::string safe = SafeText(n->text);
      std::string_view text = safe;
      const std::size_t indent = Width(head) + 2 + wid + 2;
      // When the width is known, long lines wrap under the first one too.
      const std::size_t cols = ctx.out().columns();
      const std::size_t wrap =
          cols > indent + kMinTextChars ? cols - indent : 0;
      bool first = true;
      while (true) {
        const auto nl = text.find('\n');
        for (const std::string& piece : WrapLine(text.substr(0, nl), wrap)) {
          ctx.out().Line(first ? ctx.out().Dim(head) + "  " +
                                     ctx.out().Bold(id) + "  " + piece
                               : std::string(indent, ' ') + piece);
          first = false;
        }
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
      }
    }
    return {};
  });
}

namespace {

// The preview once, for `--json` (list) and for people (the sections).
struct PreviewParts {
  nlohmann::json list = nlohmann::json::array();
  Section items{"Wishes and gives", {}}, notes{"Notes", {}},
      marks{"My marks on my partner's gives", {}};
  std::size_t drafts = 0;
};

Result<PreviewParts> BuildPreview(store::SharedReader& s) {
  auto entries = s.Preview();
  if (!entries) return std::unexpected(entries.error());
  auto responses = s.PreviewResponses();
  if (!responses) return std::unexpected(responses.error());
  PreviewParts parts;
  nlohmann::json& list = parts.list;
  Section &items = parts.items, &notes = parts.notes;
  std::size_t& drafts = parts.drafts;
  for (const auto& e : *entries) {
    // Drafts never leave, so they are not part of what the partner holds.
    if (e.state == store::PreviewState::kDraft) {
      ++drafts;
      continue;
    }
    auto j = ItemJson(s, e.item);
    j["state"] = StateKey(e.state);
    list.push_back(j);
    const bool note = e.item.kind == ItemKind::kNote;
    (note ? notes : items)
        .rows.push_back(Row{s.FormatId(e.item.id),
                            note ? "note" : KindName(e.item.kind), e.item.text,
                            StateWords(e.state), ""});
  }
  // My marks, one entry per partner's give (in the order first marked).
  std::vector<ItemId> order;
  std::map<ItemId, std::vector<const store::PreviewResponse*>> by_give;
  for (const auto& r : *responses) {
    if (!by_give.contains(r.give)) order.push_back(r.give);
    by_give[r.give].push_back(&r);
  }
  Section& marks = parts.marks;
  for (const ItemId& give : order) {
    const auto& rs = by_give[give];
    nlohmann::json m = nlohmann::json::object();
    store::PreviewState overall = store::PreviewState::kSent;
    std::string words;
    for (const auto* r : rs) {
      m[MarkName(r->mark)] = StateKey(r->state);
      if (r->state != store::PreviewState::kSent) overall = r->state;
      words += std::string(words.empty() ? "" : ", ") + MarkName(r->mark) +
               " (" + StateWords(r->state) + ")";
    }
    list.push_back({{"id", s.FormatId(give)},
                    {"kind", "response"},
                    {"author", "me"},
                    {"text", rs.front()->give_text},
                    {"marks", m},
                    {"state", StateKey(overall)}});
    marks.rows.push_back(
        Row{s.FormatId(give), "response", rs.front()->give_text, words, ""});
  }
  return parts;
}

}  // namespace

Result<nlohmann::json> PreviewJson(store::SharedReader& s,
                                   std::size_t* drafts) {
  auto parts = BuildPreview(s);
  if (!parts) return std::unexpected(parts.error());
  if (drafts) *drafts = parts->drafts;
  return std::move(parts->list);
}

Status ShowPreview(Context& ctx, bool wrap) {
  return WithReader(ctx, [&](store::SharedReader& s) -> Status {
    auto built = BuildPreview(s);
    if (!built) return std::unexpected(built.error());
    auto counts = s.Counts();
    if (!counts) return std::unexpected(counts.error());
    const auto& [list, items, notes, marks, drafts] = *built;
    if (ctx.out().json()) {
      ctx.out().Json(list);
      return {};
    }
    if (list.empty()) {
      ctx.out().Line(
          "Nothing: my partner's node holds nothing of mine and will "
          "receive nothing.");
    } else {
      ctx.out().Line("What my partner's node holds or will receive from me:");
      ctx.out().Line("");
      if (PrintSections(ctx.out(), {items, marks, notes}, wrap))
        HintShow(ctx.out());
    }
    auto yn = [](bool on) { return on ? "ready" : "not yet"; };
    // Footnotes, wrapped to the reader's width when it is known.
    auto footnote = [&](const std::string& text) {
      for (const std::string& piece : WrapLine(text, ctx.out().columns()))
        ctx.out().Line(ctx.out().Dim(piece));
    };
    ctx.out().Line("");
    footnote(std::string("Always shared: whether I am ready (lists: ") +
             yn(counts->consent[kMe][0]) +
             ", notes: " + yn(counts->consent[kMe][1]) + ").");
    if (drafts > 0) {
      footnote("Not included: " + std::to_string(drafts) + " private draft" +
               (drafts == 1 ? "" : "s") + " (shared only by `inch share ID`).");
    }
    return {};
  });
}

void StatusSection(Context& ctx, StatusReport& report) {
  // Replaces any consent lines another section printed, so they show once.
  auto set_line = [&](const std::string& label, const std::string& value) {
    for (auto& [l, v] : report.lines) {
      if (l == label) {
        v = value;
        return;
      }
    }
    report.lines.emplace_back(label, value);
  };
  auto key = ctx.MasterKey(/*allow_prompt=*/false);
  auto store = key ? ctx.OpenSharedStore()
                   : Result<store::SharedStore*>(std::unexpected(key.error()));
  auto counts =
      store ? (*store)->reader().Counts()
            : Result<store::SharedCounts>(std::unexpected(store.error()));
  if (!counts) {
    // Locked (or unreadable): say so for this section instead of failing.
    const bool locked = counts.error().code == Errc::kLocked ||
                        counts.error().code == Errc::kWrongPassphrase;
    report.json["consents"] = nullptr;
    report.json["lists"] = nullptr;
    report.json["notes"] = nullptr;
    set_line("lists", locked ? "locked" : "unavailable");
    set_line("notes", locked ? "locked" : "unavailable");
    return;
  }
  const auto& c = *counts;
  auto consent = [&](int slot) {
    return nlohmann::json{{"lists", c.consent[slot][0]},
                          {"notes", c.consent[slot][1]}};
  };
  report.json["consents"] = {{"mine", consent(kMe)},
                             {"partner", consent(store::kPartner)}};
  report.json["lists"] = {
      {"mine", {{"drafts", c.my_drafts}, {"shared", c.my_items - c.my_drafts}}},
      {"partner", c.partner_items}};
  report.json["notes"] = {{"mine", c.my_notes}, {"partner", c.partner_notes}};
  auto ready = [](bool mine, bool partner) {
    return std::string("me ") + (mine ? "ready" : "not yet") + ", partner " +
           (partner ? "ready" : "not yet");
  };
  set_line("lists", ready(c.consent[kMe][0], c.consent[store::kPartner][0]));
  set_line("notes", ready(c.consent[kMe][1], c.consent[store::kPartner][1]));
  set_line("items", std::to_string(c.my_items - c.my_drafts) + " shared, " +
                        std::to_string(c.my_drafts) + " private draft" +
                        (c.my_drafts == 1 ? "" : "s") + "; " +
                        std::to_string(c.partner_items) + " from my partner");
  set_line("thank-yous", std::to_string(c.my_notes) + " mine, " +
                             std::to_string(c.partner_notes) +
                             " from my partner");
}

}  // namespace inch::cli::lists
