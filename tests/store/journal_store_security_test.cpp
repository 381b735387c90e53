// Security tests for the journal at rest: nothing typed reaches the disk
// in any encoding (DB, WAL, SHM), deleted and edited ciphertext leaves the
// files, ciphertexts are bound to their rows, and a wrong key is refused.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <string>

#include "crypto/secret.hpp"
#include "journal_test_util.hpp"
#include "store/journal/journal.hpp"

namespace inch::store {
namespace {

using inch::testing::ReadFile;
using inch::testing::TempDir;
using inch::testing::TestKey;

std::string Base64(std::string_view s) {
  std::string out(
      sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL),
      '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// The forms a marker could leak in: raw, hex (both cases), and base64 at
// each of the three byte alignments (edge characters dropped, since they
// depend on the neighbouring bytes).
std::vector<std::string> Encodings(const std::string& marker) {
  std::vector<std::string> out = {marker, ToHex(AsBytes(marker))};
  std::string upper = out[1];
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  out.push_back(upper);
  for (std::size_t shift = 0; shift < 3; ++shift) {
    std::string b64 = Base64(std::string(shift, 'x') + marker + "yy");
    out.push_back(b64.substr(4, b64.size() - 12));
  }
  return out;
}

// Which of the journal's files contain `needle`, as "db wal shm".
std::string FilesContaining(const std::string& path,
                            const std::string& needle) {
  std::string found;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (ReadFile(path + suffix).find(needle) != std::string::npos) {
      found += std::string(*suffix ? suffix : "db") + " ";
    }
  }
  return found;
}

std::string RandomMarker() {
  EXPECT_TRUE(crypto::InitCrypto());
  return "MARK" + ToHex(crypto::RandomBytes(12));
}

class JournalSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto j = Journal::Open(path_, TestKey(), true);
    ASSERT_TRUE(j) << j.error().message;
    journal_ = std::move(*j);
  }
  void ExpectAbsent(const std::string& marker, const std::string& when) {
    for (const auto& form : Encodings(marker)) {
      EXPECT_EQ(FilesContaining(path_, form), "")
          << "'" << form << "' found " << when;
    }
  }
  Bytes RawRecord(std::int64_t id) {
    auto db = Database::Open(path_, false);
    EXPECT_TRUE(db);
    if (!db) return {};
    auto sel = (*db)->Prepare("SELECT record FROM entries WHERE id = ?");
    auto row = sel.Bind(1, id).Step();
    EXPECT_TRUE(row && *row);
    Bytes out = (row && *row) ? sel.ColumnBlob(0) : Bytes{};
    while (true) {
      auto more = sel.Step();
      if (!more || !*more) break;
    }
    return out;
  }

  TempDir dir_;
  std::string path_ = dir_.File("journal.db");
  std::unique_ptr<Journal> journal_;
};

TEST_F(JournalSecurityTest, MarkerNeverReachesTheDisk) {
  const std::string text_marker = RandomMarker();
  const std::string prompt_marker = RandomMarker();
  const std::string tag_marker = RandomMarker();
  auto id = journal_->Write("before " + text_marker + " after", prompt_marker,
                            {tag_marker}, 1);
  ASSERT_TRUE(id);
  // Sanity: the search would find the marker if it were there.
  ASSERT_NE(ReadFile(path_ + "-wal").size(), 0u);
  for (const auto& m : {text_marker, prompt_marker, tag_marker}) {
    ExpectAbsent(m, "after write");
  }
  const std::string edit_marker = RandomMarker();
  ASSERT_TRUE(journal_->Edit(*id, "edited " + edit_marker, 2));
  ExpectAbsent(edit_marker, "after edit");
  ExpectAbsent(text_marker, "after edit");
  ASSERT_TRUE(journal_->Delete(*id));
  ExpectAbsent(edit_marker, "after delete");
  journal_.reset();
  ExpectAbsent(edit_marker, "after close");
}

TEST_F(JournalSecurityTest, TheSearchCanFindWhatIsThere) {
  // Guards the test above: a marker written as plain SQL text is found.
  const std::string marker = RandomMarker();
  auto db = Database::Open(path_, false);
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->Exec("CREATE TABLE plain (t TEXT)"));
  ASSERT_TRUE((*db)
                  ->Prepare("INSERT INTO plain VALUES (?)")
                  .Bind(1, std::string_view(marker))
                  .Run());
  EXPECT_NE(FilesContaining(path_, marker), "");
}

