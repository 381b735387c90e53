// The private journal's commands (write, list, show, edit, delete) and the
// guided prompts. Text comes from the argument, $EDITOR or stdin, and
// plaintext copies held here are wiped once the store has sealed them.
#include <charconv>
#include <chrono>
#include <memory>

#include "cli/commands.hpp"
#include "cli/journal_json.hpp"
#include "cli/passphrase_input.hpp"
#include "cli/prompts.hpp"
#include "cli/text_input.hpp"

namespace inch::cli {
namespace {

constexpr std::size_t kListTextChars = 60;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::int64_t> ParseId(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '#') digits.remove_prefix(1);
  std::int64_t id = 0;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (digits.empty() || ec != std::errc() ||
      end != digits.data() + digits.size() || id <= 0) {
    return Fail(Errc::kInvalidInput,
                "'" + std::string(text) +
                    "' is not an entry id: see `inch journal list`");
  }
  return id;
}

// Puts the id into "not found" messages and says where ids are listed.
Error EntryError(const Error& e, std::int64_t id) {
  if (e.code == Errc::kNotFound) {
    return {e.code, "there is no journal entry #" + std::to_string(id) +
                        ": see `inch journal list`"};
  }
  return e;
}

struct WriteArgs {
  std::string text;
  CLI::Option* text_opt = nullptr;
  std::string prompt;
  std::vector<std::string> tags;
};

Status Write(Context& ctx, WriteArgs& args) {
  std::optional<std::string> prompt_id;
  if (!args.prompt.empty()) {
    const GuidedPrompt* p = FindPrompt(args.prompt);
    if (p == nullptr) {
      return Fail(Errc::kInvalidInput, "there is no prompt '" + args.prompt +
                                           "': see `inch prompts`");
    }
    prompt_id = std::string(p->id);
  }
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  // Unlock before the person spends time typing.
  auto journal = ctx.OpenJournal();
  if (!journal) return std::unexpected(journal.error());
  EntryRequest request;
  if (args.text_opt->count() > 0) request.arg = &args.text;
  if (prompt_id) request.question = FindPrompt(*prompt_id)->text;
  request.command = "inch journal write";
  // The editor shows the question in its buffer; piped text gets it here.
  if (!request.arg && prompt_id && !StdinIsTerminal()) {
    ctx.out().Hint(std::string(request.question));
  }
  auto text = ReadEntryText(request, *files);
  WipeString(args.text);
  if (!text) return std::unexpected(text.error());
  store::JournalEntry entry;
  entry.created_ms = entry.updated_ms = NowMs();
  auto id = (*journal)->Write(*text, prompt_id, args.tags, entry.created_ms);
  if (!id) {
    WipeString(*text);
    return std::unexpected(id.error());
  }
  entry.id = *id;
  entry.prompt_id = prompt_id;
  entry.tags = args.tags;
  if (ctx.out().json()) {
    entry.text = std::move(*text);
    ctx.out().Json(EntryJson(entry));
    WipeString(entry.text);
  } else {
    WipeString(*text);
    ctx.out().Line("Wrote #" + std::to_string(*id) + ".");
  }
  return {};
}

Status List(Context& ctx, std::size_t limit) {
  auto journal = ctx.OpenJournal();
  if (!journal) return std::unexpected(journal.error());
  auto entries = (*journal)->List(limit);
  if (!entries) return std::unexpected(entries.error());
  if (ctx.out().json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : *entries) list.push_back(EntryJson(e));
    ctx.out().Json(list);
  } else if (entries->empty()) {
    ctx.out().Line("No entries yet. Write one with `inch journal write`.");
  } else {
    std::size_t width = std::to_string(entries->front().id).size();
    for (const auto& e : *entries)
      width = std::max(width, std::to_string(e.id).size());
    for (const auto& e : *entries) {
      std::string id = std::to_string(e.id);
      std::string line = "#" + id + std::string(width - id.size() + 2, ' ') +
                         ctx.out().Dim(LocalMinute(e.created_ms)) + "  ";
      if (e.prompt_id) line += ctx.out().Dim("[" + *e.prompt_id + "]") + " ";
      line += FirstLine(e.text, kListTextChars);
      ctx.out().Line(line);
    }
  }
  for (auto& e : *entries) WipeString(e.text);
  return {};
}

Status Show(Context& ctx, const std::string& id_text) {
  auto id = ParseId(id_text);
  if (!id) return std::unexpected(id.error());
  auto journal = ctx.OpenJournal();
  if (!journal) return std::unexpected(journal.error());
  auto entry = (*journal)->Get(*id);
  if (!entry) return std::unexpected(EntryError(entry.error(), *id));
  if (ctx.out().json()) {
    ctx.out().Json(EntryJson(*entry));
  } else {
    std::string head = ctx.out().Bold("#" + std::to_string(entry->id)) + "  " +
                       LocalMinute(entry->created_ms);
    if (entry->updated_ms != entry->created_ms) {
      head +=
          ctx.out().Dim("  (edited " + LocalMinute(entry->updated_ms) + ")");
    }
    ctx.out().Line(head);
    if (entry->prompt_id) {
      const GuidedPrompt* p = FindPrompt(*entry->prompt_id);
      ctx.out().Line(ctx.out().Dim(*entry->prompt_id +
                                   (p ? ": " + std::string(p->text) : "")));
    }
    if (!entry->tags.empty()) {
      std::string tags;
      for (const auto& t : entry->tags) tags += (tags.empty() ? "" : ", ") + t;
      ctx.out().Line(ctx.out().Dim("tags: " + tags));
    }
    ctx.out().Line("");
    ctx.out().Line(entry->text);
  }
  WipeString(entry->text);
  return {};
}

