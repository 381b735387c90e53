// `inch service install|uninstall`: a systemd user unit that runs `inch
// serve`, so the daemon needs no terminal kept open. The unit names the
// binary that wrote it (its absolute path, from /proc/self/exe) and the
// home when it is not the default one; it holds no secret (the daemon
// takes the key from `inch unlock`, and waits while inch is locked). Its
// first line marks it as ours: a unit someone else wrote is never
// overwritten or removed. systemctl is left to the person: this only
// writes or removes files, and says what to run next.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"

namespace inch::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarker =
    "# Written by `inch service install`; `inch service uninstall` removes "
    "it.";
constexpr std::string_view kEnableHint =
    "Now run: systemctl --user enable --now inch";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// $XDG_CONFIG_HOME/systemd/user (default ~/.config/systemd/user).
Result<std::string> UnitDir() {
  std::string config = Env("XDG_CONFIG_HOME");
  if (config.empty() || config[0] != '/') {  // the XDG spec: ignore relative
    std::string home = Env("HOME");
    if (home.empty()) {
      return Fail(Errc::kInvalidInput,
                  "cannot find your config folder: set HOME or "
                  "XDG_CONFIG_HOME");
    }
    config = home + "/.config";
  }
  return config + "/systemd/user";
}

// A value for a unit file line, in double quotes. systemd expands %
// specifiers everywhere, and $VARIABLES in ExecStart (`dollar`).
Result<std::string> Quoted(const std::string& value, bool dollar) {
  std::string out = "\"";
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Fail(Errc::kInvalidInput,
                  "the path '" + value +
                      "' holds a control character, which a systemd unit "
                      "cannot name: move inch or its home to a plainer path");
    }
    if (c == '\\' || c == '"') out += '\\';
    if (c == '%') out += '%';
    if (c == '$' && dollar) out += '$';
    out += c;
  }
  return out + "\"";
}

// The real path of `path`, or `path` itself if it does not resolve.
std::string RealPath(const std::string& path) {
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  return ec ? path : real.string();
}

Result<std::string> UnitText(const HomeFiles& files) {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return Fail(Errc::kIo,
                "cannot find the inch binary's path: " + ec.message());
  }
  auto exec = Quoted(exe.string(), /*dollar=*/true);
  if (!exec) return exec;
  std::string text = std::string(kMarker) +
                     "\n"
                     "# It holds no secret: `inch serve` takes the key from "
                     "`inch unlock`,\n"
                     "# and waits while inch is locked.\n"
                     "[Unit]\n"
                     "Description=inch: syncs with your partner's node\n"
                     "\n"
                     "[Service]\n"
                     "Type=simple\n"
                     "ExecStart=" +
                     *exec + " serve\n";
  // The service manager's environment has HOME but rarely XDG_DATA_HOME,
  // so any home but ~/.local/share/inch is named.
  std::string home = Env("HOME");
  if (home.empty() ||
      RealPath(files.dir) != RealPath(home + "/.local/share/inch")) {
    auto env = Quoted("INCH_HOME=" + files.dir, /*dollar=*/false);
    if (!env) return env;
    text += "Environment=" + *env + "\n";
  }
  text +=
      "Restart=on-failure\n"
      "RestartSec=5s\n"
      "\n"
      "[Install]\n"
      "WantedBy=default.target\n";
  return text;
}

enum class Found { kNone, kOurs, kForeign };

Found Inspect(const std::string& path, std::string* content) {
  std::ifstream in(path);
  if (!in) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? Found::kForeign : Found::kNone;
  }
  content->assign(std::istreambuf_iterator<char>(in),
                  std::istreambuf_iterator<char>());
  return content->starts_with(std::string(kMarker) + "\n") ? Found::kOurs
                                                           : Found::kForeign;
}

Error NotOurs(const std::string& path, std::string_view verb) {
  return {Errc::kExists,
          path + " was not written by inch, so it is not " + std::string(verb) +
              ": move it aside (it may be yours), then run this again"};
}

