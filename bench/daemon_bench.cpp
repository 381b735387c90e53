// Prints (never asserts) what two REAL `inch serve` processes connected over
// 127.0.0.1 cost: (a) latency of a note from `inch thank` on node A to it
// being durable on node B (20 notes), (b) each daemon's idle RSS, (c) the
// receiving daemon's peak RSS during and after a sync of 100,000 ops built
// on A through the store API. Usage: daemon_bench [OPS] (default 100000).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_children.hpp"
#include "cli/home.hpp"
#include "cli/node_file.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"
#include "store/shared/shared_store.hpp"

namespace {

namespace fs = std::filesystem;
using namespace inch;
using namespace inch::bench;

// One meta counter of a node's shared.db, through a read-only connection
// of the bench's own (a WAL reader never blocks the daemon's writer); -1 if
// unreadable.
std::int64_t Meta(sqlite3* db, const char* key) {
  sqlite3_stmt* st = nullptr;
  std::int64_t v = -1;
  sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st,
                     nullptr);
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}
sqlite3* OpenReadOnly(const std::string& home) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(cli::FilesIn(home).shared_db.c_str(), &db,
                  SQLITE_OPEN_READONLY, nullptr);
  return db;
}

struct Node {
  std::string name, home;
  Env env;
  std::string log;
  Child serve;
  std::string address;
};

// `inch --json serve --listen 127.0.0.1:0`; false if it printed no address.
bool StartServe(Node& n) {
  n.serve =
      Spawn({"--json", "serve", "--listen", "127.0.0.1:0"}, n.env, n.log, true);
  if (n.serve.pid <= 0) return false;
  auto line = FirstLine(n.serve, std::chrono::seconds(30));
  if (!line.contains("address")) return false;
  n.address = line["address"].get<std::string>();
  return true;
}
void StopServe(Node& n) {
  Stop(n.serve.pid);
  ::close(n.serve.out);
  n.serve = {};
}

// Pairs: b listens and shows the code, a types it.
bool PairNodes(Node& a, Node& b) {
  Child listen =
      Spawn({"--json", "pair", "--listen", "127.0.0.1:0"}, b.env, b.log, true);
  auto line = FirstLine(listen, std::chrono::seconds(30));
  if (!line.contains("code")) return false;
  int dial = Run({"pair", line["address"].get<std::string>(), "--code",
                  line["code"].get<std::string>()},
                 a.env, a.log);
  return WaitExit(listen) == 0 && dial == 0;
}

// Adds `count` notes to a's shared.db through the store API. The file is
// moved to a tmpfs while they are made (one fsync per op would dominate)
// and back afterwards; a's daemon must be stopped.
bool FillHistory(Node& a, const std::string& pass, std::size_t count,
                 double& ms) {
  auto node = cli::LoadNodeFile(cli::FilesIn(a.home));
  if (!node) return false;
  auto master = crypto::UnwrapMasterKey(crypto::Secret::CopyOf(AsBytes(pass)),
                                        node->wrapped);
  if (!master) return false;
  auto identity = cli::OpenIdentity(*master, *node);
  if (!identity) return false;
  std::string tmpl = fs::exists("/dev/shm") ? "/dev/shm/inch-dbench-XXXXXX"
                                            : a.home + "-fill-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) return false;
  const fs::path tmp = tmpl, home = a.home;
  auto move_db = [](const fs::path& from, const fs::path& to) {
    for (const auto& e : fs::directory_iterator(from)) {
      if (e.path().filename().string().rfind("shared.db", 0) != 0) continue;
      fs::copy_file(e.path(), to / e.path().filename(),
                    fs::copy_options::overwrite_existing);
      fs::remove(e.path());
    }
  };
  move_db(home, tmp);
  bool ok = false;
  {  // the last close (end of scope) checkpoints the WAL into the file
    auto store = store::SharedStore::Open(
        (tmp / "shared.db").string(),
        crypto::DeriveSubkey(*master, crypto::Subkey::kShared),
        identity->public_key, false);
    ok = store.has_value();
    const auto start = Clock::now();
    for (std::size_t i = 0; ok && i < count; ++i) {
      ok = (*store)
               ->edits()
               .AddNote("thank you for the tea this morning, number " +
                        std::to_string(i))
               .has_value();
    }
    ms = Ms(Clock::now() - start);
  }
  move_db(tmp, home);
  fs::remove_all(tmp);
  ::sync();
  return ok;
}

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(
                                      p * static_cast<double>(v.size())))];
}

