// The session handshake: Noise Protocol Framework rev 34, one fixed suite,
// Noise_KKpsk0_25519_ChaChaPoly_BLAKE2b (plus plain Noise_KK_... so the
// published vectors can check it). No negotiation: both statics are pinned
// at pairing, the pair secret is the PSK. Built from libsodium primitives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto::noise {

inline constexpr std::string_view kProtocolName =
    "Noise_KKpsk0_25519_ChaChaPoly_BLAKE2b";
inline constexpr std::size_t kMaxMessage = 65535;  // Noise §3
inline constexpr std::size_t kKeyBytes = 32;       // X25519 keys, PSK, k
inline constexpr std::size_t kTagBytes = 16;       // Poly1305
inline constexpr std::size_t kHashBytes = 64;      // BLAKE2b HASHLEN

// Noise §5.1 CipherState: ChaChaPoly (IETF), 96-bit nonce = 4 zero bytes ||
// 64-bit little-endian counter. Move-only; the key is wiped on destruction.
// Not thread-safe. A default-constructed CipherState has no key: Encrypt and
// Decrypt then fail with kCrypto (never a silent pass-through).
class CipherState {
 public:
  CipherState() = default;
  explicit CipherState(Secret key);  // aborts unless the key is 32 bytes

  // Encrypts with the next nonce; kCrypto if the nonce space is exhausted
  // or the message would exceed kMaxMessage.
  Result<Bytes> Encrypt(ByteView ad, ByteView plaintext);
  // Decrypts with the next nonce; kCrypto on failure (the nonce is NOT
  // advanced on failure, and no plaintext is returned).
  Result<Bytes> Decrypt(ByteView ad, ByteView ciphertext);

  std::uint64_t nonce() const { return n_; }
  bool has_key() const { return !k_.empty(); }

 private:
  Secret k_;
  std::uint64_t n_ = 0;
};

// The result of a completed handshake. `handshake_hash` (64 bytes) is the
// channel binding: both sides hold the same value, so it can feed check
// words shown to people.
struct TransportKeys {
  CipherState send;
  CipherState recv;
  Bytes handshake_hash;
};

enum class Role { kInitiator, kResponder };

// The message patterns we implement. kKKpsk0 is the product; kKK and
// kKKpsk2 exist so the published vectors for them can check the shared
// machinery (token order, psk handling) too.
enum class Pattern { kKKpsk0, kKK, kKKpsk2 };

// Everything a handshake needs. The pointed-to secrets must outlive
// Handshake::Start only (they are copied).
struct HandshakeConfig {
  Role role;
  const Secret* static_secret;  // our X25519 secret (32)
  ByteView remote_static;       // the pinned partner public key (32)
  const Secret* psk;            // 32 bytes (pair secret), placed at psk0
  ByteView prologue;            // bound into h
  const Secret* fixed_ephemeral = nullptr;  // tests only: vector ephemerals
  Pattern pattern = Pattern::kKKpsk0;       // others: vector tests only
};

// Protocol names of the patterns (kProtocolName is the product's).
std::string_view ProtocolName(Pattern pattern);

// KKpsk0:  (pre-messages -> s, <- s)
//   -> psk, e, es, ss     (message 0, initiator to responder)
//   <- e, ee, se          (message 1, responder to initiator)
//
// States (next_message_ counts the messages processed):
//   0     initiator may WriteMessage, responder may ReadMessage
//   1     responder may WriteMessage, initiator may ReadMessage
//   2     complete(): e, s, psk and k are wiped; Split() once, then ck too
//   dead  after any failure: all secrets wiped, every call fails
// A failed handshake is never retried: the caller drops the connection.
// Move-only; not thread-safe.
class Handshake {
 public:
  // Fails with kCrypto on missing or wrongly sized keys.
  static Result<Handshake> Start(const HandshakeConfig& config);

  // Builds our next handshake message carrying `payload` (encrypted: both
  // messages of KK are sent after a DH). kProtocol if it is not our turn,
  // the handshake is dead, or the message would exceed kMaxMessage;
  // kCrypto if a DH fails.
  Result<Bytes> WriteMessage(ByteView payload);
  // Processes the peer's handshake message and returns its payload.
  // kProtocol if out of turn; kCrypto on any failure (bad length,
  // low-order key, authentication). Any failure kills the handshake.
  Result<Bytes> ReadMessage(ByteView message);

  bool complete() const;
  // The transport keys (send/recv per our role) and the handshake hash.
  // kProtocol unless complete() and not yet split.
  Result<TransportKeys> Split();

  // The handshake hash so far (tests compare it with vectors).
  ByteView handshake_hash() const { return h_; }

  Handshake(Handshake&&) noexcept = default;
  Handshake& operator=(Handshake&&) noexcept = default;
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;
  ~Handshake() = default;

 private:
  enum class Token { kE, kEE, kES, kSE, kSS, kPsk };
  Handshake() = default;

  static std::span<const Token> Tokens(Pattern pattern, int message);
  bool OurTurnToWrite() const;
  bool HasPsk() const { return pattern_ != Pattern::kKK; }
  Status DhToken(Token token);
  void Advance();  // a message went through: move to the next state
  void Kill();     // a failure: wipe everything, refuse all further calls
  void MixHash(ByteView data);
  void MixKey(ByteView input_key_material);
  void MixKeyAndHash(ByteView input_key_material);
  Result<Bytes> EncryptAndHash(ByteView plaintext);
  Result<Bytes> DecryptAndHash(ByteView ciphertext);

  Role role_ = Role::kInitiator;
  Pattern pattern_ = Pattern::kKKpsk0;
  int next_message_ = 0;  // 0, 1, then 2 = complete
  bool dead_ = false;
  bool split_ = false;
  Secret ck_;           // chaining key (64)
  Bytes h_;             // handshake hash (64); not secret
  CipherState cipher_;  // k and n of the SymmetricState
  Secret s_;            // our static secret
  Bytes s_pub_;         // our static public key
  Secret e_;            // our ephemeral secret
  Bytes e_pub_;         // our ephemeral public key
  Secret fixed_e_;      // tests only
  Bytes rs_;            // remote static public key
  Bytes re_;            // remote ephemeral public key
  Secret psk_;
};

}  // namespace inch::crypto::noise
