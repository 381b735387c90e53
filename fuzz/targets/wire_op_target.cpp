// Fuzz target for the sealed wire-op envelope (store/shared/op_codec.hpp).
// Byte 0 picks a mode:
//   0: the rest is a wire op as received: PeekWireSeq and OpenWireOp.
//   1: seq (8) | plaintext: sealed WITHOUT padding under the pair key, so
//      the authenticated-but-malformed padding path is reached.
//   2: seq (8) | Op body: sealed with the real padding, so the parse, seq
//      check and ValidateShape after opening are reached.
#include <string>

#include "crypto/aead.hpp"
#include "fuzz/targets/fixtures.hpp"
#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "store/shared/op_codec.hpp"

namespace inch::fuzz {
namespace {

std::uint64_t ReadSeq(const std::uint8_t* p) {
  std::uint64_t seq = 0;
  for (int i = 0; i < 8; ++i) seq = (seq << 8) | p[i];
  return seq;
}

Bytes WithSeq(std::uint64_t seq, const Bytes& sealed) {
  Bytes wire(8);
  for (int i = 0; i < 8; ++i) {
    wire[static_cast<std::size_t>(i)] =
        static_cast<std::uint8_t>(seq >> (8 * (7 - i)));
  }
  wire.insert(wire.end(), sealed.begin(), sealed.end());
  return wire;
}

void CheckOpened(const Result<proto::Op>& opened, std::uint64_t seq) {
  if (!opened) return;
  FUZZ_CHECK(opened->seq() == seq);
  if (store::ValidateShape(*opened)) {
    (void)store::ClassOf(*opened);
    (void)store::ItemOf(*opened);
  }
}

}  // namespace

int FuzzWireOp(const std::uint8_t* data, std::size_t size) {
  InitOnce();
  if (size < 1) return 0;
  const std::uint8_t mode = data[0] % 3;
  const ByteView rest(data + 1, size - 1);

  if (mode == 0) {
    auto seq = store::PeekWireSeq(rest);
    FUZZ_CHECK(seq.has_value() == (rest.size() >= 8 + crypto::kSealOverhead &&
                                   rest.size() <= store::kMaxWireOpBytes));
    auto opened = store::OpenWireOp(OpKey(), AuthorKey(), rest);
    if (!seq) FUZZ_CHECK(!opened);
    if (seq) CheckOpened(opened, *seq);
    // Bound to its author: no other key opens it.
    Bytes other(AuthorKey().begin(), AuthorKey().end());
    other[0] ^= 1;
    FUZZ_CHECK(!opened || !store::OpenWireOp(OpKey(), other, rest));
    return 0;
  }
  if (rest.size() < 8 || rest.size() > store::kMaxWireOpBytes) return 0;
  const std::uint64_t seq = ReadSeq(rest.data());
  const ByteView body = rest.subspan(8);
  const Bytes ad = WireOpAd(AuthorKey(), seq);
  const Bytes sealed =
      mode == 1 ? crypto::Seal(OpKey(), body, ad)
                : crypto::SealPadded(OpKey(), body, ad, store::kWirePadBucket);
  const Bytes wire = WithSeq(seq, sealed);
  auto opened = store::OpenWireOp(OpKey(), AuthorKey(), wire);
  CheckOpened(opened, seq);
  if (mode == 2 && wire.size() <= store::kMaxWireOpBytes) {
    // Correctly padded: it opens exactly when the body parses with this seq.
    proto::Op op;
    bool parses = op.ParseFromArray(body.data(), static_cast<int>(body.size()));
    FUZZ_CHECK(opened.has_value() == (parses && op.seq() == seq));
  }
  return 0;
}

}  // namespace inch::fuzz
