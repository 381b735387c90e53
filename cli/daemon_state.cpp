// The daemon's state file (daemon_state.hpp). Format: one JSON object,
// {"pid": 1234, "start": <starttime from /proc/PID/stat>, "state": "..."}.
#include "cli/daemon_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

namespace inch::cli::daemon_state {
namespace {

// Field 22 of /proc/PID/stat (clock ticks since boot when the process
// started); with the pid it names one process for the life of the system.
// nullopt for a process that is gone or a zombie (field 3 'Z': dead, not
// yet reaped, serving nothing).
std::optional<std::uint64_t> StartTime(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // The command name (field 2) is in parentheses and may hold spaces.
  auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return std::nullopt;
    if (i == 3 && (field == "Z" || field == "X")) return std::nullopt;
  }
  try {
    return std::stoull(field);
  } catch (...) {
    return std::nullopt;
  }
}

State FromName(std::string_view name) {
  if (name == "running") return State::kRunning;
  if (name == "waiting_for_unlock") return State::kWaitingForUnlock;
  return State::kNotRunning;
}

}  // namespace

std::string_view Name(State state) {
  switch (state) {
    case State::kRunning:
      return "running";
    case State::kWaitingForUnlock:
      return "waiting_for_unlock";
    case State::kNotRunning:
      break;
  }
  return "not_running";
}

std::string PathFor(const std::string& agent_socket_path) {
  auto slash = agent_socket_path.rfind('/');
  std::string dir = agent_socket_path.substr(0, slash + 1);
  std::string name = agent_socket_path.substr(slash + 1);
  // agent-<hash>.sock -> daemon-<hash>.state: one per home, as the agent.
  if (name.starts_with("agent-")) name = name.substr(6);
  if (name.ends_with(".sock")) name.resize(name.size() - 5);
  return dir + "daemon-" + name + ".state";
}

Seen Read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object() || !doc.contains("pid") || !doc["pid"].is_number() ||
      !doc.contains("start") || !doc["start"].is_number() ||
      !doc.contains("state") || !doc["state"].is_string()) {
    return {};
  }
  auto pid = doc["pid"].get<pid_t>();
  if (pid <= 0) return {};
  auto start = StartTime(pid);
  if (!start || *start != doc["start"].get<std::uint64_t>()) return {};
  Seen seen{FromName(doc["state"].get<std::string>()), pid};
  if (seen.state == State::kNotRunning) seen.pid = 0;
  return seen;
}

Seen WaitWhile(const std::string& path, State from,
               std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    Seen seen = Read(path);
    if (seen.state != from || std::chrono::steady_clock::now() >= end) {
      return seen;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Writer::~Writer() {
  if (!written_) return;
  std::ifstream in(path_);
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_object() && doc.contains("pid") && doc["pid"].is_number() &&
      doc["pid"].get<pid_t>() == ::getpid()) {
    ::unlink(path_.c_str());
  }
}

Status Writer::Set(State state) {
  auto start = StartTime(::getpid());
  if (!start) return Fail(Errc::kIo, "cannot read this process's start time");
  std::string text = nlohmann::json{{"pid", ::getpid()},
                                    {"start", *start},
                                    {"state", std::string(Name(state))}}
                         .dump() +
                     "\n";
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(Errc::kIo, "cannot write " + tmp + ": " + std::strerror(errno));
  }
  bool ok = ::write(fd, text.data(), text.size()) ==
            static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Fail(Errc::kIo, "cannot write " + path_ + ": " + why);
  }
  written_ = true;
  return {};
}

}  // namespace inch::cli::daemon_state
