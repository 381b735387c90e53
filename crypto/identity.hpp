// A node's long-term static X25519 key pair and its public node id.
#pragma once

#include <string>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

struct Identity {
  Bytes public_key;   // 32 bytes
  Secret secret_key;  // 32 bytes, guarded
};

Identity GenerateIdentity();

// Recomputes the public key; fails with kCrypto for a malformed secret.
Result<Identity> IdentityFromSecret(Secret secret_key);

// The node id shown to people: 16-byte BLAKE2b-128 of the public key, hex.
std::string NodeId(ByteView public_key);

}  // namespace inch::crypto
