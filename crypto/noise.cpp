// Noise rev 34 handshake for the KK family over 25519, ChaChaPoly and
// BLAKE2b, built from libsodium; see noise.hpp. Section numbers refer to the
// Noise specification. Every key-bearing intermediate lives in a Secret.
#include "crypto/noise.hpp"

#include <sodium.h>

#include <array>
#include <cstring>
#include <limits>
#include <span>
#include <utility>

#include "common/check.hpp"

namespace inch::crypto::noise {
namespace {

constexpr std::size_t kBlockBytes = 128;  // BLAKE2b BLOCKLEN
constexpr std::size_t kNonceBytes = crypto_aead_chacha20poly1305_IETF_NPUBBYTES;
static_assert(kKeyBytes == crypto_aead_chacha20poly1305_IETF_KEYBYTES);
static_assert(kTagBytes == crypto_aead_chacha20poly1305_IETF_ABYTES);
static_assert(kKeyBytes == crypto_scalarmult_BYTES);

// §5.1: 32 bits of zeros followed by the little-endian 64-bit counter.
std::array<std::uint8_t, kNonceBytes> NonceBytes(std::uint64_t n) {
  std::array<std::uint8_t, kNonceBytes> nonce{};
  for (int i = 0; i < 8; ++i) {
    nonce[4 + static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(n >> (8 * i));
  }
  return nonce;
}

// §4.3 HMAC-HASH with BLAKE2b (RFC 2104, block 128 bytes). `key` is at most
// one block (it is always ck or a temp key of HASHLEN here).
Secret HmacBlake2b(ByteView key, std::initializer_list<ByteView> data) {
  INCH_CHECK(key.size() <= kBlockBytes);
  Secret pad(kBlockBytes);
  Secret inner(kHashBytes);
  Secret out(kHashBytes);
  crypto_generichash_state st;

  std::memset(pad.data(), 0x36, kBlockBytes);
  for (std::size_t i = 0; i < key.size(); ++i) pad.data()[i] ^= key[i];
  INCH_CHECK(crypto_generichash_init(&st, nullptr, 0, kHashBytes) == 0);
  crypto_generichash_update(&st, pad.data(), kBlockBytes);
  for (ByteView d : data) crypto_generichash_update(&st, d.data(), d.size());
  crypto_generichash_final(&st, inner.data(), kHashBytes);

  std::memset(pad.data(), 0x5c, kBlockBytes);
  for (std::size_t i = 0; i < key.size(); ++i) pad.data()[i] ^= key[i];
  INCH_CHECK(crypto_generichash_init(&st, nullptr, 0, kHashBytes) == 0);
  crypto_generichash_update(&st, pad.data(), kBlockBytes);
  crypto_generichash_update(&st, inner.data(), kHashBytes);
  crypto_generichash_final(&st, out.data(), kHashBytes);
  sodium_memzero(&st, sizeof st);
  return out;
}

// §4.3 HKDF(chaining_key, input_key_material, num_outputs) with 2 or 3
// outputs of HASHLEN each.
struct HkdfOut {
  Secret o1, o2, o3;
};
HkdfOut Hkdf(const Secret& ck, ByteView ikm, int outputs) {
  const std::uint8_t one = 1, two = 2, three = 3;
  Secret temp_key = HmacBlake2b(ck.view(), {ikm});
  HkdfOut r;
  r.o1 = HmacBlake2b(temp_key.view(), {ByteView(&one, 1)});
  r.o2 = HmacBlake2b(temp_key.view(), {r.o1.view(), ByteView(&two, 1)});
  if (outputs == 3) {
    r.o3 = HmacBlake2b(temp_key.view(), {r.o2.view(), ByteView(&three, 1)});
  }
  return r;
}

// Keys for the cipher are the first 32 bytes of a HASHLEN output (§5.2).
Secret Truncated(const Secret& s) {
  return Secret::CopyOf(s.view().first(kKeyBytes));
}

Result<Bytes> PublicKeyOf(const Secret& secret) {
  Bytes pub(kKeyBytes);
  if (crypto_scalarmult_base(pub.data(), secret.data()) != 0) {
    return Fail(Errc::kCrypto, "X25519 secret key is invalid");
  }
  return pub;
}

// DH(key_pair, public_key) of §4.1. libsodium returns -1 when the result is
// all zeros (a low-order peer point): that is a failed handshake.
Result<Secret> Dh(const Secret& ours, ByteView theirs) {
  if (ours.size() != kKeyBytes || theirs.size() != kKeyBytes) {
    return Fail(Errc::kCrypto, "X25519 key has the wrong size");
  }
  Secret out(kKeyBytes);
  if (crypto_scalarmult(out.data(), ours.data(), theirs.data()) != 0) {
    return Fail(Errc::kCrypto, "X25519 rejected a low-order point");
  }
  return out;
}

}  // namespace

// ---- CipherState (§5.1) ----

CipherState::CipherState(Secret key) : k_(std::move(key)) {
  INCH_CHECK(k_.size() == kKeyBytes);
}

Result<Bytes> CipherState::Encrypt(ByteView ad, ByteView plaintext) {
  if (!has_key()) return Fail(Errc::kCrypto, "cipher has no key");
  // 2^64-1 is reserved (§5.1), so it can never be used as a nonce.
  if (n_ == std::numeric_limits<std::uint64_t>::max()) {
    return Fail(Errc::kCrypto, "nonce space exhausted");
  }
  if (plaintext.size() > kMaxMessage - kTagBytes) {
    return Fail(Errc::kCrypto, "message exceeds the Noise maximum");
  }
  Bytes out(plaintext.size() + kTagBytes);
  auto nonce = NonceBytes(n_);
  unsigned long long written = 0;
  INCH_CHECK(crypto_aead_chacha20poly1305_ietf_encrypt(
                 out.data(), &written, plaintext.data(), plaintext.size(),
                 ad.data(), ad.size(), nullptr, nonce.data(), k_.data()) == 0);
  INCH_CHECK(written == out.size());
  ++n_;
  return out;
}

Result<Bytes> CipherState::Decrypt(ByteView ad, ByteView ciphertext) {
  if (!has_key()) return Fail(Errc::kCrypto, "cipher has no key");
  if (n_ == std::numeric_limits<std::uint64_t>::max()) {
    return Fail(Errc::kCrypto, "nonce space exhausted");
  }
  if (ciphertext.size() < kTagBytes || ciphertext.size() > kMaxMessage) {
    return Fail(Errc::kCrypto, "ciphertext has an invalid length");
  }
  Bytes out(ciphertext.size() - kTagBytes);
  auto nonce = NonceBytes(n_);
  unsigned long long written = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(
          out.data(), &written, nullptr, ciphertext.data(), ciphertext.size(),
          ad.data(), ad.size(), nonce.data(), k_.data()) != 0) {
    Wipe(out);
    return Fail(Errc::kCrypto, "decryption failed");
  }
  ++n_;
  return out;
}

// ---- SymmetricState (§5.2), inlined into Handshake ----

void Handshake::MixHash(ByteView data) {
  crypto_generichash_state st;
  INCH_CHECK(crypto_generichash_init(&st, nullptr, 0, kHashBytes) == 0);
  crypto_generichash_update(&st, h_.data(), h_.size());
  crypto_generichash_update(&st, data.data(), data.size());
  crypto_generichash_final(&st, h_.data(), kHashBytes);
}

void Handshake::MixKey(ByteView input_key_material) {
  HkdfOut r = Hkdf(ck_, input_key_material, 2);
  ck_ = std::move(r.o1);
  cipher_ = CipherState(Truncated(r.o2));
}

void Handshake::MixKeyAndHash(ByteView input_key_material) {
  HkdfOut r = Hkdf(ck_, input_key_material, 3);
  ck_ = std::move(r.o1);
  MixHash(r.o2.view());
  cipher_ = CipherState(Truncated(r.o3));
}

Result<Bytes> Handshake::EncryptAndHash(ByteView plaintext) {
  Bytes c;
  if (cipher_.has_key()) {
    auto sealed = cipher_.Encrypt(h_, plaintext);
    if (!sealed) return sealed;
    c = std::move(*sealed);
  } else {
    c.assign(plaintext.begin(), plaintext.end());
  }
  MixHash(c);
  return c;
}

Result<Bytes> Handshake::DecryptAndHash(ByteView ciphertext) {
  Bytes p;
  if (cipher_.has_key()) {
    auto opened = cipher_.Decrypt(h_, ciphertext);
    if (!opened) return opened;
    p = std::move(*opened);
  } else {
    p.assign(ciphertext.begin(), ciphertext.end());
  }
  MixHash(ciphertext);
  return p;
}

// ---- HandshakeState (§5.3) ----

std::string_view ProtocolName(Pattern pattern) {
  switch (pattern) {
    case Pattern::kKKpsk0:
      return kProtocolName;
    case Pattern::kKK:
      return "Noise_KK_25519_ChaChaPoly_BLAKE2b";
    case Pattern::kKKpsk2:
      return "Noise_KKpsk2_25519_ChaChaPoly_BLAKE2b";
  }
  INCH_CHECK(false);
  return {};
}

// The message patterns token by token (§7.5 KK, §9.2 psk modifiers).
std::span<const Handshake::Token> Handshake::Tokens(Pattern pattern,
                                                    int message) {
  using T = Token;
  static constexpr T kKK0[] = {T::kE, T::kES, T::kSS};
  static constexpr T kKK1[] = {T::kE, T::kEE, T::kSE};
  static constexpr T kPsk0First[] = {T::kPsk, T::kE, T::kES, T::kSS};
  static constexpr T kPsk2Second[] = {T::kE, T::kEE, T::kSE, T::kPsk};
  INCH_CHECK(message == 0 || message == 1);
  switch (pattern) {
    case Pattern::kKK:
      return message == 0 ? std::span<const T>(kKK0) : kKK1;
    case Pattern::kKKpsk0:
      return message == 0 ? std::span<const T>(kPsk0First) : kKK1;
    case Pattern::kKKpsk2:
      return message == 0 ? std::span<const T>(kKK0) : kPsk2Second;
  }
  INCH_CHECK(false);
  return {};
}

Result<Handshake> Handshake::Start(const HandshakeConfig& config) {
  const bool with_psk = config.pattern != Pattern::kKK;
  if (config.static_secret == nullptr ||
      config.static_secret->size() != kKeyBytes ||
      config.remote_static.size() != kKeyBytes) {
    return Fail(Errc::kCrypto, "static keys are missing or the wrong size");
  }
  if (with_psk && (config.psk == nullptr || config.psk->size() != kKeyBytes)) {
    return Fail(Errc::kCrypto, "the PSK is missing or the wrong size");
  }
  if (config.fixed_ephemeral != nullptr &&
      config.fixed_ephemeral->size() != kKeyBytes) {
    return Fail(Errc::kCrypto, "the fixed ephemeral has the wrong size");
  }
  Handshake hs;
  hs.role_ = config.role;
  hs.pattern_ = config.pattern;
  hs.s_ = Secret::CopyOf(config.static_secret->view());
  auto s_pub = PublicKeyOf(hs.s_);
  if (!s_pub) return std::unexpected(s_pub.error());
  hs.s_pub_ = std::move(*s_pub);
  hs.rs_.assign(config.remote_static.begin(), config.remote_static.end());
  if (with_psk) hs.psk_ = Secret::CopyOf(config.psk->view());
  if (config.fixed_ephemeral != nullptr) {
    hs.fixed_e_ = Secret::CopyOf(config.fixed_ephemeral->view());
  }

  // InitializeSymmetric: the name fits in HASHLEN, so h = name || zeros.
  std::string_view name = ProtocolName(config.pattern);
  static_assert(kProtocolName.size() <= kHashBytes);
  hs.h_.assign(kHashBytes, 0);
  std::memcpy(hs.h_.data(), name.data(), name.size());
  hs.ck_ = Secret::CopyOf(hs.h_);
  hs.MixHash(config.prologue);
  // Pre-messages of KK: -> s, <- s (initiator's static first).
  const bool initiator = config.role == Role::kInitiator;
  hs.MixHash(initiator ? ByteView(hs.s_pub_) : ByteView(hs.rs_));
  hs.MixHash(initiator ? ByteView(hs.rs_) : ByteView(hs.s_pub_));
  return hs;
}

bool Handshake::complete() const { return !dead_ && next_message_ >= 2; }

bool Handshake::OurTurnToWrite() const {
  return (next_message_ % 2 == 0) == (role_ == Role::kInitiator);
}

Status Handshake::DhToken(Token token) {
  const bool initiator = role_ == Role::kInitiator;
  const Secret* ours = nullptr;
  const Bytes* theirs = nullptr;
  switch (token) {
    case Token::kEE:  // ee: DH(e, re)
      ours = &e_, theirs = &re_;
      break;
    case Token::kES:  // es: initiator DH(e, rs), responder DH(s, re)
      ours = initiator ? &e_ : &s_, theirs = initiator ? &rs_ : &re_;
      break;
    case Token::kSE:  // se: initiator DH(s, re), responder DH(e, rs)
      ours = initiator ? &s_ : &e_, theirs = initiator ? &re_ : &rs_;
      break;
    case Token::kSS:  // ss: DH(s, rs)
      ours = &s_, theirs = &rs_;
      break;
    case Token::kE:
    case Token::kPsk:
      INCH_CHECK(false);
  }
  auto dh = Dh(*ours, *theirs);
  if (!dh) return std::unexpected(dh.error());
  MixKey(dh->view());
  return {};
}

void Handshake::Advance() {
  ++next_message_;
  if (next_message_ == 2) {
    // Only ck and h are needed from here on (Split).
    e_ = Secret();
    s_ = Secret();
    psk_ = Secret();
    fixed_e_ = Secret();
    cipher_ = CipherState();
  }
}

void Handshake::Kill() {
  dead_ = true;
  ck_ = Secret();
  cipher_ = CipherState();
  e_ = Secret();
  s_ = Secret();
  psk_ = Secret();
  fixed_e_ = Secret();
}

Result<Bytes> Handshake::WriteMessage(ByteView payload) {
  if (dead_ || next_message_ >= 2 || !OurTurnToWrite()) {
    return Fail(Errc::kProtocol, "handshake message out of turn");
  }
  if (payload.size() > kMaxMessage - kKeyBytes - kTagBytes) {
    Kill();
    return Fail(Errc::kProtocol, "handshake payload is too large");
  }
  Bytes out;
  for (Token token : Tokens(pattern_, next_message_)) {
    if (token == Token::kE) {
      // e: a fresh ephemeral; with a PSK it is also mixed into the key
      // (§9.2) so a PSK message never reuses a key with a new nonce.
      e_ = fixed_e_.empty() ? Secret::Random(kKeyBytes)
                            : Secret::CopyOf(fixed_e_.view());
      auto pub = PublicKeyOf(e_);
      if (!pub) {
        Kill();
        return std::unexpected(pub.error());
      }
      e_pub_ = std::move(*pub);
      out.insert(out.end(), e_pub_.begin(), e_pub_.end());
      MixHash(e_pub_);
      if (HasPsk()) MixKey(e_pub_);
    } else if (token == Token::kPsk) {
      MixKeyAndHash(psk_.view());  // psk
    } else if (auto st = DhToken(token); !st) {
      Kill();
      return std::unexpected(st.error());
    }
  }
  auto c = EncryptAndHash(payload);
  if (!c) {
    Kill();
    return std::unexpected(c.error());
  }
  out.insert(out.end(), c->begin(), c->end());
  Advance();
  return out;
}

Result<Bytes> Handshake::ReadMessage(ByteView message) {
  if (dead_ || next_message_ >= 2 || OurTurnToWrite()) {
    return Fail(Errc::kProtocol, "handshake message out of turn");
  }
  // Every failure below looks the same to the caller: kCrypto, dead.
  auto fail = [this] {
    Kill();
    return Fail(Errc::kCrypto, "handshake failed");
  };
  if (message.size() > kMaxMessage) return fail();
  ByteView in = message;
  for (Token token : Tokens(pattern_, next_message_)) {
    if (token == Token::kE) {  // e: the peer's ephemeral public key
      if (in.size() < kKeyBytes) return fail();
      re_.assign(in.begin(), in.begin() + kKeyBytes);
      in = in.subspan(kKeyBytes);
      MixHash(re_);
      if (HasPsk()) MixKey(re_);
    } else if (token == Token::kPsk) {
      MixKeyAndHash(psk_.view());  // psk
    } else if (auto st = DhToken(token); !st) {
      return fail();
    }
  }
  auto payload = DecryptAndHash(in);
  if (!payload) return fail();
  Advance();
  return payload;
}

Result<TransportKeys> Handshake::Split() {
  if (!complete() || split_) {
    return Fail(Errc::kProtocol, "handshake is not complete");
  }
  HkdfOut r = Hkdf(ck_, ByteView(), 2);
  CipherState c1(Truncated(r.o1));
  CipherState c2(Truncated(r.o2));
  TransportKeys keys;
  const bool initiator = role_ == Role::kInitiator;
  keys.send = std::move(initiator ? c1 : c2);
  keys.recv = std::move(initiator ? c2 : c1);
  keys.handshake_hash = h_;
  ck_ = Secret();
  split_ = true;
  return keys;
}

}  // namespace inch::crypto::noise
