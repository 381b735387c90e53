// A pending unpair notice: after `inch unpair` erased the partner locally,
// just enough is kept (its public key, the pair secret and its last
// address, sealed at rest) to tell the partner's node once, the next time
// either node reaches the other. Delivered (or given up by a new pairing),
// it is deleted.
#pragma once

#include <optional>
#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::net {

struct PendingUnpair {
  Bytes partner_public_key;  // 32 bytes
  crypto::Secret pair_secret;
  std::string last_address;  // may be empty
};

// Writes `pending` sealed under `key` (32 bytes, e.g. the kLocal subkey) to
// `path`, atomically, mode 0600. kIo on failure.
Status SavePendingUnpair(const std::string& path, const crypto::Secret& key,
                         const PendingUnpair& pending);
// nullopt when there is none; kCorrupt if it does not open.
Result<std::optional<PendingUnpair>> LoadPendingUnpair(
    const std::string& path, const crypto::Secret& key);
// Deletes it; ok if absent.
Status ClearPendingUnpair(const std::string& path);

}  // namespace inch::net
