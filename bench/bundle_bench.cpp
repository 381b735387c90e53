// Bundle benchmarks (printed, never asserted): the size of a carried bundle
// for one change and for 100,000 ops (INCH_BENCH_OPS scales it), and the
// time to write and to read it. Two shared stores in /dev/shm, paired, with
// notes on for both (their consents carried by a first bundle).
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "crypto/identity.hpp"
#include "net/bundle.hpp"
#include "store/shared/shared_store.hpp"

namespace {
namespace fs = std::filesystem;
using namespace inch;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Node {
  fs::path dir;
  crypto::Identity id = crypto::GenerateIdentity();
  std::unique_ptr<store::SharedStore> store;
  Node() {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm")
                                                 : fs::temp_directory_path();
    std::string tmpl = (base / "inch-bundle-bench-XXXXXX").string();
    dir = mkdtemp(tmpl.data());
    store = std::move(*store::SharedStore::Open((dir / "shared.db").string(),
                                                crypto::Secret::Random(32),
                                                id.public_key, true));
  }
  ~Node() {
    store.reset();
    fs::remove_all(dir);
  }
};

// One bundle a -> b: prints its size, changes and times.
void Carry(Node& a, Node& b, const char* what) {
  auto t0 = Clock::now();
  auto w = net::WriteBundle(a.store->sync(), a.id.public_key);
  auto t1 = Clock::now();
  if (!w) {
    std::printf("%s: write failed: %s\n", what, w.error().message.c_str());
    return;
  }
  auto r = net::ReadBundle(b.store->sync(), b.id.public_key, w->file);
  auto t2 = Clock::now();
  std::printf(
      "bundle for %s: %zu ops, %zu bytes (%.1f bytes/op), write %.1f ms, "
      "read %.1f ms%s\n",
      what, w->ops, w->file.size(),
      w->ops ? static_cast<double>(w->file.size()) / static_cast<double>(w->ops)
             : 0.0,
      Ms(t1 - t0), Ms(t2 - t1), r ? "" : " (read FAILED)");
}

}  // namespace

int main() {
  if (!crypto::InitCrypto()) return 1;
  std::size_t big = 100'000;
  if (const char* env = std::getenv("INCH_BENCH_OPS"))
    big = std::strtoul(env, nullptr, 10);
  Node a, b;
  auto secret = crypto::Secret::Random(32);
  (void)a.store->pairing().SetPartner(b.id.public_key, secret);
  (void)b.store->pairing().SetPartner(a.id.public_key, secret);
  (void)a.store->edits().SetConsent(store::ConsentKind::kNotes, true);
  (void)b.store->edits().SetConsent(store::ConsentKind::kNotes, true);
  Carry(a, b, "a consent (first bundle)");
  Carry(b, a, "a consent and an ack (back)");

  (void)a.store->edits().AddNote("thank you for the tea this morning");
  Carry(a, b, "one change");
  Carry(b, a, "nothing new (an ack only)");

  for (std::size_t i = 0; i < big; ++i) {
    (void)a.store->edits().AddNote(
        "thank you for the tea this morning, number " + std::to_string(i));
  }
  const std::string label = std::to_string(big) + " ops";
  Carry(a, b, label.c_str());
  return 0;
}
