// Unit tests for the private journal store: round trips, validation that
// leaves the file unchanged, id allocation, opening, migrations and
// refusing foreign, newer, garbage or truncated files.
#include <gtest/gtest.h>

#include <string>

#include "crypto/aead.hpp"
#include "journal_test_util.hpp"
#include "store/journal/journal.hpp"
#include "store/journal/record.hpp"
#include "store/journal/schema.hpp"

namespace inch::store {
namespace {

using inch::testing::ReadFile;
using inch::testing::TempDir;
using inch::testing::TestKey;
using inch::testing::WriteFile;

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto j = Journal::Open(path_, TestKey(), /*create=*/true);
    ASSERT_TRUE(j) << j.error().message;
    journal_ = std::move(*j);
  }
  void Reopen() {
    journal_.reset();
    auto j = Journal::Open(path_, TestKey(), /*create=*/false);
    ASSERT_TRUE(j) << j.error().message;
    journal_ = std::move(*j);
  }
  std::int64_t Count() {
    auto n = journal_->Count();
    EXPECT_TRUE(n);
    return n ? *n : -1;
  }

  TempDir dir_;
  std::string path_ = dir_.File("journal.db");
  std::unique_ptr<Journal> journal_;
};

TEST_F(JournalTest, WriteGetRoundTripsEveryField) {
  auto id = journal_->Write("I felt close when we cooked together.",
                            std::string("connection-1"), {"kitchen", "ça va"},
                            1'700'000'000'123);
  ASSERT_TRUE(id) << id.error().message;
  auto e = journal_->Get(*id);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->id, *id);
  EXPECT_EQ(e->text, "I felt close when we cooked together.");
  ASSERT_TRUE(e->prompt_id.has_value());
  EXPECT_EQ(*e->prompt_id, "connection-1");
  EXPECT_EQ(e->tags, (std::vector<std::string>{"kitchen", "ça va"}));
  EXPECT_EQ(e->created_ms, 1'700'000'000'123);
  EXPECT_EQ(e->updated_ms, 1'700'000'000'123);
}

TEST_F(JournalTest, EntriesSurviveReopen) {
  auto id = journal_->Write("persisted", std::nullopt, {}, 5);
  ASSERT_TRUE(id);
  Reopen();
  auto e = journal_->Get(*id);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->text, "persisted");
  EXPECT_FALSE(e->prompt_id.has_value());
  EXPECT_TRUE(e->tags.empty());
  EXPECT_EQ(Count(), 1);
}

TEST_F(JournalTest, ListIsNewestFirstAndHonoursLimit) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = journal_->Write("entry " + std::to_string(i), std::nullopt, {},
                              100 + i);
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  EXPECT_LT(ids[0], ids[4]);
  auto all = journal_->List(100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*all)[i].id, ids[4 - i]);
    EXPECT_EQ((*all)[i].text, "entry " + std::to_string(4 - i));
  }
  auto two = journal_->List(2);
  ASSERT_TRUE(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].id, ids[4]);
  EXPECT_EQ((*two)[1].id, ids[3]);
  auto none = journal_->List(0);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(JournalTest, EditReplacesTextAndKeepsTheRest) {
  auto id = journal_->Write("first draft", std::string("p1"), {"t"}, 10);
  ASSERT_TRUE(id);
  ASSERT_TRUE(journal_->Edit(*id, "second draft", 20));
  auto e = journal_->Get(*id);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text, "second draft");
  EXPECT_EQ(e->prompt_id, std::optional<std::string>("p1"));
  EXPECT_EQ(e->tags, std::vector<std::string>{"t"});
  EXPECT_EQ(e->created_ms, 10);
  EXPECT_EQ(e->updated_ms, 20);
}

TEST_F(JournalTest, DeleteRemovesTheEntry) {
  auto a = journal_->Write("keep", std::nullopt, {}, 1);
  auto b = journal_->Write("drop", std::nullopt, {}, 2);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(journal_->Delete(*b));
  EXPECT_EQ(journal_->Get(*b).error().code, Errc::kNotFound);
  EXPECT_EQ(Count(), 1);
  auto list = journal_->List(10);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, *a);
}

TEST_F(JournalTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(journal_->Get(42).error().code, Errc::kNotFound);
  EXPECT_EQ(journal_->Edit(42, "x", 1).error().code, Errc::kNotFound);
  EXPECT_EQ(journal_->Delete(42).error().code, Errc::kNotFound);
  EXPECT_EQ(journal_->Get(-1).error().code, Errc::kNotFound);
}

TEST_F(JournalTest, IdsOfDeletedEntriesAreNeverReused) {
  auto a = journal_->Write("a", std::nullopt, {}, 1);
  auto b = journal_->Write("b", std::nullopt, {}, 2);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(journal_->Delete(*b));
  Reopen();
  auto c = journal_->Write("c", std::nullopt, {}, 3);
  ASSERT_TRUE(c);
  EXPECT_GT(*c, *b);
}

