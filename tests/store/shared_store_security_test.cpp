// Security tests of the shared store's files (label security): plaintext of
// items never reaches disk, and a withdrawal destroys an item's key and
// sealed content in both nodes' files (database, WAL, shm), so not even the
// ciphertext survives. A positive control shows the byte search finds the
// sealed bytes before the withdrawal.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "shared_test_util.hpp"
#include "tests/support/marker_search.hpp"

namespace inch::store {
namespace {

using testing::FullExchange;
using testing::MakeNode;
using testing::Node;
using testing::TempDir;

// The sealed blobs (item key and op bodies) of item (author slot, n).
std::vector<std::string> SealedBlobs(const std::string& path, int author,
                                     std::uint64_t n) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  std::vector<std::string> out;
  const char* sql =
      "SELECT key FROM items WHERE author = ?1 AND n = ?2 AND key IS NOT NULL "
      "UNION ALL "
      "SELECT o.body FROM ops o JOIN items i ON i.id = o.item "
      "WHERE i.author = ?1 AND i.n = ?2 AND o.sealing = 1 AND o.body IS NOT "
      "NULL";
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
  sqlite3_bind_int(st, 1, author);
  sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(n));
  while (sqlite3_step(st) == SQLITE_ROW) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(st, 0));
    out.emplace_back(p, static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// Whether any file in `dir` holds `needle` as raw bytes.
bool InAnyFile(const std::string& dir, const std::string& needle) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream f(e.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(f)),
                     std::istreambuf_iterator<char>());
    if (data.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(SharedStoreSecurityTest, WithdrawnItemLeavesNoTraceInEitherStore) {
  ASSERT_TRUE(crypto::InitCrypto());
  TempDir dir_a, dir_b;
  Node a = MakeNode(dir_a.path(), "shared");
  Node b = MakeNode(dir_b.path(), "shared");
  testing::Pair(a, b);
  for (Node* n : {&a, &b}) {
    ASSERT_TRUE((*n)->edits().SetConsent(ConsentKind::kLists, true));
    ASSERT_TRUE((*n)->edits().SetConsent(ConsentKind::kNotes, true));
  }
  FullExchange(a, b);
  const std::string marker = inch::test::RandomMarker("WISH");
  const std::string marker2 = inch::test::RandomMarker("EDIT");
  const std::string keep = inch::test::RandomMarker("KEEP");
  auto w = a->edits().AddWish("I would love " + marker, 5);
  ASSERT_TRUE(w && a->edits().Share(*w));
  ASSERT_TRUE(
      a->edits().Edit(*w, "now " + marker2, std::nullopt, std::nullopt));
  auto k = a->edits().AddWish(keep, 2);
  ASSERT_TRUE(k && a->edits().Share(*k));
  auto note = a->edits().AddNote("note " + marker);
  ASSERT_TRUE(note);
  FullExchange(a, b);
  ASSERT_EQ(b->reader().CurrentState()->items.size(), 3u);
  // Encrypted at rest: no marker in any encoding, even before withdrawal.
  for (const auto& m : {marker, marker2, keep}) {
    EXPECT_TRUE(inch::test::FindMarkerInTree(dir_a.path(), m).empty());
    EXPECT_TRUE(inch::test::FindMarkerInTree(dir_b.path(), m).empty());
  }
  auto blobs_a = SealedBlobs(a.path, kMe, w->n);
  auto blobs_b = SealedBlobs(b.path, kPartner, w->n);
  auto note_a = SealedBlobs(a.path, kMe, note->n);
  ASSERT_GE(blobs_a.size(), 3u);  // key, create, share, edit
  ASSERT_GE(blobs_b.size(), 3u);
  // Positive control: the search does find the sealed bytes now.
  EXPECT_TRUE(InAnyFile(dir_a.path(), blobs_a[0]));
  EXPECT_TRUE(InAnyFile(dir_b.path(), blobs_b[0]));

  ASSERT_TRUE(a->edits().Withdraw(*w));
  ASSERT_TRUE(a->edits().Withdraw(*note));
  FullExchange(a, b);
  EXPECT_EQ(b->reader().CurrentState()->items.size(), 1u);
  for (const auto& blob : blobs_a) EXPECT_FALSE(InAnyFile(dir_a.path(), blob));
  for (const auto& blob : blobs_b) EXPECT_FALSE(InAnyFile(dir_b.path(), blob));
  for (const auto& blob : note_a) EXPECT_FALSE(InAnyFile(dir_a.path(), blob));
  // ... also after both nodes restart (nothing resurrected from a journal).
  a.Reopen();
  b.Reopen();
  for (const auto& blob : blobs_b) EXPECT_FALSE(InAnyFile(dir_b.path(), blob));
  EXPECT_EQ(b->reader().CurrentState()->items.size(), 1u);
  EXPECT_EQ(b->reader().CurrentState()->items.begin()->second.text, keep);
}

TEST(SharedStoreSecurityTest, PairSecretAndAddressAreSealed) {
  ASSERT_TRUE(crypto::InitCrypto());
  TempDir dir;
  Node a = MakeNode(dir.path(), "a");
  Node b = MakeNode(dir.path(), "b");
  crypto::Secret secret = testing::Pair(a, b);
  const std::string addr = inch::test::RandomMarker("ADDR");
  ASSERT_TRUE(a->pairing().SetPartnerAddress(addr));
  std::string raw(reinterpret_cast<const char*>(secret.data()), secret.size());
  EXPECT_FALSE(InAnyFile(dir.path(), raw));
  EXPECT_TRUE(inch::test::FindMarkerInTree(dir.path(), addr).empty());
}

}  // namespace
}  // namespace inch::store
