// `inch ui`'s serving loop; see ui_run.hpp.
#include "ui/ui_run.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <vector>

#include "cli/agent.hpp"
#include "cli/context.hpp"
#include "net/connection.hpp"
#include "ui/api.hpp"
#include "ui/gate.hpp"
#include "ui/http_server.hpp"
#include "ui/web_app.hpp"

extern char** environ;

namespace inch::ui {
namespace {

namespace asio = net::asio;

// The browser is handed a private file that redirects to the URL, not the
// URL itself: a command line is readable by every local user
// (/proc/PID/cmdline), and the URL holds the token.
Result<std::string> WriteOpener(const std::string& dir,
                                const std::string& url) {
  const std::string path =
      dir + "/ui-open-" + std::to_string(::getpid()) + ".html";
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(Errc::kIo, "cannot write " + path);
  const std::string html =
      "<!doctype html><meta charset=utf-8><meta http-equiv=refresh "
      "content=\"0;url=" +
      url + "\"><title>inch</title><p>Opening inch...</p>\n";
  const bool ok = ::write(fd, html.data(), html.size()) ==
                  static_cast<ssize_t>(html.size());
  ::close(fd);
  if (!ok) return Fail(Errc::kIo, "cannot write " + path);
  return path;
}

// Runs `xdg-open path`; false if it cannot be started or fails.
bool OpenInBrowser(const std::string& path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null",
                                   O_WRONLY, 0);
  std::string prog = "xdg-open";
  std::vector<char*> argv = {prog.data(), const_cast<char*>(path.c_str()),
                             nullptr};
  pid_t pid = -1;
  const int rc =
      ::posix_spawnp(&pid, "xdg-open", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The passphrase file is for scripts; the page unlocks through the agent,
// so that `inch lock` (or the page's Lock) locks the page too.
void IgnorePassphraseFile() {
  const char* env = std::getenv("INCH_PASSPHRASE_FILE");
  if (env != nullptr && env[0] != '\0') {
    std::cerr << "inch ui does not read the passphrase file: unlock on the "
                 "page, or with `inch unlock`\n";
  }
  ::unsetenv("INCH_PASSPHRASE_FILE");
}

}  // namespace

Status RunUi(const UiOptions& options) {
  auto endpoint = net::ParseEndpoint(options.listen.empty() ? "127.0.0.1:0"
                                                            : options.listen);
  if (!endpoint) {
    return Fail(Errc::kInvalidInput,
                "cannot read --listen '" + options.listen +
                    "': use 127.0.0.1:PORT (0 for a free port)");
  }
  IgnorePassphraseFile();
  cli::Context ctx;
  ctx.options.home = options.home;
  // No node yet is fine: the page offers to create one (first run).
  if (auto files = ctx.Home();
      !files && files.error().code != Errc::kNotFound) {
    return std::unexpected(files.error());
  }
  auto socket = ctx.AgentSocket(/*create_dir=*/true);
  if (!socket) return std::unexpected(socket.error());

  asio::io_context io;
  Api api(ApiConfig{options.home});
  std::optional<Gate> gate;
  std::optional<WebApp> app;
  auto server =
      HttpServer::Bind(io, *endpoint, HttpLimits{},
                       [&app](Request& req) { return app->Handle(req); });
  if (!server) return std::unexpected(server.error());
  const auto bound = (*server)->local_endpoint();
  gate.emplace(bound.port(), bound.address().is_v6());
  app.emplace(*gate, api);

  // Before the link is printed: a script that reads it and stops us at
  // once must find the handler in place, not the default action.
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) (*server)->Stop();
  });

  std::string opener;
  if (options.open) {
    const std::string dir = socket->substr(0, socket->rfind('/'));
    auto file = WriteOpener(dir, gate->Url());
    if (file && OpenInBrowser(*file)) {
      opener = *file;
      std::cout << "inch is open in your browser. Press Ctrl+C here to close "
                   "it."
                << std::endl;
    } else {
      if (file) ::unlink(file->c_str());
      std::cout << gate->Url() << std::endl;
      std::cerr << "Open the link above in your browser (xdg-open could not "
                   "open it). Press Ctrl+C here to close inch.\n";
    }
  } else {
    // The first line of stdout, for scripts and tests: nothing before it.
    std::cout << gate->Url() << std::endl;
  }
  asio::co_spawn(io, (*server)->Run(), [&](std::exception_ptr) {
    signals.cancel();
    io.stop();
  });
  io.run();
  if (!opener.empty()) ::unlink(opener.c_str());
  return {};
}

}  // namespace inch::ui