TEST_F(JournalTest, AcceptsTextOfExactlyTheLimit) {
  std::string text(kMaxEntryBytes, 'x');
  auto id = journal_->Write(text, std::nullopt, {}, 1);
  ASSERT_TRUE(id) << id.error().message;
  auto e = journal_->Get(*id);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text, text);
}

// Each invalid write fails with kInvalidInput and stores nothing.
TEST_F(JournalTest, InvalidWritesChangeNothing) {
  ASSERT_TRUE(journal_->Write("existing", std::nullopt, {}, 1));
  const std::string before = ReadFile(path_) + ReadFile(path_ + "-wal");
  struct Case {
    std::string name, text;
    std::optional<std::string> prompt;
    std::vector<std::string> tags;
  };
  const std::vector<Case> cases = {
      {"empty", "", std::nullopt, {}},
      {"spaces", " \t\r\n ", std::nullopt, {}},
      {"unicode spaces", "\u00a0\u3000\u2003", std::nullopt, {}},
      {"too long", std::string(kMaxEntryBytes + 1, 'x'), std::nullopt, {}},
      {"invalid utf8", "caf\xc3", std::nullopt, {}},
      {"overlong", "\xc0\xaf", std::nullopt, {}},
      {"surrogate", "\xed\xa0\x80", std::nullopt, {}},
      {"nul", std::string("a\0b", 3), std::nullopt, {}},
      {"prompt utf8", "ok", std::string("\xff"), {}},
      {"prompt empty", "ok", std::string(), {}},
      {"prompt long", "ok", std::string(kMaxPromptIdBytes + 1, 'p'), {}},
      {"tag empty", "ok", std::nullopt, {""}},
      {"tag utf8", "ok", std::nullopt, {"\x80"}},
      {"too many tags", "ok", std::nullopt,
       std::vector<std::string>(kMaxTags + 1, "t")},
  };
  for (const auto& c : cases) {
    auto id = journal_->Write(c.text, c.prompt, c.tags, 2);
    ASSERT_FALSE(id) << c.name;
    EXPECT_EQ(id.error().code, Errc::kInvalidInput) << c.name;
    EXPECT_FALSE(id.error().message.empty()) << c.name;
  }
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(ReadFile(path_) + ReadFile(path_ + "-wal"), before);
}

TEST_F(JournalTest, InvalidEditChangesNothing) {
  auto id = journal_->Write("original", std::nullopt, {}, 1);
  ASSERT_TRUE(id);
  for (std::string bad :
       {std::string(""), std::string("  "), std::string("\xfe"),
        std::string(kMaxEntryBytes + 1, 'y')}) {
    auto st = journal_->Edit(*id, bad, 9);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::kInvalidInput);
  }
  auto e = journal_->Get(*id);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->text, "original");
  EXPECT_EQ(e->updated_ms, 1);
}

// List decrypts only the rows it returns: an unreadable old row does not
// break a listing of the newest ones.
TEST_F(JournalTest, ListDecryptsOnlyReturnedRows) {
  auto old = journal_->Write("old", std::nullopt, {}, 1);
  ASSERT_TRUE(old);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(
        journal_->Write("new " + std::to_string(i), std::nullopt, {}, 2));
  }
  journal_.reset();
  {
    auto db = Database::Open(path_, false);
    ASSERT_TRUE(db);
    auto upd = (*db)->Prepare("UPDATE entries SET record = ? WHERE id = ?");
    Bytes junk(300, 0xAB);
    ASSERT_TRUE(upd.Bind(1, ByteView(junk)).Bind(2, *old).Run());
  }
  Reopen();
  auto top = journal_->List(20);
  ASSERT_TRUE(top) << top.error().message;
  EXPECT_EQ(top->size(), 20u);
  auto all = journal_->List(100);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code, Errc::kCorrupt);
}

TEST(JournalOpenTest, MissingFileIsNotFound) {
  TempDir dir;
  auto j = Journal::Open(dir.File("none.db"), TestKey(), false);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kNotFound);
}

TEST(JournalOpenTest, CreateOverAnExistingFileIsRefused) {
  TempDir dir;
  const auto path = dir.File("j.db");
  ASSERT_TRUE(Journal::Open(path, TestKey(), true));
  auto again = Journal::Open(path, TestKey(), true);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kExists);
  WriteFile(dir.File("other"), "anything");
  auto other = Journal::Open(dir.File("other"), TestKey(), true);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kExists);
  EXPECT_EQ(ReadFile(dir.File("other")), "anything");
}

TEST(JournalOpenTest, GarbageFileIsCorrupt) {
  TempDir dir;
  const auto path = dir.File("j.db");
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) {
    garbage[i] = static_cast<char>((i * 131 + 7) & 0xff);
  }
  WriteFile(path, garbage);
  auto j = Journal::Open(path, TestKey(), false);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kCorrupt) << j.error().message;
}

TEST(JournalOpenTest, EmptyDatabaseWithoutSchemaIsCorrupt) {
  TempDir dir;
  const auto path = dir.File("j.db");
  ASSERT_TRUE(Database::Open(path, true));
  auto j = Journal::Open(path, TestKey(), false);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kCorrupt);
}

