// Fuzz target for the sync protocol's message decoding: the parse and the
// "body set" rule of SecureChannel::Receive, then the checks SyncSession
// makes before anything reaches the store (Hello version, batch bounds) and
// the wire-op envelope of every op in a batch. Session state itself is not
// reachable without a socket; the store's apply path is covered by wire_op.
#include <string>

#include "fuzz/targets/fixtures.hpp"
#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "net/secure_channel.hpp"
#include "net/sync_session.hpp"
#include "proto/wire.pb.h"
#include "store/shared/op_codec.hpp"

namespace inch::fuzz {

int FuzzWireMessage(const std::uint8_t* data, std::size_t size) {
  InitOnce();
  // Receive only ever parses one Noise transport plaintext.
  if (size > net::kMaxPlaintext) return 0;
  proto::WireMessage message;
  if (!message.ParseFromArray(data, static_cast<int>(size))) return 0;
  if (message.body_case() == proto::WireMessage::BODY_NOT_SET) return 0;

  // Whatever parsed re-serializes and parses to the same message.
  std::string again;
  FUZZ_CHECK(message.SerializeToString(&again));
  proto::WireMessage reparsed;
  FUZZ_CHECK(reparsed.ParseFromString(again));
  FUZZ_CHECK(reparsed.SerializeAsString() == again);

  switch (message.body_case()) {
    case proto::WireMessage::kHello: {
      const auto& hello = message.hello();
      if (hello.version() != net::kProtocolVersion) return 0;
      (void)hello.received_up_to();
      return 0;
    }
    case proto::WireMessage::kBatch: {
      const auto& ops = message.batch().ops();
      if (ops.empty() ||
          static_cast<std::size_t>(ops.size()) > net::kMaxBatchOps)
        return 0;
      for (const auto& op : ops) {
        ByteView wire = AsBytes(op);
        auto seq = store::PeekWireSeq(wire);
        auto opened = store::OpenWireOp(OpKey(), AuthorKey(), wire);
        // Nothing opens that has no seq; what opens carries that seq.
        if (!seq) FUZZ_CHECK(!opened);
        if (!opened) continue;
        FUZZ_CHECK(opened->seq() == *seq);
        if (store::ValidateShape(*opened)) (void)store::ItemOf(*opened);
      }
      return 0;
    }
    default:
      return 0;
  }
}

}  // namespace inch::fuzz
