// Unkeyed digests for names (digest.hpp).
#include "crypto/digest.hpp"

#include <sodium.h>

#include "common/check.hpp"

namespace inch::crypto {

Bytes NameDigest(ByteView data, std::size_t size) {
  INCH_CHECK(size >= 1 && size <= crypto_generichash_BYTES_MAX);
  Bytes out(size);
  INCH_CHECK(crypto_generichash(out.data(), out.size(), data.data(),
                                data.size(), nullptr, 0) == 0);
  return out;
}

}  // namespace inch::crypto
