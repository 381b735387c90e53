// Op key derivation and associated data (op_key.hpp).
#include "crypto/op_key.hpp"

#include <sodium.h>

#include <algorithm>

#include "common/check.hpp"

namespace inch::crypto {

Secret DeriveOpKey(const Secret& pair_secret) {
  INCH_CHECK(pair_secret.size() >= crypto_generichash_KEYBYTES_MIN &&
             pair_secret.size() <= crypto_generichash_KEYBYTES_MAX);
  Secret key(32);
  INCH_CHECK(crypto_generichash(key.data(), key.size(),
                                AsBytes(kOpKeyLabel).data(), kOpKeyLabel.size(),
                                pair_secret.data(), pair_secret.size()) == 0);
  return key;
}

Bytes OpAd(ByteView author_public_key, std::uint64_t seq) {
  // Sized once up front (g++ 12 warns falsely on growing inserts here).
  Bytes ad(kOpAdLabel.size() + author_public_key.size() + 8);
  std::copy(kOpAdLabel.begin(), kOpAdLabel.end(), ad.begin());
  std::copy(author_public_key.begin(), author_public_key.end(),
            ad.begin() + static_cast<std::ptrdiff_t>(kOpAdLabel.size()));
  for (std::size_t i = 0; i < 8; ++i) {
    ad[ad.size() - 8 + i] = static_cast<std::uint8_t>(seq >> (8 * (7 - i)));
  }
  return ad;
}

}  // namespace inch::crypto
