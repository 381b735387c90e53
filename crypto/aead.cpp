// XChaCha20-Poly1305-IETF record sealing; see aead.hpp for the format.
#include "crypto/aead.hpp"

#include <sodium.h>

#include <algorithm>

#include "common/check.hpp"

namespace inch::crypto {
namespace {
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kSealOverhead == 1 + kNonce + kTag);
}  // namespace

Bytes Seal(const Secret& key, ByteView plaintext, ByteView ad) {
  INCH_CHECK(key.size() == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  Bytes out(kSealOverhead + plaintext.size());
  out[0] = kSealVersion;
  randombytes_buf(out.data() + 1, kNonce);
  unsigned long long written = 0;
  INCH_CHECK(crypto_aead_xchacha20poly1305_ietf_encrypt(
                 out.data() + 1 + kNonce, &written, plaintext.data(),
                 plaintext.size(), ad.data(), ad.size(), nullptr,
                 out.data() + 1, key.data()) == 0);
  INCH_CHECK(written == plaintext.size() + kTag);
  return out;
}

Result<Bytes> Open(const Secret& key, ByteView sealed, ByteView ad) {
  INCH_CHECK(key.size() == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (sealed.size() < kSealOverhead || sealed[0] != kSealVersion) {
    return Fail(Errc::kCrypto, "sealed record is malformed");
  }
  Bytes out(sealed.size() - kSealOverhead);
  unsigned long long written = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      out.data(), &written, nullptr, sealed.data() + 1 + kNonce,
      sealed.size() - 1 - kNonce, ad.data(), ad.size(), sealed.data() + 1,
      key.data());
  if (rc != 0) {
    Wipe(out);
    return Fail(Errc::kCrypto, "sealed record failed authentication");
  }
  return out;
}

Bytes SealPadded(const Secret& key, ByteView plaintext, ByteView ad,
                 std::size_t bucket) {
  INCH_CHECK(bucket > 0);
  Bytes padded(plaintext.begin(), plaintext.end());
  padded.resize(plaintext.size() + bucket);
  std::size_t padded_len = 0;
  INCH_CHECK(sodium_pad(&padded_len, padded.data(), plaintext.size(), bucket,
                        padded.size()) == 0);
  padded.resize(padded_len);
  Bytes out = Seal(key, padded, ad);
  Wipe(padded);
  return out;
}

Result<Bytes> OpenPadded(const Secret& key, ByteView sealed, ByteView ad,
                         std::size_t bucket) {
  auto padded = Open(key, sealed, ad);
  if (!padded) return padded;
  std::size_t len = 0;
  // A padded plaintext is a whole number of buckets; checking first also
  // keeps an empty buffer's null data() away from sodium_unpad.
  if (padded->size() < bucket || padded->size() % bucket != 0 ||
      sodium_unpad(&len, padded->data(), padded->size(), bucket) != 0) {
    Wipe(*padded);
    return Fail(Errc::kCrypto, "sealed record has bad padding");
  }
  padded->resize(len);
  return padded;
}

}  // namespace inch::crypto
