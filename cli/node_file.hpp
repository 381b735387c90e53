// node.json: the node's identity and its wrapped master key. It holds no
// plaintext secret: the master key is sealed under the Argon2id-stretched
// passphrase (with the KDF parameters beside it, so they can be raised
// later) and the identity secret key under the identity subkey. During a
// master-key rotation it also holds the new key (cli/key_rotation.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/home.hpp"
#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/identity.hpp"
#include "crypto/passphrase.hpp"
#include "crypto/secret.hpp"

namespace inch::cli {

// Format 1: a node at rest. Format 2: a rotation is under way, so an inch
// that does not know rotations refuses the file instead of using the old
// key on stores that may be re-sealed already.
inline constexpr int kNodeFileFormat = 1;
inline constexpr int kRotatingNodeFileFormat = 2;

// A master-key rotation under way: the new master key wrapped under the
// new passphrase, the identity sealed under it, and each master key sealed
// under the other's kRotation subkey, so that either passphrase yields both
// keys and can finish the rotation.
struct NodeRotation {
  crypto::WrappedKey wrapped;  // new master key under the new passphrase
  Bytes sealed_identity;       // identity secret under the new kIdentity
  Bytes next_master;           // new master under the old kRotation subkey
  Bytes previous_master;       // old master under the new kRotation subkey
};

struct NodeFile {
  int format = kNodeFileFormat;  // as read; written from `rotation`
  std::string node_id;           // crypto::NodeId(identity_public)
  Bytes identity_public;         // X25519, 32 bytes
  crypto::WrappedKey wrapped;    // master key under the passphrase
  Bytes sealed_identity;         // identity secret under kIdentity subkey
  std::optional<NodeRotation> rotation;  // only while rotating
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

// Seals `master_to_seal` under the kRotation subkey of `sealing_master`,
// bound to its role ("next" or "previous"), and opens it again
// (kWrongPassphrase if it does not open).
Bytes SealRotationKey(const crypto::Secret& sealing_master,
                      const crypto::Secret& master_to_seal,
                      std::string_view role);
Result<crypto::Secret> OpenRotationKey(const crypto::Secret& sealing_master,
                                       ByteView sealed, std::string_view role);

// Seals the identity secret key under the identity subkey of `master`.
Bytes SealIdentity(const crypto::Secret& master,
                   const crypto::Secret& identity_secret);

// Opens the identity with `master`. kWrongPassphrase if `master` is not
// this node's key, kCorrupt if the stored key does not match its public key.
Result<crypto::Identity> OpenIdentity(const crypto::Secret& master,
                                      const NodeFile& node);
// The same against an identity seal of its own (a rotation's new one).
Result<crypto::Identity> OpenIdentity(const crypto::Secret& master,
                                      const NodeFile& node,
                                      ByteView sealed_identity);

}  // namespace inch::cli
