// An unpair notice an older inch kept in a file of its own moves into
// shared.db once, and the file goes (cli/legacy_unpair_notice.hpp).
#include "cli/legacy_unpair_notice.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "crypto/aead.hpp"

namespace inch::cli {
namespace {
namespace fs = std::filesystem;

class LegacyUnpairNoticeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    std::string tmpl =
        (fs::temp_directory_path() / "inch-legacy-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "unpair-pending.bin").string();
    auto store = store::SharedStore::Open((dir_ / "shared.db").string(),
                                          crypto::Secret::Random(32),
                                          crypto::RandomBytes(32), true);
    ASSERT_TRUE(store);
    store_ = std::move(*store);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // The file as inch wrote it before: partner key | pair secret | address,
  // sealed under `key` with AD "inch pending unpair v1".
  void WriteLegacy(const crypto::Secret& key) {
    Bytes plain = partner_;
    plain.insert(plain.end(), secret_.view().begin(), secret_.view().end());
    const std::string address = "192.0.2.9:47470";
    plain.insert(plain.end(), address.begin(), address.end());
    const Bytes sealed =
        crypto::Seal(key, plain, AsBytes("inch pending unpair v1"));
    std::ofstream(path_, std::ios::binary)
        .write(reinterpret_cast<const char*>(sealed.data()),
               static_cast<std::streamsize>(sealed.size()));
  }
  fs::path dir_;
  std::string path_;
  std::unique_ptr<store::SharedStore> store_;
  Bytes partner_ = crypto::RandomBytes(32);
  crypto::Secret secret_ = crypto::Secret::Random(32);
  crypto::Secret local_ = crypto::Secret::Random(32);
};

TEST_F(LegacyUnpairNoticeTest, NoFileImportsNothing) {
  const crypto::Secret* keys[] = {&local_};
  ASSERT_TRUE(ImportLegacyUnpairNotice(path_, keys, *store_));
  auto owed = store_->sync().OwedUnpairNotice();
  ASSERT_TRUE(owed);
  EXPECT_FALSE(*owed);
}

TEST_F(LegacyUnpairNoticeTest, TheFileMovesIntoTheStoreOnce) {
  WriteLegacy(local_);
  const crypto::Secret other = crypto::Secret::Random(32);
  // During a key rotation: sealed under the second key tried.
  const crypto::Secret* keys[] = {&other, &local_};
  ASSERT_TRUE(ImportLegacyUnpairNotice(path_, keys, *store_));
  EXPECT_FALSE(fs::exists(path_));
  auto owed = store_->sync().OwedUnpairNotice();
  ASSERT_TRUE(owed && *owed);
  EXPECT_EQ((*owed)->partner_public_key, partner_);
  EXPECT_TRUE((*owed)->pair_secret.Equals(secret_));
  EXPECT_EQ((*owed)->last_address, "192.0.2.9:47470");
  // Delivered and forgotten: the file is gone, nothing comes back.
  ASSERT_TRUE(store_->sync().ForgetUnpairNotice(partner_));
  ASSERT_TRUE(ImportLegacyUnpairNotice(path_, keys, *store_));
  owed = store_->sync().OwedUnpairNotice();
  ASSERT_TRUE(owed);
  EXPECT_FALSE(*owed);
}

TEST_F(LegacyUnpairNoticeTest, AFileThatDoesNotOpenStaysAndSaysWhatToDo) {
  WriteLegacy(crypto::Secret::Random(32));
  const crypto::Secret* keys[] = {&local_};
  auto st = ImportLegacyUnpairNotice(path_, keys, *store_);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::kCorrupt);
  EXPECT_NE(st.error().message.find("delete it"), std::string::npos);
  EXPECT_TRUE(fs::exists(path_));
}

}  // namespace
}  // namespace inch::cli
