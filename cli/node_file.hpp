// node.json: the node's identity and its wrapped master key. It holds no
// plaintext secret: the master key is sealed under the Argon2id-stretched
// passphrase (with the KDF parameters beside it, so they can be raised
// later) and the identity secret key under the identity subkey.
#pragma once

#include <string>
#include <string_view>

#include "cli/home.hpp"
#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/identity.hpp"
#include "crypto/passphrase.hpp"
#include "crypto/secret.hpp"

namespace inch::cli {

inline constexpr int kNodeFileFormat = 1;

struct NodeFile {
  int format = kNodeFileFormat;
  std::string node_id;         // crypto::NodeId(identity_public)
  Bytes identity_public;       // X25519, 32 bytes
  crypto::WrappedKey wrapped;  // master key under the passphrase
  Bytes sealed_identity;       // identity secret under kIdentity subkey
};

// Serialises to JSON text (hex for bytes).
std::string EncodeNodeFile(const NodeFile& node);

// Parses and validates. kCorrupt for malformed content (with what to do),
// kTooNew for a format written by a newer inch.
Result<NodeFile> DecodeNodeFile(std::string_view text);

// Reads `files.node_json`. kNotFound ("no inch node ..."), kIo, kCorrupt,
// kTooNew.
Result<NodeFile> LoadNodeFile(const HomeFiles& files);

// Writes `files.node_json` atomically (0600). kIo on failure.
Status SaveNodeFile(const HomeFiles& files, const NodeFile& node);

// Seals the identity secret key under the identity subkey of `master`.
Bytes SealIdentity(const crypto::Secret& master,
                   const crypto::Secret& identity_secret);

// Opens the identity with `master`. kWrongPassphrase if `master` is not
// this node's key, kCorrupt if the stored key does not match its public key.
Result<crypto::Identity> OpenIdentity(const crypto::Secret& master,
                                      const NodeFile& node);

}  // namespace inch::cli
