// The shared lists and notes: wish add/edit, give add/edit, share, withdraw,
// ready, list, answer, choose, done, thank, notes, preview, show. Every change
// goes through the shared store as an op; what may leave the node is the
// store's consent gate's decision, never this file's. The views are in
// lists_view.cpp.
#include <algorithm>
#include <memory>

#include "cli/commands.hpp"
#include "cli/lists_format.hpp"

namespace inch::cli {
namespace {

using lists::ItemJson;
using lists::KindName;
using lists::ParseItem;
using lists::ParseSize;
using lists::WithItemError;
using lists::WithStore;
using store::ItemId;
using store::ItemKind;
using store::ItemState;

// The item just written, folded from its own ops only; kCorrupt if it is
// missing (the store said it wrote it).
Result<ItemState> ItemOrFail(store::SharedReader& s, ItemId id) {
  auto item = s.Item(id);
  if (!item) return std::unexpected(item.error());
  if (!*item) return Fail(Errc::kCorrupt, "the item just written is missing");
  return std::move(**item);
}

// Prints the created item (its id above all).
Status PrintCreated(Context& ctx, store::SharedReader& s,
                    const Result<ItemId>& id) {
  if (!id) return std::unexpected(id.error());
  auto item = ItemOrFail(s, *id);
  if (!item) return std::unexpected(item.error());
  const ItemState& it = *item;
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

struct GiveArgs {
  std::string text, size = "small", for_wish, smaller_than;
};

Status AddGive(Context& ctx, const GiveArgs& a) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    auto size = ParseSize(a.size);
    if (!size) return std::unexpected(size.error());
    std::optional<ItemId> for_wish, smaller;
    if (!a.for_wish.empty()) {
      auto id = ParseItem(s.reader(), a.for_wish);
      if (!id) return std::unexpected(id.error());
      for_wish = *id;
    }
    if (!a.smaller_than.empty()) {
      auto id = ParseItem(s.reader(), a.smaller_than);
      if (!id) return std::unexpected(id.error());
      smaller = *id;
    }
    return PrintCreated(ctx, s.reader(),
                        s.edits().AddGive(a.text, *size, for_wish, smaller));
  });
}

struct ThankArgs {
  std::string text, for_give;
};

// A note; with --for, also the thanked mark on the partner's give (one
// transaction in the store, after checking the give: nothing on error).
Status Thank(Context& ctx, const ThankArgs& a) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    std::optional<ItemId> give;
    if (!a.for_give.empty()) {
      auto id = ParseItem(s.reader(), a.for_give);
      if (!id) return std::unexpected(id.error());
      give = *id;
    }
    auto id = s.edits().AddNote(a.text, give);
    if (!id) {
      return WithItemError(std::unexpected(id.error()), a.for_give);
    }
    if (!give) return PrintCreated(ctx, s.reader(), id);
    auto note = ItemOrFail(s.reader(), *id);
    if (!note) return std::unexpected(note.error());
    if (ctx.out().json()) {
      auto j = ItemJson(s.reader(), *note);
      j["thanks_for"] = s.reader().FormatId(*give);
      ctx.out().Json(j);
    } else {
      ctx.out().Line("Added note " + ctx.out().Bold(s.reader().FormatId(*id)) +
                     " and marked " + s.reader().FormatId(*give) +
                     " as thanked.");
      ctx.out().Hint("`inch preview` shows when it reaches your partner.");
    }
    return {};
  });
}

// `wish edit` / `give edit`. The options are kept because only the fields
// the user gave may change: count() tells "given" from "left out".
struct EditArgs {
  std::string id, text, size;
  int importance = 0;
  CLI::Option* text_opt = nullptr;
  CLI::Option* importance_opt = nullptr;  // wish edit only
  CLI::Option* size_opt = nullptr;        // give edit only
};

bool Given(const CLI::Option* opt) { return opt && opt->count() > 0; }

