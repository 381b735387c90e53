// A process that runs while the test does (`inch pair --listen`, `inch
// serve`): read its stdout line by line with a deadline, signal it, wait
// for it. The destructor kills and reaps it, so nothing outlives a test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/inch_process.hpp"

namespace inch::test {

class BackgroundProcess {
 public:
  // Starts `binary args...` with exactly `env`; stdin is /dev/null, stderr
  // goes to a file read back by Wait().
  BackgroundProcess(const std::string& binary,
                    const std::vector<std::string>& args, const EnvVars& env);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // The next stdout line (without '\n'); "" on EOF or after `deadline`.
  std::string ReadLine(
      std::chrono::seconds deadline = std::chrono::seconds(60));
  // Sends `sig` (e.g. SIGTERM) if still running.
  void Signal(int sig);
  // Waits up to `deadline` (then SIGKILL); the rest of stdout, all stderr.
  RunResult Wait(std::chrono::seconds deadline = std::chrono::seconds(60));

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffered_;
  std::string err_path_;
  bool reaped_ = false;
  RunResult result_;
};

}  // namespace inch::test
