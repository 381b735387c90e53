// Networking benchmarks (printed, never asserted): cold sync of 100,000 ops
// between two stores over loopback (persisted on disk), wire bytes and time
// for a one-change sync with 1,000 vs 100,000 ops of history, handshake +
// empty sync, push latency of a live session, and this process's RSS. Both
// nodes run in this process, each on its own thread and io_context as two
// daemons would; INCH_BENCH_OPS scales the big run, INCH_BENCH_ONLY=cold
// runs only it (for profiling: it prints "cold sync starts" to stderr and
// then waits INCH_BENCH_WAIT_MS, so a profiler can attach to the sync).
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/identity.hpp"
#include "net/asio.hpp"
#include "net/secure_channel.hpp"
#include "net/sync_session.hpp"
#include "store/shared/shared_store.hpp"

namespace {
namespace fs = std::filesystem;
using namespace inch;
using namespace inch::net;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

long RssKiB(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0)
      return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

// A node's shared store. Built in `base` (a tmpfs while the history is
// made: one fsync per local op would dominate the setup), then MoveToDisk()
// so the measured syncs persist on a real disk.
struct Node {
  fs::path dir;
  crypto::Identity id = crypto::GenerateIdentity();
  crypto::Secret key = crypto::Secret::Random(32);
  std::unique_ptr<store::SharedStore> store;
  explicit Node(const fs::path& base = fs::temp_directory_path()) {
    dir = MakeDir(base);
    Reopen(true);
  }
  ~Node() {
    store.reset();
    fs::remove_all(dir);
  }
  static fs::path MakeDir(const fs::path& base) {
    std::string tmpl = (base / "inch-bench-XXXXXX").string();
    return mkdtemp(tmpl.data());
  }
  void Reopen(bool create) {
    store.reset();
    store = std::move(*store::SharedStore::Open(
        (dir / "shared.db").string(), crypto::Secret::CopyOf(key.view()),
        id.public_key, create));
  }
  void MoveToDisk() {
    store.reset();  // the last close checkpoints the WAL into the file
    fs::path disk = MakeDir(fs::temp_directory_path());
    for (const auto& entry : fs::directory_iterator(dir))
      fs::copy_file(entry.path(), disk / entry.path().filename());
    fs::remove_all(dir);
    dir = disk;
    ::sync();
    Reopen(false);
  }
};

fs::path FastBase() {
  return fs::exists("/dev/shm") ? fs::path("/dev/shm")
                                : fs::temp_directory_path();
}

void Pin(Node& a, Node& b) {
  auto secret = crypto::Secret::Random(32);
  (void)a.store->pairing().SetPartner(b.id.public_key, secret);
  (void)b.store->pairing().SetPartner(a.id.public_key, secret);
  (void)a.store->edits().SetConsent(store::ConsentKind::kNotes, true);
  (void)b.store->edits().SetConsent(store::ConsentKind::kNotes, true);
}

struct SyncRun {
  bool ok = false;
  std::uint64_t wire_bytes = 0, ops = 0;
  double ms = 0;
  double cpu_ms = 0;  // user + system, both nodes (the machine is shared)
};

double CpuMs() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

using Channel = Result<std::unique_ptr<SecureChannel>>;

// The listener's side: one connection accepted, the dialer `peer`
// authenticated under the pair `secret`.
awaitable<Channel> AcceptFrom(tcp::acceptor& acceptor, Node& me, Node& peer,
                              const crypto::Secret& secret) {
  auto socket = co_await acceptor.async_accept(use_awaitable);
  std::vector<PeerKeys> keys{{&me.id.secret_key, peer.id.public_key, &secret}};
  co_return co_await SecureChannel::Accept(
      Connection::Create(std::move(socket)), keys, nullptr);
}

// The dialer's side, to the listener `peer` at `endpoint`.
awaitable<Channel> DialTo(tcp::endpoint endpoint, Node& me, Node& peer,
                          const crypto::Secret& secret) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(endpoint, use_awaitable);
  PeerKeys keys{&me.id.secret_key, peer.id.public_key, &secret};
  co_return co_await SecureChannel::Initiate(
      Connection::Create(std::move(socket)), keys);
}

