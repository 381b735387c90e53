// The key that seals a carried bundle (docs/proposed/bundle.md): derived
// from the pair secret under its own label, so a bundle key never opens a
// wire op and an op key never opens a bundle.
#pragma once

#include <string_view>

#include "crypto/secret.hpp"

namespace inch::crypto {

inline constexpr std::string_view kBundleKeyLabel = "inch-bundle-key v1";

// BLAKE2b-256 keyed with the pair secret (16..64 bytes; aborts otherwise)
// over kBundleKeyLabel. Both partners derive the same 32-byte key.
Secret BundleKey(const Secret& pair_secret);

}  // namespace inch::crypto
