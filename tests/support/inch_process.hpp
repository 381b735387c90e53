// Running the real `inch` binary from tests, as a user would: a process
// runner (fork/exec, stdin text in, stdout/stderr/exit code out, a generous
// deadline) and a sandbox with a fresh home and runtime folder per test
// whose destructor runs `inch lock` so no unlock agent outlives the test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace inch::test {

struct RunResult {
  int exit_code = -1;  // 128+signal if killed; -1 if it could not run
  std::string out;
  std::string err;
};

using EnvVars = std::map<std::string, std::string>;

// execve's argv/envp view of `v`: pointers into its strings, then nullptr
// (valid while `v` lives and is not changed).
std::vector<char*> CStrings(std::vector<std::string>& v);

// Runs `binary` with `args` in exactly the environment `env` (nothing is
// inherited), feeding `stdin_text` on a pipe (so stdin is never a
// terminal). Kills the process and returns exit_code -1 with "timed out"
// in err when it runs longer than `deadline`.
RunResult RunProcess(const std::string& binary,
                     const std::vector<std::string>& args, const EnvVars& env,
                     std::string_view stdin_text = "",
                     std::chrono::seconds deadline = std::chrono::seconds(120));

// Forks and execs `binary` with `args` in exactly `env`, with standard
// input, output and error on the three descriptors given (the caller closes
// its own copies). Returns the child's pid, or -1 if fork failed.
pid_t SpawnProcess(const std::string& binary,
                   const std::vector<std::string>& args, const EnvVars& env,
                   int stdin_fd, int stdout_fd, int stderr_fd);

// RunProcess with the built `inch` (INCH_BINARY).
RunResult RunInch(const std::vector<std::string>& args, const EnvVars& env,
                  std::string_view stdin_text = "");

// A private temporary world for one node: root/home (not created: `inch
// init` makes it), root/run as XDG_RUNTIME_DIR (0700), and a passphrase
// file. Removes everything in its destructor, after `inch lock`.
class InchSandbox {
 public:
  static constexpr std::string_view kPassphrase = "correct horse battery";

  InchSandbox();
  ~InchSandbox();
  InchSandbox(const InchSandbox&) = delete;
  InchSandbox& operator=(const InchSandbox&) = delete;

  const std::string& root() const { return root_; }
  const std::string& home() const { return home_; }
  const std::string& runtime_dir() const { return runtime_dir_; }
  // A file (outside the home) holding kPassphrase.
  const std::string& passphrase_file() const { return passphrase_file_; }

  // HOME, INCH_HOME, XDG_RUNTIME_DIR, XDG_DATA_HOME, PATH, NO_COLOR, plus
  // `extra` (which overrides).
  EnvVars Env(const EnvVars& extra = {}) const;

  // Runs `inch args...` in this sandbox.
  RunResult Run(const std::vector<std::string>& args,
                std::string_view stdin_text = "",
                const EnvVars& extra_env = {}) const;
  // As Run, with `--passphrase-file passphrase_file()` appended.
  RunResult RunWithPassphrase(std::vector<std::string> args,
                              std::string_view stdin_text = "") const;

  // Writes `content` to root/name (0600) and returns its path.
  std::string WriteFile(const std::string& name,
                        std::string_view content) const;

 private:
  std::string root_, home_, runtime_dir_, passphrase_file_;
};

// The whole content of a file ("" if it cannot be read).
std::string ReadFileBytes(const std::string& path);

// Human-readable summary for assertion messages.
std::string Describe(const RunResult& r);

}  // namespace inch::test
