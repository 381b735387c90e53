// Deterministic keys for the fuzz targets; see fixtures.hpp.
#include "fuzz/targets/fixtures.hpp"

#include <google/protobuf/stubs/logging.h>
#include <sodium.h>

#include <algorithm>

#include "common/check.hpp"
#include "crypto/identity.hpp"
#include "crypto/op_key.hpp"

namespace inch::fuzz {

void InitOnce() {
  static const bool ok = [] {
    // Protobuf logs every invalid UTF-8 string it rejects; at millions of
    // inputs a second that drowns libFuzzer's own output.
    google::protobuf::SetLogHandler(nullptr);
    return crypto::InitCrypto();
  }();
  INCH_CHECK(ok);
}

crypto::Secret FixedSecret(std::uint8_t tag, std::size_t size) {
  crypto::Secret s(size);
  for (std::size_t i = 0; i < size; ++i) {
    s.data()[i] = static_cast<std::uint8_t>(tag + i);
  }
  return s;
}

const crypto::Secret& OpKey() {
  static const crypto::Secret key = FixedSecret(0x10);
  return key;
}

ByteView AuthorKey() {
  static const Bytes key = [] {
    Bytes k(32);
    for (std::size_t i = 0; i < k.size(); ++i) {
      k[i] = static_cast<std::uint8_t>(0xA0 + i);
    }
    return k;
  }();
  return key;
}

Bytes WireOpAd(ByteView author_public_key, std::uint64_t seq) {
  return crypto::OpAd(author_public_key, seq);
}

namespace {

Bytes PublicOf(const crypto::Secret& secret) {
  InitOnce();
  Bytes pk(crypto_scalarmult_BYTES);
  INCH_CHECK(crypto_scalarmult_base(pk.data(), secret.data()) == 0);
  return pk;
}

}  // namespace

const HandshakeKeys& HandshakeFixture() {
  static const HandshakeKeys keys = [] {
    HandshakeKeys k{
        FixedSecret(0x20), FixedSecret(0x40), {}, {}, FixedSecret(0x60),
        FixedSecret(0x80), FixedSecret(0xC0)};
    k.initiator_public = PublicOf(k.initiator_static);
    k.responder_public = PublicOf(k.responder_static);
    return k;
  }();
  return keys;
}

crypto::noise::Handshake StartHandshake(crypto::noise::Role role) {
  const HandshakeKeys& k = HandshakeFixture();
  const bool initiator = role == crypto::noise::Role::kInitiator;
  crypto::noise::HandshakeConfig config{
      role,
      initiator ? &k.initiator_static : &k.responder_static,
      initiator ? ByteView(k.responder_public) : ByteView(k.initiator_public),
      &k.psk,
      AsBytes(kPrologue),
      initiator ? &k.initiator_ephemeral : &k.responder_ephemeral};
  auto hs = crypto::noise::Handshake::Start(config);
  INCH_CHECK(hs.has_value());
  return std::move(*hs);
}

Bytes HonestMessage0() {
  auto initiator = StartHandshake(crypto::noise::Role::kInitiator);
  auto m0 = initiator.WriteMessage({});
  INCH_CHECK(m0.has_value());
  return *m0;
}

Bytes HonestMessage1() {
  auto responder = StartHandshake(crypto::noise::Role::kResponder);
  INCH_CHECK(responder.ReadMessage(HonestMessage0()).has_value());
  auto m1 = responder.WriteMessage({});
  INCH_CHECK(m1.has_value());
  return *m1;
}

Bytes HonestTransport(ByteView plain) {
  auto initiator = StartHandshake(crypto::noise::Role::kInitiator);
  INCH_CHECK(initiator.WriteMessage({}).has_value());
  INCH_CHECK(initiator.ReadMessage(HonestMessage1()).has_value());
  auto keys = initiator.Split();
  INCH_CHECK(keys.has_value());
  auto ct = keys->send.Encrypt({}, plain);
  INCH_CHECK(ct.has_value());
  return *ct;
}

// Small canonical scalars (the top byte stays below 2^252's).
const crypto::Secret& ListenerScalar() {
  static const crypto::Secret s = [] {
    crypto::Secret x = FixedSecret(0x05);
    x.data()[31] = 0x01;
    return x;
  }();
  return s;
}

const crypto::Secret& DialerScalar() {
  static const crypto::Secret s = [] {
    crypto::Secret x = FixedSecret(0x33);
    x.data()[31] = 0x02;
    return x;
  }();
  return s;
}

}  // namespace inch::fuzz
