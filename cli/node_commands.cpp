// The node's own commands: init, unlock, lock, passphrase, status.
// Each returns a Status; app.cpp turns errors into exit codes.
#include <unistd.h>

#include <memory>

#include "cli/agent.hpp"
#include "cli/commands.hpp"
#include "cli/daemon_state.hpp"
#include "cli/key_rotation.hpp"
#include "cli/node_create.hpp"
#include "cli/passphrase_input.hpp"
#include "crypto/aead.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"

namespace inch::cli {
namespace {

using daemon_state::State;
using std::chrono::milliseconds;

// How long lock and unlock wait for a daemon of this home to follow
// (it reacts within a second; a busy machine may take longer).
constexpr milliseconds kDaemonFollows{5000};

// The daemon's state for the agent at `socket`.
daemon_state::Seen DaemonState(const std::string& socket) {
  return daemon_state::Read(daemon_state::PathFor(socket));
}

// A new passphrase: from `file` if given, else typed twice on a terminal.
Result<crypto::Secret> NewPassphrase(const std::string& file,
                                     std::string_view option) {
  if (!file.empty()) return ReadPassphraseFile(file);
  if (!StdinIsTerminal()) {
    return Fail(Errc::kInvalidInput,
                "no passphrase given: run this on a terminal or pass " +
                    std::string(option) + " FILE");
  }
  auto first = PromptPassphrase("New passphrase: ");
  if (!first) return first;
  auto second = PromptPassphrase("Repeat it: ");
  if (!second) return second;
  if (!first->Equals(*second)) {
    return Fail(Errc::kInvalidInput,
                "the two passphrases differ; nothing was changed");
  }
  return first;
}

Status Init(Context& ctx) {
  auto files = ctx.HomePaths();
  if (!files) return std::unexpected(files.error());
  if (::access(files->node_json.c_str(), F_OK) == 0) {
    return Fail(Errc::kExists, "there is already an inch node in " +
                                   files->dir + "; nothing was changed");
  }
  std::string file = ctx.options.passphrase_file;
  if (file.empty()) {
    const char* env = std::getenv("INCH_PASSPHRASE_FILE");
    if (env != nullptr) file = env;
  }
  auto pass = NewPassphrase(file, "--passphrase-file");
  if (!pass) return std::unexpected(pass.error());
  auto node_id = CreateNode(*files, *pass);
  if (!node_id) return std::unexpected(node_id.error());
  if (ctx.out().json()) {
    ctx.out().Json({{"id", *node_id}, {"home", files->dir}});
  } else {
    ctx.out().Line("Created your inch node " + ctx.out().Bold(*node_id) +
                   " in " + files->dir + ".");
    ctx.out().Hint(
        "Next: `inch unlock`, then `inch prompts` for a question "
        "to start with.");
  }
  return {};
}

Status Unlock(Context& ctx, const std::string& duration) {
  auto idle = agent::ParseDuration(duration);
  if (!idle) return std::unexpected(idle.error());
  auto socket = ctx.AgentSocket(true);
  if (!socket) return std::unexpected(socket.error());
  auto key = ctx.MasterKey();
  if (!key) {
    if (key.error().code == Errc::kLocked) {
      return Fail(Errc::kLocked,
                  "inch unlock needs your passphrase: run it on a terminal "
                  "or pass --passphrase-file FILE");
    }
    return std::unexpected(key.error());
  }
  agent::Stop(*socket);  // a running agent is replaced, with the new time
  ctx.ForgetKey();
  if (auto ok = agent::Start(*socket, std::move(*key), *idle); !ok) return ok;
  // A daemon waiting for this unlock resumes: say so once it has.
  std::string path = daemon_state::PathFor(*socket);
  daemon_state::Seen daemon = daemon_state::Read(path);
  if (daemon.state == State::kWaitingForUnlock) {
    daemon =
        daemon_state::WaitWhile(path, State::kWaitingForUnlock, kDaemonFollows);
  }
  if (ctx.out().json()) {
    ctx.out().Json({{"locked", false},
                    {"seconds_left", idle->count() / 1000},
                    {"daemon", {{"state", daemon_state::Name(daemon.state)}}}});
  } else {
    ctx.out().Line("Unlocked for " + agent::FormatDuration(*idle) +
                   " of inactivity. `inch lock` forgets the key sooner.");
    if (daemon.state == State::kRunning) {
      ctx.out().Hint("The daemon (`inch serve`) is serving again.");
    } else if (daemon.state == State::kWaitingForUnlock) {
      ctx.out().Hint(
          "The daemon (`inch serve`) has not resumed yet: see its log, "
          "and `inch status`.");
    }
  }
  return {};
}

Status Lock(Context& ctx) {
  auto socket = ctx.AgentSocket(false);
  if (!socket) return std::unexpected(socket.error());
  bool was_unlocked = agent::Stop(*socket);
  // "Locked" is true only once a running daemon has dropped the key too.
  std::string path = daemon_state::PathFor(*socket);
  daemon_state::Seen daemon = daemon_state::Read(path);
  if (daemon.state == State::kRunning) {
    daemon = daemon_state::WaitWhile(path, State::kRunning, kDaemonFollows);
  }
  if (daemon.state == State::kRunning) {
    return Fail(Errc::kIo,
                "the key is forgotten here, but the daemon (`inch serve`, "
                "pid " +
                    std::to_string(daemon.pid) +
                    ") has not dropped it yet: see its log, or stop it with "
                    "`kill " +
                    std::to_string(daemon.pid) + "`");
  }
  if (ctx.out().json()) {
    ctx.out().Json({{"locked", true},
                    {"was_unlocked", was_unlocked},
                    {"daemon", {{"state", daemon_state::Name(daemon.state)}}}});
    return {};
  }
  ctx.out().Line(was_unlocked ? "Locked: the key is forgotten."
                              : "Already locked.");
  if (daemon.state == State::kWaitingForUnlock) {
    ctx.out().Hint(
        "The daemon (`inch serve`) has dropped the key too and waits for "
        "`inch unlock`.");
  }
  return {};
}

// The current passphrase opens the master key; `what` names the command.
Result<crypto::Secret> CurrentMasterKey(Context& ctx, const NodeFile& node,
                                        std::string_view what) {
  // The agent is not enough here: changing it needs the current one.
  auto pass = ctx.Passphrase("Current passphrase: ");
  if (!pass) {
    if (pass.error().code == Errc::kLocked) {
      return Fail(Errc::kLocked,
                  std::string(what) +
                      " needs your current passphrase: run it on a terminal "
                      "or pass --passphrase-file FILE");
    }
    return std::unexpected(pass.error());
  }
  auto master = crypto::UnwrapMasterKey(*pass, node.wrapped);
  if (!master) {
    if (master.error().code == Errc::kWrongPassphrase) {
      return Fail(Errc::kWrongPassphrase,
                  "wrong passphrase; nothing was changed");
    }
    return std::unexpected(master.error());
  }
  return master;
}

// A rotation found interrupted: MasterKey() finishes it (see
// key_rotation.hpp); the passphrase chosen then stays.
Status FinishRotationCommand(Context& ctx) {
  auto key = ctx.MasterKey();
  if (!key) return std::unexpected(key.error());
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  if (ctx.out().json()) {
    ctx.out().Json({{"id", (*node)->node_id},
                    {"key_rotated", true},
                    {"finished_interrupted", true}});
  } else {
    ctx.out().Line(
        "Finished the key rotation that had been interrupted. The new "
        "passphrase is the one you chose then; run `inch passphrase "
        "--rotate-key` again for another.");
  }
  return {};
}

Status RotateKey(Context& ctx, const std::string& new_file) {
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  if ((*node)->rotation) return FinishRotationCommand(ctx);
  auto master = CurrentMasterKey(ctx, **node, "inch passphrase --rotate-key");
  if (!master) return std::unexpected(master.error());
  if (auto id = OpenIdentity(*master, **node); !id) {
    return std::unexpected(id.error());
  }
  auto new_pass = NewPassphrase(new_file, "--new-passphrase-file");
  if (!new_pass) return std::unexpected(new_pass.error());
  // Nobody else may hold the old key while everything moves to the new
  // one, and nobody may write under it afterwards.
  auto alone = ctx.LockKeyExclusively();
  if (!alone) return std::unexpected(alone.error());
  if (!*alone) {
    return Fail(Errc::kExists,
                "another inch command is using this home (perhaps `inch "
                "serve`, or a sync): stop it, then run `inch passphrase "
                "--rotate-key` again; nothing was changed");
  }
  // The agent holds the old key: it is forgotten before anything changes.
  bool was_unlocked = false;
  if (auto socket = ctx.AgentSocket(false)) was_unlocked = agent::Stop(*socket);
  NodeFile updated = **node;
  auto rotated = RotateMasterKey(*files, updated, *master, *new_pass);
  ctx.NodeRewritten(std::move(updated));
  if (!rotated) return rotated;
  if (ctx.out().json()) {
    ctx.out().Json({{"id", (*node)->node_id},
                    {"passphrase_changed", true},
                    {"key_rotated", true},
                    {"agent_locked", was_unlocked}});
  } else {
    ctx.out().Line(
        "Rotated the master key: your journal, lists and notes are sealed "
        "under a new key, which only the new passphrase opens. An old copy "
        "of node.json opens only what was written before now.");
    if (was_unlocked) {
      ctx.out().Hint("inch is locked now: run `inch unlock` to unlock it.");
    }
  }
  return {};
}

Status ChangePassphrase(Context& ctx, const std::string& new_file,
                        bool rotate_key) {
  if (rotate_key) return RotateKey(ctx, new_file);
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  if ((*node)->rotation) {
    // Re-wrapping the old key now would be undone when the rotation ends.
    return Fail(Errc::kInvalidInput,
                "a key rotation was interrupted: run `inch passphrase "
                "--rotate-key` to finish it first; nothing was changed");
  }
  auto master = CurrentMasterKey(ctx, **node, "inch passphrase");
  if (!master) return std::unexpected(master.error());
  auto new_pass = NewPassphrase(new_file, "--new-passphrase-file");
  if (!new_pass) return std::unexpected(new_pass.error());
  auto wrapped =
      crypto::WrapMasterKey(*new_pass, *master, crypto::DefaultKdfParams());
  if (!wrapped) return std::unexpected(wrapped.error());
  NodeFile updated = **node;
  updated.wrapped = std::move(*wrapped);
  if (auto ok = SaveNodeFile(*files, updated); !ok) return ok;
  if (ctx.out().json()) {
    ctx.out().Json({{"id", updated.node_id}, {"passphrase_changed", true}});
  } else {
    ctx.out().Line("Passphrase changed. Your journal is untouched.");
  }
  return {};
}

Status ShowStatus(Context& ctx) {
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  StatusReport report;
  report.json["id"] = (*node)->node_id;
  report.json["node_id"] = (*node)->node_id;
  report.json["home"] = files->dir;
  report.lines.emplace_back("node", (*node)->node_id);
  report.lines.emplace_back("home", files->dir);

  std::optional<milliseconds> left;
  if (auto socket = ctx.AgentSocket(false)) left = agent::TimeLeft(*socket);
  report.json["locked"] = !left.has_value();
  report.json["unlock_seconds_left"] =
      left ? nlohmann::json(left->count() / 1000) : nlohmann::json(nullptr);
  report.lines.emplace_back(
      "lock",
      left ? "unlocked (" + agent::FormatDuration(*left) + " left)" : "locked");

  daemon_state::Seen daemon;
  if (auto socket = ctx.AgentSocket(false)) daemon = DaemonState(*socket);
  report.json["daemon"] = {{"state", daemon_state::Name(daemon.state)},
                           {"pid", daemon.pid > 0 ? nlohmann::json(daemon.pid)
                                                  : nlohmann::json(nullptr)}};
  std::string pid = " (pid " + std::to_string(daemon.pid) + ")";
  report.lines.emplace_back(
      "daemon", daemon.state == State::kRunning ? "running" + pid
                : daemon.state == State::kWaitingForUnlock
                    ? "waiting for `inch unlock`" + pid
                    : "not running (start it with `inch serve`, or `inch "
                      "service install`)");

  // Counts need the key; without one, say so instead of guessing.
  auto key = ctx.MasterKey(/*allow_prompt=*/false);
  if (!key && key.error().code != Errc::kLocked) {
    return std::unexpected(key.error());
  }
  if (key) {
    auto journal = ctx.OpenJournal();
    if (!journal) return std::unexpected(journal.error());
    auto count = (*journal)->Count();
    if (!count) return std::unexpected(count.error());
    report.json["journal"] = {{"entries", *count}};
    report.lines.emplace_back("journal",
                              std::to_string(*count) +
                                  (*count == 1 ? " entry" : " entries") +
                                  " (private, never shared)");
  } else {
    report.json["journal"] = nullptr;
    report.lines.emplace_back("journal", "locked");
  }
  for (const StatusSection& section : ctx.status_sections()) {
    section(ctx, report);
  }
  if (ctx.out().json()) {
    ctx.out().Json(report.json);
    return {};
  }
  std::size_t width = 0;
  for (const auto& [label, value] : report.lines) {
    width = std::max(width, label.size());
  }
  for (const auto& [label, value] : report.lines) {
    std::string padded = label + std::string(width - label.size() + 2, ' ');
    ctx.out().Line(ctx.out().Dim(padded) + value);
  }
  return {};
}

}  // namespace

void RegisterNodeCommands(CLI::App& app, Context& ctx) {
  app.add_subcommand("init", "Create a new node: identity, stores, passphrase")
      ->callback([&ctx] { ctx.SetAction([&ctx] { return Init(ctx); }); });

  auto duration = std::make_shared<std::string>("15m");
  auto* unlock = app.add_subcommand(
      "unlock", "Pay the passphrase once; later commands need none");
  unlock
      ->add_option("--for", *duration,
                   "Forget the key after this much inactivity (30s, 15m, 2h)")
      ->type_name("DURATION")
      ->capture_default_str();
  unlock->callback([&ctx, duration] {
    ctx.SetAction([&ctx, duration] { return Unlock(ctx, *duration); });
  });

  app.add_subcommand("lock", "Forget the unlocked key now")->callback([&ctx] {
    ctx.SetAction([&ctx] { return Lock(ctx); });
  });

  auto new_file = std::make_shared<std::string>();
  auto rotate_key = std::make_shared<bool>(false);
  auto* passphrase = app.add_subcommand(
      "passphrase",
      "Change the passphrase (re-wraps the master key; --rotate-key "
      "replaces it)");
  passphrase
      ->add_option("--new-passphrase-file", *new_file,
                   "Read the new passphrase from the first line of FILE")
      ->type_name("FILE");
  passphrase->add_flag(
      "--rotate-key", *rotate_key,
      "Also make a new master key and re-seal everything under it, so an "
      "old copy of node.json opens nothing written from now on");
  passphrase->callback([&ctx, new_file, rotate_key] {
    ctx.SetAction([&ctx, new_file, rotate_key] {
      return ChangePassphrase(ctx, *new_file, *rotate_key);
    });
  });

  app.add_subcommand("status", "Node id, lock state and counts")
      ->callback([&ctx] { ctx.SetAction([&ctx] { return ShowStatus(ctx); }); });
}

}  // namespace inch::cli
