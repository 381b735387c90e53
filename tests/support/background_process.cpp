// BackgroundProcess (background_process.hpp): fork/exec with a stdout pipe
// read through poll, stderr to a temp file, kill-and-reap on destruction.
#include "tests/support/background_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace inch::test {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

BackgroundProcess::BackgroundProcess(const std::string& binary,
                                     const std::vector<std::string>& args,
                                     const EnvVars& env) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "inch-bg-err-XXXXXX").string();
  int err_fd = ::mkstemp(tmpl.data());
  err_path_ = tmpl;
  int out[2];
  if (err_fd < 0 || ::pipe2(out, O_CLOEXEC) != 0) return;
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_ = SpawnProcess(binary, args, env, null_fd, out[1], err_fd);
  if (null_fd >= 0) ::close(null_fd);
  ::close(out[1]);
  ::close(err_fd);
  out_fd_ = out[0];
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (!err_path_.empty()) ::unlink(err_path_.c_str());
}

std::string BackgroundProcess::ReadLine(std::chrono::seconds deadline) {
  Clock::time_point end = Clock::now() + deadline;
  for (;;) {
    auto nl = buffered_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    if (out_fd_ < 0) return "";
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - Clock::now());
    if (left.count() <= 0) return "";
    pollfd fd{out_fd_, POLLIN, 0};
    int r = ::poll(&fd, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return "";
    char buf[4096];
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n > 0) {
      buffered_.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      ::close(out_fd_);
      out_fd_ = -1;
    }
  }
}

void BackgroundProcess::Signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

RunResult BackgroundProcess::Wait(std::chrono::seconds deadline) {
  if (reaped_ || pid_ <= 0) return result_;
  Clock::time_point end = Clock::now() + deadline;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (Clock::now() >= end) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      result_.err += "[timed out]\n";
      break;
    }
    // Drain stdout meanwhile so the child never blocks on a full pipe.
    if (out_fd_ >= 0) {
      pollfd fd{out_fd_, POLLIN, 0};
      if (::poll(&fd, 1, 50) > 0) {
        char buf[4096];
        ssize_t n = ::read(out_fd_, buf, sizeof buf);
        if (n > 0) buffered_.append(buf, static_cast<std::size_t>(n));
        if (n == 0) {
          ::close(out_fd_);
          out_fd_ = -1;
        }
      }
    } else {
      ::usleep(20'000);
    }
  }
  reaped_ = true;
  if (out_fd_ >= 0) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out_fd_, buf, sizeof buf)) > 0) {
      buffered_.append(buf, static_cast<std::size_t>(n));
    }
  }
  result_.out = buffered_;
  std::ifstream err(err_path_);
  result_.err += std::string(std::istreambuf_iterator<char>(err), {});
  if (WIFEXITED(status)) {
    result_.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result_.exit_code = 128 + WTERMSIG(status);
  }
  return result_;
}

}  // namespace inch::test