// One one-shot sync a (dialer) <-> b (listener) over 127.0.0.1. Each node
// runs on its own thread and io_context, as two daemons would in two
// processes: one node's fsync does not stall the other.
SyncRun SyncOnce(Node& a, Node& b) {
  asio::io_context io_a, io_b;
  tcp::acceptor acceptor(io_b,
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto endpoint = acceptor.local_endpoint();
  auto sa = a.store->pairing().PairSecret();
  auto sb = b.store->pairing().PairSecret();
  SyncRun run;
  bool ok_a = false, ok_b = false;
  const double cpu0 = CpuMs();
  auto start = Clock::now();
  asio::co_spawn(
      io_b,
      [&]() -> awaitable<void> {
        auto ch = co_await AcceptFrom(acceptor, b, a, *sb);
        if (!ch) co_return;
        auto s = std::make_shared<SyncSession>(std::move(*ch), b.store->sync(),
                                               SyncOptions{});
        auto r = co_await s->Run();
        ok_b = r.has_value();
        if (!r)
          std::fprintf(stderr, "listener: %s\n", r.error().message.c_str());
      },
      LogCompletion{"bench server"});
  asio::co_spawn(
      io_a,
      [&]() -> awaitable<void> {
        auto ch = co_await DialTo(endpoint, a, b, *sa);
        if (!ch) co_return;
        auto s = std::make_shared<SyncSession>(std::move(*ch), a.store->sync(),
                                               SyncOptions{});
        auto r = co_await s->Run();
        ok_a = r.has_value();
        if (!r) std::fprintf(stderr, "dialer: %s\n", r.error().message.c_str());
        if (r) run.ops = r->ops_sent + r->ops_applied;
        run.wire_bytes =
            s->connection().bytes_in() + s->connection().bytes_out();
      },
      LogCompletion{"bench client"});
  std::thread server([&] { io_b.run(); });
  io_a.run();
  server.join();
  run.ms = Ms(Clock::now() - start);
  run.cpu_ms = CpuMs() - cpu0;
  run.ok = ok_a && ok_b;
  return run;
}

// Reads the partner store's `received` counter through a read-only
// connection of its own (WAL readers do not disturb the writer).
std::int64_t ReceivedCounter(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  std::int64_t v = -1;
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'received'",
                         -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return v;
}

// Push latency of a live session (what two connected daemons run): a note
// is written on a's thread and the session told; the time until b's store
// durably holds it (its received counter moves). The daemon's own change
// detection (inotify) is not included.
void LiveLatency(Node& a, Node& b) {
  asio::io_context io_a, io_b;
  tcp::acceptor acceptor(io_b,
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto endpoint = acceptor.local_endpoint();
  auto sa = a.store->pairing().PairSecret();
  auto sb = b.store->pairing().PairSecret();
  SyncOptions live;
  live.live = true;
  std::shared_ptr<SyncSession> session_a, session_b;
  asio::co_spawn(
      io_b,
      [&]() -> awaitable<void> {
        auto ch = co_await AcceptFrom(acceptor, b, a, *sb);
        if (!ch) co_return;
        session_b = std::make_shared<SyncSession>(std::move(*ch),
                                                  b.store->sync(), live);
        (void)co_await session_b->Run();
      },
      LogCompletion{"bench live server"});
  asio::co_spawn(
      io_a,
      [&]() -> awaitable<void> {
        auto ch = co_await DialTo(endpoint, a, b, *sa);
        if (!ch) co_return;
        session_a = std::make_shared<SyncSession>(std::move(*ch),
                                                  a.store->sync(), live);
        (void)co_await session_a->Run();
      },
      LogCompletion{"bench live client"});
  std::thread thread_a([&] { io_a.run(); });
  std::thread thread_b([&] { io_b.run(); });
  sqlite3* reader = nullptr;
  sqlite3_open_v2((b.dir / "shared.db").string().c_str(), &reader,
                  SQLITE_OPEN_READONLY, nullptr);
  auto wait_for = [&](auto pred) {
    const auto end = Clock::now() + std::chrono::seconds(10);
    while (!pred() && Clock::now() < end)
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    return pred();
  };
  std::vector<double> times;
  // Connected and converged first (both consents exchanged).
  sqlite3* reader_a = nullptr;
  sqlite3_open_v2((a.dir / "shared.db").string().c_str(), &reader_a,
                  SQLITE_OPEN_READONLY, nullptr);
  bool ready = wait_for([&] {
    return ReceivedCounter(reader) >= 1 && ReceivedCounter(reader_a) >= 1;
  });
  sqlite3_close(reader_a);
  for (int i = 0; ready && i < 21; ++i) {
    const std::int64_t before = ReceivedCounter(reader);
    std::atomic<bool> written{false};
    Clock::time_point t0;
    asio::post(io_a, [&] {
      (void)a.store->edits().AddNote("a quick note, number " +
                                     std::to_string(i));
      t0 = Clock::now();
      written = true;
      if (session_a) session_a->NotifyLocalChange();
    });
    if (!wait_for([&] { return written && ReceivedCounter(reader) > before; }))
      break;
    times.push_back(Ms(Clock::now() - t0));
  }
  sqlite3_close(reader);
  asio::post(io_a, [&] {
    if (session_a) session_a->Stop();
  });
  asio::post(io_b, [&] {
    if (session_b) session_b->Stop();
  });
  thread_a.join();
  thread_b.join();
  if (times.size() < 21) {
    std::printf("live push latency: FAILED after %zu notes\n", times.size());
    return;
  }
  std::sort(times.begin(), times.end());
  std::printf(
      "live push latency (note written -> durable on the partner): median "
      "%.2f ms, max %.2f ms (21 notes)\n",
      times[10], times.back());
}

void AddNotes(Node& n, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    (void)n.store->edits().AddNote(
        "thank you for the tea this morning, number " + std::to_string(i));
  }
}

}  // namespace

