// Shared-store benchmark (prints figures, never asserts): fold of 100,000
// ops from cold, applying a 10,000-op batch from the partner, and the Outbox
// with 100,000 ops in the log. Each measurement runs in a forked child that
// opens the stores cold, so its peak RSS (ru_maxrss) is its own.
// `shared_bench --profile-outbox DIR` runs one first Outbox in-process (for
// perf/callgrind), building the log in DIR once and reusing it afterwards.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

#include "common/check.hpp"
#include "crypto/secret.hpp"
#include "store/shared/shared_store.hpp"

namespace {

namespace fs = std::filesystem;
using inch::Bytes;
using inch::crypto::Secret;
using inch::store::SharedStore;
using Clock = std::chrono::steady_clock;

constexpr int kItems = 25000;  // x 4 ops = 100,000 ops
constexpr std::size_t kAll = static_cast<std::size_t>(kItems) * 4 + 1;

struct Files {
  std::string dir, a, b;
  // Fixed keys: a benchmark's stores need no secrecy, and a kept profile
  // directory must reopen with the same keys.
  Bytes pk_a = Bytes(32, 0xa1), pk_b = Bytes(32, 0xb2);
  Bytes key_a = Bytes(32, 0x11), key_b = Bytes(32, 0x22);
  Bytes pair = Bytes(32, 0x33);
};

std::unique_ptr<SharedStore> OpenStore(const std::string& path,
                                       const Bytes& key, const Bytes& pk,
                                       bool create) {
  auto s = SharedStore::Open(path, Secret::CopyOf(key), pk, create);
  INCH_CHECK(s.has_value());
  return std::move(*s);
}

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Two paired stores with both lists consents on; A has 100,000 ops of
// which none is released yet (the partner has seen nothing).
void BuildLog(const Files& f) {
  auto a = OpenStore(f.a, f.key_a, f.pk_a, true);
  auto b = OpenStore(f.b, f.key_b, f.pk_b, true);
  const Secret pair = Secret::CopyOf(f.pair);
  INCH_CHECK(a->pairing().SetPartner(f.pk_b, pair).has_value());
  INCH_CHECK(b->pairing().SetPartner(f.pk_a, pair).has_value());
  INCH_CHECK(a->edits()
                 .SetConsent(inch::store::ConsentKind::kLists, true)
                 .has_value());
  INCH_CHECK(b->edits()
                 .SetConsent(inch::store::ConsentKind::kLists, true)
                 .has_value());
  auto out = b->sync().Outbox(0, 10, 1 << 20);
  INCH_CHECK(
      out &&
      inch::store::ApplyFromPartner(a->sync(), out->sealed_ops).has_value());
  const auto t0 = Clock::now();
  for (int i = 0; i < kItems; ++i) {
    const std::string text =
        "a small specific wish number " + std::to_string(i);
    auto id = a->edits().AddWish(text, 1 + i % 5);
    INCH_CHECK(id.has_value());
    INCH_CHECK(a->edits()
                   .Edit(*id, text + " (edited)", std::nullopt, std::nullopt)
                   .has_value());
    INCH_CHECK(a->edits().Share(*id).has_value());
    INCH_CHECK(a->edits().Edit(*id, std::nullopt, 3, std::nullopt).has_value());
  }
  std::printf("setup: %zu local ops, one transaction each: %.1f s\n", kAll,
              MsSince(t0) / 1000.0);
}

// Runs `body` in a child; prints its time(s) and the child's peak RSS.
// `body` returns the part of its time spent outside opening the store.
void Measure(const char* label, const std::function<double()>& body) {
  std::fflush(stdout);
  pid_t pid = ::fork();
  INCH_CHECK(pid >= 0);
  if (pid == 0) {
    const auto t0 = Clock::now();
    const double op_ms = body();
    const double ms = MsSince(t0);
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    std::printf("%-50s %7.1f ms (open %5.1f + %6.1f)  peak RSS %5.1f MiB\n",
                label, ms, ms - op_ms, op_ms,
                static_cast<double>(ru.ru_maxrss) / 1024.0);
    std::fflush(stdout);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
}

Files FilesIn(const std::string& dir) {
  Files f;
  f.dir = dir;
  f.a = dir + "/a.db";
  f.b = dir + "/b.db";
  return f;
}

int ProfileOutbox(const std::string& dir) {
  Files pristine = FilesIn(dir);
  if (!fs::exists(pristine.a)) {
    fs::create_directories(dir);
    BuildLog(pristine);
  }
  Files work = FilesIn(dir + "/work");
  fs::remove_all(work.dir);
  fs::create_directories(work.dir);
  for (const char* name : {"/a.db", "/a.db-wal"}) {
    if (fs::exists(dir + name)) fs::copy_file(dir + name, work.dir + name);
  }
  auto t0 = Clock::now();
  auto a = OpenStore(work.a, work.key_a, work.pk_a, false);
  const double open_ms = MsSince(t0);
  t0 = Clock::now();
  auto out = a->sync().Outbox(0, 1000, 1 << 20);
  INCH_CHECK(out.has_value() && out->sealed_ops.size() == 1000);
  std::printf("open %.1f ms, first outbox %.1f ms\n", open_ms, MsSince(t0));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  INCH_CHECK(inch::crypto::InitCrypto());
  if (argc == 3 && std::string(argv[1]) == "--profile-outbox") {
    return ProfileOutbox(argv[2]);
  }
  Files f =
      FilesIn((fs::exists("/dev/shm") ? std::string("/dev/shm")
                                      : fs::temp_directory_path().string()) +
              "/inch-shared-bench-" + std::to_string(::getpid()));
  fs::create_directories(f.dir);
  BuildLog(f);
  Measure("outbox, 100k ops in log, first call (releases all)", [&] {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    const auto t0 = Clock::now();
    auto out = a->sync().Outbox(0, 1000, 1 << 20);
    INCH_CHECK(out.has_value() && out->sealed_ops.size() == 1000);
    return MsSince(t0);
  });
  // Release everything in the parent so later children see a steady state.
  {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    INCH_CHECK(a->sync().Outbox(0, 1, 1 << 20).has_value());
  }
  Measure("outbox, 100k ops in log, steady (next 1,000)", [&] {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    const auto t0 = Clock::now();
    auto out = a->sync().Outbox(kAll - 1000, 1000, 1 << 20);
    INCH_CHECK(out.has_value() && !out->sealed_ops.empty());
    return MsSince(t0);
  });
  Measure("fold of 100k ops from cold (open + CurrentState)", [&] {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    const auto t0 = Clock::now();
    auto s = a->reader().CurrentState();
    INCH_CHECK(s.has_value() && s->items.size() == kItems);
    return MsSince(t0);
  });
  // A 10,000-op batch, prepared in the parent, applied cold in the child.
  std::vector<Bytes> batch;
  {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    auto out = a->sync().Outbox(0, 10000, std::size_t{1} << 30);
    INCH_CHECK(out.has_value() && out->sealed_ops.size() == 10000);
    batch = std::move(out->sealed_ops);
  }
  Measure("apply a 10,000-op batch from the partner (1 tx)", [&] {
    auto b = OpenStore(f.b, f.key_b, f.pk_b, false);
    const auto t0 = Clock::now();
    auto r = inch::store::ApplyFromPartner(b->sync(), batch);
    INCH_CHECK(r.has_value() && r->applied == 10000);
    return MsSince(t0);
  });
  // Note latency: one new note on top of the 100k-op log, then the Outbox
  // that sends it (a non-quiet release pass: the gate records are checked).
  Measure("a note, 100k ops in log (AddNote + Outbox)", [&] {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    const auto t0 = Clock::now();
    auto n = a->edits().AddNote("thank you for the walk");
    INCH_CHECK(n.has_value());
    const double note_ms = MsSince(t0);
    const auto t1 = Clock::now();
    auto out = a->sync().Outbox(kAll, 1000, 1 << 20);
    INCH_CHECK(out.has_value());
    std::printf("  (AddNote %.1f ms, then Outbox %.1f ms)\n", note_ms,
                MsSince(t1));
    return MsSince(t0);
  });
  fs::remove_all(f.dir);
  return 0;
}
