// The unlocked node for the networking commands (net_node.hpp).
#include "cli/net_node.hpp"

#include "cli/node_file.hpp"

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
  NetNode out{*files, std::move(*master), std::move(*identity),
              files->unpair_pending, crypto::Secret()};
  out.local_key = crypto::DeriveSubkey(out.master, crypto::Subkey::kLocal);
  return out;
}

}  // namespace inch::cli
