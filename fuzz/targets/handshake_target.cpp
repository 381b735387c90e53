// Fuzz target for the session handshake's parsing of peer bytes
// (crypto/noise.hpp) on the fixture keys. Byte 0 picks a mode:
//   0: the responder reads the rest as message 0;
//   1: the initiator sent message 0 and reads the rest as message 1;
//   2: after an honest handshake, the responder decrypts the rest as the
//      first transport message and parses it as SecureChannel would.
// Without the keys nothing may authenticate except the honest messages.
#include <algorithm>

#include "fuzz/targets/fixtures.hpp"
#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "proto/wire.pb.h"

namespace inch::fuzz {
namespace {

bool Same(ByteView a, const Bytes& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

int FuzzHandshake(const std::uint8_t* data, std::size_t size) {
  InitOnce();
  if (size < 1) return 0;
  using crypto::noise::Role;
  const std::uint8_t mode = data[0] % 3;
  const ByteView rest(data + 1, size - 1);
  static const Bytes kMessage0 = HonestMessage0();
  static const Bytes kMessage1 = HonestMessage1();

  if (mode == 0) {
    auto responder = StartHandshake(Role::kResponder);
    auto payload = responder.ReadMessage(rest);
    // Fixed ephemerals make the honest message the only one that opens.
    FUZZ_CHECK(payload.has_value() == Same(rest, kMessage0));
    if (payload) FUZZ_CHECK(payload->empty());
    if (!payload) FUZZ_CHECK(!responder.ReadMessage(kMessage0));
    return 0;
  }
  if (mode == 1) {
    auto initiator = StartHandshake(Role::kInitiator);
    FUZZ_CHECK(initiator.WriteMessage({}).has_value());
    auto payload = initiator.ReadMessage(rest);
    FUZZ_CHECK(payload.has_value() == Same(rest, kMessage1));
    FUZZ_CHECK(initiator.complete() == payload.has_value());
    return 0;
  }
  auto responder = StartHandshake(Role::kResponder);
  FUZZ_CHECK(responder.ReadMessage(kMessage0).has_value());
  FUZZ_CHECK(responder.WriteMessage({}).has_value());
  auto keys = responder.Split();
  FUZZ_CHECK(keys.has_value());
  auto plain = keys->recv.Decrypt({}, rest);
  FUZZ_CHECK(keys->recv.nonce() == (plain ? 1u : 0u));
  if (!plain) return 0;
  proto::WireMessage message;
  (void)message.ParseFromArray(plain->data(), static_cast<int>(plain->size()));
  return 0;
}

}  // namespace inch::fuzz
