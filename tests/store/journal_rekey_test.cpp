// Unit tests of Journal::Rekey (master-key rotation): every record opens
// under the new key and no longer under the old one, and a rekey that
// cannot open a record changes nothing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "journal_test_util.hpp"
#include "store/journal/journal.hpp"

namespace inch::store {
namespace {

using inch::testing::TempDir;
using inch::testing::TestKey;

class JournalRekeyTest : public ::testing::Test {
 protected:
  std::unique_ptr<Journal> OpenWith(std::uint8_t seed) {
    auto j = Journal::Open(path_, TestKey(seed), /*create=*/false);
    EXPECT_TRUE(j) << j.error().message;
    return j ? std::move(*j) : nullptr;
  }
  static std::vector<std::string> Texts(Journal& j) {
    auto all = j.List(100000);
    EXPECT_TRUE(all) << all.error().message;
    std::vector<std::string> out;
    if (all) {
      for (const auto& e : *all) out.push_back(e.text);
    }
    return out;
  }
  // Entries across more than one rekey batch, with a gap and an edit.
  void Fill(Journal& j, int n) {
    for (int i = 1; i <= n; ++i) {
      ASSERT_TRUE(
          j.Write("entry " + std::to_string(i),
                  i == 1 ? std::optional<std::string>("p-1") : std::nullopt,
                  {"tag"}, 1000 + i));
    }
    ASSERT_TRUE(j.Delete(2));
    ASSERT_TRUE(j.Edit(3, "entry 3, edited", 5000));
  }

  TempDir dir_;
  std::string path_ = dir_.File("journal.db");
};

TEST_F(JournalRekeyTest, RecordsOpenUnderTheNewKeyOnly) {
  auto j = Journal::Open(path_, TestKey(1), /*create=*/true);
  ASSERT_TRUE(j) << j.error().message;
  Fill(**j, 300);
  const std::vector<std::string> before = Texts(**j);
  ASSERT_EQ(before.size(), 299u);

  ASSERT_TRUE((*j)->Rekey(TestKey(2)));
  EXPECT_EQ(Texts(**j), before);  // the open handle moved to the new key
  auto id = (*j)->Write("after the rekey", std::nullopt, {}, 9000);
  ASSERT_TRUE(id) << id.error().message;
  j->reset();

  auto fresh = OpenWith(2);
  ASSERT_NE(fresh, nullptr);
  std::vector<std::string> after = Texts(*fresh);
  ASSERT_EQ(after.size(), 300u);
  EXPECT_EQ(after.front(), "after the rekey");
  EXPECT_EQ(std::vector<std::string>(after.begin() + 1, after.end()), before);
  auto entry = fresh->Get(1);
  ASSERT_TRUE(entry) << entry.error().message;
  EXPECT_EQ(entry->prompt_id, std::optional<std::string>("p-1"));
  EXPECT_EQ(entry->tags, std::vector<std::string>{"tag"});
  fresh.reset();

  auto old = Journal::Open(path_, TestKey(1), /*create=*/false);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, Errc::kCorrupt);
}

TEST_F(JournalRekeyTest, ARecordThatDoesNotOpenChangesNothing) {
  {
    auto j = Journal::Open(path_, TestKey(1), /*create=*/true);
    ASSERT_TRUE(j) << j.error().message;
    Fill(**j, 5);
  }
  // Damage entry 5 on disk (a flipped byte in its ciphertext).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE entries SET record = CAST(zeroblob(300) AS"
                         " BLOB) WHERE id = 5",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  auto j = OpenWith(1);
  ASSERT_NE(j, nullptr);
  auto rekeyed = j->Rekey(TestKey(2));
  ASSERT_FALSE(rekeyed);
  EXPECT_EQ(rekeyed.error().code, Errc::kCorrupt);
  EXPECT_NE(rekeyed.error().message.find("journal entry 5"), std::string::npos)
      << rekeyed.error().message;
  j.reset();
  // Still wholly under the old key: it opens, and an untouched entry reads.
  auto again = OpenWith(1);
  ASSERT_NE(again, nullptr);
  auto e = again->Get(4);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->text, "entry 4");
  EXPECT_FALSE(Journal::Open(path_, TestKey(2), /*create=*/false));
}

TEST_F(JournalRekeyTest, AnEmptyJournalRekeysToo) {
  {
    auto j = Journal::Open(path_, TestKey(1), /*create=*/true);
    ASSERT_TRUE(j) << j.error().message;
    ASSERT_TRUE((*j)->Rekey(TestKey(2)));
  }
  EXPECT_NE(OpenWith(2), nullptr);
  EXPECT_FALSE(Journal::Open(path_, TestKey(1), /*create=*/false));
}

}  // namespace
}  // namespace inch::store
