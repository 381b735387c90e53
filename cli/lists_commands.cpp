// The shared lists and notes: wish, give, share, withdraw, ready, list,
// answer, choose, done, thank, notes, preview. Every change goes through the
// shared store as an op; what may leave the node is the store's consent
// gate's decision, never this file's.
#include <algorithm>
#include <memory>

#include "cli/commands.hpp"

namespace inch::cli {
namespace {

using store::ItemId;
using store::ItemKind;
using store::ItemState;

constexpr std::size_t kListTextChars = 60;

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

Result<store::GiveSize> ParseSize(const std::string& s) {
  if (s == "small") return store::GiveSize::kSmall;
  if (s == "medium") return store::GiveSize::kMedium;
  if (s == "large") return store::GiveSize::kLarge;
  return Fail(Errc::kInvalidInput,
              "size must be small, medium or large, not '" + s + "'");
}

// Item ids in messages say where to find the ids.
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

nlohmann::json ItemJson(
    store::SharedStore& s, const ItemState& it,
    const std::optional<store::PrivateAnswer>& answer = std::nullopt) {
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
    j["thanked"] = it.thanked;
  }
  if (answer)
    j["private_answer"] =
        *answer == store::PrivateAnswer::kNo ? "no" : "not-yet";
  return j;
}

// Prints the created item (its id above all).
Status PrintCreated(Context& ctx, store::SharedStore& s,
                    const Result<ItemId>& id) {
  if (!id) return std::unexpected(id.error());
  auto state = s.CurrentState();
  if (!state) return std::unexpected(state.error());
  const ItemState& it = state->items.at(*id);
  if (ctx.out().json()) {
    ctx.out().Json(ItemJson(s, it));
  } else {
    ctx.out().Line("Added " + std::string(KindName(it.kind)) + " " +
                   ctx.out().Bold(s.FormatId(*id)) + ".");
    if (it.kind != ItemKind::kNote) {
      ctx.out().Hint("It is private until you run `inch share " +
                     s.FormatId(*id) + "`.");
    }
  }
  return {};
}

template <class F>
Status WithStore(Context& ctx, F&& body) {
  auto s = ctx.OpenSharedStore();
  if (!s) return std::unexpected(s.error());
  return body(**s);
}

struct GiveArgs {
  std::string text, size = "small", for_wish, smaller_than;
};

Status AddGive(Context& ctx, const GiveArgs& a) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    auto size = ParseSize(a.size);
    if (!size) return std::unexpected(size.error());
    std::optional<ItemId> for_wish, smaller;
    if (!a.for_wish.empty()) {
      auto id = ParseItem(s, a.for_wish);
      if (!id) return std::unexpected(id.error());
      for_wish = *id;
    }
    if (!a.smaller_than.empty()) {
      auto id = ParseItem(s, a.smaller_than);
      if (!id) return std::unexpected(id.error());
      smaller = *id;
    }
    return PrintCreated(ctx, s, s.AddGive(a.text, *size, for_wish, smaller));
  });
}

// Runs `act` on each id; all ids are checked before anything changes.
Status ForEachId(
    Context& ctx, const std::vector<std::string>& ids, const char* verb,
    const std::function<Status(store::SharedStore&, ItemId)>& act) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    std::vector<ItemId> parsed;
    for (const auto& text : ids) {
      auto id = ParseItem(s, text);
      if (!id) return std::unexpected(id.error());
      parsed.push_back(*id);
    }
    nlohmann::json done = nlohmann::json::array();
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      if (auto r = WithItemError(act(s, parsed[i]), ids[i]); !r) return r;
      done.push_back({{"id", s.FormatId(parsed[i])}, {"status", verb}});
      if (!ctx.out().json())
        ctx.out().Line(std::string(verb) + " " + s.FormatId(parsed[i]) + ".");
    }
    if (ctx.out().json()) ctx.out().Json(done);
    return {};
  });
}

// Easiest first: gives by size, wishes by importance (most wanted first).
void SortEasiestFirst(std::vector<const ItemState*>& items) {
  std::stable_sort(
      items.begin(), items.end(), [](const ItemState* a, const ItemState* b) {
        auto key = [](const ItemState* x) {
          const int size =
              x->kind == ItemKind::kGive ? static_cast<int>(x->size) : 0;
          return std::tuple(x->id.author, x->kind == ItemKind::kWish, size,
                            -x->importance, x->created_hlc);
        };
        return key(a) < key(b);
      });
}

