// One registration function per command group. Each adds its subcommands
// to the app and, from each subcommand's callback, hands the Context the
// action to run (Context::SetAction) once parsing is complete. Add a group
// here and call it from BuildApp (app.cpp).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace inch::cli {

// init, unlock, lock, passphrase, status (node_commands.cpp).
void RegisterNodeCommands(CLI::App& app, Context& ctx);
// journal write/list/show/edit/delete, prompts (journal_commands.cpp).
void RegisterJournalCommands(CLI::App& app, Context& ctx);
// sync, unpair; partner lines in status (net_commands.cpp); it also
// registers pair (pair_command.cpp) and serve (serve_command.cpp).
void RegisterNetCommands(CLI::App& app, Context& ctx);
void RegisterPairCommand(CLI::App& app, Context& ctx);
void RegisterServeCommand(CLI::App& app, Context& ctx);
// wish, give, share, withdraw, ready, list, answer, choose, done, thank,
// notes, preview, show (lists_commands.cpp).
void RegisterListsCommands(CLI::App& app, Context& ctx);
// service install/uninstall: a systemd user unit (service_command.cpp).
void RegisterServiceCommand(CLI::App& app, Context& ctx);
// bundle write/read (bundle_command.cpp).
void RegisterBundleCommands(CLI::App& app, Context& ctx);
// ui: the web interface on this laptop (ui_command.cpp, ui/).
void RegisterUiCommand(CLI::App& app, Context& ctx);

}  // namespace inch::cli
