// Subkey derivation with crypto_kdf (BLAKE2b); see kdf.hpp.
#include "crypto/kdf.hpp"

#include <sodium.h>

#include "common/check.hpp"

namespace inch::crypto {

Secret DeriveSubkey(const Secret& master, Subkey id) {
  INCH_CHECK(master.size() == crypto_kdf_KEYBYTES);
  static constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "inch-key";
  Secret out(32);
  INCH_CHECK(crypto_kdf_derive_from_key(out.data(), out.size(),
                                        static_cast<std::uint64_t>(id),
                                        kContext, master.data()) == 0);
  return out;
}

}  // namespace inch::crypto
