// Argon2id key wrapping; see passphrase.hpp.
#include "crypto/passphrase.hpp"

#include <sodium.h>

#include "common/check.hpp"
#include "crypto/aead.hpp"

namespace inch::crypto {
namespace {

constexpr std::string_view kWrapAd = "inch master key v1";

Result<Secret> StretchPassphrase(const Secret& passphrase,
                                 const KdfParams& params) {
  if (params.alg != crypto_pwhash_ALG_ARGON2ID13 ||
      params.salt.size() != crypto_pwhash_SALTBYTES ||
      params.opslimit < crypto_pwhash_OPSLIMIT_MODERATE ||
      params.memlimit < crypto_pwhash_MEMLIMIT_MODERATE ||
      params.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      params.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
    return Fail(Errc::kCorrupt, "key derivation parameters are invalid");
  }
  Secret kek(kKeyBytes);
  // An empty passphrase has no valid data pointer; give Argon2id one byte's
  // worth.
  static const char kNothing = 0;
  const char* pw = passphrase.empty()
                       ? &kNothing
                       : reinterpret_cast<const char*>(passphrase.data());
  if (crypto_pwhash(kek.data(), kek.size(), pw, passphrase.size(),
                    params.salt.data(), params.opslimit, params.memlimit,
                    params.alg) != 0) {
    return Fail(Errc::kIo, "Argon2id could not allocate its memory");
  }
  return kek;
}

}  // namespace

KdfParams DefaultKdfParams() {
  KdfParams p;
  p.opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
  p.memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
  p.alg = crypto_pwhash_ALG_ARGON2ID13;
  p.salt = RandomBytes(crypto_pwhash_SALTBYTES);
  return p;
}

Result<WrappedKey> WrapMasterKey(const Secret& passphrase, const Secret& master,
                                 KdfParams params) {
  INCH_CHECK(master.size() == kKeyBytes);
  if (passphrase.empty()) {
    return Fail(Errc::kInvalidInput, "the passphrase is empty");
  }
  auto kek = StretchPassphrase(passphrase, params);
  if (!kek) {
    if (kek.error().code == Errc::kCorrupt) {
      return Fail(Errc::kInvalidInput, kek.error().message);
    }
    return std::unexpected(kek.error());
  }
  WrappedKey wrapped;
  wrapped.sealed_master = Seal(*kek, master.view(), AsBytes(kWrapAd));
  wrapped.kdf = std::move(params);
  return wrapped;
}

Result<Secret> UnwrapMasterKey(const Secret& passphrase,
                               const WrappedKey& wrapped) {
  auto kek = StretchPassphrase(passphrase, wrapped.kdf);
  if (!kek) return std::unexpected(kek.error());
  auto opened = Open(*kek, wrapped.sealed_master, AsBytes(kWrapAd));
  if (!opened) return Fail(Errc::kWrongPassphrase, "wrong passphrase");
  if (opened->size() != kKeyBytes) {
    Wipe(*opened);
    return Fail(Errc::kCorrupt, "the wrapped master key has the wrong size");
  }
  Secret master = Secret::CopyOf(*opened);
  Wipe(*opened);
  return master;
}

}  // namespace inch::crypto
