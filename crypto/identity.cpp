// Static X25519 identity; see identity.hpp.
#include "crypto/identity.hpp"

#include <sodium.h>

#include "common/check.hpp"

namespace inch::crypto {

Identity GenerateIdentity() {
  Identity id;
  id.public_key.resize(crypto_box_PUBLICKEYBYTES);
  id.secret_key = Secret(crypto_box_SECRETKEYBYTES);
  INCH_CHECK(crypto_box_keypair(id.public_key.data(), id.secret_key.data()) ==
             0);
  return id;
}

Result<Identity> IdentityFromSecret(Secret secret_key) {
  if (secret_key.size() != crypto_scalarmult_SCALARBYTES) {
    return Fail(Errc::kCrypto, "identity secret key has the wrong size");
  }
  Identity id;
  id.public_key.resize(crypto_scalarmult_BYTES);
  if (crypto_scalarmult_base(id.public_key.data(), secret_key.data()) != 0) {
    return Fail(Errc::kCrypto, "identity secret key is invalid");
  }
  id.secret_key = std::move(secret_key);
  return id;
}

std::string NodeId(ByteView public_key) {
  std::uint8_t hash[16];
  INCH_CHECK(crypto_generichash(hash, sizeof hash, public_key.data(),
                                public_key.size(), nullptr, 0) == 0);
  return ToHex(hash);
}

}  // namespace inch::crypto
