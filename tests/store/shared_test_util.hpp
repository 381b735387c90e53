// Test helpers for the shared store: temporary nodes, pairing two stores
// directly (no network), and exchanging ops through the sync core.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "common/check.hpp"
#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "store/shared/op_codec.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::store::testing {

// A directory under /dev/shm when it exists (fast), removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string tmpl = base + "/inch-shared-XXXXXX";
    INCH_CHECK(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Node {
  std::string path;  // shared.db
  Bytes pk;
  crypto::Secret key;
  std::unique_ptr<SharedStore> store;

  SharedStore* operator->() { return store.get(); }

  void Reopen() {
    store.reset();
    auto s =
        SharedStore::Open(path, crypto::Secret::CopyOf(key.view()), pk, false);
    INCH_CHECK(s.has_value());
    store = std::move(*s);
  }

  // An attacker with the disk and not the key: runs `sql` on shared.db
  // with the store closed (the edit must change something), then reopens.
  void EditWithoutKey(const std::string& sql) {
    store.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << (err ? err : "");
    EXPECT_GT(sqlite3_total_changes(db), 0) << "the edit changed nothing";
    sqlite3_close(db);
    Reopen();
  }
};

inline Node MakeNode(const std::string& dir, const std::string& name) {
  Node n;
  n.path = dir + "/" + name + ".db";
  n.pk = crypto::RandomBytes(32);
  n.key = crypto::Secret::Random(32);
  auto s = SharedStore::Open(n.path, crypto::Secret::CopyOf(n.key.view()), n.pk,
                             true);
  INCH_CHECK(s.has_value());
  n.store = std::move(*s);
  return n;
}

inline crypto::Secret Pair(Node& a, Node& b) {
  crypto::Secret secret = crypto::Secret::Random(32);
  INCH_CHECK(a->pairing().SetPartner(b.pk, secret).has_value());
  INCH_CHECK(b->pairing().SetPartner(a.pk, secret).has_value());
  return secret;
}

// Sends everything `from` may send to `to`; returns the number applied.
inline std::size_t Send(Node& from, Node& to, std::size_t batch = 64) {
  std::size_t applied = 0;
  for (;;) {
    auto have = to->sync().ReceivedUpTo();
    INCH_CHECK(have.has_value());
    auto out = from->sync().Outbox(*have, batch, 1 << 20);
    INCH_CHECK(out.has_value());
    auto r = ApplyFromPartner(to->sync(), out->sealed_ops);
    INCH_CHECK(r.has_value());
    applied += r->applied;
    if (!out->more) return applied;
  }
}

// Exchanges until neither side has anything new (consents known both ways).
inline void FullExchange(Node& a, Node& b) {
  for (int round = 0; round < 10; ++round) {
    std::size_t n = Send(a, b) + Send(b, a);
    if (n == 0) return;
  }
  INCH_CHECK(false && "exchange did not converge");
}

// The partner's item texts as `n` holds them.
inline std::set<std::string> PartnerTexts(Node& n) {
  auto s = n->reader().CurrentState();
  EXPECT_TRUE(s.has_value());
  std::set<std::string> out;
  if (!s) return out;
  for (auto& [id, item] : s->items) {
    if (id.author == kPartner) out.insert(item.text);
  }
  return out;
}

// Two stores in one temporary folder, paired with each other directly;
// neither has said ready yet.
class PairedNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    a = MakeNode(dir.path(), "a");
    b = MakeNode(dir.path(), "b");
    secret = Pair(a, b);
  }
  TempDir dir;
  Node a, b;
  crypto::Secret secret;
};

}  // namespace inch::store::testing