// After delete and edit, even the old *ciphertext* is gone from the DB and
// the WAL (secure_delete + checkpoint-truncate), so a later key compromise
// cannot recover it.
TEST_F(JournalSecurityTest, DeletedAndEditedCiphertextLeavesTheFiles) {
  auto keep = journal_->Write("keep this", std::nullopt, {}, 1);
  auto gone = journal_->Write(std::string(5000, 'd'), std::nullopt, {}, 2);
  auto edited = journal_->Write("first version", std::nullopt, {}, 3);
  ASSERT_TRUE(keep && gone && edited);
  const Bytes gone_ct = RawRecord(*gone);
  const Bytes edited_ct = RawRecord(*edited);
  ASSERT_GT(gone_ct.size(), 5000u);
  // Search for a 64-byte slice from the middle of each ciphertext.
  auto slice = [](const Bytes& b) {
    return std::string(b.begin() + 100, b.begin() + 164);
  };
  ASSERT_NE(FilesContaining(path_, slice(gone_ct)), "");
  ASSERT_TRUE(journal_->Delete(*gone));
  ASSERT_TRUE(journal_->Edit(*edited, "second version", 4));
  EXPECT_EQ(FilesContaining(path_, slice(gone_ct)), "");
  EXPECT_EQ(FilesContaining(path_, slice(edited_ct)), "");
  EXPECT_EQ(ReadFile(path_ + "-wal").size(), 0u);
  auto k = journal_->Get(*keep);
  ASSERT_TRUE(k);
  EXPECT_EQ(k->text, "keep this");
}

TEST_F(JournalSecurityTest, SwappedCiphertextsDoNotOpen) {
  auto a = journal_->Write("entry A", std::nullopt, {}, 1);
  auto b = journal_->Write("entry B", std::nullopt, {}, 2);
  ASSERT_TRUE(a && b);
  journal_.reset();
  const Bytes ct_a = RawRecord(*a), ct_b = RawRecord(*b);
  ASSERT_NE(ct_a, ct_b);
  {
    auto db = Database::Open(path_, false);
    ASSERT_TRUE(db);
    const std::string kSwap = "UPDATE entries SET record = ? WHERE id = ?";
    ASSERT_TRUE(
        (*db)->Prepare(kSwap).Bind(1, ByteView(ct_b)).Bind(2, *a).Run());
    ASSERT_TRUE(
        (*db)->Prepare(kSwap).Bind(1, ByteView(ct_a)).Bind(2, *b).Run());
  }
  auto j = Journal::Open(path_, TestKey(), false);
  ASSERT_TRUE(j) << j.error().message;
  for (std::int64_t id : {*a, *b}) {
    auto e = (*j)->Get(id);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::kCorrupt);
    EXPECT_NE(e.error().message.find(std::to_string(id)), std::string::npos);
  }
  EXPECT_FALSE((*j)->List(10));
  EXPECT_EQ((*j)->Edit(*a, "x", 3).error().code, Errc::kCorrupt);
}

TEST_F(JournalSecurityTest, FlippedCiphertextByteDoesNotOpen) {
  auto a = journal_->Write("entry A", std::nullopt, {}, 1);
  ASSERT_TRUE(a);
  journal_.reset();
  Bytes ct = RawRecord(*a);
  ct[ct.size() / 2] ^= 1;
  {
    auto db = Database::Open(path_, false);
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)
                    ->Prepare("UPDATE entries SET record = ? WHERE id = ?")
                    .Bind(1, ByteView(ct))
                    .Bind(2, *a)
                    .Run());
  }
  auto j = Journal::Open(path_, TestKey(), false);
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)->Get(*a).error().code, Errc::kCorrupt);
}

TEST_F(JournalSecurityTest, WrongKeyIsRefused) {
  ASSERT_TRUE(journal_->Write("secret", std::nullopt, {}, 1));
  journal_.reset();
  auto j = Journal::Open(path_, TestKey(8), false);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kCorrupt);
  EXPECT_EQ(j.error().message, "journal key does not open this file");
  EXPECT_TRUE(Journal::Open(path_, TestKey(), false));
}

TEST_F(JournalSecurityTest, MissingCanaryIsCorrupt) {
  journal_.reset();
  {
    auto db = Database::Open(path_, false);
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->Exec("DELETE FROM meta WHERE name = 'canary'"));
  }
  auto j = Journal::Open(path_, TestKey(), false);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kCorrupt);
}

TEST_F(JournalSecurityTest, FilesAreOwnerOnly) {
  ASSERT_TRUE(journal_->Write("x", std::nullopt, {}, 1));
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st;
    ASSERT_EQ(::stat((path_ + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
  }
}

}  // namespace
}  // namespace inch::store