// Context for (a): the median cost of one small write + fdatasync here
// (each note is made durable on a, released durably, then applied on b).
double FsyncMs(const std::string& dir) {
  std::vector<double> t;
  const std::string path = dir + "/fsync-probe";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  for (int i = 0; fd >= 0 && i < 21; ++i) {
    const auto t0 = Clock::now();
    if (::pwrite(fd, "inch", 4, 4096 * i) != 4 || ::fdatasync(fd) != 0) break;
    t.push_back(Ms(Clock::now() - t0));
  }
  if (fd >= 0) ::close(fd);
  ::unlink(path.c_str());
  return Pct(t, 0.5);
}

// (a) `inch thank` on a -> durable on b; both daemons connected.
void NoteLatency(Node& a, sqlite3* ra, sqlite3* rb, int notes) {
  std::vector<double> from_start, from_commit, process, cpu;
  int lost = 0;
  for (int i = 0; i < notes + 2; ++i) {  // the first two warm up
    const std::int64_t had = Meta(rb, "received"),
                       changes = Meta(ra, "changes");
    const auto t0 = Clock::now();
    Child c =
        Spawn({"thank", "Thank you for the walk, number " + std::to_string(i)},
              a.env, a.log, false);
    Clock::time_point commit{}, exited{}, arrived{};
    rusage usage{};
    bool done = PollUntil(
        [&] {
          const auto now = Clock::now();
          if (commit == Clock::time_point{} && Meta(ra, "changes") > changes)
            commit = now;
          if (exited == Clock::time_point{} &&
              ::wait4(c.pid, nullptr, WNOHANG, &usage) == c.pid) {
            exited = now;
            Untrack(c.pid);
          }
          if (arrived == Clock::time_point{} && Meta(rb, "received") > had)
            arrived = now;
          return exited != Clock::time_point{} &&
                 arrived != Clock::time_point{};
        },
        std::chrono::seconds(10));
    if (exited == Clock::time_point{}) Stop(c.pid);
    lost += done ? 0 : 1;
    if (!done || i < 2) continue;
    from_start.push_back(Ms(arrived - t0));
    if (commit != Clock::time_point{})
      from_commit.push_back(Ms(arrived - commit));
    process.push_back(Ms(exited - t0));
    // user + system CPU of the `inch thank` process: moves less than wall
    // time when other work shares the cores.
    auto ms = [](const timeval& t) {
      return static_cast<double>(t.tv_sec) * 1e3 +
             static_cast<double>(t.tv_usec) / 1e3;
    };
    cpu.push_back(ms(usage.ru_utime) + ms(usage.ru_stime));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::printf("(a) note latency, a -> b, %zu notes (%d lost):\n",
              from_start.size(), lost);
  for (auto [what, v] : {std::pair{"commit on a -> durable on b", &from_commit},
                         {"`inch thank` start -> durable on b", &from_start},
                         {"`inch thank` whole process", &process},
                         {"`inch thank` CPU (user + sys)", &cpu}}) {
    std::printf("    %-36s median %7.2f ms, p90 %7.2f ms\n", what, Pct(*v, 0.5),
                Pct(*v, 0.9));
  }
  std::printf("    (one 4-byte write + fdatasync here: median %.2f ms)\n",
              FsyncMs(fs::path(a.home).parent_path().string()));
}

void PrintRss(const char* what, std::initializer_list<const Node*> nodes) {
  std::printf("    %-16s", what);
  for (const Node* n : nodes) {
    std::printf("  %s: VmRSS %6ld KiB, VmHWM %6ld KiB", n->name.c_str(),
                ProcKiB(n->serve.pid, "VmRSS:"),
                ProcKiB(n->serve.pid, "VmHWM:"));
  }
  std::printf("\n");
}

int Failed(const std::string& what, const std::string& log) {
  std::fprintf(stderr, "%s failed (see %s)\n", what.c_str(), log.c_str());
  return 1;
}

int Bench(const std::string& root, std::size_t ops) {
  const std::string pass = "bench passphrase", pass_file = root + "/passphrase";
  { std::ofstream(pass_file) << pass << "\n"; }
  ::mkdir((root + "/run").c_str(), 0700);
  Node a{"a", root + "/a", NodeEnv(root, "a"), root + "/a.log", {}, ""};
  Node b{"b", root + "/b", NodeEnv(root, "b"), root + "/b.log", {}, ""};
  for (Node* n : {&a, &b}) {
    if (Run({"init", "--passphrase-file", pass_file}, n->env, n->log) != 0 ||
        Run({"unlock", "--for", "2m", "--passphrase-file", pass_file}, n->env,
            n->log) != 0) {
      return Failed("init/unlock of " + n->name, n->log);
    }
  }
  if (!PairNodes(a, b)) return Failed("pairing", root + "/*.log");
  for (Node* n : {&a, &b}) {
    if (Run({"ready", "notes"}, n->env, n->log) != 0) return 1;
  }
  // b's daemon first; one manual sync teaches a where it listens (the pair
  // dial only guessed the default port); then a's daemon dials b.
  if (!StartServe(b)) return Failed("serve b", b.log);
  if (Run({"sync", "--peer", b.address}, a.env, a.log) != 0)
    return Failed("sync a -> b", a.log);
  if (!StartServe(a)) return Failed("serve a", a.log);
  std::printf("inch daemon bench: a %s, b %s, logs in %s\n", a.address.c_str(),
              b.address.c_str(), root.c_str());
  sqlite3* ra = OpenReadOnly(a.home);
  sqlite3* rb = OpenReadOnly(b.home);

  NoteLatency(a, ra, rb, 20);

  std::this_thread::sleep_for(std::chrono::seconds(1));
  std::printf("(b) daemons idle, connected:\n");
  PrintRss("idle", {&a, &b});

  // (c) a's daemon stops; its store gets `ops` notes; it restarts and dials
  // b's daemon (the receiver measured), which has run all along.
  StopServe(a);
  sqlite3_close(ra);
  double fill_ms = 0;
  if (!FillHistory(a, pass, ops, fill_ms))
    return Failed("building the history", a.home);
  const std::int64_t before = Meta(rb, "received");
  const std::int64_t target = before + static_cast<std::int64_t>(ops);
  std::printf("(c) %zu notes added to a's store (tmpfs, %.0f ms); b has %lld\n",
              ops, fill_ms, static_cast<long long>(before));
  PrintRss("before the sync", {&b});
  const auto t0 = Clock::now();
  if (!StartServe(a)) return Failed("serve a (again)", a.log);
  long max_rss = 0, max_rss_a = 0;
  std::int64_t last = before;
  bool done = PollUntil(
      [&] {
        max_rss = std::max(max_rss, ProcKiB(b.serve.pid, "VmRSS:"));
        max_rss_a = std::max(max_rss_a, ProcKiB(a.serve.pid, "VmRSS:"));
        last = Meta(rb, "received");
        return last >= target;
      },
      std::chrono::seconds(600), std::chrono::milliseconds(1));
  const double sync_ms = Ms(Clock::now() - t0);
  std::printf(
      "    sync of %zu ops (a's daemon start -> b holds them): %.0f ms (%s, b "
      "at %lld of %lld)\n",
      ops, sync_ms, done ? "ok" : "TIMED OUT", static_cast<long long>(last),
      static_cast<long long>(target));
  // Sampled every ~1 ms: the kernel's VmHWM is approximate (RSS counters
  // are batched per thread), so both are shown.
  std::printf(
      "    during the sync, max sampled VmRSS: b %ld KiB, a (sender) %ld KiB\n",
      max_rss, max_rss_a);
  PrintRss("just after", {&b, &a});
  std::this_thread::sleep_for(std::chrono::seconds(2));
  PrintRss("2 s later", {&b, &a});
  sqlite3_close(rb);
  return done ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t ops = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
  if (!inch::crypto::InitCrypto()) return 1;
  std::string root = (fs::temp_directory_path() / "inch-dbench-XXXXXX");
  if (::mkdtemp(root.data()) == nullptr) return 1;
  PrepareLock(root);
  InstallSignalHandlers();
  int rc = 1;
  try {
    rc = Bench(root, ops);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "daemon_bench: %s\n", e.what());
  }
  StopAll();
  LockAll();
  if (std::getenv("INCH_BENCH_KEEP") == nullptr && rc == 0) {
    fs::remove_all(root);
  } else {
    std::printf("kept %s\n", root.c_str());
  }
  return rc;
}
