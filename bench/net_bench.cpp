// Networking benchmarks (printed, never asserted): cold sync of 100,000 ops
// between two stores over loopback, wire bytes for a one-change sync with
// 1,000 vs 100,000 ops of history, handshake + empty sync, push latency of
// a live session, and this process's RSS. Both nodes run in this process
// on one io_context, as one daemon would; INCH_BENCH_OPS scales the big run.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
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

struct Node {
  fs::path dir;
  crypto::Identity id = crypto::GenerateIdentity();
  crypto::Secret key = crypto::Secret::Random(32);
  std::unique_ptr<store::SharedStore> store;
  Node() {
    std::string tmpl =
        (fs::temp_directory_path() / "inch-bench-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    store = std::move(*store::SharedStore::Open(
        (dir / "shared.db").string(), crypto::Secret::CopyOf(key.view()),
        id.public_key, true));
  }
  ~Node() {
    store.reset();
    fs::remove_all(dir);
  }
};

void Pin(Node& a, Node& b) {
  auto secret = crypto::Secret::Random(32);
  (void)a.store->SetPartner(b.id.public_key, secret);
  (void)b.store->SetPartner(a.id.public_key, secret);
  (void)a.store->SetConsent(store::ConsentKind::kNotes, true);
  (void)b.store->SetConsent(store::ConsentKind::kNotes, true);
}

struct SyncRun {
  bool ok = false;
  std::uint64_t wire_bytes = 0, ops = 0;
  double ms = 0;
};

// One one-shot sync a (dialer) <-> b (listener) over 127.0.0.1.
SyncRun SyncOnce(Node& a, Node& b) {
  asio::io_context io;
  tcp::acceptor acceptor(io,
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  auto endpoint = acceptor.local_endpoint();
  auto sa = a.store->PairSecret();
  auto sb = b.store->PairSecret();
  SyncRun run;
  bool ok_a = false, ok_b = false;
  auto start = Clock::now();
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        auto socket = co_await acceptor.async_accept(use_awaitable);
        auto conn = Connection::Create(std::move(socket));
        std::vector<PeerKeys> keys{{&b.id.secret_key, a.id.public_key, &*sb}};
        auto ch = co_await SecureChannel::Accept(conn, keys, nullptr);
        if (!ch) co_return;
        auto s = std::make_shared<SyncSession>(std::move(*ch), *b.store,
                                               SyncOptions{});
        auto r = co_await s->Run();
        ok_b = r.has_value();
      },
      LogCompletion{"bench server"});
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        tcp::socket socket(io);
        co_await socket.async_connect(endpoint, use_awaitable);
        auto conn = Connection::Create(std::move(socket));
        PeerKeys keys{&a.id.secret_key, b.id.public_key, &*sa};
        auto ch = co_await SecureChannel::Initiate(conn, keys);
        if (!ch) co_return;
        auto s = std::make_shared<SyncSession>(std::move(*ch), *a.store,
                                               SyncOptions{});
        auto r = co_await s->Run();
        ok_a = r.has_value();
        if (r) run.ops = r->ops_sent + r->ops_applied;
        run.wire_bytes = conn->bytes_in() + conn->bytes_out();
      },
      LogCompletion{"bench client"});
  io.run();
  run.ms = Ms(Clock::now() - start);
  run.ok = ok_a && ok_b;
  return run;
}

void AddNotes(Node& n, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    (void)n.store->AddNote("thank you for the tea this morning, number " +
                           std::to_string(i));
  }
}

}  // namespace

int main() {
  if (!crypto::InitCrypto()) return 1;
  spdlog::set_level(spdlog::level::warn);
  std::size_t big = 100'000;
  if (const char* env = std::getenv("INCH_BENCH_OPS"))
    big = std::strtoul(env, nullptr, 10);

  // Handshake + empty sync.
  {
    Node a, b;
    Pin(a, b);
    SyncOnce(a, b);
    std::vector<double> times;
    for (int i = 0; i < 50; ++i) times.push_back(SyncOnce(a, b).ms);
    std::sort(times.begin(), times.end());
    std::printf("handshake + empty sync: median %.2f ms (50 runs)\n",
                times[25]);
  }
  // One change after 1,000 and after `big` ops of history.
  for (std::size_t history : {std::size_t{1000}, big}) {
    Node a, b;
    Pin(a, b);
    auto fill = Clock::now();
    AddNotes(a, history);
    double fill_ms = Ms(Clock::now() - fill);
    long rss_before = RssKiB("VmRSS:");
    SyncRun cold = SyncOnce(a, b);
    std::printf(
        "cold sync of %zu ops: %.1f ms (%s), %llu bytes on the wire "
        "(creating them took %.0f ms); RSS %ld -> peak %ld KiB\n",
        history, cold.ms, cold.ok ? "ok" : "FAILED",
        static_cast<unsigned long long>(cold.wire_bytes), fill_ms, rss_before,
        RssKiB("VmHWM:"));
    AddNotes(a, 1);
    SyncRun one = SyncOnce(a, b);
    std::printf(
        "one change after %zu ops of history: %llu bytes incl. "
        "handshake, %.2f ms (%s)\n",
        history, static_cast<unsigned long long>(one.wire_bytes), one.ms,
        one.ok ? "ok" : "FAILED");
  }
  std::printf(
      "process RSS now %ld KiB, peak %ld KiB (both nodes in one process)\n",
      RssKiB("VmRSS:"), RssKiB("VmHWM:"));
  return 0;
}