// Every truncation of a real journal fails cleanly or opens; none crashes.
TEST(JournalOpenTest, TruncatedFilesFailWithoutCrashing) {
  TempDir dir;
  const auto path = dir.File("j.db");
  {
    auto j = Journal::Open(path, TestKey(), true);
    ASSERT_TRUE(j);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(
          (*j)->Write(std::string(3000, static_cast<char>('a' + i % 26)),
                      std::nullopt, {}, i));
    }
  }
  const std::string whole = ReadFile(path);
  ASSERT_GT(whole.size(), 8192u);
  int failures = 0;
  for (std::size_t len :
       {std::size_t{0}, std::size_t{10}, std::size_t{99}, std::size_t{100},
        std::size_t{4096}, std::size_t{5000}, whole.size() / 2,
        whole.size() - 4096, whole.size() - 1}) {
    const auto cut = dir.File("cut" + std::to_string(len) + ".db");
    WriteFile(cut, whole.substr(0, len));
    auto j = Journal::Open(cut, TestKey(), false);
    if (!j) {
      ++failures;
      continue;
    }
    // If it opened, reading every row must fail or succeed, not crash.
    (void)(*j)->List(1000);
  }
  EXPECT_GE(failures, 5);
}

TEST(JournalOpenTest, NewerSchemaIsTooNew) {
  TempDir dir;
  const auto path = dir.File("j.db");
  ASSERT_TRUE(Journal::Open(path, TestKey(), true));
  {
    auto db = Database::Open(path, false);
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        (*db)->SetPragmaInt("user_version", journal_schema::kVersion + 1));
  }
  auto j = Journal::Open(path, TestKey(), false);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kTooNew);
}

TEST(JournalOpenTest, ForeignApplicationIdIsCorrupt) {
  TempDir dir;
  const auto path = dir.File("j.db");
  ASSERT_TRUE(Journal::Open(path, TestKey(), true));
  {
    auto db = Database::Open(path, false);
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->SetPragmaInt("application_id", 0x696E7331));
  }
  auto j = Journal::Open(path, TestKey(), false);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kCorrupt);
}

// A v1 file, built by hand exactly as the v1 code wrote it, migrates to
// the current version and keeps its entries readable.
TEST(JournalMigrationTest, V1FileMigratesToCurrent) {
  namespace rec = journal_record;
  TempDir dir;
  const auto path = dir.File("j.db");
  const auto key = TestKey();
  {
    auto db = Database::Open(path, true);
    ASSERT_TRUE(db);
    Database& d = **db;
    ASSERT_TRUE(d.Exec(
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, record BLOB NOT NULL)"
        " STRICT;"
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value ANY NOT NULL) STRICT;"
        "PRAGMA application_id=1768843825; PRAGMA user_version=1;"));
    Bytes canary = crypto::SealPadded(key, AsBytes(rec::kCanaryPlaintext),
                                      rec::CanaryAd());
    ASSERT_TRUE(d.Prepare("INSERT INTO meta VALUES ('canary', ?)")
                    .Bind(1, ByteView(canary))
                    .Run());
    for (std::int64_t id : {3, 9}) {
      JournalEntry e{id,
                     "old entry " + std::to_string(id),
                     std::string("prompt"),
                     {"v1"},
                     id * 10,
                     id * 10};
      Bytes sealed =
          crypto::SealPadded(key, rec::EncodeRecord(e), rec::EntryAd(id, 1));
      ASSERT_TRUE(d.Prepare("INSERT INTO entries (id, record) VALUES (?, ?)")
                      .Bind(1, id)
                      .Bind(2, ByteView(sealed))
                      .Run());
    }
    auto v = d.PragmaInt("user_version");
    ASSERT_TRUE(v);
    ASSERT_EQ(*v, 1);
  }
  {
    auto j = Journal::Open(path, crypto::Secret::CopyOf(key.view()), false);
    ASSERT_TRUE(j) << j.error().message;
    auto list = (*j)->List(10);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].id, 9);
    EXPECT_EQ((*list)[0].text, "old entry 9");
    EXPECT_EQ((*list)[1].prompt_id, std::optional<std::string>("prompt"));
    EXPECT_EQ((*list)[1].created_ms, 30);
    ASSERT_TRUE((*j)->Delete(9));
    auto next = (*j)->Write("after migration", std::nullopt, {}, 100);
    ASSERT_TRUE(next);
    EXPECT_EQ(*next, 10);  // 9 was the highest id ever used
  }
  auto db = Database::Open(path, false);
  ASSERT_TRUE(db);
  auto v = (*db)->PragmaInt("user_version");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, journal_schema::kVersion);
}

TEST(JournalSchemaTest, StepsAreNumberedInOrder) {
  auto steps = journal_schema::Steps();
  ASSERT_EQ(static_cast<std::int64_t>(steps.size()), journal_schema::kVersion);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].to_version, static_cast<std::int64_t>(i + 1));
  }
}

}  // namespace
}  // namespace inch::store
