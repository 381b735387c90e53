// Child processes of the daemon bench: the real `inch` binary started with
// an exact environment, every one tracked until reaped so that every exit
// path (return, exit, SIGINT/SIGTERM) can end it, and both nodes' unlock
// agents locked again on the way out.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace inch::bench {

using Clock = std::chrono::steady_clock;
using Env = std::vector<std::string>;

double Ms(Clock::duration d);

// Polls `pred` every `every` until it holds (true) or `limit` passes.
bool PollUntil(
    const std::function<bool()>& pred, std::chrono::seconds limit,
    std::chrono::microseconds every = std::chrono::microseconds(250));

// The environment of node `name` ("a" or "b") under `root`.
Env NodeEnv(const std::string& root, const std::string& name);

// Builds the `inch lock` commands of nodes a and b under `root`; call once,
// before InstallSignalHandlers.
void PrepareLock(const std::string& root);
// Runs them (async-signal-safe: fork, execve, waitpid).
void LockAll();
// SIGINT/SIGTERM kill every tracked child, lock, and exit.
void InstallSignalHandlers();

struct Child {
  pid_t pid = -1;
  int out = -1;  // stdout pipe when asked for, else -1
};

// Starts INCH_BINARY with `args` and exactly `env`; stdin /dev/null, stderr
// appended to `log`, stdout a pipe (`pipe_out`) or /dev/null. Tracked.
Child Spawn(const std::vector<std::string>& args, Env env,
            const std::string& log, bool pipe_out);
// The child's first stdout line as JSON (discarded when not an object
// after `deadline` or on EOF).
nlohmann::json FirstLine(const Child& c, std::chrono::seconds deadline);
// Reaps `c` (closing its pipe); its exit code, -1 if it did not exit.
int WaitExit(Child& c);
// Runs inch to completion; its exit code (-1 if it could not start).
int Run(const std::vector<std::string>& args, const Env& env,
        const std::string& log);
// SIGTERM, a grace period for a clean shutdown, then SIGKILL; reaps it.
void Stop(pid_t pid);
// Stops every child still tracked.
void StopAll();
// Forgets a child the caller reaped itself.
void Untrack(pid_t pid);

// A field of /proc/PID/status in KiB ("VmRSS:"), -1 if absent.
long ProcKiB(pid_t pid, const char* field);

}  // namespace inch::bench
