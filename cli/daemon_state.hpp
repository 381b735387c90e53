// What `inch serve` is doing, for `inch status`, `inch lock` and `inch
// unlock`: a small file beside the agent socket (in the same private
// runtime folder), 0600, holding the daemon's pid, its process start time
// (so that a pid reused by another process is not taken for the daemon)
// and its state. The daemon rewrites it atomically (temporary file, then
// rename) on each change and removes it when it exits cleanly; after a
// crash or kill -9 the pid is dead and readers say "not running".
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace inch::cli::daemon_state {

enum class State { kNotRunning, kWaitingForUnlock, kRunning };

// "not_running", "waiting_for_unlock", "running" (the JSON names).
std::string_view Name(State state);

// The state file for the agent socket at `agent_socket_path`.
std::string PathFor(const std::string& agent_socket_path);

struct Seen {
  State state = State::kNotRunning;
  pid_t pid = 0;  // 0 when not running
};

// The daemon's state as recorded at `path`, checked against the live
// process: a missing, unreadable or stale file reads as kNotRunning.
Seen Read(const std::string& path);

// Polls `path` until the daemon is no longer in `from` (or is gone), up
// to `deadline`; returns what it saw last.
Seen WaitWhile(const std::string& path, State from,
               std::chrono::milliseconds deadline);

// The daemon's side: records this process's state at `path`.
class Writer {
 public:
  explicit Writer(std::string path) : path_(std::move(path)) {}
  // Removes the file if it still names this process.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // kIo if the file cannot be written (the daemon logs it and goes on:
  // the state file informs, it guards nothing).
  Status Set(State state);

 private:
  std::string path_;
  bool written_ = false;
};

}  // namespace inch::cli::daemon_state
