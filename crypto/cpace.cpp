// CPACE-RISTR255-SHA512 (draft-irtf-cfrg-cpace-21) on libsodium; see
// cpace.hpp. Section names refer to the draft. Anything derived from the
// PRS (generator string, g) or from the scalars (K, ISK) is wiped after use.
#include "crypto/cpace.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "common/check.hpp"

namespace inch::crypto::cpace {
namespace {

static_assert(kShareBytes == crypto_core_ristretto255_BYTES);
static_assert(kScalarBytes == crypto_core_ristretto255_SCALARBYTES);
static_assert(kIskBytes == crypto_hash_sha512_BYTES);
static_assert(crypto_core_ristretto255_HASHBYTES == crypto_hash_sha512_BYTES);

constexpr std::string_view kIskSuffix = "_ISK";
constexpr std::string_view kSidOutputLabel = "CPaceSidOutput";

void Append(Bytes& out, ByteView data) {
  out.insert(out.end(), data.begin(), data.end());
}

// How many bytes the LEB128 encoding of `len` takes.
std::size_t LenBytes(std::size_t len) {
  std::size_t n = 1;
  for (; len >= 0x80; len >>= 7) ++n;
  return n;
}

// The LEB128 encoding of a length (draft: prepend_len).
void AppendLen(Bytes& out, std::size_t len) {
  while (len >= 0x80) {
    out.push_back(static_cast<std::uint8_t>((len & 0x7f) | 0x80));
    len >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(len));
}

}  // namespace

// ---- String utilities (appendix "string utility functions") ----

Bytes PrependLen(ByteView data) {
  Bytes out;
  AppendLen(out, data.size());
  Append(out, data);
  return out;
}

Bytes LvCat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) {
    AppendLen(out, p.size());
    Append(out, p);
  }
  return out;
}

Bytes OCat(ByteView a, ByteView b) {
  // lexiographically_larger(a, b): byte-wise, then the longer one wins.
  const bool a_larger =
      std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end());
  Bytes out{'o', 'c'};
  Append(out, a_larger ? a : b);
  Append(out, a_larger ? b : a);
  return out;
}

Bytes TranscriptIr(ByteView ya, ByteView ada, ByteView yb, ByteView adb) {
  Bytes out = LvCat({ya, ada});
  Append(out, LvCat({yb, adb}));
  return out;
}

Bytes TranscriptOc(ByteView ya, ByteView ada, ByteView yb, ByteView adb) {
  return OCat(LvCat({ya, ada}), LvCat({yb, adb}));
}

// ---- calculate_generator (section "CPace cipher suites", ristretto255) ----

Bytes GeneratorString(ByteView prs, ByteView ci, ByteView sid) {
  // len_zpad = max(0, s_in_bytes - 1 - len(prepend_len(PRS))
  //                   - len(prepend_len(DSI)))
  // (Sizes only: no copy of the PRS is left behind.)
  const std::size_t used = 1 + LenBytes(prs.size()) + prs.size() +
                           LenBytes(kDsi.size()) + kDsi.size();
  const std::size_t zpad = used < kSInBytes ? kSInBytes - used : 0;
  Bytes zeros(zpad, 0);
  return LvCat({AsBytes(kDsi), prs, zeros, ci, sid});
}

Result<Secret> CalculateGenerator(ByteView prs, ByteView ci, ByteView sid) {
  Bytes gen_string = GeneratorString(prs, ci, sid);
  Secret hash(crypto_hash_sha512_BYTES);
  crypto_hash_sha512(hash.data(), gen_string.data(), gen_string.size());
  Wipe(gen_string);  // it contains the PRS
  // element_derivation = RFC 9496 one-way map of 64 uniform bytes, which is
  // what libsodium 1.0.18's from_hash computes (not from_string).
  Secret g(kShareBytes);
  if (crypto_core_ristretto255_from_hash(g.data(), hash.data()) != 0) {
    return Fail(Errc::kCrypto, "CPace generator could not be computed");
  }
  return g;
}

