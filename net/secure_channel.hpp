// The authenticated session channel: a Noise_KKpsk0_25519_ChaChaPoly_BLAKE2b
// handshake (crypto/noise.hpp) over a Connection, then transport frames that
// each carry one protobuf WireMessage. Both static keys are pinned at
// pairing and the pair secret is the PSK, so a stranger fails the first
// message and gets nothing back; every failure looks the same from outside:
// the connection closes.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/noise.hpp"
#include "crypto/secret.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "proto/wire.pb.h"

namespace inch::net {

inline constexpr std::string_view kPrologue = "inch/1";
// Both KKpsk0 messages: e (32) + an empty payload's tag (16).
inline constexpr std::size_t kHandshakeMessageBytes = 48;
inline constexpr auto kHandshakeTimeout = std::chrono::seconds(5);
// Largest WireMessage encoding that fits one Noise transport message.
inline constexpr std::size_t kMaxPlaintext =
    crypto::noise::kMaxMessage - crypto::noise::kTagBytes;

// Keys for one pinned partner. The pointed-to secrets must outlive the
// handshake call that uses them.
struct PeerKeys {
  const crypto::Secret* static_secret = nullptr;  // our X25519 secret
  Bytes remote_static;                            // the partner's public key
  const crypto::Secret* psk = nullptr;            // the pair secret
};

// States: handshaking (inside Initiate/Accept, under kHandshakeTimeout) ->
// open (Send/Receive; nonces advance per message, so a replayed, reordered,
// dropped or altered frame fails to decrypt) -> closed (any failure; never
// reopened). At most one Send and one Receive in flight at a time.
class SecureChannel {
 public:
  // Dials nothing: runs the initiator side over an open connection.
  // kCrypto (handshake failed) or kUnreachable (connection/deadline);
  // the connection is closed on failure.
  static awaitable<Result<std::unique_ptr<SecureChannel>>> Initiate(
      std::shared_ptr<Connection> conn, const PeerKeys& keys);
  // Responder side. Tries each candidate (normally one: the partner; a
  // pending unpair notice may add another); `*matched` gets the index of
  // the one that authenticated. Same failures as Initiate.
  static awaitable<Result<std::unique_ptr<SecureChannel>>> Accept(
      std::shared_ptr<Connection> conn, const std::vector<PeerKeys>& candidates,
      std::size_t* matched);

  // Encrypts and writes one message. kInvalidInput if it is too large,
  // kUnreachable if the connection failed.
  awaitable<Status> Send(const proto::WireMessage& message);
  // Reads one message. kCrypto (tampered, replayed, reordered), kProtocol
  // (malformed, unknown type), kUnreachable (closed; connection().eof()
  // tells a clean close between frames).
  awaitable<Result<proto::WireMessage>> Receive();

  // The Noise handshake hash (64 bytes), identical on both sides.
  ByteView handshake_hash() const { return hash_; }
  Connection& connection() { return *conn_; }
  std::shared_ptr<Connection> shared_connection() { return conn_; }

  SecureChannel(std::shared_ptr<Connection> conn,
                crypto::noise::TransportKeys keys);

 private:
  std::shared_ptr<Connection> conn_;
  crypto::noise::CipherState send_;
  crypto::noise::CipherState recv_;
  Bytes hash_;
};

}  // namespace inch::net
