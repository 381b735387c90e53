// XChaCha20-Poly1305-IETF record sealing; see aead.hpp for the format.
#include "crypto/aead.hpp"

#include <pthread.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

#include "common/check.hpp"

namespace inch::crypto {
namespace {
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kSealOverhead == 1 + kNonce + kTag);

// Random nonces, fetched from the OS a few KiB at a time. libsodium 1.0.18
// makes one getrandom() syscall per randombytes_buf() call, which cost ~7%
// of a bulk sync at one per seal. The bytes are still the kernel CSPRNG's
// (no generator of ours), each is handed out once and zeroed as it goes.
// A 24-byte random nonce never repeats in practice (2^-192 per pair of
// seals); the one way this buffer could repeat one is a fork() copying it
// into a child, so a fork handler bumps a generation and every thread
// refills before its next nonce in a new generation.
std::atomic<std::uint64_t> fork_generation{1};

void OnForkChild() { fork_generation.fetch_add(1); }

std::uint64_t ForkGeneration() {
  static const bool registered = [] {
    INCH_CHECK(pthread_atfork(nullptr, nullptr, OnForkChild) == 0);
    return true;
  }();
  (void)registered;
  return fork_generation.load();
}

// `bytes` kernel-random bytes handed out `chunk` at a time, each once:
// copied out, then zeroed in the buffer.
template <class Buffer>
void TakeRandom(Buffer& buffer, std::uint64_t& generation, std::size_t& used,
                std::uint8_t* out, std::size_t chunk) {
  const std::uint64_t now = ForkGeneration();
  if (generation != now || used + chunk > buffer.size()) {
    randombytes_buf(buffer.data(), buffer.size());
    used = 0;
    generation = now;
  }
  std::uint8_t* next = buffer.data() + used;
  std::copy(next, next + chunk, out);
  sodium_memzero(next, chunk);
  used += chunk;
}

void RandomNonce(std::uint8_t* out) {
  thread_local std::array<std::uint8_t, 4096 - 4096 % kNonce> bytes{};
  thread_local std::uint64_t generation = 0;
  thread_local std::size_t used = 0;
  TakeRandom(bytes, generation, used, out, kNonce);
}
}  // namespace

void RandomKey(Secret& key) {
  INCH_CHECK(key.size() == kKeyBytes);
  // Keys are secrets: their buffer is guarded memory (one per thread, kept
  // for the thread's life), unlike the nonces'.
  thread_local Secret bytes(64 * kKeyBytes);
  thread_local std::uint64_t generation = 0;
  thread_local std::size_t used = 0;
  TakeRandom(bytes, generation, used, key.data(), kKeyBytes);
}

Bytes Seal(const Secret& key, ByteView plaintext, ByteView ad) {
  INCH_CHECK(key.size() == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  Bytes out(kSealOverhead + plaintext.size());
  out[0] = kSealVersion;
  RandomNonce(out.data() + 1);
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
