// The passphrase KDF and the wrapped master key. Argon2id (crypto_pwhash)
// stretches the passphrase into a key-encryption key that seals a random
// 32-byte master key. The parameters travel with the wrapped key so they can
// be raised later; changing the passphrase re-wraps the master key only.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

struct KdfParams {
  std::uint64_t opslimit = 0;
  std::size_t memlimit = 0;
  int alg = 0;  // crypto_pwhash_ALG_ARGON2ID13
  Bytes salt;   // crypto_pwhash_SALTBYTES
};

struct WrappedKey {
  KdfParams kdf;
  Bytes sealed_master;  // Seal(kek, master, ad = "inch master key v1")
};

// Argon2id with libsodium's MODERATE limits and a fresh random salt.
KdfParams DefaultKdfParams();

// Fails with kInvalidInput for params below MODERATE or an empty passphrase,
// kIo if Argon2id cannot get its memory.
Result<WrappedKey> WrapMasterKey(const Secret& passphrase, const Secret& master,
                                 KdfParams params);

// Fails with kWrongPassphrase when the passphrase does not open the key,
// kCorrupt when the parameters are malformed.
Result<Secret> UnwrapMasterKey(const Secret& passphrase,
                               const WrappedKey& wrapped);

}  // namespace inch::crypto