Result<Secret> ScalarMultVfy(const Secret& scalar, ByteView point) {
  if (scalar.size() != kScalarBytes || point.size() != kShareBytes) {
    return Fail(Errc::kInvalidInput, "CPace scalar or point has a bad size");
  }
  Secret k(kShareBytes);
  // -1 when the point does not decode or the product is the identity: the
  // draft's abort. Never use the output then.
  if (crypto_scalarmult_ristretto255(k.data(), scalar.data(), point.data()) !=
      0) {
    return Fail(Errc::kCrypto, "CPace share is invalid");
  }
  return k;
}

Bytes SidOutput(ByteView transcript) {
  Bytes out(crypto_hash_sha512_BYTES);
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, AsBytes(kSidOutputLabel).data(),
                            kSidOutputLabel.size());
  crypto_hash_sha512_update(&st, transcript.data(), transcript.size());
  crypto_hash_sha512_final(&st, out.data());
  return out;
}

// ---- The protocol ----

Result<Party> Party::Start(ByteView prs, ByteView ci, ByteView sid, ByteView ad,
                           const Secret* test_scalar) {
  if (test_scalar != nullptr && test_scalar->size() != kScalarBytes) {
    return Fail(Errc::kCrypto, "CPace test scalar has the wrong size");
  }
  auto g = CalculateGenerator(prs, ci, sid);
  if (!g) return std::unexpected(g.error());
  Party p;
  if (test_scalar != nullptr) {
    p.y_ = Secret::CopyOf(test_scalar->view());
  } else {
    p.y_ = Secret(kScalarBytes);
    crypto_core_ristretto255_scalar_random(p.y_.data());
  }
  // Y = scalar_mult(y, g)
  p.share_.resize(kShareBytes);
  if (crypto_scalarmult_ristretto255(p.share_.data(), p.y_.data(), g->data()) !=
      0) {
    return Fail(Errc::kCrypto, "CPace share could not be computed");
  }
  p.sid_.assign(sid.begin(), sid.end());
  p.ad_.assign(ad.begin(), ad.end());
  return p;
}

Result<Secret> Party::Isk(ByteView peer_share, const Bytes& transcript) const {
  if (peer_share.size() != kShareBytes) {
    return Fail(Errc::kInvalidInput, "CPace share has the wrong size");
  }
  // K = scalar_mult_vfy(y, Y_peer); abort on failure.
  auto k = ScalarMultVfy(y_, peer_share);
  if (!k) return std::unexpected(k.error());
  // ISK = H.hash(lv_cat(DSI || "_ISK", sid, K) || transcript)
  Bytes dsi_isk(kDsi.begin(), kDsi.end());
  Append(dsi_isk, AsBytes(kIskSuffix));
  Bytes prefix = LvCat({dsi_isk, sid_});
  std::uint8_t k_len = static_cast<std::uint8_t>(kShareBytes);  // < 0x80
  Secret isk(kIskBytes);
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, prefix.data(), prefix.size());
  crypto_hash_sha512_update(&st, &k_len, 1);
  crypto_hash_sha512_update(&st, k->data(), k->size());
  crypto_hash_sha512_update(&st, transcript.data(), transcript.size());
  crypto_hash_sha512_final(&st, isk.data());
  sodium_memzero(&st, sizeof st);
  return isk;
}

Result<Secret> Party::DeriveIsk(ByteView peer_share, ByteView peer_ad,
                                bool we_are_initiator) const {
  Bytes transcript = we_are_initiator
                         ? TranscriptIr(share_, ad_, peer_share, peer_ad)
                         : TranscriptIr(peer_share, peer_ad, share_, ad_);
  return Isk(peer_share, transcript);
}

Result<Secret> Party::DeriveIskSymmetric(ByteView peer_share,
                                         ByteView peer_ad) const {
  return Isk(peer_share, TranscriptOc(share_, ad_, peer_share, peer_ad));
}

}  // namespace inch::crypto::cpace