// Edits one of my live wishes or gives, of the kind the command names. Every
// refusal (partner's item, a note, the other kind, withdrawn, bad text or
// value) happens before the store appends its one Edit op: nothing changes.
// An edit of a shared item follows the item through the consent gate, like
// any later op on it.
Status EditItem(Context& ctx, ItemKind kind, const EditArgs& a) {
  const std::string kind_name = KindName(kind);
  if (!Given(a.text_opt) && !Given(a.importance_opt) && !Given(a.size_opt)) {
    return Fail(Errc::kUsage,
                "say what to change: --text" +
                    std::string(kind == ItemKind::kWish ? " and/or --importance"
                                                        : " and/or --size"));
  }
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    std::optional<store::GiveSize> size;
    if (Given(a.size_opt)) {
      auto parsed = ParseSize(a.size);
      if (!parsed) return std::unexpected(parsed.error());
      size = *parsed;
    }
    auto id = ParseItem(s.reader(), a.id);
    if (!id) return std::unexpected(id.error());
    auto before = s.reader().Item(*id);
    if (!before) return std::unexpected(before.error());
    if (!*before) {
      return WithItemError(Fail(Errc::kNotFound, "withdrawn"), a.id);
    }
    const ItemKind actual = (*before)->kind;
    const std::string actual_name = KindName(actual);
    if (id->author != store::kMe) {
      return Fail(Errc::kInvalidInput,
                  a.id + " is your partner's " + actual_name +
                      ": you can only edit your own items");
    }
    if (actual == ItemKind::kNote) {
      return Fail(Errc::kInvalidInput,
                  a.id +
                      " is a note: a note cannot be edited (withdraw it and "
                      "write a new one)");
    }
    if (actual != kind) {
      return Fail(Errc::kInvalidInput,
                  a.id + " is a " + actual_name + ", not a " + kind_name +
                      ": use `inch " + actual_name + " edit`");
    }
    std::optional<std::string_view> text;
    if (Given(a.text_opt)) text = a.text;
    std::optional<int> importance;
    if (Given(a.importance_opt)) importance = a.importance;
    if (auto r =
            WithItemError(s.edits().Edit(*id, text, importance, size), a.id);
        !r)
      return r;

    auto after = ItemOrFail(s.reader(), *id);
    if (!after) return std::unexpected(after.error());
    const ItemState& it = *after;
    if (ctx.out().json()) {
      ctx.out().Json(ItemJson(s.reader(), it));
    } else {
      ctx.out().Line("Edited " + kind_name + " " +
                     ctx.out().Bold(s.reader().FormatId(*id)) + ".");
      ctx.out().Hint(it.shared
                         ? "`inch preview` shows when the change reaches your "
                           "partner."
                         : "It is still private until you run `inch share " +
                               s.reader().FormatId(*id) + "`.");
    }
    return {};
  });
}

// Adds `edit ID [--text TEXT]` under `group` (wish or give); the caller
// adds the kind's own option to the returned command.
CLI::App* AddEditCommand(CLI::App* group, Context& ctx, ItemKind kind,
                         const std::shared_ptr<EditArgs>& args) {
  const std::string name = KindName(kind);
  auto* edit = group->add_subcommand("edit", kind == ItemKind::kWish
                                                 ? "Edit one of your wishes"
                                                 : "Edit one of your gives");
  edit->add_option("id", args->id, "Your " + name)->required()->type_name("ID");
  args->text_opt =
      edit->add_option("--text", args->text, "The new text")->type_name("TEXT");
  edit->callback([&ctx, kind, args] {
    ctx.SetAction([&ctx, kind, args] { return EditItem(ctx, kind, *args); });
  });
  return edit;
}

