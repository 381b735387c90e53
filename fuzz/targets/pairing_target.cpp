// Fuzz target for what pairing does with a peer's bytes before any MAC can
// reject them (net/pairing.cpp slices fixed-size frames; the messages have
// no parser of their own). Byte 0 picks a mode:
//   0: the rest is M1 = sid (16) | Ya: the listener's CPace DeriveIsk;
//   1: the rest is M2 = Yb (32) | MAC (32): the dialer's DeriveIsk;
//   2: the rest is a typed code for net::NormalizeCode.
#include <algorithm>
#include <string>
#include <string_view>

#include "crypto/cpace.hpp"
#include "fuzz/targets/fixtures.hpp"
#include "fuzz/targets/fuzz_check.hpp"
#include "fuzz/targets/fuzz_targets.hpp"
#include "net/pairing.hpp"

namespace inch::fuzz {
namespace {

namespace cpace = crypto::cpace;

int Listener(ByteView m1) {
  if (m1.size() < kPairSidBytes) return 0;
  auto party = cpace::Party::Start(AsBytes(kPairCode), AsBytes(kPairCi),
                                   m1.first(kPairSidBytes),
                                   AsBytes(kPairAdListener), &ListenerScalar());
  FUZZ_CHECK(party.has_value());
  ByteView ya = m1.subspan(kPairSidBytes);
  auto isk = party->DeriveIsk(ya, AsBytes(kPairAdDialer), false);
  if (ya.size() != cpace::kShareBytes) FUZZ_CHECK(!isk);
  if (isk) FUZZ_CHECK(isk->size() == cpace::kIskBytes);
  return 0;
}

int Dialer(ByteView m2) {
  static const Bytes kSid(kPairSidBytes, 0x5A);
  auto party = cpace::Party::Start(AsBytes(kPairCode), AsBytes(kPairCi), kSid,
                                   AsBytes(kPairAdDialer), &DialerScalar());
  FUZZ_CHECK(party.has_value());
  ByteView yb = m2.first(std::min(m2.size(), cpace::kShareBytes));
  auto isk = party->DeriveIsk(yb, AsBytes(kPairAdListener), true);
  if (yb.size() != cpace::kShareBytes) FUZZ_CHECK(!isk);
  if (isk) FUZZ_CHECK(isk->size() == cpace::kIskBytes);
  return 0;
}

int Code(ByteView typed) {
  std::string_view text(reinterpret_cast<const char*>(typed.data()),
                        typed.size());
  auto code = net::NormalizeCode(text);
  if (!code) return 0;
  FUZZ_CHECK(code->size() == 8);
  for (char c : *code) FUZZ_CHECK(c >= '0' && c <= '9');
  // Normal form is a fixed point.
  auto again = net::NormalizeCode(*code);
  FUZZ_CHECK(again && *again == *code);
  return 0;
}

}  // namespace

int FuzzPairing(const std::uint8_t* data, std::size_t size) {
  InitOnce();
  if (size < 1) return 0;
  const ByteView rest(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      return Listener(rest);
    case 1:
      return Dialer(rest);
    default:
      return Code(rest);
  }
}

}  // namespace inch::fuzz
