// Bundle key derivation (bundle_key.hpp): one keyed BLAKE2b, as the op key.
#include "crypto/bundle_key.hpp"

#include <sodium.h>

#include "common/check.hpp"

namespace inch::crypto {

Secret BundleKey(const Secret& pair_secret) {
  INCH_CHECK(pair_secret.size() >= crypto_generichash_KEYBYTES_MIN &&
             pair_secret.size() <= crypto_generichash_KEYBYTES_MAX);
  Secret key(32);
  INCH_CHECK(crypto_generichash(
                 key.data(), key.size(),
                 reinterpret_cast<const unsigned char*>(kBundleKeyLabel.data()),
                 kBundleKeyLabel.size(), pair_secret.data(),
                 pair_secret.size()) == 0);
  return key;
}

}  // namespace inch::crypto
