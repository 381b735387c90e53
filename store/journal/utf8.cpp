// Strict UTF-8 validation (RFC 3629, table 3-7 of the Unicode standard):
// each lead byte fixes the allowed range of its first continuation byte,
// which is what excludes overlongs, surrogates and code points > U+10FFFF.
#include "store/journal/utf8.hpp"

#include <cstddef>
#include <cstdint>

namespace inch::store {

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const std::uint8_t b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    std::uint8_t lo = 0x80, hi = 0xBF;  // range of the first continuation
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
    } else if (b == 0xE0) {
      extra = 2, lo = 0xA0;  // below A0 would be overlong
    } else if (b == 0xED) {
      extra = 2, hi = 0x9F;  // A0..BF would encode surrogates
    } else if (b >= 0xE1 && b <= 0xEF) {
      extra = 2;
    } else if (b == 0xF0) {
      extra = 3, lo = 0x90;  // below 90 would be overlong
    } else if (b == 0xF4) {
      extra = 3, hi = 0x8F;  // above 8F would exceed U+10FFFF
    } else if (b >= 0xF1 && b <= 0xF3) {
      extra = 3;
    } else {
      return false;  // 80..C1 (stray continuation, overlong lead), F5..FF
    }
    if (n - i <= extra) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k <= extra; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace inch::store
