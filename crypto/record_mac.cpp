// See record_mac.hpp.
#include "crypto/record_mac.hpp"

#include <sodium.h>

#include <vector>

#include "common/check.hpp"

namespace inch::crypto {

Secret DeriveLabelledKey(const Secret& parent, std::string_view label) {
  INCH_CHECK(parent.size() == crypto_generichash_KEYBYTES);
  Secret key(32);
  INCH_CHECK(
      crypto_generichash(key.data(), key.size(),
                         reinterpret_cast<const unsigned char*>(label.data()),
                         label.size(), parent.data(), parent.size()) == 0);
  return key;
}

RecordMac MacRecord(const Secret& key, std::string_view table,
                    std::initializer_list<std::optional<std::int64_t>> fields) {
  std::vector<std::uint8_t> input(table.begin(), table.end());
  input.push_back(0);
  for (const auto& field : fields) {
    input.push_back(field ? 1 : 0);
    if (!field) continue;
    const auto v = static_cast<std::uint64_t>(*field);
    for (int shift = 56; shift >= 0; shift -= 8)
      input.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  RecordMac mac{};
  INCH_CHECK(crypto_generichash(mac.data(), mac.size(), input.data(),
                                input.size(), key.data(), key.size()) == 0);
  return mac;
}

bool MacMatches(ByteView stored, const RecordMac& expected) {
  return stored.size() == expected.size() &&
         sodium_memcmp(stored.data(), expected.data(), expected.size()) == 0;
}

}  // namespace inch::crypto
