// Builds the CLI11 app with its global options and command groups, runs
// the chosen command and turns its Status into an exit code.
#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/terminal_text.hpp"

namespace inch::cli {
namespace {

// The deepest subcommand the user reached, for usage on errors.
const CLI::App* DeepestParsed(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) {
    if (sub->parsed()) return DeepestParsed(*sub);
  }
  return &app;
}

}  // namespace

int ExitCodeFor(Errc code) {
  switch (code) {
    case Errc::kUsage:
      return kExitUsage;
    case Errc::kLocked:
    case Errc::kWrongPassphrase:
      return kExitLocked;
    case Errc::kUnreachable:
      return kExitUnreachable;
    default:
      return kExitUser;
  }
}

int RunInch(int argc, char** argv) {
  CLI::App app{
      "inch: small, specific steps toward each other. Private by default."};
  app.name("inch");
  // Subcommands inherit fallthrough, so the global options below may also
  // follow the command: `inch journal list --json`.
  app.fallthrough();
  app.require_subcommand(1);
  Context ctx;
  app.add_option("--home", ctx.options.home,
                 "Node folder (or INCH_HOME; default $XDG_DATA_HOME/inch)")
      ->type_name("DIR");
  app.add_option("--passphrase-file", ctx.options.passphrase_file,
                 "Read the passphrase from the first line of FILE (or "
                 "INCH_PASSPHRASE_FILE)")
      ->type_name("FILE");
  app.add_flag("--json", ctx.options.json,
               "Print one JSON document instead of text for people");

  RegisterNodeCommands(app, ctx);
  RegisterJournalCommands(app, ctx);
  RegisterNetCommands(app, ctx);
  RegisterListsCommands(app, ctx);
  RegisterServiceCommand(app, ctx);
  RegisterBundleCommands(app, ctx);
  RegisterUiCommand(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    const CLI::App* where = DeepestParsed(app);
    std::vector<std::string> rest = where->remaining();
    // CLI11 reports an unknown command as a missing one; name it instead.
    std::string what = rest.empty() ? e.what()
                       : rest.front().starts_with("-")
                           ? "unknown option " + rest.front()
                           : "unknown command " + rest.front();
    // `what` may quote what was typed: printed harmless, as all output is.
    std::cerr << "inch: " << SafeText(what) << "\n\n" << where->help();
    return kExitUsage;
  }
  if (!ctx.action()) {
    std::cerr << "inch: nothing to do\n\n" << DeepestParsed(app)->help();
    return kExitUsage;
  }
  Status status = ctx.action()();
  if (!status) {
    std::cerr << "inch: " << SafeText(status.error().message) << '\n';
    if (status.error().code == Errc::kUsage) {
      std::cerr << '\n' << DeepestParsed(app)->help();
    }
    return ExitCodeFor(status.error().code);
  }
  return kExitOk;
}

}  // namespace inch::cli
