// `inch ui [--no-open] [--listen 127.0.0.1:PORT]`: the web interface on
// this laptop only (ui/ui_run.hpp does the work).
#include "cli/commands.hpp"
#include "ui/ui_run.hpp"

namespace inch::cli {

void RegisterUiCommand(CLI::App& app, Context& ctx) {
  auto options = std::make_shared<ui::UiOptions>();
  auto no_open = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand(
      "ui", "Open inch in your browser, on this laptop only");
  cmd->add_flag("--no-open", *no_open,
                "Print the link (first line of output) instead of opening a "
                "browser");
  cmd->add_option("--listen", options->listen,
                  "127.0.0.1:PORT or [::1]:PORT (default: a free port)");
  cmd->callback([&ctx, options, no_open] {
    ctx.SetAction([&ctx, options, no_open] {
      options->home = ctx.options.home;
      options->open = !*no_open;
      return ui::RunUi(*options);
    });
  });
}

}  // namespace inch::cli
