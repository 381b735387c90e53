// The unlocked node for the networking commands (net_node.hpp).
#include "cli/net_node.hpp"

#include <unistd.h>

#include "cli/legacy_unpair_notice.hpp"
#include "cli/node_file.hpp"
#include "crypto/kdf.hpp"

namespace inch::cli {

Result<NetNode> LoadNode(Context& ctx) {
  auto files = ctx.Home();
  if (!files) return std::unexpected(files.error());
  auto node = ctx.Node();
  if (!node) return std::unexpected(node.error());
  auto master = ctx.MasterKey();
  if (!master) return std::unexpected(master.error());
  auto identity = OpenIdentity(*master, **node);
  if (!identity) return std::unexpected(identity.error());
  return NetNode{*files, std::move(*master), std::move(*identity)};
}

Result<std::unique_ptr<store::SharedStore>> NetNode::OpenStore() const {
  auto store = store::SharedStore::Open(
      files.shared_db, crypto::DeriveSubkey(master, crypto::Subkey::kShared),
      identity.public_key,
      /*create=*/::access(files.shared_db.c_str(), F_OK) != 0);
  if (!store) return store;
  const crypto::Secret local =
      crypto::DeriveSubkey(master, crypto::Subkey::kLocal);
  const crypto::Secret* keys[] = {&local};
  if (auto st = ImportLegacyUnpairNotice(files.unpair_pending, keys, **store);
      !st) {
    return std::unexpected(st.error());
  }
  return store;
}

}  // namespace inch::cli