Status List(Context& ctx, bool mine_only, bool partner_only) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    auto state = s.CurrentState();
    if (!state) return std::unexpected(state.error());
    std::vector<const ItemState*> items;
    for (const auto& [id, it] : state->items) {
      if (it.kind == ItemKind::kNote) continue;
      if ((mine_only && id.author != store::kMe) ||
          (partner_only && id.author == store::kMe)) {
        continue;
      }
      items.push_back(&it);
    }
    SortEasiestFirst(items);
    if (ctx.out().json()) {
      nlohmann::json list = nlohmann::json::array();
      for (const ItemState* it : items) {
        auto answer = s.PrivateAnswerFor(it->id);
        if (!answer) return std::unexpected(answer.error());
        list.push_back(ItemJson(s, *it, *answer));
      }
      ctx.out().Json(list);
      return {};
    }
    if (items.empty()) {
      ctx.out().Line(
          "No wishes or gives yet. Add one with `inch wish add` or `inch give "
          "add`.");
      return {};
    }
    int last_author = -1;
    for (const ItemState* it : items) {
      if (it->id.author != last_author) {
        if (last_author != -1) ctx.out().Line("");
        ctx.out().Line(ctx.out().Bold(
            it->id.author == store::kMe ? "Mine" : "My partner's"));
        last_author = it->id.author;
      }
      std::string detail =
          it->kind == ItemKind::kWish
              ? "wish " +
                    std::string(static_cast<std::size_t>(it->importance), '*')
              : "give " + std::string(SizeName(it->size));
      if (it->kind == ItemKind::kGive &&
          it->progress != store::Progress::kOffered) {
        detail += ", " + std::string(ProgressName(it->progress));
      }
      if (it->thanked) detail += ", thanked";
      if (it->id.author == store::kMe && !it->shared)
        detail += ", private draft";
      if (it->for_item) detail += ", for " + s.FormatId(*it->for_item);
      if (it->smaller_than)
        detail += ", smaller than " + s.FormatId(*it->smaller_than);
      std::string id = s.FormatId(it->id);
      ctx.out().Line("  " + ctx.out().Bold(id) +
                     std::string(id.size() < 10 ? 10 - id.size() : 1, ' ') +
                     FirstLine(it->text, kListTextChars) + "  " +
                     ctx.out().Dim("(" + detail + ")"));
    }
    return {};
  });
}

Status Notes(Context& ctx) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    auto state = s.CurrentState();
    if (!state) return std::unexpected(state.error());
    std::vector<const ItemState*> notes;
    for (const auto& [id, it] : state->items) {
      if (it.kind == ItemKind::kNote) notes.push_back(&it);
    }
    std::sort(notes.begin(), notes.end(), [](auto* a, auto* b) {
      return a->created_hlc > b->created_hlc;  // newest first
    });
    if (ctx.out().json()) {
      nlohmann::json list = nlohmann::json::array();
      for (auto* n : notes) {
        list.push_back(
            {{"id", s.FormatId(n->id)},
             {"direction", n->id.author == store::kMe ? "sent" : "received"},
             {"text", n->text},
             {"created_ms", n->created_hlc >> 16}});
      }
      ctx.out().Json(list);
    } else if (notes.empty()) {
      ctx.out().Line("No notes yet. Write one with `inch thank TEXT`.");
    } else {
      for (auto* n : notes) {
        ctx.out().Line(
            ctx.out().Dim(
                LocalMinute(static_cast<std::int64_t>(n->created_hlc >> 16)) +
                (n->id.author == store::kMe ? "  to partner  "
                                            : "  from partner") +
                "  " + s.FormatId(n->id)) +
            "  " + n->text);
      }
    }
    return {};
  });
}