Status Edit(Context& ctx, const std::string& id_text, WriteArgs& args) {
  auto id = ParseId(id_text);
  if (!id) return std::unexpected(id.error());
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  auto journal = ctx.OpenJournal();
  if (!journal) return std::unexpected(journal.error());
  auto entry = (*journal)->Get(*id);
  if (!entry) return std::unexpected(EntryError(entry.error(), *id));
  EntryRequest request;
  if (args.text_opt->count() > 0) request.arg = &args.text;
  request.initial = entry->text;
  if (entry->prompt_id) {
    if (const GuidedPrompt* p = FindPrompt(*entry->prompt_id)) {
      request.question = p->text;
    }
  }
  request.command = "inch journal edit " + std::to_string(*id);
  auto text = ReadEntryText(request, *files);
  WipeString(args.text);
  if (!text) {
    WipeString(entry->text);
    return std::unexpected(text.error());
  }
  std::int64_t now = NowMs();
  auto ok = (*journal)->Edit(*id, *text, now);
  WipeString(entry->text);
  if (!ok) {
    WipeString(*text);
    return std::unexpected(EntryError(ok.error(), *id));
  }
  if (ctx.out().json()) {
    entry->text = std::move(*text);
    entry->updated_ms = now;
    ctx.out().Json(EntryJson(*entry));
    WipeString(entry->text);
  } else {
    WipeString(*text);
    ctx.out().Line("Edited #" + std::to_string(*id) + ".");
  }
  return {};
}

Status Delete(Context& ctx, const std::string& id_text) {
  auto id = ParseId(id_text);
  if (!id) return std::unexpected(id.error());
  auto journal = ctx.OpenJournal();
  if (!journal) return std::unexpected(journal.error());
  if (auto ok = (*journal)->Delete(*id); !ok) {
    return std::unexpected(EntryError(ok.error(), *id));
  }
  if (ctx.out().json()) {
    ctx.out().Json({{"id", *id}, {"deleted", true}});
  } else {
    ctx.out().Line("Deleted #" + std::to_string(*id) +
                   ": its text is gone from this laptop.");
  }
  return {};
}

Status ListPrompts(Context& ctx) {
  if (ctx.out().json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : GuidedPrompts()) {
      list.push_back({{"id", p.id}, {"text", p.text}});
    }
    ctx.out().Json(list);
    return {};
  }
  std::size_t width = 0;
  for (const auto& p : GuidedPrompts()) width = std::max(width, p.id.size());
  for (const auto& p : GuidedPrompts()) {
    std::string id(p.id);
    ctx.out().Line(ctx.out().Bold(id) +
                   std::string(width - id.size() + 2, ' ') +
                   std::string(p.text));
  }
  ctx.out().Hint("\nAnswer one privately: inch journal write --prompt ID");
  return {};
}

}  // namespace

void RegisterJournalCommands(CLI::App& app, Context& ctx) {
  auto* journal = app.add_subcommand(
      "journal", "Private reflections: they never leave this laptop");
  journal->require_subcommand(1);

  auto write_args = std::make_shared<WriteArgs>();
  auto* write = journal->add_subcommand(
      "write", "Write an entry (no TEXT: $EDITOR, or stdin when piped)");
  write_args->text_opt =
      write->add_option("text", write_args->text, "The entry")
          ->type_name("TEXT");
  write
      ->add_option("--prompt", write_args->prompt,
                   "Answer a guided question (see `inch prompts`)")
      ->type_name("ID");
  write
      ->add_option("--tag", write_args->tags,
                   "A tag for the entry (repeatable)")
      ->type_name("TAG")
      ->allow_extra_args(false);  // one value each: TEXT may follow
  write->callback([&ctx, write_args] {
    ctx.SetAction([&ctx, write_args] { return Write(ctx, *write_args); });
  });

  auto limit = std::make_shared<std::size_t>(20);
  auto* list = journal->add_subcommand("list", "Entries, newest first");
  list->add_option("--limit", *limit, "How many to show")
      ->type_name("N")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  list->callback([&ctx, limit] {
    ctx.SetAction([&ctx, limit] { return List(ctx, *limit); });
  });

  auto show_id = std::make_shared<std::string>();
  auto* show = journal->add_subcommand("show", "One entry in full");
  show->add_option("id", *show_id, "Entry id")->required()->type_name("ID");
  show->callback([&ctx, show_id] {
    ctx.SetAction([&ctx, show_id] { return Show(ctx, *show_id); });
  });

  auto edit_id = std::make_shared<std::string>();
  auto edit_args = std::make_shared<WriteArgs>();
  auto* edit = journal->add_subcommand(
      "edit", "Replace an entry's text (no TEXT: $EDITOR, or stdin)");
  edit->add_option("id", *edit_id, "Entry id")->required()->type_name("ID");
  edit_args->text_opt =
      edit->add_option("text", edit_args->text, "The new text")
          ->type_name("TEXT");
  edit->callback([&ctx, edit_id, edit_args] {
    ctx.SetAction(
        [&ctx, edit_id, edit_args] { return Edit(ctx, *edit_id, *edit_args); });
  });

  auto delete_id = std::make_shared<std::string>();
  auto* del = journal->add_subcommand("delete", "Delete an entry for good");
  del->add_option("id", *delete_id, "Entry id")->required()->type_name("ID");
  del->callback([&ctx, delete_id] {
    ctx.SetAction([&ctx, delete_id] { return Delete(ctx, *delete_id); });
  });

  app.add_subcommand("prompts", "The guided questions, with their ids")
      ->callback(
          [&ctx] { ctx.SetAction([&ctx] { return ListPrompts(ctx); }); });
}

}  // namespace inch::cli