// Runs `act` on each id; all ids are checked before anything changes.
Status ForEachId(Context& ctx, const std::vector<std::string>& ids,
                 const char* verb,
                 const std::function<Status(store::LocalEdits&, ItemId)>& act) {
  return WithStore(ctx, [&](store::SharedStore& s) -> Status {
    std::vector<ItemId> parsed;
    for (const auto& text : ids) {
      auto id = ParseItem(s.reader(), text);
      if (!id) return std::unexpected(id.error());
      parsed.push_back(*id);
    }
    nlohmann::json done = nlohmann::json::array();
    for (std::size_t i = 0; i < parsed.size(); ++i) {
      if (auto r = WithItemError(act(s.edits(), parsed[i]), ids[i]); !r)
        return r;
      done.push_back(
          {{"id", s.reader().FormatId(parsed[i])}, {"status", verb}});
      if (!ctx.out().json())
        ctx.out().Line(std::string(verb) + " " +
                       s.reader().FormatId(parsed[i]) + ".");
    }
    if (ctx.out().json()) ctx.out().Json(done);
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
        return PrintCreated(ctx, s.reader(),
                            s.edits().AddWish(*wish_text, *importance));
      });
    });
  });

  // wish edit ID [--text TEXT] [--importance N]
  auto wish_edit_args = std::make_shared<EditArgs>();
  auto* wish_edit = AddEditCommand(wish, ctx, ItemKind::kWish, wish_edit_args);
  wish_edit_args->importance_opt =
      wish_edit
          ->add_option("--importance", wish_edit_args->importance,
                       "How much it reaches you, 1 to 5")
          ->type_name("1-5");

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

  // give edit ID [--text TEXT] [--size S]
  auto give_edit_args = std::make_shared<EditArgs>();
  auto* give_edit = AddEditCommand(give, ctx, ItemKind::kGive, give_edit_args);
  give_edit_args->size_opt =
      give_edit
          ->add_option("--size", give_edit_args->size, "small, medium or large")
          ->type_name("SIZE");

  auto share_ids = std::make_shared<std::vector<std::string>>();
  auto* share = app.add_subcommand(
      "share", "Share your items (they flow once both are ready)");
  share->add_option("ids", *share_ids, "Item ids")->required()->type_name("ID");
  share->callback([&ctx, share_ids] {
    ctx.SetAction([&ctx, share_ids] {
      return ForEachId(
          ctx, *share_ids, "Shared",
          [](store::LocalEdits& s, ItemId id) { return s.Share(id); });
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
          [](store::LocalEdits& s, ItemId id) { return s.Withdraw(id); });
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
        if (auto r = s.edits().SetConsent(kind, !*off); !r) return r;
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
  auto list_wrap = std::make_shared<bool>(false);
  list->add_flag("--wrap", *list_wrap, "Whole texts, wrapped, not cut");
  list->callback([&ctx, mine, partner, list_wrap] {
    ctx.SetAction([&ctx, mine, partner, list_wrap] {
      return lists::ShowList(ctx, *mine, *partner, *list_wrap);
    });
  });

  auto answer_id = std::make_shared<std::string>(),
       answer = std::make_shared<std::string>();
  auto* ans = app.add_subcommand(
      "answer", "A private answer to a partner's wish (never sent)");
  ans->add_option("id", *answer_id, "The partner's wish")
      ->required()
      ->type_name("ID");
  ans->add_option("answer", *answer,
                  "not-yet or no; take-back forgets the answer")
      ->required()
      ->check(CLI::IsMember({"not-yet", "no", "take-back"}));
  ans->callback([&ctx, answer_id, answer] {
    ctx.SetAction([&ctx, answer_id, answer] {
      std::optional<store::PrivateAnswer> taken;
      if (*answer == "no") taken = store::PrivateAnswer::kNo;
      if (*answer == "not-yet") taken = store::PrivateAnswer::kNotYet;
      return ForEachId(ctx, {*answer_id},
                       taken ? "Noted privately" : "Taken back",
                       [&](store::LocalEdits& s, ItemId id) {
                         return s.AnswerPrivately(id, taken);
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
    cmd->callback([&ctx, id, progress = progress, verb] {
      ctx.SetAction([&ctx, id, progress, verb] {
        return ForEachId(ctx, {*id}, verb,
                         [progress](store::LocalEdits& s, ItemId item) {
                           return s.Respond(item, progress);
                         });
      });
    });
  }

  auto thank_args = std::make_shared<ThankArgs>();
  auto* thank = app.add_subcommand("thank", "Send an appreciation note");
  thank->add_option("text", thank_args->text, "The note")
      ->required()
      ->type_name("TEXT");
  thank
      ->add_option("--for", thank_args->for_give,
                   "Your partner's give it thanks (marks it thanked)")
      ->type_name("ITEM");
  thank->callback([&ctx, thank_args] {
    ctx.SetAction([&ctx, thank_args] { return Thank(ctx, *thank_args); });
  });

  ctx.AddStatusSection(lists::StatusSection);

  app.add_subcommand("notes", "Appreciation notes, sent and received")
      ->callback(
          [&ctx] { ctx.SetAction([&ctx] { return lists::ShowNotes(ctx); }); });
  auto preview_wrap = std::make_shared<bool>(false);
  auto* preview = app.add_subcommand(
      "preview", "What your partner's node holds or will receive from you");
  preview->add_flag("--wrap", *preview_wrap, "Whole texts, wrapped, not cut");
  preview->callback([&ctx, preview_wrap] {
    ctx.SetAction([&ctx, preview_wrap] {
      return lists::ShowPreview(ctx, *preview_wrap);
    });
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = app.add_subcommand(
      "show", "One wish, give or note, its whole text, with its marks");
  show->add_option("id", *show_id, "The item")->required()->type_name("ID");
  show->callback([&ctx, show_id] {
    ctx.SetAction([&ctx, show_id] { return lists::ShowItem(ctx, *show_id); });
  });
}

}  // namespace inch::cli