Status Preview(Context& ctx) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    auto entries = s.Preview();
    if (!entries) return std::unexpected(entries.error());
    auto state_name = [](store::PreviewState p) {
      switch (p) {
        case store::PreviewState::kSent:
          return "sent";
        case store::PreviewState::kWaitingForMe:
          return "waiting for my consent";
        case store::PreviewState::kWaitingForPartner:
          return "waiting for my partner's consent";
        case store::PreviewState::kDraft:
          return "draft";
      }
      return "?";
    };
    nlohmann::json list = nlohmann::json::array();
    std::size_t shown = 0;
    for (const auto& e : *entries) {
      // Drafts never leave, so they are not part of what the partner holds.
      if (e.state == store::PreviewState::kDraft) continue;
      ++shown;
      if (ctx.out().json()) {
        auto j = ItemJson(s, e.item);
        j["state"] = e.state == store::PreviewState::kSent ? "sent"
                     : e.state == store::PreviewState::kWaitingForMe
                         ? "waiting_for_me"
                         : "waiting_for_partner";
        list.push_back(j);
      } else {
        ctx.out().Line(
            ctx.out().Bold(s.FormatId(e.item.id)) + "  " +
            KindName(e.item.kind) + "  " +
            FirstLine(e.item.text, kListTextChars) + "  " +
            ctx.out().Dim("(" + std::string(state_name(e.state)) + ")"));
      }
    }
    if (ctx.out().json()) {
      ctx.out().Json(list);
    } else if (shown == 0) {
      ctx.out().Line(
          "Nothing: your partner's node holds nothing of yours and will "
          "receive nothing.");
    }
    return {};
  });
}

}  // namespace

