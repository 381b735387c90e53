// Homes written before the owed unpair notice moved into shared.db kept it
// in a file of its own (HomeFiles::unpair_pending, "unpair-pending.bin"):
// sealed under the kLocal subkey with AD "inch pending unpair v1", its
// plaintext the old partner's public key (32) | the pair secret (32) | its
// last address. The CLI imports it into the store the first time it opens
// the store, then removes the file; net/ never sees it.
#pragma once

#include <span>
#include <string>

#include "common/error.hpp"
#include "crypto/secret.hpp"
#include "store/shared/shared_store.hpp"

namespace inch::cli {

// Imports the notice at `path` (if there is one) into `store` and deletes
// the file. `local_keys`: the kLocal subkeys it may be sealed under (during
// a key rotation, the new one and the old one). The store commits before
// the file goes, so a crash between imports the same notice again. kCorrupt
// if the file opens under none of them (the message says what to do).
Status ImportLegacyUnpairNotice(
    const std::string& path, std::span<const crypto::Secret* const> local_keys,
    store::SharedStore& store);

}  // namespace inch::cli
