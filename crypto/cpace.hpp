// Pairing's PAKE: CPace, cipher suite CPACE-RISTR255-SHA512, exactly as in
// draft-irtf-cfrg-cpace-21 (its vectors check it byte for byte). The one-time
// code typed by a person is the PRS; a man-in-the-middle gets one guess per
// run. Key confirmation on top of the ISK is the caller's job (net/).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto::cpace {

inline constexpr std::string_view kDsi = "CPaceRistretto255";  // G.DSI
inline constexpr std::size_t kSInBytes = 128;   // SHA-512 block size
inline constexpr std::size_t kShareBytes = 32;  // encoded ristretto255
inline constexpr std::size_t kScalarBytes = 32;
inline constexpr std::size_t kIskBytes = 64;  // SHA-512 output

// One side of a CPace run in the draft's initiator-responder setting (and,
// optionally, the symmetric "parallel" setting). Move-only; the scalar is a
// Secret wiped on destruction. Not thread-safe.
class Party {
 public:
  // prs: the password-related string (the one-time code); ci: channel
  // identifier; sid: session id (may be empty); ad: our associated data.
  // test_scalar: tests only (vector ya/yb, 32 bytes little-endian);
  // otherwise sampled with crypto_core_ristretto255_scalar_random.
  // kCrypto if the generator or our share cannot be computed (never for
  // honest inputs), or test_scalar has the wrong size.
  static Result<Party> Start(ByteView prs, ByteView ci, ByteView sid,
                             ByteView ad, const Secret* test_scalar = nullptr);

  // Our Y (32 bytes) to send together with our ad. Valid while *this lives.
  ByteView share() const { return share_; }
  ByteView ad() const { return ad_; }

  // Computes ISK (64 bytes) = SHA-512(lv_cat(DSI||"_ISK", sid, K) ||
  // transcript_ir), the initiator being the party whose message is first.
  // kCrypto if peer_share does not decode or K is the identity (the
  // draft's abort); kInvalidInput if peer_share is not 32 bytes.
  Result<Secret> DeriveIsk(ByteView peer_share, ByteView peer_ad,
                           bool we_are_initiator) const;
  // As DeriveIsk, for the symmetric setting (transcript_oc); same failures.
  Result<Secret> DeriveIskSymmetric(ByteView peer_share,
                                    ByteView peer_ad) const;

  Party(Party&&) noexcept = default;
  Party& operator=(Party&&) noexcept = default;
  Party(const Party&) = delete;
  Party& operator=(const Party&) = delete;

 private:
  Party() = default;
  Result<Secret> Isk(ByteView peer_share, const Bytes& transcript) const;

  Secret y_;  // our scalar
  Bytes share_;
  Bytes sid_;
  Bytes ad_;
};

// ---- The draft's building blocks, public so tests check each one. ----

// prepend_len: LEB128 length prefix followed by the data.
Bytes PrependLen(ByteView data);
// lv_cat: the concatenation of prepend_len(each argument).
Bytes LvCat(std::initializer_list<ByteView> parts);
// o_cat: "oc" || the lexicographically larger || the smaller.
Bytes OCat(ByteView a, ByteView b);
// transcript_ir = lv_cat(Ya, ADa) || lv_cat(Yb, ADb).
Bytes TranscriptIr(ByteView ya, ByteView ada, ByteView yb, ByteView adb);
// transcript_oc = o_cat(lv_cat(Ya, ADa), lv_cat(Yb, ADb)).
Bytes TranscriptOc(ByteView ya, ByteView ada, ByteView yb, ByteView adb);
// generator_string(DSI, PRS, CI, sid, s_in_bytes) = lv_cat(DSI, PRS,
// zero-padding, CI, sid), the padding filling the first hash block.
Bytes GeneratorString(ByteView prs, ByteView ci, ByteView sid);
// g = crypto_core_ristretto255_from_hash(SHA-512(generator_string)); the
// RFC 9496 one-way map, NOT from_string. g is password-derived, hence a
// Secret. kCrypto if the map fails (never
// for any input in practice).
Result<Secret> CalculateGenerator(ByteView prs, ByteView ci, ByteView sid);
// scalar_mult_vfy: decodes `point` and multiplies; kCrypto if it does not
// decode or the result is the identity; kInvalidInput on wrong sizes.
Result<Secret> ScalarMultVfy(const Secret& scalar, ByteView point);
// The optional session-id output: SHA-512("CPaceSidOutput" || transcript).
Bytes SidOutput(ByteView transcript);

}  // namespace inch::crypto::cpace
