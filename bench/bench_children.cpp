// Child processes of the daemon bench (bench_children.hpp).
#include "bench/bench_children.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace inch::bench {
namespace {

// Every process this bench starts and has not reaped yet, so that every
// exit path (return, exit, SIGINT/SIGTERM) can kill it.
std::array<volatile pid_t, 16> g_children{};

void Track(pid_t pid) {
  auto slot = std::find(g_children.begin(), g_children.end(), 0);
  if (slot != g_children.end()) *slot = pid;
}

// The unlock agents are children of `inch unlock`; `inch lock` ends them.
// Built before the signal handlers are installed, so that LockAll() uses
// only async-signal-safe calls (fork, execve, waitpid).
struct LockCommand {
  std::vector<std::string> strings;
  std::vector<char*> argv, envp;
};
std::array<LockCommand, 2> g_lock;

extern "C" void OnSignal(int sig) {
  for (auto& slot : g_children) {
    if (slot > 0) ::kill(slot, SIGKILL);
  }
  LockAll();
  ::_exit(128 + sig);
}

}  // namespace

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void Untrack(pid_t pid) {
  std::replace(g_children.begin(), g_children.end(), pid, 0);
}

bool PollUntil(const std::function<bool()>& pred, std::chrono::seconds limit,
               std::chrono::microseconds every) {
  const auto end = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

void Stop(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int status = 0;
  if (!PollUntil([&] { return ::waitpid(pid, &status, WNOHANG) != 0; },
                 std::chrono::seconds(3))) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  Untrack(pid);
}

Env NodeEnv(const std::string& root, const std::string& name) {
  return {"INCH_HOME=" + root + "/" + name, "XDG_RUNTIME_DIR=" + root + "/run",
          "HOME=" + root, "NO_COLOR=1", "PATH=/usr/bin:/bin"};
}

void PrepareLock(const std::string& root) {
  for (std::size_t i = 0; i < g_lock.size(); ++i) {
    LockCommand& l = g_lock[i];
    l.strings = NodeEnv(root, i == 0 ? "a" : "b");
    l.strings.insert(l.strings.begin(), {INCH_BINARY, "lock"});
    for (auto& str : l.strings) {
      (l.argv.size() < 2 ? l.argv : l.envp).push_back(str.data());
    }
    l.argv.push_back(nullptr);
    l.envp.push_back(nullptr);
  }
}

void LockAll() {
  for (auto& l : g_lock) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execve(l.argv[0], l.argv.data(), l.envp.data());
      ::_exit(127);
    }
    if (pid > 0) ::waitpid(pid, nullptr, 0);
  }
}

Child Spawn(const std::vector<std::string>& args, Env env,
            const std::string& log, bool pipe_out) {
  std::vector<std::string> all{INCH_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& s : all) argv.push_back(s.data());
  for (auto& s : env) envp.push_back(s.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  int fds[2] = {-1, -1};
  if (pipe_out && ::pipe2(fds, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  if (pipe_out) posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  Child child;
  int rc =
      posix_spawn(&child.pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (pipe_out) ::close(fds[1]);
  if (rc != 0 && pipe_out) ::close(fds[0]);
  if (rc != 0) return {};
  Track(child.pid);
  child.out = fds[0];
  return child;
}

nlohmann::json FirstLine(const Child& c, std::chrono::seconds deadline) {
  const auto end = Clock::now() + deadline;
  std::string line;
  char ch = 0;
  while (Clock::now() < end) {
    pollfd p{c.out, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    if (::read(c.out, &ch, 1) != 1 || ch == '\n') break;
    line += ch;
  }
  auto doc = nlohmann::json::parse(line, nullptr, false);
  return doc.is_object() ? doc : nlohmann::json::object();
}

int WaitExit(Child& c) {
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  Untrack(c.pid);
  if (c.out >= 0) ::close(c.out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int Run(const std::vector<std::string>& args, const Env& env,
        const std::string& log) {
  Child c = Spawn(args, env, log, false);
  return c.pid > 0 ? WaitExit(c) : -1;
}

long ProcKiB(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0)
      return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

void InstallSignalHandlers() {
  ::signal(SIGINT, OnSignal);
  ::signal(SIGTERM, OnSignal);
}

void StopAll() {
  for (auto& slot : g_children) Stop(slot);
}

}  // namespace inch::bench