int main() {
  if (!crypto::InitCrypto()) return 1;
  spdlog::set_level(spdlog::level::warn);
  std::size_t big = 100'000;
  if (const char* env = std::getenv("INCH_BENCH_OPS"))
    big = std::strtoul(env, nullptr, 10);

  // INCH_BENCH_ONLY=cold: only the big cold sync (for profiling).
  const char* only = std::getenv("INCH_BENCH_ONLY");
  const bool cold_only = only != nullptr && std::string(only) == "cold";

  // Handshake + empty sync.
  if (!cold_only) {
    Node a, b;
    Pin(a, b);
    SyncOnce(a, b);
    std::vector<double> times;
    for (int i = 0; i < 50; ++i) times.push_back(SyncOnce(a, b).ms);
    std::sort(times.begin(), times.end());
    std::printf("handshake + empty sync: median %.2f ms (50 runs)\n",
                times[25]);
  }
  if (!cold_only) {
    Node a, b;
    Pin(a, b);
    LiveLatency(a, b);
  }
  // One change after 1,000 and after `big` ops of history.
  for (std::size_t history : {std::size_t{1000}, big}) {
    if (cold_only && history != big) continue;
    Node a(FastBase()), b(FastBase());
    Pin(a, b);
    auto fill = Clock::now();
    AddNotes(a, history);
    double fill_ms = Ms(Clock::now() - fill);
    a.MoveToDisk();
    b.MoveToDisk();
    long rss_before = RssKiB("VmRSS:");
    if (cold_only) {
      // A mark for profilers that attach only to the sync itself
      // (scripts wait for this line, then `perf record -p`).
      std::fprintf(stderr, "cold sync starts\n");
      if (const char* wait = std::getenv("INCH_BENCH_WAIT_MS"))
        std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(wait)));
    }
    SyncRun cold = SyncOnce(a, b);
    std::printf(
        "cold sync of %zu ops: %.1f ms, cpu %.0f ms (%s), %llu bytes on the "
        "wire (creating them on tmpfs took %.0f ms); RSS %ld -> peak %ld "
        "KiB\n",
        history, cold.ms, cold.cpu_ms, cold.ok ? "ok" : "FAILED",
        static_cast<unsigned long long>(cold.wire_bytes), fill_ms, rss_before,
        RssKiB("VmHWM:"));
    // One change, 11 times: the median time (the machine is shared).
    std::vector<double> one_ms;
    SyncRun one;
    bool all_ok = true;
    for (int i = 0; i < 11; ++i) {
      AddNotes(a, 1);
      one = SyncOnce(a, b);
      all_ok = all_ok && one.ok;
      one_ms.push_back(one.ms);
    }
    std::sort(one_ms.begin(), one_ms.end());
    std::printf(
        "one change after %zu ops of history: %llu bytes incl. "
        "handshake, median %.2f ms of 11 (%s)\n",
        history, static_cast<unsigned long long>(one.wire_bytes), one_ms[5],
        all_ok ? "ok" : "FAILED");
  }
  std::printf(
      "process RSS now %ld KiB, peak %ld KiB (both nodes in one process)\n",
      RssKiB("VmRSS:"), RssKiB("VmHWM:"));
  return 0;
}