void RegisterListsCommands(CLI::App& app, Context& ctx) {
  // wish add TEXT [--importance N]
  auto* wish = app.add_subcommand(
      "wish", "Wishes: small, specific things you'd love more of");
  wish->require_subcommand(1);
  auto wish_text = std::make_shared<std::string>();
  auto importance = std::make_shared<int>(3);
  auto* wish_add =
      wish->add_subcommand("add", "Add a wish (private until shared)");
  wish_add->add_option("text", *wish_text, "The wish")
      ->required()
      ->type_name("TEXT");
  wish_add
      ->add_option("--importance", *importance,
                   "How much it reaches you, 1 to 5")
      ->type_name("1-5")
      ->capture_default_str();
  wish_add->callback([&ctx, wish_text, importance] {
    ctx.SetAction([&ctx, wish_text, importance] {
      return WithStore(ctx, [&](store::SharedStore& s) {
        return PrintCreated(ctx, s, s.AddWish(*wish_text, *importance));
      });
    });
  });

  auto* give =
      app.add_subcommand("give", "Gives: what you are willing to give");
  give->require_subcommand(1);
  auto give_args = std::make_shared<GiveArgs>();
  auto* give_add =
      give->add_subcommand("add", "Add a give (private until shared)");
  give_add->add_option("text", give_args->text, "The give")
      ->required()
      ->type_name("TEXT");
  give_add->add_option("--size", give_args->size, "small, medium or large")
      ->type_name("SIZE")
      ->capture_default_str();
  give_add
      ->add_option("--for", give_args->for_wish,
                   "Your partner's wish it answers")
      ->type_name("WISH");
  give_add
      ->add_option("--smaller-than", give_args->smaller_than,
                   "A smaller step of this item (a ladder rung)")
      ->type_name("ITEM");
  give_add->callback([&ctx, give_args] {
    ctx.SetAction([&ctx, give_args] { return AddGive(ctx, *give_args); });
  });

  auto share_ids = std::make_shared<std::vector<std::string>>();
  auto* share = app.add_subcommand(
      "share", "Share your items (they flow once both are ready)");
  share->add_option("ids", *share_ids, "Item ids")->required()->type_name("ID");
  share->callback([&ctx, share_ids] {
    ctx.SetAction([&ctx, share_ids] {
      return ForEachId(
          ctx, *share_ids, "Shared",
          [](store::SharedStore& s, ItemId id) { return s.Share(id); });
    });
  });

  auto withdraw_ids = std::make_shared<std::vector<std::string>>();
  auto* withdraw = app.add_subcommand(
      "withdraw", "Withdraw your items or notes, everywhere");
  withdraw->add_option("ids", *withdraw_ids, "Item ids")
      ->required()
      ->type_name("ID");
  withdraw->callback([&ctx, withdraw_ids] {
    ctx.SetAction([&ctx, withdraw_ids] {
      return ForEachId(
          ctx, *withdraw_ids, "Withdrew",
          [](store::SharedStore& s, ItemId id) { return s.Withdraw(id); });
    });
  });

  auto what = std::make_shared<std::string>();
  auto off = std::make_shared<bool>(false);
  auto* ready = app.add_subcommand("ready", "Your half of the mutual consent");
  ready->add_option("what", *what, "lists or notes")
      ->required()
      ->check(CLI::IsMember({"lists", "notes"}));
  ready->add_flag("--off", *off, "Withdraw your consent");
  ready->callback([&ctx, what, off] {
    ctx.SetAction([&ctx, what, off] {
      return WithStore(ctx, [&](store::SharedStore& s) -> Status {
        const auto kind = *what == "lists" ? store::ConsentKind::kLists
                                           : store::ConsentKind::kNotes;
        if (auto r = s.SetConsent(kind, !*off); !r) return r;
        if (ctx.out().json()) {
          ctx.out().Json({{"consent", *what}, {"on", !*off}});
        } else {
          ctx.out().Line(std::string(*off ? "Not ready" : "Ready") + " for " +
                         *what + ".");
        }
        return {};
      });
    });
  });

  auto mine = std::make_shared<bool>(false),
       partner = std::make_shared<bool>(false);
  auto* list = app.add_subcommand("list", "Wishes and gives, easiest first");
  auto* mine_opt = list->add_flag("--mine", *mine, "Only mine");
  list->add_flag("--partner", *partner, "Only my partner's")
      ->excludes(mine_opt);
  list->callback([&ctx, mine, partner] {
    ctx.SetAction([&ctx, mine, partner] { return List(ctx, *mine, *partner); });
  });

  auto answer_id = std::make_shared<std::string>(),
       answer = std::make_shared<std::string>();
  auto* ans = app.add_subcommand(
      "answer", "A private answer to a partner's wish (never sent)");
  ans->add_option("id", *answer_id, "The partner's wish")
      ->required()
      ->type_name("ID");
  ans->add_option("answer", *answer, "not-yet or no")
      ->required()
      ->check(CLI::IsMember({"not-yet", "no"}));
  ans->callback([&ctx, answer_id, answer] {
    ctx.SetAction([&ctx, answer_id, answer] {
      return ForEachId(ctx, {*answer_id}, "Noted privately",
                       [&](store::SharedStore& s, ItemId id) {
                         return s.AnswerPrivately(
                             id, *answer == "no"
                                     ? store::PrivateAnswer::kNo
                                     : store::PrivateAnswer::kNotYet);
                       });
    });
  });

  for (auto [name, help, progress] :
       {std::tuple{"choose", "Choose one of your partner's gives",
                   store::Progress::kChosen},
        std::tuple{"done", "Mark one of your partner's gives as done",
                   store::Progress::kDone}}) {
    auto id = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("id", *id, "The partner's give")
        ->required()
        ->type_name("ID");
    const char* verb =
        progress == store::Progress::kChosen ? "Chose" : "Marked done";
    cmd->callback([&ctx, id, progress, verb] {
      ctx.SetAction([&ctx, id, progress, verb] {
        return ForEachId(ctx, {*id}, verb,
                         [progress](store::SharedStore& s, ItemId item) {
                           return s.Respond(item, progress);
                         });
      });
    });
  }

  auto thank_text = std::make_shared<std::string>();
  auto* thank = app.add_subcommand("thank", "Send an appreciation note");
  thank->add_option("text", *thank_text, "The note")
      ->required()
      ->type_name("TEXT");
  thank->callback([&ctx, thank_text] {
    ctx.SetAction([&ctx, thank_text] {
      return WithStore(ctx, [&](store::SharedStore& s) {
        return PrintCreated(ctx, s, s.AddNote(*thank_text));
      });
    });
  });

  app.add_subcommand("notes", "Appreciation notes, sent and received")
      ->callback([&ctx] { ctx.SetAction([&ctx] { return Notes(ctx); }); });
  app.add_subcommand("preview",
                     "What your partner's node holds or will receive from you")
      ->callback([&ctx] { ctx.SetAction([&ctx] { return Preview(ctx); }); });
}

}  // namespace inch::cli
