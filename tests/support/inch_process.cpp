// Process runner and per-test sandbox; see inch_process.hpp.
#include "inch_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace inch::test {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

pid_t SpawnProcess(const std::string& binary,
                   const std::vector<std::string>& args, const EnvVars& env,
                   int stdin_fd, int stdout_fd, int stderr_fd) {
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s;
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> argv = CStrings(argv_s), envp = CStrings(env_s);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(stdin_fd, STDIN_FILENO);
    ::dup2(stdout_fd, STDOUT_FILENO);
    ::dup2(stderr_fd, STDERR_FILENO);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

RunResult RunProcess(const std::string& binary,
                     const std::vector<std::string>& args, const EnvVars& env,
                     std::string_view stdin_text,
                     std::chrono::seconds deadline) {
  RunResult result;
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
      ::pipe2(err, O_CLOEXEC) != 0) {
    result.err = "pipe failed";
    return result;
  }
  pid_t pid = SpawnProcess(binary, args, env, in[0], out[1], err[1]);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    result.err = "fork failed";
    return result;
  }
  ::signal(SIGPIPE, SIG_IGN);  // the child may exit without reading stdin
  int in_fd = in[1];
  std::size_t written = 0;
  if (stdin_text.empty()) {
    ::close(in_fd);
    in_fd = -1;
  } else {
    ::fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  int out_fd = out[0], err_fd = err[0];
  Clock::time_point end = Clock::now() + deadline;
  bool timed_out = false;
  while (out_fd >= 0 || err_fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3] = {
        {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    int r = ::poll(fds, 3, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_fd : err_fd;
      if (fd < 0 || fds[i].revents == 0) continue;
      char buf[65536];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? result.out : result.err)
            .append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fd);
        fd = -1;
      }
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      ssize_t n = ::write(in_fd, stdin_text.data() + written,
                          stdin_text.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
          written == stdin_text.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.exit_code = -1;
    result.err += "\n[timed out]";
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

RunResult RunInch(const std::vector<std::string>& args, const EnvVars& env,
                  std::string_view stdin_text) {
  return RunProcess(INCH_BINARY, args, env, stdin_text);
}

InchSandbox::InchSandbox() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "inch-test-XXXXXX").string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  root_ = name.data();
  home_ = root_ + "/home";
  runtime_dir_ = root_ + "/run";
  ::mkdir(runtime_dir_.c_str(), 0700);
  passphrase_file_ = WriteFile("passphrase", std::string(kPassphrase) + "\n");
}

InchSandbox::~InchSandbox() {
  Run({"lock"});
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

EnvVars InchSandbox::Env(const EnvVars& extra) const {
  const char* path = std::getenv("PATH");
  EnvVars env{{"HOME", root_},
              {"INCH_HOME", home_},
              {"XDG_RUNTIME_DIR", runtime_dir_},
              {"XDG_DATA_HOME", root_ + "/data"},
              {"PATH", path != nullptr ? path : "/usr/bin:/bin"},
              {"NO_COLOR", "1"},
              {"TZ", "UTC"}};
  for (const auto& [k, v] : extra) env[k] = v;
  return env;
}

RunResult InchSandbox::Run(const std::vector<std::string>& args,
                           std::string_view stdin_text,
                           const EnvVars& extra_env) const {
  return RunInch(args, Env(extra_env), stdin_text);
}

RunResult InchSandbox::RunWithPassphrase(std::vector<std::string> args,
                                         std::string_view stdin_text) const {
  args.push_back("--passphrase-file");
  args.push_back(passphrase_file_);
  return Run(args, stdin_text);
}

std::string InchSandbox::WriteFile(const std::string& name,
                                   std::string_view content) const {
  std::string path = root_ + "/" + name;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return path;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string Describe(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out +
         "\n--- stderr:\n" + r.err;
}

}  // namespace inch::test
