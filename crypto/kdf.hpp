// Subkeys from the master key (crypto_kdf, context "inch-key"). Each
// purpose has its own id so a key for one store never opens another.
#pragma once

#include <cstdint>

#include "crypto/secret.hpp"

namespace inch::crypto {

enum class Subkey : std::uint64_t {
  kJournal = 1,   // the private journal's records
  kShared = 2,    // the shared-op log and its state, at rest
  kIdentity = 3,  // seals the node's static X25519 secret key
  kLocal = 4,     // local-only records (private answers, settings)
  // Seals one master key under another while a rotation is under way
  // (cli/key_rotation.hpp). Far from the others so new purposes can take
  // the next small ids.
  kRotation = 16,
};

// Returns a 32-byte subkey; `master` must be 32 bytes (aborts otherwise).
Secret DeriveSubkey(const Secret& master, Subkey id);

}  // namespace inch::crypto
