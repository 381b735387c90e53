// Record sealing: the one cipher suite for data at rest and sealed bundles.
// Suite v1 = XChaCha20-Poly1305-IETF with a random 24-byte nonce, so callers
// never manage nonces. Sealed format: version (0x01) | nonce (24) | ct+tag.
// The associated data binds a ciphertext to where it belongs (table and row);
// opening it anywhere else fails.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

inline constexpr std::uint8_t kSealVersion = 1;
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kSealOverhead = 1 + 24 + 16;

// Fills a 32-byte `key` (aborts on another size) with fresh random bytes
// from the kernel CSPRNG, fetched 2 KiB at a time into guarded memory and
// each handed out once (a bulk receive makes one key per item). Safe
// across fork(): a child refills before its first key.
void RandomKey(Secret& key);

// Seals `plaintext` under a 32-byte `key` (aborts on a wrong key size).
Bytes Seal(const Secret& key, ByteView plaintext, ByteView ad);

// Opens a Seal() output. Fails with kCrypto when the version, length, key,
// ad or any byte is wrong; the output is never partially filled.
Result<Bytes> Open(const Secret& key, ByteView sealed, ByteView ad);

// As Seal/Open, but the plaintext is padded (ISO/IEC 7816-4, sodium_pad) to
// a multiple of `bucket` bytes first, so the ciphertext length reveals only
// the bucket. Open fails with kCrypto on bad padding.
Bytes SealPadded(const Secret& key, ByteView plaintext, ByteView ad,
                 std::size_t bucket = 256);
Result<Bytes> OpenPadded(const Secret& key, ByteView sealed, ByteView ad,
                         std::size_t bucket = 256);

}  // namespace inch::crypto
