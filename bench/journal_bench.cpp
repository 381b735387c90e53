// Prints (never asserts) the journal's whole-process latencies: with
// 10,000 entries and the node unlocked, `inch journal list --limit 20` and
// `inch journal write TEXT` (median of 20 runs each, wall time and the
// process's user + system CPU), plus the Argon2id unlock, in a temporary
// home. Usage: journal_bench [ENTRIES] [RUNS]
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "cli/home.hpp"
#include "cli/node_file.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"
#include "store/journal/journal.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Runs inch with `args` and the bench's environment; returns its exit code
// and sets `elapsed` to the whole-process wall time and, if given, `cpu` to
// its user + system CPU time (moves less when other work shares the cores).
int RunInch(const std::vector<std::string>& args,
            const std::vector<std::string>& env, double& elapsed,
            double* cpu = nullptr) {
  std::vector<std::string> argv_s{INCH_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s = env;
  for (auto& s : env_s) envp.push_back(s.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {0, 1, 2}) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0);
  }
  Clock::time_point start = Clock::now();
  pid_t pid = 0;
  int rc =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  elapsed = Ms(Clock::now() - start);
  if (cpu != nullptr) {
    auto ms = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) * 1e3 +
             static_cast<double>(t.tv_usec) / 1e3;
    };
    *cpu = ms(usage.ru_utime) + ms(usage.ru_stime);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Stats {
  double median, min, max;
};

Stats Summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

}  // namespace

int main(int argc, char** argv) {
  int entries = argc > 1 ? std::atoi(argv[1]) : 10000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 20;
  if (!inch::crypto::InitCrypto()) return 1;
  std::string root_tmpl =
      (std::filesystem::temp_directory_path() / "inch-bench-XXXXXX").string();
  if (mkdtemp(root_tmpl.data()) == nullptr) return 1;
  std::string root = root_tmpl;
  std::string home = root + "/home", run = root + "/run";
  mkdir(run.c_str(), 0700);
  std::string pass_file = root + "/passphrase";
  std::FILE* f = std::fopen(pass_file.c_str(), "w");
  std::fputs("bench passphrase\n", f);
  std::fclose(f);
  std::vector<std::string> env{"INCH_HOME=" + home, "XDG_RUNTIME_DIR=" + run,
                               "HOME=" + root, "NO_COLOR=1"};

  double t = 0;
  if (RunInch({"init", "--passphrase-file", pass_file}, env, t) != 0) {
    std::fprintf(stderr, "inch init failed\n");
    return 1;
  }
  std::printf("inch journal bench: %d entries, %d runs each, home %s\n",
              entries, runs, home.c_str());
  std::printf("  inch init (Argon2id wrap, whole process)   %8.1f ms\n", t);

  // Fill the journal directly through the store API, as a user would over
  // months (each Write is its own durable transaction).
  {
    auto files = inch::cli::FilesIn(home);
    auto node = inch::cli::LoadNodeFile(files);
    auto pass = inch::crypto::Secret::CopyOf(inch::AsBytes("bench passphrase"));
    Clock::time_point start = Clock::now();
    auto master = inch::crypto::UnwrapMasterKey(pass, node->wrapped);
    double unwrap = Ms(Clock::now() - start);
    if (!master) return 1;
    std::printf("  Argon2id unwrap in-process (MODERATE)      %8.1f ms\n",
                unwrap);
    auto journal = inch::store::Journal::Open(
        files.journal_db,
        inch::crypto::DeriveSubkey(*master, inch::crypto::Subkey::kJournal),
        false);
    if (!journal) {
      std::fprintf(stderr, "open: %s\n", journal.error().message.c_str());
      return 1;
    }
    start = Clock::now();
    std::string text(280, 'x');
    for (int i = 0; i < entries; ++i) {
      text.replace(0, 13, std::to_string(1000000000000LL + i));
      auto id = (*journal)->Write(text, std::nullopt, {}, 1795000000000 + i);
      if (!id) {
        std::fprintf(stderr, "write: %s\n", id.error().message.c_str());
        return 1;
      }
    }
    std::printf("  store: %d writes of 280 bytes              %8.1f ms\n",
                entries, Ms(Clock::now() - start));
  }

  if (RunInch({"unlock", "--passphrase-file", pass_file}, env, t) != 0) {
    std::fprintf(stderr, "inch unlock failed\n");
    return 1;
  }
  std::printf("  inch unlock (Argon2id + agent start)       %8.1f ms\n", t);

  std::vector<double> list, write, status, list_cpu, write_cpu, status_cpu;
  double cpu = 0;
  for (int i = 0; i < runs; ++i) {
    if (RunInch({"journal", "list", "--limit", "20"}, env, t, &cpu) != 0) {
      return 1;
    }
    list.push_back(t);
    list_cpu.push_back(cpu);
  }
  for (int i = 0; i < runs; ++i) {
    if (RunInch({"journal", "write", "a small bench entry"}, env, t, &cpu) !=
        0) {
      return 1;
    }
    write.push_back(t);
    write_cpu.push_back(cpu);
  }
  for (int i = 0; i < runs; ++i) {
    if (RunInch({"status"}, env, t, &cpu) != 0) return 1;
    status.push_back(t);
    status_cpu.push_back(cpu);
  }
  for (auto [what, wall, used] :
       {std::tuple{"inch journal list --limit 20", &list, &list_cpu},
        {"inch journal write TEXT", &write, &write_cpu},
        {"inch status", &status, &status_cpu}}) {
    Stats w = Summarise(*wall);
    std::printf(
        "  %-30s median %6.1f ms (min %.1f, max %.1f), cpu median %.1f ms\n",
        what, w.median, w.min, w.max, Summarise(*used).median);
  }

  if (std::getenv("INCH_BENCH_KEEP") != nullptr) {
    std::printf("  kept (unlocked): INCH_HOME=%s XDG_RUNTIME_DIR=%s\n",
                home.c_str(), run.c_str());
    return 0;
  }
  RunInch({"lock"}, env, t);
  std::filesystem::remove_all(root);
  return 0;
}
