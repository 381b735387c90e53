// A process on a fresh pseudo-terminal; see terminal_process.hpp.
#include "tests/support/terminal_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

namespace inch::test {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

RunResult RunOnTerminal(const std::string& binary,
                        const std::vector<std::string>& args,
                        const EnvVars& env, std::chrono::seconds deadline) {
  RunResult result;
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  char slave_name[128];
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0 ||
      ::ptsname_r(master, slave_name, sizeof slave_name) != 0) {
    if (master >= 0) ::close(master);
    result.err = "no pseudo-terminal";
    return result;
  }
  // Held open here too, so the terminal never hangs up while the child
  // starts or after it exits.
  int slave_here = ::open(slave_name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  int out[2], err[2];
  if (slave_here < 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
      ::pipe2(err, O_CLOEXEC) != 0) {
    result.err = "pipe or terminal failed";
    return result;
  }
  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s;
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> argv = CStrings(argv_s), envp = CStrings(env_s);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();  // a new session whose controlling terminal is the slave
    int tty = ::open(slave_name, O_RDWR);
    if (tty < 0 || ::ioctl(tty, TIOCSCTTY, 0) != 0) ::_exit(126);
    ::dup2(tty, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execve(binary.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  if (pid < 0) {
    for (int fd : {master, slave_here, out[0], err[0]}) ::close(fd);
    result.err = "fork failed";
    return result;
  }
  Clock::time_point end = Clock::now() + deadline;
  int out_fd = out[0], err_fd = err[0];
  bool timed_out = false;
  while (out_fd >= 0 || err_fd >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3] = {
        {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {master, POLLIN, 0}};
    int r = ::poll(fds, 3, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_fd : err_fd;
      if (fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? result.out : result.err)
            .append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fd);
        fd = -1;
      }
    }
    if (fds[2].revents & POLLIN) {
      [[maybe_unused]] ssize_t n = ::read(master, buf, sizeof buf);
    }
  }
  for (int fd : {out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) break;
    if (Clock::now() >= end && !timed_out) {
      timed_out = true;
      ::kill(-pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(-pid, SIGKILL);  // anything left in its process group
  ::close(slave_here);
  ::close(master);
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

}  // namespace inch::test
