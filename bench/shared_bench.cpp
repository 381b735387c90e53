// Shared-store benchmark (prints figures, never asserts): fold of 100,000
// ops from cold, applying a 10,000-op batch from the partner, and the Outbox
// with 100,000 ops in the log. Each measurement runs in a forked child that
// opens the stores cold, so its peak RSS (ru_maxrss) is its own.
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

using inch::Bytes;
using inch::crypto::Secret;
using inch::store::SharedStore;

struct Files {
  std::string dir, a, b;
  Bytes pk_a, pk_b;
  Bytes key_a, key_b;
};

std::unique_ptr<SharedStore> OpenStore(const std::string& path,
                                       const Bytes& key, const Bytes& pk,
                                       bool create) {
  auto s = SharedStore::Open(path, Secret::CopyOf(key), pk, create);
  INCH_CHECK(s.has_value());
  return std::move(*s);
}

// Runs `body` in a child; prints its time and the child's peak RSS.
void Measure(const char* label, const std::function<void()>& body) {
  std::fflush(stdout);
  pid_t pid = ::fork();
  INCH_CHECK(pid >= 0);
  if (pid == 0) {
    const auto t0 = std::chrono::steady_clock::now();
    body();
    const double ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    std::printf("%-52s %9.1f ms   peak RSS %6.1f MiB\n", label, ms,
                static_cast<double>(ru.ru_maxrss) / 1024.0);
    std::fflush(stdout);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace

int main() {
  INCH_CHECK(inch::crypto::InitCrypto());
  namespace fs = std::filesystem;
  Files f;
  f.dir = (fs::exists("/dev/shm") ? std::string("/dev/shm")
                                  : fs::temp_directory_path().string()) +
          "/inch-shared-bench-" + std::to_string(::getpid());
  fs::create_directories(f.dir);
  f.a = f.dir + "/a.db";
  f.b = f.dir + "/b.db";
  f.pk_a = inch::crypto::RandomBytes(32);
  f.pk_b = inch::crypto::RandomBytes(32);
  f.key_a = inch::crypto::RandomBytes(32);
  f.key_b = inch::crypto::RandomBytes(32);
  const Secret pair = Secret::Random(32);
  constexpr int kItems = 25000;  // x 4 ops = 100,000 ops
  {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, true);
    auto b = OpenStore(f.b, f.key_b, f.pk_b, true);
    INCH_CHECK(a->SetPartner(f.pk_b, pair).has_value());
    INCH_CHECK(b->SetPartner(f.pk_a, pair).has_value());
    INCH_CHECK(
        a->SetConsent(inch::store::ConsentKind::kLists, true).has_value());
    INCH_CHECK(
        b->SetConsent(inch::store::ConsentKind::kLists, true).has_value());
    auto out = b->Outbox(0, 10, 1 << 20);
    INCH_CHECK(out && a->ApplyFromPartner(out->sealed_ops).has_value());
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kItems; ++i) {
      const std::string text =
          "a small specific wish number " + std::to_string(i);
      auto id = a->AddWish(text, 1 + i % 5);
      INCH_CHECK(id.has_value());
      INCH_CHECK(a->Edit(*id, text + " (edited)", std::nullopt, std::nullopt)
                     .has_value());
      INCH_CHECK(a->Share(*id).has_value());
      INCH_CHECK(a->Edit(*id, std::nullopt, 3, std::nullopt).has_value());
    }
    std::printf(
        "setup: %d local ops, one transaction each: %.1f s\n", kItems * 4 + 1,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count());
  }
  const std::size_t kAll = static_cast<std::size_t>(kItems) * 4 + 1;
  Measure("outbox, 100k ops in log, first call (releases all)", [&] {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    auto out = a->Outbox(0, 1000, 1 << 20);
    INCH_CHECK(out.has_value() && out->sealed_ops.size() == 1000);
  });
  // Release everything in the parent so later children see a steady state.
  {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    INCH_CHECK(a->Outbox(0, 1, 1 << 20).has_value());
  }
  Measure("outbox, 100k ops in log, steady (next 1,000)", [&] {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    auto out = a->Outbox(kAll - 1000, 1000, 1 << 20);
    INCH_CHECK(out.has_value() && !out->sealed_ops.empty());
  });
  Measure("fold of 100k ops from cold (open + CurrentState)", [&] {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    auto s = a->CurrentState();
    INCH_CHECK(s.has_value() && s->items.size() == kItems);
  });
  // A 10,000-op batch, prepared in the parent, applied cold in the child.
  std::vector<Bytes> batch;
  {
    auto a = OpenStore(f.a, f.key_a, f.pk_a, false);
    auto out = a->Outbox(0, 10000, std::size_t{1} << 30);
    INCH_CHECK(out.has_value() && out->sealed_ops.size() == 10000);
    batch = std::move(out->sealed_ops);
  }
  Measure("apply a 10,000-op batch from the partner (1 tx)", [&] {
    auto b = OpenStore(f.b, f.key_b, f.pk_b, false);
    auto r = b->ApplyFromPartner(batch);
    INCH_CHECK(r.has_value() && r->applied == 10000);
  });
  fs::remove_all(f.dir);
  return 0;
}