Status Install(Context& ctx) {
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  auto dir = UnitDir();
  if (!dir) return std::unexpected(dir.error());
  auto text = UnitText(*files);
  if (!text) return std::unexpected(text.error());
  std::string path = *dir + "/inch.service";
  std::string old;
  Found found = Inspect(path, &old);
  if (found == Found::kForeign) {
    return std::unexpected(NotOurs(path, "overwritten"));
  }
  bool changed = found == Found::kNone || old != *text;
  if (changed) {
    std::error_code ec;
    fs::create_directories(*dir, ec);
    std::string tmp = path + ".inch-tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << *text;
      out.close();
      if (!out) ec = std::make_error_code(std::errc::io_error);
    }
    if (!ec) fs::rename(tmp, path, ec);
    if (ec) {
      fs::remove(tmp);
      return Fail(Errc::kIo, "cannot write " + path + ": " + ec.message() +
                                 "; nothing was installed");
    }
  }
  if (ctx.out().json()) {
    ctx.out().Json({{"unit", path}, {"changed", changed}});
    return {};
  }
  if (found == Found::kNone) {
    ctx.out().Line("Installed the inch service: " + path + ".");
    ctx.out().Hint(std::string(kEnableHint));
  } else if (changed) {
    ctx.out().Line("Updated the inch service: " + path + ".");
    ctx.out().Hint(
        "Now run: systemctl --user daemon-reload && systemctl --user "
        "restart inch");
  } else {
    ctx.out().Line("The inch service is installed already: " + path + ".");
    ctx.out().Hint(std::string(kEnableHint) + " (if you have not yet)");
  }
  ctx.out().Hint(
      "While inch is locked the service waits; `inch unlock --for 8h` keeps "
      "it syncing through a day.");
  if (Env("XDG_RUNTIME_DIR").empty()) {
    ctx.out().Hint(
        "XDG_RUNTIME_DIR is not set here, but it is for the service: run "
        "`inch unlock` from a login session, or the service will not see "
        "it.");
  }
  return {};
}

Status Uninstall(Context& ctx) {
  auto dir = UnitDir();
  if (!dir) return std::unexpected(dir.error());
  std::string path = *dir + "/inch.service";
  std::string old;
  Found found = Inspect(path, &old);
  if (found == Found::kForeign) {
    return std::unexpected(NotOurs(path, "removed"));
  }
  if (found == Found::kOurs) {
    if (::unlink(path.c_str()) != 0) {
      return Fail(Errc::kIo,
                  "cannot remove " + path + ": " + std::strerror(errno));
    }
    // What `systemctl --user enable` made, if it points at our unit.
    std::string wants = *dir + "/default.target.wants/inch.service";
    std::error_code ec;
    if (fs::is_symlink(wants, ec) && fs::read_symlink(wants, ec) == path) {
      fs::remove(wants, ec);
    }
  }
  if (ctx.out().json()) {
    ctx.out().Json({{"unit", path}, {"removed", found == Found::kOurs}});
    return {};
  }
  if (found == Found::kNone) {
    ctx.out().Line("No inch service is installed (" + path +
                   " does not exist); nothing was changed.");
    return {};
  }
  ctx.out().Line("Removed the inch service: " + path + ".");
  ctx.out().Hint(
      "Now run: systemctl --user stop inch; systemctl --user daemon-reload");
  return {};
}

}  // namespace

void RegisterServiceCommand(CLI::App& app, Context& ctx) {
  auto* service =
      app.add_subcommand("service", "Run the daemon as a systemd user service");
  service->require_subcommand(1);
  service
      ->add_subcommand("install",
                       "Write a systemd user unit that runs `inch serve`")
      ->callback([&ctx] { ctx.SetAction([&ctx] { return Install(ctx); }); });
  service->add_subcommand("uninstall", "Remove the unit `install` wrote")
      ->callback([&ctx] { ctx.SetAction([&ctx] { return Uninstall(ctx); }); });
}

}  // namespace inch::cli
