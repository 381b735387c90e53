// The $EDITOR path driven through the real binary: inch runs on a
// pseudo-terminal (the editor is only used when stdin is one) with a fake
// editor, a shell script the test writes, and a runtime folder in memory
// (a fresh 0700 folder in /dev/shm, as a desktop's /run/user/UID is).
#pragma once

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/inch_process.hpp"
#include "tests/support/marker_search.hpp"
#include "tests/support/terminal_process.hpp"

namespace inch::test {

inline bool OnTmpfs(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 &&
         (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC);
}

class EditorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnTmpfs("/dev/shm")) GTEST_SKIP() << "no tmpfs at /dev/shm";
    char tmpl[] = "/dev/shm/inch-test-run-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    runtime_ = tmpl;
    RunResult init = box_.RunWithPassphrase({"init"});
    ASSERT_EQ(init.exit_code, 0) << Describe(init);
    // The agent (its socket in the runtime folder) spares each run the KDF.
    RunResult unlock =
        Inch({"unlock", "--passphrase-file", box_.passphrase_file()});
    ASSERT_EQ(unlock.exit_code, 0) << Describe(unlock);
  }
  void TearDown() override {
    if (runtime_.empty()) return;
    Inch({"lock"});
    std::error_code ec;
    std::filesystem::remove_all(runtime_, ec);
  }

  // `inch args...` with stdin on a pipe, unlocked by the agent.
  RunResult Inch(const std::vector<std::string>& args,
                 std::string_view stdin_text = "") const {
    return RunInch(args, EditorEnv("false"), stdin_text);
  }

  // Writes an executable fake editor `root/name` running `body` (sh), with
  // @ROOT@ standing for the sandbox root. Returns its path.
  std::string Editor(const std::string& name, std::string body) const {
    for (std::size_t at = body.find("@ROOT@"); at != std::string::npos;
         at = body.find("@ROOT@", at)) {
      body.replace(at, 6, box_.root());
    }
    std::string path = box_.WriteFile(name, "#!/bin/sh\n" + body + "\n");
    ::chmod(path.c_str(), 0700);
    return path;
  }

  // The environment for inch: the sandbox's, with the in-memory runtime
  // folder and `editor` as EDITOR, then `extra` (an empty value unsets).
  EnvVars EditorEnv(const std::string& editor,
                    const EnvVars& extra = {}) const {
    EnvVars env = box_.Env({{"XDG_RUNTIME_DIR", runtime_}, {"EDITOR", editor}});
    for (const auto& [k, v] : extra) {
      if (v.empty()) {
        env.erase(k);
      } else {
        env[k] = v;
      }
    }
    return env;
  }

  // `inch args...` on a terminal, with `editor`. With another runtime
  // folder in `extra` the agent is not found there, so the passphrase file
  // is passed (else inch would ask on the terminal).
  RunResult OnTerminal(std::vector<std::string> args, const std::string& editor,
                       const EnvVars& extra = {}) const {
    if (extra.contains("XDG_RUNTIME_DIR")) {
      args.push_back("--passphrase-file");
      args.push_back(box_.passphrase_file());
    }
    return RunOnTerminal(INCH_BINARY, args, EditorEnv(editor, extra));
  }

  // What the person sees of the journal, to compare before and after.
  std::string Snapshot() const {
    RunResult r = Inch({"journal", "list", "--json", "--limit", "1000"});
    EXPECT_EQ(r.exit_code, 0) << Describe(r);
    return r.out;
  }

  // Files under `dir` holding `marker` in any encoding, one per line.
  static std::string Hits(const std::string& dir, const std::string& marker) {
    std::string s;
    for (const auto& h : FindMarkerInTree(dir, marker)) {
      s += h.file + " (" + h.encoding + ")\n";
    }
    return s;
  }

  // The first line of root/name, as a fake editor recorded it.
  std::string Recorded(const std::string& name) const {
    std::string s = ReadFileBytes(box_.root() + "/" + name);
    return s.substr(0, s.find('\n'));
  }

  static bool Exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
  }

  InchSandbox box_;
  std::string runtime_;
};

}  // namespace inch::test
