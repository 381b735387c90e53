// The unlock agent: after `inch unlock` pays Argon2id once, a detached
// process keeps the master key in guarded memory and hands it, over a Unix
// socket (folder 0700, socket 0600, SO_PEERCRED same uid), to later inch
// commands of the same user and home, like ssh-agent. It never writes the
// key anywhere, and wipes it and exits on `inch lock` or after an idle
// timeout that each key request resets.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::cli::agent {

inline constexpr std::chrono::minutes kDefaultIdle{15};
inline constexpr std::chrono::hours kMaxIdle{24};

// The socket for the home at `home_dir`:
// $XDG_RUNTIME_DIR/inch/agent-<hash of the home's real path>.sock, or
// /tmp/inch-<uid>/... without XDG_RUNTIME_DIR. With `create_dir` the folder
// is made (0700). kPermission if the folder exists but is not ours and
// private; kInvalidInput if the path is too long for a Unix socket.
Result<std::string> SocketPath(const std::string& home_dir, bool create_dir);

struct AgentKey {
  crypto::Secret master;
  std::chrono::milliseconds left{0};  // idle time left, after this request
};

// Asks the agent for the key; a use (`touch`) resets its idle timer, a look
// (status, and `inch serve`, which runs unattended) does not. nullopt when no
// agent answers (none running, stale socket, another uid).
std::optional<AgentKey> FetchKey(const std::string& socket_path,
                                 bool touch = true);

// Idle time left without resetting it; nullopt when no agent answers.
std::optional<std::chrono::milliseconds> TimeLeft(
    const std::string& socket_path);

// Tells the agent to wipe its key and exit; returns once it has removed
// its socket. false when no agent was running.
bool Stop(const std::string& socket_path);

// Starts a detached agent holding `master` for `idle`, and returns only
// once it accepts connections (the next command finds it). A live agent on
// the socket must have been stopped first (kExists otherwise). kIo if the
// socket or the process cannot be created.
Status Start(const std::string& socket_path, crypto::Secret master,
             std::chrono::milliseconds idle);

// Parses "30s", "15m", "2h" or combinations such as "1h30m". kInvalidInput
// for anything else, zero, or more than kMaxIdle.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// "14m 59s", "2h 0m", "45s": for people.
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace inch::cli::agent
