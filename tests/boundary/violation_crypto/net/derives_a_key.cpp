// A planted violation for crypto_boundary_selftest: a key derived, and its
// label defined, outside crypto/. Never compiled.
#include <sodium.h>

#include <string_view>

namespace {

constexpr std::string_view kLabel = "inch-planted v1";

void Derive(unsigned char* out, const unsigned char* key) {
  crypto_generichash(out, 32,
                     reinterpret_cast<const unsigned char*>(kLabel.data()),
                     kLabel.size(), key, 32);
}

}  // namespace
