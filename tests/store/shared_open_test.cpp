// Unit tests of opening the shared store and of the pairing role: pairing
// state and unpair, schema versions and foreign files, a wrong key.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "shared_store_fixture.hpp"

namespace inch::store {
namespace {

using testing::Pair;
using testing::SharedStoreTest;

// A store held open for long (the daemon's) follows pairings another
// process makes or ends on the same file: before, it said "not paired"
// for ever and could not record the new partner's address.
TEST(SharedStoreFollowTest, AStoreHeldOpenSeesAPairingMadeElsewhere) {
  ASSERT_TRUE(crypto::InitCrypto());
  testing::TempDir dir;
  testing::Node a = testing::MakeNode(dir.path(), "a");
  testing::Node b = testing::MakeNode(dir.path(), "b");
  auto held = SharedStore::Open(a.path, crypto::Secret::CopyOf(a.key.view()),
                                a.pk, false);
  ASSERT_TRUE(held);
  EXPECT_EQ((*held)->pairing().SetPartnerAddress("10.0.0.2:4000").error().code,
            Errc::kNotFound);

  Pair(a, b);  // through a's own handle: another connection
  ASSERT_TRUE((*held)->pairing().SetPartnerAddress("10.0.0.2:4000"));
  auto partner = (*held)->pairing().Partner();
  ASSERT_TRUE(partner && *partner);
  EXPECT_EQ((*partner)->public_key, b.pk);
  EXPECT_EQ((*partner)->last_address, "10.0.0.2:4000");

  ASSERT_TRUE(a->pairing().ErasePartner());
  EXPECT_FALSE(*(*held)->pairing().Partner());
  EXPECT_EQ((*held)->pairing().SetPartnerAddress("10.0.0.2:4000").error().code,
            Errc::kNotFound);
}

TEST_F(SharedStoreTest, PairingStateAndErasePartner) {
  EXPECT_EQ(a->pairing().SetPartner(b.pk, secret).error().code, Errc::kExists);
  auto p = a->pairing().Partner();
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->public_key, b.pk);
  ASSERT_TRUE(a->pairing().SetPartnerAddress("127.0.0.1:4000"));
  EXPECT_EQ((*a->pairing().Partner())->last_address, "127.0.0.1:4000");
  EXPECT_TRUE((*a->pairing().PairSecret()).Equals(secret));
  AllReady();
  auto w = b->edits().AddWish("b's wish", 4);
  ASSERT_TRUE(w && b->edits().Share(*w));
  FullExchange(a, b);
  ASSERT_EQ(PartnerItems(a), 1u);
  ASSERT_TRUE(a->pairing().ErasePartner());
  ASSERT_TRUE(b->pairing().ErasePartner());
  EXPECT_FALSE(*a->pairing().Partner());
  EXPECT_EQ(a->pairing().PairSecret().error().code, Errc::kNotFound);
  EXPECT_EQ(PartnerItems(a), 0u);
  EXPECT_EQ(*a->sync().ReceivedUpTo(), 0u);
  EXPECT_EQ(a->sync().Outbox(0, 10, 1000).error().code, Errc::kNotFound);
  // Re-pairing starts a fresh release sequence and fresh consent: b's
  // wish is b's draft again until b shares it and both say ready again.
  Pair(a, b);
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(a), 0u);
  ASSERT_TRUE(b->edits().Share(*w));
  AllReady();
  FullExchange(a, b);
  EXPECT_EQ(PartnerItems(a), 1u);
  EXPECT_FALSE(a->reader().CurrentState()->unpaired_by[kPartner]);
}

TEST_F(SharedStoreTest, RefusesNewerSchemaAndForeignFiles) {
  a.store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(a.path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  auto s = SharedStore::Open(a.path, crypto::Secret::CopyOf(a.key.view()), a.pk,
                             false);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::kTooNew);
  const std::string other = dir.path() + "/other.db";
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA application_id = 7; CREATE TABLE t(x)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto o = SharedStore::Open(other, crypto::Secret::CopyOf(a.key.view()), a.pk,
                             false);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kInvalidInput);
  EXPECT_EQ(SharedStore::Open(dir.path() + "/none.db",
                              crypto::Secret::Random(32), a.pk, false)
                .error()
                .code,
            Errc::kNotFound);
}

TEST_F(SharedStoreTest, WrongKeyCannotReadTheStore) {
  ASSERT_TRUE(a->edits().AddWish("secret wish", 3));
  a.store.reset();
  auto s = SharedStore::Open(a.path, crypto::Secret::Random(32), a.pk, false);
  ASSERT_TRUE(s);
  auto state = (*s)->reader().CurrentState();
  ASSERT_FALSE(state);
  EXPECT_EQ(state.error().code, Errc::kCorrupt);
}

}  // namespace
}  // namespace inch::store
