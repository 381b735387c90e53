// The pairing key schedule (net/pairing.cpp, docs/PROTOCOL.md §2): the
// CPace inputs that bind the protocol and both roles, and every MAC and key
// both sides derive from the ISK and the transcript. All labels live here so
// net/ only moves bytes.
//   MAC/KEY(label) = BLAKE2b-256 keyed with ISK over
//                    "inch/1 " label | sid | Ya | Yb (| pk_D | pk_L)
// The static keys are appended for the labels used after they are known
// (final-*, pinned-listener, pair secret).
#pragma once

#include <cstddef>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto::pairing {

inline constexpr std::size_t kMacBytes = 32;
inline constexpr std::size_t kKeyBytes = 32;

// CPace CI binds the protocol version and both roles; the ADs name each role.
inline constexpr std::string_view kCi = "inch/1 pairing dialer->listener";
inline constexpr std::string_view kAdDialer = "inch/1 dialer";
inline constexpr std::string_view kAdListener = "inch/1 listener";
// Associated data of each side's sealed static public key.
inline constexpr std::string_view kSealAdDialer = "inch/1 dialer static key";
inline constexpr std::string_view kSealAdListener =
    "inch/1 listener static key";

// The confirmation MACs, in the order they are sent (M2..M6).
enum class Mac {
  kConfirmListener,  // M2, transcript only
  kConfirmDialer,    // M3, transcript only
  kFinalListener,    // M4, with the static keys
  kFinalDialer,      // M5, with the static keys
  kPinnedListener,   // M6, with the static keys
};

enum class Key {
  kSealDialer,    // seals pk_D in M3, transcript only
  kSealListener,  // seals pk_L in M4, transcript only
  kPairSecret,    // the Noise PSK both pin, with the static keys
};

// Everything both sides derive from the ISK and the transcript. A MAC or
// key that covers the static keys before SetStaticKeys is a bug (aborts).
class Keys {
 public:
  Keys(Secret isk, ByteView sid, ByteView ya, ByteView yb);

  void SetStaticKeys(ByteView pk_dialer, ByteView pk_listener);
  Bytes Compute(Mac which) const;
  // Constant time; false on a wrong size too.
  bool Verify(Mac which, ByteView got) const;
  Secret Derive(Key which) const;

 private:
  void Hash(std::string_view label, bool with_keys, std::uint8_t* out,
            std::size_t out_len) const;

  Secret isk_;
  Bytes transcript_;   // sid | Ya | Yb
  Bytes static_keys_;  // pk_D | pk_L, once known
};

}  // namespace inch::crypto::pairing
