// A home written by an older inch, whose `inch unpair` kept the notice
// owed to the old partner in a file of its own (unpair-pending.bin): the
// next command opens the store, moves the notice into it and removes the
// file, and the old partner is still told.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "cli/home.hpp"
#include "cli/node_file.hpp"
#include "crypto/aead.hpp"
#include "crypto/kdf.hpp"
#include "crypto/passphrase.hpp"
#include "store/shared/shared_store.hpp"
#include "tests/cli/net_fixture.hpp"

namespace inch::test {
namespace {

using nlohmann::json;

class LegacyUnpairNoticeE2eTest : public TwoNodes {
 protected:
  // What an older inch's `inch unpair` left when the partner was away: the
  // partner erased, and the notice sealed under the kLocal subkey in a file.
  void UnpairAsAnOlderInch(const InchSandbox& box) {
    ASSERT_TRUE(crypto::InitCrypto());
    const cli::HomeFiles files = cli::FilesIn(box.home());
    auto node = cli::LoadNodeFile(files);
    ASSERT_TRUE(node) << node.error().message;
    auto master = crypto::UnwrapMasterKey(
        crypto::Secret::CopyOf(AsBytes(InchSandbox::kPassphrase)),
        node->wrapped);
    ASSERT_TRUE(master);
    auto store = store::SharedStore::Open(
        files.shared_db, crypto::DeriveSubkey(*master, crypto::Subkey::kShared),
        node->identity_public, false);
    ASSERT_TRUE(store) << store.error().message;
    auto partner = (*store)->pairing().Partner();
    auto secret = (*store)->pairing().PairSecret();
    ASSERT_TRUE(partner && *partner && secret);
    ASSERT_FALSE((*partner)->last_address.empty());
    Bytes plain = (*partner)->public_key;
    plain.insert(plain.end(), secret->view().begin(), secret->view().end());
    plain.insert(plain.end(), (*partner)->last_address.begin(),
                 (*partner)->last_address.end());
    const Bytes sealed =
        crypto::Seal(crypto::DeriveSubkey(*master, crypto::Subkey::kLocal),
                     plain, AsBytes("inch pending unpair v1"));
    std::ofstream(files.unpair_pending, std::ios::binary)
        .write(reinterpret_cast<const char*>(sealed.data()),
               static_cast<std::streamsize>(sealed.size()));
    std::filesystem::permissions(files.unpair_pending,
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write);
    ASSERT_TRUE((*store)->pairing().ErasePartner());
    notice_file_ = files.unpair_pending;
  }
  std::string notice_file_;
};

TEST_F(LegacyUnpairNoticeE2eTest,
       TheNoticeFileMovesIntoTheStoreAndIsDelivered) {
  ASSERT_EQ(Pair(a_, b_), std::make_pair(0, 0));
  std::string address_b;
  {
    auto serve_b = Serve(b_, &address_b);
    ASSERT_EQ(a_.Run({"sync", "--peer", address_b}).exit_code, 0);
    serve_b->Signal(SIGTERM);
    serve_b->Wait();
  }
  UnpairAsAnOlderInch(a_);
  ASSERT_TRUE(std::filesystem::exists(notice_file_));
  // Any networking command opens the store: status imports the notice.
  RunResult status = a_.Run({"--json", "status"});
  ASSERT_EQ(status.exit_code, 0) << Describe(status);
  json doc = json::parse(status.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << Describe(status);
  EXPECT_TRUE(doc["partner"].is_null()) << doc.dump();
  EXPECT_FALSE(std::filesystem::exists(notice_file_));

  // b's daemon comes back at its old address; a, unpaired, tells it.
  BackgroundProcess serve_b(
      INCH_BINARY, {"--json", "serve", "--listen", address_b}, b_.Env());
  ASSERT_TRUE(json::parse(serve_b.ReadLine(), nullptr, false).is_object());
  RunResult told = a_.Run({"sync"});
  EXPECT_EQ(told.exit_code, 0) << Describe(told);
  EXPECT_NE(told.out.find("Told the old partner"), std::string::npos)
      << Describe(told);
  EXPECT_TRUE(Eventually([&] { return Status(b_)["partner"].is_null(); }));
  // Delivered once: nothing is owed any more.
  RunResult again = a_.Run({"sync"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("not paired"), std::string::npos) << Describe(again);
}

}  // namespace
}  // namespace inch::test
