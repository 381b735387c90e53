// Check words shown to both partners after pairing and in `inch status`:
// four words from our own 256-word list, derived from the pair secret and
// both public keys (in sorted order, so both sides agree).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"

namespace inch::crypto {

inline constexpr std::size_t kCheckWordCount = 4;

// Never fails; aborts on an empty pair secret (a bug).
std::vector<std::string> CheckWords(const Secret& pair_secret, ByteView key_a,
                                    ByteView key_b);

// "maple otter quill swan".
std::string JoinWords(const std::vector<std::string>& words);

}  // namespace inch::crypto
