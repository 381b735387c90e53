// Fuzz target for node.json decoding (cli/node_file.hpp). The file is
// local, but a damaged or planted one must give kCorrupt/kTooNew, never a
// crash or an exception; an accepted file must survive Encode/Decode.
#include <nlohmann/json.hpp>
#include <string_view>

#include "cli/node_file.hpp"
#include "fuzz/targets/fixtures.hpp"
#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"

namespace inch::fuzz {

int FuzzNodeFile(const std::uint8_t* data, std::size_t size) {
  InitOnce();
  // LoadNodeFile refuses anything larger before decoding.
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto node = cli::DecodeNodeFile(text);
  if (!node) {
    FUZZ_CHECK(node.error().code == Errc::kCorrupt ||
               node.error().code == Errc::kTooNew);
    return 0;
  }
  FUZZ_CHECK(node->format == cli::kNodeFileFormat);
  FUZZ_CHECK(node->identity_public.size() == 32);
  auto again = cli::DecodeNodeFile(cli::EncodeNodeFile(*node));
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->node_id == node->node_id);
  FUZZ_CHECK(again->identity_public == node->identity_public);
  FUZZ_CHECK(again->wrapped.kdf.opslimit == node->wrapped.kdf.opslimit);
  FUZZ_CHECK(again->wrapped.kdf.memlimit == node->wrapped.kdf.memlimit);
  FUZZ_CHECK(again->wrapped.kdf.salt == node->wrapped.kdf.salt);
  FUZZ_CHECK(again->wrapped.sealed_master == node->wrapped.sealed_master);
  FUZZ_CHECK(again->sealed_identity == node->sealed_identity);
  return 0;
}

}  // namespace inch::fuzz
