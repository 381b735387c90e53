// `inch ui`, the part that is not command-line parsing (cli/ui_command.cpp):
// binds a loopback address, prints or opens the URL, serves until SIGINT
// or SIGTERM. The key comes only from the unlock agent (the page's unlock
// screen starts one), as for `inch serve`; `inch ui` never syncs (the one
// daemon per home does).
#pragma once

#include <string>

#include "common/error.hpp"

namespace inch::ui {

struct UiOptions {
  std::string home;    // as --home ("" = INCH_HOME or the default)
  std::string listen;  // "127.0.0.1:PORT" ("" = 127.0.0.1:0, a free port)
  bool open = true;    // xdg-open the URL; else print it first on stdout
};

// kInvalidInput for a non-loopback or unreadable --listen, kNotFound with
// no node in the home ("run `inch init`"), kIo if the port is taken.
Status RunUi(const UiOptions& options);

}  // namespace inch::ui
